// dyndns2 without a network: how the query is read, and which line each core outcome becomes.
#include <doctest/doctest.h>

#include <map>

#include "dyndns2/dyndns2_endpoint.h"
#include "dyndns2/dyndns2_request.h"
#include "support/fake_core.h"

using namespace dyndns;

namespace {

dyndns2::UpdateParameters read(const std::string& query) {
    auto result = dyndns2::read_update_parameters(query);
    if (const auto* e = std::get_if<dyndns2::ParameterError>(&result)) FAIL("refused: " << e->code);
    return std::get<dyndns2::UpdateParameters>(result);
}

std::string refused(const std::string& query) {
    auto result = dyndns2::read_update_parameters(query);
    REQUIRE(std::holds_alternative<dyndns2::ParameterError>(result));
    return std::get<dyndns2::ParameterError>(result).code;
}

// Answers by host name (`answers`), else echoes the request as a success; records every call.
class FakeCore : public test::FakeCore {
public:
    FakeCore() { set_answer.reset(); }
};

// "Basic " + base64("demo:pw")
const std::string kDemoAuth = "Basic ZGVtbzpwdw==";

core::UpdateError fault(core::Fault f) { return core::UpdateError{f, "message", f == core::Fault::RateLimited ? 30 : 0}; }

} // namespace

TEST_CASE("hostname lists, YES, myip pairs and prefixes") {
    auto p = read("hostname=a.example.test,%20b.example.test&myip=192.0.2.1/32,2001:db8::1/64");
    CHECK(p.hosts == std::vector<std::string>{"a.example.test", "b.example.test"});
    CHECK(p.addresses == std::vector<std::string>{"192.0.2.1", "2001:db8::1"});
    CHECK(read("hostname=YES").hosts.empty());
    CHECK(read("myipv6=2001:db8::2").addresses == std::vector<std::string>{"2001:db8::2"});
    CHECK(read("myip=&hostname=a.example.test").addresses == std::vector<std::string>{""}); // the caller's
    CHECK(read("hostname=a.example.test").addresses == std::vector<std::string>{""});
    CHECK(read("hostname=a.example.test&wildcard=ON&mx=mail.example.net&backmx=YES&offline=NO&system=dyndns").hosts.size() == 1);
}

TEST_CASE("router URLs: the delegated prefix, placeholders left unsubstituted, a prefix-only request") {
    // FRITZ!Box, one URL: its address, its own IPv6 address and the LAN prefix.
    auto fritz = read("hostname=home.example.test&myip=30.1.2.5&myipv6=2a00:1450:1:2::1&ip6lanprefix=2a00:1450:1:2::/64");
    CHECK(fritz.addresses == std::vector<std::string>{"30.1.2.5", "2a00:1450:1:2::1"});
    CHECK(fritz.prefix == "2a00:1450:1:2::/64");
    CHECK(read("ipv6prefix=2a00:1450:1:200::/56&hostname=h.example.test").prefix == "2a00:1450:1:200::/56");
    CHECK(read("ipv6prefix=-&hostname=h.example.test").prefix == "-");
    // A prefix alone (a router's second URL) sets no address; an empty myip= still asks for the caller's.
    CHECK(read("hostname=h.example.test&ip6lanprefix=2a00:1450:1:200::/56").addresses.empty());
    CHECK(read("hostname=h.example.test&myip=&ip6lanprefix=2a00:1450:1:200::/56").addresses == std::vector<std::string>{""});
    // DS-Lite: no IPv4, the placeholder sent as it is; Speedport's pair with one half missing.
    auto ds_lite = read("hostname=h.example.test&myip=%3Cipaddr%3E&myipv6=2a00:1450:1:2::1&ip6lanprefix=%3Cip6lanprefix%3E");
    CHECK(ds_lite.addresses == std::vector<std::string>{"2a00:1450:1:2::1"});
    CHECK(ds_lite.prefix.empty());
    CHECK(read("hostname=h.example.test&myip=30.1.2.5,<ip6addr>").addresses == std::vector<std::string>{"30.1.2.5"});
    CHECK(read("hostname=h.example.test&myip=<ipaddr>&ip6lanprefix=2a00:1450:1:200::/56").addresses.empty());
    // Two different prefixes cannot both be meant.
    CHECK(refused("hostname=h.example.test&ip6lanprefix=2a00:1450:1:200::/56&ipv6prefix=2a00:1450:2:200::/56") == "dnserr");
    CHECK(read("hostname=h.example.test&ip6lanprefix=2a00:1450:1:200::/56&ipv6prefix=2a00:1450:1:200::/56").prefix ==
          "2a00:1450:1:200::/56");
}

TEST_CASE("too many hosts, three addresses, an IPv4 myipv6") {
    std::string many = "hostname=";
    for (int i = 0; i < 21; ++i) many += "h" + std::to_string(i) + ".example.test,";
    CHECK(refused(many) == "numhost");
    CHECK(refused("myip=192.0.2.1,192.0.2.2,192.0.2.3") == "dnserr");
    CHECK(refused("myipv6=192.0.2.1") == "dnserr");
    CHECK(refused("myipv6=::ffff:8.8.4.4") == "dnserr"); // IPv4-mapped: it would set the A
    CHECK(refused("myipv6=not-an-address") == "dnserr");
    // The same name twice (case and a trailing dot aside) is refused too, as Dyn refused it.
    CHECK(refused("hostname=a.example.test,b.example.test,A.Example.Test.") == "numhost");
}

