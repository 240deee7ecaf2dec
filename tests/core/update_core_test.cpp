// The update core's whole flow against a real store (SQLite in a temp dir) and a real named.
#include <doctest/doctest.h>

#include <memory>

#include <thread>

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Net/ServerSocket.h>

#include "app/core_settings.h"
#include "core/update_core.h"
#include "dns/ldns_handles.h"
#include "support/core_stack.h"
#include "support/free_port.h"
#include "support/local_bind.h"

using namespace dyndns;
using namespace std::chrono_literals;

namespace {

struct Fixture : test::CoreStack {
    // Private addresses allowed by default: the tests publish documentation addresses (RFC 5737, RFC 3849).
    explicit Fixture(bool allow_private = true, std::uint16_t dns_port = 0,
                     std::shared_ptr<dns::DnsTransport> transport = nullptr)
        : test::CoreStack("core-test",
                          core::CoreSettings{
                              .ttl = 60,
                              .allow_private_addresses = allow_private,
                              .trusted_proxies = {},
                              .throttle = {.max_failures_per_account_source = 3, .max_failures_per_source = 100, .window = 60s}},
                          dns::ClientSettings{{}, 500ms, 2, 1500ms},
                          dns_port && !transport ? std::make_shared<dns::TcpTransport>("127.0.0.1", dns_port) : transport) {
        db->add_account("bob", "bob-password");
        db->add_domain("not-served.test", "bob");
        db->set_dyndns("not-served.test", true);
    }

    core::SetAddressOutcome set(const std::string& account, const std::string& password, const std::string& name,
                                const std::string& address, const std::string& peer = "198.51.100.1") {
        return core->set_address({account, password, name, address, {peer, "", "", "test", "core-test/1"}});
    }
};

// Queries go to the real named; UPDATEs go to a socket that accepts and never answers, or are
// answered SERVFAIL (what BIND says while the zone is loading), or everything is.
class SplitTransport final : public dns::DnsTransport {
public:
    enum class Mode { SilentUpdates, ServFailUpdates, ServFailAll };
    explicit SplitTransport(Mode mode)
        : mode_(mode),
          silent_(Poco::Net::SocketAddress("127.0.0.1", 0)),
          named_("127.0.0.1", test::shared_bind().port()),
          silent_transport_("127.0.0.1", silent_.address().port()) {}

    dns::ExchangeResult exchange(std::span<const std::uint8_t> query, std::chrono::milliseconds timeout) override {
        ldns_pkt* raw = nullptr;
        REQUIRE(ldns_wire2pkt(&raw, query.data(), query.size()) == LDNS_STATUS_OK);
        dns::PktPtr request(raw);
        const bool update = ldns_pkt_get_opcode(request.get()) == LDNS_PACKET_UPDATE;
        if (mode_ == Mode::ServFailAll || (update && mode_ == Mode::ServFailUpdates)) return servfail(request.get());
        if (update) return silent_transport_.exchange(query, timeout);
        return named_.exchange(query, timeout);
    }
    std::string describe() const override { return "split"; }

private:
    static dns::ExchangeResult servfail(const ldns_pkt* request) {
        dns::PktPtr reply(ldns_pkt_clone(request));
        ldns_rr_free(ldns_pkt_tsig(reply.get()));
        ldns_pkt_set_tsig(reply.get(), nullptr);
        ldns_pkt_set_qr(reply.get(), true);
        ldns_pkt_set_rcode(reply.get(), LDNS_RCODE_SERVFAIL);
        return {dns::ExchangeResult::Status::Ok, dns::packet_wire(reply.get()), ""};
    }

    Mode mode_;
    Poco::Net::ServerSocket silent_;
    dns::TcpTransport named_;
    dns::TcpTransport silent_transport_;
};

core::SetAddressResult ok(const core::SetAddressOutcome& outcome) {
    if (const auto* e = std::get_if<core::UpdateError>(&outcome))
        FAIL("fault " << static_cast<int>(e->fault) << ": " << e->message);
    return std::get<core::SetAddressResult>(outcome);
}

core::UpdateError fault(const core::SetAddressOutcome& outcome) {
    REQUIRE(std::holds_alternative<core::UpdateError>(outcome));
    return std::get<core::UpdateError>(outcome);
}

} // namespace

