// The client's handling of what comes back, with a fake transport: retries, refusals, unsigned or foreign replies.
#include <doctest/doctest.h>

#include <functional>

#include "dns/ldns_handles.h"
#include "dns/rfc2136_client.h"
#include "dns/tsig.h"
#include "dns/notify_message.h"
#include "support/signed_stream.h"

using namespace dyndns::dns;
using namespace std::chrono_literals;

namespace {

const TsigKey kKey{"dyndns-gateway", TsigAlgorithm::HmacSha256, "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="};

using Handler = std::function<ExchangeResult(std::span<const std::uint8_t>)>;

class FakeTransport final : public DnsTransport {
public:
    explicit FakeTransport(Handler handler) : handler_(std::move(handler)) {}
    ExchangeResult exchange(std::span<const std::uint8_t> query, std::chrono::milliseconds) override {
        ++calls;
        return handler_(query);
    }
    std::string describe() const override { return "fake"; }
    int calls = 0;

private:
    Handler handler_;
};

// A server's answer to `query`: rcode, optionally signed with `signer`, optionally with answers.
ExchangeResult answer(std::span<const std::uint8_t> query, ldns_pkt_rcode rcode, const TsigKey* signer,
                      const std::vector<std::string>& answers = {}, std::uint16_t id_offset = 0) {
    ldns_pkt* raw = nullptr;
    REQUIRE(ldns_wire2pkt(&raw, query.data(), query.size()) == LDNS_STATUS_OK);
    PktPtr request(raw);
    PktPtr reply(ldns_pkt_clone(request.get()));
    ldns_rr_free(ldns_pkt_tsig(reply.get())); // the clone copied the request's TSIG
    ldns_pkt_set_tsig(reply.get(), nullptr);
    ldns_pkt_set_qr(reply.get(), true);
    ldns_pkt_set_aa(reply.get(), true);
    ldns_pkt_set_rcode(reply.get(), static_cast<std::uint8_t>(rcode));
    ldns_rr_list_deep_free(ldns_pkt_authority(reply.get()));
    ldns_pkt_set_authority(reply.get(), ldns_rr_list_new());
    ldns_pkt_set_nscount(reply.get(), 0);
    for (const auto& text : answers) {
        ldns_rr* rr = nullptr;
        REQUIRE(ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr) == LDNS_STATUS_OK);
        ldns_pkt_push_rr(reply.get(), LDNS_SECTION_ANSWER, rr);
    }
    ldns_pkt_set_id(reply.get(), static_cast<std::uint16_t>(ldns_pkt_id(request.get()) + id_offset));
    if (signer) tsig_sign(reply.get(), *signer, tsig_mac(request.get()));
    return {ExchangeResult::Status::Ok, packet_wire(reply.get()), ""};
}

Rfc2136Client client_with(std::shared_ptr<FakeTransport> transport, unsigned attempts = 3) {
    return Rfc2136Client(ClientSettings{kKey, 100ms, attempts}, std::move(transport));
}

const ZoneUpdate kUpdate{"example.test", {RRsetChange::replace("example.test", RRType::A, 60, {"192.0.2.1"})}};

} // namespace

TEST_CASE("a signed NOERROR reply is success") {
    auto transport = std::make_shared<FakeTransport>([](auto q) { return answer(q, LDNS_RCODE_NOERROR, &kKey); });
    CHECK(client_with(transport).apply(kUpdate).ok());
    CHECK(transport->calls == 1);
}

TEST_CASE("a refused connection fails at once without retrying") {
    auto transport = std::make_shared<FakeTransport>([](auto) {
        return ExchangeResult{ExchangeResult::Status::ConnectionRefused, {}, "connection refused"};
    });
    const DnsOutcome outcome = client_with(transport).apply(kUpdate);
    CHECK(outcome.kind == DnsOutcome::Kind::Unavailable);
    CHECK(outcome.message.find("refused the connection") != std::string::npos);
    CHECK(transport->calls == 1);
}

