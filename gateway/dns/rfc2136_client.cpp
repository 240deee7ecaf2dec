// Signs a request, sends it with bounded attempts, checks the reply belongs to it, verifies its TSIG, classifies the answer.
#include "dns/rfc2136_client.h"

#include <algorithm>
#include <stdexcept>

#include <Poco/String.h>

#include "dns/ldns_handles.h"
#include "dns/rdata_checks.h"
#include "dns/zone_packets.h"
#include "dns/tsig.h"
#include "metrics/gateway_metrics.h"

namespace dyndns::dns {

struct Rfc2136Client::Reply {
    DnsOutcome outcome; // Ok means: a reply that belongs to the request and whose TSIG verified
    PktPtr packet; // set when outcome is Ok or Rejected
};

namespace {

// For messages: names as operators write them, lower case without the trailing dot.
std::string lower_name(const std::string& raw) {
    std::string name = Poco::toLower(raw);
    if (name.size() > 1 && name.back() == '.') name.pop_back();
    return name;
}

// RFC 1035 7.3 / RFC 5452: a reply must carry the request's id, QR set, the same opcode and
// the same question (zone) section, or it answers something else.
bool answers(const ldns_pkt* reply, const ldns_pkt* request) {
    if (ldns_pkt_id(reply) != ldns_pkt_id(request) || !ldns_pkt_qr(reply)) return false;
    if (ldns_pkt_get_opcode(reply) != ldns_pkt_get_opcode(request)) return false;
    const ldns_rr_list* asked = ldns_pkt_question(request);
    const ldns_rr_list* echoed = ldns_pkt_question(reply);
    // Error answers may omit the question section (RFC 2136 3.8 allows the zone to be echoed).
    if (ldns_rr_list_rr_count(echoed) == 0) return ldns_pkt_get_rcode(reply) != LDNS_RCODE_NOERROR;
    if (ldns_rr_list_rr_count(echoed) != ldns_rr_list_rr_count(asked)) return false;
    const ldns_rr* q = ldns_rr_list_rr(asked, 0);
    const ldns_rr* e = ldns_rr_list_rr(echoed, 0);
    return ldns_dname_compare(ldns_rr_owner(q), ldns_rr_owner(e)) == 0 && ldns_rr_get_type(q) == ldns_rr_get_type(e) &&
           ldns_rr_get_class(q) == ldns_rr_get_class(e);
}

DnsOutcome rejected(std::uint16_t rcode, std::uint16_t tsig_error, std::string message) {
    return {DnsOutcome::Kind::Rejected, rcode, tsig_error, std::move(message)};
}

// One message per answer the operator must act on differently (RFC 2136 2.2, RFC 8945 5.3).
DnsOutcome classify_error(std::uint16_t rcode, std::uint16_t tsig_error, const std::string& key_name, const std::string& zone,
                          const std::string& what) {
    const std::string key = "'" + key_name + "'";
    if (rcode == kRcodeNotAuth && tsig_error == kTsigBadKey)
        return rejected(rcode, tsig_error, "the DNS server does not know TSIG key " + key + " (BADKEY)");
    if (rcode == kRcodeNotAuth && tsig_error == kTsigBadSig)
        return rejected(rcode, tsig_error,
                        "the DNS server rejected the signature made with TSIG key " + key +
                            ": the secret differs from the server's (BADSIG)");
    if (rcode == kRcodeNotAuth && tsig_error == kTsigBadTime)
        return rejected(rcode, tsig_error,
                        "the DNS server rejected the signature's time: the clocks of the gateway and the server "
                        "differ by more than 300 s (BADTIME)");
    if (tsig_error != kTsigNoError)
        return rejected(rcode, tsig_error,
                        "the DNS server rejected TSIG key " + key + " (" + rcode_name(rcode) + ", " +
                            tsig_error_name(tsig_error) + ")");
    switch (rcode) {
    case kRcodeRefused:
        return rejected(rcode, 0, "the DNS server refused " + what + " (REFUSED): its update-policy or ACL does not allow it");
    case kRcodeNotAuth: return rejected(rcode, 0, "the DNS server is not authoritative for zone '" + zone + "' (NOTAUTH)");
    case kRcodeNotZone: return rejected(rcode, 0, what + " names a record outside zone '" + zone + "' (NOTZONE)");
    case kRcodeYxRrset: return rejected(rcode, 0, what + " names an alias (CNAME), which cannot also hold an address (YXRRSET)");
    case kRcodeServFail: return rejected(rcode, 0, "the DNS server failed to process " + what + " (SERVFAIL); see its log");
    case kRcodeFormErr: return rejected(rcode, 0, "the DNS server could not parse " + what + " (FORMERR)");
    case kRcodeNotImp: return rejected(rcode, 0, "the DNS server does not implement " + what + " (NOTIMP)");
    default: return rejected(rcode, 0, "the DNS server answered " + what + " with " + rcode_name(rcode));
    }
}

std::string zone_of(const ldns_pkt* request) {
    const ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(request), 0);
    if (!q) return "?";
    CStringPtr s(ldns_rdf2str(ldns_rr_owner(q)));
    return s ? lower_name(s.get()) : "?";
}

} // namespace

