// The login throttle: per (account, source) and per source, an account-wide limit that spares known sources and tokens, exact under concurrency; in memory, or (login_throttle_postgresql_test) counted in a real PostgreSQL.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/login_throttle.h"
#ifdef DYNDNS_TEST_POSTGRESQL
#include "store/store.h"
#include "support/local_postgres.h"
#endif

using namespace dyndns;
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

// The throttle under test, on its own fresh database when shared.
struct Throttled {
#ifdef DYNDNS_TEST_POSTGRESQL
    explicit Throttled(ThrottleSettings settings)
        : database(test::shared_postgres().new_database()),
          store(store::Location{"", database, 20}),
          throttle(settings, &store) {}
    std::string database;
    store::Store store;
#else
    explicit Throttled(ThrottleSettings settings) : throttle(settings) {}
#endif
    LoginThrottle throttle;
};

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
    Throttled throttled(settings(3, 100, 1000));
    LoginThrottle& throttle = throttled.throttle;
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
    Throttled throttled(settings(10, 5, 1000));
    LoginThrottle& throttle = throttled.throttle;
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

TEST_CASE("a site's many /64s are also counted by their /56 and /48: four and sixteen times a source's limit") {
    CHECK(wider_sources("2001:db8:48:1234::/64")->per_56 == "2001:db8:48:1200::/56");
    CHECK(wider_sources("2001:db8:48:1234::/64")->per_48 == "2001:db8:48::/48");
    CHECK_FALSE(wider_sources("192.0.2.1"));
    CHECK_FALSE(wider_sources("peer"));

    Throttled throttled(settings(10, 3, 1000));
    LoginThrottle& throttle = throttled.throttle;
    const auto t0 = Clock::now();
    int account = 0;
    const auto guesses = [&](const std::string& source) { // each against an account of its own
        return fail(throttle, 10, "user" + std::to_string(account++), source, t0);
    };
    // One /56: four /64s use up its 12, the fifth gets nothing.
    for (int subnet = 0; subnet < 4; ++subnet) CHECK(guesses("2001:db8:48:" + std::to_string(subnet) + "::/64") == 3);
    CHECK(guesses("2001:db8:48:4::/64") == 0);
    // Three more /56s of the /48 fill its 48; a fifth /56 of it gets nothing, another /48 its own.
    for (const char* site : {"100", "200", "300"})
        for (int subnet = 0; subnet < 4; ++subnet)
            CHECK(guesses("2001:db8:48:" + std::string(site) + std::to_string(subnet) + "::/64") == 3);
    CHECK(guesses("2001:db8:48:400::/64") == 0);
    CHECK(guesses("2001:db8:49::/64") == 3);
    // IPv4 sources have no aggregate.
    for (int host = 1; host <= 20; ++host) CHECK(guesses("192.0.2." + std::to_string(host)) == 3);
}

