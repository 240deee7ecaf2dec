// Against a real named: updates land with TTL 60, other records stay, the serial moves, and each fault has its outcome.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include "dns/rfc2136_client.h"
#include "support/free_port.h"
#include "support/local_bind.h"

using namespace dyndns::dns;
using dyndns::test::LocalBind;
using dyndns::test::shared_bind;
using namespace std::chrono_literals;

namespace {

Rfc2136Client client_for(const TsigKey& key, std::uint16_t port, std::chrono::milliseconds timeout = 2000ms,
                         unsigned attempts = 2, std::chrono::milliseconds call_deadline = 5000ms) {
    return Rfc2136Client(ClientSettings{key, timeout, attempts, call_deadline},
                         std::make_shared<TcpTransport>("127.0.0.1", port));
}

Rfc2136Client gateway_client() { return client_for(shared_bind().key(), shared_bind().port()); }

ZoneUpdate replace(const std::string& name, RRType type, const std::string& address) {
    return {"example.test", {RRsetChange::replace(name, type, 60, {address})}};
}

const std::string kStaticMx = "10 mail.example.test.";

} // namespace

TEST_CASE("replacing the apex A publishes exactly that address with TTL 60") {
    const Rfc2136Client client = gateway_client();
    REQUIRE(client.apply(replace("example.test", RRType::A, "198.51.100.10")).ok());
    CHECK(shared_bind().dig_short("example.test", RRType::A) == "198.51.100.10");
    CHECK(shared_bind().dig_ttl("example.test", RRType::A) == 60);
    // Replace, not add: the previous address is gone.
    REQUIRE(client.apply(replace("example.test", RRType::A, "198.51.100.11")).ok());
    CHECK(shared_bind().dig_short("example.test", RRType::A) == "198.51.100.11");
}

TEST_CASE("replacing the AAAA leaves the A and the reverse") {
    const Rfc2136Client client = gateway_client();
    REQUIRE(client.apply(replace("home.example.test", RRType::A, "203.0.113.5")).ok());
    REQUIRE(client.apply(replace("home.example.test", RRType::AAAA, "2001:db8::5")).ok());
    CHECK(shared_bind().dig_short("home.example.test", RRType::AAAA) == "2001:db8::5");
    CHECK(shared_bind().dig_short("home.example.test", RRType::A) == "203.0.113.5");
    CHECK(shared_bind().dig_ttl("home.example.test", RRType::AAAA) == 60);
    REQUIRE(client.apply(replace("home.example.test", RRType::A, "203.0.113.6")).ok());
    CHECK(shared_bind().dig_short("home.example.test", RRType::AAAA) == "2001:db8::5");
    // Over ::1 too: named listens on both loopbacks.
    CHECK(shared_bind().dig_short("home.example.test", RRType::A, true) == "203.0.113.6");
}

TEST_CASE("reading back gives what was written") {
    const Rfc2136Client client = gateway_client();
    REQUIRE(client.apply(replace("read.example.test", RRType::AAAA, "2001:db8::77")).ok());
    const ReadResult read = client.read("read.example.test", RRType::AAAA);
    REQUIRE(read.outcome.ok());
    CHECK(read.rrset.rdata == std::vector<std::string>{"2001:db8::77"});
    CHECK(read.rrset.ttl == 60);
    const ReadResult none = client.read("never-written.example.test", RRType::A);
    REQUIRE(none.outcome.ok());
    CHECK(none.rrset.rdata.empty());
    const ReadResult mx = client.read("example.test", RRType::MX);
    REQUIRE(mx.outcome.ok());
    CHECK(mx.rrset.rdata == std::vector<std::string>{kStaticMx});
}

TEST_CASE("MX NS and SOA names are unchanged by updates and the serial increases per change") {
    const Rfc2136Client client = gateway_client();
    const std::string mx = shared_bind().dig_short("example.test", RRType::MX);
    const std::string ns = shared_bind().dig_short("example.test", RRType::NS);
    const auto soa_without_serial = [] {
        std::string soa = shared_bind().dig_short("example.test", RRType::SOA);
        const std::string serial = std::to_string(shared_bind().serial());
        return soa.replace(soa.find(serial), serial.size(), "SERIAL");
    };
    const std::string soa = soa_without_serial();
    CHECK(mx == kStaticMx);
    CHECK(ns == "ns1.example.test.");
    std::uint32_t serial = shared_bind().serial();
    for (const char* address : {"192.0.2.101", "192.0.2.102", "192.0.2.103"}) {
        REQUIRE(client.apply(replace("example.test", RRType::A, address)).ok());
        const std::uint32_t next = shared_bind().serial();
        CHECK(next > serial);
        serial = next;
    }
    CHECK(shared_bind().dig_short("example.test", RRType::MX) == mx);
    CHECK(shared_bind().dig_short("example.test", RRType::NS) == ns);
    CHECK(shared_bind().dig_short("mail.example.test", RRType::A) == "192.0.2.25");
    CHECK(soa_without_serial() == soa); // names, timers and negative TTL untouched
}

