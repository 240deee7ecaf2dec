// How many events the last 60 seconds held: calls and changes per minute for the operator's status page.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace dyndns::metrics {

// Sixty one-second buckets, each stamped with its second: lock-free adds from any thread, a sum
// that skips buckets older than a minute. A bucket reused within the same second may lose an add
// to a race at its turnover: fine for a page a person reads.
class RecentRate {
public:
    void add(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
        const std::int64_t second = seconds(now);
        Bucket& bucket = buckets_[static_cast<std::size_t>(second % kBuckets)];
        if (bucket.second.exchange(second) != second) bucket.count.store(0);
        bucket.count.fetch_add(1);
    }
    std::uint64_t last_minute(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) const {
        const std::int64_t second = seconds(now);
        std::uint64_t sum = 0;
        for (const Bucket& bucket : buckets_)
            if (second - bucket.second.load() < kBuckets) sum += bucket.count.load();
        return sum;
    }

private:
    static constexpr std::int64_t kBuckets = 60;
    static std::int64_t seconds(std::chrono::steady_clock::time_point t) {
        return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    }
    struct Bucket {
        std::atomic<std::int64_t> second{-kBuckets};
        std::atomic<std::uint64_t> count{0};
    };
    std::array<Bucket, kBuckets> buckets_{};
};

} // namespace dyndns::metrics