TEST_CASE("the account-wide limit spares sources that logged in and per-host tokens and gives a new source one try") {
    Throttled throttled(settings(5, 100, 20));
    LoginThrottle& throttle = throttled.throttle;
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

TEST_CASE("first tries from many new sources share one budget per account: 300 sources are not 300 guesses") {
    Throttled throttled(settings(10, 30, 100)); // and 20 first tries from unknown sources
    LoginThrottle& throttle = throttled.throttle;
    const auto t0 = Clock::now();
    REQUIRE_FALSE(blocked(throttle, "alice", "203.0.113.1", t0)); // the customer's own line
    int checked = 0;
    for (int i = 0; i < 300; ++i)
        checked += fail(throttle, 1, "alice", "10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".1", t0);
    CHECK(checked == 20);
    CHECK_FALSE(blocked(throttle, "alice", "203.0.113.1", t0 + 1s)); // known: still logs in
    CHECK_FALSE(blocked(throttle, "bob", "10.9.9.9", t0 + 1s)); // another account's budget is its own
    CHECK_FALSE(blocked(throttle, "alice", "10.9.9.9", t0 + 301s)); // the window ends
}

TEST_CASE("a successful login does not clear the source's failures") {
    Throttled throttled(settings(10, 3, 100));
    LoginThrottle& throttle = throttled.throttle;
    const auto t0 = Clock::now();
    CHECK(fail(throttle, 2, "mallory", "192.0.2.1", t0) == 2);
    REQUIRE_FALSE(blocked(throttle, "alice", "192.0.2.1", t0));
    CHECK(fail(throttle, 1, "mallory", "192.0.2.1", t0) == 1);
    CHECK(blocked(throttle, "dave", "192.0.2.1", t0));
}

TEST_CASE("a try that ends without a verdict is not counted") {
    Throttled throttled(settings(1, 1, 1));
    LoginThrottle& throttle = throttled.throttle;
    const auto t0 = Clock::now();
    for (int i = 0; i < 3; ++i) {
        auto started = throttle.begin("alice", "192.0.2.1", Kind::Password, t0);
        REQUIRE(std::holds_alternative<LoginThrottle::Attempt>(started)); // destroyed: a store error, say
    }
    CHECK(fail(throttle, 1, "alice", "192.0.2.1", t0) == 1);
}

TEST_CASE("concurrent guessers get exactly the limit") {
    constexpr unsigned kLimit = 30;
    Throttled throttled(settings(1000, kLimit, 1000));
    LoginThrottle& throttle = throttled.throttle;
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
    Throttled throttled(settings(2, 2, 2));
    LoginThrottle& throttle = throttled.throttle;
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

#ifdef DYNDNS_TEST_POSTGRESQL
TEST_CASE("two gateways on one store share every count and the known sources") {
    Throttled one(settings(3, 5, 6));
    LoginThrottle other(settings(3, 5, 6), &one.store); // another gateway
    const auto t0 = Clock::now();
    CHECK(fail(one.throttle, 2, "alice", "192.0.2.1", t0) == 2);
    CHECK(fail(other, 5, "alice", "192.0.2.1", t0) == 1); // the pair's limit, at the combined count
    CHECK(blocked(one.throttle, "alice", "192.0.2.1", t0));
    CHECK(fail(other, 3, "bob", "192.0.2.1", t0) == 2); // the source's limit: 3 + 2
    CHECK(blocked(one.throttle, "carol", "192.0.2.1", t0));
    // The customer logs in through one gateway; the other knows the source past the account-wide limit.
    REQUIRE_FALSE(blocked(one.throttle, "dave", "203.0.113.1", t0));
    for (int i = 0; i < 4; ++i) fail(i % 2 ? one.throttle : other, 2, "dave", "198.51.100." + std::to_string(i), t0);
    CHECK(fail(other, 1, "dave", "203.0.113.1", t0) == 1); // the customer mistyped once
    CHECK(fail(other, 1, "dave", "198.51.100.9", t0) == 1); // a new source's first try
    CHECK(blocked(other, "dave", "198.51.100.9", t0)); // then the account's 6 hold it
    CHECK_FALSE(blocked(other, "dave", "203.0.113.1", t0)); // known through the store
    // A success through one gateway clears the pair's count for both.
    CHECK(fail(one.throttle, 2, "erin", "192.0.2.9", t0) == 2);
    REQUIRE_FALSE(blocked(other, "erin", "192.0.2.9", t0));
    CHECK(fail(one.throttle, 4, "erin", "192.0.2.9", t0 + 1s) == 3);
    // Windows end on the wall clock for every gateway alike.
    CHECK_FALSE(blocked(other, "alice", "192.0.2.1", t0 + 61s));
}

TEST_CASE("ended windows and forgotten sources leave the store's tables") {
    auto short_memory = settings(3, 5, 6);
    short_memory.known_source_memory = 120s;
    Throttled throttled(short_memory);
    const auto t0 = Clock::now();
    fail(throttled.throttle, 1, "alice", "192.0.2.1", t0);
    REQUIRE_FALSE(blocked(throttled.throttle, "bob", "192.0.2.2", t0));
    CHECK(throttled.store.login_counts("alice", "192.0.2.1").pair.failures == 1);
    CHECK(throttled.store.login_counts("bob", "192.0.2.2").last_login_ms > 0);
    // Another gateway (its own store, so its first prune is due) counts later.
    store::Store other_store(store::Location{"", throttled.database, 1});
    LoginThrottle other(short_memory, &other_store);
    fail(other, 1, "carol", "192.0.2.3", t0 + 61s);
    CHECK(throttled.store.login_counts("alice", "192.0.2.1").pair.window_start_ms == 0); // the row is gone
    CHECK(throttled.store.login_counts("nobody", "192.0.2.1").source.window_start_ms == 0);
    CHECK(other_store.login_counts("carol", "192.0.2.3").pair.failures == 1);
    REQUIRE_FALSE(blocked(other, "dave", "192.0.2.4", t0 + 121s));
    CHECK(throttled.store.login_counts("bob", "192.0.2.2").last_login_ms == 0);
    CHECK(throttled.store.login_counts("dave", "192.0.2.4").last_login_ms > 0);
}

TEST_CASE("a store error is store::DatabaseError, and the try is not counted") {
    Throttled throttled(settings(1, 1, 1));
    const auto t0 = Clock::now();
    // The pool dials again only after a failed connection's pause (half a second).
    const auto back = [&] {
        test::shared_postgres().start();
        const auto deadline = Clock::now() + 5s;
        while (Clock::now() < deadline) {
            try {
                throttled.store.login_counts("alice", "192.0.2.1");
                return true;
            } catch (const store::DatabaseError&) {
                std::this_thread::sleep_for(50ms);
            }
        }
        return false;
    };
    test::shared_postgres().stop();
    CHECK_THROWS_AS(throttled.throttle.begin("alice", "192.0.2.1", Kind::Password, t0), store::DatabaseError);
    REQUIRE(back());
    auto started = throttled.throttle.begin("alice", "192.0.2.1", Kind::Password, t0);
    REQUIRE(std::holds_alternative<LoginThrottle::Attempt>(started));
    test::shared_postgres().stop();
    CHECK_THROWS_AS(std::get<LoginThrottle::Attempt>(started).failed(t0), store::DatabaseError);
    REQUIRE(back());
    CHECK(fail(throttled.throttle, 2, "alice", "192.0.2.1", t0) == 1); // in flight no more; nothing counted
}
#endif
