// Per-account call budget: a token bucket refilled every second, answering "wait N seconds" instead of blocking.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace dyndns::core {

// `per_minute` calls a minute with bursts up to `per_minute`; 0 turns it off. A customer's
// script in a tight loop (each call a read from the primary, each new address an UPDATE) is
// slowed to its budget; routers calling every few minutes never notice.
class CallRateLimit {
public:
    using Clock = std::chrono::steady_clock;
    explicit CallRateLimit(unsigned per_minute) : per_minute_(per_minute) {}

    // A reload: the new budget applies from the next call; buckets keep what they hold.
    void set_per_minute(unsigned per_minute) { per_minute_.store(per_minute); }

    // Nothing when `account` may call now (one call taken); else the seconds until it may.
    std::optional<int> take(const std::string& account, Clock::time_point now = Clock::now());

private:
    struct Bucket {
        double tokens = 0;
        Clock::time_point refilled;
    };
    std::atomic<unsigned> per_minute_;
    std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
    Clock::time_point last_sweep_{};
};

} // namespace dyndns::core
