// dyndnsctl's commands on the store: accounts, domains, the dyndns switch, listing, history.
#pragma once

#include <string>
#include <vector>

#include "config/gateway_config.h"

namespace dyndns::app {

// Exit codes: 0 done, 2 bad usage, 3 refused by the store (exists, missing, invalid name).
// `command` is everything after `--config FILE`; returns -1 when it is not a store command.
int run_store_command(const config::GatewayConfig& config, const std::vector<std::string>& command);

} // namespace dyndns::app
