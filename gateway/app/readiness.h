// Readiness, one check for /readyz, the dyndns_ready gauge and the status page: the store answers, and each primary a signed SOA read.
#pragma once

#include <string>
#include <vector>

#include "dns/primaries.h"
#include "store/store.h"

namespace dyndns::app {

struct PrimaryCheck {
    std::string primary; // its description, "127.0.0.1:53"
    std::string zone; // the zone asked about; empty: none to ask yet (no domain of it registered)
    std::string problem; // empty when it answered
};

struct Readiness {
    std::string store_problem; // empty when the store answered
    std::vector<PrimaryCheck> primaries; // empty when the store did not answer
    // Empty when ready; else the first thing that is not, in words for the operator.
    std::string problem() const;
};

// Each primary is asked about one zone it serves: a configured one, or for the default primary a
// registered domain (preferably one with dyndns on).
Readiness check_readiness(const store::Store& store, const dns::Primaries& primaries);

} // namespace dyndns::app
