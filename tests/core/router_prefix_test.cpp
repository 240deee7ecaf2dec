// Router prefixes through the update core against a real named: rules, one UPDATE per prefix, nochg, removal, and what is refused.
#include <doctest/doctest.h>

#include "support/core_stack.h"

using namespace dyndns;
using namespace std::chrono_literals;

namespace {

struct Fixture : test::CoreStack {
    Fixture()
        : test::CoreStack("prefix-test",
                          core::CoreSettings{
                              .ttl = 60,
                              .allow_private_addresses = false,
                              .trusted_proxies = {},
                              .throttle = {.max_failures_per_account_source = 3, .max_failures_per_source = 100, .window = 60s}},
                          dns::ClientSettings{{}, 500ms, 2, 1500ms}) {}

    core::ClientInfo client() const { return {"198.51.100.1", "", "", "test", "prefix-test/1"}; }

    core::HostRuleOutcome rule(const std::string& name, const std::string& rule, const std::string& account = "alice",
                               const std::string& password = "alice-password") {
        return core->set_host_rule({account, password, name, rule, client()});
    }
    core::SetPrefixOutcome prefix(const std::string& prefix, const std::string& name = "example.test") {
        return core->set_prefix({"alice", "alice-password", name, prefix, client()});
    }
    std::string aaaa(const std::string& name) const { return test::shared_bind().dig_short(name, dns::RRType::AAAA); }
};

core::Fault fault_of(const core::SetPrefixOutcome& outcome) {
    REQUIRE(std::holds_alternative<core::UpdateError>(outcome));
    return std::get<core::UpdateError>(outcome).fault;
}

} // namespace

TEST_CASE("a prefix moves a static, an EUI-64 and a preserve host in one UPDATE, again it sends nothing, - removes them") {
    Fixture f;
    REQUIRE(std::holds_alternative<core::HostRuleResult>(f.rule("nas-rp.example.test", "::A:B:C:D")));
    REQUIRE(std::holds_alternative<core::HostRuleResult>(f.rule("cam-rp.example.test", "00-1A-2B-3C-4D-5E")));
    REQUIRE(std::holds_alternative<core::HostRuleResult>(f.rule("srv-rp.example.test", "preserve")));
    // preserve keeps the low bits the host has: give it an address first.
    REQUIRE(std::holds_alternative<core::SetAddressResult>(
        f.core->set_address({"alice", "alice-password", "srv-rp.example.test", "2a00:1450:1:203:aa:bb:cc:dd", f.client()})));

    const auto before = f.core->dns_counters().messages;
    const auto moved = f.prefix("2a00:1450:9:900::/56");
    REQUIRE(std::holds_alternative<core::SetPrefixResult>(moved));
    const auto& result = std::get<core::SetPrefixResult>(moved);
    CHECK(result.prefix == "2a00:1450:9:900::/56");
    CHECK(result.changed);
    REQUIRE(result.hosts.size() == 3);
    CHECK(result.hosts[0].name == "cam-rp.example.test");
    CHECK(result.hosts[0].rule == "00:1a:2b:3c:4d:5e");
    CHECK(result.hosts[0].address == "2a00:1450:9:900:21a:2bff:fe3c:4d5e");
    CHECK(f.core->dns_counters().messages == before + 1); // one UPDATE for all three
    CHECK(f.aaaa("nas-rp.example.test") == "2a00:1450:9:900:a:b:c:d");
    CHECK(f.aaaa("cam-rp.example.test") == "2a00:1450:9:900:21a:2bff:fe3c:4d5e");
    CHECK(f.aaaa("srv-rp.example.test") == "2a00:1450:9:903:aa:bb:cc:dd");
    CHECK(test::shared_bind().dig_ttl("nas-rp.example.test", dns::RRType::AAAA) == 60);

    const auto again = f.prefix("2a00:1450:9:900::/56");
    REQUIRE(std::holds_alternative<core::SetPrefixResult>(again));
    CHECK_FALSE(std::get<core::SetPrefixResult>(again).changed);
    CHECK(f.core->dns_counters().messages == before + 1); // nothing sent

    const auto removed = f.prefix("-");
    REQUIRE(std::holds_alternative<core::SetPrefixResult>(removed));
    CHECK(std::get<core::SetPrefixResult>(removed).changed);
    CHECK(f.core->dns_counters().messages == before + 2);
    CHECK(f.aaaa("nas-rp.example.test").empty());
    CHECK(f.aaaa("srv-rp.example.test").empty());
}

TEST_CASE(
    "a prefix outside 2000::/3, of a length the domain does not take, or giving a host a non-public address changes nothing") {
    Fixture f;
    REQUIRE(std::holds_alternative<core::HostRuleResult>(f.rule("nas-rq.example.test", "::5")));
    REQUIRE(std::holds_alternative<core::SetPrefixResult>(f.prefix("2a00:1450:7:700::/56")));
    const auto messages = f.core->dns_counters().messages;

    CHECK(fault_of(f.prefix("fd00:1:2:300::/56")) == core::Fault::PrivateAddress); // ULA
    CHECK(fault_of(f.prefix("2001:db8:1:200::/56")) == core::Fault::PrivateAddress); // documentation, inside 2000::/3
    CHECK(fault_of(f.prefix("2a00:1450:7::/40")) == core::Fault::InvalidAddress); // shorter than /48
    CHECK(fault_of(f.prefix("2a00:1450:7:700::/72")) == core::Fault::InvalidAddress);
    CHECK(fault_of(f.prefix("30.1.2.0/24")) == core::Fault::InvalidAddress);
    CHECK(fault_of(f.prefix("2a00:1450:7:700::")) == core::Fault::InvalidAddress);
    f.db->set_prefix_length("example.test", 56);
    CHECK(fault_of(f.prefix("2a00:1450:8::/48")) == core::Fault::InvalidAddress); // the domain needs a /56
    // A /64 from the router is cut to the domain's /56.
    const auto cut = f.prefix("2a00:1450:7:7ff::/64");
    REQUIRE(std::holds_alternative<core::SetPrefixResult>(cut));
    CHECK(std::get<core::SetPrefixResult>(cut).prefix == "2a00:1450:7:700::/56");
    CHECK_FALSE(std::get<core::SetPrefixResult>(cut).changed);
    CHECK(f.core->dns_counters().messages == messages);
    CHECK(f.aaaa("nas-rq.example.test") == "2a00:1450:7:700::5");
}