TEST_CASE("good, nochg and both families on one line") {
    FakeCore core;
    core.answers["same.example.test"] = core::SetAddressResult{"same.example.test", "192.0.2.9", "A", 60, false};
    dyndns2::Dyndns2Endpoint endpoint(core);
    CHECK(endpoint.update("hostname=a.example.test&myip=192.0.2.1,2001:db8::1", kDemoAuth, {}).body ==
          "good 192.0.2.1,2001:db8::1\n");
    CHECK(endpoint.update("hostname=same.example.test&myip=192.0.2.9", kDemoAuth, {}).body == "nochg 192.0.2.9\n");
    REQUIRE(core.set_calls.size() == 3);
    CHECK(core.set_calls[0].account == "demo");
    CHECK(core.set_calls[0].password == "pw");
    CHECK(core.set_calls[0].client.protocol == "dyndns2");
}

TEST_CASE("host faults take one line each, account faults are the whole answer") {
    FakeCore core;
    core.answers["off.example.test"] = fault(core::Fault::DyndnsDisabled);
    core.answers["bad.example.test"] = fault(core::Fault::DnsRejected);
    dyndns2::Dyndns2Endpoint endpoint(core);
    CHECK(endpoint.update("hostname=a.example.test,off.example.test,bad.example.test,short&myip=192.0.2.1", kDemoAuth, {}).body ==
          "good 192.0.2.1\nnohost\ndnserr\nnotfqdn\n");

    for (const auto& [f, code] : std::vector<std::pair<core::Fault, std::string>>{{core::Fault::AuthFailed, "badauth"},
                                                                                  {core::Fault::RateLimited, "abuse"},
                                                                                  {core::Fault::ServiceUnavailable, "911"}}) {
        FakeCore failing;
        failing.answers["a.example.test"] = fault(f);
        dyndns2::Dyndns2Endpoint e(failing);
        const auto reply = e.update("hostname=a.example.test,b.example.test", kDemoAuth, {});
        CHECK(reply.body == code + "\n");
        CHECK(failing.set_calls.size() == 1);
        if (f == core::Fault::AuthFailed) CHECK(reply.status == 401);
        if (f == core::Fault::RateLimited) CHECK(reply.headers.at(0) == std::pair<std::string, std::string>{"Retry-After", "30"});
    }
}

TEST_CASE("no credentials or not Basic is badauth with a challenge, before the core") {
    FakeCore core;
    dyndns2::Dyndns2Endpoint endpoint(core);
    for (const std::string auth : {"", "Bearer abc", "Basic !!!notbase64"}) {
        const auto reply = endpoint.update("hostname=a.example.test", auth, {});
        CHECK(reply.status == 401);
        CHECK(reply.body == "badauth\n");
        CHECK(reply.headers.at(0).first == "WWW-Authenticate");
    }
    CHECK(core.set_calls.empty());
}

TEST_CASE("without a hostname the user name is the host (a per-host token)") {
    FakeCore core;
    dyndns2::Dyndns2Endpoint endpoint(core);
    // "Basic " + base64("router.example.test:token")
    CHECK(endpoint.update("myip=192.0.2.5", "Basic cm91dGVyLmV4YW1wbGUudGVzdDp0b2tlbg==", {}).body == "good 192.0.2.5\n");
    CHECK(core.set_calls.at(0).name == "router.example.test");
    CHECK(endpoint.update("myip=192.0.2.5", kDemoAuth, {}).body == "notfqdn\n");
}

TEST_CASE("check-ip is the caller's address") {
    FakeCore core;
    dyndns2::Dyndns2Endpoint endpoint(core);
    core::ClientInfo client;
    client.peer_address = "2001:db8::7";
    CHECK(endpoint.check_ip(client).body == "2001:db8::7\n");
}

TEST_CASE("an address refused for one family refuses the request before anything is set") {
    FakeCore core;
    dyndns2::Dyndns2Endpoint endpoint(core);
    CHECK(endpoint.update("hostname=a.example.test,b.example.test&myip=192.0.2.1,fd00::1", kDemoAuth, {}).body ==
          "dnserr\ndnserr\n");
    CHECK(core.set_calls.empty());
}

TEST_CASE("one core call per request, and a primary that is down answers only its own hosts") {
    FakeCore core;
    core.answers["b.example.test"] = fault(core::Fault::DnsUnavailable); // b's zone is on another primary, say
    dyndns2::Dyndns2Endpoint endpoint(core);
    CHECK(endpoint.update("hostname=a.example.test,b.example.test,c.example.test&myip=192.0.2.1", kDemoAuth, {}).body ==
          "good 192.0.2.1\n911\ngood 192.0.2.1\n");
    CHECK(core.set_many_calls == 1);
}
