// The accounts table: argon2id password hashes, the verification cache's lookups, the credential stamp.
#include <algorithm>
#include <optional>

#include <Poco/Tuple.h>

#include "store/store_impl.h"
#include "store/password_hash.h"
#include "store/transaction.h"

namespace dyndns::store {

void Store::add_account(const std::string& raw_account, const std::string& password) {
    const std::string account = account_name(raw_account);
    check_password(password);
    std::string hash = hash_password(password); // slow: outside the lock
    guarded("add the account", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        if (!impl_->stored_hash(session, account).empty()) throw StoreError("account '" + account + "' already exists");
        session << impl_->sql("INSERT INTO accounts(name, password_hash, created_ms) VALUES(?, ?, ?)"), bind(account), bind(hash),
            bind(now_ms()), now;
        impl_->changed();
    });
}

void Store::set_password(const std::string& raw_account, const std::string& password) {
    const std::string account = account_name(raw_account);
    check_password(password);
    std::string hash = hash_password(password);
    guarded("change the password", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        if (impl_->stored_hash(session, account).empty()) throw StoreError("no account '" + account + "'");
        session << impl_->sql("UPDATE accounts SET password_hash = ? WHERE name = ?"), bind(hash), bind(account), now;
        impl_->changed();
    });
    impl_->passwords.forget(account);
}

void Store::delete_account(const std::string& raw_account) {
    const std::string account = account_name(raw_account);
    guarded("delete the account", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        if (impl_->stored_hash(session, account).empty()) throw StoreError("no account '" + account + "'");
        // The domains go with the account (ON DELETE CASCADE), their tokens with them, and their
        // history here: a domain given to another customer later must not show this one's calls.
        in_transaction(session, impl_->dialect, [&] {
            session << impl_->sql("DELETE FROM history WHERE domain IN (SELECT name FROM domains WHERE account = ?)"),
                bind(account), now;
            session << impl_->sql("DELETE FROM accounts WHERE name = ?"), bind(account), now;
        });
        impl_->changed();
    });
    impl_->passwords.forget(account);
}

std::vector<std::string> Store::list_accounts() const {
    return guarded("list the accounts", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::vector<std::string> names;
        session << impl_->sql("SELECT name FROM accounts ORDER BY name"), into(names), now;
        return names;
    });
}

bool Store::account_exists(const std::string& raw_account) const {
    std::string account;
    try {
        account = account_name(raw_account);
    } catch (const InvalidInput&) {
        return false;
    }
    return guarded("look up the account", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        return !impl_->stored_hash(session, account).empty();
    });
}

bool Store::verify_password(const std::string& raw_account, const std::string& password) {
    std::string account;
    std::string hash;
    try {
        account = account_name(raw_account);
        hash = guarded("look up the account", [&] { return impl_->cached_hash(account); });
    } catch (const InvalidInput&) {
        // A name that cannot exist still pays for a hash, like any unknown account.
    }
    if (password.empty() || password.size() > core::kMaxPasswordLength) return false;
    return impl_->passwords.verify(account, password, hash); // outside the store's lock
}

std::string Store::credential_stamp(const std::string& raw_account) const {
    std::string account;
    try {
        account = account_name(raw_account);
    } catch (const InvalidInput&) {
        return "";
    }
    const std::string hash = guarded("look up the account", [&] { return impl_->cached_hash(account); });
    return hash.empty() ? "" : token_hash(hash);
}

} // namespace dyndns::store
