// Blocks compared by masking with Poco::Net::IPAddress (a mask built from the prefix length, then &), never bit by bit.
#include "vocabulary/cidr.h"

namespace dyndns::core {

Poco::Net::IPAddress masked(const Poco::Net::IPAddress& address, unsigned prefix_length) {
    return address & Poco::Net::IPAddress(prefix_length, address.family());
}

Poco::Net::IPAddress unmapped(const Poco::Net::IPAddress& address) {
    // ::ffff:a.b.c.d carries the IPv4 address in its last four octets.
    if (address.family() == Poco::Net::IPAddress::IPv6 && address.isIPv4Mapped())
        return Poco::Net::IPAddress(static_cast<const unsigned char*>(address.addr()) + 12, 4);
    return address;
}

bool Cidr::contains(const Poco::Net::IPAddress& address) const {
    const Poco::Net::IPAddress candidate = network.family() == Poco::Net::IPAddress::IPv4 ? unmapped(address) : address;
    if (candidate.family() != network.family()) return false;
    return masked(candidate, prefix_length) == network;
}

std::string Cidr::to_string() const { return network.toString() + "/" + std::to_string(prefix_length); }

} // namespace dyndns::core
