// The webhook tables on a real SQLite file, or (store_webhooks_postgresql_test) a real PostgreSQL: registration, the queue, claims two gateways race for, and pruning.
#include <doctest/doctest.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>

#include "store/store.h"
#include "support/temp_dir.h"
#ifdef DYNDNS_TEST_POSTGRESQL
#include "support/local_postgres.h"
#endif

using namespace dyndns;

namespace {

struct TempDir : test::TempDir {
    TempDir() : test::TempDir("store-webhooks-test") {
#ifdef DYNDNS_TEST_POSTGRESQL
        postgresql = test::shared_postgres().new_database();
#endif
    }
    store::Location location() const { return {file("gateway.sqlite"), postgresql, 8}; }
    std::string postgresql;
};

struct Fixture {
    TempDir dir;
    store::Store db{dir.location()};
    Fixture() {
        db.add_account("alice", "pw");
        db.add_domain("example.test", "alice");
        db.add_account("bob", "pw");
        db.add_domain("bob.test", "bob");
    }
    core::Webhook webhook(const std::string& account, const std::string& domain = "") {
        return db.create_webhook({0, account, domain, "https://127.0.0.1:9/hook", {}}).first;
    }
};

} // namespace

TEST_CASE("a webhook is the account's, for one of its domains or all, with a secret shown once") {
    Fixture f;
    const auto [made, secret] = f.db.create_webhook({0, "Alice", "Example.Test", "https://127.0.0.1:9/hook", {}});
    CHECK(made.id > 0);
    CHECK(made.account == "alice");
    CHECK(made.domain == "example.test");
    CHECK(secret.starts_with("whsec_"));
    CHECK(secret.size() == 6 + 43); // 256 bits in base64url
    CHECK(f.db.create_webhook({0, "alice", "", "https://127.0.0.1:9/", {}}).second != secret);
    const auto listed = f.db.list_webhooks("alice");
    REQUIRE(listed.size() == 2);
    CHECK(listed[0].url == "https://127.0.0.1:9/hook");
    CHECK(listed[1].domain.empty());
    CHECK(f.db.list_webhooks("bob").empty());
    CHECK(f.db.list_webhooks().size() == 2);

    CHECK_THROWS_AS(f.db.create_webhook({0, "nobody", "", "https://127.0.0.1/", {}}), store::StoreError);
    CHECK_THROWS_AS(f.db.create_webhook({0, "alice", "bob.test", "https://127.0.0.1/", {}}), store::StoreError); // bob's
    CHECK_THROWS_AS(f.db.create_webhook({0, "alice", "missing.test", "https://127.0.0.1/", {}}), store::StoreError);
    for (std::size_t i = listed.size(); i < core::kMaxWebhooksPerAccount; ++i) f.webhook("alice");
    CHECK_THROWS_WITH_AS(f.webhook("alice"), doctest::Contains("webhooks already"), store::StoreError);

    CHECK_THROWS_AS(f.db.delete_webhook(made.id, "bob"), store::StoreError); // not bob's
    f.db.delete_webhook(made.id, "alice");
    CHECK_THROWS_AS(f.db.delete_webhook(made.id), store::StoreError);
}

TEST_CASE("the webhooks' mark moves with every addition and removal, and the accounts that have one are listed") {
    Fixture f;
    CHECK(f.db.webhook_set_mark() == core::WebhookSetMark{0, 0});
    CHECK(f.db.accounts_with_webhooks().empty());
    const auto first = f.webhook("alice");
    const auto second = f.webhook("alice", "example.test");
    f.webhook("bob");
    const core::WebhookSetMark three = f.db.webhook_set_mark();
    CHECK(three.count == 3);
    auto accounts = f.db.accounts_with_webhooks();
    std::sort(accounts.begin(), accounts.end());
    CHECK(accounts == std::vector<std::string>{"alice", "bob"});
    // The newest removed and one added: the same count, a new highest id (ids are never reused).
    f.db.delete_webhook(three.highest_id);
    const auto again = f.webhook("alice");
    CHECK(again.id > three.highest_id);
    CHECK(f.db.webhook_set_mark() == core::WebhookSetMark{3, again.id});
    f.db.delete_webhook(first.id);
    f.db.delete_webhook(second.id);
    f.db.delete_account("alice");
    CHECK(f.db.webhook_set_mark().count == 0);
    CHECK(f.db.accounts_with_webhooks().empty());
}

