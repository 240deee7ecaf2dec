// Fixed-window failure counters with lazy expiry, so memory stays bounded by recent guessers.
#include "core/login_throttle.h"

namespace dyndns::core {

std::optional<int> LoginThrottle::over_limit(std::unordered_map<std::string, Window>& windows, const std::string& key,
                                             unsigned limit, Clock::time_point now) {
    const auto it = windows.find(key);
    if (it == windows.end() || now - it->second.start >= settings_.window || it->second.failures < limit)
        return std::nullopt;
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(it->second.start + settings_.window - now);
    return static_cast<int>(left.count()) + 1;
}

void LoginThrottle::count(std::unordered_map<std::string, Window>& windows, const std::string& key, Clock::time_point now) {
    Window& window = windows[key];
    if (window.failures == 0 || now - window.start >= settings_.window) window = Window{now, 0};
    ++window.failures;
}

void LoginThrottle::forget_expired(Clock::time_point now) {
    if (now - last_sweep_ < settings_.window) return;
    last_sweep_ = now;
    for (auto* windows : {&by_account_, &by_address_})
        std::erase_if(*windows, [&](const auto& entry) { return now - entry.second.start >= settings_.window; });
}

std::optional<int> LoginThrottle::blocked(const std::string& account, const std::string& address, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    const auto by_account = over_limit(by_account_, account, settings_.max_failures_per_account, now);
    const auto by_address = over_limit(by_address_, address, settings_.max_failures_per_address, now);
    if (by_account && by_address) return std::max(*by_account, *by_address);
    return by_account ? by_account : by_address;
}

void LoginThrottle::record_failure(const std::string& account, const std::string& address, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    forget_expired(now);
    count(by_account_, account, now);
    count(by_address_, address, now);
}

void LoginThrottle::record_success(const std::string& account) {
    std::lock_guard lock(mutex_);
    by_account_.erase(account);
}

} // namespace dyndns::core
