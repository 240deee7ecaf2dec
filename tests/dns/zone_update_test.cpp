// The UPDATE and query packets as RFC 2136 lays them out: zone section, delete-RRset + add, RD clear.
#include <doctest/doctest.h>

#include "dns/zone_packets.h"

using namespace dyndns::dns;

namespace {

std::string rr_text(const ldns_rr* rr) {
    CStringPtr s(ldns_rr2str(rr));
    std::string text = s.get();
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
}

} // namespace

TEST_CASE("a replace is one delete-RRset and one add with the TTL") {
    PktPtr pkt = build_update_packet({"Example.Test.", {RRsetChange::replace("www.example.test", RRType::A, 60, {"192.0.2.7"})}});
    CHECK(ldns_pkt_get_opcode(pkt.get()) == LDNS_PACKET_UPDATE);
    CHECK_FALSE(ldns_pkt_rd(pkt.get()));
    CHECK_FALSE(ldns_pkt_qr(pkt.get()));
    // Zone section (RFC 2136 2.3): one record, the zone, class IN, type SOA.
    REQUIRE(ldns_update_zocount(pkt.get()) == 1);
    const ldns_rr* zone = ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0);
    CHECK(ldns_rr_get_type(zone) == LDNS_RR_TYPE_SOA);
    CHECK(ldns_rr_get_class(zone) == LDNS_RR_CLASS_IN);
    // Prerequisite (RFC 2136 2.4.3): no CNAME at the name.
    REQUIRE(ldns_update_prcount(pkt.get()) == 1);
    CHECK(rr_text(ldns_rr_list_rr(ldns_pkt_answer(pkt.get()), 0)) == "www.example.test.\t0\tNONE\tCNAME\t\\# 0");
    REQUIRE(ldns_update_upcount(pkt.get()) == 2);
    const ldns_rr_list* updates = ldns_pkt_authority(pkt.get());
    CHECK(rr_text(ldns_rr_list_rr(updates, 0)) == "www.example.test.\t0\tANY\tA\t\\# 0");
    CHECK(rr_text(ldns_rr_list_rr(updates, 1)) == "www.example.test.\t60\tIN\tA\t192.0.2.7");
}

TEST_CASE("several changes to one zone travel in one message in order") {
    ZoneUpdate update{"example.test",
                      {RRsetChange::replace("a.example.test", RRType::A, 60, {"192.0.2.1"}),
                       RRsetChange::replace("b.example.test", RRType::AAAA, 60, {"2001:db8::1"}),
                       RRsetChange::remove("c.example.test", RRType::A)}};
    PktPtr pkt = build_update_packet(update);
    REQUIRE(ldns_update_upcount(pkt.get()) == 5);
    CHECK(ldns_update_prcount(pkt.get()) == 2); // the two address replacements, not the delete
    const ldns_rr_list* updates = ldns_pkt_authority(pkt.get());
    CHECK(rr_text(ldns_rr_list_rr(updates, 3)) == "b.example.test.\t60\tIN\tAAAA\t2001:db8::1");
    CHECK(rr_text(ldns_rr_list_rr(updates, 4)) == "c.example.test.\t0\tANY\tA\t\\# 0");
}

TEST_CASE("a TXT replace of two values is one RRset change with the no-CNAME prerequisite") {
    PktPtr pkt = build_update_packet(
        {"example.test", {RRsetChange::replace("_acme-challenge.h.example.test", RRType::TXT, 60, {"\"one\"", "\"two\""})}});
    REQUIRE(ldns_update_prcount(pkt.get()) == 1);
    CHECK(rr_text(ldns_rr_list_rr(ldns_pkt_answer(pkt.get()), 0)) == "_acme-challenge.h.example.test.\t0\tNONE\tCNAME\t\\# 0");
    REQUIRE(ldns_update_upcount(pkt.get()) == 3);
    const ldns_rr_list* updates = ldns_pkt_authority(pkt.get());
    CHECK(rr_text(ldns_rr_list_rr(updates, 0)) == "_acme-challenge.h.example.test.\t0\tANY\tTXT\t\\# 0");
    CHECK(rr_text(ldns_rr_list_rr(updates, 1)) == "_acme-challenge.h.example.test.\t60\tIN\tTXT\t\"one\"");
    CHECK(rr_text(ldns_rr_list_rr(updates, 2)) == "_acme-challenge.h.example.test.\t60\tIN\tTXT\t\"two\"");
}

TEST_CASE("ids are random") {
    const auto a = ldns_pkt_id(build_query_packet("example.test", RRType::A).get());
    bool differs = false;
    for (int i = 0; i < 8 && !differs; ++i) differs = ldns_pkt_id(build_query_packet("example.test", RRType::A).get()) != a;
    CHECK(differs);
}

TEST_CASE("a query asks for one RRset without recursion") {
    PktPtr pkt = build_query_packet("example.test", RRType::MX);
    CHECK(ldns_pkt_get_opcode(pkt.get()) == LDNS_PACKET_QUERY);
    CHECK_FALSE(ldns_pkt_rd(pkt.get()));
    CHECK(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0)) == LDNS_RR_TYPE_MX);
}

TEST_CASE("bad names and record data are refused before anything is sent") {
    CHECK_THROWS_AS(build_update_packet({"", {}}), std::invalid_argument);
    CHECK_THROWS_AS(build_update_packet({"example.test", {RRsetChange::replace("bad..name", RRType::A, 60, {"192.0.2.1"})}}),
                    std::invalid_argument);
    CHECK_THROWS_AS(build_update_packet({"example.test", {RRsetChange::replace("x.example.test", RRType::A, 60, {"300.1.1.1"})}}),
                    std::invalid_argument);
    CHECK_THROWS_AS(
        build_update_packet({"example.test", {RRsetChange::replace("x.example.test", RRType::AAAA, 60, {"192.0.2.1"})}}),
        std::invalid_argument);
    CHECK_THROWS_AS(
        build_update_packet(
            {"example.test", {RRsetChange::replace("x.example.test", RRType::A, 60, {"192.0.2.1\nx. 1 IN MX 1 y."})}}),
        std::invalid_argument);
}
