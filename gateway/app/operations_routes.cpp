// Health is answered from what a call needs: the store and a signed read from the primary, nothing cached.
#include "app/operations_routes.h"

#include <algorithm>

#include "metrics/gateway_metrics.h"

namespace dyndns::app {
namespace {

// Empty when ready; else what is not, in words for the operator.
std::string not_ready(const store::Store& store, const dns::Rfc2136Client& dns) {
    std::vector<store::Domain> domains;
    try {
        domains = store.list_domains();
    } catch (const std::exception& e) {
        return std::string("store: ") + e.what();
    }
    if (domains.empty()) return ""; // no zone to ask about yet: the store is all a call would need
    // A zone customers use, preferably one with dyndns on.
    const auto probe = std::find_if(domains.begin(), domains.end(), [](const store::Domain& d) { return d.dyndns; });
    const std::string zone = (probe != domains.end() ? *probe : domains.front()).name;
    const auto read = dns.read(zone, dns::RRType::SOA);
    if (!read.outcome.ok()) return "primary: signed SOA read of " + zone + ": " + read.outcome.message;
    return "";
}

} // namespace

std::vector<http::Route> operations_routes(const store::Store& store, const dns::Rfc2136Client& dns) {
    std::vector<http::Route> routes;
    routes.push_back({"/metrics", {"GET"}, [](const http::HttpRequest&) {
                          return http::HttpResponse{200, "text/plain; version=0.0.4; charset=utf-8",
                                                    metrics::gateway_metrics().registry.exposition(), {}, false};
                      }});
    routes.push_back({"/healthz", {"GET"}, [](const http::HttpRequest&) { return http::HttpResponse::text(200, "alive\n"); }});
    routes.push_back({"/readyz", {"GET"}, [&store, &dns](const http::HttpRequest&) {
                          const std::string problem = not_ready(store, dns);
                          if (problem.empty()) return http::HttpResponse::text(200, "ready\n");
                          return http::HttpResponse::text(503, "not ready: " + problem + "\n");
                      }});
    return routes;
}

} // namespace dyndns::app
