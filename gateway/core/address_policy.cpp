// Address parsing and the table of non-public ranges (IANA special-purpose registries, RFC 6890).
#include "core/address_policy.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace dyndns::core {
namespace {

struct Range {
    const char* network;
    unsigned prefix;
    const char* reason;
};

// Ranges a customer's own line cannot have as its public address. Documentation ranges
// (192.0.2.0/24, 2001:db8::/32) are deliberately not here: they are what examples and tests use.
constexpr std::array kNonPublic{
    Range{"0.0.0.0", 8, "an unspecified (0.0.0.0/8) address"},
    Range{"10.0.0.0", 8, "a private (RFC 1918) address"},
    Range{"100.64.0.0", 10, "a carrier-grade NAT (100.64.0.0/10) address"},
    Range{"127.0.0.0", 8, "a loopback address"},
    Range{"169.254.0.0", 16, "a link-local address"},
    Range{"172.16.0.0", 12, "a private (RFC 1918) address"},
    Range{"192.168.0.0", 16, "a private (RFC 1918) address"},
    Range{"224.0.0.0", 4, "a multicast address"},
    Range{"240.0.0.0", 4, "a reserved (240.0.0.0/4) or broadcast address"},
    Range{"::", 128, "the unspecified address"},
    Range{"::1", 128, "a loopback address"},
    Range{"fe80::", 10, "a link-local address"},
    Range{"fc00::", 7, "a unique local (ULA, fc00::/7) address"},
    Range{"ff00::", 8, "a multicast address"},
};

bool in_range(const Poco::Net::IPAddress& address, const Range& range) {
    const Poco::Net::IPAddress network(range.network);
    if (network.family() != address.family()) return false;
    const auto* a = static_cast<const unsigned char*>(address.addr());
    const auto* n = static_cast<const unsigned char*>(network.addr());
    unsigned bits = range.prefix;
    for (std::size_t i = 0; bits > 0; ++i) {
        const unsigned take = bits >= 8 ? 8 : bits;
        const auto mask = static_cast<unsigned char>(0xFF << (8 - take));
        if ((a[i] & mask) != (n[i] & mask)) return false;
        bits -= take;
    }
    return true;
}

} // namespace

std::optional<Poco::Net::IPAddress> parse_address(const std::string& text) {
    unsigned char buffer[16];
    if (text.find('\0') != std::string::npos) return std::nullopt;
    if (inet_pton(AF_INET, text.c_str(), buffer) == 1) return Poco::Net::IPAddress(buffer, 4);
    if (inet_pton(AF_INET6, text.c_str(), buffer) == 1) return unmapped(Poco::Net::IPAddress(buffer, 16));
    return std::nullopt;
}

Poco::Net::IPAddress unmapped(const Poco::Net::IPAddress& address) {
    // RFC 4291 2.5.5.2: ::ffff:a.b.c.d carries the IPv4 address in its last four octets.
    if (address.family() == Poco::Net::IPAddress::IPv6 && address.isIPv4Mapped())
        return Poco::Net::IPAddress(static_cast<const unsigned char*>(address.addr()) + 12, 4);
    return address;
}

std::optional<std::string> non_public_reason(const Poco::Net::IPAddress& address) {
    for (const Range& range : kNonPublic)
        if (in_range(address, range)) return std::string(range.reason);
    return std::nullopt;
}

} // namespace dyndns::core
