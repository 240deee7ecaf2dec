// The login throttle: per (account, source) and per source, an account-wide limit that spares known sources and tokens, exact under concurrency.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/login_throttle.h"

using namespace dyndns::core;
using namespace std::chrono_literals;

namespace {

using Kind = LoginThrottle::Kind;
using Clock = LoginThrottle::Clock;

ThrottleSettings settings(unsigned pair, unsigned source, unsigned account) {
    return ThrottleSettings{.max_failures_per_account_source = pair,
                            .max_failures_per_source = source,
                            .max_failures_per_account = account,
                            .window = 60s};
}

// Seconds to wait, or 0 when the try may go ahead (it then ends as `failed` or succeeded).
int attempt(LoginThrottle& throttle, const std::string& account, const std::string& source, Clock::time_point at,
            bool failed = true, Kind kind = Kind::Password) {
    auto started = throttle.begin(account, source, kind, at);
    if (const int* wait = std::get_if<int>(&started)) return *wait;
    auto& try_ = std::get<LoginThrottle::Attempt>(started);
    if (failed)
        try_.failed(at);
    else
        try_.succeeded(at);
    return 0;
}

// `n` failed tries; how many the throttle let through.
int fail(LoginThrottle& throttle, int n, const std::string& account, const std::string& source, Clock::time_point at) {
    int passed = 0;
    for (int i = 0; i < n; ++i)
        if (attempt(throttle, account, source, at) == 0) ++passed;
    return passed;
}

bool blocked(LoginThrottle& throttle, const std::string& account, const std::string& source, Clock::time_point at,
             Kind kind = Kind::Password) {
    return attempt(throttle, account, source, at, false, kind) != 0;
}

} // namespace

TEST_CASE("one source guessing one account is blocked there and nowhere else") {
    LoginThrottle throttle(settings(3, 100, 1000));
    const auto t0 = Clock::now();
    CHECK(fail(throttle, 100, "alice", "192.0.2.1", t0) == 3);
    const int wait = attempt(throttle, "alice", "192.0.2.1", t0 + 10s);
    CHECK(wait > 40);
    CHECK(wait <= 51);
    // The account is not locked for everyone: another address logs in, and so does the guesser
    // with another account.
    CHECK_FALSE(blocked(throttle, "alice", "198.51.100.7", t0 + 10s));
    CHECK_FALSE(blocked(throttle, "bob", "192.0.2.1", t0 + 10s));
    CHECK_FALSE(blocked(throttle, "alice", "192.0.2.1", t0 + 61s));
}

TEST_CASE("one source guessing many accounts is blocked for all of them") {
    LoginThrottle throttle(settings(10, 5, 1000));
    const auto t0 = Clock::now();
    for (int i = 0; i < 5; ++i) CHECK(fail(throttle, 1, "user" + std::to_string(i), "198.51.100.1", t0) == 1);
    CHECK(blocked(throttle, "carol", "198.51.100.1", t0 + 1s));
    CHECK_FALSE(blocked(throttle, "carol", "198.51.100.2", t0 + 1s));
}

TEST_CASE("IPv6 sources are counted by their /64") {
    CHECK(throttle_source(Poco::Net::IPAddress("2001:db8:1:2:aaaa::1"), "") == "2001:db8:1:2::/64");
    CHECK(throttle_source(Poco::Net::IPAddress("2001:db8:1:2:bbbb::9"), "") == "2001:db8:1:2::/64");
    CHECK(throttle_source(Poco::Net::IPAddress("192.0.2.5"), "") == "192.0.2.5");
    CHECK(throttle_source(std::nullopt, "peer") == "peer");
}

TEST_CASE("the account-wide limit spares sources that logged in and per-host tokens and gives a new source one try") {
    LoginThrottle throttle(settings(5, 100, 20));
    const auto t0 = Clock::now();
    // The customer's router logs in from its line.
    REQUIRE_FALSE(blocked(throttle, "alice", "203.0.113.1", t0));
    // A botnet: many sources, a few guesses each.
    for (int i = 0; i < 10; ++i) fail(throttle, 2, "alice", "198.51.100." + std::to_string(i), t0);
    // A new source gets its first try of the window (a router whose address just changed), and
    // once that has failed it is held back; the known source and a token for a host never are.
    CHECK(fail(throttle, 2, "alice", "192.0.2.200", t0 + 1s) == 1);
    CHECK(blocked(throttle, "alice", "192.0.2.200", t0 + 1s));
    CHECK(attempt(throttle, "alice", "192.0.2.202", t0 + 1s, false) == 0); // the customer, from a new address
    CHECK_FALSE(blocked(throttle, "alice", "203.0.113.1", t0 + 1s));
    CHECK_FALSE(blocked(throttle, "alice", "192.0.2.201", t0 + 1s, Kind::Token));
}

TEST_CASE("a successful login does not clear the source's failures") {
    LoginThrottle throttle(settings(10, 3, 100));
    const auto t0 = Clock::now();
    CHECK(fail(throttle, 2, "mallory", "192.0.2.1", t0) == 2);
    REQUIRE_FALSE(blocked(throttle, "alice", "192.0.2.1", t0));
    CHECK(fail(throttle, 1, "mallory", "192.0.2.1", t0) == 1);
    CHECK(blocked(throttle, "dave", "192.0.2.1", t0));
}

TEST_CASE("a try that ends without a verdict is not counted") {
    LoginThrottle throttle(settings(1, 1, 1));
    const auto t0 = Clock::now();
    for (int i = 0; i < 3; ++i) {
        auto started = throttle.begin("alice", "192.0.2.1", Kind::Password, t0);
        REQUIRE(std::holds_alternative<LoginThrottle::Attempt>(started)); // destroyed: a store error, say
    }
    CHECK(fail(throttle, 1, "alice", "192.0.2.1", t0) == 1);
}

TEST_CASE("concurrent guessers get exactly the limit") {
    constexpr unsigned kLimit = 30;
    LoginThrottle throttle(settings(1000, kLimit, 1000));
    const auto t0 = Clock::now();
    std::atomic<int> passed = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 20; ++i) {
                auto started = throttle.begin("user" + std::to_string(t), "192.0.2.66", Kind::Password, t0);
                if (auto* try_ = std::get_if<LoginThrottle::Attempt>(&started)) {
                    ++passed;
                    std::this_thread::sleep_for(1ms); // a password check takes a while
                    try_->failed(t0);
                }
            }
        });
    for (auto& thread : threads) thread.join();
    CHECK(passed == static_cast<int>(kLimit));
}

TEST_CASE("a burst of good logins from one source is not refused") {
    LoginThrottle throttle(settings(2, 2, 2));
    const auto t0 = Clock::now();
    std::atomic<int> refused = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t)
        threads.emplace_back([&] {
            auto started = throttle.begin("alice", "192.0.2.7", Kind::Password, t0);
            if (auto* try_ = std::get_if<LoginThrottle::Attempt>(&started)) {
                std::this_thread::sleep_for(1ms);
                try_->succeeded(t0);
            } else {
                ++refused;
            }
        });
    for (auto& thread : threads) thread.join();
    CHECK(refused == 0);
}
