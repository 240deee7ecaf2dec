// Reads, shows and copies a key's field by its type, so that the plain keys need no code of their own.
#include "config/config_keys.h"

#include <algorithm>
#include <stdexcept>

#include "config/special_keys.h"

namespace dyndns::config {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};

// YAML flow text for a string: quoted when plain text would not read back as the same string.
std::string yaml_string(const std::string& text) {
    const bool plain = !text.empty() && text.find_first_of(":#[]{},\"'&*!|>%@` ") == std::string::npos;
    return plain ? text : "\"" + text + "\"";
}

template <class Duration>
Duration read_duration(const KeyRow& row, const YAML::Node& value, const Where& at) {
    return Duration(read_integer(value, at, row.min, row.max));
}

} // namespace

const KeyRow& config_key(std::string_view path) {
    const auto keys = config_keys();
    const auto row = std::find_if(keys.begin(), keys.end(), [&](const KeyRow& k) { return k.path == path; });
    if (row == keys.end()) throw std::out_of_range("no configuration key " + std::string(path));
    return *row;
}

void read_key(const KeyRow& row, const YAML::Node& value, const Where& at, ParseState& state) {
    state.lines[std::string(row.path)] = at.line;
    if (row.read) return row.read(row, value, at, state);
    std::visit(Overloaded{
                   [&](std::chrono::milliseconds* field) { *field = read_duration<std::chrono::milliseconds>(row, value, at); },
                   [&](std::chrono::seconds* field) { *field = read_duration<std::chrono::seconds>(row, value, at); },
                   [&](bool* field) { *field = read_bool(value, at); },
                   [&](std::string* field) { *field = read_string(value, at); },
                   [&]<class T>(T* field) {
                       if constexpr (std::is_integral_v<T>)
                           *field = static_cast<T>(read_integer(value, at, row.min, row.max));
                       else
                           throw std::logic_error("configuration key " + std::string(row.path) + " needs a reader");
                   },
               },
               row.field(state.config));
}

std::string value_text(const KeyRow& row, const GatewayConfig& config) {
    if (row.text) return row.text(config);
    // The accessor only points into the configuration; nothing is written through it here.
    GatewayConfig& readable = const_cast<GatewayConfig&>(config);
    return std::visit(Overloaded{
                          [](const std::chrono::milliseconds* field) { return std::to_string(field->count()); },
                          [](const std::chrono::seconds* field) { return std::to_string(field->count()); },
                          [](const bool* field) { return std::string(*field ? "true" : "false"); },
                          [](const std::string* field) { return yaml_string(*field); },
                          [](const std::vector<std::string>* field) {
                              std::string text;
                              for (const std::string& item : *field) text += (text.empty() ? "" : ", ") + yaml_string(item);
                              return "[" + text + "]";
                          },
                          [](const std::vector<Cidr>* field) {
                              std::string text;
                              for (const Cidr& cidr : *field)
                                  text += (text.empty() ? "" : ", ") + cidr.network.toString() + "/" +
                                          std::to_string(cidr.prefix_length);
                              return "[" + text + "]";
                          },
                          [](const LogLevel* field) { return log_level_name(*field); },
                          [&]<class T>(const T* field) {
                              if constexpr (std::is_integral_v<T>)
                                  return std::to_string(*field);
                              else
                                  throw std::logic_error("configuration key " + std::string(row.path) + " needs a text");
                              return std::string();
                          },
                      },
                      row.field(readable));
}

void copy_key(const KeyRow& row, const GatewayConfig& from, GatewayConfig& to) {
    GatewayConfig& source = const_cast<GatewayConfig&>(from); // read only, as in value_text
    std::visit([&](auto* target) { *target = *std::get<std::remove_reference_t<decltype(target)>>(row.field(source)); },
               row.field(to));
}

} // namespace dyndns::config
