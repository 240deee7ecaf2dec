// A one-screen, secret-free description of a loaded configuration, for --check-config and dyndnsctl.
#pragma once

#include <string>

#include "config/gateway_config.h"
#include "dns/primaries.h"
#include "dns/rfc2136_client.h"

namespace dyndns::app {

std::string describe(const config::GatewayConfig& config);

// The RFC 2136 client the configuration describes (TCP to the primary, its key and bounds).
dns::Rfc2136Client make_dns_client(const config::GatewayConfig& config);

// Every primary the configuration names: the default one and dns.primaries with their zones.
dns::Primaries make_primaries(const config::GatewayConfig& config);

} // namespace dyndns::app