TEST_CASE("an event is queued per covering webhook, claimed once, retried, delivered, and pruned once finished") {
    Fixture f;
    const auto all = f.webhook("alice");
    const auto example = f.webhook("alice", "example.test");
    const auto of_bob = f.webhook("bob");
    CHECK(f.db.enqueue_webhook_event("alice", "example.test", "ev-1", R"({"id":"ev-1"})", 1000, 10) == 2);
    CHECK(f.db.enqueue_webhook_event("bob", "nothing.test", "ev-2", "{}", 1000, 10) == 1);
    CHECK(f.db.enqueue_webhook_event("nobody", "example.test", "ev-3", "{}", 1000, 10) == 0);

    CHECK(f.db.claim_webhook_deliveries(999, 60'000, 10).empty()); // not due yet
    auto claimed = f.db.claim_webhook_deliveries(1000, 60'000, 10);
    REQUIRE(claimed.size() == 3);
    CHECK(claimed[0].delivery.event_id == "ev-1");
    CHECK(claimed[0].delivery.body == R"({"id":"ev-1"})");
    CHECK(claimed[0].url == "https://127.0.0.1:9/hook");
    CHECK(claimed[0].secret.starts_with("whsec_"));
    CHECK(f.db.claim_webhook_deliveries(2000, 60'000, 10).empty()); // held until 61000

    // One fails and waits, one is delivered; the third's holder died: its claim runs out.
    f.db.finish_webhook_attempt(claimed[0].delivery.id, {core::DeliveryStatus::Pending, 5000, 503, "HTTP 503"});
    f.db.finish_webhook_attempt(claimed[1].delivery.id, {core::DeliveryStatus::Delivered, 0, 204, ""});
    CHECK(f.db.claim_webhook_deliveries(4999, 60'000, 10).empty());
    auto again = f.db.claim_webhook_deliveries(5000, 60'000, 10);
    REQUIRE(again.size() == 1);
    CHECK(again[0].delivery.id == claimed[0].delivery.id);
    CHECK(again[0].delivery.attempts == 1);
    CHECK(again[0].delivery.last_status_code == 503);
    const auto expired = f.db.claim_webhook_deliveries(61'000, 60'000, 10);
    REQUIRE(expired.size() == 1);
    CHECK(expired[0].delivery.id == claimed[2].delivery.id);
    f.db.finish_webhook_attempt(again[0].delivery.id, {core::DeliveryStatus::Failed, 0, 0, "timed out"});

    const auto of_all = f.db.webhook_deliveries(all.id, 10);
    const auto of_example = f.db.webhook_deliveries(example.id, 10);
    REQUIRE(of_all.size() == 1);
    REQUIRE(of_example.size() == 1);
    const auto statuses = std::set<core::DeliveryStatus>{of_all[0].status, of_example[0].status};
    CHECK(statuses == std::set<core::DeliveryStatus>{core::DeliveryStatus::Failed, core::DeliveryStatus::Delivered});
    CHECK(f.db.webhook_deliveries(of_bob.id, 10).at(0).status == core::DeliveryStatus::Pending);

    // Only finished ones are pruned; the account's deletion takes the rest.
    CHECK(f.db.prune_webhook_deliveries(1001) == 2);
    CHECK(f.db.webhook_deliveries(of_bob.id, 10).size() == 1);
    f.db.delete_account("bob");
    CHECK(f.db.list_webhooks("bob").empty());
    CHECK(f.db.claim_webhook_deliveries(100'000'000, 60'000, 10).empty());
}

TEST_CASE("the queue's state counts the pending deliveries of every webhook and the earliest one due") {
    Fixture f;
    f.webhook("alice");
    f.webhook("bob");
    CHECK(f.db.webhook_queue_state().pending == 0);
    CHECK(f.db.webhook_queue_state().earliest_due_ms == 0);
    CHECK(f.db.enqueue_webhook_event("alice", "example.test", "a", "{}", 1000, 10) == 1);
    CHECK(f.db.enqueue_webhook_event("bob", "bob.test", "b", "{}", 3000, 10) == 1);
    CHECK(f.db.webhook_queue_state().pending == 2);
    CHECK(f.db.webhook_queue_state().earliest_due_ms == 1000);

    // The first one failed and waits for its retry: the earliest due is now the other one.
    const auto claimed = f.db.claim_webhook_deliveries(1000, 60'000, 1);
    REQUIRE(claimed.size() == 1);
    f.db.finish_webhook_attempt(claimed[0].delivery.id, {core::DeliveryStatus::Pending, 9000, 503, "HTTP 503"});
    CHECK(f.db.webhook_queue_state().pending == 2);
    CHECK(f.db.webhook_queue_state().earliest_due_ms == 3000);

    // Delivered and given up: nothing pending.
    for (const auto& due : f.db.claim_webhook_deliveries(9000, 60'000, 10))
        f.db.finish_webhook_attempt(
            due.delivery.id,
            {due.delivery.event_id == "a" ? core::DeliveryStatus::Failed : core::DeliveryStatus::Delivered, 0, 0, ""});
    CHECK(f.db.webhook_queue_state().pending == 0);
    CHECK(f.db.webhook_queue_state().earliest_due_ms == 0);
}

TEST_CASE("at max_pending a webhook gets no more events until some are delivered") {
    Fixture f;
    const auto webhook = f.webhook("alice");
    CHECK(f.db.enqueue_webhook_event("alice", "example.test", "a", "{}", 1, 2) == 1);
    CHECK(f.db.enqueue_webhook_event("alice", "example.test", "b", "{}", 1, 2) == 1);
    CHECK(f.db.enqueue_webhook_event("alice", "example.test", "c", "{}", 1, 2) == 0);
    const auto claimed = f.db.claim_webhook_deliveries(1, 1000, 1);
    REQUIRE(claimed.size() == 1);
    f.db.finish_webhook_attempt(claimed[0].delivery.id, {core::DeliveryStatus::Delivered, 0, 200, ""});
    CHECK(f.db.enqueue_webhook_event("alice", "example.test", "d", "{}", 1, 2) == 1);
    CHECK(f.db.webhook_deliveries(webhook.id, 10).size() == 3);
}

TEST_CASE("two gateways claiming at once from one store never claim the same delivery") {
    Fixture f;
    store::Store other(f.dir.location());
    f.webhook("alice");
    constexpr int kEvents = 60;
    for (int i = 0; i < kEvents; ++i)
        REQUIRE(f.db.enqueue_webhook_event("alice", "example.test", "ev-" + std::to_string(i), "{}", 1, 1000) == 1);
    std::mutex mutex;
    std::multiset<std::int64_t> seen;
    std::vector<std::thread> senders;
    for (store::Store* db : {&f.db, &other, &f.db, &other})
        senders.emplace_back([&, db] {
            for (;;) {
                const auto claimed = db->claim_webhook_deliveries(1, 60'000, 3);
                if (claimed.empty()) return;
                std::lock_guard lock(mutex);
                for (const auto& one : claimed) seen.insert(one.delivery.id);
            }
        });
    for (auto& sender : senders) sender.join();
    CHECK(seen.size() == kEvents);
    CHECK(std::set<std::int64_t>(seen.begin(), seen.end()).size() == kEvents);
}
