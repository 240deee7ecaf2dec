// The history writer: unchanged calls counted in memory and written as runs, a change written before append returns.
#include <chrono>
#include <thread>

#include "core/history_writer.h"
#include <doctest/doctest.h>
#include "support/memory_store.h"

using namespace dyndns;
using namespace std::chrono_literals;

namespace {

core::HistoryEntry call(const std::string& outcome, const std::string& address = "192.0.2.1") {
    core::HistoryEntry e;
    e.time = std::chrono::system_clock::now();
    e.name = "www.example.test";
    e.domain = "example.test";
    e.type = "A";
    e.new_address = address;
    e.caller_address = "198.51.100.1";
    e.protocol = "xmlrpc";
    e.outcome = outcome;
    return e;
}

} // namespace

TEST_CASE("a thousand unchanged calls are one row and a change is written before append returns after the calls before it") {
    test::MemoryStore store;
    core::HistoryWriter writer(store);
    writer.append(call("changed"));
    CHECK(store.history(std::nullopt, 10, 0).size() == 1); // no flush: a change is in the store when append returns
    for (int i = 0; i < 1000; ++i) writer.append(call("unchanged"));
    writer.append(call("changed", "192.0.2.2"));
    auto rows = store.history(std::nullopt, 10, 0);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].new_address == "192.0.2.2");
    CHECK(rows[1].outcome == "unchanged");
    CHECK(rows[1].calls == 1000);
    CHECK(rows[1].last_time >= rows[1].time);
    CHECK(rows[2].outcome == "changed");

    for (int i = 0; i < 10; ++i) writer.append(call("unchanged", "192.0.2.2"));
    writer.flush();
    rows = store.history(std::nullopt, 10, 0);
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].calls == 10);
}

TEST_CASE("counted runs reach the store within the fold time without a flush, and at a clean stop") {
    test::MemoryStore store;
    {
        core::HistoryWriter writer(store);
        for (int i = 0; i < 5; ++i) writer.append(call("unchanged"));
        CHECK(writer.depth() == 1);
        std::this_thread::sleep_for(core::HistoryWriter::kFoldTime + 500ms);
        auto rows = store.history(std::nullopt, 10, 0);
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].calls == 5);
        CHECK(writer.depth() == 0);
        for (int i = 0; i < 7; ++i) writer.append(call("unchanged"));
    } // the destructor writes the 7
    const auto rows = store.history(std::nullopt, 10, 0);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].calls == 12);
}

TEST_CASE("a failure ends a run, and another address starts its own") {
    test::MemoryStore store;
    core::HistoryWriter writer(store);
    writer.append(call("unchanged"));
    writer.append(call("unchanged"));
    writer.append(call("DNS_UNAVAILABLE"));
    writer.append(call("unchanged"));
    writer.append(call("unchanged", "192.0.2.9"));
    writer.flush();
    const auto rows = store.history(std::nullopt, 10, 0);
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].new_address == "192.0.2.9");
    CHECK(rows[1].calls == 1);
    CHECK(rows[2].outcome == "DNS_UNAVAILABLE");
    CHECK(rows[3].calls == 2);
}
