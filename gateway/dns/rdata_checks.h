// RDATA checked before it is read: what a primary sends (transfers, NOTIFY, answers) is never trusted to be well formed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "dns/ldns_include.h"

namespace dyndns::dns {

// Why `rr`'s RDATA cannot be read, or nothing when it can. ldns refuses a field cut short, but
// an RDATA that simply ends early (an SOA of zero bytes, an A with none) parses into fewer
// fields; every field its type requires must be there (ldns's own descriptor says which).
std::optional<std::string> malformed_rdata(const ldns_rr* rr);

// The serial of an SOA whose RDATA is whole (RFC 1035 3.3.13); nothing for anything else.
std::optional<std::uint32_t> soa_serial(const ldns_rr* rr);

} // namespace dyndns::dns
