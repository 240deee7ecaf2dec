// ACME DNS-01 challenges: the value and name rules alone, then SetAcmeChallenge/ClearAcmeChallenge against a real named and an in-memory store (tests/support/memory_store.h).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <thread>
#include <memory>

#include "core/acme_challenges.h"
#include "core/update_core.h"
#include "dns/dns_transport.h"
#include "dns/txt_rdata.h"
#include "support/local_bind.h"
#include "support/memory_store.h"

using namespace dyndns;
using namespace std::chrono_literals;

namespace {

// Key-authorization digests as RFC 8555 8.4 makes them (unpadded base64url of 32 bytes).
const std::string kFirst = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
const std::string kSecond = "9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";
const std::string kThird = "Qj8lMbZc0k0hzGdyTfsmLxnOXy6cDUdmNZdKOI2Tl_E";

std::string quoted(const std::string& value) { return "\"" + value + "\""; }

struct Fixture {
    std::unique_ptr<test::MemoryStore> db;
    std::unique_ptr<dns::Rfc2136Client> dns;
    std::unique_ptr<core::UpdateCore> core;

    explicit Fixture(std::uint32_t acme_ttl = 60) {
        db = std::make_unique<test::MemoryStore>();
        db->add_account("alice", "alice-password");
        db->add_domain("example.test", "alice");
        db->set_dyndns("example.test", true);
        db->add_account("bob", "bob-password");
        db->add_domain("off.example.test", "bob"); // dyndns off
        auto transport = std::make_shared<dns::TcpTransport>("127.0.0.1", test::shared_bind().port());
        dns = std::make_unique<dns::Rfc2136Client>(dns::ClientSettings{test::shared_bind().key(), 1000ms, 2, 3000ms}, transport);
        core::CoreSettings settings;
        settings.acme_ttl = acme_ttl;
        settings.allow_private_addresses = true; // documentation addresses (RFC 5737) for the mixed test
        core = std::make_unique<core::UpdateCore>(settings, *db, *dns);
    }

    core::AcmeChallengeOutcome set(const std::string& name, const std::string& value, const std::string& account = "alice",
                                   const std::string& password = "alice-password") {
        return core->set_acme_challenge({account, password, name, value, {"198.51.100.1", "", "", "test", "acme-test/1"}});
    }
    core::AcmeChallengeOutcome clear(const std::string& name, const std::string& value) {
        return core->clear_acme_challenge(
            {"alice", "alice-password", name, value, {"198.51.100.1", "", "", "test", "acme-test/1"}});
    }
};

core::Fault fault_of(const core::AcmeChallengeOutcome& outcome) {
    REQUIRE(std::holds_alternative<core::UpdateError>(outcome));
    return std::get<core::UpdateError>(outcome).fault;
}

core::AcmeChallengeResult result_of(const core::AcmeChallengeOutcome& outcome) {
    if (const auto* error = std::get_if<core::UpdateError>(&outcome)) FAIL(error->message);
    return std::get<core::AcmeChallengeResult>(outcome);
}

std::string txt(const std::string& name) { return test::shared_bind().dig_short(name, dns::RRType::TXT); }

const std::string kApexTxt = "\"v=spf1 mx -all\"";

} // namespace

TEST_CASE("a key-authorization digest is 43 canonical base64url characters") {
    CHECK(core::is_key_authorization_digest(kFirst));
    CHECK(core::is_key_authorization_digest(kSecond));
    CHECK_FALSE(core::is_key_authorization_digest(""));
    CHECK_FALSE(core::is_key_authorization_digest(kFirst.substr(1))); // 42
    CHECK_FALSE(core::is_key_authorization_digest(kFirst + "A")); // 44
    CHECK_FALSE(core::is_key_authorization_digest(kFirst.substr(0, 42) + "=")); // padding
    CHECK_FALSE(core::is_key_authorization_digest(kFirst.substr(0, 42) + "+")); // plain base64
    CHECK_FALSE(core::is_key_authorization_digest(kFirst.substr(0, 42) + "/"));
    CHECK_FALSE(core::is_key_authorization_digest(kFirst.substr(0, 42) + " "));
    CHECK_FALSE(core::is_key_authorization_digest(kFirst.substr(0, 42) + "1")); // stray low bits
    CHECK_FALSE(core::is_key_authorization_digest(kFirst.substr(0, 20) + "\"" + kFirst.substr(21)));
}

TEST_CASE("the challenge's subject from a name its wildcard or the challenge name") {
    CHECK(core::challenge_subject("Home.Example.Test") == "home.example.test");
    CHECK(core::challenge_subject("*.home.example.test") == "home.example.test");
    CHECK(core::challenge_subject("_acme-challenge.home.example.test.") == "home.example.test");
    CHECK_FALSE(core::challenge_subject("_acme-challenge._acme-challenge.home.example.test"));
    CHECK_FALSE(core::challenge_subject("*.*.example.test"));
    CHECK_FALSE(core::challenge_subject("a b.example.test"));
    CHECK_FALSE(core::challenge_subject(""));
    CHECK(core::challenge_name("home.example.test") == "_acme-challenge.home.example.test");
}

