// The store on a real SQLite file in a temp dir, or (store_postgresql_test, the same tests) a real PostgreSQL: what goes in comes out, names are checked, passwords stay hashed.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <atomic>
#include <thread>

#include <sys/stat.h>

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/String.h>

#include "store/store.h"
#include "store/store_impl.h"
#include "store/store_schema.h"
#include "support/temp_dir.h"
#include "vocabulary/recovery_code.h"
#ifdef DYNDNS_TEST_POSTGRESQL
#include <libpq-fe.h>

#include "store/postgres_conninfo.h"
#include "support/local_postgres.h"
#endif

using namespace dyndns;

namespace {

// Every test's own database: gateway.sqlite in a temp dir, or a new database on the program's
// PostgreSQL server.
struct TempDir : test::TempDir {
    TempDir() : test::TempDir("store-test") {
#ifdef DYNDNS_TEST_POSTGRESQL
        postgresql = test::shared_postgres().new_database();
#endif
    }
    std::string file() const { return test::TempDir::file("gateway.sqlite"); }
    store::Location location(std::size_t max_sessions = 8) const { return {file(), postgresql, max_sessions}; }
    std::string postgresql;
};

// How long a change made through one store may take to show through another (SQLite checks its
// data_version at most every LookupCache::kSqliteCheckInterval).
void wait_for_foreign_change() {
#ifdef DYNDNS_TEST_POSTGRESQL
    std::this_thread::sleep_for(store::Store::kForeignChangeBound + std::chrono::milliseconds(20));
#else
    std::this_thread::sleep_for(store::LookupCache::kSqliteCheckInterval + std::chrono::milliseconds(2));
#endif
}

#ifndef DYNDNS_TEST_POSTGRESQL
std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}
#endif

} // namespace

TEST_CASE("accounts: add, verify, change the password, delete") {
    TempDir dir;
    store::Store db(dir.location());
    db.add_account("Alice", "correct horse");
    CHECK(db.account_exists("alice"));
    CHECK(db.list_accounts() == std::vector<std::string>{"alice"});
    CHECK(db.verify_password("alice", "correct horse"));
    CHECK(db.verify_password("ALICE", "correct horse"));
    CHECK_FALSE(db.verify_password("alice", "Correct horse"));
    CHECK_FALSE(db.verify_password("alice", ""));
    CHECK_FALSE(db.verify_password("nobody", "correct horse"));
    CHECK_FALSE(db.verify_password("not a valid name!", "x"));
    CHECK_THROWS_AS(db.add_account("alice", "again"), store::StoreError);

    db.set_password("alice", "battery staple");
    CHECK_FALSE(db.verify_password("alice", "correct horse")); // the cached success is gone
    CHECK(db.verify_password("alice", "battery staple"));
    CHECK_THROWS_AS(db.set_password("bob", "x"), store::StoreError);

    db.delete_account("alice");
    CHECK_FALSE(db.verify_password("alice", "battery staple"));
    CHECK_THROWS_AS(db.delete_account("alice"), store::StoreError);
}

TEST_CASE("bad account names and passwords are refused with a message") {
    TempDir dir;
    store::Store db(dir.location());
    for (const std::string& name : std::vector<std::string>{"", "has space", "semi;colon", "quote'", std::string(65, 'a')})
        CHECK_THROWS_WITH_AS(db.add_account(name, "pw"), doctest::Contains("account name"), store::StoreError);
    CHECK_THROWS_WITH_AS(db.add_account("carol", ""), doctest::Contains("password"), store::StoreError);
    CHECK_THROWS_AS(db.add_account("carol", std::string(1025, 'x')), store::StoreError);
    CHECK(db.list_accounts().empty());
}

#ifndef DYNDNS_TEST_POSTGRESQL // the files of an SQLite store
TEST_CASE("the password is never stored in clear") {
    TempDir dir;
    {
        store::Store db(dir.location());
        db.add_account("alice", "a-very-recognisable-password");
    }
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        CHECK(file_bytes(entry.path().string()).find("a-very-recognisable-password") == std::string::npos);
}

