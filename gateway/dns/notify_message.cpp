// A NOTIFY request read and acknowledged: the question checked, the SOA serial read only from a whole SOA.
#include "dns/notify_message.h"

#include <new>

#include "dns/ldns_handles.h"
#include "dns/rdata_checks.h"
#include "dns/tsig.h"
#include "dns/zone_packets.h"

namespace dyndns::dns {

std::optional<Notify> notify_of(const ldns_pkt* pkt) {
    if (ldns_pkt_get_opcode(pkt) != LDNS_PACKET_NOTIFY || ldns_pkt_qr(pkt)) return std::nullopt;
    const ldns_rr_list* question = ldns_pkt_question(pkt);
    if (ldns_rr_list_rr_count(question) != 1) return std::nullopt;
    const ldns_rr* q = ldns_rr_list_rr(question, 0);
    if (ldns_rr_get_type(q) != LDNS_RR_TYPE_SOA || ldns_rr_get_class(q) != LDNS_RR_CLASS_IN) return std::nullopt;
    Notify notify{name_text(ldns_rr_owner(q)), std::nullopt};
    // RFC 1996 3.7: the answer section may carry the new SOA; its serial spares a transfer
    // when the gateway already has it.
    const ldns_rr_list* answer = ldns_pkt_answer(pkt);
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(answer, i);
        if (name_text(ldns_rr_owner(rr)) != notify.zone) continue;
        if (const auto serial = soa_serial(rr)) notify.serial = serial;
    }
    return notify;
}

bool NotifyReplays::first(const std::string& mac, Clock::time_point now) {
    while (!order_.empty() && (now - order_.front().first > window_ || order_.size() >= capacity_)) {
        seen_.erase(order_.front().second);
        order_.pop_front();
    }
    if (!seen_.insert(mac).second) return false;
    order_.emplace_back(now, mac);
    return true;
}

std::vector<std::uint8_t> acknowledgement(const ldns_pkt* request, const TsigKey& key) {
    PktPtr reply(ldns_pkt_new());
    if (!reply) throw std::bad_alloc();
    ldns_pkt_set_id(reply.get(), ldns_pkt_id(request));
    ldns_pkt_set_qr(reply.get(), true);
    ldns_pkt_set_aa(reply.get(), true);
    ldns_pkt_set_opcode(reply.get(), LDNS_PACKET_NOTIFY);
    ldns_pkt_set_rcode(reply.get(), LDNS_RCODE_NOERROR);
    RrPtr question(ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(request), 0)));
    if (!question || !ldns_pkt_push_rr(reply.get(), LDNS_SECTION_QUESTION, question.get())) throw std::bad_alloc();
    question.release();
    tsig_sign(reply.get(), key, tsig_mac(request));
    return packet_wire(reply.get());
}

} // namespace dyndns::dns
