// Address parsing and the table of non-public ranges (IANA special-purpose registries, RFC 6890).
#include "core/address_policy.h"

#include <arpa/inet.h>

#include <array>
#include <vector>

namespace dyndns::core {
namespace {

using Poco::Net::IPAddress;

struct Block {
    const char* network;
    unsigned prefix;
    bool reachable; // "Globally Reachable" in the registry; only false (or absent) is refused
    const char* reason;
};

// Source: the IANA IPv4 and IPv6 Special-Purpose Address Registries
// (iana.org/assignments/iana-ipv4-special-registry, iana-ipv6-special-registry; RFC 6890),
// every entry whose "Globally Reachable" is False, and the True entries nested in them so the
// longest match decides. Added beyond the registries: multicast (224.0.0.0/4, ff00::/8), the
// deprecated site-local fec0::/10 (RFC 3879) and the IPv4-compatible ::/96 and IPv4-translated
// ::ffff:0:0:0/96 forms (RFC 4291 2.5.5.1, RFC 2765), which nobody routes. The documentation
// ranges are refused too; a test or demo setup allows them with allow_private_addresses.
// 64:ff9b::/96 (NAT64) and 2002::/16 (6to4) are reachable, but carry an IPv4 address that is
// judged by this table (see embedded_ipv4).
constexpr std::array kSpecialPurpose{
    Block{"0.0.0.0", 8, false, "an unspecified (0.0.0.0/8) address"},
    Block{"10.0.0.0", 8, false, "a private (RFC 1918) address"},
    Block{"100.64.0.0", 10, false, "a carrier-grade NAT (100.64.0.0/10) address"},
    Block{"127.0.0.0", 8, false, "a loopback address"},
    Block{"169.254.0.0", 16, false, "a link-local address"},
    Block{"172.16.0.0", 12, false, "a private (RFC 1918) address"},
    Block{"192.0.0.0", 24, false, "an IETF protocol assignment (192.0.0.0/24)"},
    Block{"192.0.0.9", 32, true, "PCP anycast"},
    Block{"192.0.0.10", 32, true, "TURN anycast"},
    Block{"192.0.2.0", 24, false, "a documentation (TEST-NET-1) address"},
    Block{"192.168.0.0", 16, false, "a private (RFC 1918) address"},
    Block{"198.18.0.0", 15, false, "a benchmarking (198.18.0.0/15) address"},
    Block{"198.51.100.0", 24, false, "a documentation (TEST-NET-2) address"},
    Block{"203.0.113.0", 24, false, "a documentation (TEST-NET-3) address"},
    Block{"224.0.0.0", 4, false, "a multicast address"},
    Block{"240.0.0.0", 4, false, "a reserved (240.0.0.0/4) or broadcast address"},

    Block{"::", 96, false, "a deprecated IPv4-compatible (::/96) address"},
    Block{"::", 128, false, "the unspecified address"},
    Block{"::1", 128, false, "a loopback address"},
    Block{"::ffff:0:0:0", 96, false, "an IPv4-translated (::ffff:0:0:0/96) address"},
    Block{"64:ff9b:1::", 48, false, "a local-use NAT64 (64:ff9b:1::/48) address"},
    Block{"100::", 64, false, "a discard-only (100::/64) address"},
    Block{"100:0:0:1::", 64, false, "a dummy (100:0:0:1::/64) address"},
    Block{"2001::", 23, false, "an IETF protocol assignment (2001::/23)"},
    Block{"2001::", 32, true, "Teredo"},
    Block{"2001:1::1", 128, true, "PCP anycast"},
    Block{"2001:1::2", 128, true, "TURN anycast"},
    Block{"2001:1::3", 128, true, "DNS-SD service registration anycast"},
    Block{"2001:2::", 48, false, "a benchmarking (2001:2::/48) address"},
    Block{"2001:3::", 32, true, "AMT"},
    Block{"2001:4:112::", 48, true, "AS112-v6"},
    Block{"2001:20::", 28, true, "ORCHIDv2"},
    Block{"2001:30::", 28, true, "drone remote ID"},
    Block{"2001:db8::", 32, false, "a documentation (2001:db8::/32) address"},
    Block{"3fff::", 20, false, "a documentation (3fff::/20) address"},
    Block{"5f00::", 16, false, "a segment routing (5f00::/16) address"},
    Block{"fc00::", 7, false, "a unique local (ULA, fc00::/7) address"},
    Block{"fe80::", 10, false, "a link-local address"},
    Block{"fec0::", 10, false, "a deprecated site-local (fec0::/10) address"},
    Block{"ff00::", 8, false, "a multicast address"},
};

// The table's networks parsed once: every call judges an address against all of them.
const std::vector<IPAddress>& networks() {
    static const std::vector<IPAddress> parsed = [] {
        std::vector<IPAddress> all;
        for (const Block& block : kSpecialPurpose) all.emplace_back(block.network);
        return all;
    }();
    return parsed;
}

// The most specific block holding `address`, if any.
const Block* longest_match(const IPAddress& address) {
    const Block* found = nullptr;
    const auto& parsed = networks();
    for (std::size_t i = 0; i < kSpecialPurpose.size(); ++i) {
        const Block& block = kSpecialPurpose[i];
        if (parsed[i].family() != address.family() || (found && block.prefix <= found->prefix)) continue;
        if (masked(address, block.prefix) == parsed[i]) found = &block;
    }
    return found;
}

struct Embedding {
    const char* network;
    unsigned prefix;
    std::size_t offset; // of the IPv4 address's first octet
    bool inverted; // stored with every bit flipped (Teredo's client address)
    const char* name;
};

// IPv6 forms that carry an IPv4 address: reachable only as far as that address is.
constexpr std::array kEmbeddings{
    Embedding{"64:ff9b::", 96, 12, false, "a NAT64 (64:ff9b::/96) address"}, // RFC 6052 2.1
    Embedding{"2002::", 16, 2, false, "a 6to4 (2002::/16) address"}, // RFC 3056 2
    Embedding{"2001::", 32, 4, false, "a Teredo (2001::/32) address whose server is"}, // RFC 4380 4
    Embedding{"2001::", 32, 12, true, "a Teredo (2001::/32) address whose client is"}, // RFC 4380 4, obfuscated
};

// Global unicast is 2000::/3 (RFC 4291 2.4); the registries' blocks above cover what lies inside
// it, and nothing outside it is routed on the Internet.
bool global_unicast_space(const IPAddress& address) {
    return (static_cast<const unsigned char*>(address.addr())[0] & 0xe0) == 0x20;
}

std::optional<std::string> reason_of(const IPAddress& address) {
    const Block* block = longest_match(address);
    if (block && !block->reachable) return std::string(block->reason);
    if (address.family() != IPAddress::IPv6) return std::nullopt;
    bool carries_ipv4 = false;
    static const std::array<IPAddress, kEmbeddings.size()> embedded_networks = [] {
        std::array<IPAddress, kEmbeddings.size()> parsed;
        for (std::size_t i = 0; i < kEmbeddings.size(); ++i) parsed[i] = IPAddress(kEmbeddings[i].network);
        return parsed;
    }();
    for (std::size_t i = 0; i < kEmbeddings.size(); ++i) {
        const Embedding& embedding = kEmbeddings[i];
        if (masked(address, embedding.prefix) != embedded_networks[i]) continue;
        carries_ipv4 = true;
        unsigned char octets[4];
        for (std::size_t k = 0; k < 4; ++k) {
            const auto octet = static_cast<const unsigned char*>(address.addr())[embedding.offset + k];
            octets[k] = embedding.inverted ? static_cast<unsigned char>(~octet) : octet;
        }
        if (const auto inner = reason_of(IPAddress(octets, 4))) return std::string(embedding.name) + " carrying " + *inner;
    }
    // NAT64's 64:ff9b::/96 lies outside 2000::/3 yet is routed (to a translator): judged above.
    if (!carries_ipv4 && !block && !global_unicast_space(address))
        return std::string("an IPv6 address outside global unicast (2000::/3)");
    return std::nullopt;
}

} // namespace

std::optional<Poco::Net::IPAddress> parse_address(const std::string& text) {
    unsigned char buffer[16];
    if (text.find('\0') != std::string::npos) return std::nullopt;
    if (inet_pton(AF_INET, text.c_str(), buffer) == 1) return Poco::Net::IPAddress(buffer, 4);
    if (inet_pton(AF_INET6, text.c_str(), buffer) == 1) return unmapped(Poco::Net::IPAddress(buffer, 16));
    return std::nullopt;
}

std::optional<std::string> non_public_reason(const Poco::Net::IPAddress& address) { return reason_of(unmapped(address)); }

} // namespace dyndns::core
