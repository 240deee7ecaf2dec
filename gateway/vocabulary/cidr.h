// Address blocks (192.0.2.0/24, 2001:db8::/32) and the IPv4-mapped form, with Poco doing the masking: what config and core share.
#pragma once

#include <optional>
#include <string>

#include <Poco/Net/IPAddress.h>

namespace dyndns::core {

// `address` with every bit after the first `prefix_length` cleared (Poco's mask of that length).
Poco::Net::IPAddress masked(const Poco::Net::IPAddress& address, unsigned prefix_length);

// An IPv4-mapped IPv6 address (::ffff:192.0.2.1, RFC 4291 2.5.5.2) as the IPv4 address it
// carries; any other address as it is.
Poco::Net::IPAddress unmapped(const Poco::Net::IPAddress& address);

// An address block such as 192.0.2.0/24 or 2001:db8::/32; a bare address is a /32 or /128.
struct Cidr {
    Poco::Net::IPAddress network; // host bits are zero (the config loader refuses a block with host bits set)
    unsigned prefix_length = 0;

    // True when `address` is inside the block. An IPv4-mapped IPv6 address (what a dual-stack
    // socket reports for an IPv4 peer) matches the IPv4 block it maps to.
    bool contains(const Poco::Net::IPAddress& address) const;
    std::string to_string() const; // "192.0.2.0/24"
};

// "192.0.2.0/24", "2001:db8::/32", or a bare address (a /32 or /128). The error says what is
// wrong with `text` without repeating it: a block with host bits set (192.0.2.1/24) is refused,
// since it is ambiguous whether the host or its network was meant.
struct CidrParse {
    std::optional<Cidr> cidr;
    std::string error; // set when `cidr` is not
};
CidrParse parse_cidr(const std::string& text);

} // namespace dyndns::core
