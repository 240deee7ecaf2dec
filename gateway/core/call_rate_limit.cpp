// Token buckets by account, full ones forgotten so the map holds only recently busy accounts; or a shared store's minute counts.
#include "core/call_rate_limit.h"

#include <algorithm>
#include <cmath>

#include "vocabulary/store_errors.h"

namespace dyndns::core {

std::optional<int> CallRateLimit::take(const std::string& account, Clock::time_point now, unsigned calls) {
    const unsigned per_minute = per_minute_.load();
    if (per_minute == 0 || calls == 0) return std::nullopt;
    if (shared_) return take_shared(account, per_minute, calls);
    const double capacity = per_minute;
    const double per_second = capacity / 60.0;
    std::lock_guard lock(mutex_);
    if (now - last_sweep_ > std::chrono::minutes(1)) {
        std::erase_if(buckets_, [&](const auto& item) {
            const double seconds = std::chrono::duration<double>(now - item.second.refilled).count();
            return item.second.tokens + seconds * per_second >= capacity;
        });
        last_sweep_ = now;
    }
    auto [it, fresh] = buckets_.try_emplace(account, Bucket{capacity, now});
    Bucket& bucket = it->second;
    if (!fresh) {
        const double seconds = std::chrono::duration<double>(now - bucket.refilled).count();
        bucket.tokens = std::min(capacity, bucket.tokens + seconds * per_second);
        bucket.refilled = now;
    }
    // More calls than the whole budget at once are never possible: waiting would not help.
    const double cost = std::min<double>(calls, capacity);
    if (bucket.tokens >= cost) {
        bucket.tokens -= cost;
        return std::nullopt;
    }
    return std::max(1, static_cast<int>(std::ceil((cost - bucket.tokens) / per_second)));
}

// Fixed windows on the wall clock, which every gateway reads alike (NTP); a token bucket would
// need a read-modify-write of a fraction per call. A caller at a window's edge may get up to
// twice the budget over the two minutes around it, never more.
std::optional<int> CallRateLimit::take_shared(const std::string& account, unsigned per_minute, unsigned calls) {
    const auto now = std::chrono::system_clock::now();
    const auto window = std::chrono::floor<std::chrono::minutes>(now);
    // One atomic count per call: a request of several (at most dyndns2's 20 names) costs as many round trips.
    std::int64_t counted = 0;
    for (unsigned i = 0; i < std::min(calls, per_minute); ++i) counted = shared_->count_call(account, window);
    if (counted <= per_minute) return std::nullopt;
    const auto left = std::chrono::ceil<std::chrono::seconds>(window + std::chrono::minutes(1) - now);
    return std::max(1, static_cast<int>(left.count()));
}

} // namespace dyndns::core