TEST_CASE("several names change in one message") {
    const Rfc2136Client client = gateway_client();
    const std::uint32_t before = shared_bind().serial();
    ZoneUpdate batch{"example.test",
                     {RRsetChange::replace("b1.example.test", RRType::A, 60, {"192.0.2.11"}),
                      RRsetChange::replace("b2.example.test", RRType::A, 60, {"192.0.2.12"}),
                      RRsetChange::replace("b3.example.test", RRType::AAAA, 60, {"2001:db8::13"})}};
    REQUIRE(client.apply(batch).ok());
    CHECK(shared_bind().dig_short("b1.example.test", RRType::A) == "192.0.2.11");
    CHECK(shared_bind().dig_short("b2.example.test", RRType::A) == "192.0.2.12");
    CHECK(shared_bind().dig_short("b3.example.test", RRType::AAAA) == "2001:db8::13");
    CHECK(shared_bind().serial() == before + 1); // one message, one journal transaction
}

TEST_CASE("a key name in another case is the same key to BIND") {
    TsigKey key = shared_bind().key();
    key.name = "DynDNS-Gateway";
    REQUIRE(client_for(key, shared_bind().port()).apply(replace("case.example.test", RRType::A, "192.0.2.44")).ok());
    CHECK(shared_bind().dig_short("case.example.test", RRType::A) == "192.0.2.44");
}

TEST_CASE("fault matrix: each failure has its typed outcome and changes nothing") {
    const std::string before = shared_bind().dig_short("example.test", RRType::A);
    const std::uint32_t serial = shared_bind().serial();

    SUBCASE("wrong secret is BADSIG") {
        TsigKey key = shared_bind().key();
        key.secret_base64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        const DnsOutcome outcome = client_for(key, shared_bind().port()).apply(replace("example.test", RRType::A, "192.0.2.66"));
        CHECK(outcome.kind == DnsOutcome::Kind::Rejected);
        CHECK(outcome.rcode == kRcodeNotAuth);
        CHECK(outcome.tsig_error == 16);
        CHECK(outcome.message.find("BADSIG") != std::string::npos);
        CHECK(outcome.message.find(key.secret_base64) == std::string::npos);
    }
    SUBCASE("unknown key is BADKEY") {
        TsigKey key = shared_bind().key();
        key.name = "gw-key";
        const DnsOutcome outcome = client_for(key, shared_bind().port()).apply(replace("example.test", RRType::A, "192.0.2.66"));
        CHECK(outcome.kind == DnsOutcome::Kind::Rejected);
        CHECK(outcome.rcode == kRcodeNotAuth);
        CHECK(outcome.tsig_error == 17);
        CHECK(outcome.message == "the DNS server does not know TSIG key 'gw-key' (BADKEY)");
    }
    SUBCASE("an MX change is REFUSED by the update-policy") {
        const DnsOutcome outcome = gateway_client().apply(
            {"example.test", {RRsetChange::replace("example.test", RRType::MX, 60, {"5 evil.example.net."})}});
        CHECK(outcome.kind == DnsOutcome::Kind::Rejected);
        CHECK(outcome.rcode == kRcodeRefused);
        CHECK(outcome.tsig_error == 0);
        CHECK(shared_bind().dig_short("example.test", RRType::MX) == kStaticMx);
    }
    SUBCASE("a zone the server does not serve is NOTAUTH") {
        const DnsOutcome outcome =
            gateway_client().apply({"not-served.test", {RRsetChange::replace("not-served.test", RRType::A, 60, {"192.0.2.66"})}});
        CHECK(outcome.kind == DnsOutcome::Kind::Rejected);
        CHECK(outcome.rcode == kRcodeNotAuth);
        CHECK(outcome.tsig_error == 0);
        CHECK(outcome.message.find("not authoritative for zone 'not-served.test'") != std::string::npos);
    }
    SUBCASE("a name outside the zone is NOTZONE") {
        const DnsOutcome outcome =
            gateway_client().apply({"example.test", {RRsetChange::replace("www.elsewhere.test", RRType::A, 60, {"192.0.2.66"})}});
        CHECK(outcome.kind == DnsOutcome::Kind::Rejected);
        CHECK(outcome.rcode == kRcodeNotZone);
    }
    SUBCASE("an alias cannot take an address: YXRRSET rather than BIND's silent NOERROR") {
        const DnsOutcome outcome = gateway_client().apply(replace("alias.example.test", RRType::A, "192.0.2.66"));
        CHECK(outcome.kind == DnsOutcome::Kind::Rejected);
        CHECK(outcome.rcode == kRcodeYxRrset);
        CHECK(outcome.message.find("CNAME") != std::string::npos);
        CHECK(shared_bind().dig_short("alias.example.test", RRType::CNAME) == "www.example.test.");
    }
    SUBCASE("a batch with one refused change applies none") {
        const DnsOutcome outcome =
            gateway_client().apply({"example.test",
                                    {RRsetChange::replace("example.test", RRType::A, 60, {"192.0.2.66"}),
                                     RRsetChange::replace("example.test", RRType::MX, 60, {"10 mail2.example.test."})}});
        CHECK(outcome.kind == DnsOutcome::Kind::Rejected);
        CHECK(outcome.rcode == kRcodeRefused);
    }
    CHECK(shared_bind().dig_short("example.test", RRType::A) == before);
    CHECK(shared_bind().serial() == serial);
}

