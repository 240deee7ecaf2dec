// Router prefixes: a host's IPv6 interface-identifier rule, a delegated prefix, and the address they make together.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include <Poco/Net/IPAddress.h>

namespace dyndns::core {

// How a host behind a router finds its IPv6 address in the router's delegated prefix
// (docs/contract.md "Router prefixes"): the prefix's bits, then the host's own low bits.
struct InterfaceIdRule {
    enum class Kind {
        Static, // a fixed identifier, "::a:b:c:d"
        Eui64, // derived from a MAC address (RFC 4291 appendix A)
        Preserve, // the low bits the host's record already has
    };
    Kind kind = Kind::Static;
    std::array<std::uint8_t, 16> bits{}; // Static and Eui64: the identifier as an IPv6 address's 16 bytes
    std::string text; // canonical: "::a:b:c:d", "00:1a:2b:3c:4d:5e" (a MAC) or "preserve"

    // Parses "preserve", a MAC address ("00:1a:2b:3c:4d:5e" or with dashes, any case) or an
    // IPv6 identifier ("::a:b:c:d") whose bits all lie in the low 80 (the longest prefix is /48).
    // Nothing for anything else (an all-zero identifier included: it names the subnet's router).
    static std::optional<InterfaceIdRule> parse(const std::string& text);
};

// Hosts with an interface-identifier rule in one domain at most: one prefix moves all of them in one UPDATE.
constexpr std::size_t kMaxHostRules = 64;

// The shortest and longest delegated prefixes a domain may have (docs/contract.md "Router prefixes").
constexpr unsigned kShortestPrefix = 48;
constexpr unsigned kLongestPrefix = 64;

// A delegated IPv6 prefix as a router sends it, "2a00:1450:1:200::/56"; host bits are dropped.
struct DelegatedPrefix {
    Poco::Net::IPAddress network;
    unsigned length = 0;

    // Strict: an IPv6 address, "/", a length 0..128. Nothing for anything else (IPv4 included).
    static std::optional<DelegatedPrefix> parse(const std::string& text);
    // The same prefix cut to `length` bits (which must not exceed this one's).
    DelegatedPrefix shortened(unsigned new_length) const;
    bool is_global_unicast() const; // inside 2000::/3
    std::string to_string() const; // "2a00:1450:1:200::/56"
};

// The address of a host under `prefix`: the prefix's bits, then `rule`'s bits below its length
// (for Preserve, those of `current`, the host's address now). Nothing when the host part would be
// all zero (that address is the subnet's router anycast, RFC 4291 2.6.1), or for Preserve without
// a current address.
std::optional<Poco::Net::IPAddress> derived_address(const DelegatedPrefix& prefix, const InterfaceIdRule& rule,
                                                    const std::optional<Poco::Net::IPAddress>& current = std::nullopt);

} // namespace dyndns::core
