// Where the configured store lives, for both programs: the SQLite file or the PostgreSQL database of `store`.
#pragma once

#include <cstddef>

#include "config/gateway_config.h"
#include "store/store.h"

namespace dyndns::app {

// `sessions`: PostgreSQL connections at most (the threads that may call the store at once).
store::Location store_location(const config::StoreConfig& store, std::size_t sessions);

// The store as the configuration summary and the logs name it: never a password.
std::string store_description(const config::StoreConfig& store);

} // namespace dyndns::app