TEST_CASE("a primary that is down is unavailable at once") {
    // A port nobody listens on: connect() is refused immediately on loopback.
    const std::uint16_t port = dyndns::test::free_loopback_port();
    const auto start = std::chrono::steady_clock::now();
    const DnsOutcome outcome =
        client_for(shared_bind().key(), port, 5000ms, 3).apply(replace("example.test", RRType::A, "192.0.2.1"));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(outcome.kind == DnsOutcome::Kind::Unavailable);
    CHECK(outcome.message.find("refused the connection") != std::string::npos);
    CHECK(elapsed < 1000ms);
}

TEST_CASE("a silent primary is no answer within the configured bound: the update may have been applied") {
    // Accepts connections (the kernel completes the handshake) but never answers.
    Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
    const auto start = std::chrono::steady_clock::now();
    const DnsOutcome outcome =
        client_for(shared_bind().key(), silent.address().port(), 300ms, 2).apply(replace("example.test", RRType::A, "192.0.2.1"));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(outcome.kind == DnsOutcome::Kind::NoAnswer);
    CHECK(outcome.may_have_applied());
    CHECK(outcome.message.find("did not answer") != std::string::npos);
    CHECK(outcome.message.find("2 attempts of 300 ms") != std::string::npos);
    CHECK(elapsed >= 550ms);
    CHECK(elapsed < 2000ms);
}

TEST_CASE("the call deadline bounds all attempts together") {
    Poco::Net::ServerSocket silent(Poco::Net::SocketAddress("127.0.0.1", 0));
    const auto client = client_for(shared_bind().key(), silent.address().port(), 300ms, 5, 500ms);
    const auto start = std::chrono::steady_clock::now();
    const DnsOutcome outcome = client.apply(replace("example.test", RRType::A, "192.0.2.1"), client.call_deadline());
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(outcome.kind == DnsOutcome::Kind::NoAnswer);
    CHECK(outcome.message.find("2 attempts of 300 ms") != std::string::npos); // the second cut to 200 ms
    CHECK(elapsed >= 450ms);
    CHECK(elapsed < 1400ms); // five whole attempts would take 1500 ms
    // A deadline already spent sends nothing.
    const DnsOutcome late = client.apply(replace("example.test", RRType::A, "192.0.2.1"), std::chrono::steady_clock::now());
    CHECK(late.kind == DnsOutcome::Kind::Unavailable);
}

TEST_CASE("connections kept open survive a restart of named: a closed one is replaced") {
    const auto client = gateway_client();
    REQUIRE(client.read("example.test", RRType::SOA).outcome.ok()); // leaves an open connection behind
    shared_bind().restart();
    const auto read = client.read("example.test", RRType::SOA);
    CHECK(read.outcome.ok());
    CHECK(client.apply({"example.test", {RRsetChange::replace("restarted.example.test", RRType::A, 60, {"192.0.2.99"})}}).ok());
    CHECK(shared_bind().dig_short("restarted.example.test", RRType::A) == "192.0.2.99");
}
