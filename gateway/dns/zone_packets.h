// The ldns packets for an UPDATE and a query: inside the dns part only, so ldns never reaches the layers above.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "dns/ldns_handles.h"
#include "dns/zone_update.h"

namespace dyndns::dns {

// Builds the unsigned UPDATE packet (opcode UPDATE, RD clear, a random id). Replacing an A,
// AAAA or TXT RRset carries the prerequisite "no CNAME at the name", so an alias is refused (YXRRSET)
// instead of silently left as it was. Throws
// std::invalid_argument naming the bad name or record when a change cannot be encoded.
PktPtr build_update_packet(const ZoneUpdate& update);

// Builds a non-recursive (RD=0) query for `name`/`type` with a random id.
PktPtr build_query_packet(const std::string& name, RRType type);

// An AXFR query for `zone`, or an IXFR from `since` (RFC 1995 3: the client's SOA in authority).
PktPtr build_transfer_query(const std::string& zone, std::optional<std::uint32_t> since);

// A record's RDATA in presentation format, its fields as ldns prints them, space-separated.
std::string rdata_text(const ldns_rr* rr);

// A domain name as the gateway keeps names: lower case, no trailing dot ("." for the root).
std::string name_text(const ldns_rdf* name);

// `rdata` of `type` as rdata_text prints it, so texts from callers and from the primary compare
// equal ("2001:DB8:0::1" and "2001:db8::1"). Throws std::invalid_argument when it does not parse.
std::string canonical_rdata(RRType type, const std::string& rdata);

} // namespace dyndns::dns