TEST_CASE("a store of schema 5 gets its domains' reversed names when it migrates, and finds the domains below a name") {
    TempDir dir;
    {
        store::Store db(dir.location());
        db.add_account("alice", "pw");
        db.add_domain("example.test", "alice");
        db.add_domain("home.example.test", "alice");
    }
    {
        // Back to what schema 5 had: no reversed names (6), no API tokens and no history by name (7),
        // no runs of unchanged calls (8), no TOTP (9), no webhooks (10).
        Poco::Data::SQLite::Connector::registerConnector();
        Poco::Data::Session session("SQLite", dir.file());
        using namespace Poco::Data::Keywords;
        session << "DROP TABLE totp_recovery_codes", now;
        session << "DROP TABLE account_totp", now;
        session << "DROP TABLE webhook_deliveries", now;
        session << "DROP TABLE webhooks", now;
        session << "ALTER TABLE history DROP COLUMN calls", now;
        session << "ALTER TABLE history DROP COLUMN last_ms", now;
        session << "INSERT INTO history(time_ms, name, domain, type, old_address, new_address, caller_address, protocol, "
                   "user_agent, outcome) VALUES(1700000000000, 'example.test', 'example.test', 'A', '', '192.0.2.1', "
                   "'198.51.100.1', 'xmlrpc', '', 'unchanged')",
            now;
        session << "DROP TABLE api_tokens", now;
        session << "DROP INDEX history_by_name", now;
        session << "DROP INDEX domains_by_reversed_name", now;
        session << "ALTER TABLE domains DROP COLUMN reversed_name", now;
        session << "PRAGMA user_version = 5", now;
    }
    store::Store db(dir.location());
    // A row from before runs is one call, its last at its time.
    const auto rows = db.history(std::nullopt, 10, 0);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].calls == 1);
    CHECK(rows[0].last_time == rows[0].time);
    const auto below = db.domains_below("example.test");
    REQUIRE(below.size() == 1);
    CHECK(below.front().name == "home.example.test");
    db.add_domain("a.home.example.test", "alice");
    CHECK(db.domains_below("example.test").size() == 2);
    CHECK(db.domains_below("home.example.test").size() == 1);
    CHECK(db.domains_below("a.home.example.test").empty());
    CHECK(db.domains_below("ample.test").empty()); // a suffix that is not a label boundary
}
#endif

TEST_CASE("domains below a name are found by their reversed names, on either database") {
    TempDir dir;
    store::Store db(dir.location());
    db.add_account("alice", "pw");
    db.add_domains({{"example.test", "alice"}, {"home.example.test", "alice"}, {"x-example.test", "alice"}}, true);
    db.add_domain("a.home.example.test", "alice");
    std::vector<std::string> below;
    for (const auto& d : db.domains_below("example.test")) below.push_back(d.name);
    CHECK(below == std::vector<std::string>{"a.home.example.test", "home.example.test"});
    CHECK(db.domains_below("home.example.test").size() == 1);
    CHECK(db.domains_below("test").size() == 4);
}

TEST_CASE("domains: owner, dyndns switch, normalised names, deletion with the account") {
    TempDir dir;
    store::Store db(dir.location());
    db.add_account("alice", "pw");
    db.add_account("bob", "pw");
    db.add_domain("Example.TEST.", "alice");
    db.add_domain("other.test", "bob");
    auto found = db.find_domain("example.test");
    REQUIRE(found);
    CHECK(found->name == "example.test");
    CHECK(found->account == "alice");
    CHECK_FALSE(found->dyndns); // off until the customer ticks it
    db.set_dyndns("EXAMPLE.test", true);
    CHECK(db.find_domain("example.test.")->dyndns);
    CHECK(db.list_domains("alice").size() == 1);
    CHECK(db.list_domains().size() == 2);
    CHECK_FALSE(db.find_domain("www.example.test"));
    CHECK_FALSE(db.find_domain("bad..name"));

    CHECK_THROWS_AS(db.add_domain("example.test", "bob"), store::StoreError); // taken
    CHECK_THROWS_AS(db.add_domain("new.test", "nobody"), store::StoreError); // no such account
    CHECK_THROWS_AS(db.add_domain("under_score.test", "bob"), store::StoreError); // not a host name
    CHECK_THROWS_AS(db.set_dyndns("missing.test", true), store::StoreError);

    db.delete_account("alice");
    CHECK_FALSE(db.find_domain("example.test"));
    db.delete_domain("other.test");
    CHECK(db.list_domains().empty());
}

