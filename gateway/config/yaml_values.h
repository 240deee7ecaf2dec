// Readers for one YAML value of each kind the configuration uses; each refuses a bad value naming its key and line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Poco/Net/IPAddress.h>
#include <yaml-cpp/yaml.h>

#include "config/gateway_config.h"

namespace dyndns::config {

// yaml-cpp counts lines from 0 and marks synthesised nodes with -1; this is 1-based, 0 unknown.
int line_of(const YAML::Node& node);

// A value as a message may show it: quoted, cut short, unprintable bytes replaced.
std::string echo(const std::string& value);
std::string describe(const YAML::Node& node);

// Where a value sits: the dotted path that names it in messages and the line to blame.
struct Where {
    const std::string& origin;
    std::string path;
    int line = 0;

    Where at(const std::string& child, int child_line) const;
    Where item(std::size_t index, const YAML::Node& node) const;
};

[[noreturn]] void fail(const Where& where, const std::string& problem);

// Walks one mapping: every key must be one of `known` and given once, so a misspelt setting is an
// error rather than a default silently kept; calls `read` for each. A key with no value (`tls:`
// with its lines commented out) counts as an empty mapping.
void read_mapping(const YAML::Node& node, const Where& where, const std::vector<std::string>& known,
                  const std::function<void(const std::string& name, const YAML::Node& value, const Where& at)>& read);

std::string read_string(const YAML::Node& node, const Where& where);
long long read_integer(const YAML::Node& node, const Where& where, long long min, long long max);
bool read_bool(const YAML::Node& node, const Where& where);

// Calls `read` for each item. A key with no value is an empty list, as for mappings.
void read_sequence(const YAML::Node& node, const Where& where, const std::string& what,
                   const std::function<void(const YAML::Node&, const Where&)>& read);

// Poco's parse, but IPv4 only as the dotted quad it prints back (not 127.1, not octal 010.0.0.1).
bool parse_ip(const std::string& text, Poco::Net::IPAddress& address);
Poco::Net::IPAddress read_ip(const YAML::Node& node, const Where& where);
Cidr read_cidr(const YAML::Node& node, const Where& where);

// "127.0.0.1:9192", "[::1]:9192", or "" (nullopt: the listener is off). An IP literal only.
std::optional<std::pair<std::string, std::uint16_t>> read_address_port(const YAML::Node& value, const Where& at);

// "Example.COM." → "example.com"; the zone must have a dot inside (a customer zone, not a TLD).
std::string read_zone(const YAML::Node& node, const Where& where);

// The URL clients are told to call (the WSDL's soap:address): https, a host, no user info, query or fragment.
void check_public_url(const std::string& text, const Where& where);

} // namespace dyndns::config
