// The gauges an operator alerts on (monitoring/dyndns-gateway.rules.yml): readiness, the edge's connection cap, the certificate's expiry, the webhook backlog.
#pragma once

#include <atomic>

#include "config/gateway_config.h"
#include "dns/primaries.h"
#include "store/store.h"

namespace dyndns::app {

// Registers its gauges at construction; must outlive every scrape (the metrics listener).
class HealthGauges {
public:
    HealthGauges(const store::Store& store, const dns::Primaries& primaries);
    // The configured cap and the certificate's expiry: at start and after each reload.
    void apply(const config::GatewayConfig& config);

private:
    std::atomic<double> max_connections_{0};
    std::atomic<double> certificate_expiry_{0};
};

} // namespace dyndns::app
