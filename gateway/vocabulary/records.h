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
