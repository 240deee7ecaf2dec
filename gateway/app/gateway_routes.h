// The gateway's route table: which front end answers which path.
#pragma once

#include <vector>

#include "config/gateway_config.h"
#include "core/account_service.h"
#include "core/provisioning.h"
#include "core/update_service.h"
#include "http/http_types.h"

namespace dyndns::app {

// The front ends share `core`, `accounts` and `provisioning`, which must outlive the routes.
// `config` gives the public URL written into the served WSDL and the body limit.
std::vector<http::Route> gateway_routes(core::UpdateService& core, core::AccountService& accounts,
                                        core::ProvisioningService& provisioning, const config::GatewayConfig& config);

} // namespace dyndns::app
