// An API token's scope (docs/api.md "Authentication"): which names, record kinds and networks a customer token reaches, and whether it may write.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Poco/Net/IPAddress.h>

#include "vocabulary/cidr.h"

namespace dyndns::core {

// Every API token starts with this, so a leaked one is recognisable (secret scanners, logs).
inline constexpr std::string_view kApiTokenPrefix = "dyndns_";

// The record kinds a customer token may touch, as bits.
enum class RecordKind : unsigned { Address = 1, Prefix = 2, Acme = 4 };
inline constexpr unsigned kAllRecordKinds = 7;
inline constexpr std::size_t kMaxScopeEntries = 16; // names, subtrees, networks: each at most this many

// What a call needs of a token: a record kind, to read or to write.
struct Need {
    RecordKind kind = RecordKind::Address;
    bool write = true;
};

struct ApiToken {
    enum class Kind { Customer, Provisioning };
    std::int64_t id = 0;
    Kind kind = Kind::Customer;
    std::string account; // a customer token's account; empty for provisioning
    std::string label; // the operator's note, printable text
    std::vector<std::string> names; // exact names, lower-case
    std::vector<std::string> subtrees; // a name and everything below it
    unsigned kinds = kAllRecordKinds; // RecordKind bits
    bool write = true;
    std::vector<Cidr> networks; // empty: from anywhere
    std::optional<std::chrono::system_clock::time_point> expires;
    std::chrono::system_clock::time_point created{};

    // No names and no subtrees: every name of the account.
    bool covers(const std::string& name) const;
    bool allows(Need need) const;
    bool expired(std::chrono::system_clock::time_point now) const { return expires && now >= *expires; }
    bool reachable_from(const std::optional<Poco::Net::IPAddress>& caller) const;
};

// "address", "prefix", "acme"; nothing for another word.
std::optional<RecordKind> record_kind(const std::string& word);
// "address,prefix" style lists, and back (in a fixed order).
std::optional<unsigned> record_kinds(const std::string& comma_list);
std::string record_kinds_text(unsigned kinds);
const char* kind_name(ApiToken::Kind kind); // "customer", "provisioning"

} // namespace dyndns::core
