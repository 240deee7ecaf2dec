// Readiness as a gauge (the same checks as /readyz), the connection cap beside dyndns_connections_open, the certificate's notAfter, the webhook queue.
#include "app/health_gauges.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

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
    // The store's queue, shared by every gateway on it: each scrape reads it (one indexed count).
    // NaN while the store does not answer (dyndns_ready says so); never an error for the scrape.
    const auto queue_state = [&store]() -> std::optional<core::WebhookQueueState> {
        try {
            return store.webhook_queue_state();
        } catch (const std::exception&) {
            return std::nullopt;
        }
    };
    registry.gauge_callback("dyndns_webhook_deliveries_pending",
                            "Webhook deliveries not yet made (first attempt or a retry due), in the whole store; NaN if it "
                            "cannot be read.",
                            [queue_state] {
                                const auto state = queue_state();
                                return state ? static_cast<double>(state->pending) : std::nan("");
                            });
    registry.gauge_callback("dyndns_webhook_overdue_seconds",
                            "How long the most overdue pending webhook delivery has been due without being sent; 0 when "
                            "none is overdue, NaN if the store cannot be read.",
                            [queue_state] {
                                const auto state = queue_state();
                                if (!state) return std::nan("");
                                if (state->pending == 0) return 0.0;
                                const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                                        std::chrono::system_clock::now().time_since_epoch())
                                                        .count();
                                return std::max(0.0, static_cast<double>(now_ms - state->earliest_due_ms) / 1000.0);
                            });
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
