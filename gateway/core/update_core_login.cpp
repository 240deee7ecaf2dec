// Who is calling and what they may reach: passwords, per-host and API tokens through the login throttle, the call budget, a name's owner and a token's scope.
#include "core/update_core.h"

#include "core/caller_address.h"
#include "metrics/gateway_metrics.h"
#include "vocabulary/names.h"
#include "vocabulary/no_wait.h"

namespace dyndns::core {
namespace {

UpdateError error(Fault fault, std::string message, int retry_after = 0) { return {fault, std::move(message), retry_after}; }

UpdateError not_permitted(std::string message) { return error(Fault::NotPermitted, std::move(message)); }

} // namespace

std::variant<UpdateCore::Identity, UpdateError> UpdateCore::authenticate(const std::string& raw_account,
                                                                         const std::string& password, const ClientInfo& client,
                                                                         bool tokens_allowed) {
    // Longer than any account or host name: refused before it costs a hash or a throttle entry.
    if (raw_account.size() > kMaxNameLength || password.size() > kMaxPasswordLength)
        return error(Fault::BadRequest, "account or password too long");
    // The throttle's shared counts are the store's too: an outage is fault 10, as for any call.
    return with_store<std::variant<Identity, UpdateError>>(
        [&]() -> std::variant<Identity, UpdateError> { return verify_login(raw_account, password, client, tokens_allowed); });
}

std::variant<UpdateCore::Identity, UpdateError> UpdateCore::verify_login(const std::string& raw_account,
                                                                         const std::string& password, const ClientInfo& client,
                                                                         bool tokens_allowed) {
    const std::string account = lower(raw_account);
    const std::string source = throttle_source(
        core::caller_address(client, settings()->trusted_proxies, settings()->forwarding_header), client.peer_address);
    // A router logs in with its host name and that host's token. Tried first when the name has
    // tokens, so a router's call costs a hash, not an argon2 verification.
    if (tokens_allowed && account.empty() && password.starts_with(kApiTokenPrefix)) {
        auto token = verify_api_token(password, client, source, ApiToken::Kind::Customer);
        if (auto* failed = std::get_if<UpdateError>(&token)) return *failed;
        std::string owner = std::get<ApiToken>(token).account;
        return Identity{std::move(owner), std::nullopt, std::move(std::get<ApiToken>(token))};
    }
    const bool token_name = tokens_allowed && !password.empty() && store_.has_tokens(account);
    const auto kind = token_name ? LoginThrottle::Kind::Token : LoginThrottle::Kind::Password;
    auto started = throttle_.begin(account, source, kind);
    if (const int* wait = std::get_if<int>(&started)) {
        metrics::gateway_metrics().rate_limited.add();
        return error(Fault::RateLimited, "too many failed logins, retry after " + std::to_string(*wait) + " s", *wait);
    }
    LoginThrottle::Attempt& attempt = std::get<LoginThrottle::Attempt>(started);

    std::optional<Token> token;
    if (token_name) token = store_.verify_token(account, password);
    bool password_ok = false;
    try {
        password_ok = !token && !account.empty() && !password.empty() && store_.verify_password(account, password);
    } catch (const store::PasswordCheckBusy&) {
        // Not checked, so not counted: the try ends uncounted when `attempt` goes.
        metrics::gateway_metrics().rate_limited.add();
        return error(Fault::RateLimited, "the gateway is busy checking passwords, retry after 1 s", 1);
    }
    if (!token && !password_ok) {
        metrics::gateway_metrics().failed_logins.add();
        attempt.failed();
        return error(Fault::AuthFailed, "wrong account or password");
    }
    // A panel login of an account with TOTP on is not a login yet: the try ends uncounted, so the
    // password alone neither clears the account's failures from this source nor makes the source
    // known; the code's check (second_factor) does both. Machines (tokens_allowed) type no code.
    if (!tokens_allowed && !token) {
        if (const auto totp = store_.totp(account); totp && totp->enabled)
            return Identity{account, std::nullopt, std::nullopt, true};
    }
    attempt.succeeded();
    return Identity{account, std::move(token)};
}

std::variant<ApiToken, UpdateError> UpdateCore::verify_api_token(const std::string& secret, const ClientInfo& client,
                                                                 const std::string& source, ApiToken::Kind expected) {
    // Counted like a per-host token: per source, never against an account (a guess names none).
    auto started = throttle_.begin("", source, LoginThrottle::Kind::Token);
    if (const int* wait = std::get_if<int>(&started)) {
        metrics::gateway_metrics().rate_limited.add();
        return error(Fault::RateLimited, "too many failed logins, retry after " + std::to_string(*wait) + " s", *wait);
    }
    LoginThrottle::Attempt& attempt = std::get<LoginThrottle::Attempt>(started);
    auto token = store_.find_api_token(secret);
    if (!token || token->expired(std::chrono::system_clock::now())) {
        metrics::gateway_metrics().failed_logins.add();
        attempt.failed();
        return error(Fault::AuthFailed, "unknown, revoked or expired token");
    }
    attempt.succeeded();
    if (token->kind != expected)
        return not_permitted(expected == ApiToken::Kind::Customer ? "a provisioning token cannot read or change names"
                                                                  : "only a provisioning token may provision");
    const auto caller = core::caller_address(client, settings()->trusted_proxies, settings()->forwarding_header);
    if (!token->reachable_from(caller)) return not_permitted("this token may not be used from this address");
    return std::move(*token);
}

std::optional<UpdateError> UpdateCore::check_provisioning_token(const std::string& secret, const ClientInfo& client) {
    if (secret.size() > kMaxPasswordLength) return error(Fault::BadRequest, "token too long");
    if (!secret.starts_with(kApiTokenPrefix)) return not_permitted("only a provisioning token may provision");
    return with_store<std::optional<UpdateError>>([&]() -> std::optional<UpdateError> {
        const std::string source = throttle_source(
            core::caller_address(client, settings()->trusted_proxies, settings()->forwarding_header), client.peer_address);
        auto token = verify_api_token(secret, client, source, ApiToken::Kind::Provisioning);
        if (auto* failed = std::get_if<UpdateError>(&token)) return *failed;
        return std::nullopt;
    });
}

std::variant<UpdateCore::LoginStep, UpdateError> UpdateCore::login(const std::string& account, const std::string& password,
                                                                   const ClientInfo& client) {
    auto identity = authenticate(account, password, client, false);
    if (auto* failed = std::get_if<UpdateError>(&identity)) return *failed;
    // A login costs a call of the account's budget like any other: a customer cannot log in
    // faster than they may call (each login also makes a session to keep).
    const auto& who = std::get<Identity>(identity);
    if (auto spent = charge(who.account)) return *spent;
    return who.code_needed ? LoginStep::CodeNeeded : LoginStep::Done;
}

std::variant<UpdateCore::Authorized, UpdateError> UpdateCore::authorize(const std::string& raw_account,
                                                                        const std::string& password, const std::string& name,
                                                                        const ClientInfo& client, Need need) {
    auto identity = authenticate(raw_account, password, client, true);
    if (auto* failed = std::get_if<UpdateError>(&identity)) return *failed;
    if (auto spent = charge(std::get<Identity>(identity).account)) return *spent;
    return authorize_name(std::get<Identity>(identity), name, need);
}

std::optional<UpdateError> UpdateCore::charge(const std::string& account, unsigned calls) {
    if (take_precharge()) return std::nullopt; // the loop charged it before handing the call on
    const auto wait = calls_.take(account, CallRateLimit::Clock::now(), calls); // the shared store may say WouldBlock
    if (!wait) {
        note_charged();
        return std::nullopt;
    }
    metrics::gateway_metrics().rate_limited.add();
    return error(Fault::RateLimited, "too many requests, retry after " + std::to_string(*wait) + " s", *wait);
}

std::variant<UpdateCore::Authorized, UpdateError> UpdateCore::authorize_name(const Identity& identity, const std::string& name,
                                                                             Need need) {
    const auto normalized = host_name(name);
    if (!normalized) return no_such_domain();
    if (identity.api) {
        // Another account's name is not found, in the same words as a name nobody has; the
        // account's own names outside the scope are refused as such.
        auto domain = store_.owning_domain(*normalized);
        if (!domain || domain->account != identity.account) return no_such_domain();
        if (!identity.api->covers(*normalized)) return not_permitted("this token's names do not include " + *normalized);
        if (!identity.api->allows(need))
            return not_permitted(need.write && !identity.api->write ? "this token is read-only"
                                                                    : "this token may not change this kind of record");
        return Authorized{*normalized, std::move(*domain)};
    }
    if (identity.token) {
        // A token updates its own name and nothing else.
        if (*normalized != identity.token->name) return no_such_domain();
        // Still under the domain it was made for: a more specific domain registered since (for
        // another customer, say) takes the name out of the token's reach.
        auto domain = store_.owning_domain(*normalized);
        if (!domain || domain->name != identity.token->domain) return no_such_domain();
        return Authorized{*normalized, std::move(*domain), true};
    }
    auto domain = store_.owning_domain(*normalized);
    if (!domain || domain->account != identity.account) return no_such_domain();
    return Authorized{*normalized, std::move(*domain)};
}

} // namespace dyndns::core
