// Whether a zone is ready for the gateway before a customer relies on it: served with authority, and the key may update it.
#pragma once

#include <string>
#include <vector>

#include "dns/primaries.h"

namespace dyndns::app {

// The record types the gateway writes (addresses, and TXT at _acme-challenge names), so the ones
// its key must be granted.
inline const std::vector<dns::RRType> kGatewayTypes = {dns::RRType::A, dns::RRType::AAAA, dns::RRType::TXT};

// What keeps `zone`'s primary from serving it to the gateway, in words an operator acts on;
// empty when ready. Changes nothing in the zone: the grant is proven by an UPDATE that deletes
// an RRset at a name that does not exist, which the primary's update-policy judges (REFUSED
// when not granted) and which, granted, changes nothing (no new serial).
std::vector<std::string> zone_problems(const dns::Primaries& primaries, const std::string& zone);

} // namespace dyndns::app