TEST_CASE("a new address is written and the same address again sends no UPDATE") {
    Fixture f;
    const auto first = ok(f.set("alice", "alice-password", "Core.Example.Test.", "203.0.113.10"));
    CHECK(first.name == "core.example.test");
    CHECK(first.type == "A");
    CHECK(first.ttl == 60);
    CHECK(first.changed);
    CHECK(test::shared_bind().dig_short("core.example.test", dns::RRType::A) == "203.0.113.10");
    const auto serial = test::shared_bind().serial();
    CHECK_FALSE(ok(f.set("alice", "alice-password", "core.example.test", "203.0.113.10")).changed);
    CHECK(test::shared_bind().serial() == serial);

    f.core->flush_history(); // rows are written off the request path
    const auto history = f.db->history("example.test");
    REQUIRE(history.size() >= 2);
    CHECK(history[0].outcome == "unchanged");
    CHECK(history[1].outcome == "changed");
    CHECK(history[1].new_address == "203.0.113.10");
    CHECK(history[1].protocol == "test");
    CHECK(history[1].user_agent == "core-test/1");
}

TEST_CASE("an empty address is the caller's and an IPv4-mapped address is an A") {
    Fixture f;
    CHECK(ok(f.set("alice", "alice-password", "caller.example.test", "", "198.51.100.44")).address == "198.51.100.44");
    const auto mapped = ok(f.set("alice", "alice-password", "mapped.example.test", "::ffff:198.51.100.45"));
    CHECK(mapped.type == "A");
    CHECK(mapped.address == "198.51.100.45");
    const auto v6 = ok(f.set("alice", "alice-password", "caller.example.test", "", "2001:db8::44"));
    CHECK(v6.type == "AAAA");
    CHECK(test::shared_bind().dig_short("caller.example.test", dns::RRType::A) == "198.51.100.44");
}

TEST_CASE("each precondition has its fault") {
    Fixture f;
    CHECK(fault(f.set("alice", "wrong", "example.test", "203.0.113.1")).fault == core::Fault::AuthFailed);
    CHECK(fault(f.set("nobody", "x", "example.test", "203.0.113.1")).message ==
          fault(f.set("alice", "wrong", "example.test", "203.0.113.1")).message);
    CHECK(fault(f.set("alice", "alice-password", "not-served.test", "203.0.113.1")).fault == core::Fault::NoSuchDomain);
    CHECK(fault(f.set("alice", "alice-password", "example.org", "203.0.113.1")).fault == core::Fault::NoSuchDomain);
    CHECK(fault(f.set("alice", "alice-password", "bad..name", "203.0.113.1")).fault == core::Fault::NoSuchDomain);
    CHECK(fault(f.set("alice", "alice-password", "example.test", "nope")).fault == core::Fault::InvalidAddress);
    Fixture strict(false);
    const auto private_address = fault(strict.set("alice", "alice-password", "example.test", "192.168.0.10"));
    CHECK(private_address.fault == core::Fault::PrivateAddress);
    CHECK(private_address.message.find("behind NAT") != std::string::npos);
    CHECK(fault(strict.set("alice", "alice-password", "example.test", "", "127.0.0.1")).fault == core::Fault::PrivateAddress);
    CHECK(fault(strict.set("alice", "alice-password", "example.test", "192.0.2.1")).fault == core::Fault::PrivateAddress);
    f.db->set_dyndns("example.test", false);
    CHECK(fault(f.set("alice", "alice-password", "example.test", "203.0.113.1")).fault == core::Fault::DyndnsDisabled);
}

TEST_CASE("a label that starts or ends with a hyphen is fault 2 without a word to the primary") {
    Fixture f;
    const auto serial = test::shared_bind().serial();
    for (const char* name : {"-lead.example.test", "trail-.example.test", "ok.-mid.example.test", "ok.mid-.example.test"}) {
        CAPTURE(name);
        CHECK(fault(f.set("alice", "alice-password", name, "203.0.113.5")).fault == core::Fault::NoSuchDomain);
    }
    CHECK(f.core->dns_counters().messages == 0);
    CHECK(test::shared_bind().serial() == serial);
    CHECK(ok(f.set("alice", "alice-password", "in-the-middle.example.test", "203.0.113.5")).changed);
}

TEST_CASE("private addresses pass when allowed") {
    Fixture f(true);
    CHECK(ok(f.set("alice", "alice-password", "lan.example.test", "192.168.0.10")).changed);
}

