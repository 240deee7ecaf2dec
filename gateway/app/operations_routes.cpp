// Health is answered from what a call needs: the store and a signed read from the primary, nothing cached.
#include "app/operations_routes.h"

#include <algorithm>

#include "metrics/gateway_metrics.h"

namespace dyndns::app {

std::string readiness_problem(const store::Store& store, const dns::Primaries& primaries) {
    std::vector<store::Domain> domains;
    try {
        domains = store.list_domains();
    } catch (const std::exception& e) {
        return std::string("store: ") + e.what();
    }
    for (const auto& primary : primaries.entries()) {
        std::string zone;
        if (!primary.zones.empty()) {
            zone = primary.zones.front();
        } else {
            // A zone customers use with this primary, preferably one with dyndns on; none yet: nothing to ask.
            const auto served_here = [&](const store::Domain& d) { return &primaries.for_name(d.name) == &primary.client; };
            auto probe =
                std::find_if(domains.begin(), domains.end(), [&](const store::Domain& d) { return d.dyndns && served_here(d); });
            if (probe == domains.end()) probe = std::find_if(domains.begin(), domains.end(), served_here);
            if (probe == domains.end()) continue;
            zone = probe->name;
        }
        const auto read = primary.client.read(zone, dns::RRType::SOA);
        if (!read.outcome.ok())
            return "primary " + primary.description + ": signed SOA read of " + zone + ": " + read.outcome.message;
    }
    return "";
}

std::vector<http::Route> operations_routes(const store::Store& store, const dns::Primaries& primaries) {
    std::vector<http::Route> routes;
    routes.push_back(
        {"/metrics", {"GET"}, [](const http::HttpRequest&) {
             return http::HttpResponse{
                 200, "text/plain; version=0.0.4; charset=utf-8", metrics::gateway_metrics().registry.exposition(), {}, false};
         }});
    routes.push_back({"/healthz", {"GET"}, [](const http::HttpRequest&) { return http::HttpResponse::text(200, "alive\n"); }});
    routes.push_back({"/readyz", {"GET"}, [&store, &primaries](const http::HttpRequest&) {
                          const std::string problem = readiness_problem(store, primaries);
                          if (problem.empty()) return http::HttpResponse::text(200, "ready\n");
                          return http::HttpResponse::text(503, "not ready: " + problem + "\n");
                      }});
    return routes;
}

} // namespace dyndns::app
