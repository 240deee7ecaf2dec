// The records the gateway keeps (a customer's domain, a history row, a per-host token): plain data the core owns and the store persists.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "vocabulary/history_outcome.h"

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
    // A row of unchanged calls is a run (docs/contract.md "History"): `calls` of them, the first at
    // `time`, the last at `last_time`, the other fields the last call's. Any other row is one call.
    std::int64_t calls = 1;
    std::chrono::system_clock::time_point last_time{}; // when the last call of the row came; never before `time`
};

// Unchanged calls do not make a row each: one that asks for the address `newest` (the newest
// row of its name and type) holds as a run of unchanged calls is counted in that row. A change,
// a failure or another address starts a new row, so the changes stay rows of their own.
inline bool continues_run(const HistoryEntry& newest, const HistoryEntry& call) {
    const auto unchanged = outcome_name(HistoryOutcome::Unchanged);
    return call.outcome == unchanged && newest.outcome == unchanged && newest.name == call.name && newest.type == call.type &&
           newest.new_address == call.new_address && newest.domain == call.domain;
}

// A per-host token: lets a router update one name and nothing else. The secret is shown once,
// when it is made; the store keeps only its hash.
struct Token {
    std::int64_t id = 0;
    std::string name; // the one name it may update
    std::string domain; // the customer's domain the name belongs to
    std::chrono::system_clock::time_point created{};
};

} // namespace dyndns::core
