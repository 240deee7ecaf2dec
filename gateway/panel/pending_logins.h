// Panel logins half done: the password was right, the account's TOTP code has yet to come; held in memory a few minutes.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace dyndns::panel {

struct PendingLogin {
    std::string id; // the cookie's value: 256 random bits
    std::string account;
    std::string csrf; // the code form's token
    std::string credential_stamp; // as at the password: a password changed meanwhile ends it
};

// No session exists until the code is right: a pending login opens no page but the code form.
class PendingLogins {
public:
    using Clock = std::chrono::steady_clock;
    struct Settings {
        std::chrono::seconds lifetime{5 * 60}; // time to open the app and type a code
        std::size_t max_pending = 10000; // beyond it, the oldest is dropped
    };
    PendingLogins() : PendingLogins(Settings{}) {}
    explicit PendingLogins(Settings settings) : settings_(settings) {}

    PendingLogin create(const std::string& account, const std::string& credential_stamp, Clock::time_point now = Clock::now());
    // The live pending login with this id, or nothing when unknown or expired.
    std::optional<PendingLogin> find(const std::string& id, Clock::time_point now = Clock::now());
    void destroy(const std::string& id);
    std::chrono::seconds lifetime() const { return settings_.lifetime; }

private:
    struct Entry {
        PendingLogin login;
        Clock::time_point created;
    };
    void forget_expired(Clock::time_point now);

    Settings settings_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> pending_;
};

} // namespace dyndns::panel
