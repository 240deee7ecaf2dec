// Interface-identifier rules and delegated prefixes: parsing, and prefix + identifier with Poco's address masking.
#include "vocabulary/interface_id.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include <Poco/NumberFormatter.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include "vocabulary/cidr.h"

namespace dyndns::core {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

Bytes bytes_of(const Poco::Net::IPAddress& address) {
    Bytes bytes{};
    std::memcpy(bytes.data(), address.addr(), bytes.size());
    return bytes;
}

Poco::Net::IPAddress address_of(const Bytes& bytes) {
    return Poco::Net::IPAddress(bytes.data(), static_cast<poco_socklen_t>(bytes.size()));
}

bool all_zero(const Bytes& bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](std::uint8_t b) { return b == 0; });
}

// Keeps the bits from `from_bit` on (0 = the most significant), clearing those before it.
Bytes low_bits(Bytes bytes, unsigned from_bit) {
    for (unsigned bit = 0; bit < from_bit && bit < 128; ++bit) bytes[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
    return bytes;
}

// "00:1a:2b:3c:4d:5e" or "00-1a-2b-3c-4d-5e": six bytes, or nothing.
std::optional<std::array<std::uint8_t, 6>> parse_mac(const std::string& text) {
    if (text.size() != 17) return std::nullopt;
    const char separator = text[2];
    if (separator != ':' && separator != '-') return std::nullopt;
    const Poco::StringTokenizer parts(text, std::string(1, separator));
    if (parts.count() != 6) return std::nullopt;
    std::array<std::uint8_t, 6> mac{};
    for (std::size_t i = 0; i < 6; ++i) {
        unsigned value = 0;
        if (parts[i].size() != 2 || !std::isxdigit(static_cast<unsigned char>(parts[i][0])) ||
            !std::isxdigit(static_cast<unsigned char>(parts[i][1])) || !Poco::NumberParser::tryParseHex(parts[i], value))
            return std::nullopt;
        mac[i] = static_cast<std::uint8_t>(value);
    }
    return mac;
}

// "::a:b:c:d": the groups from the first that is not zero, uncompressed. (Poco and inet_ntop
// print an identifier in the low 32 bits as "::0.0.0.5", an IPv4-compatible address.)
std::string identifier_text(const Bytes& bits) {
    std::string text = ":";
    bool started = false;
    for (std::size_t group = 0; group < 8; ++group) {
        const unsigned value = (unsigned{bits[group * 2]} << 8) | bits[group * 2 + 1];
        if (!started && value == 0) continue;
        started = true;
        text += ":" + Poco::toLower(Poco::NumberFormatter::formatHex(value));
    }
    return text;
}

} // namespace

std::optional<InterfaceIdRule> InterfaceIdRule::parse(const std::string& raw) {
    const std::string text = Poco::toLower(Poco::trim(raw));
    InterfaceIdRule rule;
    if (text == "preserve") {
        rule.kind = Kind::Preserve;
        rule.text = text;
        return rule;
    }
    if (const auto mac = parse_mac(text)) {
        // RFC 4291 appendix A: the MAC's halves around ff:fe, the universal/local bit inverted.
        rule.kind = Kind::Eui64;
        rule.bits = {
            0,         0,         0,    0,    0,         0,         0,        0, static_cast<std::uint8_t>((*mac)[0] ^ 0x02),
            (*mac)[1], (*mac)[2], 0xff, 0xfe, (*mac)[3], (*mac)[4], (*mac)[5]};
        std::string canonical = text;
        std::replace(canonical.begin(), canonical.end(), '-', ':');
        rule.text = canonical;
        return rule;
    }
    Poco::Net::IPAddress identifier;
    if (text.find(':') == std::string::npos || text.find('%') != std::string::npos ||
        !Poco::Net::IPAddress::tryParse(text, identifier) || identifier.family() != Poco::Net::IPAddress::IPv6)
        return std::nullopt;
    rule.bits = bytes_of(identifier);
    if (all_zero(rule.bits) || low_bits(rule.bits, kShortestPrefix) != rule.bits) return std::nullopt;
    rule.kind = Kind::Static;
    rule.text = identifier_text(rule.bits);
    return rule;
}

std::optional<DelegatedPrefix> DelegatedPrefix::parse(const std::string& text) {
    const auto slash = text.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == text.size() || slash + 4 < text.size()) return std::nullopt;
    const std::string address_text = text.substr(0, slash);
    const std::string length_text = text.substr(slash + 1);
    if (!std::all_of(length_text.begin(), length_text.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
    const unsigned length = static_cast<unsigned>(std::stoul(length_text));
    Poco::Net::IPAddress address;
    if (length > 128 || address_text.find(':') == std::string::npos || address_text.find('%') != std::string::npos ||
        !Poco::Net::IPAddress::tryParse(address_text, address) || address.family() != Poco::Net::IPAddress::IPv6)
        return std::nullopt;
    return DelegatedPrefix{masked(address, length), length};
}

DelegatedPrefix DelegatedPrefix::shortened(unsigned new_length) const {
    return DelegatedPrefix{masked(network, std::min(new_length, length)), std::min(new_length, length)};
}

bool DelegatedPrefix::is_global_unicast() const { return length >= 3 && (bytes_of(network)[0] & 0xe0) == 0x20; }

std::string DelegatedPrefix::to_string() const { return network.toString() + "/" + std::to_string(length); }

std::optional<Poco::Net::IPAddress> derived_address(const DelegatedPrefix& prefix, const InterfaceIdRule& rule,
                                                    const std::optional<Poco::Net::IPAddress>& current) {
    Bytes host{};
    if (rule.kind == InterfaceIdRule::Kind::Preserve) {
        if (!current || current->family() != Poco::Net::IPAddress::IPv6) return std::nullopt;
        host = low_bits(bytes_of(*current), prefix.length);
    } else {
        host = low_bits(rule.bits, prefix.length);
    }
    if (all_zero(host)) return std::nullopt;
    Bytes address = bytes_of(prefix.network);
    for (std::size_t i = 0; i < address.size(); ++i) address[i] |= host[i];
    return address_of(address);
}

} // namespace dyndns::core
