// Reads the gateway's YAML configuration into typed structs, refusing every unknown key and bad value by name.
#include "config/gateway_config.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/URI.h>
#include <yaml-cpp/yaml.h>

namespace dyndns::config {
namespace {

namespace fs = std::filesystem;

// Bounds on values. The lower ones keep a typo from making the service unusable (a 10-byte body
// limit refuses every XML-RPC call); the upper ones keep one client from holding much memory or
// a worker for long.
constexpr long long kMinTimeoutMs = 1;
constexpr long long kMaxTimeoutMs = 60'000;
constexpr long long kMaxAttempts = 10;
constexpr long long kMaxBatch = 1000; // changes in one UPDATE message, at most
constexpr long long kMaxTtl = 86'400;
constexpr long long kMinBodyBytes = 1024;
constexpr long long kMaxBodyBytes = 16 * 1024 * 1024;
constexpr long long kMinHeaderBytes = 1024;
constexpr long long kMaxHeaderBytes = 1024 * 1024;
constexpr long long kMinUriBytes = 256;
constexpr long long kMaxUriBytes = 64 * 1024;
constexpr long long kMaxThreads = 1024;
constexpr long long kMaxQueue = 65'536;
constexpr long long kMinEdgeTimeoutMs = 100;
constexpr long long kMaxEdgeTimeoutMs = 3'600'000;
constexpr long long kMaxConnections = 1'000'000;
constexpr long long kMaxKeepAliveRequests = 100'000;

// Long enough to recognise a mistyped value, short enough that a pasted blob cannot swamp the message.
constexpr std::size_t kEchoLimit = 64;

// yaml-cpp counts lines from 0 and marks synthesised nodes with -1.
int line_of(const YAML::Node& node) {
    const YAML::Mark mark = node.Mark();
    return mark.line >= 0 ? mark.line + 1 : 0;
}

std::string echo(const std::string& value) {
    std::string shown;
    for (const char c : value.substr(0, kEchoLimit)) shown += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
    if (value.size() > kEchoLimit) shown += "...";
    return "'" + shown + "'";
}

std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Null: return "nothing";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Scalar: return echo(node.Scalar());
    case YAML::NodeType::Undefined: break;
    }
    return "nothing";
}

// Where a value sits: the dotted path that names it in messages and the line to blame.
struct Where {
    const std::string& origin;
    std::string path;
    int line = 0;

    Where at(const std::string& child, int child_line) const {
        return Where{origin, path.empty() ? child : path + "." + child, child_line};
    }
    Where item(std::size_t index, const YAML::Node& node) const {
        const int item_line = line_of(node);
        return Where{origin, path + "[" + std::to_string(index) + "]", item_line > 0 ? item_line : line};
    }
};

[[noreturn]] void fail(const Where& where, const std::string& problem) {
    throw ConfigError(where.origin, where.line, where.path, problem);
}

using FieldReader = std::function<void(const YAML::Node& value, const Where& where)>;
struct Field {
    std::string_view name;
    FieldReader read;
};

// Walks one mapping: every key must be known and given once, so a misspelt setting is an error
// rather than a default silently kept. A key with no value (`tls:` with its lines commented out)
// counts as an empty mapping.
void read_mapping(const YAML::Node& node, const Where& where, std::initializer_list<Field> fields) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
        if (where.path.empty()) fail(where, "the file must be a YAML mapping of settings, got " + describe(node));
        fail(where, "must be a mapping of settings, got " + describe(node));
    }
    std::vector<std::pair<std::string, int>> seen;
    for (const auto& entry : node) {
        const int key_line = line_of(entry.first);
        if (!entry.first.IsScalar()) fail(where.at("?", key_line), "a key must be a plain name, got " + describe(entry.first));
        const std::string name = entry.first.Scalar();
        const Where child = where.at(name, key_line > 0 ? key_line : where.line);

        const auto previous = std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == name; });
        if (previous != seen.end())
            fail(child, "given twice" +
                            (previous->second > 0 ? " (first on line " + std::to_string(previous->second) + ")" : std::string()));
        seen.emplace_back(name, child.line);

        const auto field = std::find_if(fields.begin(), fields.end(), [&](const Field& f) { return f.name == name; });
        if (field == fields.end()) {
            std::string known;
            for (const Field& f : fields) known += (known.empty() ? "" : ", ") + std::string(f.name);
            fail(child, "unknown key (known here: " + known + ")");
        }
        field->read(entry.second, child);
    }
}