TEST_CASE("the order of values: a third drops the oldest and unknown values count as older") {
    core::ChallengeOrder order;
    const std::string name = "_acme-challenge.h.example.test";
    auto values = order.with(name, {}, "a");
    CHECK(values == std::vector<std::string>{"a"});
    order.remember(name, values);
    values = order.with(name, {"a"}, "b");
    CHECK(values == std::vector<std::string>{"a", "b"});
    order.remember(name, values);
    CHECK(order.with(name, {"a", "b"}, "c") == std::vector<std::string>{"b", "c"});
    CHECK(order.with(name, {"a", "b"}, "a") == std::vector<std::string>{"a", "b"}); // again: no newer
    CHECK(order.without(name, {"a", "b"}, "a") == std::vector<std::string>{"b"});
    // "x" was set by someone else (another gateway, before a restart): older than "b".
    order.remember(name, {"b"});
    CHECK(order.with(name, {"b", "x"}, "c") == std::vector<std::string>{"b", "c"});
}

TEST_CASE("TXT text to presentation and back by ldns") {
    CHECK(dns::txt_rdata(kFirst) == quoted(kFirst));
    CHECK(dns::txt_text(quoted(kFirst)) == kFirst);
    CHECK(dns::txt_text("\"v=spf1 \" \"mx -all\"") == "v=spf1 mx -all");
    CHECK(dns::txt_rdata("say \"hi\"") == "\"say \\\"hi\\\"\"");
    CHECK(dns::txt_text(dns::txt_rdata("say \"hi\"")) == "say \"hi\"");
    CHECK_THROWS_AS(dns::txt_rdata(std::string(256, 'a')), std::invalid_argument);
    CHECK_THROWS_AS(dns::txt_rdata("back\\slash"), std::invalid_argument);
}

TEST_CASE("set and clear write one TXT RRset at the challenge name with the acme TTL") {
    Fixture f(120);
    const auto serial = test::shared_bind().serial();
    const auto& set = result_of(f.set("www.example.test", kFirst));
    CHECK(set.name == "_acme-challenge.www.example.test");
    CHECK(set.values == std::vector<std::string>{kFirst});
    CHECK(set.ttl == 120);
    CHECK(set.changed);
    CHECK(txt("_acme-challenge.www.example.test") == quoted(kFirst));
    CHECK(test::shared_bind().dig_ttl("_acme-challenge.www.example.test", dns::RRType::TXT) == 120);
    CHECK(test::shared_bind().serial() != serial);

    // The same value again: nothing sent.
    const auto again_serial = test::shared_bind().serial();
    CHECK_FALSE(result_of(f.set("*.www.example.test", kFirst)).changed);
    CHECK(test::shared_bind().serial() == again_serial);

    const auto& cleared = result_of(f.clear("_acme-challenge.www.example.test.", kFirst));
    CHECK(cleared.values.empty());
    CHECK(cleared.changed);
    CHECK(txt("_acme-challenge.www.example.test").empty());
    CHECK_FALSE(result_of(f.clear("www.example.test", kFirst)).changed); // already gone
    CHECK(txt("example.test") == kApexTxt);
    CHECK(test::shared_bind().dig_short("www.example.test", dns::RRType::A) == "192.0.2.80");
}

TEST_CASE("two values live together and a third drops the oldest") {
    Fixture f;
    const std::string name = "pair.example.test";
    CHECK(result_of(f.set(name, kFirst)).changed);
    CHECK(result_of(f.set("*." + name, kSecond)).values == std::vector<std::string>{kFirst, kSecond});
    CHECK(txt("_acme-challenge." + name) == quoted(kSecond) + "\n" + quoted(kFirst));
    const auto& third = result_of(f.set(name, kThird));
    CHECK(third.values == std::vector<std::string>{kSecond, kThird});
    CHECK(txt("_acme-challenge." + name) == quoted(kSecond) + "\n" + quoted(kThird));
    CHECK(result_of(f.clear(name, kSecond)).values == std::vector<std::string>{kThird});
    CHECK(result_of(f.clear(name, kThird)).values.empty());
    CHECK(txt("_acme-challenge." + name).empty());
    CHECK(txt("example.test") == kApexTxt);
}

TEST_CASE("concurrent values for one name both land") {
    Fixture f;
    const std::string name = "race.example.test";
    auto one = std::async(std::launch::async, [&] { return f.set(name, kFirst); });
    auto two = std::async(std::launch::async, [&] { return f.set(name, kSecond); });
    result_of(one.get());
    result_of(two.get());
    CHECK(txt("_acme-challenge." + name) == quoted(kSecond) + "\n" + quoted(kFirst));
    result_of(f.clear(name, kFirst));
    result_of(f.clear(name, kSecond));
}

