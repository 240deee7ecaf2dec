// Per-account call budget: a token bucket in memory, or minute counts in a store that several gateways share; "wait N seconds", never a block.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/ports/counter_port.h"

namespace dyndns::core {

// `per_minute` calls a minute with bursts up to `per_minute`; 0 turns it off. A customer's
// script in a tight loop (each call a read from the primary, each new address an UPDATE) is
// slowed to its budget; routers calling every few minutes never notice.
//
// With a `shared` store (PostgreSQL, several gateways), the budget is counted there instead: at
// most `per_minute` calls in each clock minute, counted by one atomic upsert per call, so two
// gateways do not double it. Its DatabaseError reaches the caller (fault 10, as any store failure).
class CallRateLimit {
public:
    using Clock = std::chrono::steady_clock;
    explicit CallRateLimit(unsigned per_minute, CallCountPort* shared = nullptr) : per_minute_(per_minute), shared_(shared) {}

    // A reload: the new budget applies from the next call; buckets keep what they hold.
    void set_per_minute(unsigned per_minute) { per_minute_.store(per_minute); }

    // Nothing when `account` may make `calls` calls now (all taken); else the seconds until it may
    // (in memory none taken; a shared store counts refused calls too, as it always has).
    std::optional<int> take(const std::string& account, Clock::time_point now = Clock::now(), unsigned calls = 1);

private:
    std::optional<int> take_shared(const std::string& account, unsigned per_minute, unsigned calls);

    struct Bucket {
        double tokens = 0;
        Clock::time_point refilled;
    };
    std::atomic<unsigned> per_minute_;
    CallCountPort* shared_;
    std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
    Clock::time_point last_sweep_{};
};

} // namespace dyndns::core
