// Resolves the caller's address through trusted proxies from the one configured header (RFC 7239 Forwarded, X-Forwarded-For).
#include "core/caller_address.h"

#include <algorithm>

#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/String.h>

#include "core/address_policy.h"

namespace dyndns::core {
namespace {

bool is_trusted(const Poco::Net::IPAddress& address, const std::vector<Cidr>& trusted) {
    return std::any_of(trusted.begin(), trusted.end(), [&](const Cidr& c) { return c.contains(address); });
}

// RFC 7239 6: a node is an IPv4 address, a bracketed IPv6 address, either with an optional
// ":port", or an obfuscated identifier / "unknown" (which name no address).
std::optional<Poco::Net::IPAddress> forwarded_node(std::string node) {
    node = Poco::trim(node);
    if (node.size() >= 2 && node.front() == '"' && node.back() == '"') node = node.substr(1, node.size() - 2);
    if (!node.empty() && node.front() == '[') {
        const auto close = node.find(']');
        if (close == std::string::npos) return std::nullopt;
        return parse_address(node.substr(1, close - 1));
    }
    if (const auto colon = node.find(':'); colon != std::string::npos && node.find(':', colon + 1) == std::string::npos)
        node = node.substr(0, colon); // IPv4 with a port
    return parse_address(node);
}

// The hops a header lists, nearest last. Poco splits the comma list and the ;-parameters
// with quoting rules, so the header is not taken apart by hand.
std::vector<std::optional<Poco::Net::IPAddress>> forwarded_hops(const std::string& forwarded) {
    std::vector<std::string> elements;
    Poco::Net::MessageHeader::splitElements(forwarded, elements, true);
    std::vector<std::optional<Poco::Net::IPAddress>> hops;
    for (const std::string& element : elements) {
        std::string first;
        Poco::Net::NameValueCollection parameters;
        // splitParameters expects "value; name=value…": give it an empty leading value.
        Poco::Net::MessageHeader::splitParameters(";" + element, first, parameters);
        std::optional<Poco::Net::IPAddress> hop;
        for (const auto& [name, value] : parameters)
            if (Poco::icompare(name, "for") == 0) hop = forwarded_node(value);
        hops.push_back(hop);
    }
    return hops;
}

std::vector<std::optional<Poco::Net::IPAddress>> x_forwarded_for_hops(const std::string& header) {
    std::vector<std::string> elements;
    Poco::Net::MessageHeader::splitElements(header, elements, true);
    std::vector<std::optional<Poco::Net::IPAddress>> hops;
    for (const std::string& element : elements) hops.push_back(forwarded_node(element));
    return hops;
}

} // namespace

std::optional<Poco::Net::IPAddress> caller_address(const ClientInfo& client, const std::vector<Cidr>& trusted_proxies,
                                                   ForwardingHeader header) {
    const auto peer = parse_address(client.peer_address);
    if (!peer || header == ForwardingHeader::ProxyProtocol || !is_trusted(*peer, trusted_proxies)) return peer;

    const auto hops =
        header == ForwardingHeader::Forwarded ? forwarded_hops(client.forwarded) : x_forwarded_for_hops(client.x_forwarded_for);
    // From the nearest hop back: each trusted proxy vouches for the hop before it; the first
    // untrusted hop is the client. An entry that is not an address ends the chain of trust, and
    // nothing further from us than that is believed.
    Poco::Net::IPAddress nearest_believed = *peer;
    for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
        if (!*hop) break;
        nearest_believed = **hop;
        if (!is_trusted(**hop, trusted_proxies)) break;
    }
    return unmapped(nearest_believed);
}

} // namespace dyndns::core
