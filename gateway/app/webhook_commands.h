// dyndnsctl's webhook commands: register (the secret printed once), list, remove, and show a webhook's last deliveries.
#pragma once

#include <string>
#include <vector>

#include "config/gateway_config.h"
#include "store/store.h"

namespace dyndns::app {

// `args` is everything after "webhook". Exit codes as run_store_command's (3: refused); -1: not a
// webhook command this knows.
int webhook_command(store::Store& db, const config::GatewayConfig& config, const std::vector<std::string>& args);

} // namespace dyndns::app