// A missing value and an empty string both mean the operator forgot something: omitting the
// key is how a default is asked for.
std::string read_string(const YAML::Node& node, const Where& where) {
    if (!node.IsScalar()) fail(where, "must be a string, got " + describe(node));
    if (node.Scalar().empty()) fail(where, "must not be empty (leave the key out for the default)");
    return node.Scalar();
}

// YAML leaves integer syntax to the schema; decimal is the only form an operator means here
// (a leading 0 is not octal, 0x is not hex).
template <class T>
T read_integer(const YAML::Node& node, const Where& where, long long min, long long max) {
    const std::string expected = "must be an integer " + std::to_string(min) + ".." + std::to_string(max);
    if (!node.IsScalar()) fail(where, expected + ", got " + describe(node));
    const std::string& text = node.Scalar();
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min || value > max)
        fail(where, expected + ", got " + describe(node));
    return static_cast<T>(value);
}

// Only YAML 1.2's spellings: yaml-cpp would also take yes/no/on/off/y/n, which YAML 1.2 reads as strings.
bool read_bool(const YAML::Node& node, const Where& where) {
    if (node.IsScalar()) {
        const std::string& text = node.Scalar();
        if (text == "true" || text == "True" || text == "TRUE") return true;
        if (text == "false" || text == "False" || text == "FALSE") return false;
    }
    fail(where, "must be true or false, got " + describe(node));
}

// Calls `read` for each item. A key with no value is an empty list, as for mappings.
void read_sequence(const YAML::Node& node, const Where& where, const std::string& what,
                   const std::function<void(const YAML::Node&, const Where&)>& read) {
    if (node.IsNull()) return;
    if (!node.IsSequence()) fail(where, "must be a list of " + what + ", got " + describe(node));
    std::size_t index = 0;
    for (const YAML::Node& item : node) {
        read(item, where.item(index, item));
        ++index;
    }
}

// Poco falls back to inet_aton for IPv4, which reads "127.1" as 127.0.0.1 and "010.0.0.1" as
// 8.0.0.1 (octal): accept IPv4 only as the dotted quad it prints back, so what the file says is
// what is used.
bool parse_ip(const std::string& text, Poco::Net::IPAddress& address) {
    if (!Poco::Net::IPAddress::tryParse(text, address)) return false;
    return address.family() != Poco::Net::IPAddress::IPv4 || address.toString() == text;
}

Poco::Net::IPAddress read_ip(const YAML::Node& node, const Where& where) {
    const std::string text = read_string(node, where);
    Poco::Net::IPAddress address;
    if (!parse_ip(text, address)) fail(where, "must be an IPv4 or IPv6 address, got " + echo(text));
    return address;
}

unsigned full_length(const Poco::Net::IPAddress& address) { return address.family() == Poco::Net::IPAddress::IPv4 ? 32U : 128U; }

Cidr read_cidr(const YAML::Node& node, const Where& where) {
    const std::string text = read_string(node, where);
    const std::size_t slash = text.find('/');
    const std::string address_text = text.substr(0, slash);
    Cidr cidr;
    if (!parse_ip(address_text, cidr.network)) fail(where, "must be an IP address or an address/prefix block, got " + echo(text));
    const unsigned max_length = full_length(cidr.network);
    cidr.prefix_length = max_length;
    if (slash != std::string::npos) {
        const std::string prefix = text.substr(slash + 1);
        unsigned length = 0;
        const auto [end, ec] = std::from_chars(prefix.data(), prefix.data() + prefix.size(), length);
        if (prefix.empty() || ec != std::errc() || end != prefix.data() + prefix.size() || length > max_length)
            fail(where,
                 "the prefix length must be 1.." + std::to_string(max_length) + " for this address family, got " + echo(text));
        cidr.prefix_length = length;
    }
    // /0 would believe every client's X-Forwarded-For, which is the same as believing none of the
    // addresses the gateway sees.
    if (cidr.prefix_length == 0) fail(where, "a /0 block would trust every client to name its own address, got " + echo(text));
    // 192.0.2.1/24 is ambiguous (a host, or its network?): make the operator say which.
    if (core::masked(cidr.network, cidr.prefix_length) != cidr.network)
        fail(where, "has bits set after the /" + std::to_string(cidr.prefix_length) + " prefix; write the network address, got " +
                        echo(text));
    return cidr;
}

