// Interface-identifier rules and delegated prefixes: each rule's address under a prefix, computed as RFC 4291 says, and what is refused.
#include <doctest/doctest.h>

#include "vocabulary/interface_id.h"

using dyndns::core::DelegatedPrefix;
using dyndns::core::derived_address;
using dyndns::core::InterfaceIdRule;

namespace {
std::string derived(const std::string& prefix, const std::string& rule, const std::string& current = "") {
    const auto p = DelegatedPrefix::parse(prefix);
    const auto r = InterfaceIdRule::parse(rule);
    REQUIRE(p);
    REQUIRE(r);
    std::optional<Poco::Net::IPAddress> now;
    if (!current.empty()) now = Poco::Net::IPAddress(current);
    const auto address = derived_address(*p, *r, now);
    return address ? address->toString() : "none";
}
} // namespace

TEST_CASE("a static identifier is added to the prefix's bits") {
    CHECK(derived("2a00:1450:1:200::/56", "::a:b:c:d") == "2a00:1450:1:200:a:b:c:d");
    CHECK(derived("2a00:1450:1:2::/64", "::1") == "2a00:1450:1:2::1");
    // Identifier bits inside the prefix length are the prefix's, not the identifier's.
    CHECK(derived("2a00:1450:1:2::/64", "::5:0:0:0:9") == "2a00:1450:1:2::9");
    CHECK(derived("2a00:1450:1:200::/56", "::5:0:0:0:9") == "2a00:1450:1:205::9");
}

TEST_CASE("a MAC address gives the modified EUI-64 identifier of RFC 4291 appendix A") {
    CHECK(derived("2a00:1450:1:2::/64", "00:1a:2b:3c:4d:5e") == "2a00:1450:1:2:21a:2bff:fe3c:4d5e");
    CHECK(derived("2a00:1450:1:2::/64", "02-1A-2B-3C-4D-5E") == "2a00:1450:1:2:1a:2bff:fe3c:4d5e");
    CHECK(InterfaceIdRule::parse("02-1A-2B-3C-4D-5E")->text == "02:1a:2b:3c:4d:5e");
}

TEST_CASE("preserve keeps the low bits of the host's current address") {
    CHECK(derived("2a00:1450:9:900::/56", "preserve", "2a00:1450:1:203:aa:bb:cc:dd") == "2a00:1450:9:903:aa:bb:cc:dd");
    CHECK(derived("2a00:1450:9:900::/56", "preserve") == "none");
}

TEST_CASE("an all-zero host part is never an address to publish") {
    CHECK(derived("2a00:1450:1:2::/64", "::1:0:0:0:0") == "none");
    CHECK(derived("2a00:1450:9:900::/56", "preserve", "2a00:1450:1:200::") == "none");
    CHECK_FALSE(InterfaceIdRule::parse("::"));
}

TEST_CASE("rules are parsed strictly") {
    CHECK(InterfaceIdRule::parse("PRESERVE")->kind == InterfaceIdRule::Kind::Preserve);
    CHECK(InterfaceIdRule::parse("::A:B:C:D")->text == "::a:b:c:d");
    CHECK(InterfaceIdRule::parse("::5")->text == "::5"); // not the IPv4-compatible "::0.0.0.5"
    CHECK(InterfaceIdRule::parse("0:0:0:0:1::5")->text == "::1:0:0:5");
    CHECK(InterfaceIdRule::parse(InterfaceIdRule::parse("::1:0:0:5")->text)->text == "::1:0:0:5");
    CHECK_FALSE(InterfaceIdRule::parse("2a00:1450::1")); // bits above the low 80: a whole address, not an identifier
    CHECK_FALSE(InterfaceIdRule::parse("192.0.2.1"));
    CHECK_FALSE(InterfaceIdRule::parse("00:1a:2b:3c:4d"));
    CHECK_FALSE(InterfaceIdRule::parse("00:1a:2b:3c:4d:5g"));
    CHECK_FALSE(InterfaceIdRule::parse("00:1a-2b:3c:4d:5e"));
    CHECK_FALSE(InterfaceIdRule::parse("::1%eth0"));
    CHECK_FALSE(InterfaceIdRule::parse(""));
}

TEST_CASE("prefixes: strict syntax, host bits dropped, shortened, and the global unicast block") {
    CHECK(DelegatedPrefix::parse("2a00:1450:1:2::7/56")->to_string() == "2a00:1450:1::/56");
    CHECK(DelegatedPrefix::parse("2a00:1450:1:2::/64")->shortened(56).to_string() == "2a00:1450:1::/56");
    CHECK(DelegatedPrefix::parse("2a00:1450:1:2::/64")->is_global_unicast());
    CHECK_FALSE(DelegatedPrefix::parse("fd00:1::/48")->is_global_unicast());
    CHECK_FALSE(DelegatedPrefix::parse("fe80::/64")->is_global_unicast());
    CHECK_FALSE(DelegatedPrefix::parse("2a00:1450:1:2::"));
    CHECK_FALSE(DelegatedPrefix::parse("2a00:1450:1:2::/"));
    CHECK_FALSE(DelegatedPrefix::parse("2a00:1450:1:2::/129"));
    CHECK_FALSE(DelegatedPrefix::parse("2a00:1450:1:2::/+5"));
    CHECK_FALSE(DelegatedPrefix::parse("192.0.2.0/24"));
    CHECK_FALSE(DelegatedPrefix::parse("<ip6lanprefix>"));
}
