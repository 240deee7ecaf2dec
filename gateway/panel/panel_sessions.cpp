// Session ids and CSRF tokens from the system's random source; expiry decided on the server, never by the cookie.
#include "panel/panel_sessions.h"

#include <algorithm>
#include <sstream>
#include <utility>

#include <Poco/Base64Encoder.h>
#include <Poco/RandomStream.h>

namespace dyndns::panel {

std::string random_token() {
    char bytes[32];
    Poco::RandomInputStream random;
    random.read(bytes, sizeof bytes);
    std::ostringstream text;
    Poco::Base64Encoder encoder(text, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder.write(bytes, sizeof bytes);
    encoder.close();
    return text.str();
}

Session SessionStore::create(const std::string& account, const std::string& credential_stamp, Clock::time_point now) {
    Session session{random_token(), account, random_token(), credential_stamp};
    std::lock_guard lock(mutex_);
    forget_expired(now);
    const auto older = [](const auto& a, const auto& b) { return a.second.created < b.second.created; };
    const auto account_oldest = [&] {
        auto oldest = sessions_.end();
        std::size_t held = 0;
        for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
            if (it->second.session.account != account) continue;
            ++held;
            if (oldest == sessions_.end() || older(*it, *oldest)) oldest = it;
        }
        return std::pair{oldest, held};
    };
    if (const auto [oldest, held] = account_oldest(); held >= std::max<std::size_t>(settings_.max_sessions_per_account, 1))
        sessions_.erase(oldest);
    else if (sessions_.size() >= settings_.max_sessions)
        sessions_.erase(std::min_element(sessions_.begin(), sessions_.end(), older));
    sessions_[session.id] = Entry{session, now, now, {}};
    return session;
}

std::optional<Session> SessionStore::find(const std::string& id, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(id);
    if (it == sessions_.end()) return std::nullopt;
    if (now - it->second.last_used > settings_.idle || now - it->second.created > settings_.absolute) {
        sessions_.erase(it);
        return std::nullopt;
    }
    it->second.last_used = now;
    return it->second.session;
}

void SessionStore::destroy(const std::string& id) {
    std::lock_guard lock(mutex_);
    sessions_.erase(id);
}

void SessionStore::set_flash(const std::string& id, TokenFlash flash) {
    std::lock_guard lock(mutex_);
    if (const auto it = sessions_.find(id); it != sessions_.end()) it->second.flash = std::move(flash);
}

std::optional<TokenFlash> SessionStore::take_flash(const std::string& id) {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(id);
    if (it == sessions_.end()) return std::nullopt;
    return std::exchange(it->second.flash, std::nullopt);
}

void SessionStore::forget_expired(Clock::time_point now) {
    std::erase_if(sessions_, [&](const auto& item) {
        return now - item.second.last_used > settings_.idle || now - item.second.created > settings_.absolute;
    });
}

} // namespace dyndns::panel
