// Health is answered from what a call needs: the store and a signed read from the primary, nothing cached.
#include "app/operations_routes.h"

#include <algorithm>

#include "app/readiness.h"
#include "app/status_page.h"
#include "metrics/gateway_metrics.h"

namespace dyndns::app {

std::string readiness_problem(const store::Store& store, const dns::Primaries& primaries) {
    return check_readiness(store, primaries).problem();
}

std::vector<http::Route> operations_routes(const store::Store& store, const dns::Primaries& primaries,
                                           std::shared_ptr<dns::ZoneFollower> follower) {
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
    routes.push_back(
        {"/status", {"GET"}, [&store, &primaries, follower](const http::HttpRequest&) {
             return http::HttpResponse{200, "text/html; charset=utf-8", status_page(store, primaries, follower), {}, false};
         }});
    return routes;
}

} // namespace dyndns::app
