// Encodes ZoneUpdates and queries as ldns packets (RFC 2136 section 2).
#include "dns/zone_packets.h"

#include <random>
#include <stdexcept>

#include <Poco/String.h>

namespace dyndns::dns {
namespace {

RdfPtr parse_dname(const std::string& name) {
    if (name.empty()) throw std::invalid_argument("empty domain name");
    RdfPtr rdf(ldns_dname_new_frm_str(name.c_str()));
    if (!rdf) throw std::invalid_argument("invalid domain name '" + name + "'");
    return rdf;
}

// The id matters little under TSIG, but a predictable one would let an off-path sender
// race a reply for the unsigned error cases, so it comes from the OS's random source.
std::uint16_t random_id() {
    thread_local std::random_device device;
    return static_cast<std::uint16_t>(device());
}

// RFC 2136 2.5.2: class ANY, TTL 0, no RDATA deletes the whole RRset of that type.
RrPtr delete_rrset_rr(const std::string& name, RRType type) {
    RrPtr rr(ldns_rr_new());
    if (!rr) throw std::bad_alloc();
    ldns_rr_set_owner(rr.get(), parse_dname(name).release());
    ldns_rr_set_type(rr.get(), static_cast<ldns_rr_type>(type));
    ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_ANY);
    ldns_rr_set_ttl(rr.get(), 0);
    return rr;
}

// RFC 2136 2.5.1: class IN with the TTL and RDATA adds a record to the RRset.
RrPtr add_rr(const std::string& name, RRType type, std::uint32_t ttl, const std::string& rdata) {
    if (rdata.find_first_of("\n\r;()") != std::string::npos) throw std::invalid_argument("invalid record data for " + name);
    RdfPtr owner = parse_dname(name);
    // The record is parsed at the root so that only the RDATA comes from text; the owner is
    // the already-validated name.
    const std::string text = ". " + std::to_string(ttl) + " IN " + rr_type_name(type) + " " + rdata;
    ldns_rr* parsed = nullptr;
    const ldns_status status = ldns_rr_new_frm_str(&parsed, text.c_str(), 0, nullptr, nullptr);
    RrPtr rr(parsed);
    if (status != LDNS_STATUS_OK || !rr || ldns_rr_get_type(rr.get()) != static_cast<ldns_rr_type>(type))
        throw std::invalid_argument("invalid " + rr_type_name(type) + " record data '" + rdata + "' for " + name);
    ldns_rdf_deep_free(ldns_rr_owner(rr.get()));
    ldns_rr_set_owner(rr.get(), owner.release());
    return rr;
}

// RFC 2136 2.4.3 "RRset does not exist": class NONE, type CNAME, TTL 0, no RDATA. A CNAME
// cannot share its name with other data (RFC 2181 10.1) and BIND, asked to add an address
// there, ignores the add yet answers NOERROR; with this prerequisite it answers YXRRSET.
RrPtr no_cname_prerequisite(const std::string& name) {
    RrPtr rr(ldns_rr_new());
    if (!rr) throw std::bad_alloc();
    ldns_rr_set_owner(rr.get(), parse_dname(name).release());
    ldns_rr_set_type(rr.get(), LDNS_RR_TYPE_CNAME);
    ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_NONE);
    ldns_rr_set_ttl(rr.get(), 0);
    return rr;
}

// The types the gateway writes: each would be silently ignored beside a CNAME.
bool refuses_cname(RRType type) { return type == RRType::A || type == RRType::AAAA || type == RRType::TXT; }

void push(ldns_rr_list* list, RrPtr rr) {
    if (!ldns_rr_list_push_rr(list, rr.get())) throw std::bad_alloc();
    rr.release(); // the list owns it now
}

} // namespace

std::string rr_type_name(RRType type) {
    switch (type) {
    case RRType::A: return "A";
    case RRType::NS: return "NS";
    case RRType::CNAME: return "CNAME";
    case RRType::SOA: return "SOA";
    case RRType::MX: return "MX";
    case RRType::TXT: return "TXT";
    case RRType::AAAA: return "AAAA";
    }
    return "TYPE" + std::to_string(static_cast<unsigned>(type));
}