TEST_CASE("rules: only the account sets them, only valid ones, at most 64 a domain, GetDyndnsIp lists them") {
    Fixture f;
    f.db->add_account("mallory", "mallory-password");
    CHECK(std::get<core::UpdateError>(f.rule("nas-rr.example.test", "::1", "mallory", "mallory-password")).fault ==
          core::Fault::NoSuchDomain);
    CHECK(std::get<core::UpdateError>(f.rule("nas-rr.example.test", "2a00::1")).fault == core::Fault::InvalidAddress);
    CHECK(std::get<core::UpdateError>(f.rule("nas-rr.example.test", "::")).fault == core::Fault::InvalidAddress);
    const auto [token, secret] = f.db->create_token("example.test");
    CHECK(std::get<core::UpdateError>(f.rule("example.test", "::1", "example.test", secret)).fault == core::Fault::AuthFailed);
    REQUIRE(std::holds_alternative<core::HostRuleResult>(f.rule("nas-rr.example.test", "::1")));
    const auto read = f.core->get_addresses({"alice", "alice-password", "example.test", f.client()});
    REQUIRE(std::holds_alternative<core::GetAddressesResult>(read));
    const auto& hosts = std::get<core::GetAddressesResult>(read).hosts;
    REQUIRE(hosts.size() == 1);
    CHECK(hosts[0].name == "nas-rr.example.test");
    CHECK(hosts[0].ipv6 == "::1");
    for (int i = 1; i < 64; ++i) f.db->set_host_rule({"h" + std::to_string(i) + ".example.test", "", "::1"});
    CHECK(std::get<core::UpdateError>(f.rule("one-more.example.test", "::2")).fault == core::Fault::BadRequest);
    CHECK(std::holds_alternative<core::HostRuleResult>(f.rule("nas-rr.example.test", "::2"))); // replacing is fine
    const auto removed = f.rule("nas-rr.example.test", "");
    REQUIRE(std::holds_alternative<core::HostRuleResult>(removed));
    CHECK(std::get<core::HostRuleResult>(removed).rule.empty());
    // The domain's own token may send its prefix.
    const auto by_token = f.core->set_prefix({"example.test", secret, "example.test", "2a00:1450:6:600::/56", f.client()});
    CHECK(std::holds_alternative<core::SetPrefixResult>(by_token));
}

TEST_CASE("a prefix that moves two hosts makes one webhook event naming both, and the same prefix again makes none") {
    Fixture f;
    REQUIRE(std::holds_alternative<core::HostRuleResult>(f.rule("nas-wh.example.test", "::A:B:C:D")));
    REQUIRE(std::holds_alternative<core::HostRuleResult>(f.rule("cam-wh.example.test", "::1:2:3:4")));
    const auto webhook = f.db->create_webhook({0, "alice", "example.test", "https://127.0.0.1:9/hook", {}}).first;

    REQUIRE(std::holds_alternative<core::SetPrefixResult>(f.prefix("2a00:1450:7:700::/56")));
    auto deliveries = f.db->webhook_deliveries(webhook.id, 10);
    REQUIRE(deliveries.size() == 1); // queued with the change, before the call answered
    const std::string& body = deliveries.front().body;
    CHECK(body.find(R"("type":"prefix.moved")") != std::string::npos);
    CHECK(body.find(R"("prefix":"2a00:1450:7:700::/56")") != std::string::npos);
    CHECK(body.find(R"("name":"cam-wh.example.test","type":"AAAA","old":[],"new":["2a00:1450:7:700:1:2:3:4"])") !=
          std::string::npos);
    CHECK(body.find(R"("name":"nas-wh.example.test","type":"AAAA","old":[],"new":["2a00:1450:7:700:a:b:c:d"])") !=
          std::string::npos);
    CHECK(body.find(R"("protocol":"test")") != std::string::npos);

    REQUIRE(std::holds_alternative<core::SetPrefixResult>(f.prefix("2a00:1450:7:700::/56")));
    CHECK(f.db->webhook_deliveries(webhook.id, 10).size() == 1);
    REQUIRE(std::holds_alternative<core::SetPrefixResult>(f.prefix("-")));
    deliveries = f.db->webhook_deliveries(webhook.id, 10);
    REQUIRE(deliveries.size() == 2);
    CHECK(deliveries.front().body.find(R"("old":["2a00:1450:7:700:a:b:c:d"],"new":[])") != std::string::npos);
    CHECK(deliveries.front().body.find(R"("prefix":"-")") != std::string::npos);
}
