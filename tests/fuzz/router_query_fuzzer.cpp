// libFuzzer target: any bytes as a router's dyndns2 query, its prefix and every value read as a prefix and as an identifier rule.
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "dyndns2/dyndns2_request.h"
#include "vocabulary/interface_id.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string query(reinterpret_cast<const char*>(data), size);
    const auto parsed = dyndns::dyndns2::read_update_parameters(query);
    std::string prefix_text = query;
    std::string rule_text = query;
    if (const auto* parameters = std::get_if<dyndns::dyndns2::UpdateParameters>(&parsed)) {
        if (!parameters->prefix.empty()) prefix_text = parameters->prefix;
        if (!parameters->addresses.empty()) rule_text = parameters->addresses.front();
    }
    const auto prefix = dyndns::core::DelegatedPrefix::parse(prefix_text);
    const auto rule = dyndns::core::InterfaceIdRule::parse(rule_text);
    if (prefix) {
        (void)prefix->to_string();
        (void)prefix->is_global_unicast();
        const auto cut = prefix->shortened(dyndns::core::kShortestPrefix);
        if (rule) {
            (void)dyndns::core::derived_address(*prefix, *rule, prefix->network);
            (void)dyndns::core::derived_address(cut, *rule);
        }
    }
    if (rule) (void)dyndns::core::InterfaceIdRule::parse(rule->text); // the canonical text reads back
    return 0;
}
