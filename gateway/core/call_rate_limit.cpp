// Token buckets by account, full ones forgotten so the map holds only recently busy accounts; or a shared store's minute counts.
#include "core/call_rate_limit.h"

#include <algorithm>
#include <cmath>

#include "vocabulary/store_errors.h"

namespace dyndns::core {

std::optional<int> CallRateLimit::take(const std::string& account, Clock::time_point now) {
    const unsigned per_minute = per_minute_.load();
    if (per_minute == 0) return std::nullopt;
    if (shared_) return take_shared(account, per_minute);
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
    if (bucket.tokens >= 1.0) {
        bucket.tokens -= 1.0;
        return std::nullopt;
    }
    return std::max(1, static_cast<int>(std::ceil((1.0 - bucket.tokens) / per_second)));
}

// Fixed windows on the wall clock, which every gateway reads alike (NTP); a token bucket would
// need a read-modify-write of a fraction per call. A caller at a window's edge may get up to
// twice the budget over the two minutes around it, never more.
std::optional<int> CallRateLimit::take_shared(const std::string& account, unsigned per_minute) {
    const auto now = std::chrono::system_clock::now();
    const auto window = std::chrono::floor<std::chrono::minutes>(now);
    if (shared_->count_call(account, window) <= per_minute) return std::nullopt;
    const auto left = std::chrono::ceil<std::chrono::seconds>(window + std::chrono::minutes(1) - now);
    return std::max(1, static_cast<int>(left.count()));
}

} // namespace dyndns::core
