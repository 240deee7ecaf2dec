// Following a zone: the transfer reader's reading of AXFR and IXFR streams, and the mirror's rules for what it answers.
#include <doctest/doctest.h>

#include "dns/zone_mirror.h"
#include "dns/zone_transfer.h"

using namespace dyndns::dns;

namespace {

using Item = TransferReader::Item;

Item soa(std::uint32_t serial) { return {"example.test", 6, 3600, "", serial}; }
Item a(const std::string& name, const std::string& address) { return {name, 1, 60, address, 0}; }
Item mx() { return {"example.test", 15, 3600, "10 mail.example.test.", 0}; }

const std::vector<RRType> kKept{RRType::A, RRType::AAAA, RRType::TXT};

// Feeds `messages` in order; returns the result once complete.
TransferResult read(std::optional<std::uint32_t> since, const std::vector<std::vector<Item>>& messages) {
    TransferReader reader(since, kKept, 1000);
    for (const auto& message : messages) {
        for (const auto& item : message)
            if (reader.add(item)) return reader.take();
        if (reader.complete()) return reader.take();
    }
    return reader.take(); // throws: never completed
}

TransferResult full(std::uint32_t serial, std::vector<ZoneRecord> records) {
    TransferResult result;
    result.kind = TransferResult::Kind::Full;
    result.serial = serial;
    result.records = std::move(records);
    return result;
}

} // namespace

TEST_CASE("an AXFR over several messages: the kept types only, complete at the closing SOA") {
    const auto result =
        read(std::nullopt, {{soa(7), a("h1.example.test", "192.0.2.1"), mx()}, {a("h2.example.test", "192.0.2.2"), soa(7)}});
    CHECK(result.kind == TransferResult::Kind::Full);
    CHECK(result.serial == 7);
    REQUIRE(result.records.size() == 2);
    CHECK(result.records[1].name == "h2.example.test");
}

TEST_CASE("an IXFR: up to date, incremental in several differences, or answered in full") {
    SUBCASE("one SOA alone: nothing newer") {
        const auto result = read(7, {{soa(7)}});
        CHECK(result.kind == TransferResult::Kind::UpToDate);
        CHECK(result.serial == 7);
    }
    SUBCASE("two differences, 5 to 6 to 7") {
        const auto result =
            read(5, {{soa(7), soa(5), a("h1.example.test", "192.0.2.1"), soa(6), a("h1.example.test", "192.0.2.2")},
                     {soa(6), soa(7), a("h2.example.test", "192.0.2.9"), soa(7)}});
        CHECK(result.kind == TransferResult::Kind::Incremental);
        CHECK(result.serial == 7);
        REQUIRE(result.diffs.size() == 2);
        CHECK(result.diffs[0].removed.size() == 1);
        CHECK(result.diffs[0].added[0].rdata == "192.0.2.2");
        CHECK(result.diffs[1].removed.empty());
        CHECK(result.diffs[1].added[0].name == "h2.example.test");
    }
    SUBCASE("the primary has no journal that far back: the whole zone") {
        const auto result = read(5, {{soa(7), a("h1.example.test", "192.0.2.1"), soa(7)}});
        CHECK(result.kind == TransferResult::Kind::Full);
        CHECK(result.records.size() == 1);
    }
}

TEST_CASE("a transfer that is not one is refused") {
    CHECK_THROWS(read(std::nullopt, {{a("h1.example.test", "192.0.2.1")}})); // no SOA first
    CHECK_THROWS(read(std::nullopt, {{soa(7), a("h1.example.test", "192.0.2.1")}})); // never closed
    CHECK_THROWS(read(std::nullopt, {{soa(7), a("h1.example.test", "192.0.2.1"), soa(8)}}));
    TransferReader small(std::nullopt, kKept, 3);
    CHECK_FALSE(small.add(soa(7)));
    CHECK_FALSE(small.add(mx()));
    CHECK_FALSE(small.add(mx()));
    CHECK_THROWS_AS(small.add(mx()), TransferTooLarge); // records that are not kept count too
}

TEST_CASE("serials compare as RFC 1982 says, across the wrap") {
    CHECK(serial_newer(2, 1));
    CHECK_FALSE(serial_newer(1, 2));
    CHECK_FALSE(serial_newer(5, 5));
    CHECK(serial_newer(3, 0xFFFFFFF0U));
}

