// The configuration table's second half (config_keys.cpp joins it to the first): clients, limits, metrics, log, ACME.
#pragma once

#include <span>

#include "config/config_keys.h"

namespace dyndns::config {

std::span<const KeyRow> client_and_edge_keys();

} // namespace dyndns::config
