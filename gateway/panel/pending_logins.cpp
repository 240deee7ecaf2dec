// Pending second-factor logins: random ids, a fixed lifetime from the password, a bound on how many are held.
#include "panel/pending_logins.h"

#include <algorithm>

#include "panel/panel_sessions.h"

namespace dyndns::panel {

PendingLogin PendingLogins::create(const std::string& account, const std::string& credential_stamp, Clock::time_point now) {
    PendingLogin login{random_token(), account, random_token(), credential_stamp};
    std::lock_guard lock(mutex_);
    forget_expired(now);
    if (pending_.size() >= std::max<std::size_t>(settings_.max_pending, 1))
        pending_.erase(std::min_element(pending_.begin(), pending_.end(),
                                        [](const auto& a, const auto& b) { return a.second.created < b.second.created; }));
    pending_[login.id] = Entry{login, now};
    return login;
}

std::optional<PendingLogin> PendingLogins::find(const std::string& id, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    const auto it = pending_.find(id);
    if (it == pending_.end()) return std::nullopt;
    if (now - it->second.created > settings_.lifetime) {
        pending_.erase(it);
        return std::nullopt;
    }
    return it->second.login;
}

void PendingLogins::destroy(const std::string& id) {
    std::lock_guard lock(mutex_);
    pending_.erase(id);
}

void PendingLogins::forget_expired(Clock::time_point now) {
    std::erase_if(pending_, [&](const auto& item) { return now - item.second.created > settings_.lifetime; });
}

} // namespace dyndns::panel
