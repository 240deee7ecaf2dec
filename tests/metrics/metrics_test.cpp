// The metrics' text: bucket bounds and values in their shortest exact form; the last minute's count for the status page.
#include <doctest/doctest.h>

#include "metrics/recent_rate.h"
#include "metrics/registry.h"

using namespace dyndns::metrics;
using namespace std::chrono_literals;

TEST_CASE("bucket bounds and sample values are printed in their shortest form that reads back exactly") {
    Registry registry;
    registry.histogram("t_seconds", "A time.", {0.0025, 0.1, 1}).with({}).observe(0.05);
    registry.gauge("t_ratio", "A ratio.").with({}).set(0.1 + 0.2);
    const std::string text = registry.exposition();
    CHECK(text.find("t_seconds_bucket{le=\"0.0025\"} 0\n") != std::string::npos);
    CHECK(text.find("t_seconds_bucket{le=\"0.1\"} 1\n") != std::string::npos);
    CHECK(text.find("t_seconds_bucket{le=\"1\"} 1\n") != std::string::npos);
    CHECK(text.find("t_seconds_sum 0.05\n") != std::string::npos);
    CHECK(text.find("t_ratio 0.30000000000000004\n") != std::string::npos); // exact, not rounded to 0.3
    CHECK(text.find("0.0025000000000000001") == std::string::npos);
}

TEST_CASE("the recent rate counts the last sixty seconds and forgets what is older") {
    RecentRate rate;
    const auto start = std::chrono::steady_clock::time_point(1000s);
    for (int i = 0; i < 5; ++i) rate.add(start);
    rate.add(start + 30s);
    CHECK(rate.last_minute(start + 30s) == 6);
    CHECK(rate.last_minute(start + 59s) == 6);
    CHECK(rate.last_minute(start + 61s) == 1);
    rate.add(start + 60s); // the first second's bucket, reused a minute later: its old count goes
    CHECK(rate.last_minute(start + 60s) == 2);
    CHECK(rate.last_minute(start + 200s) == 0);
}