TEST_CASE("history: newest first, per domain, paged") {
    TempDir dir;
    store::Store db(dir.location());
    for (int i = 0; i < 5; ++i) {
        store::HistoryEntry e;
        e.time = std::chrono::system_clock::now();
        e.name = "host.example.test";
        e.domain = i % 2 ? "example.test" : "other.test";
        e.type = "A";
        e.new_address = "192.0.2." + std::to_string(i);
        e.caller_address = "198.51.100.1";
        e.protocol = "xmlrpc";
        e.user_agent = "test/1";
        e.outcome = "changed";
        db.append_history({e});
    }
    const auto all = db.history();
    REQUIRE(all.size() == 5);
    CHECK(all.front().new_address == "192.0.2.4");
    CHECK(all.front().id > all.back().id);
    const auto mine = db.history("example.test");
    REQUIRE(mine.size() == 2);
    CHECK(mine[0].new_address == "192.0.2.3");
    CHECK(mine[1].new_address == "192.0.2.1");
    const auto page = db.history(std::nullopt, 2, 2);
    REQUIRE(page.size() == 2);
    CHECK(page[0].new_address == "192.0.2.2");
    CHECK(std::chrono::system_clock::now() - all.front().time < std::chrono::minutes(1));
}

TEST_CASE("two connections on one database see each other's changes within the bound") {
    TempDir dir;
    store::Store gateway(dir.location());
    store::Store admin(dir.location()); // what dyndnsctl (or another gateway) is to the running gateway
    admin.add_account("alice", "first");
    CHECK(gateway.verify_password("alice", "first"));
    admin.set_password("alice", "second"); // another process: the gateway's cache must not hide it
    wait_for_foreign_change();
    CHECK_FALSE(gateway.verify_password("alice", "first"));
    CHECK(gateway.verify_password("alice", "second"));
    admin.add_domain("example.test", "alice");
    admin.set_dyndns("example.test", true);
    CHECK(gateway.owning_domain("host.example.test")->dyndns);
    admin.set_dyndns("example.test", false); // the customer's "dyndns off"
    wait_for_foreign_change();
    CHECK_FALSE(gateway.owning_domain("host.example.test")->dyndns);
    const auto [token, secret] = admin.create_token("host.example.test");
    wait_for_foreign_change();
    CHECK(gateway.has_tokens("host.example.test"));
    admin.revoke_token(token.id);
    admin.delete_domain("example.test");
    wait_for_foreign_change();
    CHECK_FALSE(gateway.has_tokens("host.example.test"));
    CHECK_FALSE(gateway.owning_domain("host.example.test"));
}

TEST_CASE("the store survives reopening and keeps its schema") {
    TempDir dir;
    {
        store::Store db(dir.location());
        db.add_account("alice", "pw");
    }
    store::Store again(dir.location());
    CHECK(again.verify_password("alice", "pw"));
}

#ifndef DYNDNS_TEST_POSTGRESQL // the files of an SQLite store
TEST_CASE("a file that is not a database is a StoreError naming the problem") {
    TempDir dir;
    std::ofstream(dir.file()) << "this is not SQLite, just text long enough to have a header....................";
    CHECK_THROWS_AS(store::Store(dir.location()), store::StoreError);
}
#endif

TEST_CASE("concurrent verifications and writes from more threads than sessions") {
    TempDir dir;
    store::Store db(dir.location(3));
    db.add_account("alice", "pw");
    db.add_domain("example.test", "alice");
    std::vector<std::thread> threads;
    std::atomic<int> verified{0};
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 20; ++i) {
                if (db.verify_password("alice", "pw")) ++verified;
                store::HistoryEntry e;
                e.name = "example.test";
                e.domain = "example.test";
                e.outcome = "changed";
                e.new_address = std::to_string(t);
                db.append_history({e});
            }
        });
    for (auto& thread : threads) thread.join();
    CHECK(verified == 160);
    CHECK(db.history(std::nullopt, 1000).size() == 160);
}

