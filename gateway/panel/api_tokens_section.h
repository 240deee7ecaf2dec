// The control panel's "API tokens" section: the account's JSON API tokens with their scopes, a form to make one, revoke buttons.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "panel/panel_pages.h"

namespace dyndns::panel {

std::string api_tokens_section(const std::string& csrf, const std::vector<core::ApiToken>& tokens,
                               const std::optional<NewApiToken>& new_token);

} // namespace dyndns::panel
