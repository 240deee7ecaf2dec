// The account_totp and totp_recovery_codes tables: each account's TOTP secret and last step used, its recovery codes kept as hashes.
#include <Poco/String.h>
#include <Poco/Tuple.h>

#include "store/password_hash.h"
#include "store/store_impl.h"
#include "store/transaction.h"
#include "vocabulary/recovery_code.h"

namespace dyndns::store {
namespace {

constexpr std::size_t kTotpSecretBytes = 20; // 160 bits (RFC 4226 §4 R6)
constexpr std::size_t kRecoveryCodeBytes = 10; // 80 bits: kRecoveryCodeLength Base32 characters

} // namespace

std::optional<core::TotpState> Store::totp(const std::string& raw_account) const {
    std::string account;
    try {
        account = account_name(raw_account);
    } catch (const InvalidInput&) {
        return std::nullopt; // a name no account can have has no TOTP either
    }
    return guarded("read the account's TOTP", [&]() -> std::optional<core::TotpState> {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::vector<Poco::Tuple<std::string, int, Poco::Int64>> rows;
        session << impl_->sql("SELECT secret, enabled, last_step FROM account_totp WHERE account = ?"), bind(account), into(rows),
            now;
        if (rows.empty()) return std::nullopt;
        Poco::Int64 left = 0;
        session << impl_->sql("SELECT count(*) FROM totp_recovery_codes WHERE account = ? AND used_ms = 0"), bind(account),
            into(left), now;
        return core::TotpState{rows.front().get<0>(), rows.front().get<1>() != 0, rows.front().get<2>(),
                               static_cast<std::size_t>(left)};
    });
}

std::string Store::begin_totp(const std::string& raw_account) {
    const std::string account = account_name(raw_account);
    std::string secret = new_base32_secret(kTotpSecretBytes);
    guarded("start the account's TOTP", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        in_transaction(session, impl_->dialect, [&] {
            if (impl_->stored_hash(session, account).empty()) throw StoreError("no account '" + account + "'");
            int enabled = 0;
            session << impl_->sql("SELECT count(*) FROM account_totp WHERE account = ? AND enabled = 1"), bind(account),
                into(enabled), now;
            if (enabled > 0) throw StoreError("two-factor authentication is on already for '" + account + "'");
            session << impl_->sql("DELETE FROM account_totp WHERE account = ?"), bind(account), now;
            session << impl_->sql(
                "INSERT INTO account_totp(account, secret, enabled, last_step, created_ms) VALUES(?, ?, 0, 0, ?)"),
                bind(account), bind(secret), bind(now_ms()), now;
        });
    });
    return secret;
}

std::vector<std::string> Store::enable_totp(const std::string& raw_account, std::int64_t step) {
    const std::string account = account_name(raw_account);
    std::vector<std::string> shown;
    std::vector<std::string> hashes;
    for (std::size_t i = 0; i < core::kRecoveryCodes; ++i) {
        const std::string key = Poco::toLower(new_base32_secret(kRecoveryCodeBytes));
        shown.push_back(core::recovery_code_shown(key));
        hashes.push_back(token_hash(key));
    }
    guarded("turn the account's TOTP on", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        in_transaction(session, impl_->dialect, [&] {
            Poco::Data::Statement enable(session);
            enable << impl_->sql("UPDATE account_totp SET enabled = 1, last_step = ? WHERE account = ? AND enabled = 0"),
                bind(static_cast<Poco::Int64>(step)), bind(account);
            if (enable.execute() == 0) throw StoreError("no TOTP secret waits for its first code for '" + account + "'");
            session << impl_->sql("DELETE FROM totp_recovery_codes WHERE account = ?"), bind(account), now;
            for (const auto& hash : hashes)
                session << impl_->sql("INSERT INTO totp_recovery_codes(account, code_hash, used_ms) VALUES(?, ?, 0)"),
                    bind(account), bind(hash), now;
        });
    });
    return shown;
}

bool Store::use_totp_step(const std::string& raw_account, std::int64_t step) {
    const std::string account = account_name(raw_account);
    return guarded("take the TOTP code", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        // One statement: of two gateways given the same code at once, one changes the row.
        Poco::Data::Statement take(session);
        take << impl_->sql("UPDATE account_totp SET last_step = ? WHERE account = ? AND enabled = 1 AND last_step < ?"),
            bind(static_cast<Poco::Int64>(step)), bind(account), bind(static_cast<Poco::Int64>(step));
        return take.execute() == 1;
    });
}

bool Store::use_recovery_code(const std::string& raw_account, const std::string& code) {
    const std::string account = account_name(raw_account);
    const auto key = core::recovery_code_key(code);
    if (!key) return false;
    return guarded("take the recovery code", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        Poco::Data::Statement take(session);
        take << impl_->sql("UPDATE totp_recovery_codes SET used_ms = ? WHERE account = ? AND code_hash = ? AND used_ms = 0"),
            bind(now_ms()), bind(account), bind(token_hash(*key));
        return take.execute() == 1;
    });
}

bool Store::remove_totp(const std::string& raw_account) {
    const std::string account = account_name(raw_account);
    return guarded("turn the account's TOTP off", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::size_t removed = 0;
        in_transaction(session, impl_->dialect, [&] {
            session << impl_->sql("DELETE FROM totp_recovery_codes WHERE account = ?"), bind(account), now;
            Poco::Data::Statement remove(session);
            remove << impl_->sql("DELETE FROM account_totp WHERE account = ?"), bind(account);
            removed = remove.execute();
        });
        return removed > 0;
    });
}

} // namespace dyndns::store
