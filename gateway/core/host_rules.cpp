// Saving a host rule: the identifier checked by the vocabulary, the per-domain cap, the store written once.
#include "core/host_rules.h"

#include <algorithm>

#include "vocabulary/interface_id.h"

namespace dyndns::core {

HostRuleOutcome save_host_rule(HostRulePort& store, const Domain& domain, const std::string& name, const std::string& text) {
    if (text.empty()) {
        store.remove_host_rule(name);
        return HostRuleResult{name, ""};
    }
    const auto rule = InterfaceIdRule::parse(text);
    if (!rule)
        return UpdateError{Fault::InvalidAddress,
                           "rule is not an interface identifier (::a:b:c:d, in the low 80 bits, not all zero), a MAC address or "
                           "preserve",
                           0};
    const auto rules = store.host_rules(domain.name);
    const bool replacing = std::any_of(rules.begin(), rules.end(), [&](const HostRule& r) { return r.name == name; });
    if (!replacing && rules.size() >= kMaxHostRules)
        return UpdateError{Fault::BadRequest, "a domain holds at most " + std::to_string(kMaxHostRules) + " hosts with rules", 0};
    store.set_host_rule(HostRule{name, domain.name, rule->text});
    return HostRuleResult{name, rule->text};
}

} // namespace dyndns::core
