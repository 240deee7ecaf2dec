// One place for the rules of a host's interface-identifier rule: parsed, at most kMaxHostRules a domain, then stored.
#pragma once

#include <string>

#include "core/ports/host_rule_port.h"
#include "core/update_service.h"

namespace dyndns::core {

// Sets `name`'s rule (docs/contract.md "Router prefixes"), or removes it when `rule` is empty.
// `name` is normalized and `domain`'s: the caller has checked it. A rule that is not one is
// INVALID_ADDRESS (4); a rule more than a domain may hold, BAD_REQUEST (9). What every front end
// (the calls, the panel, dyndnsctl) goes through.
HostRuleOutcome save_host_rule(HostRulePort& store, const Domain& domain, const std::string& name, const std::string& rule);

} // namespace dyndns::core
