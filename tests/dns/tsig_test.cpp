// TSIG sign/verify round trips and every way a reply's signature can be wrong (after PowerDNS test-tsig.cc).
#include <doctest/doctest.h>

#include <vector>

#include "dns/ldns_handles.h"
#include "dns/tsig.h"
#include "dns/zone_packets.h"

using namespace dyndns::dns;
using namespace std::chrono_literals;

namespace {

const std::string kSecret = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";
const std::string kOtherSecret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

TsigKey make_key(std::string name = "dyndns-gateway", TsigAlgorithm algorithm = TsigAlgorithm::HmacSha256,
                 std::string secret = kSecret) {
    return TsigKey{std::move(name), algorithm, std::move(secret)};
}

// A signed request and a reply to it signed by `signer`, as received off the wire.
struct Exchange {
    PktPtr request;
    PktPtr reply;
    std::vector<std::uint8_t> reply_wire;
};

PktPtr from_wire(const std::vector<std::uint8_t>& wire) {
    ldns_pkt* raw = nullptr;
    REQUIRE(ldns_wire2pkt(&raw, wire.data(), wire.size()) == LDNS_STATUS_OK);
    return PktPtr(raw);
}

Exchange signed_exchange(const TsigKey& requester, const TsigKey& signer, std::uint16_t tsig_error = 0) {
    Exchange ex;
    ex.request = build_update_packet({"example.test", {RRsetChange::replace("example.test", RRType::A, 60, {"192.0.2.1"})}});
    tsig_sign(ex.request.get(), requester);
    // The reply as a server builds it: same id and zone section, QR set.
    PktPtr reply(ldns_pkt_clone(ex.request.get()));
    ldns_rr_free(ldns_pkt_tsig(reply.get())); // the clone copied the request's TSIG
    ldns_pkt_set_tsig(reply.get(), nullptr);
    ldns_pkt_set_qr(reply.get(), true);
    ldns_rr_list_deep_free(ldns_pkt_authority(reply.get()));
    ldns_pkt_set_authority(reply.get(), ldns_rr_list_new());
    ldns_pkt_set_nscount(reply.get(), 0);
    tsig_sign(reply.get(), signer, tsig_mac(ex.request.get()));
    if (tsig_error != 0) {
        ldns_rr* tsig = ldns_pkt_tsig(reply.get());
        ldns_rdf_deep_free(ldns_rr_set_rdf(tsig, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, tsig_error), 5));
    }
    ex.reply_wire = packet_wire(reply.get());
    ex.reply = from_wire(ex.reply_wire);
    return ex;
}

TsigVerification verify(Exchange& ex, const TsigKey& key,
                        std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) {
    return tsig_verify_reply(ex.reply.get(), ex.reply_wire, key, tsig_mac(ex.request.get()), now);
}

} // namespace

TEST_CASE("a reply signed with the same key verifies for every supported algorithm") {
    for (TsigAlgorithm algorithm : {TsigAlgorithm::HmacSha1, TsigAlgorithm::HmacSha256, TsigAlgorithm::HmacSha512}) {
        CAPTURE(algorithm_name(algorithm));
        const TsigKey key = make_key("dyndns-gateway", algorithm);
        Exchange ex = signed_exchange(key, key);
        const TsigVerification v = verify(ex, key);
        CHECK(v.check == TsigCheck::Ok);
        CHECK(v.detail.empty());
    }
}

TEST_CASE("a request is signed with the key's name and algorithm and fudge 300") {
    const TsigKey key = make_key();
    PktPtr request = build_query_packet("example.test", RRType::SOA);
    tsig_sign(request.get(), key);
    const ldns_rr* tsig = ldns_pkt_tsig(request.get());
    REQUIRE(tsig != nullptr);
    CStringPtr owner(ldns_rdf2str(ldns_rr_owner(tsig)));
    CStringPtr algorithm(ldns_rdf2str(ldns_rr_rdf(tsig, 0)));
    CHECK(std::string(owner.get()) == "dyndns-gateway.");
    CHECK(std::string(algorithm.get()) == "hmac-sha256.");
    CHECK(ldns_rdf2native_int16(ldns_rr_rdf(tsig, 2)) == kTsigFudgeSeconds);
    CHECK(ldns_rdf_size(tsig_mac(request.get())) == 2 + 32);
}