// The URL clients are told to call (the WSDL's soap:address), so it must be one they can call.
void check_public_url(const std::string& text, const Where& where) {
    // The value is not echoed: a URL with user info may carry a password.
    Poco::URI uri;
    try {
        uri = Poco::URI(text);
    } catch (const Poco::SyntaxException&) {
        fail(where, "is not a valid URL");
    }
    if (uri.getScheme() != "https")
        fail(where,
             "must be an https:// URL" + (uri.getScheme().empty() ? std::string() : ", got scheme '" + uri.getScheme() + "'"));
    if (uri.getHost().empty()) fail(where, "must name a host (https://HOST[:PORT]/PATH)");
    if (!uri.getUserInfo().empty()) fail(where, "must not contain a user name or password");
    if (!uri.getRawQuery().empty() || !uri.getFragment().empty())
        fail(where, "must not have a query or fragment (clients append ?wsdl themselves)");
}

std::string resolve_path(const std::string& base_dir, const std::string& path) {
    if (path.empty() || base_dir.empty() || fs::path(path).is_absolute()) return path;
    return (fs::path(base_dir) / path).lexically_normal().string();
}

// Lines remembered for checks made after the walk (required keys, the key file).
struct Lines {
    int dns = 0;
    int key_file = 0;
    int key_name = 0;
    int tls = 0;
    int proxy_protocol = 0;
};

void read_listen(const YAML::Node& node, const Where& where, ListenConfig& out, Lines& lines) {
    read_mapping(node, where,
                 {
                     {"addresses",
                      [&](const YAML::Node& value, const Where& at) {
                          std::vector<std::string> addresses;
                          read_sequence(value, at, "IP addresses", [&](const YAML::Node& item, const Where& item_at) {
                              const std::string address = read_ip(item, item_at).toString();
                              if (std::find(addresses.begin(), addresses.end(), address) != addresses.end())
                                  fail(item_at, "is listed twice: " + echo(address));
                              addresses.push_back(address);
                          });
                          if (addresses.empty()) fail(at, "must list at least one address to listen on");
                          out.addresses = std::move(addresses);
                      }},
                     {"port", [&](const YAML::Node& value,
                                  const Where& at) { out.port = read_integer<std::uint16_t>(value, at, 1, 65535); }},
                     {"proxy_protocol",
                      [&](const YAML::Node& value, const Where& at) {
                          lines.proxy_protocol = at.line;
                          out.proxy_protocol = read_bool(value, at);
                      }},
                 });
}

void read_tls(const YAML::Node& node, const Where& where, TlsConfig& out) {
    read_mapping(node, where,
                 {
                     {"certificate", [&](const YAML::Node& value, const Where& at) { out.certificate = read_string(value, at); }},
                     {"private_key", [&](const YAML::Node& value, const Where& at) { out.private_key = read_string(value, at); }},
                 });
}

