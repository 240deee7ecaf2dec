// Address parsing, the non-public ranges, the caller's address through trusted proxies, the call budget.
#include <doctest/doctest.h>

#include "core/address_policy.h"
#include "core/call_rate_limit.h"
#include "core/caller_address.h"

using namespace dyndns::core;
using namespace std::chrono_literals;

namespace {

std::string parsed(const std::string& text) {
    const auto address = parse_address(text);
    return address ? address->toString() : "-";
}

dyndns::core::Cidr cidr(const std::string& network, unsigned prefix) {
    return dyndns::core::Cidr{Poco::Net::IPAddress(network), prefix};
}

std::string caller(ClientInfo client, const std::vector<dyndns::core::Cidr>& trusted,
                   ForwardingHeader header = ForwardingHeader::XForwardedFor) {
    const auto address = caller_address(client, trusted, header);
    return address ? address->toString() : "-";
}

} // namespace

TEST_CASE("addresses parse strictly") {
    CHECK(parsed("192.0.2.1") == "192.0.2.1");
    CHECK(parsed("2001:DB8::1") == "2001:db8::1");
    CHECK(parsed("::ffff:192.0.2.9") == "192.0.2.9"); // IPv4-mapped: published as an A
    for (const char* bad : {"", "127.1", "010.0.0.1", "1.2.3.4.5", "1.2.3.4/24", "256.1.1.1", " 1.2.3.4", "fe80::1%eth0", "::g",
                            "example.test", "1.2.3.4 "})
        CHECK_MESSAGE(parsed(bad) == "-", bad);
}

TEST_CASE("non-public ranges are named and public ones pass") {
    const std::vector<std::pair<const char*, const char*>> refused{
        {"10.1.2.3", "private"},     {"172.16.0.1", "private"},        {"172.31.255.255", "private"},
        {"192.168.1.1", "private"},  {"100.64.0.1", "carrier"},        {"100.127.255.254", "carrier"},
        {"127.0.0.1", "loopback"},   {"169.254.1.1", "link-local"},    {"0.0.0.0", "unspecified"},
        {"224.0.0.1", "multicast"},  {"255.255.255.255", "broadcast"}, {"::1", "loopback"},
        {"::", "unspecified"},       {"fe80::1", "link-local"},        {"fd12:3456::1", "unique local"},
        {"fc00::1", "unique local"}, {"ff02::1", "multicast"}};
    for (const auto& [address, words] : refused) {
        CAPTURE(address);
        const auto reason = non_public_reason(*parse_address(address));
        REQUIRE(reason);
        CHECK(reason->find(words) != std::string::npos);
    }
    for (const char* ok : {"8.8.8.8", "172.32.0.1", "100.128.0.1", "198.20.0.1", "192.0.0.9", "2a00:1450::1", "2001:4:112::1",
                           "2001:20::1", "64:ff9b::808:808", "2002:808:808::1"})
        CHECK_MESSAGE(!non_public_reason(*parse_address(ok)), ok);
}

TEST_CASE("the IANA special-purpose blocks that are not globally reachable are refused") {
    const std::vector<std::pair<const char*, const char*>> refused{
        {"198.18.0.1", "benchmarking"},   {"198.19.255.254", "benchmarking"},  {"192.0.0.8", "IETF protocol"},
        {"192.0.0.170", "IETF protocol"}, {"192.0.2.1", "documentation"},      {"198.51.100.7", "documentation"},
        {"203.0.113.9", "documentation"}, {"fec0::1", "site-local"},           {"2001:db8::1", "documentation"},
        {"3fff::1", "documentation"},     {"100::1", "discard-only"},          {"2001:2::1", "benchmarking"},
        {"2001:10::1", "IETF protocol"},  {"64:ff9b:1::1", "local-use NAT64"}, {"5f00::1", "segment routing"}};
    for (const auto& [address, words] : refused) {
        CAPTURE(address);
        const auto reason = non_public_reason(*parse_address(address));
        REQUIRE(reason);
        CHECK(reason->find(words) != std::string::npos);
    }
}

TEST_CASE("an IPv4-compatible address is refused") {
    CHECK(non_public_reason(*parse_address("::127.0.0.1")));
    CHECK(non_public_reason(*parse_address("::8.8.8.8")));
}

TEST_CASE("an IPv4-translated address is refused") {
    CHECK(non_public_reason(*parse_address("::ffff:0:10.0.0.1")));
    CHECK(non_public_reason(*parse_address("::ffff:0:8.8.8.8")));
}

TEST_CASE("an IPv4-mapped address is judged by its IPv4 address") {
    CHECK(non_public_reason(Poco::Net::IPAddress("::ffff:192.168.1.1")));
    CHECK_FALSE(non_public_reason(Poco::Net::IPAddress("::ffff:8.8.4.4")));
}

