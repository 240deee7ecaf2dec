// Address parsing, the non-public ranges, the caller's address through trusted proxies, the login throttle, the call budget.
#include <doctest/doctest.h>

#include "core/address_policy.h"
#include "core/call_rate_limit.h"
#include "core/caller_address.h"
#include "core/login_throttle.h"

using namespace dyndns::core;
using namespace std::chrono_literals;

namespace {

std::string parsed(const std::string& text) {
    const auto address = parse_address(text);
    return address ? address->toString() : "-";
}

dyndns::config::Cidr cidr(const std::string& network, unsigned prefix) {
    return dyndns::config::Cidr{Poco::Net::IPAddress(network), prefix};
}

std::string caller(ClientInfo client, const std::vector<dyndns::config::Cidr>& trusted) {
    const auto address = caller_address(client, trusted);
    return address ? address->toString() : "-";
}

} // namespace

TEST_CASE("addresses parse strictly") {
    CHECK(parsed("192.0.2.1") == "192.0.2.1");
    CHECK(parsed("2001:DB8::1") == "2001:db8::1");
    CHECK(parsed("::ffff:192.0.2.9") == "192.0.2.9"); // IPv4-mapped: published as an A
    for (const char* bad : {"", "127.1", "010.0.0.1", "1.2.3.4.5", "1.2.3.4/24", "256.1.1.1", " 1.2.3.4", "fe80::1%eth0",
                            "::g", "example.test", "1.2.3.4 "})
        CHECK_MESSAGE(parsed(bad) == "-", bad);
}

TEST_CASE("non-public ranges are named and public ones pass") {
    const std::vector<std::pair<const char*, const char*>> refused{
        {"10.1.2.3", "private"},     {"172.16.0.1", "private"},   {"172.31.255.255", "private"}, {"192.168.1.1", "private"},
        {"100.64.0.1", "carrier"},   {"100.127.255.254", "carrier"}, {"127.0.0.1", "loopback"}, {"169.254.1.1", "link-local"},
        {"0.0.0.0", "unspecified"},  {"224.0.0.1", "multicast"},  {"255.255.255.255", "broadcast"}, {"::1", "loopback"},
        {"::", "unspecified"},       {"fe80::1", "link-local"},   {"fd12:3456::1", "unique local"}, {"fc00::1", "unique local"},
        {"ff02::1", "multicast"}};
    for (const auto& [address, words] : refused) {
        CAPTURE(address);
        const auto reason = non_public_reason(*parse_address(address));
        REQUIRE(reason);
        CHECK(reason->find(words) != std::string::npos);
    }
    for (const char* ok : {"192.0.2.1", "198.51.100.7", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2001:db8::1", "2a00:1450::1"})
        CHECK_MESSAGE(!non_public_reason(*parse_address(ok)), ok);
}

TEST_CASE("headers from an untrusted peer are ignored") {
    ClientInfo client{"198.51.100.1", "203.0.113.5", "for=203.0.113.6", "xmlrpc", ""};
    CHECK(caller(client, {}) == "198.51.100.1");
    CHECK(caller(client, {cidr("10.0.0.0", 8)}) == "198.51.100.1");
}

TEST_CASE("a trusted proxy's X-Forwarded-For names the client") {
    const std::vector<dyndns::config::Cidr> trusted{cidr("10.0.0.0", 8)};
    CHECK(caller({"10.0.0.1", "203.0.113.5", "", "", ""}, trusted) == "203.0.113.5");
    // Spoofed entries further left are not believed: the nearest untrusted hop is the client.
    CHECK(caller({"10.0.0.1", "6.6.6.6, 203.0.113.5", "", "", ""}, trusted) == "203.0.113.5");
    // A chain of trusted proxies is walked back.
    CHECK(caller({"10.0.0.1", "203.0.113.5, 10.0.0.2", "", "", ""}, trusted) == "203.0.113.5");
    // An entry that is not an address stops the walk at what was believed so far.
    CHECK(caller({"10.0.0.1", "6.6.6.6, garbage", "", "", ""}, trusted) == "10.0.0.1");
    CHECK(caller({"10.0.0.1", "", "", "", ""}, trusted) == "10.0.0.1");
    CHECK(caller({"::ffff:10.0.0.1", "2001:db8::5", "", "", ""}, trusted) == "2001:db8::5");
}

TEST_CASE("a trusted proxy's Forwarded header wins over X-Forwarded-For") {
    const std::vector<dyndns::config::Cidr> trusted{cidr("10.0.0.0", 8)};
    CHECK(caller({"10.0.0.1", "203.0.113.9", "for=203.0.113.5;proto=https", "", ""}, trusted) == "203.0.113.5");
    CHECK(caller({"10.0.0.1", "", "for=\"[2001:db8::7]:4711\"", "", ""}, trusted) == "2001:db8::7");
    CHECK(caller({"10.0.0.1", "", "for=203.0.113.5:8080, for=10.0.0.3", "", ""}, trusted) == "203.0.113.5");
    CHECK(caller({"10.0.0.1", "", "For=unknown", "", ""}, trusted) == "10.0.0.1");
}

TEST_CASE("the throttle blocks an account and an address after their failures and forgets after the window") {
    LoginThrottle throttle({3, 5, 60s});
    const auto t0 = LoginThrottle::Clock::now();
    for (int i = 0; i < 3; ++i) throttle.record_failure("alice", "192.0.2.1", t0);
    const auto blocked = throttle.blocked("alice", "192.0.2.99", t0 + 10s);
    REQUIRE(blocked);
    CHECK(*blocked > 40);
    CHECK(*blocked <= 51);
    CHECK_FALSE(throttle.blocked("bob", "192.0.2.99", t0 + 10s));
    CHECK_FALSE(throttle.blocked("alice", "192.0.2.99", t0 + 61s));

    for (int i = 0; i < 5; ++i) throttle.record_failure("user" + std::to_string(i), "198.51.100.1", t0);
    CHECK(throttle.blocked("carol", "198.51.100.1", t0 + 1s));
}

TEST_CASE("a successful login clears the account count but not the address count") {
    LoginThrottle throttle({2, 3, 60s});
    const auto t0 = LoginThrottle::Clock::now();
    throttle.record_failure("alice", "192.0.2.1", t0);
    throttle.record_success("alice");
    throttle.record_failure("alice", "192.0.2.1", t0);
    CHECK_FALSE(throttle.blocked("alice", "192.0.2.2", t0));
    throttle.record_failure("bob", "192.0.2.1", t0);
    CHECK(throttle.blocked("dave", "192.0.2.1", t0));
}

TEST_CASE("the per-account call budget: a burst, then one call per refill, each account its own") {
    using namespace std::chrono_literals;
    CallRateLimit limit(60); // one a second, bursts of 60
    const auto start = CallRateLimit::Clock::now();
    for (int i = 0; i < 60; ++i) CHECK_FALSE(limit.take("alice", start));
    const auto wait = limit.take("alice", start);
    REQUIRE(wait);
    CHECK(*wait == 1);
    CHECK_FALSE(limit.take("bob", start));
    CHECK_FALSE(limit.take("alice", start + 1s));
    CHECK(limit.take("alice", start + 1s));
    CallRateLimit off(0);
    for (int i = 0; i < 1000; ++i) CHECK_FALSE(off.take("alice", start));
}
