// The metrics listener's routes: /metrics (Prometheus), /healthz (alive), /readyz (the store and a primary answer), /status (a page).
#pragma once

#include <memory>
#include <vector>

#include "dns/primaries.h"
#include "dns/zone_follower.h"
#include "http/http_types.h"
#include "store/store.h"

namespace dyndns::app {

// Empty when ready; else what is not, in words for the operator (app/readiness.h).
std::string readiness_problem(const store::Store& store, const dns::Primaries& primaries);

// `store` and `dns` must outlive the routes.
// `follower` may be null (zone following off).
std::vector<http::Route> operations_routes(const store::Store& store, const dns::Primaries& primaries,
                                           std::shared_ptr<dns::ZoneFollower> follower);

} // namespace dyndns::app
