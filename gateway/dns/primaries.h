// Which primary serves a zone: a default one, and others named per zone (dns.primaries), each with its own key and connections.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "dns/rfc2136_client.h"

namespace dyndns::dns {

class Primaries {
public:
    // Every zone goes to `default_primary` until add() names another primary for it. Implicit on
    // purpose: one client is a directory of one primary.
    Primaries(Rfc2136Client default_primary, std::string description = "the DNS primary"); // NOLINT

    // `zones` (lower case, no trailing dot) are served by `primary`; `description` names it in
    // messages ("192.0.2.54 port 53").
    void add(Rfc2136Client primary, std::string description, const std::vector<std::string>& zones);

    // The primary of the zone that holds `name`: the configured zone that is the longest suffix
    // of `name` at a label boundary, else the default.
    const Rfc2136Client& for_name(const std::string& name) const;
    const std::string& description_for(const std::string& name) const;

    struct Entry {
        Rfc2136Client client;
        std::string description;
        std::vector<std::string> zones; // empty for the default primary
    };
    const std::vector<Entry>& entries() const { return entries_; } // the default first

private:
    std::size_t index_for(const std::string& name) const;

    std::vector<Entry> entries_;
    std::unordered_map<std::string, std::size_t> by_zone_;
};

} // namespace dyndns::dns