TEST_CASE("the mirror answers only a zone in step") {
    ZoneMirror mirror;
    CHECK_FALSE(mirror.find("example.test", "h1.example.test", RRType::A));
    mirror.add("example.test");
    CHECK_FALSE(mirror.find("example.test", "h1.example.test", RRType::A)); // not transferred yet
    mirror.apply("example.test", mirror.begin_transfer("example.test"),
                 full(7, {{"h1.example.test", RRType::A, 60, "192.0.2.1"}}));
    REQUIRE(mirror.find("example.test", "h1.example.test", RRType::A));
    CHECK(mirror.find("example.test", "h1.example.test", RRType::A)->rdata == std::vector<std::string>{"192.0.2.1"});
    CHECK(mirror.find("example.test", "h2.example.test", RRType::A)->rdata.empty()); // in step: no such name
    CHECK(mirror.serial("example.test") == 7u);

    SUBCASE("an UPDATE of unknown outcome: out of step until a transfer begun after it") {
        const auto before = mirror.begin_transfer("example.test");
        mirror.unsure("example.test");
        CHECK_FALSE(mirror.find("example.test", "h1.example.test", RRType::A));
        CHECK(mirror.apply("example.test", before, full(8, {})));
        CHECK_FALSE(mirror.find("example.test", "h1.example.test", RRType::A));
        CHECK_FALSE(mirror.apply("example.test", mirror.begin_transfer("example.test"), full(8, {})));
        CHECK(mirror.find("example.test", "h1.example.test", RRType::A));
    }
    SUBCASE("a failed transfer takes the zone out of step") {
        mirror.out_of_step("example.test");
        CHECK_FALSE(mirror.find("example.test", "h1.example.test", RRType::A));
    }
}

TEST_CASE("a confirmed UPDATE is answered at once and outlives a transfer begun before it") {
    ZoneMirror mirror;
    mirror.add("example.test");
    mirror.apply("example.test", 0, full(7, {{"h1.example.test", RRType::AAAA, 60, "2001:db8::1"}}));
    const auto begun = mirror.begin_transfer("example.test");
    // Another text form of the same address: kept as ldns prints it, so the primary's text compares equal.
    mirror.confirmed("example.test", RRsetChange::replace("h1.example.test.", RRType::AAAA, 60, {"2001:DB8:0::2"}));
    CHECK(mirror.find("example.test", "h1.example.test", RRType::AAAA)->rdata == std::vector<std::string>{"2001:db8::2"});
    // A transfer that began before the confirmation may predate it: the overlay stays, and
    // another transfer is asked for.
    CHECK(mirror.apply("example.test", begun, full(8, {{"h1.example.test", RRType::AAAA, 60, "2001:db8::1"}})));
    CHECK(mirror.find("example.test", "h1.example.test", RRType::AAAA)->rdata == std::vector<std::string>{"2001:db8::2"});
    // One begun after it holds it, or something newer (here: someone else's change).
    CHECK_FALSE(mirror.apply("example.test", mirror.begin_transfer("example.test"),
                             full(9, {{"h1.example.test", RRType::AAAA, 60, "2001:db8::3"}})));
    CHECK(mirror.find("example.test", "h1.example.test", RRType::AAAA)->rdata == std::vector<std::string>{"2001:db8::3"});
}

TEST_CASE("incremental differences remove and add single records") {
    ZoneMirror mirror;
    mirror.add("example.test");
    mirror.apply("example.test", 0,
                 full(7, {{"h1.example.test", RRType::A, 60, "192.0.2.1"}, {"h1.example.test", RRType::A, 60, "192.0.2.2"}}));
    TransferResult ixfr;
    ixfr.kind = TransferResult::Kind::Incremental;
    ixfr.serial = 8;
    ixfr.diffs.push_back({{{"h1.example.test", RRType::A, 60, "192.0.2.1"}}, {{"h1.example.test", RRType::A, 300, "192.0.2.3"}}});
    mirror.apply("example.test", mirror.begin_transfer("example.test"), ixfr);
    const auto rrset = mirror.find("example.test", "h1.example.test", RRType::A);
    CHECK(rrset->rdata == std::vector<std::string>{"192.0.2.2", "192.0.2.3"});
    CHECK(rrset->ttl == 300);
    CHECK(mirror.serial("example.test") == 8u);
}

TEST_CASE("an IXFR is read by its serials, not by how the primary split its messages") {
    SUBCASE("one record a message (transfer-format one-answer): still incremental") {
        const auto result = read(5, {{soa(7)}, {soa(5)}, {a("h1.example.test", "192.0.2.1")}, {soa(7)}, {soa(7)}});
        CHECK(result.kind == TransferResult::Kind::Incremental);
    }
    SUBCASE("a primary whose serial went back answers its own: up to date, another serial") {
        const auto result = read(8, {{soa(7)}});
        CHECK(result.kind == TransferResult::Kind::UpToDate);
        CHECK(result.serial == 7);
    }
}

TEST_CASE("IXFR differences that do not chain are refused") {
    CHECK_THROWS(read(5, {{soa(7), soa(4), a("h1.example.test", "192.0.2.1"), soa(7), soa(7)}})); // not from 5
    CHECK_THROWS(read(5, {{soa(8), soa(5), soa(6), soa(7), soa(8), soa(8)}})); // 6, then from 7
}
