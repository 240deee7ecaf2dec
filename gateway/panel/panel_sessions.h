// Control-panel sessions held in memory: random ids, a CSRF token each, idle and absolute expiry enforced here.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace dyndns::panel {

struct Session {
    std::string id; // the cookie's value: 256 random bits
    std::string account;
    std::string csrf; // 256 random bits; every form carries it
    std::string credential_stamp; // the account's password stamp at login: a new password ends the session
};

// A new token's secret waiting for the page after the redirect, for that token on that domain only.
struct TokenFlash {
    std::int64_t token_id = 0;
    std::string domain; // a per-host token's domain; empty for a JSON API token or a webhook
    std::string secret;
    bool webhook = false; // token_id is a webhook's, secret its signing secret
};

// 256 random bits, URL-safe base64 without padding.
std::string random_token();

class SessionStore {
public:
    using Clock = std::chrono::steady_clock;
    struct Settings {
        std::chrono::seconds idle{30 * 60};
        std::chrono::seconds absolute{12 * 60 * 60};
        std::size_t max_sessions = 10000; // beyond it, the oldest session is dropped
        // Beyond it, the account's own oldest session is dropped: one customer logging in again
        // and again can only ever push out their own sessions, never another account's.
        std::size_t max_sessions_per_account = 20;
    };
    SessionStore() : SessionStore(Settings{}) {}
    explicit SessionStore(Settings settings) : settings_(settings) {}

    Session create(const std::string& account, const std::string& credential_stamp, Clock::time_point now = Clock::now());
    // The live session with this id (its idle timer restarted), or nothing when unknown or expired.
    std::optional<Session> find(const std::string& id, Clock::time_point now = Clock::now());
    void destroy(const std::string& id);
    // A one-time message for the session's next page (a new token's secret after the redirect
    // that follows its form): kept in memory only, handed out once.
    void set_flash(const std::string& id, TokenFlash flash);
    std::optional<TokenFlash> take_flash(const std::string& id);
    std::chrono::seconds absolute_lifetime() const { return settings_.absolute; }

private:
    struct Entry {
        Session session;
        Clock::time_point created;
        Clock::time_point last_used;
        std::optional<TokenFlash> flash;
    };
    void forget_expired(Clock::time_point now);

    Settings settings_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> sessions_;
};

} // namespace dyndns::panel
