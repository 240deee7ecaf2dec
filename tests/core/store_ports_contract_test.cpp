// The core's store ports as a contract: the same cases against the SQLite store and the tests' MemoryStore (or, in store_ports_contract_postgresql_test, a real PostgreSQL), so the double answers as the store does.
#include <doctest/doctest.h>

#include <algorithm>
#include <memory>

#include "store/store.h"
#include "support/memory_store.h"
#include "support/temp_dir.h"
#ifdef DYNDNS_TEST_POSTGRESQL
#include "support/local_postgres.h"
#endif

using namespace dyndns;
using namespace std::chrono_literals;

namespace {

// Each implementation with one account ("alice", "pw-alice") and two of its domains.
struct SqliteStore {
    test::TempDir dir{"store-ports"};
    store::Store ports{dir.file("store.db")};
};
struct InMemory {
    test::MemoryStore ports;
};
#ifdef DYNDNS_TEST_POSTGRESQL
struct PostgresStore {
    test::TempDir dir{"store-ports"};
    store::Store ports{store::Location{dir.file("unused.db"), test::shared_postgres().new_database(), 4}};
};
#define CONTRACT_STORES PostgresStore
#else
#define CONTRACT_STORES SqliteStore, InMemory
#endif

template <class Impl>
std::unique_ptr<Impl> seeded() {
    auto impl = std::make_unique<Impl>();
    impl->ports.add_account("Alice", "pw-alice");
    impl->ports.add_account("bob", "pw-bob");
    impl->ports.add_domain("Example.TEST.", "alice");
    impl->ports.add_domain("other.test", "alice");
    impl->ports.add_domain("bob.test", "bob");
    return impl;
}

core::HistoryEntry entry(std::chrono::system_clock::time_point at, const std::string& name, const std::string& outcome) {
    core::HistoryEntry e;
    e.time = at;
    e.name = name;
    e.domain = "example.test";
    e.type = "A";
    e.new_address = "192.0.2.1";
    e.caller_address = "198.51.100.1";
    e.protocol = "xmlrpc";
    e.outcome = outcome;
    return e;
}

} // namespace

TYPE_TO_STRING(SqliteStore);
TYPE_TO_STRING(InMemory);
#ifdef DYNDNS_TEST_POSTGRESQL
TYPE_TO_STRING(PostgresStore);
#endif

TEST_CASE_TEMPLATE("store ports: accounts verify their own password only and names are case-insensitive", Impl, CONTRACT_STORES) {
    auto impl = seeded<Impl>();
    core::StorePorts& ports = impl->ports;
    CHECK(ports.verify_password("alice", "pw-alice"));
    CHECK(ports.verify_password("ALICE", "pw-alice"));
    CHECK_FALSE(ports.verify_password("alice", "pw-bob"));
    CHECK_FALSE(ports.verify_password("nobody", "pw-alice"));
    CHECK_FALSE(ports.credential_stamp("alice").empty());
    CHECK(ports.credential_stamp("alice") != ports.credential_stamp("bob"));
    CHECK(ports.credential_stamp("nobody").empty());
}

