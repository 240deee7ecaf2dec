// Readers for the keys whose values have a special shape; the plain integers, flags and strings need none.
#include "config/special_keys.h"

#include <algorithm>
#include <utility>

#include "vocabulary/forwarding_header.h"

namespace dyndns::config {
namespace {

// A libpq connection string; libpq itself reads it when the store opens.
constexpr std::size_t kMaxConnectionStringBytes = 4096;

constexpr std::pair<const char*, LogLevel> kLevels[] = {
    {"error", LogLevel::Error}, {"warning", LogLevel::Warning}, {"notice", LogLevel::Notice},
    {"info", LogLevel::Info},   {"debug", LogLevel::Debug},
};

std::string address_port_text(const std::string& address, std::uint16_t port) {
    return (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

int integer_of(const char* path, const YAML::Node& value, const Where& at) {
    const KeyRow& bounds = config_key(path);
    return static_cast<int>(read_integer(value, at, bounds.min, bounds.max));
}

PrimaryConfig read_primary(const YAML::Node& node, const Where& where, std::vector<std::string>& seen) {
    PrimaryConfig primary;
    primary.line = where.line;
    read_mapping(node, where, {"address", "port", "key_file", "key_name", "timeout_ms", "attempts", "zones"},
                 [&](const std::string& name, const YAML::Node& value, const Where& at) {
                     if (name == "address") primary.address = read_ip(value, at).toString();
                     if (name == "port") primary.port = static_cast<std::uint16_t>(integer_of("dns.port", value, at));
                     if (name == "key_file") primary.key_file = read_string(value, at);
                     if (name == "key_name") primary.key_name = read_string(value, at);
                     if (name == "timeout_ms")
                         primary.timeout = std::chrono::milliseconds(integer_of("dns.timeout_ms", value, at));
                     if (name == "attempts") primary.attempts = static_cast<unsigned>(integer_of("dns.attempts", value, at));
                     if (name != "zones") return;
                     read_sequence(value, at, "zone names", [&](const YAML::Node& item, const Where& item_at) {
                         const std::string zone = read_zone(item, item_at);
                         if (std::find(seen.begin(), seen.end(), zone) != seen.end())
                             fail(item_at, "zone " + echo(zone) + " is given to more than one primary");
                         seen.push_back(zone);
                         primary.zones.push_back(zone);
                     });
                 });
    if (primary.address.empty()) fail(where, "address: required: the primary's IP address");
    if (primary.zones.empty()) fail(where, "zones: required: the zones this primary serves");
    return primary;
}

} // namespace

void read_listen_addresses(const KeyRow&, const YAML::Node& value, const Where& at, ParseState& state) {
    std::vector<std::string> addresses;
    read_sequence(value, at, "IP addresses", [&](const YAML::Node& item, const Where& item_at) {
        const std::string address = read_ip(item, item_at).toString();
        if (std::find(addresses.begin(), addresses.end(), address) != addresses.end())
            fail(item_at, "is listed twice: " + echo(address));
        addresses.push_back(address);
    });
    if (addresses.empty()) fail(at, "must list at least one address to listen on");
    // "::" is bound dual stack (IPv4 arrives as ::ffff:a.b.c.d): an IPv4 address beside it would
    // be the same port bound twice.
    const bool every_interface = std::find(addresses.begin(), addresses.end(), "::") != addresses.end();
    for (const auto& address : addresses)
        if (every_interface && address.find(':') == std::string::npos)
            fail(at, "lists \"::\" (every interface, IPv4 and IPv6) beside the IPv4 address " + echo(address) +
                         ": give \"::\" alone");
    state.config.listen.addresses = std::move(addresses);
}

void read_public_url(const KeyRow&, const YAML::Node& value, const Where& at, ParseState& state) {
    state.config.public_url = read_string(value, at);
    check_public_url(state.config.public_url, at);
}

void read_ip_key(const KeyRow& row, const YAML::Node& value, const Where& at, ParseState& state) {
    *std::get<std::string*>(row.field(state.config)) = read_ip(value, at).toString();
}

void read_notify_listen(const KeyRow&, const YAML::Node& value, const Where& at, ParseState& state) {
    const auto listen = read_address_port(value, at);
    state.config.dns.notify_listen = listen ? address_port_text(listen->first, listen->second) : "";
}

void read_primaries(const KeyRow&, const YAML::Node& value, const Where& at, ParseState& state) {
    std::vector<std::string> seen;
    read_sequence(value, at, "primaries (address, port, key_file, key_name, zones)",
                  [&](const YAML::Node& item, const Where& item_at) {
                      state.config.dns.primaries.push_back(read_primary(item, item_at, seen));
                  });
}

// Messages never quote the connection string: it may hold a password.
void read_postgresql(const KeyRow&, const YAML::Node& value, const Where& at, ParseState& state) {
    if (!value.IsScalar() || value.Scalar().empty()) fail(at, "must be a libpq connection string");
    const std::string& text = value.Scalar();
    if (text.size() > kMaxConnectionStringBytes ||
        std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
        fail(at, "must be a libpq connection string of at most 4096 bytes without control characters");
    state.config.store.postgresql = text;
}

void read_trusted_proxies(const KeyRow&, const YAML::Node& value, const Where& at, ParseState& state) {
    read_sequence(value, at, "addresses or address/prefix blocks", [&](const YAML::Node& item, const Where& item_at) {
        state.config.trusted_proxies.push_back(read_cidr(item, item_at));
    });
}

void read_metrics_listen(const KeyRow&, const YAML::Node& value, const Where& at, ParseState& state) {
    MetricsConfig& metrics = state.config.metrics;
    const auto listen = read_address_port(value, at);
    metrics.enabled = listen.has_value();
    if (!listen) return;
    metrics.address = listen->first;
    metrics.port = listen->second;
}

void read_trusted_proxy_header(const KeyRow&, const YAML::Node& value, const Where& at, ParseState& state) {
    const std::string text = read_string(value, at);
    if (!core::forwarding_header(text)) fail(at, "must be one of x-forwarded-for, forwarded, proxy-protocol, got " + echo(text));
    state.config.trusted_proxy_header = text;
}

void read_log_level(const KeyRow&, const YAML::Node& value, const Where& at, ParseState& state) {
    const std::string text = read_string(value, at);
    for (const auto& [name, level] : kLevels)
        if (text == name) {
            state.config.log.level = level;
            return;
        }
    fail(at, "must be one of error, warning, notice, info, debug, got " + echo(text));
}

// Every field, so that a reload notices any change to a primary.
std::string primaries_text(const GatewayConfig& config) {
    std::string text = "[";
    for (const PrimaryConfig& p : config.dns.primaries) {
        text += text.size() > 1 ? ", " : "";
        text += "{address: " + address_port_text(p.address, p.port) + ", key_file: " + p.key_file + ", key_name: " + p.key_name;
        if (p.timeout) text += ", timeout_ms: " + std::to_string(p.timeout->count());
        if (p.attempts) text += ", attempts: " + std::to_string(*p.attempts);
        text += ", zones: [";
        for (std::size_t i = 0; i < p.zones.size(); ++i) text += (i ? ", " : "") + p.zones[i];
        text += "]}";
    }
    return text + "]";
}

std::string metrics_listen_text(const GatewayConfig& config) {
    return "\"" + (config.metrics.enabled ? address_port_text(config.metrics.address, config.metrics.port) : "") + "\"";
}

std::string log_level_name(LogLevel level) {
    for (const auto& [name, value] : kLevels)
        if (value == level) return name;
    return "info";
}

} // namespace dyndns::config