Rfc2136Client::Rfc2136Client(ClientSettings settings, std::shared_ptr<DnsTransport> transport)
    : settings_(std::move(settings)), transport_(std::move(transport)) {
    if (settings_.attempts == 0) settings_.attempts = 1;
    if (!transport_) throw std::invalid_argument("Rfc2136Client needs a transport");
}

Deadline Rfc2136Client::call_deadline() const { return std::chrono::steady_clock::now() + settings_.call_deadline; }

Rfc2136Client::Reply Rfc2136Client::exchange(ldns_struct_pkt* request, const std::string& what, Deadline deadline) const {
    const std::string zone = zone_of(request);
    tsig_sign(request, settings_.key);
    const std::vector<std::uint8_t> wire = packet_wire(request);

    // Retrying after a timeout is safe: a replace is idempotent, and a resent request that
    // BIND already applied changes nothing the second time.
    using Status = ExchangeResult::Status;
    ExchangeResult sent{Status::NotSent, {}, "the request's deadline had passed"};
    bool delivered = false; // some attempt may have reached the primary
    unsigned made = 0;
    while (made < settings_.attempts) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left <= std::chrono::milliseconds::zero()) break;
        sent = transport_->exchange(wire, std::min(settings_.timeout, left));
        ++made;
        delivered = delivered || sent.delivered();
        if (sent.status == Status::Ok || sent.status == Status::ConnectionRefused) break;
    }
    const std::string tried = " (" + std::to_string(made) + (made == 1 ? " attempt" : " attempts") + " of " +
                              std::to_string(settings_.timeout.count()) + " ms, " +
                              std::to_string(settings_.call_deadline.count()) + " ms for the call)";
    if (sent.status != Status::Ok && delivered)
        return {{DnsOutcome::Kind::NoAnswer, 0, 0,
                 "the DNS primary " + transport_->describe() + " did not answer " + what + ": " + sent.error + tried},
                nullptr};
    if (sent.status == Status::ConnectionRefused)
        return {{DnsOutcome::Kind::Unavailable, 0, 0,
                 "the DNS primary " + transport_->describe() + " refused the connection (is named running there?)"},
                nullptr};
    if (sent.status != Status::Ok)
        return {{DnsOutcome::Kind::Unavailable, 0, 0,
                 "the DNS primary " + transport_->describe() + " was not reached: " + sent.error + tried},
                nullptr};

    ldns_pkt* raw_reply = nullptr;
    const ldns_status parse_status = ldns_wire2pkt(&raw_reply, sent.reply.data(), sent.reply.size());
    PktPtr reply(raw_reply);
    if (parse_status != LDNS_STATUS_OK || !reply)
        return {{DnsOutcome::Kind::BadReply, 0, 0,
                 std::string("the DNS primary's reply could not be parsed: ") + ldns_get_errorstr_by_id(parse_status)},
                nullptr};
    if (!answers(reply.get(), request))
        return {{DnsOutcome::Kind::BadReply, 0, 0, "the DNS primary's reply does not match the request (id or question)"},
                nullptr};

    const auto rcode = static_cast<std::uint16_t>(ldns_pkt_get_rcode(reply.get()));
    const TsigVerification tsig = tsig_verify_reply(reply.get(), sent.reply, settings_.key, tsig_mac(request));
    if (tsig.check == TsigCheck::ErrorField)
        return {classify_error(rcode, tsig.error, settings_.key.name, zone, what), std::move(reply)};
    if (!tsig.ok()) {
        // An error answer we cannot authenticate still means "not done"; a success we cannot
        // authenticate proves nothing, so it is never reported as one.
        if (rcode != kRcodeNoError) {
            DnsOutcome outcome = classify_error(rcode, 0, settings_.key.name, zone, what);
            outcome.message += " [unauthenticated reply: " + tsig.detail + "]";
            return {std::move(outcome), std::move(reply)};
        }
        return {{DnsOutcome::Kind::BadReply, rcode, 0,
                 "the DNS primary's reply cannot be trusted: " + tsig.detail + "; the change may or may not be applied"},
                nullptr};
    }
    return {DnsOutcome::success(), std::move(reply)};
}