TEST_CASE_TEMPLATE("store ports: domains are found by exact name and owned by their nearest registered ancestor", Impl,
                   CONTRACT_STORES) {
    auto impl = seeded<Impl>();
    core::StorePorts& ports = impl->ports;
    const auto found = ports.find_domain("EXAMPLE.test");
    REQUIRE(found);
    CHECK(found->name == "example.test");
    CHECK(found->account == "alice");
    CHECK_FALSE(found->dyndns);
    CHECK_FALSE(ports.find_domain("www.example.test"));
    CHECK(ports.owning_domain("a.b.www.example.test")->name == "example.test");
    CHECK(ports.owning_domain("example.test")->name == "example.test");
    CHECK_FALSE(ports.owning_domain("test"));
    CHECK_FALSE(ports.owning_domain("notexample.test"));

    std::vector<std::string> alices;
    for (const auto& d : ports.list_domains(std::string("alice"))) alices.push_back(d.name);
    std::sort(alices.begin(), alices.end());
    CHECK(alices == std::vector<std::string>{"example.test", "other.test"});
    CHECK(ports.list_domains().size() == 3);
    CHECK(ports.domains_below("other.test").empty());

    impl->ports.add_domain("home.example.test", "bob");
    impl->ports.add_domain("a.b.example.test", "alice");
    std::vector<std::string> below;
    for (const auto& d : ports.domains_below("EXAMPLE.test.")) below.push_back(d.name);
    CHECK(below == std::vector<std::string>{"a.b.example.test", "home.example.test"});
    CHECK(ports.domains_below("b.example.test").size() == 1);
    CHECK(ports.domains_below("home.example.test").empty());
    CHECK(ports.domains_below("mple.test").empty());

    ports.set_dyndns("example.test", true);
    CHECK(ports.find_domain("example.test")->dyndns);
    ports.set_dyndns("example.test", false);
    CHECK_FALSE(ports.find_domain("example.test")->dyndns);
    CHECK_THROWS_AS(ports.set_dyndns("missing.test", true), store::StoreError);
}

TEST_CASE_TEMPLATE("store ports: a token works for its one name with its secret until revoked", Impl, CONTRACT_STORES) {
    auto impl = seeded<Impl>();
    core::StorePorts& ports = impl->ports;
    CHECK_FALSE(ports.has_tokens("home.example.test"));
    const auto [token, secret] = ports.create_token("home.example.test");
    CHECK(token.name == "home.example.test");
    CHECK(token.domain == "example.test");
    CHECK(secret.size() >= 22); // 128 random bits in base64url
    CHECK(ports.has_tokens("home.example.test"));
    const auto verified = ports.verify_token("home.example.test", secret);
    REQUIRE(verified);
    CHECK(verified->id == token.id);
    CHECK_FALSE(ports.verify_token("home.example.test", secret + "x"));
    CHECK_FALSE(ports.verify_token("example.test", secret));
    CHECK(ports.list_tokens(std::string("example.test")).size() == 1);
    CHECK(ports.list_tokens(std::string("other.test")).empty());

    const auto second = ports.create_token("home.example.test");
    CHECK(second.second != secret);
    CHECK(ports.list_tokens(std::string("example.test")).size() == 2);

    ports.revoke_token(token.id);
    CHECK_FALSE(ports.verify_token("home.example.test", secret));
    CHECK(ports.verify_token("home.example.test", second.second));
    CHECK_THROWS_AS(ports.revoke_token(token.id), store::StoreError);
    CHECK_THROWS_AS(ports.create_token("nowhere.invalid"), store::StoreError);
}

TEST_CASE_TEMPLATE("store ports: host rules belong to the domain owning their name and a domain may fix its prefix length", Impl,
                   CONTRACT_STORES) {
    auto impl = seeded<Impl>();
    core::StorePorts& ports = impl->ports;
    CHECK(ports.find_domain("example.test")->prefix_length == 0);
    ports.set_prefix_length("example.test", 56);
    CHECK(ports.find_domain("example.test")->prefix_length == 56);
    CHECK(ports.owning_domain("nas.example.test")->prefix_length == 56);
    CHECK_THROWS_AS(ports.set_prefix_length("missing.test", 56), store::StoreError);

    ports.set_host_rule({"NAS.example.test", "", "::a:b:c:d"});
    ports.set_host_rule({"cam.example.test", "", "00:1a:2b:3c:4d:5e"});
    ports.set_host_rule({"nas.example.test", "", "preserve"}); // replaces
    ports.set_host_rule({"www.other.test", "", "::1"});
    CHECK_THROWS_AS(ports.set_host_rule({"x.missing.test", "", "::1"}), store::StoreError);
    const auto rules = ports.host_rules("example.test");
    REQUIRE(rules.size() == 2);
    CHECK(rules[0].name == "cam.example.test");
    CHECK(rules[0].domain == "example.test");
    CHECK(rules[0].ipv6 == "00:1a:2b:3c:4d:5e");
    CHECK(rules[1].name == "nas.example.test");
    CHECK(rules[1].ipv6 == "preserve");
    CHECK(ports.remove_host_rule("cam.example.test"));
    CHECK_FALSE(ports.remove_host_rule("cam.example.test"));
    CHECK(ports.host_rules("example.test").size() == 1);
    CHECK(ports.host_rules("other.test").size() == 1);
}

