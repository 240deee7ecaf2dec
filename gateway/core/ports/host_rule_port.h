// The hosts behind customers' routers (interface-identifier rules) and each domain's delegated prefix length, as the core reads and changes them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vocabulary/records.h"

namespace dyndns::core {

// Implemented by store::Store (and tests' MemoryStore). Names are lower-case without a trailing
// dot; rules are stored as given (the core checks them). May throw store::DatabaseError;
// store::StoreError where a call says so.
class HostRulePort {
public:
    virtual ~HostRulePort() = default;
    // 0: the length the router sends. StoreError if the domain is missing.
    virtual void set_prefix_length(const std::string& domain, unsigned length) = 0;
    // Adds or replaces the rule of `rule.name`. StoreError when no registered domain holds the name.
    virtual void set_host_rule(const HostRule& rule) = 0;
    // False when the name had no rule.
    virtual bool remove_host_rule(const std::string& name) = 0;
    // The rules of the names under `domain`, by name.
    virtual std::vector<HostRule> host_rules(const std::string& domain) const = 0;
};

} // namespace dyndns::core
