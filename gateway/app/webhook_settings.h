// The webhook senders' settings as the configuration gives them: the one mapping from gateway.yaml's webhooks keys.
#pragma once

#include "app/version.h"
#include "config/gateway_config.h"
#include "webhooks/webhook_senders.h"

namespace dyndns::app {

inline webhooks::SendersSettings senders_settings(const config::GatewayConfig& config) {
    webhooks::SendersSettings settings;
    settings.sender.allow_private_addresses = config.webhooks.allow_private_addresses;
    settings.sender.ca_file = config.webhooks.ca_file;
    settings.sender.timeout = config.webhooks.timeout;
    settings.sender.max_answer_bytes = config.webhooks.max_answer_bytes;
    settings.sender.user_agent = std::string("dyndns-gateway/") + kVersion;
    settings.threads = config.webhooks.senders;
    settings.first_retry = config.webhooks.first_retry;
    settings.keep_days = config.webhooks.keep_days;
    return settings;
}

} // namespace dyndns::app