TEST_CASE("a reply signed under another key name is refused") {
    Exchange ex = signed_exchange(make_key(), make_key("someone-else"));
    const TsigVerification v = verify(ex, make_key());
    CHECK(v.check == TsigCheck::WrongKeyName);
    CHECK(v.detail.find("someone-else") != std::string::npos);
}

TEST_CASE("a reply signed with another secret fails the MAC") {
    Exchange ex = signed_exchange(make_key(), make_key("dyndns-gateway", TsigAlgorithm::HmacSha256, kOtherSecret));
    const TsigVerification v = verify(ex, make_key());
    CHECK(v.check == TsigCheck::BadMac);
    CHECK(v.detail.find(kSecret) == std::string::npos);
    CHECK(v.detail.find(kOtherSecret) == std::string::npos);
}

TEST_CASE("a reply signed with another algorithm is refused") {
    Exchange ex = signed_exchange(make_key(), make_key("dyndns-gateway", TsigAlgorithm::HmacSha512));
    const TsigVerification v = verify(ex, make_key());
    CHECK(v.check == TsigCheck::WrongAlgorithm);
    CHECK(v.detail.find("hmac-sha512") != std::string::npos);
}

TEST_CASE("a tampered MAC or body fails verification") {
    const TsigKey key = make_key();
    SUBCASE("last octet of the MAC") {
        Exchange ex = signed_exchange(key, key);
        // The TSIG RR ends with MAC, original id (2), error (2), other length (2).
        ex.reply_wire[ex.reply_wire.size() - 7] ^= 0x01;
        ex.reply = from_wire(ex.reply_wire);
        CHECK(verify(ex, key).check == TsigCheck::BadMac);
    }
    SUBCASE("a header flag") {
        Exchange ex = signed_exchange(key, key);
        ex.reply_wire[2] ^= 0x04; // AA
        ex.reply = from_wire(ex.reply_wire);
        CHECK(verify(ex, key).check == TsigCheck::BadMac);
    }
}

TEST_CASE("a reply verified against another request's MAC fails") {
    const TsigKey key = make_key();
    Exchange ex = signed_exchange(key, key);
    Exchange other = signed_exchange(key, key);
    CHECK(tsig_verify_reply(ex.reply.get(), ex.reply_wire, key, tsig_mac(other.request.get())).check == TsigCheck::BadMac);
}

TEST_CASE("time signed outside the fudge window is refused both ways") {
    const TsigKey key = make_key();
    Exchange ex = signed_exchange(key, key);
    const auto now = std::chrono::system_clock::now();
    CHECK(verify(ex, key, now + 299s).check == TsigCheck::Ok);
    const TsigVerification late = verify(ex, key, now + 302s);
    CHECK(late.check == TsigCheck::BadTime);
    CHECK(late.detail.find("ago") != std::string::npos);
    const TsigVerification early = verify(ex, key, now - 302s);
    CHECK(early.check == TsigCheck::BadTime);
    CHECK(early.detail.find("future") != std::string::npos);
}

TEST_CASE("key names that differ only in case are the same key") {
    Exchange ex = signed_exchange(make_key("DynDNS-Gateway"), make_key("DYNDNS-GATEWAY"));
    CHECK(verify(ex, make_key("dyndns-gateway")).check == TsigCheck::Ok);
}

TEST_CASE("an unsigned reply is reported as unsigned") {
    const TsigKey key = make_key();
    Exchange ex = signed_exchange(key, key);
    ldns_rr_free(ldns_pkt_tsig(ex.reply.get()));
    ldns_pkt_set_tsig(ex.reply.get(), nullptr);
    ex.reply_wire = packet_wire(ex.reply.get());
    CHECK(verify(ex, key).check == TsigCheck::Unsigned);
}

TEST_CASE("a TSIG error field is reported before the MAC is looked at") {
    const TsigKey key = make_key();
    Exchange ex = signed_exchange(key, key, kTsigBadKey);
    const TsigVerification v = verify(ex, key);
    CHECK(v.check == TsigCheck::ErrorField);
    CHECK(v.error == kTsigBadKey);
    CHECK(tsig_error_name(v.error) == "BADKEY");
}