TEST_CASE_TEMPLATE("store ports: history is newest first and paged and pruned by age and names the hosts calls set", Impl,
                   CONTRACT_STORES) {
    auto impl = seeded<Impl>();
    core::StorePorts& ports = impl->ports;
    const auto now = std::chrono::system_clock::now();
    ports.append_history({entry(now - 48h, "old.example.test", "changed"), entry(now - 2h, "example.test", "unchanged"),
                          entry(now - 1h, "www.example.test", "changed"), entry(now, "www.example.test", "AUTH_FAILED")});
    const auto all = ports.history(std::string("example.test"), 10, 0);
    REQUIRE(all.size() == 4);
    CHECK(all[0].outcome == "AUTH_FAILED");
    CHECK(all[3].name == "old.example.test");
    CHECK(all[0].id != all[1].id);
    const auto page = ports.history(std::string("example.test"), 2, 1);
    REQUIRE(page.size() == 2);
    CHECK(page[0].name == "www.example.test");
    CHECK(page[0].outcome == "changed");
    CHECK(ports.history(std::string("other.test"), 10, 0).empty());

    CHECK(ports.updated_names("example.test") ==
          std::vector<std::string>{"example.test", "old.example.test", "www.example.test"});
    CHECK(ports.prune_history(now - 24h) == 1);
    CHECK(ports.history(std::nullopt, 10, 0).size() == 3);
    CHECK(ports.updated_names("example.test") == std::vector<std::string>{"example.test", "www.example.test"});
}

TEST_CASE_TEMPLATE("store ports: unchanged calls fold into a run until a change, a failure or another address", Impl,
                   CONTRACT_STORES) {
    auto impl = seeded<Impl>();
    core::StorePorts& ports = impl->ports;
    const auto t0 = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
    ports.append_history({entry(t0, "www.example.test", "changed")});
    // Three unchanged calls, the second an aggregate of five (the history writer's), the last from another caller.
    auto five = entry(t0 + 10s, "www.example.test", "unchanged");
    five.calls = 5;
    five.last_time = t0 + 50s;
    auto last = entry(t0 + 60s, "www.example.test", "unchanged");
    last.caller_address = "198.51.100.9";
    ports.append_history({entry(t0 + 5s, "www.example.test", "unchanged"), five});
    ports.append_history({last});
    auto rows = ports.name_history("www.example.test", 10, 0);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].outcome == "unchanged");
    CHECK(rows[0].calls == 7);
    CHECK(rows[0].time == t0 + 5s);
    CHECK(rows[0].last_time == t0 + 60s);
    CHECK(rows[0].caller_address == "198.51.100.9");
    CHECK(rows[1].outcome == "changed");
    CHECK(rows[1].calls == 1);
    CHECK(rows[1].last_time == rows[1].time);

    // The AAAA of the same name is its own run; a failure ends the A run, and so does another address.
    auto aaaa = entry(t0 + 61s, "www.example.test", "unchanged");
    aaaa.type = "AAAA";
    aaaa.new_address = "2001:db8::1";
    auto other = entry(t0 + 64s, "www.example.test", "unchanged");
    other.new_address = "192.0.2.2";
    ports.append_history({aaaa, entry(t0 + 62s, "www.example.test", "DNS_REJECTED"),
                          entry(t0 + 63s, "www.example.test", "unchanged"), other, aaaa});
    rows = ports.name_history("www.example.test", 10, 0);
    REQUIRE(rows.size() == 6);
    CHECK(rows[0].new_address == "192.0.2.2");
    CHECK(rows[1].calls == 1); // after the failure
    CHECK(rows[2].outcome == "DNS_REJECTED");
    CHECK(rows[3].type == "AAAA");
    CHECK(rows[3].calls == 2);
    // A run is pruned by its last call, not its first.
    CHECK(ports.prune_history(t0 + 59s) == 1); // only the change
    CHECK(ports.name_history("www.example.test", 10, 0).size() == 5);

    // The same name twice in one batch: the first starts a run (the newest A row is 192.0.2.2's),
    // the second counts on it, as one call after the other would.
    ports.append_history({entry(t0 + 70s, "www.example.test", "unchanged"), entry(t0 + 71s, "www.example.test", "unchanged")});
    rows = ports.name_history("www.example.test", 10, 0);
    REQUIRE(rows.size() == 6);
    CHECK(rows[0].new_address == "192.0.2.1");
    CHECK(rows[0].calls == 2);
    CHECK(rows[0].last_time == t0 + 71s);
}

