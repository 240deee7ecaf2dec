// Readers for the keys whose values have a special shape (address lists, primaries, URLs, ...), named by their table rows.
#pragma once

#include <string>

#include "config/config_keys.h"

namespace dyndns::config {

void read_listen_addresses(const KeyRow& row, const YAML::Node& value, const Where& at, ParseState& state);
void read_public_url(const KeyRow& row, const YAML::Node& value, const Where& at, ParseState& state);
void read_ip_key(const KeyRow& row, const YAML::Node& value, const Where& at, ParseState& state);
void read_notify_listen(const KeyRow& row, const YAML::Node& value, const Where& at, ParseState& state);
void read_primaries(const KeyRow& row, const YAML::Node& value, const Where& at, ParseState& state);
void read_postgresql(const KeyRow& row, const YAML::Node& value, const Where& at, ParseState& state);
void read_trusted_proxies(const KeyRow& row, const YAML::Node& value, const Where& at, ParseState& state);
void read_metrics_listen(const KeyRow& row, const YAML::Node& value, const Where& at, ParseState& state);
void read_trusted_proxy_header(const KeyRow& row, const YAML::Node& value, const Where& at, ParseState& state);
void read_log_level(const KeyRow& row, const YAML::Node& value, const Where& at, ParseState& state);

std::string primaries_text(const GatewayConfig& config);
std::string metrics_listen_text(const GatewayConfig& config);
std::string log_level_name(LogLevel level);

} // namespace dyndns::config
