// API token scopes: which names, record kinds and networks a token reaches, and the address blocks it is given as text.
#include <doctest/doctest.h>

#include "vocabulary/api_token.h"

using dyndns::core::ApiToken;
using dyndns::core::Need;
using dyndns::core::parse_cidr;
using dyndns::core::RecordKind;

TEST_CASE("a token's names are exact, its subtrees hold their name and everything below, none means every name") {
    ApiToken token;
    CHECK(token.covers("anything.example.test"));
    token.names = {"home.example.test"};
    CHECK(token.covers("home.example.test"));
    CHECK_FALSE(token.covers("www.example.test"));
    CHECK_FALSE(token.covers("a.home.example.test"));
    token.subtrees = {"lab.example.test"};
    CHECK(token.covers("lab.example.test"));
    CHECK(token.covers("x.y.lab.example.test"));
    CHECK_FALSE(token.covers("xlab.example.test")); // a label boundary, not a string suffix
}

TEST_CASE("record kinds and read-only bound what a token may do") {
    ApiToken token;
    token.kinds = static_cast<unsigned>(RecordKind::Address);
    CHECK(token.allows(Need{RecordKind::Address, true}));
    CHECK_FALSE(token.allows(Need{RecordKind::Acme, true}));
    CHECK_FALSE(token.allows(Need{RecordKind::Prefix, false}));
    token.write = false;
    CHECK(token.allows(Need{RecordKind::Address, false}));
    CHECK_FALSE(token.allows(Need{RecordKind::Address, true}));
    CHECK(dyndns::core::record_kinds("address, acme") == (1U | 4U));
    CHECK_FALSE(dyndns::core::record_kinds("address,mx"));
    CHECK_FALSE(dyndns::core::record_kinds(""));
    CHECK(dyndns::core::record_kinds_text(7) == "address,prefix,acme");
}

TEST_CASE("a token with networks is usable only from inside them, an IPv4-mapped caller as its IPv4 address") {
    ApiToken token;
    CHECK(token.reachable_from(std::nullopt));
    token.networks = {*parse_cidr("192.0.2.0/24").cidr, *parse_cidr("2001:db8::/32").cidr};
    CHECK(token.reachable_from(Poco::Net::IPAddress("192.0.2.9")));
    CHECK(token.reachable_from(Poco::Net::IPAddress("::ffff:192.0.2.9")));
    CHECK(token.reachable_from(Poco::Net::IPAddress("2001:db8:5::1")));
    CHECK_FALSE(token.reachable_from(Poco::Net::IPAddress("198.51.100.1")));
    CHECK_FALSE(token.reachable_from(std::nullopt));
}

TEST_CASE("address blocks parse strictly: host bits, lengths and non-canonical IPv4 are refused with a reason") {
    CHECK(parse_cidr("192.0.2.0/24").cidr->to_string() == "192.0.2.0/24");
    CHECK(parse_cidr("2001:db8::1").cidr->prefix_length == 128);
    CHECK(parse_cidr("::/0").cidr->prefix_length == 0);
    CHECK(parse_cidr("192.0.2.1/24").error.find("bits set after the /24") != std::string::npos);
    CHECK(parse_cidr("192.0.2.0/33").error.find("1..32") != std::string::npos);
    CHECK_FALSE(parse_cidr("010.0.2.0/24").cidr);
    CHECK_FALSE(parse_cidr("192.0.2.0/").cidr);
    CHECK_FALSE(parse_cidr("example.test").cidr);
}

TEST_CASE("an expiry in the past ends the token") {
    ApiToken token;
    const auto now = std::chrono::system_clock::now();
    CHECK_FALSE(token.expired(now));
    token.expires = now;
    CHECK(token.expired(now));
    CHECK_FALSE(token.expired(now - std::chrono::seconds(1)));
}
