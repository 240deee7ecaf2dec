// The signed stream: each given message answered to the request, signed and chained with the test key.
#include "support/signed_stream.h"

#include <stdexcept>

#include "dns/ldns_handles.h"
#include "dns/tsig.h"

namespace dyndns::test {

dns::ExchangeResult SignedStream::stream(std::span<const std::uint8_t> query, std::chrono::milliseconds,
                                         const OnMessage& on_message) {
    ldns_pkt* raw = nullptr;
    if (ldns_wire2pkt(&raw, query.data(), query.size()) != LDNS_STATUS_OK) throw std::runtime_error("unparsable request");
    dns::PktPtr request(raw);
    dns::RdfPtr prior_mac(ldns_rdf_clone(dns::tsig_mac(request.get())));
    bool first = true;
    for (const auto& bytes : messages_) {
        ldns_pkt* parsed = nullptr;
        if (ldns_wire2pkt(&parsed, bytes.data(), bytes.size()) != LDNS_STATUS_OK || !parsed) {
            if (!on_message(bytes)) break;
            continue;
        }
        dns::PktPtr message(parsed);
        ldns_pkt_set_id(message.get(), ldns_pkt_id(request.get()));
        ldns_pkt_set_qr(message.get(), true);
        if (first) {
            ldns_rr_list_deep_free(ldns_pkt_question(message.get()));
            ldns_pkt_set_question(message.get(), ldns_rr_list_clone(ldns_pkt_question(request.get())));
            ldns_pkt_set_qdcount(message.get(), 1);
        }
        if (ldns_pkt_tsig(message.get())) {
            ldns_rr_free(ldns_pkt_tsig(message.get()));
            ldns_pkt_set_tsig(message.get(), nullptr);
        }
        const ldns_status signed_status =
            ldns_pkt_tsig_sign_next(message.get(), key_.name.c_str(), key_.secret_base64.c_str(), dns::kTsigFudgeSeconds,
                                    dns::algorithm_wire_name(key_.algorithm).c_str(), prior_mac.get(), first ? 0 : 1);
        if (signed_status != LDNS_STATUS_OK) continue; // what cannot be signed cannot reach the reader either
        first = false;
        prior_mac.reset(ldns_rdf_clone(dns::tsig_mac(message.get())));
        std::vector<std::uint8_t> wire;
        try {
            wire = dns::packet_wire(message.get());
        } catch (const std::runtime_error&) {
            continue;
        }
        if (!on_message(wire)) break;
    }
    return {dns::ExchangeResult::Status::Ok, {}, ""};
}

std::vector<std::uint8_t> answer_message(const std::string& zone, const std::vector<std::string>& records) {
    dns::PktPtr message(ldns_pkt_new());
    if (!message) throw std::bad_alloc();
    ldns_pkt_set_qr(message.get(), true);
    ldns_pkt_set_aa(message.get(), true);
    for (const auto& text : records) {
        ldns_rr* rr = nullptr;
        if (text.empty()) {
            // An SOA whose RDATA is zero bytes long: ldns_rr_new holds no field, so none is written.
            rr = ldns_rr_new();
            ldns_rdf* owner = nullptr;
            if (!rr || ldns_str2rdf_dname(&owner, zone.c_str()) != LDNS_STATUS_OK) throw std::runtime_error("bad zone");
            ldns_rr_set_owner(rr, owner);
            ldns_rr_set_type(rr, LDNS_RR_TYPE_SOA);
            ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
            ldns_rr_set_ttl(rr, 60);
        } else if (ldns_rr_new_frm_str(&rr, text.c_str(), 60, nullptr, nullptr) != LDNS_STATUS_OK) {
            throw std::runtime_error("bad record: " + text);
        }
        ldns_pkt_push_rr(message.get(), LDNS_SECTION_ANSWER, rr);
    }
    return dns::packet_wire(message.get());
}

} // namespace dyndns::test
