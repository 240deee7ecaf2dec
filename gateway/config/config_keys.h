// The configuration as one table: every key's path, type, bounds, reload behaviour, doc and field.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/gateway_config.h"
#include "config/yaml_values.h"

namespace dyndns::config {

enum class Reload { OnSighup, Restart };

// The longest TTL the gateway writes (a day), for every TTL key: a record it manages should follow changes within that.
inline constexpr long long kMaxTtl = 86'400;

// The typed field a key fills. uint32_t is unsigned here, so std::uint32_t fields are `unsigned*`.
using FieldRef =
    std::variant<std::uint16_t*, unsigned*, std::size_t*, std::chrono::milliseconds*, std::chrono::seconds*, bool*, std::string*,
                 std::vector<std::string>*, std::vector<Cidr>*, std::vector<PrimaryConfig>*, LogLevel*, MetricsConfig*>;

// What a parse has seen so far: the result, and the line of every key given (for checks made after the walk).
struct ParseState {
    GatewayConfig& config;
    std::map<std::string, int, std::less<>> lines;
};

struct KeyRow;
using CustomReader = void (*)(const KeyRow& row, const YAML::Node& value, const Where& at, ParseState& state);
using CustomText = std::string (*)(const GatewayConfig& config);

struct KeyRow {
    std::string_view path; // dotted, e.g. "limits.max_body_bytes"
    std::string_view type; // as the documentation names it
    FieldRef (*field)(GatewayConfig& config);
    Reload reload;
    std::string_view doc; // sentences, without the bounds and default (generated from the row)
    long long min = 0; // integers: the accepted range
    long long max = 0;
    CustomReader read = nullptr; // special shapes; nullptr: read by the field's type and the bounds
    CustomText text = nullptr; // special shapes; nullptr: shown by the field's type
    std::string_view example = {}; // example.yaml's value when it is not the default; "#..." lines are shown commented
    std::string_view default_doc = {}; // the default in words, when its value alone would not say it ("" for required keys)
    bool required = false;
};

// A mapping of keys and what it is for (its comment in example.yaml, its paragraph in the man page).
struct SectionRow {
    std::string_view name;
    std::string_view doc;
};

std::span<const KeyRow> config_keys();
std::span<const SectionRow> config_sections();
const KeyRow& config_key(std::string_view path); // throws std::out_of_range for a path not in the table

// The value of `row` in `config` as YAML flow text: how defaults are documented and changes compared.
std::string value_text(const KeyRow& row, const GatewayConfig& config);

// Fills the row's field from `value`, checking type and bounds.
void read_key(const KeyRow& row, const YAML::Node& value, const Where& at, ParseState& state);

// Copies the row's field from `from` into `to` (a reload applying what it can).
void copy_key(const KeyRow& row, const GatewayConfig& from, GatewayConfig& to);

} // namespace dyndns::config
