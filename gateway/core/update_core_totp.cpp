// The second factor of panel logins: a TOTP or recovery code checked through the login throttle, and enrolment's last step.
#include "core/update_core.h"

#include "core/caller_address.h"
#include "core/totp.h"
#include "metrics/gateway_metrics.h"
#include "vocabulary/names.h"

namespace dyndns::core {
namespace {

// Longer than any code or recovery code, however spaced: refused before it costs a throttle entry.
constexpr std::size_t kMaxCodeLength = 64;

UpdateError wrong_code() { return {Fault::AuthFailed, "wrong code", 0}; }

} // namespace

std::variant<std::int64_t, UpdateError> UpdateCore::check_code(const std::string& raw_account, const std::string& code,
                                                               const ClientInfo& client, bool enrolling) {
    if (raw_account.size() > kMaxNameLength || code.size() > kMaxCodeLength)
        return UpdateError{Fault::BadRequest, "account or code too long", 0};
    return with_store<std::variant<std::int64_t, UpdateError>>([&]() -> std::variant<std::int64_t, UpdateError> {
        const std::string account = lower(raw_account);
        const std::string source = throttle_source(
            core::caller_address(client, settings()->trusted_proxies, settings()->forwarding_header), client.peer_address);
        // A wrong code is a wrong password: the same counts, so guessing codes is as slow as guessing passwords.
        auto started = throttle_.begin(account, source, LoginThrottle::Kind::Password);
        if (const int* wait = std::get_if<int>(&started)) {
            metrics::gateway_metrics().rate_limited.add();
            return UpdateError{Fault::RateLimited, "too many failed logins, retry after " + std::to_string(*wait) + " s", *wait};
        }
        LoginThrottle::Attempt& attempt = std::get<LoginThrottle::Attempt>(started);
        const auto refused = [&] {
            metrics::gateway_metrics().failed_logins.add();
            attempt.failed();
            return wrong_code();
        };
        const auto state = account.empty() ? std::nullopt : store_.totp(account);
        if (!state || state->enabled == enrolling) return refused();
        if (!looks_like_totp_code(code)) {
            // Enrolment proves the app holds the secret: a recovery code cannot stand in for that.
            if (enrolling || !store_.use_recovery_code(account, code)) return refused();
            attempt.succeeded();
            return std::int64_t{0};
        }
        const auto secret = totp_secret_bytes(state->secret);
        const auto step =
            secret ? matching_step(*secret, code, totp_step(std::chrono::system_clock::now()), state->last_step) : std::nullopt;
        // Taken in the store in one atomic step: a code two gateways are given at once works once.
        if (!step || (!enrolling && !store_.use_totp_step(account, *step))) return refused();
        attempt.succeeded();
        return *step;
    });
}

std::optional<UpdateError> UpdateCore::second_factor(const std::string& account, const std::string& code,
                                                     const ClientInfo& client) {
    auto checked = check_code(account, code, client, false);
    if (auto* failed = std::get_if<UpdateError>(&checked)) return *failed;
    return std::nullopt;
}

std::variant<std::vector<std::string>, UpdateError> UpdateCore::enable_totp(const std::string& account, const std::string& code,
                                                                            const ClientInfo& client) {
    auto checked = check_code(account, code, client, true);
    if (auto* failed = std::get_if<UpdateError>(&checked)) return *failed;
    return with_store<std::variant<std::vector<std::string>, UpdateError>>(
        [&]() -> std::variant<std::vector<std::string>, UpdateError> {
            try {
                return store_.enable_totp(lower(account), std::get<std::int64_t>(checked));
            } catch (const store::DatabaseError&) {
                throw;
            } catch (const store::StoreError&) {
                // Turned on meanwhile (another tab, another gateway): nothing waits any more.
                return UpdateError{Fault::BadRequest, "two-factor authentication is on already", 0};
            }
        });
}

} // namespace dyndns::core
