// Authentication apart from persistence: a password checked against its stored hash, one argon2 run per account at a time, recent successes remembered.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "store/password_hash.h"

namespace dyndns::store {

// Thread-safe. Knows nothing of the database: the store looks the hash up and hands it in.
class PasswordCheck {
public:
    // True when `password` matches `hash`, the account's stored argon2id hash ("" for an unknown
    // account, which costs as much as a wrong password). Callers that arrive together with the
    // same credentials (a client's burst of connections) wait for the first verification and
    // find it remembered.
    bool verify(const std::string& account, const std::string& password, const std::string& hash);
    // After a password change or an account's deletion.
    void forget(const std::string& account) { verified_.forget(account); }

private:
    // A mutex per account name, made on first use.
    std::shared_ptr<std::mutex> gate(const std::string& account);

    VerifiedCache verified_;
    std::mutex gates_mutex_;
    std::unordered_map<std::string, std::shared_ptr<std::mutex>> gates_;
};

} // namespace dyndns::store
