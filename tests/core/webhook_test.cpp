// Webhook rules without a network: the signature, which URLs and addresses are refused, the retry schedule, the event JSON and the queue.
#include <doctest/doctest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <thread>

#include "core/webhook_accounts.h"
#include "core/webhook_events.h"
#include "core/webhook_registration.h"
#include "core/webhook_signature.h"
#include "core/webhook_target.h"
#include "support/memory_store.h"

using namespace dyndns;
using namespace std::chrono_literals;

namespace {

Poco::JSON::Object::Ptr parsed(const std::string& body) {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

std::string refusal(const std::string& url, bool allow_private = false) { return core::refuse_webhook_url(url, allow_private); }

} // namespace

TEST_CASE("the signature is hex HMAC-SHA-256 over the timestamp, a dot and the body") {
    // Python: hmac.new(b"whsec_test", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    const std::string expected = "38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789";
    CHECK(core::webhook_mac("whsec_test", 1700000000, R"({"a":1})") == expected);
    CHECK(core::webhook_signature("whsec_test", 1700000000, R"({"a":1})") == "t=1700000000,v1=" + expected);
    CHECK(core::webhook_mac("whsec_test", 1700000001, R"({"a":1})") != expected); // the timestamp is signed
    CHECK(core::webhook_mac("whsec_other", 1700000000, R"({"a":1})") != expected);
    CHECK(core::webhook_mac("whsec_test", 1700000000, R"({"a":2})") != expected);
}

TEST_CASE("a webhook URL must be https, without user information or a fragment, bounded, with a public host") {
    const auto url = core::parse_webhook_url("https://Hooks.Example.NET:8443/dns/hook?x=1");
    REQUIRE(std::holds_alternative<core::WebhookUrl>(url));
    CHECK(std::get<core::WebhookUrl>(url).host == "hooks.example.net");
    CHECK(std::get<core::WebhookUrl>(url).port == 8443);
    CHECK(std::get<core::WebhookUrl>(url).path_and_query == "/dns/hook?x=1");
    CHECK(std::get<core::WebhookUrl>(core::parse_webhook_url("https://[2001:db8::1]")).host == "2001:db8::1");
    CHECK(std::get<core::WebhookUrl>(core::parse_webhook_url("https://198.51.100.7")).path_and_query == "/");

    CHECK(refusal("http://198.51.100.7/") == "the URL must be https");
    CHECK(refusal("ftp://198.51.100.7/") == "the URL must be https");
    CHECK(refusal("https://user:pw@198.51.100.7/") == "the URL must not hold user information");
    CHECK(refusal("https://198.51.100.7/#top") == "the URL must not hold a fragment");
    CHECK(refusal("https:///path") == "the URL has no host");
    CHECK(refusal("https://198.51.100.7/a b") == "the URL holds a space or a control character");
    CHECK(refusal("https://198.51.100.7/\r\nX-Injected: 1") == "the URL holds a space or a control character");
    CHECK(refusal("https://198.51.100.7/" + std::string(core::kMaxWebhookUrl, 'a')).find("longer than") != std::string::npos);
}

TEST_CASE("loopback, private, link-local, ULA, mapped and other non-public targets are refused unless allowed") {
    for (const std::string host :
         {"127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
          "192.0.2.1", "[::1]", "[::]", "[fe80::1]", "[fd00::1]", "[::ffff:10.0.0.1]", "[::ffff:127.0.0.1]", "[64:ff9b::a00:1]",
          "[2002:a00:1::]", "[ff02::1]", "[2001:db8::1]"}) {
        CAPTURE(host);
        const std::string why = refusal("https://" + host + "/hook");
        CHECK(why.find("not allowed private webhook addresses") != std::string::npos);
        CHECK(refusal("https://" + host + "/hook", true).empty());
    }
    CHECK(refusal("https://198.51.100.7/hook").find("documentation") != std::string::npos);
    // Public addresses pass, without a lookup.
    CHECK(refusal("https://8.8.8.8/hook").empty());
    CHECK(refusal("https://[2a00:1450:4001::1]/hook").empty());
    // A mapped address is judged as the IPv4 address it carries.
    const auto mapped = core::webhook_addresses("::ffff:8.8.8.8", false);
    REQUIRE(std::holds_alternative<std::vector<Poco::Net::IPAddress>>(mapped));
    CHECK(std::get<std::vector<Poco::Net::IPAddress>>(mapped).front().toString() == "8.8.8.8");
    // localhost is a name: it resolves (from /etc/hosts) to loopback.
    CHECK(refusal("https://localhost/hook").find("loopback") != std::string::npos);
}

TEST_CASE("a failed delivery is retried after the first gap, doubled each time, at most an hour apart, for a day") {
    core::WebhookDelivery delivery;
    delivery.created_ms = 0;
    const auto next = [&](unsigned attempts, std::int64_t now_ms) {
        delivery.attempts = attempts;
        return core::next_attempt_ms(delivery, now_ms, 10s);
    };
    CHECK(next(0, 0) == 10'000);
    CHECK(next(1, 10'000) == 30'000);
    CHECK(next(2, 30'000) == 70'000);
    CHECK(next(3, 70'000) == 150'000);
    CHECK(next(10, 1'000'000) == 1'000'000 + 3'600'000); // 10 s * 1024 is over an hour: an hour
    CHECK(next(40, 1'000'000) == 1'000'000 + 3'600'000); // no overflow
    CHECK(next(30, 20 * 3'600'000) == 21 * 3'600'000);
    CHECK_FALSE(next(30, 23 * 3'600'000 + 1).has_value()); // the next would be past a day: given up
}

TEST_CASE("an event's JSON names the change, and a prefix event lists every name it moved") {
    core::ChangeEvent event{"alice", "example.test", "dyndns2", "", {}, std::chrono::system_clock::time_point(1700000000s)};
    event.changes.push_back({"home.example.test", "A", {"192.0.2.1"}, {"192.0.2.2"}});
    const auto body = parsed(core::event_body("id-1", event));
    CHECK(body->getValue<std::string>("id") == "id-1");
    CHECK(body->getValue<std::string>("type") == "addresses.changed");
    CHECK(body->getValue<std::string>("time") == "2023-11-14T22:13:20Z");
    CHECK(body->getValue<std::string>("account") == "alice");
    CHECK(body->getValue<std::string>("domain") == "example.test");
    CHECK(body->getValue<std::string>("protocol") == "dyndns2");
    CHECK_FALSE(body->has("prefix"));
    const auto change = body->getArray("changes")->getObject(0);
    CHECK(change->getValue<std::string>("name") == "home.example.test");
    CHECK(change->getValue<std::string>("type") == "A");
    CHECK(change->getArray("old")->getElement<std::string>(0) == "192.0.2.1");
    CHECK(change->getArray("new")->getElement<std::string>(0) == "192.0.2.2");

    event.prefix = "2a00:1450:1:200::/56";
    event.changes = {{"a.example.test", "AAAA", {}, {"2a00:1450:1:200::a"}}, {"b.example.test", "AAAA", {"2a00::b"}, {}}};
    const auto moved = parsed(core::event_body("id-2", event));
    CHECK(moved->getValue<std::string>("type") == "prefix.moved");
    CHECK(moved->getValue<std::string>("prefix") == "2a00:1450:1:200::/56");
    CHECK(moved->getArray("changes")->size() == 2);
    CHECK(moved->getArray("changes")->getObject(1)->getArray("new")->size() == 0);
    // Caller text is escaped by the JSON writer, never spliced.
    event.protocol = "x\"}\n";
    CHECK(parsed(core::event_body("id-3", event))->getValue<std::string>("protocol") == "x\"}\n");
}

TEST_CASE("an event is queued for the account's webhooks that cover its domain, up to max_pending each") {
    test::MemoryStore store;
    store.add_account("alice", "pw");
    store.add_domain("example.test", "alice");
    store.add_domain("other.test", "alice");
    store.add_account("bob", "pw");
    store.add_domain("bob.test", "bob");
    const auto registered = [&](const std::string& account, const std::string& domain) {
        auto made = core::register_webhook(store, account, domain, "https://127.0.0.1:9/hook", true);
        REQUIRE(std::holds_alternative<std::pair<core::Webhook, std::string>>(made));
        return std::get<std::pair<core::Webhook, std::string>>(made).first.id;
    };
    const auto all_of_alice = registered("alice", "");
    const auto example_only = registered("alice", "example.test");
    const auto of_bob = registered("bob", "");
    CHECK(std::get<std::string>(core::register_webhook(store, "alice", "", "https://127.0.0.1/", false)).find("loopback") !=
          std::string::npos);

    const core::ChangeEvent change{"alice", "example.test", "xmlrpc", "", {{"example.test", "A", {}, {"192.0.2.1"}}}, {}};
    CHECK_FALSE(core::queue_event(store, change, 2).empty());
    CHECK(store.webhook_deliveries(all_of_alice, 10).size() == 1);
    CHECK(store.webhook_deliveries(example_only, 10).size() == 1);
    CHECK(store.webhook_deliveries(of_bob, 10).empty());
    CHECK(store.webhook_deliveries(all_of_alice, 10).front().event_id ==
          store.webhook_deliveries(example_only, 10).front().event_id);

    const core::ChangeEvent other{"alice", "other.test", "xmlrpc", "", {{"other.test", "A", {}, {"192.0.2.1"}}}, {}};
    CHECK_FALSE(core::queue_event(store, other, 2).empty());
    CHECK(store.webhook_deliveries(all_of_alice, 10).size() == 2);
    CHECK(store.webhook_deliveries(example_only, 10).size() == 1);
    // At max_pending the webhook gets no more; the other still does.
    CHECK_FALSE(core::queue_event(store, change, 2).empty());
    CHECK(store.webhook_deliveries(all_of_alice, 10).size() == 2);
    CHECK(store.webhook_deliveries(example_only, 10).size() == 2);
    // Nothing changed, nothing queued.
    CHECK(core::queue_event(store, {"alice", "example.test", "xmlrpc", "", {}, {}}, 2).empty());
}

TEST_CASE(
    "the accounts with a webhook: read at the first look, again after the refresh once the mark moved, at once when added here") {
    test::MemoryStore store;
    store.add_account("alice", "pw");
    store.add_account("bob", "pw");
    CHECK(store.webhook_set_mark() == core::WebhookSetMark{0, 0});
    const auto alice_hook = store.create_webhook({0, "alice", "", "https://127.0.0.1:9/a", {}}).first.id;
    // Long enough that no pause of a loaded machine between the lines below passes it.
    core::WebhookAccounts accounts(store, 500ms);
    CHECK(accounts.may_have_webhook("alice"));
    CHECK_FALSE(accounts.may_have_webhook("bob"));

    // Added outside this set (dyndnsctl, another gateway): seen after the refresh, not before.
    const auto bob_hook = store.create_webhook({0, "bob", "", "https://127.0.0.1:9/b", {}}).first.id;
    CHECK(store.webhook_set_mark() == core::WebhookSetMark{2, bob_hook});
    CHECK_FALSE(accounts.may_have_webhook("bob"));
    std::this_thread::sleep_for(600ms);
    CHECK(accounts.may_have_webhook("bob"));

    // Removed: alice leaves the set at the next refresh (the store's own read would queue nothing meanwhile).
    store.delete_webhook(alice_hook);
    std::this_thread::sleep_for(600ms);
    CHECK_FALSE(accounts.may_have_webhook("alice"));
    // Added through this gateway: counts at once.
    store.create_webhook({0, "alice", "", "https://127.0.0.1:9/a2", {}});
    accounts.added("alice");
    CHECK(accounts.may_have_webhook("alice"));
    CHECK(store.accounts_with_webhooks() == std::vector<std::string>{"alice", "bob"});
}
