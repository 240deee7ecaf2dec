// The metrics listener's routes: /metrics (Prometheus), /healthz (alive), /readyz (the store and a primary answer).
#pragma once

#include <vector>

#include "dns/primaries.h"
#include "http/http_types.h"
#include "store/store.h"

namespace dyndns::app {

// Empty when ready; else what is not, in words for the operator. Each primary is asked about
// one zone it serves: a configured one, or for the default primary a registered domain.
std::string readiness_problem(const store::Store& store, const dns::Primaries& primaries);

// `store` and `dns` must outlive the routes.
std::vector<http::Route> operations_routes(const store::Store& store, const dns::Primaries& primaries);

} // namespace dyndns::app
