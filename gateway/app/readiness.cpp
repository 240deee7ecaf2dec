// The store listed once, then one signed SOA read per primary, about a zone it serves.
#include "app/readiness.h"

#include <algorithm>

namespace dyndns::app {

std::string Readiness::problem() const {
    if (!store_problem.empty()) return "store: " + store_problem;
    for (const auto& check : primaries)
        if (!check.problem.empty())
            return "primary " + check.primary + ": signed SOA read of " + check.zone + ": " + check.problem;
    return "";
}

Readiness check_readiness(const store::Store& store, const dns::Primaries& primaries) {
    Readiness readiness;
    std::vector<store::Domain> domains;
    try {
        domains = store.list_domains();
    } catch (const std::exception& e) {
        readiness.store_problem = e.what();
        return readiness;
    }
    for (const auto& primary : primaries.entries()) {
        PrimaryCheck check{primary.description, "", ""};
        if (!primary.zones.empty()) {
            check.zone = primary.zones.front();
        } else {
            const auto served_here = [&](const store::Domain& d) { return &primaries.for_name(d.name) == &primary.client; };
            auto probe =
                std::find_if(domains.begin(), domains.end(), [&](const store::Domain& d) { return d.dyndns && served_here(d); });
            if (probe == domains.end()) probe = std::find_if(domains.begin(), domains.end(), served_here);
            if (probe != domains.end()) check.zone = probe->name;
        }
        if (!check.zone.empty()) {
            const auto read = primary.client.read(check.zone, dns::RRType::SOA, primary.client.call_deadline(),
                                                  dns::Rfc2136Client::Reader::HealthCheck);
            if (!read.outcome.ok()) check.problem = read.outcome.message;
        }
        readiness.primaries.push_back(std::move(check));
    }
    return readiness;
}

} // namespace dyndns::app