TEST_CASE("timeouts are retried up to the configured attempts and then reported") {
    auto transport = std::make_shared<FakeTransport>([](auto) {
        return ExchangeResult{ExchangeResult::Status::Timeout, {}, "no reply within 100 ms"};
    });
    const DnsOutcome outcome = client_with(transport, 3).apply(kUpdate);
    CHECK(outcome.kind == DnsOutcome::Kind::NoAnswer); // sent, unanswered: it may have been applied
    CHECK(outcome.message.find("3 attempts") != std::string::npos);
    CHECK(transport->calls == 3);
}

TEST_CASE("a request that never left is unavailable: nothing changed") {
    auto transport = std::make_shared<FakeTransport>([](auto) {
        return ExchangeResult{ExchangeResult::Status::NotSent, {}, "no connection within 100 ms"};
    });
    const DnsOutcome outcome = client_with(transport, 2).apply(kUpdate);
    CHECK(outcome.kind == DnsOutcome::Kind::Unavailable);
    CHECK_FALSE(outcome.may_have_applied());
    CHECK(transport->calls == 2);
}

TEST_CASE("one attempt that may have arrived makes the outcome unknown") {
    int call = 0;
    auto transport = std::make_shared<FakeTransport>([&call](auto) {
        if (call++ == 0) return ExchangeResult{ExchangeResult::Status::Timeout, {}, "no reply"};
        return ExchangeResult{ExchangeResult::Status::ConnectionRefused, {}, "connection refused"};
    });
    CHECK(client_with(transport, 3).apply(kUpdate).kind == DnsOutcome::Kind::NoAnswer);
}

TEST_CASE("SERVFAIL is a server failure and other rcodes are not") {
    auto servfail = std::make_shared<FakeTransport>([](auto q) { return answer(q, LDNS_RCODE_SERVFAIL, &kKey); });
    CHECK(client_with(servfail).apply(kUpdate).server_failure());
    auto refused = std::make_shared<FakeTransport>([](auto q) { return answer(q, LDNS_RCODE_REFUSED, &kKey); });
    CHECK_FALSE(client_with(refused).apply(kUpdate).server_failure());
}

TEST_CASE("a timeout followed by an answer succeeds") {
    int call = 0;
    auto transport = std::make_shared<FakeTransport>([&call](auto q) {
        if (call++ == 0) return ExchangeResult{ExchangeResult::Status::Timeout, {}, "no reply"};
        return answer(q, LDNS_RCODE_NOERROR, &kKey);
    });
    CHECK(client_with(transport).apply(kUpdate).ok());
    CHECK(transport->calls == 2);
}

TEST_CASE("an unsigned NOERROR reply to a signed request is never a success") {
    auto transport = std::make_shared<FakeTransport>([](auto q) { return answer(q, LDNS_RCODE_NOERROR, nullptr); });
    const DnsOutcome outcome = client_with(transport).apply(kUpdate);
    CHECK(outcome.kind == DnsOutcome::Kind::BadReply);
    CHECK(outcome.message.find("not TSIG-signed") != std::string::npos);
}

TEST_CASE("an unsigned error reply is still reported as that error") {
    auto transport = std::make_shared<FakeTransport>([](auto q) { return answer(q, LDNS_RCODE_REFUSED, nullptr); });
    const DnsOutcome outcome = client_with(transport).apply(kUpdate);
    CHECK(outcome.kind == DnsOutcome::Kind::Rejected);
    CHECK(outcome.rcode == kRcodeRefused);
    CHECK(outcome.message.find("unauthenticated") != std::string::npos);
}

