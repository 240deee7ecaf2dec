// The operator's status page on the metrics listener (GET /status): primaries, followed zones, calls per minute, the newest errors.
#pragma once

#include <memory>
#include <string>

#include "dns/primaries.h"
#include "dns/zone_follower.h"
#include "store/store.h"

namespace dyndns::app {

// HTML, no script, nothing external; every text from outside escaped. Asks each primary for a
// signed SOA as /readyz does, so it costs what a readiness check costs.
std::string status_page(const store::Store& store, const dns::Primaries& primaries,
                        const std::shared_ptr<dns::ZoneFollower>& follower);

} // namespace dyndns::app