DnsOutcome Rfc2136Client::apply(const ZoneUpdate& update, Deadline deadline) const {
    PktPtr request = build_update_packet(update);
    Reply reply = exchange(request.get(), "the update", deadline);
    if (!reply.outcome.ok()) return reply.outcome;
    const auto rcode = static_cast<std::uint16_t>(ldns_pkt_get_rcode(reply.packet.get()));
    if (rcode != kRcodeNoError) return classify_error(rcode, 0, settings_.key.name, lower_name(update.zone), "the update");
    return DnsOutcome::success();
}

ReadResult Rfc2136Client::read(const std::string& name, RRType type, Deadline deadline, Reader reader) const {
    if (reader == Reader::Call) metrics::gateway_metrics().dns_reads.add();
    PktPtr request = build_query_packet(name, type);
    Reply reply = exchange(request.get(), "the query for " + lower_name(name) + " " + rr_type_name(type), deadline);
    if (!reply.outcome.ok()) return {reply.outcome, {}};
    const auto rcode = static_cast<std::uint16_t>(ldns_pkt_get_rcode(reply.packet.get()));
    // NXDOMAIN is an answer: the name has no records yet.
    if (rcode != kRcodeNoError && rcode != kRcodeNxDomain)
        return {classify_error(rcode, 0, settings_.key.name, lower_name(name),
                               "the query for " + lower_name(name) + " " + rr_type_name(type)),
                {}};
    // Only an authoritative answer is the primary's own data; anything else (a zone it does
    // not serve, a referral) cannot be compared against.
    if (!ldns_pkt_aa(reply.packet.get()))
        return {rejected(rcode, 0, "the DNS primary is not authoritative for " + lower_name(name) + " (no AA bit)"), {}};

    ReadResult result;
    const ldns_rr_list* answer = ldns_pkt_answer(reply.packet.get());
    const ldns_rdf* asked = ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(request.get()), 0));
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(answer, i);
        if (ldns_rr_get_type(rr) != static_cast<ldns_rr_type>(type) || ldns_dname_compare(ldns_rr_owner(rr), asked) != 0)
            continue;
        if (const auto malformed = malformed_rdata(rr))
            return {{DnsOutcome::Kind::BadReply, 0, 0, "the answer to the query for " + lower_name(name) + ": " + *malformed},
                    {}};
        if (result.rrset.rdata.empty()) result.rrset.ttl = ldns_rr_ttl(rr);
        result.rrset.rdata.push_back(rdata_text(rr));
    }
    std::sort(result.rrset.rdata.begin(), result.rrset.rdata.end());
    return result;
}

