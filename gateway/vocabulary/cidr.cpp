// Blocks parsed and compared by masking with Poco::Net::IPAddress (a mask built from the prefix length, then &), never bit by bit.
#include "vocabulary/cidr.h"

#include <charconv>

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

CidrParse parse_cidr(const std::string& text) {
    const std::size_t slash = text.find('/');
    Cidr cidr;
    const std::string address = text.substr(0, slash);
    // Poco 1.11's tryParse refuses the IPv6 wildcard its own constructor accepts; an IPv4 address
    // is taken only in its one plain form (not 010.1.2.3, which some read as octal).
    if (address == "::")
        cidr.network = Poco::Net::IPAddress(Poco::Net::IPAddress::IPv6);
    else if (!Poco::Net::IPAddress::tryParse(address, cidr.network) ||
             (cidr.network.family() == Poco::Net::IPAddress::IPv4 && cidr.network.toString() != address))
        return {std::nullopt, "must be an IP address or an address/prefix block"};
    const unsigned max_length = cidr.network.family() == Poco::Net::IPAddress::IPv4 ? 32U : 128U;
    cidr.prefix_length = max_length;
    if (slash != std::string::npos) {
        const std::string prefix = text.substr(slash + 1);
        unsigned length = 0;
        const auto [end, ec] = std::from_chars(prefix.data(), prefix.data() + prefix.size(), length);
        if (prefix.empty() || ec != std::errc() || end != prefix.data() + prefix.size() || length > max_length)
            return {std::nullopt, "the prefix length must be 1.." + std::to_string(max_length) + " for this address family"};
        cidr.prefix_length = length;
    }
    if (masked(cidr.network, cidr.prefix_length) != cidr.network)
        return {std::nullopt,
                "has bits set after the /" + std::to_string(cidr.prefix_length) + " prefix; write the network address"};
    return {cidr, ""};
}

} // namespace dyndns::core