TEST_CASE("each precondition has its fault and writes nothing") {
    Fixture f;
    const auto serial = test::shared_bind().serial();
    CHECK(fault_of(f.set("bad.example.test", kFirst, "alice", "wrong")) == core::Fault::AuthFailed);
    CHECK(fault_of(f.set("bad.example.test", "not-a-digest")) == core::Fault::InvalidAddress);
    CHECK(fault_of(f.set("bad.example.test", kFirst + "=")) == core::Fault::InvalidAddress);
    CHECK(fault_of(f.set("elsewhere.test", kFirst)) == core::Fault::NoSuchDomain);
    CHECK(fault_of(f.set("a_b.example.test", kFirst)) == core::Fault::NoSuchDomain);
    // bob's domain: not alice's; for bob, dyndns is off.
    CHECK(fault_of(f.set("off.example.test", kFirst)) == core::Fault::NoSuchDomain);
    CHECK(fault_of(f.set("off.example.test", kFirst, "bob", "bob-password")) == core::Fault::DyndnsDisabled);
    CHECK(test::shared_bind().serial() == serial);
    CHECK(txt("_acme-challenge.bad.example.test").empty());
}

TEST_CASE("a token sets its own name's challenge and no other") {
    Fixture f;
    const auto secret = f.db->create_token("router.example.test").second;
    CHECK(fault_of(f.set("other.example.test", kFirst, "router.example.test", secret)) == core::Fault::NoSuchDomain);
    CHECK(fault_of(f.set("example.test", kFirst, "router.example.test", secret)) == core::Fault::NoSuchDomain);
    CHECK(txt("_acme-challenge.other.example.test").empty());
    CHECK(result_of(f.set("_acme-challenge.router.example.test", kFirst, "router.example.test", secret)).changed);
    CHECK(txt("_acme-challenge.router.example.test") == quoted(kFirst));
    result_of(f.clear("router.example.test", kFirst));
}

TEST_CASE("history records challenge rows as TXT and they are not dynamic addresses") {
    Fixture f;
    result_of(f.set("hist.example.test", kFirst));
    result_of(f.clear("hist.example.test", kFirst));
    f.core->flush_history();
    const auto rows = f.db->history("example.test", 2);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].name == "_acme-challenge.hist.example.test");
    CHECK(rows[0].type == "TXT");
    CHECK(rows[0].old_address == kFirst);
    CHECK(rows[0].outcome == "changed");
    CHECK(rows[1].new_address == kFirst);
    const auto names = f.db->updated_names("example.test");
    CHECK(std::find(names.begin(), names.end(), "_acme-challenge.hist.example.test") == names.end());
}

TEST_CASE("challenges and addresses of one zone travel together through group commit") {
    Fixture f;
    const std::string values[] = {kFirst, kSecond, kThird};
    std::vector<std::thread> callers;
    std::atomic<int> faults{0};
    for (int c = 0; c < 12; ++c)
        callers.emplace_back([&, c] {
            const std::string name = "gc" + std::to_string(c) + ".example.test";
            const bool ok = c % 2 ? std::holds_alternative<core::AcmeChallengeResult>(f.set(name, values[c % 3]))
                                  : std::holds_alternative<core::SetAddressResult>(
                                        f.core->set_address({"alice",
                                                             "alice-password",
                                                             name,
                                                             "192.0.2." + std::to_string(c + 1),
                                                             {"198.51.100.1", "", "", "test", "acme-test/1"}}));
            if (!ok) ++faults;
        });
    for (auto& caller : callers) caller.join();
    CHECK(faults == 0);
    for (int c = 0; c < 12; ++c) {
        const std::string name = "gc" + std::to_string(c) + ".example.test";
        if (c % 2)
            CHECK(txt("_acme-challenge." + name) == quoted(values[c % 3]));
        else
            CHECK(test::shared_bind().dig_short(name, dns::RRType::A) == "192.0.2." + std::to_string(c + 1));
    }
    const auto counters = f.core->dns_counters();
    MESSAGE("changes " << counters.changes << " in " << counters.messages << " UPDATE messages");
    CHECK(counters.changes == 12);
    CHECK(counters.messages <= counters.changes);
    CHECK(txt("example.test") == kApexTxt);
    for (int c = 1; c < 12; c += 2) result_of(f.clear("gc" + std::to_string(c) + ".example.test", values[c % 3]));
}

TEST_CASE("no challenge where its wildcard would cover names that are not the caller's") {
    Fixture f;
    // bob's off.example.test lies below alice's apex: *.example.test would cover it.
    CHECK(fault_of(f.set("example.test", kFirst)) == core::Fault::NoSuchDomain);
    CHECK(fault_of(f.set("*.example.test", kFirst)) == core::Fault::NoSuchDomain);
    CHECK(txt("_acme-challenge.example.test").empty());
    // A name with nothing of anyone else's below it is fine, and so are alice's own tokens below.
    f.db->create_token("cam.www2.example.test");
    CHECK(result_of(f.set("www2.example.test", kFirst)).changed);
    result_of(f.clear("www2.example.test", kFirst));
    // A token holds its own name only: a wildcard over another token's host is refused.
    const auto secret = f.db->create_token("lab.example.test").second;
    f.db->create_token("pi.lab.example.test");
    CHECK(fault_of(f.set("lab.example.test", kFirst, "lab.example.test", secret)) == core::Fault::NoSuchDomain);
    CHECK(txt("_acme-challenge.lab.example.test").empty());
}