// "Example.COM." → "example.com"; the zone must have a dot inside (a customer zone, not a TLD).
std::string read_zone(const YAML::Node& node, const Where& where) {
    std::string zone = Poco::toLower(read_string(node, where));
    if (!zone.empty() && zone.back() == '.') zone.pop_back();
    const auto dot = zone.find('.');
    if (zone.size() > 253 || dot == std::string::npos || dot == 0 || zone.find("..") != std::string::npos ||
        zone.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-._") != std::string::npos)
        fail(where, "must be a zone name such as example.com, got " + echo(zone));
    return zone;
}

PrimaryConfig read_primary(const YAML::Node& node, const Where& where, std::vector<std::string>& seen) {
    PrimaryConfig primary;
    primary.line = where.line;
    read_mapping(
        node, where,
        {
            {"address", [&](const YAML::Node& value, const Where& at) { primary.address = read_ip(value, at).toString(); }},
            {"port",
             [&](const YAML::Node& value, const Where& at) { primary.port = read_integer<std::uint16_t>(value, at, 1, 65535); }},
            {"key_file", [&](const YAML::Node& value, const Where& at) { primary.key_file = read_string(value, at); }},
            {"key_name", [&](const YAML::Node& value, const Where& at) { primary.key_name = read_string(value, at); }},
            {"timeout_ms",
             [&](const YAML::Node& value, const Where& at) {
                 primary.timeout = std::chrono::milliseconds(read_integer<std::int64_t>(value, at, kMinTimeoutMs, kMaxTimeoutMs));
             }},
            {"attempts", [&](const YAML::Node& value,
                             const Where& at) { primary.attempts = read_integer<unsigned>(value, at, 1, kMaxAttempts); }},
            {"zones",
             [&](const YAML::Node& value, const Where& at) {
                 read_sequence(value, at, "zone names", [&](const YAML::Node& item, const Where& item_at) {
                     const std::string zone = read_zone(item, item_at);
                     if (std::find(seen.begin(), seen.end(), zone) != seen.end())
                         fail(item_at, "zone " + echo(zone) + " is given to more than one primary");
                     seen.push_back(zone);
                     primary.zones.push_back(zone);
                 });
             }},
        });
    if (primary.address.empty()) fail(where, "address: required: the primary's IP address");
    if (primary.zones.empty()) fail(where, "zones: required: the zones this primary serves");
    return primary;
}

std::optional<std::pair<std::string, std::uint16_t>> read_address_port(const YAML::Node& value, const Where& at);

void read_dns(const YAML::Node& node, const Where& where, DnsConfig& out, Lines& lines) {
    read_mapping(
        node, where,
        {
            {"primary", [&](const YAML::Node& value, const Where& at) { out.primary = read_ip(value, at).toString(); }},
            {"port",
             [&](const YAML::Node& value, const Where& at) { out.port = read_integer<std::uint16_t>(value, at, 1, 65535); }},
            {"key_file",
             [&](const YAML::Node& value, const Where& at) {
                 out.key_file = read_string(value, at);
                 lines.key_file = at.line;
             }},
            {"key_name",
             [&](const YAML::Node& value, const Where& at) {
                 out.key_name = read_string(value, at);
                 lines.key_name = at.line;
             }},
            {"timeout_ms",
             [&](const YAML::Node& value, const Where& at) {
                 out.timeout = std::chrono::milliseconds(read_integer<std::int64_t>(value, at, kMinTimeoutMs, kMaxTimeoutMs));
             }},
            {"attempts", [&](const YAML::Node& value,
                             const Where& at) { out.attempts = read_integer<unsigned>(value, at, 1, kMaxAttempts); }},
            {"call_deadline_ms",
             [&](const YAML::Node& value, const Where& at) {
                 out.call_deadline =
                     std::chrono::milliseconds(read_integer<std::int64_t>(value, at, kMinTimeoutMs, kMaxTimeoutMs));
             }},
            {"ttl",
             [&](const YAML::Node& value, const Where& at) { out.ttl = read_integer<std::uint32_t>(value, at, 1, kMaxTtl); }},
            {"max_batch",
             [&](const YAML::Node& value, const Where& at) { out.max_batch = read_integer<unsigned>(value, at, 1, kMaxBatch); }},
            {"notify_listen",
             [&](const YAML::Node& value, const Where& at) {
                 const auto listen = read_address_port(value, at);
                 out.notify_listen =
                     listen ? (listen->first.find(':') != std::string::npos ? "[" + listen->first + "]" : listen->first) + ":" +
                                  std::to_string(listen->second)
                            : "";
             }},
            {"zone_refresh_s",
             [&](const YAML::Node& value, const Where& at) {
                 out.zone_refresh = std::chrono::seconds(read_integer<std::int64_t>(value, at, 1, 86400));
             }},
            {"primaries",
             [&](const YAML::Node& value, const Where& at) {
                 std::vector<std::string> seen;
                 read_sequence(value, at, "primaries (address, port, key_file, key_name, zones)",
                               [&](const YAML::Node& item, const Where& item_at) {
                                   out.primaries.push_back(read_primary(item, item_at, seen));
                               });
             }},
        });
}

// A libpq connection string; libpq itself reads it when the store opens. Messages never quote it
// (it may hold a password).
constexpr std::size_t kMaxConnectionStringBytes = 4096;

void read_store(const YAML::Node& node, const Where& where, StoreConfig& out) {
    bool path_given = false;
    read_mapping(node, where,
                 {
                     {"path",
                      [&](const YAML::Node& value, const Where& at) {
                          out.path = read_string(value, at);
                          path_given = true;
                      }},
                     {"postgresql",
                      [&](const YAML::Node& value, const Where& at) {
                          if (!value.IsScalar() || value.Scalar().empty()) fail(at, "must be a libpq connection string");
                          const std::string& text = value.Scalar();
                          if (text.size() > kMaxConnectionStringBytes ||
                              std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }))
                              fail(at, "must be a libpq connection string of at most 4096 bytes without control characters");
                          out.postgresql = text;
                      }},
                     {"history_days", [&](const YAML::Node& value,
                                          const Where& at) { out.history_days = read_integer<unsigned>(value, at, 0, 36500); }},
                 });
    if (path_given && !out.postgresql.empty()) fail(where, "path and postgresql name two stores: give one");
}

