// SIGHUP: re-read the configuration and the TLS files; apply what needs no re-bind, name what needs a restart.
#pragma once

#include <string>
#include <vector>

#include "config/gateway_config.h"
#include "core/update_core.h"
#include "http/http_server.h"

namespace dyndns::app {

// The settings that differ between `running` and `next` and take effect only after a restart
// (the keys marked Reload::Restart in config/config_keys.cpp), by key name.
std::vector<std::string> restart_only_changes(const config::GatewayConfig& running, const config::GatewayConfig& next);

// Loads `path`; on any error (the file, or the certificate and key it names) logs it and changes
// nothing. Otherwise applies the new certificate, limits, log level and core settings, logs each
// change that needs a restart, and makes `running` the applied configuration. Tells systemd
// RELOADING=1 before and READY=1 after.
void reload(const std::string& path, config::GatewayConfig& running, http::HttpServer& server, http::HttpServer* operations,
            core::UpdateCore& core);

} // namespace dyndns::app
