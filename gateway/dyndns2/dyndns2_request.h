// A dyndns2 update request read from its query: the host names and the addresses to publish.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace dyndns::dyndns2 {

constexpr std::size_t kMaxHosts = 20; // more is "numhost"

struct UpdateParameters {
    std::vector<std::string> hosts; // in request order; empty when hostname was absent or YES
    // At most one IPv4 and one IPv6 text; one empty text: the caller's address; none at all: a
    // prefix-only request (a router's second URL), which sets no address.
    std::vector<std::string> addresses;
    std::string prefix; // ip6lanprefix / ipv6prefix: a CIDR or "-"; empty when not given
};

// The answer code that ends the request early ("notfqdn", "numhost", "dnserr").
struct ParameterError {
    std::string code;
};

// Reads `hostname`, `myip` (IPv4, IPv6 or "v4,v6", each with an optional "/prefix" that is
// dropped), `myipv6` and the router's delegated prefix (`ip6lanprefix`, `ipv6prefix`) from a raw
// query string; `wildcard`, `mx`, `backmx`, `offline` and `system` are accepted and ignored. A
// value a router left as its template's placeholder ("<ipaddr>", "<ip6lanprefix>") is not given.
// Addresses and prefixes are only split here; the core validates them.
std::variant<UpdateParameters, ParameterError> read_update_parameters(const std::string& raw_query);

} // namespace dyndns::dyndns2
