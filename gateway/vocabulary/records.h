// The records the gateway keeps (a customer's domain, a history row, a per-host token): plain data the core owns and the store persists.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace dyndns::core {

struct Domain {
    std::string name; // lower-case, no trailing dot
    std::string account; // owner
    bool dyndns = false; // the control panel's checkbox
    // The router's delegated prefix is cut to this length (48..64); 0: the length the router sends.
    unsigned prefix_length = 0;
};

// A host behind a customer's router (docs/contract.md "Router prefixes"): its AAAA follows the
// router's delegated prefix, the prefix's bits then the host's own interface identifier.
struct HostRule {
    std::string name; // lower-case, no trailing dot: the domain itself or a name under it
    std::string domain; // the customer's domain the name belongs to
    std::string ipv6; // the interface-identifier rule, canonical text (InterfaceIdRule::text)
};

struct HistoryEntry {
    std::int64_t id = 0; // assigned by the store
    std::chrono::system_clock::time_point time{};
    std::string name; // the name that was set
    std::string domain; // the customer's domain it belongs to
    std::string type; // "A" or "AAAA"
    std::string old_address; // empty if none
    std::string new_address;
    std::string caller_address;
    std::string protocol; // "xmlrpc", "soap", "dyndns2", "panel"
    std::string user_agent;
    std::string outcome; // core::outcome_name(HistoryOutcome), or the fault name, e.g. "DNS_REJECTED"
    std::string prefix; // the router's delegated prefix that moved this name ("2a00:1450:1:200::/56", "-"), else empty
};

// A per-host token: lets a router update one name and nothing else. The secret is shown once,
// when it is made; the store keeps only its hash.
struct Token {
    std::int64_t id = 0;
    std::string name; // the one name it may update
    std::string domain; // the customer's domain the name belongs to
    std::chrono::system_clock::time_point created{};
};

} // namespace dyndns::core
