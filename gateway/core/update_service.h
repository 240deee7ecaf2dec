// The update core's contract: one request type in, one result or one numbered fault out, for every protocol.
#pragma once

#include "vocabulary/faults.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace dyndns::core {

// Who is calling, as the front end saw it. The core decides which address to believe.
struct ClientInfo {
    std::string peer_address; // the TCP peer, e.g. "192.0.2.7" or "::1" (may be IPv4-mapped)
    std::string x_forwarded_for; // raw header value, empty if absent; believed only from trusted proxies
    std::string forwarded; // raw RFC 7239 Forwarded header value, same rule
    std::string protocol; // "xmlrpc", "soap", "dyndns2", "panel"
    std::string user_agent; // raw, for the history
};

// `account` and `password` may also be a host name and one of its per-host tokens: then only that
// exact name may be set or read.
struct SetAddressRequest {
    std::string account;
    std::string password;
    std::string name; // the customer's domain or a name under it, any case, trailing dot allowed
    std::string address; // empty: the caller's address
    ClientInfo client;
};

struct SetAddressResult {
    std::string name; // lower-case, no trailing dot
    std::string address; // canonical text form
    std::string type; // "A" or "AAAA"
    std::uint32_t ttl = 60;
    bool changed = false; // false: the primary already held exactly this address; no UPDATE was sent
};

struct GetAddressesRequest {
    std::string account;
    std::string password;
    std::string name;
    ClientInfo client;
};

struct GetAddressesResult {
    std::string name;
    std::vector<std::string> a;
    std::vector<std::string> aaaa;
    std::uint32_t ttl = 60;
};

// An ACME DNS-01 challenge value (docs/contract.md "ACME DNS-01 challenges"). `name` is the name the
// certificate is for ("home.example.com"), its wildcard ("*.home.example.com") or the challenge
// name itself ("_acme-challenge.home.example.com", trailing dot allowed); the same callers may
// set it as may set the name's address.
struct AcmeChallengeRequest {
    std::string account;
    std::string password;
    std::string name;
    std::string value; // the key-authorization digest: 43 base64url characters
    ClientInfo client;
};

struct AcmeChallengeResult {
    std::string name; // the challenge name, "_acme-challenge.home.example.com"
    std::vector<std::string> values; // the values published there after the call, at most two
    std::uint32_t ttl = 60;
    bool changed = false; // false: the primary already held (set) or lacked (clear) the value; nothing was sent
};

using SetAddressOutcome = std::variant<SetAddressResult, UpdateError>;

// Several names in one request (dyndns2): one login, one charge to the call budget, each name
// set to every address given (at most one IPv4 and one IPv6), all changes sent together so
// that those to one zone share an UPDATE message.
struct SetAddressesRequest {
    std::string account;
    std::string password;
    std::vector<std::string> names;
    std::vector<std::string> addresses; // an empty one: the caller's address
    ClientInfo client;
};

struct NameOutcome {
    std::string name; // as asked
    // One result per address, in the request's order, or the name's one fault.
    std::variant<std::vector<SetAddressResult>, UpdateError> outcome;
};

// An UpdateError here is the request's: the login, the budget, or an address refused for every
// name (nothing was changed).
using SetAddressesOutcome = std::variant<std::vector<NameOutcome>, UpdateError>;
using AcmeChallengeOutcome = std::variant<AcmeChallengeResult, UpdateError>;
using GetAddressesOutcome = std::variant<GetAddressesResult, UpdateError>;

// What every front end calls. Implementations are thread-safe; they never throw for anything a
// caller can send (bad input is an UpdateError), only for bugs and resource exhaustion.
class UpdateService {
public:
    virtual ~UpdateService() = default;
    virtual SetAddressOutcome set_address(const SetAddressRequest& request) = 0;
    virtual SetAddressesOutcome set_addresses(const SetAddressesRequest& request) = 0;
    virtual GetAddressesOutcome get_addresses(const GetAddressesRequest& request) = 0;
    // The address the caller is taken to have (the peer, or what a trusted proxy reports), in
    // canonical text; nothing when it cannot be told. For check-ip answers.
    virtual std::optional<std::string> caller_address(const ClientInfo& client) const = 0;
    // Would `address` be accepted (syntax, and the private-address rule)? For a front end that
    // sets several addresses in one request and must refuse all before changing any.
    virtual std::optional<UpdateError> check_address(const std::string& address) const = 0;
    // Adds `value` to the TXT RRset at the challenge name (a third value drops the oldest) /
    // removes it (the last one gone, the RRset goes). A value that is not a key-authorization
    // digest is INVALID_ADDRESS (4).
    virtual AcmeChallengeOutcome set_acme_challenge(const AcmeChallengeRequest& request) = 0;
    virtual AcmeChallengeOutcome clear_acme_challenge(const AcmeChallengeRequest& request) = 0;
};

} // namespace dyndns::core
