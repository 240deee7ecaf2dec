// The configuration table's webhooks rows (config_keys.cpp joins them to the rest).
#pragma once

#include <span>

#include "config/config_keys.h"

namespace dyndns::config {

std::span<const KeyRow> webhook_keys();

} // namespace dyndns::config
