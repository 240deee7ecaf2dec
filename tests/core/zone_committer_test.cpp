// Group commit without a network: batching under concurrency, latest-wins per RRset, retry one by one after a rejection.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "core/zone_committer.h"
#include "dns/tsig.h"

using namespace dyndns;
using namespace std::chrono_literals;

namespace {

dns::RRsetChange a_record(const std::string& name, const std::string& address) {
    return dns::RRsetChange::replace(name, dns::RRType::A, 60, {address});
}

// A primary that takes a while per message and remembers every message it got.
struct SlowPrimary {
    std::mutex mutex;
    std::vector<dns::ZoneUpdate> messages;
    std::string refuse_name; // a message containing this name is refused (as BIND does, all or nothing)
    bool servfail = false; // every message answered SERVFAIL (a zone still loading)
    std::atomic<int> in_flight{0};
    std::atomic<int> max_in_flight{0};

    dns::DnsOutcome operator()(const dns::ZoneUpdate& update, dns::Deadline) {
        const int now_in_flight = ++in_flight;
        int seen = max_in_flight;
        while (now_in_flight > seen && !max_in_flight.compare_exchange_weak(seen, now_in_flight)) {}
        std::this_thread::sleep_for(5ms);
        --in_flight;
        std::lock_guard lock(mutex);
        messages.push_back(update);
        if (servfail) return dns::DnsOutcome{dns::DnsOutcome::Kind::Rejected, dns::kRcodeServFail, 0, "SERVFAIL"};
        for (const auto& change : update.changes)
            if (change.name == refuse_name)
                return dns::DnsOutcome{dns::DnsOutcome::Kind::Rejected, dns::kRcodeYxRrset, 0, "YXRRSET"};
        return dns::DnsOutcome::success();
    }
};

} // namespace

TEST_CASE("an idle zone sends a change at once, alone") {
    SlowPrimary primary;
    core::ZoneCommitter committer(std::ref(primary), 64);
    CHECK(committer.apply("example.test", a_record("a.example.test", "192.0.2.1")).ok());
    REQUIRE(primary.messages.size() == 1);
    CHECK(primary.messages[0].changes.size() == 1);
}

TEST_CASE("concurrent changes share messages, one message per zone at a time, each caller answered") {
    SlowPrimary primary;
    core::ZoneCommitter committer(std::ref(primary), 16);
    std::atomic<int> ok{0};
    std::vector<std::thread> callers;
    for (int i = 0; i < 64; ++i)
        callers.emplace_back([&, i] {
            if (committer.apply("example.test", a_record("h" + std::to_string(i) + ".example.test", "192.0.2.1")).ok()) ++ok;
        });
    for (auto& caller : callers) caller.join();
    CHECK(ok == 64);
    CHECK(primary.max_in_flight == 1);
    CHECK(primary.messages.size() < 64);
    std::size_t carried = 0;
    for (const auto& message : primary.messages) {
        CHECK(message.changes.size() <= 16);
        carried += message.changes.size();
    }
    CHECK(carried == 64);
    CHECK(committer.counters().changes == 64);
    CHECK(committer.counters().messages == primary.messages.size());
}

TEST_CASE("two zones are committed independently") {
    SlowPrimary primary;
    core::ZoneCommitter committer(std::ref(primary), 16);
    std::thread other([&] { committer.apply("other.test", a_record("x.other.test", "192.0.2.2")); });
    committer.apply("example.test", a_record("x.example.test", "192.0.2.1"));
    other.join();
    CHECK(primary.messages.size() == 2);
}

// Holds the first message until released, so the next changes queue up in a known order.
struct GatedPrimary {
    SlowPrimary inner;
    std::atomic<bool> open{false};
    dns::DnsOutcome operator()(const dns::ZoneUpdate& update, dns::Deadline) {
        while (!open) std::this_thread::sleep_for(100us);
        return inner(update, {});
    }
};

// Starts callers one after another, each only once the previous one's change is queued.
template <class Apply>
std::vector<std::thread> queue_in_order(core::ZoneCommitter& committer, int count, Apply apply) {
    std::vector<std::thread> callers;
    for (int i = 0; i < count; ++i) {
        const auto before = committer.counters().changes;
        callers.emplace_back([&apply, i] { apply(i); });
        while (committer.counters().changes == before) std::this_thread::sleep_for(50us);
    }
    return callers;
}

TEST_CASE("within a message the latest change to an RRset wins and every caller gets its outcome") {
    GatedPrimary primary;
    core::ZoneCommitter committer(std::ref(primary), 64);
    std::atomic<int> ok{0};
    auto busy =
        queue_in_order(committer, 1, [&](int) { committer.apply("example.test", a_record("busy.example.test", "192.0.2.9")); });
    auto callers = queue_in_order(committer, 5, [&](int i) {
        if (committer.apply("example.test", a_record("same.example.test", "192.0.2." + std::to_string(i + 1))).ok()) ++ok;
    });
    primary.open = true;
    for (auto& caller : busy) caller.join();
    for (auto& caller : callers) caller.join();
    CHECK(ok == 5);
    REQUIRE(primary.inner.messages.size() == 2); // the busy one, then the five together
    const auto& batch = primary.inner.messages[1].changes;
    REQUIRE(batch.size() == 1);
    CHECK(batch[0].rdata.front() == "192.0.2.5");
}

