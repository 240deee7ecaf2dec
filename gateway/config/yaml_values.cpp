// Readers for one YAML value of each kind, with the messages that name what was wrong and what was expected.
#include "config/yaml_values.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <system_error>

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/URI.h>

namespace dyndns::config {
namespace {

// Long enough to recognise a mistyped value, short enough that a pasted blob cannot swamp the message.
constexpr std::size_t kEchoLimit = 64;

// yaml-cpp counts lines from 0 and marks synthesised nodes with -1.
} // namespace

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

Where Where::at(const std::string& child, int child_line) const {
    return Where{origin, path.empty() ? child : path + "." + child, child_line};
}

Where Where::item(std::size_t index, const YAML::Node& node) const {
    const int item_line = line_of(node);
    return Where{origin, path + "[" + std::to_string(index) + "]", item_line > 0 ? item_line : line};
}

[[noreturn]] void fail(const Where& where, const std::string& problem) {
    throw ConfigError(where.origin, where.line, where.path, problem);
}

void read_mapping(const YAML::Node& node, const Where& where, const std::vector<std::string>& known,
                  const std::function<void(const std::string& name, const YAML::Node& value, const Where& at)>& read) {
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

        if (std::find(known.begin(), known.end(), name) == known.end()) {
            std::string names;
            for (const std::string& k : known) names += (names.empty() ? "" : ", ") + k;
            fail(child, "unknown key (known here: " + names + ")");
        }
        read(name, entry.second, child);
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
long long read_integer(const YAML::Node& node, const Where& where, long long min, long long max) {
    const std::string expected = "must be an integer " + std::to_string(min) + ".." + std::to_string(max);
    if (!node.IsScalar()) fail(where, expected + ", got " + describe(node));
    const std::string& text = node.Scalar();
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < min || value > max)
        fail(where, expected + ", got " + describe(node));
    return value;
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
    // Poco 1.11's tryParse refuses the IPv6 wildcard its own constructor accepts.
    if (text == "::") {
        address = Poco::Net::IPAddress(Poco::Net::IPAddress::IPv6);
        return true;
    }
    if (!Poco::Net::IPAddress::tryParse(text, address)) return false;
    return address.family() != Poco::Net::IPAddress::IPv4 || address.toString() == text;
}

Poco::Net::IPAddress read_ip(const YAML::Node& node, const Where& where) {
    const std::string text = read_string(node, where);
    Poco::Net::IPAddress address;
    if (!parse_ip(text, address)) fail(where, "must be an IPv4 or IPv6 address, got " + echo(text));
    return address;
}

Cidr read_cidr(const YAML::Node& node, const Where& where) {
    const std::string text = read_string(node, where);
    const core::CidrParse parsed = core::parse_cidr(text);
    if (!parsed.cidr) fail(where, parsed.error + ", got " + echo(text));
    // /0 would believe every client's X-Forwarded-For, which is the same as believing none of the
    // addresses the gateway sees.
    if (parsed.cidr->prefix_length == 0)
        fail(where, "a /0 block would trust every client to name its own address, got " + echo(text));
    return *parsed.cidr;
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

} // namespace dyndns::config