TEST_CASE("a NAT64 address carrying a non-public IPv4 address is refused") {
    const auto reason = non_public_reason(*parse_address("64:ff9b::10.1.2.3"));
    REQUIRE(reason);
    CHECK(reason->find("NAT64") != std::string::npos);
    CHECK(reason->find("private") != std::string::npos);
    CHECK(non_public_reason(*parse_address("64:ff9b::127.0.0.1")));
    CHECK_FALSE(non_public_reason(*parse_address("64:ff9b::8.8.8.8")));
}

TEST_CASE("a 6to4 address carrying a non-public IPv4 address is refused") {
    const auto reason = non_public_reason(*parse_address("2002:c0a8:0101::1")); // 192.168.1.1
    REQUIRE(reason);
    CHECK(reason->find("6to4") != std::string::npos);
    CHECK(reason->find("private") != std::string::npos);
    CHECK(non_public_reason(*parse_address("2002:6440::1"))); // 100.64.0.0
    CHECK_FALSE(non_public_reason(*parse_address("2002:808:808::1")));
}

TEST_CASE("headers from an untrusted peer are ignored") {
    ClientInfo client{"198.51.100.1", "203.0.113.5", "for=203.0.113.6", "xmlrpc", ""};
    CHECK(caller(client, {}) == "198.51.100.1");
    CHECK(caller(client, {cidr("10.0.0.0", 8)}) == "198.51.100.1");
}

TEST_CASE("a trusted proxy's X-Forwarded-For names the client") {
    const std::vector<dyndns::core::Cidr> trusted{cidr("10.0.0.0", 8)};
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

TEST_CASE("with forwarded configured a trusted proxy's Forwarded header names the client") {
    const std::vector<dyndns::core::Cidr> trusted{cidr("10.0.0.0", 8)};
    const auto forwarded = ForwardingHeader::Forwarded;
    CHECK(caller({"10.0.0.1", "203.0.113.9", "for=203.0.113.5;proto=https", "", ""}, trusted, forwarded) == "203.0.113.5");
    CHECK(caller({"10.0.0.1", "", "for=\"[2001:db8::7]:4711\"", "", ""}, trusted, forwarded) == "2001:db8::7");
    CHECK(caller({"10.0.0.1", "", "for=203.0.113.5:8080, for=10.0.0.3", "", ""}, trusted, forwarded) == "203.0.113.5");
    CHECK(caller({"10.0.0.1", "", "For=unknown", "", ""}, trusted, forwarded) == "10.0.0.1");
    // The client's own X-Forwarded-For is not read at all.
    CHECK(caller({"10.0.0.1", "8.8.8.8", "", "", ""}, trusted, forwarded) == "10.0.0.1");
}

TEST_CASE("only the configured header is read: a client cannot add the other one to pick its address") {
    const std::vector<dyndns::core::Cidr> trusted{cidr("10.0.0.0", 8)};
    // Behind HAProxy's option forwardfor: the client wrote Forwarded and an X-Forwarded-For line,
    // the proxy appended its own line (joined by the edge, RFC 9110 5.3).
    const ClientInfo spoofing{"10.0.0.1", "8.8.8.8, 198.51.100.7", "for=8.8.4.4", "", ""};
    CHECK(caller(spoofing, trusted) == "198.51.100.7");
    // Behind the PROXY protocol the peer is the client; no header is read even from a trusted address.
    CHECK(caller(spoofing, trusted, ForwardingHeader::ProxyProtocol) == "10.0.0.1");
}

TEST_CASE("a request of several calls takes them all or none") {
    CallRateLimit limit(60);
    const auto start = CallRateLimit::Clock::now();
    CHECK_FALSE(limit.take("alice", start, 40));
    const auto wait = limit.take("alice", start, 21); // 20 left: none taken
    REQUIRE(wait);
    CHECK(*wait == 1);
    CHECK_FALSE(limit.take("alice", start, 20));
    CHECK(limit.take("alice", start, 1));
    CHECK_FALSE(limit.take("bob", start, 500)); // more than the budget is the whole budget, not never
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

TEST_CASE("a Teredo address is judged by its server and its obfuscated client IPv4 addresses") {
    // 2001:0:SERVER:flags:port:~CLIENT (RFC 4380 4): server 8.8.8.8, client 10.0.0.1 (inverted f5ff:fffe).
    const auto reason = non_public_reason(*parse_address("2001:0:808:808::f5ff:fffe"));
    REQUIRE(reason);
    CHECK(reason->find("Teredo") != std::string::npos);
    CHECK(reason->find("private") != std::string::npos);
    CHECK(non_public_reason(*parse_address("2001:0:a00:1::f7f7:fbfb"))); // server 10.0.0.1
    CHECK_FALSE(non_public_reason(*parse_address("2001:0:808:808::f7f7:fbfb"))); // client 8.8.4.4
}

TEST_CASE("an IPv6 address outside global unicast 2000::/3 is refused") {
    CHECK(non_public_reason(*parse_address("4000::1")));
    CHECK(non_public_reason(*parse_address("1::1")));
    CHECK(non_public_reason(*parse_address("e000::1")));
    CHECK_FALSE(non_public_reason(*parse_address("2a00:1450::1")));
    CHECK_FALSE(non_public_reason(*parse_address("3000::1")));
}
