// The metrics listener's routes: /metrics (Prometheus), /healthz (alive), /readyz (the store and a primary answer).
#pragma once

#include <vector>

#include "dns/primaries.h"
#include "http/http_types.h"
#include "store/store.h"

namespace dyndns::app {

// `store` and `dns` must outlive the routes.
std::vector<http::Route> operations_routes(const store::Store& store, const dns::Primaries& primaries);

} // namespace dyndns::app
