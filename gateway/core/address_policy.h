// Which addresses a customer may publish: strict parsing, IPv4-mapped unwrapping, and the non-public ranges refused behind NAT.
#pragma once

#include <optional>
#include <string>

#include <Poco/Net/IPAddress.h>

#include "vocabulary/cidr.h"

namespace dyndns::core {

// Parses an IPv4 dotted quad or an IPv6 address, strictly (inet_pton: no "127.1", no octal,
// no zone id). An IPv4-mapped IPv6 address (::ffff:192.0.2.1) comes back as the IPv4 address,
// so it is published as an A record. Nothing for anything else.
std::optional<Poco::Net::IPAddress> parse_address(const std::string& text);

// unmapped() (vocabulary/cidr.h) does the same unwrapping for an address already parsed.

// Why `address` cannot be reached from the Internet ("a private (RFC 1918) address", "a
// loopback address"…), or nothing when it is public: every block of the IANA special-purpose
// registries that is not globally reachable (documentation ranges included), multicast, and
// IPv6 forms carrying such an IPv4 address (IPv4-mapped, NAT64, 6to4).
std::optional<std::string> non_public_reason(const Poco::Net::IPAddress& address);

} // namespace dyndns::core
