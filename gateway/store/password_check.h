// Authentication apart from persistence: a password checked against its stored hash, one argon2 run per account at a time, recent successes remembered.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "store/password_hash.h"

namespace dyndns::store {

// Thread-safe. Knows nothing of the database: the store looks the hash up and hands it in.
//
// argon2 is slow on purpose, and each verification holds the caller's thread (a worker). At most
// `max_verifications` different (account, password) pairs are being verified at once (running,
// or waiting for their account's turn); one more throws PasswordCheckBusy at once instead of
// holding another worker. Callers with the same credentials as a verification in flight (a
// client's burst of connections) wait for its answer and do not count. A remembered success
// never counts either: guessers from everywhere cannot make customers whose logins are cached wait.
class PasswordCheck {
public:
    using Matcher = std::function<bool(const std::string& password, const std::string& hash)>;
    explicit PasswordCheck(unsigned max_verifications = default_max_verifications(), Matcher matches = password_matches)
        : max_verifications_(max_verifications), matches_(std::move(matches)) {}
    // Twice the cores, at least 8: argon2 keeps every core busy with a few verifications, a client's
    // burst of connections with the same new password still finds room, and half of the default 16
    // workers (limits.max_threads) stay free for everything else.
    static unsigned default_max_verifications();

    // True when `password` matches `hash`, the account's stored argon2id hash ("" for an unknown
    // account, which costs as much as a wrong password). Callers that arrive together with the
    // same credentials (a client's burst of connections) wait for the first verification and
    // find it remembered.
    // PasswordCheckBusy when it would need a verification and `max_verifications` are under way.
    bool verify(const std::string& account, const std::string& password, const std::string& hash);
    // After a password change or an account's deletion.
    void forget(const std::string& account) { verified_.forget(account); }

private:
    // A mutex per account name, made on first use.
    std::shared_ptr<std::mutex> gate(const std::string& account);

    // One verification in flight; callers with the same credentials wait for `result`.
    struct Flight {
        bool done = false;
        bool result = false;
    };

    const unsigned max_verifications_;
    const Matcher matches_;
    std::mutex flights_mutex_;
    std::condition_variable flight_done_;
    std::unordered_map<std::string, std::shared_ptr<Flight>> flights_; // by VerifiedCache::digest
    VerifiedCache verified_;
    std::mutex gates_mutex_;
    std::unordered_map<std::string, std::shared_ptr<std::mutex>> gates_;
};

} // namespace dyndns::store
