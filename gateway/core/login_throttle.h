// Throttles failed logins per account and per source address: a fault with a retry time, never a sleep.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace dyndns::core {

struct ThrottleSettings {
    unsigned max_failures_per_account = 10; // within `window`, then refused until the window passes
    unsigned max_failures_per_address = 30;
    std::chrono::seconds window{300};
};

// Fixed-window counters keyed by account name and by source address. Blocking a guesser
// costs the server nothing: a blocked login is refused before the password hash is checked.
class LoginThrottle {
public:
    using Clock = std::chrono::steady_clock;
    explicit LoginThrottle(ThrottleSettings settings = {}) : settings_(settings) {}

    // Seconds to wait when `account` or `address` has used up its failures; nothing otherwise.
    std::optional<int> blocked(const std::string& account, const std::string& address, Clock::time_point now = Clock::now());
    void record_failure(const std::string& account, const std::string& address, Clock::time_point now = Clock::now());
    // A successful login clears the account's count (not the address's: a shared NAT address
    // with one good customer must not launder another's guessing).
    void record_success(const std::string& account);

private:
    struct Window {
        Clock::time_point start;
        unsigned failures = 0;
    };
    std::optional<int> over_limit(std::unordered_map<std::string, Window>& windows, const std::string& key, unsigned limit,
                                  Clock::time_point now);
    void count(std::unordered_map<std::string, Window>& windows, const std::string& key, Clock::time_point now);
    void forget_expired(Clock::time_point now);

    ThrottleSettings settings_;
    std::mutex mutex_;
    std::unordered_map<std::string, Window> by_account_;
    std::unordered_map<std::string, Window> by_address_;
    Clock::time_point last_sweep_{};
};

} // namespace dyndns::core
