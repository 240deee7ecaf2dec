// The NOTIFY message (RFC 1996): which zone a request names, and the signed acknowledgement; no socket, so it can be fuzzed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dns/ldns_include.h"
#include "dns/tsig_key.h"

namespace dyndns::dns {

struct Notify {
    std::string zone;
    std::optional<std::uint32_t> serial; // the SOA serial the NOTIFY carried, when it carried a whole SOA
};

// The zone a well-formed NOTIFY request names (opcode NOTIFY, QR clear, one SOA question of class IN);
// nothing for any other message. Reads only fields whose presence it checked first.
std::optional<Notify> notify_of(const ldns_pkt* pkt);

// RFC 1996 4.7: the answer echoes the id, the opcode and the question, with QR and AA set, signed
// with `key` over the request's MAC. `request` is one notify_of accepted.
std::vector<std::uint8_t> acknowledgement(const ldns_pkt* request, const TsigKey& key);

} // namespace dyndns::dns