TEST_CASE("a reply signed by another key is not trusted") {
    const TsigKey other{"dyndns-gateway", TsigAlgorithm::HmacSha256, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="};
    auto transport = std::make_shared<FakeTransport>([&other](auto q) { return answer(q, LDNS_RCODE_NOERROR, &other); });
    const DnsOutcome outcome = client_with(transport).apply(kUpdate);
    CHECK(outcome.kind == DnsOutcome::Kind::BadReply);
    CHECK(outcome.message.find("MAC") != std::string::npos);
}

TEST_CASE("a reply with another id is not an answer") {
    auto transport = std::make_shared<FakeTransport>([](auto q) { return answer(q, LDNS_RCODE_NOERROR, &kKey, {}, 1); });
    CHECK(client_with(transport).apply(kUpdate).kind == DnsOutcome::Kind::BadReply);
}

TEST_CASE("garbage is a bad reply") {
    auto transport = std::make_shared<FakeTransport>([](auto) {
        return ExchangeResult{ExchangeResult::Status::Ok, {0x01, 0x02, 0x03}, ""};
    });
    CHECK(client_with(transport).apply(kUpdate).kind == DnsOutcome::Kind::BadReply);
}

TEST_CASE("rcodes map to rejected outcomes with messages") {
    const std::vector<std::pair<ldns_pkt_rcode, std::string>> cases{{LDNS_RCODE_REFUSED, "REFUSED"},
                                                                    {LDNS_RCODE_NOTAUTH, "not authoritative"},
                                                                    {LDNS_RCODE_NOTZONE, "NOTZONE"},
                                                                    {LDNS_RCODE_SERVFAIL, "SERVFAIL"},
                                                                    {LDNS_RCODE_FORMERR, "FORMERR"}};
    for (const auto& [rcode, words] : cases) {
        CAPTURE(words);
        auto transport = std::make_shared<FakeTransport>([rcode](auto q) { return answer(q, rcode, &kKey); });
        const DnsOutcome outcome = client_with(transport).apply(kUpdate);
        CHECK(outcome.kind == DnsOutcome::Kind::Rejected);
        CHECK(outcome.rcode == rcode);
        CHECK(outcome.message.find(words) != std::string::npos);
    }
}

TEST_CASE("read returns the RRset sorted with its TTL and empty for NXDOMAIN") {
    auto transport = std::make_shared<FakeTransport>([](auto q) {
        return answer(q, LDNS_RCODE_NOERROR, &kKey,
                      {"example.test. 60 IN A 192.0.2.9", "example.test. 60 IN A 192.0.2.1", "other.test. 60 IN A 192.0.2.5"});
    });
    const ReadResult found = client_with(transport).read("example.test", RRType::A);
    REQUIRE(found.outcome.ok());
    CHECK(found.rrset.rdata == std::vector<std::string>{"192.0.2.1", "192.0.2.9"});
    CHECK(found.rrset.ttl == 60);

    auto nx = std::make_shared<FakeTransport>([](auto q) { return answer(q, LDNS_RCODE_NXDOMAIN, &kKey); });
    const ReadResult missing = client_with(nx).read("nothing.example.test", RRType::A);
    CHECK(missing.outcome.ok());
    CHECK(missing.rrset.rdata.empty());
}

namespace {

TransferResult transfer_of(const std::vector<std::vector<std::string>>& messages, std::optional<std::uint32_t> since = {}) {
    std::vector<std::vector<std::uint8_t>> wire;
    for (const auto& records : messages) wire.push_back(dyndns::test::answer_message("example.test.", records));
    auto primary = std::make_shared<dyndns::test::SignedStream>(kKey, std::move(wire));
    return Rfc2136Client(ClientSettings{kKey, 100ms, 1}, primary)
        .transfer("example.test", since, {RRType::A, RRType::AAAA}, 1000);
}

const std::string kSoa = "example.test. 60 IN SOA ns.example.test. hostmaster.example.test. 7 3600 600 86400 60";

} // namespace

TEST_CASE("a signed AXFR in two messages is read whole (the hostile-primary cases below differ from it in one thing each)") {
    const TransferResult whole = transfer_of({{kSoa, "www.example.test. 60 IN A 192.0.2.1"}, {kSoa}});
    REQUIRE(whole.outcome.ok());
    CHECK(whole.serial == 7);
    CHECK(whole.records.size() == 1);
}

TEST_CASE("a transfer from a hostile primary is refused with a reason and read no further") {
    SUBCASE("an SOA with no RDATA (it used to abort the process in ldns_rdf2native_int32)") {
        const TransferResult refused = transfer_of({{""}, {kSoa}});
        CHECK(refused.outcome.kind == DnsOutcome::Kind::BadReply);
        CHECK(refused.outcome.message.find("SOA record at example.test has 0 RDATA fields") != std::string::npos);
    }
    SUBCASE("an SOA with no RDATA closing the transfer") {
        const TransferResult refused = transfer_of({{kSoa, "www.example.test. 60 IN A 192.0.2.1"}, {""}});
        CHECK(refused.outcome.kind == DnsOutcome::Kind::BadReply);
    }
    SUBCASE("the stream ends before the closing SOA") {
        const TransferResult refused = transfer_of({{kSoa, "www.example.test. 60 IN A 192.0.2.1"}});
        CHECK(refused.outcome.kind == DnsOutcome::Kind::BadReply);
    }
    SUBCASE("records after the closing SOA") {
        const TransferResult refused = transfer_of({{kSoa, kSoa, "www.example.test. 60 IN A 192.0.2.1"}});
        CHECK(refused.outcome.kind == DnsOutcome::Kind::BadReply);
    }
    SUBCASE("bytes that are no DNS message") {
        auto primary = std::make_shared<dyndns::test::SignedStream>(kKey, std::vector<std::vector<std::uint8_t>>{{1, 2, 3}});
        const TransferResult refused =
            Rfc2136Client(ClientSettings{kKey, 100ms, 1}, primary).transfer("example.test", std::nullopt, {RRType::A}, 1000);
        CHECK(refused.outcome.kind == DnsOutcome::Kind::BadReply);
    }
}

TEST_CASE("an answer holding an A record with no RDATA is a bad reply, not an empty address") {
    auto transport = std::make_shared<FakeTransport>([](auto query) {
        ExchangeResult good = answer(query, LDNS_RCODE_NOERROR, nullptr, {"example.test. 60 IN A 192.0.2.1"});
        ldns_pkt* raw = nullptr;
        REQUIRE(ldns_wire2pkt(&raw, good.reply.data(), good.reply.size()) == LDNS_STATUS_OK);
        PktPtr reply(raw);
        ldns_rr* a = ldns_rr_list_rr(ldns_pkt_answer(reply.get()), 0);
        while (ldns_rr_rd_count(a) > 0) ldns_rdf_deep_free(ldns_rr_pop_rdf(a));
        ldns_pkt* request_raw = nullptr;
        REQUIRE(ldns_wire2pkt(&request_raw, query.data(), query.size()) == LDNS_STATUS_OK);
        PktPtr request(request_raw);
        tsig_sign(reply.get(), kKey, tsig_mac(request.get()));
        return ExchangeResult{ExchangeResult::Status::Ok, packet_wire(reply.get()), ""};
    });
    const ReadResult read = client_with(transport).read("example.test", RRType::A);
    CHECK(read.outcome.kind == DnsOutcome::Kind::BadReply);
    CHECK(read.outcome.message.find("A record at example.test has 0 RDATA fields") != std::string::npos);
}

TEST_CASE("a NOTIFY's MAC is acted on once within the window and forgotten after it or past the bound") {
    using namespace std::chrono_literals;
    NotifyReplays replays(600s, 3);
    const auto t0 = NotifyReplays::Clock::now();
    CHECK(replays.first("mac-a", t0));
    CHECK_FALSE(replays.first("mac-a", t0 + 1s)); // the same signed message again: a replay
    CHECK(replays.first("mac-b", t0 + 2s));
    CHECK(replays.first("mac-a", t0 + 601s)); // its time would be refused by now anyway
    CHECK(replays.first("mac-c", t0 + 602s));
    CHECK(replays.first("mac-d", t0 + 603s));
    CHECK(replays.first("mac-e", t0 + 604s)); // over the bound of 3: the oldest forgotten
    CHECK(replays.first("mac-b", t0 + 605s));
}
