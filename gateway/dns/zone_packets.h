// The ldns packets for an UPDATE and a query: inside the dns part only, so ldns never reaches the layers above.
#pragma once

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

} // namespace dyndns::dns