TEST_CASE("a rejected message is retried change by change: only the bad change fails") {
    GatedPrimary primary;
    primary.inner.refuse_name = "bad.example.test";
    core::ZoneCommitter committer(std::ref(primary), 64);
    auto busy =
        queue_in_order(committer, 1, [&](int) { committer.apply("example.test", a_record("busy.example.test", "192.0.2.9")); });
    const std::vector<std::string> names{"good1.example.test", "bad.example.test", "good2.example.test"};
    std::atomic<int> ok{0}, refused{0};
    auto callers = queue_in_order(committer, 3, [&](int i) {
        const auto outcome = committer.apply("example.test", a_record(names[static_cast<std::size_t>(i)], "192.0.2.7"));
        if (outcome.ok())
            ++ok;
        else if (outcome.rcode == dns::kRcodeYxRrset && i == 1)
            ++refused;
    });
    primary.open = true;
    for (auto& caller : busy) caller.join();
    for (auto& caller : callers) caller.join();
    CHECK(ok == 2);
    CHECK(refused == 1);
    // busy alone, the three together (refused), then each of the three alone.
    REQUIRE(primary.inner.messages.size() == 5);
    CHECK(primary.inner.messages[1].changes.size() == 3);
}

TEST_CASE("a send that throws answers its callers and leaves the zone usable") {
    bool explode = true;
    core::ZoneCommitter committer(
        [&](const dns::ZoneUpdate&, dns::Deadline) -> dns::DnsOutcome {
            if (explode) throw std::invalid_argument("bad name");
            return dns::DnsOutcome::success();
        },
        8);
    const auto failed = committer.apply("example.test", a_record("x.example.test", "192.0.2.1"));
    CHECK(failed.kind == dns::DnsOutcome::Kind::LocalFailure); // never an rcode the primary did not send
    CHECK(failed.rcode == dns::kRcodeNoError);
    CHECK(failed.message.find("bad name") != std::string::npos);
    explode = false;
    CHECK(committer.apply("example.test", a_record("x.example.test", "192.0.2.1")).ok());
}

TEST_CASE("a SERVFAIL message is not retried change by change") {
    GatedPrimary primary;
    primary.inner.servfail = true;
    core::ZoneCommitter committer(std::ref(primary), 64);
    auto busy =
        queue_in_order(committer, 1, [&](int) { committer.apply("example.test", a_record("busy.example.test", "192.0.2.9")); });
    std::atomic<int> server_failures{0};
    auto callers = queue_in_order(committer, 3, [&](int i) {
        if (committer.apply("example.test", a_record("h" + std::to_string(i) + ".example.test", "192.0.2.7")).server_failure())
            ++server_failures;
    });
    primary.open = true;
    for (auto& caller : busy) caller.join();
    for (auto& caller : callers) caller.join();
    CHECK(server_failures == 3);
    CHECK(primary.inner.messages.size() == 2); // busy, then the three together, and no more
}

TEST_CASE("a change whose deadline passes while it waits is answered unsent and never sent") {
    GatedPrimary primary;
    core::ZoneCommitter committer(std::ref(primary), 64);
    auto busy =
        queue_in_order(committer, 1, [&](int) { committer.apply("example.test", a_record("busy.example.test", "192.0.2.9")); });
    const auto start = std::chrono::steady_clock::now();
    const auto outcome = committer.apply("example.test", a_record("late.example.test", "192.0.2.8"), start + 100ms);
    CHECK(std::chrono::steady_clock::now() - start < 1s);
    CHECK(outcome.kind == dns::DnsOutcome::Kind::Unavailable);
    primary.open = true;
    for (auto& caller : busy) caller.join();
    REQUIRE(primary.inner.messages.size() == 1);
    CHECK(primary.inner.messages[0].changes.at(0).name == "busy.example.test");
    CHECK(committer.apply("example.test", a_record("later.example.test", "192.0.2.8")).ok()); // the zone is still usable
}

TEST_CASE("one caller's changes to several zones share a message per zone (apply_all)") {
    SlowPrimary primary;
    core::ZoneCommitter committer([&](const dns::ZoneUpdate& u, dns::Deadline d) { return primary(u, d); }, 64);
    std::vector<core::ZoneCommitter::ZoneChange> changes;
    for (int i = 0; i < 10; ++i) {
        changes.push_back({"a.test", a_record("h" + std::to_string(i) + ".a.test", "192.0.2.1")});
        changes.push_back({"b.test", a_record("h" + std::to_string(i) + ".b.test", "192.0.2.1")});
    }
    const auto outcomes = committer.apply_all(changes);
    REQUIRE(outcomes.size() == 20);
    for (const auto& outcome : outcomes) CHECK(outcome.ok());
    CHECK(primary.messages.size() == 2);
}

TEST_CASE("a message refused for its signature is not retried change by change") {
    std::atomic<int> sent{0};
    core::ZoneCommitter committer(
        [&](const dns::ZoneUpdate&, dns::Deadline) {
            ++sent;
            return dns::DnsOutcome{dns::DnsOutcome::Kind::Rejected, dns::kRcodeNotAuth, dns::kTsigBadSig, "BADSIG"};
        },
        64);
    const auto outcomes =
        committer.apply_all({{"a.test", a_record("x.a.test", "192.0.2.1")}, {"a.test", a_record("y.a.test", "192.0.2.2")}});
    CHECK(sent == 1);
    for (const auto& outcome : outcomes) CHECK(outcome.tsig_error == dns::kTsigBadSig);
}