PktPtr build_update_packet(const ZoneUpdate& update) {
    RdfPtr zone = parse_dname(update.zone);
    RrListPtr prerequisites(ldns_rr_list_new());
    RrListPtr changes(ldns_rr_list_new());
    if (!prerequisites || !changes) throw std::bad_alloc();
    for (const RRsetChange& change : update.changes) {
        if (change.op == RRsetChange::Op::Replace && refuses_cname(change.type))
            push(prerequisites.get(), no_cname_prerequisite(change.name));
        push(changes.get(), delete_rrset_rr(change.name, change.type));
        if (change.op == RRsetChange::Op::Replace)
            for (const std::string& rdata : change.rdata)
                push(changes.get(), add_rr(change.name, change.type, change.ttl, rdata));
    }
    // ldns_update_pkt_new takes the zone name and copies both lists.
    PktPtr pkt(ldns_update_pkt_new(zone.get(), LDNS_RR_CLASS_IN, prerequisites.get(), changes.get(), nullptr));
    if (!pkt) throw std::bad_alloc();
    zone.release();
    // ldns_update_pkt_new sets RD; an UPDATE has no use for it (RFC 2136 2.2: zero).
    ldns_pkt_set_rd(pkt.get(), false);
    ldns_pkt_set_id(pkt.get(), random_id());
    return pkt;
}

PktPtr build_query_packet(const std::string& name, RRType type) {
    RdfPtr owner = parse_dname(name);
    PktPtr pkt(ldns_pkt_query_new(owner.get(), static_cast<ldns_rr_type>(type), LDNS_RR_CLASS_IN, 0));
    if (!pkt) throw std::bad_alloc();
    owner.release();
    ldns_pkt_set_rd(pkt.get(), false);
    ldns_pkt_set_id(pkt.get(), random_id());
    return pkt;
}

PktPtr build_transfer_query(const std::string& zone, std::optional<std::uint32_t> since) {
    RdfPtr owner = parse_dname(zone);
    PktPtr pkt(ldns_pkt_query_new(owner.get(), since ? LDNS_RR_TYPE_IXFR : LDNS_RR_TYPE_AXFR, LDNS_RR_CLASS_IN, 0));
    if (!pkt) throw std::bad_alloc();
    owner.release();
    ldns_pkt_set_rd(pkt.get(), false);
    ldns_pkt_set_id(pkt.get(), random_id());
    if (since) {
        // Only the serial of this SOA is read by the primary (RFC 1995 3).
        const std::string text = ". 0 IN SOA . . " + std::to_string(*since) + " 0 0 0 0";
        ldns_rr* parsed = nullptr;
        if (ldns_rr_new_frm_str(&parsed, text.c_str(), 0, nullptr, nullptr) != LDNS_STATUS_OK || !parsed)
            throw std::runtime_error("cannot build the IXFR query's SOA");
        RrPtr soa(parsed);
        ldns_rdf_deep_free(ldns_rr_owner(soa.get()));
        ldns_rr_set_owner(soa.get(), parse_dname(zone).release());
        if (!ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_AUTHORITY, soa.get())) throw std::bad_alloc();
        soa.release();
    }
    return pkt;
}

std::string rdata_text(const ldns_rr* rr) {
    std::string rdata;
    for (std::size_t f = 0; f < ldns_rr_rd_count(rr); ++f) {
        CStringPtr field(ldns_rdf2str(ldns_rr_rdf(rr, f)));
        if (!rdata.empty()) rdata += ' ';
        rdata += field ? field.get() : "?";
    }
    return rdata;
}

std::string name_text(const ldns_rdf* name) {
    CStringPtr text(ldns_rdf2str(name));
    std::string lower = Poco::toLower(std::string(text ? text.get() : ""));
    if (lower.size() > 1 && lower.back() == '.') lower.pop_back();
    return lower;
}

std::string canonical_rdata(RRType type, const std::string& rdata) {
    RrPtr rr = add_rr(".", type, 0, rdata);
    return rdata_text(rr.get());
}

} // namespace dyndns::dns
