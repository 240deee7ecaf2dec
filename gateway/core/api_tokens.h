// A new API token's scope, checked before it is stored: one place for the rules dyndnsctl and the control panel share.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>

#include "core/ports/domain_port.h"
#include "vocabulary/api_token.h"

namespace dyndns::core {

constexpr std::size_t kMaxTokenLabel = 100; // bytes
constexpr unsigned kMaxTokenExpiryDays = 3650;

// `days` (a whole number, 1..kMaxTokenExpiryDays) after `now`, or nothing when `days` is not one.
std::optional<std::chrono::system_clock::time_point> expiry_after_days(const std::string& days,
                                                                       std::chrono::system_clock::time_point now);

// `token` with its names made canonical (lower-case, no trailing dot), or why it cannot be made:
// a customer token's names and subtrees must be the account's (its domains or names under them),
// at most kMaxScopeEntries of each and of networks, at least one record kind, an expiry still to
// come, a label of printable text. A provisioning token has no names and no kinds.
std::variant<ApiToken, std::string> vetted_api_token(ApiToken token, const DomainPort& domains,
                                                     std::chrono::system_clock::time_point now);

} // namespace dyndns::core