TEST_CASE("tokens: made for a name under a domain, verified by name and secret, revoked, gone with the domain") {
    TempDir dir;
    store::Store db(dir.location());
    db.add_account("alice", "pw");
    db.add_domain("example.test", "alice");
    CHECK_THROWS_AS(db.create_token("host.unknown.test"), store::StoreError);
    const auto [token, secret] = db.create_token("Router.Example.Test");
    CHECK(token.name == "router.example.test");
    CHECK(token.domain == "example.test");
    CHECK(secret.size() >= 22); // 128 bits or more in base64
    CHECK(db.has_tokens("router.example.test"));
    CHECK(db.verify_token("router.example.test", secret));
    CHECK(db.verify_token("ROUTER.example.test", secret));
    CHECK_FALSE(db.verify_token("other.example.test", secret));
    CHECK_FALSE(db.verify_token("router.example.test", secret + "x"));
    CHECK_FALSE(db.verify_token("router.example.test", ""));
    const auto second = db.create_token("router.example.test").second;
    CHECK(second != secret);
    CHECK(db.list_tokens("example.test").size() == 2);
    db.revoke_token(token.id);
    CHECK_FALSE(db.verify_token("router.example.test", secret));
    CHECK(db.verify_token("router.example.test", second));
    CHECK_THROWS_AS(db.revoke_token(token.id), store::StoreError);
    db.delete_domain("example.test");
    CHECK(db.list_tokens().empty());
}

TEST_CASE("API tokens: a scope stored and read back whole, found by the secret alone, revoked, gone with the account") {
    TempDir dir;
    store::Store db(dir.location());
    db.add_account("alice", "pw");
    db.add_domain("example.test", "alice");
    core::ApiToken scope;
    scope.account = "Alice";
    scope.label = "backup script";
    scope.names = {"home.example.test", "nas.example.test"};
    scope.subtrees = {"lab.example.test"};
    scope.kinds = static_cast<unsigned>(core::RecordKind::Address) | static_cast<unsigned>(core::RecordKind::Acme);
    scope.write = false;
    scope.networks = {*core::parse_cidr("192.0.2.0/24").cidr, *core::parse_cidr("2001:db8::/32").cidr};
    scope.expires = std::chrono::system_clock::time_point(std::chrono::milliseconds(4102444800000)); // 2100
    const auto [made, secret] = db.create_api_token(scope);
    CHECK(secret.starts_with("dyndns_"));
    CHECK(secret.size() == 7 + 43); // 256 bits in base64url
    const auto found = db.find_api_token(secret);
    REQUIRE(found);
    CHECK(found->id == made.id);
    CHECK(found->kind == core::ApiToken::Kind::Customer);
    CHECK(found->account == "alice");
    CHECK(found->label == "backup script");
    CHECK(found->names == scope.names);
    CHECK(found->subtrees == scope.subtrees);
    CHECK(found->kinds == scope.kinds);
    CHECK_FALSE(found->write);
    REQUIRE(found->networks.size() == 2);
    CHECK(found->networks[1].to_string() == "2001:db8::/32");
    CHECK(found->expires == scope.expires);
    CHECK_FALSE(db.find_api_token(secret + "x"));
    CHECK_FALSE(db.find_api_token("not-a-token"));

    core::ApiToken provisioning;
    provisioning.kind = core::ApiToken::Kind::Provisioning;
    const auto [panel, panel_secret] = db.create_api_token(provisioning);
    CHECK(db.find_api_token(panel_secret)->account.empty());
    CHECK(db.list_api_tokens().size() == 2);
    CHECK(db.list_api_tokens("alice").size() == 1);
    CHECK(db.list_api_tokens("").size() == 1); // provisioning tokens belong to no account
    core::ApiToken nobody;
    nobody.account = "bob";
    CHECK_THROWS_AS(db.create_api_token(nobody), store::StoreError);

    db.revoke_api_token(panel.id);
    CHECK_FALSE(db.find_api_token(panel_secret));
    CHECK_THROWS_AS(db.revoke_api_token(panel.id), store::StoreError);
    db.delete_account("alice");
    CHECK_FALSE(db.find_api_token(secret));
    CHECK(db.list_api_tokens().empty());
}