TEST_CASE("repeated failed logins are rate limited with a retry time") {
    Fixture f;
    for (int i = 0; i < 3; ++i)
        CHECK(fault(f.set("alice", "guess", "example.test", "203.0.113.1")).fault == core::Fault::AuthFailed);
    const auto limited = fault(f.set("alice", "alice-password", "example.test", "203.0.113.1"));
    CHECK(limited.fault == core::Fault::RateLimited);
    CHECK(limited.retry_after_seconds > 0);
    CHECK(limited.retry_after_seconds <= 61);
}

TEST_CASE("a hundred wrong passwords from one address do not lock the account for another address") {
    Fixture f;
    for (int i = 0; i < 100; ++i) {
        const auto refused = fault(f.set("alice", "guess" + std::to_string(i), "example.test", "203.0.113.1", "192.0.2.66"));
        CHECK((refused.fault == core::Fault::AuthFailed || refused.fault == core::Fault::RateLimited));
    }
    CHECK(fault(f.set("alice", "alice-password", "example.test", "203.0.113.1", "192.0.2.66")).fault == core::Fault::RateLimited);
    CHECK(ok(f.set("alice", "alice-password", "lockout.example.test", "203.0.113.2", "198.51.100.77")).address == "203.0.113.2");
}

TEST_CASE("the primary refusing is fault 8 and the primary down is fault 7") {
    Fixture f;
    const auto rejected = fault(f.set("bob", "bob-password", "not-served.test", "203.0.113.1"));
    CHECK(rejected.fault == core::Fault::DnsRejected);
    // named answers the read for a zone it does not serve with REFUSED (no recursion for the gateway).
    CHECK(rejected.message.find("REFUSED") != std::string::npos);
    f.core->flush_history();
    CHECK(f.db->history("not-served.test").at(0).outcome == "DNS_REJECTED");

    Fixture down(true, test::free_loopback_port());
    const auto unavailable = fault(down.set("alice", "alice-password", "example.test", "203.0.113.1"));
    CHECK(unavailable.fault == core::Fault::DnsUnavailable);
    CHECK(unavailable.message.find("nothing changed") != std::string::npos);
}

TEST_CASE("an UPDATE that gets no answer is fault 7 saying it may have been applied and its history is unknown") {
    Fixture f(true, 0, std::make_shared<SplitTransport>(SplitTransport::Mode::SilentUpdates));
    const auto start = std::chrono::steady_clock::now();
    const auto unanswered = fault(f.set("alice", "alice-password", "silent.example.test", "203.0.113.31"));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(unanswered.fault == core::Fault::DnsUnavailable);
    CHECK(unanswered.message.find("may or may not have been applied") != std::string::npos);
    CHECK(unanswered.message.find("nothing changed") == std::string::npos);
    // dns.call_deadline_ms 1500 bounds the read, the UPDATE and the read back; the rest is argon2
    // and SQLite on a sanitizer build.
    CHECK(elapsed < 3500ms);
    f.core->flush_history();
    CHECK(f.db->history("example.test").at(0).outcome == "unknown");
}

TEST_CASE("SERVFAIL from the primary is fault 7: retry later and nothing changed") {
    Fixture updates(true, 0, std::make_shared<SplitTransport>(SplitTransport::Mode::ServFailUpdates));
    const auto on_update = fault(updates.set("alice", "alice-password", "loading.example.test", "203.0.113.32"));
    CHECK(on_update.fault == core::Fault::DnsUnavailable);
    CHECK(on_update.message.find("SERVFAIL") != std::string::npos);
    CHECK(on_update.message.find("nothing changed") != std::string::npos);

    Fixture all(true, 0, std::make_shared<SplitTransport>(SplitTransport::Mode::ServFailAll));
    const auto on_read = fault(all.set("alice", "alice-password", "loading.example.test", "203.0.113.32"));
    CHECK(on_read.fault == core::Fault::DnsUnavailable);
    CHECK(on_read.message.find("retry later") != std::string::npos);
    all.core->flush_history();
    CHECK(all.db->history("example.test").at(0).outcome == "DNS_UNAVAILABLE");
}

TEST_CASE("GetDyndnsIp reads both families") {
    Fixture f;
    ok(f.set("alice", "alice-password", "both.example.test", "203.0.113.60"));
    ok(f.set("alice", "alice-password", "both.example.test", "2001:db8::60"));
    const auto read = f.core->get_addresses({"alice", "alice-password", "both.example.test", {}});
    REQUIRE(std::holds_alternative<core::GetAddressesResult>(read));
    const auto& result = std::get<core::GetAddressesResult>(read);
    CHECK(result.a == std::vector<std::string>{"203.0.113.60"});
    CHECK(result.aaaa == std::vector<std::string>{"2001:db8::60"});
}