void read_limits(const YAML::Node& node, const Where& where, LimitsConfig& out) {
    read_mapping(
        node, where,
        {
            {"max_body_bytes",
             [&](const YAML::Node& value, const Where& at) {
                 out.max_body_bytes = read_integer<std::size_t>(value, at, kMinBodyBytes, kMaxBodyBytes);
             }},
            {"max_header_bytes",
             [&](const YAML::Node& value, const Where& at) {
                 out.max_header_bytes = read_integer<std::size_t>(value, at, kMinHeaderBytes, kMaxHeaderBytes);
             }},
            {"max_uri_bytes",
             [&](const YAML::Node& value, const Where& at) {
                 out.max_uri_bytes = read_integer<std::size_t>(value, at, kMinUriBytes, kMaxUriBytes);
             }},
            {"max_threads", [&](const YAML::Node& value,
                                const Where& at) { out.max_threads = read_integer<unsigned>(value, at, 1, kMaxThreads); }},
            {"max_queue",
             [&](const YAML::Node& value, const Where& at) { out.max_queue = read_integer<unsigned>(value, at, 1, kMaxQueue); }},
            {"handshake_timeout_ms",
             [&](const YAML::Node& value, const Where& at) {
                 out.handshake_timeout =
                     std::chrono::milliseconds(read_integer<std::int64_t>(value, at, kMinEdgeTimeoutMs, kMaxEdgeTimeoutMs));
             }},
            {"head_timeout_ms",
             [&](const YAML::Node& value, const Where& at) {
                 out.head_timeout =
                     std::chrono::milliseconds(read_integer<std::int64_t>(value, at, kMinEdgeTimeoutMs, kMaxEdgeTimeoutMs));
             }},
            {"body_timeout_ms",
             [&](const YAML::Node& value, const Where& at) {
                 out.body_timeout =
                     std::chrono::milliseconds(read_integer<std::int64_t>(value, at, kMinEdgeTimeoutMs, kMaxEdgeTimeoutMs));
             }},
            {"keep_alive_timeout_ms",
             [&](const YAML::Node& value, const Where& at) {
                 out.keep_alive_timeout =
                     std::chrono::milliseconds(read_integer<std::int64_t>(value, at, kMinEdgeTimeoutMs, kMaxEdgeTimeoutMs));
             }},
            {"max_connections",
             [&](const YAML::Node& value, const Where& at) {
                 out.max_connections = read_integer<std::size_t>(value, at, 1, kMaxConnections);
             }},
            {"max_connections_per_address",
             [&](const YAML::Node& value, const Where& at) {
                 out.max_connections_per_address = read_integer<std::size_t>(value, at, 1, kMaxConnections);
             }},
            {"max_requests_per_address",
             [&](const YAML::Node& value, const Where& at) {
                 out.max_requests_per_address = read_integer<std::size_t>(value, at, 1, kMaxConnections);
             }},
            {"max_keep_alive_requests",
             [&](const YAML::Node& value, const Where& at) {
                 out.max_keep_alive_requests = read_integer<unsigned>(value, at, 1, kMaxKeepAliveRequests);
             }},
            {"calls_per_minute", [&](const YAML::Node& value,
                                     const Where& at) { out.calls_per_minute = read_integer<unsigned>(value, at, 0, 1000000); }},
        });
}