TEST_CASE("TOTP: a waiting secret, turned on with recovery codes, steps and codes taken once, off, gone with the account") {
    TempDir dir;
    store::Store db(dir.location());
    db.add_account("alice", "pw");
    CHECK_FALSE(db.totp("alice"));
    CHECK_FALSE(db.totp("not a name")); // no account can have it
    CHECK_THROWS_AS(db.begin_totp("bob"), store::StoreError);

    const std::string first = db.begin_totp("Alice");
    CHECK(first.size() == 32); // 160 bits in Base32
    CHECK(first.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") == std::string::npos);
    const std::string secret = db.begin_totp("alice"); // a second start replaces the waiting secret
    CHECK(secret != first);
    auto state = db.totp("alice");
    REQUIRE(state);
    CHECK(state->secret == secret);
    CHECK_FALSE(state->enabled);
    CHECK_FALSE(db.use_totp_step("alice", 10)); // not on: no code is taken

    const auto codes = db.enable_totp("alice", 100);
    CHECK(codes.size() == core::kRecoveryCodes);
    CHECK(std::set<std::string>(codes.begin(), codes.end()).size() == codes.size());
    for (const auto& code : codes) CHECK(core::recovery_code_key(code));
    CHECK_THROWS_AS(db.enable_totp("alice", 101), store::StoreError); // nothing waits any more
    CHECK_THROWS_AS(db.begin_totp("alice"), store::StoreError); // on: turned off first
    state = db.totp("alice");
    CHECK(state->enabled);
    CHECK(state->last_step == 100);
    CHECK(state->recovery_codes_left == core::kRecoveryCodes);

    // A step is taken once, and never one at or before the last.
    CHECK_FALSE(db.use_totp_step("alice", 100));
    CHECK_FALSE(db.use_totp_step("alice", 99));
    CHECK(db.use_totp_step("alice", 101));
    CHECK_FALSE(db.use_totp_step("alice", 101));
    CHECK(db.totp("alice")->last_step == 101);

    // A recovery code once, however typed; another account's never.
    db.add_account("bob", "pw");
    CHECK_FALSE(db.use_recovery_code("bob", codes[0]));
    std::string typed = Poco::toUpper(codes[0]);
    std::erase(typed, '-');
    CHECK(db.use_recovery_code("alice", typed));
    CHECK_FALSE(db.use_recovery_code("alice", codes[0]));
    CHECK_FALSE(db.use_recovery_code("alice", "abcd-efgh-ijkl-mnop"));
    CHECK_FALSE(db.use_recovery_code("alice", "not a code"));
    CHECK(db.totp("alice")->recovery_codes_left == core::kRecoveryCodes - 1);

    // Two stores (two gateways) given one step at once: one takes it.
    store::Store other(dir.location());
    std::atomic<int> taken{0};
    std::thread a([&] { taken += db.use_totp_step("alice", 200) ? 1 : 0; });
    std::thread b([&] { taken += other.use_totp_step("alice", 200) ? 1 : 0; });
    a.join();
    b.join();
    CHECK(taken == 1);

    CHECK(db.remove_totp("alice"));
    CHECK_FALSE(db.totp("alice"));
    CHECK_FALSE(db.use_recovery_code("alice", codes[1]));
    CHECK_FALSE(db.remove_totp("alice"));

    db.begin_totp("alice");
    db.enable_totp("alice", 1);
    db.delete_account("alice");
    db.add_account("alice", "pw");
    CHECK_FALSE(db.totp("alice")); // the old account's TOTP went with it
}

#ifndef DYNDNS_TEST_POSTGRESQL
TEST_CASE("recovery codes are never stored in clear") {
    TempDir dir;
    std::vector<std::string> codes;
    {
        store::Store db(dir.location());
        db.add_account("alice", "pw");
        db.begin_totp("alice");
        codes = db.enable_totp("alice", 1);
    }
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        for (const auto& code : codes)
            CHECK(file_bytes(entry.path().string()).find(*core::recovery_code_key(code)) == std::string::npos);
}
#endif

TEST_CASE("the owning domain is the nearest registered ancestor") {
    TempDir dir;
    store::Store db(dir.location());
    db.add_account("alice", "pw");
    db.add_domain("example.test", "alice");
    db.add_domain("sub.example.test", "alice");
    CHECK(db.owning_domain("a.b.example.test")->name == "example.test");
    CHECK(db.owning_domain("a.sub.example.test")->name == "sub.example.test");
    CHECK(db.owning_domain("example.test")->name == "example.test");
    CHECK_FALSE(db.owning_domain("test"));
    CHECK_FALSE(db.owning_domain("example.org"));
}

TEST_CASE("old history is pruned, recent history kept") {
    TempDir dir;
    store::Store db(dir.location());
    const auto now = std::chrono::system_clock::now();
    for (const auto age : {std::chrono::hours(24 * 100), std::chrono::hours(24 * 91), std::chrono::hours(1)}) {
        store::HistoryEntry e;
        e.time = now - age;
        e.name = e.domain = "example.test";
        e.outcome = "changed";
        db.append_history({e});
    }
    CHECK(db.prune_history(now - std::chrono::hours(24 * 90)) == 2);
    CHECK(db.history().size() == 1);
}

TEST_CASE("a deleted domain takes its history along: a new owner never sees the old one's calls") {
    TempDir dir;
    store::Store db(dir.location());
    db.add_account("alice", "pw");
    db.add_account("bob", "pw");
    db.add_domain("example.test", "alice");
    store::HistoryEntry e;
    e.time = std::chrono::system_clock::now();
    e.name = "home.example.test";
    e.domain = "example.test";
    e.outcome = "changed";
    db.append_history({e});
    db.delete_domain("example.test");
    db.add_domain("example.test", "bob");
    CHECK(db.history("example.test").empty());
    CHECK(db.updated_names("example.test").empty());
    db.append_history({e});
    db.delete_account("bob");
    CHECK(db.history().empty());
}

TEST_CASE("the credential stamp changes with the password and with the account") {
    TempDir dir;
    store::Store db(dir.location());
    db.add_account("alice", "one");
    const auto first = db.credential_stamp("alice");
    CHECK_FALSE(first.empty());
    CHECK(first.find("one") == std::string::npos);
    CHECK(db.credential_stamp("ALICE") == first);
    db.set_password("alice", "two");
    const auto second = db.credential_stamp("alice");
    CHECK(second != first);
    db.delete_account("alice");
    CHECK(db.credential_stamp("alice").empty());
    db.add_account("alice", "two");
    CHECK(db.credential_stamp("alice") != second); // a new salt: an old session does not open the new account
}

#ifndef DYNDNS_TEST_POSTGRESQL // the files of an SQLite store
TEST_CASE("the database and its WAL and SHM files are created readable by their owner only") {
    TempDir dir;
    const mode_t previous = ::umask(022); // the usual umask: files would be 0644
    {
        store::Store db(dir.location());
        db.add_account("alice", "alice-password"); // a write: the WAL and SHM exist while open
        for (const std::string suffix : {"", "-wal", "-shm"}) {
            CAPTURE(suffix);
            const auto path = std::filesystem::path(dir.file() + suffix);
            REQUIRE(std::filesystem::exists(path));
            struct stat info {};
            REQUIRE(::stat(path.c_str(), &info) == 0);
            CHECK((info.st_mode & 0777) == 0600);
        }
    }
    ::umask(previous);
}
#endif

TEST_CASE("a bad name is InvalidInput and a file that is not a database is DatabaseError") {
    TempDir dir;
    store::Store db(dir.location());
    CHECK_THROWS_AS(db.add_account("no spaces allowed", "pw"), store::InvalidInput);
    CHECK_THROWS_AS(db.add_domain("-bad.example.test", "alice"), store::InvalidInput);
    CHECK_FALSE(db.verify_password("no spaces allowed", "pw")); // an impossible name is an unknown account
#ifndef DYNDNS_TEST_POSTGRESQL
    // Not a missing directory: Poco's SQLite connector retries that for its whole connect timeout.
    const std::string garbage = dir.write("garbage.sqlite", std::string(4096, 'x'));
    CHECK_THROWS_AS(store::Store{garbage}, store::DatabaseError);
#endif
}

TEST_CASE("call counts: one atomic count per account and window on every store of the database") {
    TempDir dir;
    store::Store one(dir.location());
    store::Store other(dir.location()); // another gateway
    const auto window = std::chrono::floor<std::chrono::minutes>(std::chrono::system_clock::now());
    CHECK(one.count_call("alice", window) == 1);
    CHECK(other.count_call("alice", window) == 2);
    CHECK(one.count_call("bob", window) == 1);
    CHECK(one.count_call("alice", window + std::chrono::minutes(1)) == 1);
    std::vector<std::thread> callers;
    for (int t = 0; t < 4; ++t)
        callers.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i) (t % 2 ? one : other).count_call("carol", window);
        });
    for (auto& caller : callers) caller.join();
    CHECK(one.count_call("carol", window) == 101); // none lost between the stores
}