TEST_CASE("a token stops reaching a name once a more specific domain holds it") {
    Fixture f(true);
    const auto secret = f.db->create_token("host.sub.example.test").second;
    const auto first = f.core->set_address({"host.sub.example.test", secret, "host.sub.example.test", "203.0.113.77", {}});
    CHECK(std::holds_alternative<core::SetAddressResult>(first));
    f.db->add_domain("sub.example.test", "bob");
    const auto after = f.core->set_address({"host.sub.example.test", secret, "host.sub.example.test", "203.0.113.78", {}});
    REQUIRE(std::holds_alternative<core::UpdateError>(after));
    CHECK(std::get<core::UpdateError>(after).fault == core::Fault::NoSuchDomain);
}

TEST_CASE("the configuration's values reach the core's settings") {
    config::GatewayConfig config;
    config.dns.ttl = 120;
    config.dns.max_batch = 7;
    config.allow_private_addresses = true;
    config.limits.calls_per_minute = 33;
    config.store.history_days = 9;
    config.trusted_proxies.push_back(config::Cidr{Poco::Net::IPAddress("10.0.0.0"), 8});
    const core::CoreSettings settings = app::core_settings(config);
    CHECK(settings.ttl == 120);
    CHECK(settings.max_batch == 7);
    CHECK(settings.allow_private_addresses);
    CHECK(settings.calls_per_minute == 33);
    CHECK(settings.history_days == 9);
    REQUIRE(settings.trusted_proxies.size() == 1);
    CHECK(settings.trusted_proxies[0].to_string() == "10.0.0.0/8");
}

#ifdef DYNDNS_TEST_POSTGRESQL
TEST_CASE("the login throttle's shared counts failing is fault 10, not a crash") {
    Fixture f;
    ok(f.set("alice", "alice-password", "store.example.test", "203.0.113.30"));
    {
        Poco::Data::PostgreSQL::Connector::registerConnector();
        Poco::Data::Session other("PostgreSQL", f.postgresql);
        other << "DROP TABLE login_failures", Poco::Data::Keywords::now;
    }
    for (const char* password : {"wrong", "alice-password"}) {
        const auto failure = fault(f.set("alice", password, "store.example.test", "203.0.113.31"));
        CHECK(failure.fault == core::Fault::ServiceUnavailable);
        CHECK(failure.message.find("nothing changed, retry later") != std::string::npos);
    }
    CHECK(test::shared_bind().dig_short("store.example.test", dns::RRType::A) == "203.0.113.30");
}
#endif

TEST_CASE("a store that fails mid-call is fault 10 and nothing is sent to the primary") {
    Fixture f;
    ok(f.set("alice", "alice-password", "store.example.test", "203.0.113.30"));
    const auto serial = test::shared_bind().serial();
    {
        // Another process breaks the database under the running gateway.
#ifdef DYNDNS_TEST_POSTGRESQL
        Poco::Data::PostgreSQL::Connector::registerConnector();
        Poco::Data::Session other("PostgreSQL", f.postgresql);
        other << "DROP TABLE domains CASCADE", Poco::Data::Keywords::now;
        std::this_thread::sleep_for(store::Store::kForeignChangeBound + std::chrono::milliseconds(20)); // what it remembers
#else
        Poco::Data::SQLite::Connector::registerConnector();
        Poco::Data::Session other("SQLite", f.dir.file("gateway.sqlite"));
        other << "DROP TABLE domains", Poco::Data::Keywords::now;
#endif
    }
    const auto failure = fault(f.set("alice", "alice-password", "store.example.test", "203.0.113.31"));
    CHECK(failure.fault == core::Fault::ServiceUnavailable);
    CHECK(failure.message.find("nothing changed, retry later") != std::string::npos);
    CHECK(core::fault_name(failure.fault) == "SERVICE_UNAVAILABLE");
    CHECK_FALSE(core::is_client_fault(failure.fault));
    CHECK(test::shared_bind().serial() == serial);
    CHECK(test::shared_bind().dig_short("store.example.test", dns::RRType::A) == "203.0.113.30");
}
