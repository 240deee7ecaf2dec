// The update core's settings as the configuration gives them: the one mapping from gateway.yaml to CoreSettings.
#pragma once

#include "config/gateway_config.h"
#include "core/update_core.h"
#include "vocabulary/forwarding_header.h"

namespace dyndns::app {

inline core::CoreSettings core_settings(const config::GatewayConfig& config) {
    return core::CoreSettings{
        .ttl = config.dns.ttl,
        .allow_private_addresses = config.allow_private_addresses,
        .trusted_proxies = config.trusted_proxies,
        // The parser accepts only the three words.
        .forwarding_header = core::forwarding_header(config.trusted_proxy_header).value_or(core::ForwardingHeader::XForwardedFor),
        .throttle = {},
        .max_batch = config.dns.max_batch,
        .calls_per_minute = config.limits.calls_per_minute,
        .history_days = config.store.history_days,
        .acme_ttl = config.acme.ttl,
        .webhook_max_pending = config.webhooks.max_pending,
        .webhook_allow_private = config.webhooks.allow_private_addresses,
    };
}

} // namespace dyndns::app