#ifdef DYNDNS_TEST_POSTGRESQL
namespace {

// One value from the database behind `connection`, through libpq (the store has no such call).
std::string query_one(const std::string& connection, const std::string& sql) {
    PGconn* conn = PQconnectdb(connection.c_str());
    PGresult* result = PQexec(conn, sql.c_str());
    std::string value = PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) > 0 ? PQgetvalue(result, 0, 0) : "";
    PQclear(result);
    PQfinish(conn);
    return value;
}

} // namespace

TEST_CASE("postgresql: gateways opening a fresh database together migrate it once") {
    const std::string database = test::shared_postgres().new_database();
    std::vector<std::thread> gateways;
    std::atomic<int> opened{0};
    for (int i = 0; i < 4; ++i)
        gateways.emplace_back([&] {
            store::Store db(store::Location{"", database, 2});
            db.list_accounts();
            ++opened;
        });
    for (auto& gateway : gateways) gateway.join();
    CHECK(opened == 4);
    CHECK(query_one(database, "SELECT count(*) || ' ' || max(version) FROM schema_version") ==
          "1 " + std::to_string(store::schema_version()));
    store::Store again(store::Location{"", database, 1});
    again.add_account("alice", "pw");
    CHECK(again.verify_password("alice", "pw"));
}