// "127.0.0.1:9192", "[::1]:9192", or "" (none: nullopt). An IP literal only: a name would need a
// lookup at start.
std::optional<std::pair<std::string, std::uint16_t>> read_address_port(const YAML::Node& value, const Where& at) {
    // "" is a value here, not a missing one: it turns the listener off.
    if (!value.IsScalar()) fail(at, "must be a string, got " + describe(value));
    const std::string text = value.Scalar();
    if (text.empty()) return std::nullopt;
    Poco::Net::IPAddress address;
    unsigned port = 0;
    try {
        const Poco::URI uri("http://" + text);
        port = uri.getPort();
        if (!parse_ip(uri.getHost(), address) || uri.getPath().size() > 0 || port == 0 || text.find(':') == std::string::npos)
            throw Poco::SyntaxException(text);
    } catch (const Poco::Exception&) {
        fail(at,
             "must be ADDRESS:PORT with an IP address (\"127.0.0.1:9192\", \"[::1]:9192\") or \"\" for none, got " + echo(text));
    }
    return std::pair{address.toString(), static_cast<std::uint16_t>(port)};
}

void read_metrics(const YAML::Node& node, const Where& where, MetricsConfig& out) {
    read_mapping(node, where,
                 {
                     {"listen",
                      [&](const YAML::Node& value, const Where& at) {
                          const auto listen = read_address_port(value, at);
                          out.enabled = listen.has_value();
                          if (!listen) return;
                          out.address = listen->first;
                          out.port = listen->second;
                      }},
                 });
}

void read_log(const YAML::Node& node, const Where& where, LogConfig& out) {
    read_mapping(node, where,
                 {
                     {"level",
                      [&](const YAML::Node& value, const Where& at) {
                          const std::string text = read_string(value, at);
                          static const std::pair<const char*, LogLevel> kLevels[] = {{"error", LogLevel::Error},
                                                                                     {"warning", LogLevel::Warning},
                                                                                     {"notice", LogLevel::Notice},
                                                                                     {"info", LogLevel::Info},
                                                                                     {"debug", LogLevel::Debug}};
                          for (const auto& [name, level] : kLevels)
                              if (text == name) {
                                  out.level = level;
                                  return;
                              }
                          fail(at, "must be one of error, warning, notice, info, debug, got " + echo(text));
                      }},
                 });
}

void read_acme(const YAML::Node& node, const Where& where, AcmeConfig& out) {
    read_mapping(node, where,
                 {
                     {"ttl", [&](const YAML::Node& value,
                                 const Where& at) { out.ttl = read_integer<std::uint32_t>(value, at, 1, kMaxTtl); }},
                 });
}

YAML::Node parse_document(const std::string& text, const std::string& origin) {
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(text);
    } catch (const YAML::Exception& e) {
        throw ConfigError(origin, e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "YAML syntax error: " + e.msg);
    }
    if (documents.empty()) return YAML::Node(YAML::NodeType::Null);
    if (documents.size() > 1)
        throw ConfigError(origin, line_of(documents[1]), "",
                          "more than one YAML document; the configuration is a single mapping");
    return documents.front();
}

void load_tsig_key(DnsConfig& out, const std::string& origin, const Lines& lines) {
    // load_key's messages name the key file and what is wrong in it, and never a secret.
    try {
        out.key = dns::load_key(out.key_file, out.key_name);
    } catch (const dns::KeyNotFoundError& e) {
        throw ConfigError(origin, lines.key_name > 0 ? lines.key_name : lines.key_file, "dns.key_name", e.what());
    } catch (const dns::KeyFileError& e) {
        throw ConfigError(origin, lines.key_file, "dns.key_file", e.what());
    }
}

std::string format_message(const std::string& file, int line, const std::string& key, const std::string& problem) {
    std::string message = file;
    if (line > 0) message += ":" + std::to_string(line);
    message += ": ";
    if (!key.empty()) message += key + ": ";
    return message + problem;
}

} // namespace

ConfigError::ConfigError(std::string file, int line, std::string key, const std::string& problem)
    : std::runtime_error(format_message(file, line, key, problem)), file_(std::move(file)), line_(line), key_(std::move(key)) {}