TEST_CASE_TEMPLATE("store ports: calls are counted per account and window", Impl, CONTRACT_STORES) {
    auto impl = seeded<Impl>();
    core::StorePorts& ports = impl->ports;
    const auto window = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
    CHECK(ports.count_call("alice", window) == 1);
    CHECK(ports.count_call("alice", window) == 2);
    CHECK(ports.count_call("bob", window) == 1);
    CHECK(ports.count_call("alice", window + 60s) == 1);
}

TEST_CASE_TEMPLATE("store ports: login failures are counted per pair and source and account and a login clears the pair", Impl,
                   CONTRACT_STORES) {
    auto impl = seeded<Impl>();
    core::StorePorts& ports = impl->ports;
    constexpr std::int64_t window = 60'000;
    const std::int64_t t0 = 1'800'000'000'000;
    auto counts = ports.count_login_failure("alice", "198.51.100.1", true, true, t0, window);
    CHECK(counts.pair.failures == 1);
    CHECK(counts.source.failures == 1);
    CHECK(counts.account.failures == 1);
    CHECK(counts.unknown_sources.failures == 1);
    counts = ports.count_login_failure("alice", "198.51.100.1", false, false, t0 + 1000, window);
    CHECK(counts.pair.failures == 2);
    CHECK(counts.source.failures == 2);
    CHECK(counts.account.failures == 0); // not account-wide: the account's count is neither changed nor returned
    counts = ports.count_login_failure("bob", "198.51.100.1", true, false, t0 + 2000, window);
    CHECK(counts.pair.failures == 1);
    CHECK(counts.source.failures == 3);
    CHECK(counts.account.failures == 1);
    counts = ports.count_login_failure("alice", "198.51.100.2", true, true, t0 + 2500, window);
    CHECK(counts.unknown_sources.failures == 2); // per account, whatever the source
    CHECK(counts.account.failures == 2);
    CHECK(ports.login_counts("alice", "198.51.100.1").unknown_sources.failures == 2);
    // A window that has ended starts again at one.
    counts = ports.count_login_failure("alice", "198.51.100.1", true, false, t0 + window + 5000, window);
    CHECK(counts.pair.failures == 1);
    CHECK(counts.pair.window_start_ms == t0 + window + 5000);

    ports.count_login_success("alice", "198.51.100.1", t0 + window + 6000, 0);
    counts = ports.login_counts("alice", "198.51.100.1");
    CHECK(counts.pair.failures == 0);
    CHECK(counts.last_login_ms == t0 + window + 6000);
    CHECK(ports.login_counts("alice", "198.51.100.2").last_login_ms == 0);
}
