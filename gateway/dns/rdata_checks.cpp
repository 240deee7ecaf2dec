// A record's fields counted against its type's descriptor before any of them is read.
#include "dns/rdata_checks.h"

#include "dns/zone_packets.h"

namespace dyndns::dns {

std::optional<std::string> malformed_rdata(const ldns_rr* rr) {
    const ldns_rr_descriptor* descriptor = ldns_rr_descript(static_cast<std::uint16_t>(ldns_rr_get_type(rr)));
    // Types ldns does not know are opaque bytes: nothing in them is read as a field.
    if (!descriptor) return std::nullopt;
    const std::size_t fields = ldns_rr_rd_count(rr);
    const std::size_t needed = ldns_rr_descriptor_minimum(descriptor);
    bool whole = fields >= needed;
    for (std::size_t i = 0; whole && i < fields; ++i) whole = ldns_rr_rdf(rr, i) != nullptr;
    if (whole) return std::nullopt;
    return std::string("a ") + (descriptor->_name ? descriptor->_name : "typed") + " record at " + name_text(ldns_rr_owner(rr)) +
           " has " + std::to_string(fields) + " RDATA fields where its type needs " + std::to_string(needed);
}

std::optional<std::uint32_t> soa_serial(const ldns_rr* rr) {
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA || malformed_rdata(rr)) return std::nullopt;
    const ldns_rdf* serial = ldns_rr_rdf(rr, 2);
    if (ldns_rdf_get_type(serial) != LDNS_RDF_TYPE_INT32 || ldns_rdf_size(serial) != 4) return std::nullopt;
    return ldns_rdf2native_int32(serial);
}

} // namespace dyndns::dns
