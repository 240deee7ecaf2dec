// dyndnsctl's api-token commands: make (with a scope), list and revoke the JSON API's tokens.
#pragma once

#include <string>
#include <vector>

#include "store/store.h"

namespace dyndns::app {

// `args` is everything after "api-token". Exit codes as run_store_command's; -1: not an
// api-token command this knows.
int api_token_command(store::Store& db, const std::vector<std::string>& args);

} // namespace dyndns::app
