// Readiness as a gauge (the same checks as /readyz), the connection cap beside dyndns_connections_open, the certificate's notAfter.
#include "app/health_gauges.h"

#include <Poco/Crypto/X509Certificate.h>
#include <Poco/Exception.h>

#include "app/operations_routes.h"
#include "log/log.h"
#include "metrics/gateway_metrics.h"

namespace dyndns::app {

HealthGauges::HealthGauges(const store::Store& store, const dns::Primaries& primaries) {
    auto& registry = metrics::gateway_metrics().registry;
    registry.gauge_callback("dyndns_ready", "1 when /readyz would answer ready (the store and every primary answer), else 0.",
                            [&store, &primaries] { return readiness_problem(store, primaries).empty() ? 1.0 : 0.0; });
    registry.gauge_callback("dyndns_connections_max", "The configured cap of open connections (limits.max_connections).",
                            [this] { return max_connections_.load(); });
    registry.gauge_callback("dyndns_tls_certificate_expiry_timestamp_seconds",
                            "When the served TLS certificate expires (notAfter), in Unix seconds; 0 if it cannot be read.",
                            [this] { return certificate_expiry_.load(); });
}

void HealthGauges::apply(const config::GatewayConfig& config) {
    max_connections_ = static_cast<double>(config.limits.max_connections);
    try {
        const Poco::Crypto::X509Certificate certificate(config.tls.certificate);
        certificate_expiry_ = static_cast<double>(certificate.expiresOn().timestamp().epochTime());
    } catch (const Poco::Exception& e) {
        certificate_expiry_ = 0;
        log::warning("cannot read the certificate's expiry from " + config.tls.certificate + ": " + e.displayText());
    }
}

} // namespace dyndns::app