TEST_CASE("postgresql: a connection string gets the store's bounds unless it sets its own") {
    const auto target = store::postgres_target("postgresql://gw:pw@db.example.net:6432/dyndns?connect_timeout=7");
    CHECK(target.connection.find("connect_timeout=7") != std::string::npos); // the operator's
    CHECK(target.connection.find("tcp_user_timeout=10000") != std::string::npos);
    CHECK(target.connection.find("keepalives_idle=5") != std::string::npos);
    CHECK(target.connection.find("dbname=dyndns") != std::string::npos);
    CHECK(target.description == "host=db.example.net port=6432 dbname=dyndns");
    // libpq reads a\'b as a'b; it is written back escaped the same way.
    CHECK(store::postgres_target(R"(host=h password=a\'b)").connection.find(R"(password=a\'b)") != std::string::npos);
    CHECK_THROWS_AS(store::postgres_target("host=h password='two words'"), store::StoreError);
    CHECK_THROWS_AS(store::postgres_target("nonsense"), store::StoreError);
}

TEST_CASE("postgresql: the connection string's password reaches no message") {
    const std::string secret = "s3cret-db-password";
    // Nobody listens on port 1: the connection fails.
    try {
        store::Store db(store::Location{"", "host=127.0.0.1 port=1 user=gw password=" + secret + " dbname=dyndns", 2});
        FAIL("opened a store on a closed port");
    } catch (const store::DatabaseError& e) {
        CHECK(std::string(e.what()).find("127.0.0.1") != std::string::npos);
        CHECK(std::string(e.what()).find(secret) == std::string::npos);
    }
    // libpq cannot parse this one; its own message would quote the text after the quote.
    try {
        store::Store db(store::Location{"", "host=127.0.0.1 password='" + secret, 2});
        FAIL("opened a store with a broken connection string");
    } catch (const store::StoreError& e) {
        CHECK(std::string(e.what()).find(secret) == std::string::npos);
    }
    // A URI works as well, and the description names the server and the database only.
    const auto& server = test::shared_postgres();
    store::Store db(
        store::Location{"", "postgresql://postgres:" + secret + "@127.0.0.1:" + std::to_string(server.port()) + "/postgres", 2});
    CHECK(db.description().find("dbname=postgres") != std::string::npos);
    CHECK(db.description().find(secret) == std::string::npos);
}

TEST_CASE("postgresql: a database that goes away costs DatabaseError promptly and comes back without a new store") {
    TempDir dir;
    store::Store db(dir.location(4));
    db.add_account("alice", "pw");
    auto& server = test::shared_postgres();
    server.stop();
    for (int i = 0; i < 5; ++i) {
        const auto began = std::chrono::steady_clock::now();
        CHECK_THROWS_AS(db.list_accounts(), store::DatabaseError);
        CHECK(std::chrono::steady_clock::now() - began < std::chrono::seconds(4));
    }
    server.start();
    // The pool dials again after a failed connection's pause (half a second).
    std::vector<std::string> accounts;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            accounts = db.list_accounts();
            break;
        } catch (const store::DatabaseError&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    CHECK(accounts == std::vector<std::string>{"alice"});
    db.add_account("bob", "pw");
    CHECK(db.list_accounts().size() == 2);
}
#endif

TEST_CASE("a store error's message never quotes the connection string") {
    using dyndns::store::one_line;
    CHECK(one_line("Not connected to data source: connect_timeout=3 dbname=dyndns host=127.0.0.1 password=never-shown") ==
          "Not connected to data source (connection string not shown)");
    CHECK(one_line("cannot connect: host=127.0.0.1 password=never-shown").find("never-shown") == std::string::npos);
    CHECK(one_line("disk full") == "disk full");
}