GatewayConfig parse_config(const std::string& yaml_text, const std::string& origin, const std::string& base_dir) {
    const YAML::Node root = parse_document(yaml_text, origin);
    GatewayConfig config;
    Lines lines;
    read_mapping(root, Where{origin, "", line_of(root)},
                 {
                     {"listen", [&](const YAML::Node& value, const Where& at) { read_listen(value, at, config.listen, lines); }},
                     {"tls",
                      [&](const YAML::Node& value, const Where& at) {
                          lines.tls = at.line;
                          read_tls(value, at, config.tls);
                      }},
                     {"public_url",
                      [&](const YAML::Node& value, const Where& at) {
                          config.public_url = read_string(value, at);
                          check_public_url(config.public_url, at);
                      }},
                     {"dns",
                      [&](const YAML::Node& value, const Where& at) {
                          lines.dns = at.line;
                          read_dns(value, at, config.dns, lines);
                      }},
                     {"store", [&](const YAML::Node& value, const Where& at) { read_store(value, at, config.store); }},
                     {"trusted_proxies",
                      [&](const YAML::Node& value, const Where& at) {
                          read_sequence(value, at, "addresses or address/prefix blocks",
                                        [&](const YAML::Node& item, const Where& item_at) {
                                            config.trusted_proxies.push_back(read_cidr(item, item_at));
                                        });
                      }},
                     {"allow_private_addresses",
                      [&](const YAML::Node& value, const Where& at) { config.allow_private_addresses = read_bool(value, at); }},
                     {"limits", [&](const YAML::Node& value, const Where& at) { read_limits(value, at, config.limits); }},
                     {"metrics", [&](const YAML::Node& value, const Where& at) { read_metrics(value, at, config.metrics); }},
                     {"log", [&](const YAML::Node& value, const Where& at) { read_log(value, at, config.log); }},
                     {"acme", [&](const YAML::Node& value, const Where& at) { read_acme(value, at, config.acme); }},
                 });

    if (config.dns.key_file.empty())
        throw ConfigError(origin, lines.dns, "dns.key_file",
                          "required: the BIND key file (tsig-keygen output) holding the gateway's TSIG key");
    // Half a TLS setup is a mistake, not a request for the default; whether the files exist and
    // match is checked by the server when it starts, since this also runs for --check-config on a
    // machine that may not hold them.
    if (config.tls.certificate.empty() != config.tls.private_key.empty())
        throw ConfigError(origin, lines.tls, config.tls.certificate.empty() ? "tls.certificate" : "tls.private_key",
                          "required when tls." + std::string(config.tls.certificate.empty() ? "private_key" : "certificate") +
                              " is set");

    // Nobody could connect: refused here rather than found out from a silent service.
    if (config.listen.proxy_protocol && config.trusted_proxies.empty())
        throw ConfigError(origin, lines.proxy_protocol, "listen.proxy_protocol",
                          "needs trusted_proxies: only the proxies listed there may connect and name the client");

    // Relative to the config file, not the working directory, so the gateway finds the same files
    // however it is started; defaults included.
    config.tls.certificate = resolve_path(base_dir, config.tls.certificate);
    config.tls.private_key = resolve_path(base_dir, config.tls.private_key);
    config.store.path = resolve_path(base_dir, config.store.path);
    config.dns.key_file = resolve_path(base_dir, config.dns.key_file);

    load_tsig_key(config.dns, origin, lines);
    for (std::size_t i = 0; i < config.dns.primaries.size(); ++i) {
        PrimaryConfig& primary = config.dns.primaries[i];
        const std::string key = "dns.primaries[" + std::to_string(i) + "]";
        primary.key_file = primary.key_file.empty() ? config.dns.key_file : resolve_path(base_dir, primary.key_file);
        if (primary.key_name.empty()) primary.key_name = config.dns.key_name;
        try {
            primary.key = dns::load_key(primary.key_file, primary.key_name);
        } catch (const dns::KeyNotFoundError& e) {
            throw ConfigError(origin, primary.line, key + ".key_name", e.what());
        } catch (const dns::KeyFileError& e) {
            throw ConfigError(origin, primary.line, key + ".key_file", e.what());
        }
    }
    return config;
}

GatewayConfig load_config(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw ConfigError(path, 0, "", "is a directory, not a configuration file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(path, 0, "", "cannot open: " + std::error_code(errno, std::generic_category()).message());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw ConfigError(path, 0, "", "cannot read: " + std::error_code(errno, std::generic_category()).message());

    fs::path absolute = fs::absolute(path, ec);
    if (ec) absolute = path;
    return parse_config(text, path, absolute.parent_path().string());
}

} // namespace dyndns::config