TransferResult Rfc2136Client::transfer(const std::string& zone, std::optional<std::uint32_t> since,
                                       const std::vector<RRType>& kept, std::size_t max_records) const {
    const std::string what = std::string(since ? "the IXFR" : "the AXFR") + " of " + lower_name(zone);
    TransferResult failed;
    PktPtr request = build_transfer_query(zone, since);
    tsig_sign(request.get(), settings_.key);
    const std::vector<std::uint8_t> wire = packet_wire(request.get());

    TransferReader reader(since, kept, max_records);
    RdfPtr prior_mac; // of the previous message: each one's MAC covers it (RFC 8945 5.3.1)
    std::size_t messages = 0;
    // Whatever is wrong with a message ends the stream; the reason is kept for the outcome.
    const auto on_message = [&](std::span<const std::uint8_t> bytes) {
        ldns_pkt* raw = nullptr;
        const ldns_status status = ldns_wire2pkt(&raw, bytes.data(), bytes.size());
        PktPtr reply(raw);
        if (status != LDNS_STATUS_OK || !reply) {
            failed.outcome = {DnsOutcome::Kind::BadReply, 0, 0,
                              what + ": a message could not be parsed: " + ldns_get_errorstr_by_id(status)};
            return false;
        }
        const bool first = messages++ == 0;
        // The first message echoes the question; later ones may leave it out (RFC 5936 2.2.1).
        if (first ? !answers(reply.get(), request.get())
                  : ldns_pkt_id(reply.get()) != ldns_pkt_id(request.get()) || !ldns_pkt_qr(reply.get())) {
            failed.outcome = {DnsOutcome::Kind::BadReply, 0, 0, what + ": a message does not match the request"};
            return false;
        }
        const auto rcode = static_cast<std::uint16_t>(ldns_pkt_get_rcode(reply.get()));
        const TsigVerification tsig = first ? tsig_verify_reply(reply.get(), bytes, settings_.key, tsig_mac(request.get()))
                                            : tsig_verify_continuation(reply.get(), bytes, settings_.key, prior_mac.get());
        if (tsig.check == TsigCheck::ErrorField) {
            failed.outcome = classify_error(rcode, tsig.error, settings_.key.name, lower_name(zone), what);
            return false;
        }
        if (rcode != kRcodeNoError) {
            failed.outcome = classify_error(rcode, 0, settings_.key.name, lower_name(zone), what);
            return false;
        }
        // BIND signs every message of a transfer; one it did not sign is not trusted.
        if (!tsig.ok()) {
            failed.outcome = {DnsOutcome::Kind::BadReply, 0, 0, what + " cannot be trusted: " + tsig.detail};
            return false;
        }
        prior_mac.reset(ldns_rdf_clone(tsig_mac(reply.get())));
        const ldns_rr_list* answer = ldns_pkt_answer(reply.get());
        try {
            for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
                const ldns_rr* rr = ldns_rr_list_rr(answer, i);
                if (const auto malformed = malformed_rdata(rr)) throw std::runtime_error(*malformed);
                TransferReader::Item item{name_text(ldns_rr_owner(rr)), static_cast<std::uint16_t>(ldns_rr_get_type(rr)),
                                          ldns_rr_ttl(rr), "", 0};
                if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
                    const auto serial = soa_serial(rr);
                    if (!serial) throw std::runtime_error("an SOA record whose serial cannot be read");
                    item.soa_serial = *serial;
                } else {
                    item.rdata = rdata_text(rr);
                }
                if (reader.add(item)) {
                    if (i + 1 != ldns_rr_list_rr_count(answer)) throw std::runtime_error("records after the closing SOA");
                    return false; // complete
                }
            }
            return !reader.complete(); // the message ended: more to come unless complete
        } catch (const TransferTooLarge& e) {
            failed.outcome = {DnsOutcome::Kind::BadReply, 0, 0, what + ": " + e.what()};
            failed.too_large = true;
            return false;
        } catch (const std::exception& e) {
            failed.outcome = {DnsOutcome::Kind::BadReply, 0, 0, what + ": " + e.what()};
            return false;
        }
    };
    const ExchangeResult sent = transport_->stream(wire, settings_.transfer_timeout, on_message);
    if (!failed.outcome.ok()) return failed;
    if (sent.status != ExchangeResult::Status::Ok) {
        failed.outcome = {sent.status == ExchangeResult::Status::ConnectionRefused ? DnsOutcome::Kind::Unavailable
                                                                                   : DnsOutcome::Kind::NoAnswer,
                          0, 0, what + " from " + transport_->describe() + " failed: " + sent.error};
        return failed;
    }
    try {
        return reader.take();
    } catch (const std::exception& e) {
        failed.outcome = {DnsOutcome::Kind::BadReply, 0, 0, what + ": " + e.what()};
        return failed;
    }
}

} // namespace dyndns::dns
