// The update core's contract: one request type in, one result or one numbered fault out, for every protocol.
#pragma once

#include "vocabulary/faults.h"
#include "vocabulary/records.h"

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
    std::vector<HostRule> hosts; // the interface-identifier rules of `name` and the names under it
};

// A router's delegated prefix (docs/contract.md "Router prefixes"): every host with an
// interface-identifier rule in the domain moves into it, in one UPDATE.
struct SetPrefixRequest {
    std::string account; // or a host name with a token: the token's name must be the domain itself
    std::string password;
    std::string name; // the customer's domain or a name under it: the prefix is that domain's
    std::string prefix; // "2a00:1450:1:200::/56"; "-" removes the derived records
    ClientInfo client;
};

struct DerivedHost {
    std::string name;
    std::string rule; // the interface-identifier rule, canonical
    std::string address; // what the name holds after the call; empty: nothing (removed, or nothing to derive)
    bool changed = false;
};

struct SetPrefixResult {
    std::string domain;
    std::string prefix; // as applied: cut to the domain's length, host bits dropped; "-" for a removal
    std::vector<DerivedHost> hosts; // by name
    std::uint32_t ttl = 60;
    bool changed = false; // a host changed: an UPDATE was sent
};

// Sets (or, with an empty rule, removes) the interface-identifier rule of a name the account owns.
struct HostRuleRequest {
    std::string account; // the account itself: per-host tokens may not change rules
    std::string password;
    std::string name;
    std::string rule; // "::a:b:c:d", a MAC address, "preserve"; empty: remove
    ClientInfo client;
};

struct HostRuleResult {
    std::string name; // lower-case, no trailing dot
    std::string rule; // canonical; empty when removed
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

// A name's A and AAAA sets made exactly so (the JSON API's PUT and DELETE, docs/api.md).
struct HostAddresses {
    std::string name;
    std::optional<std::vector<std::string>> a; // absent: left as it is; empty: removed; at most one address
    std::optional<std::vector<std::string>> aaaa;
};

// Several names in one request: every name and address is checked before anything is sent, a
// refusal refuses the whole request, and the changes to one zone share one UPDATE. One call of
// the budget per name.
struct HostAddressesRequest {
    std::string account;
    std::string password;
    std::vector<HostAddresses> hosts; // at most kMaxHostsPerRequest, no name twice
    ClientInfo client;
};

struct HostAddressesResult {
    std::string name; // lower-case, no trailing dot
    std::vector<std::string> a; // what the name holds after the call
    std::vector<std::string> aaaa;
    std::vector<std::string> previous_a; // what it held before
    std::vector<std::string> previous_aaaa;
    std::uint32_t ttl = 60;
    bool changed = false; // an UPDATE carried a change of this name
};

// The names a caller may reach (GET /api/v1/hosts): the account's domains, the names set
// through the gateway under them and the names with a host rule, within a token's scope.
struct HostSummary {
    std::string name;
    std::string domain;
    bool dyndns = false;
};

struct CallerRequest {
    std::string account;
    std::string password;
    ClientInfo client;
};

struct HostHistoryRequest {
    std::string account;
    std::string password;
    std::string name;
    std::size_t page = 0; // kHistoryPage rows a page, newest first
    ClientInfo client;
};

struct HostHistoryPage {
    std::vector<HistoryEntry> entries;
    bool more = false; // an older page exists
};

inline constexpr std::size_t kMaxHostsPerRequest = 64;
inline constexpr std::size_t kHostHistoryPage = 20;

// Several names in one request (dyndns2): one login, one charge to the call budget, each name
// set to every address given (at most one IPv4 and one IPv6), all changes sent together so
// that those to one zone share an UPDATE message.
struct SetAddressesRequest {
    std::string account;
    std::string password;
    std::vector<std::string> names;
    std::vector<std::string> addresses; // an empty one: the caller's address
    ClientInfo client;
    // A router's delegated prefix (dyndns2 ip6lanprefix), or empty: applied to the domain of each
    // name, in the same UPDATE, to every host with a rule there except the names given an IPv6
    // address by this request (the router's own).
    std::string prefix;
};

struct NameOutcome {
    std::string name; // as asked
    // One result per address, in the request's order, or the name's one fault.
    std::variant<std::vector<SetAddressResult>, UpdateError> outcome;
    std::string prefix; // the prefix as applied to the name's domain ("" when none was given)
    bool prefix_changed = false; // the prefix moved a host of the name's domain
};

// An UpdateError here is the request's: the login, the budget, or an address refused for every
// name (nothing was changed).
using SetAddressesOutcome = std::variant<std::vector<NameOutcome>, UpdateError>;
using AcmeChallengeOutcome = std::variant<AcmeChallengeResult, UpdateError>;
using GetAddressesOutcome = std::variant<GetAddressesResult, UpdateError>;
using SetPrefixOutcome = std::variant<SetPrefixResult, UpdateError>;
using HostRuleOutcome = std::variant<HostRuleResult, UpdateError>;
using HostAddressesOutcome = std::variant<std::vector<HostAddressesResult>, UpdateError>;
using HostListOutcome = std::variant<std::vector<HostSummary>, UpdateError>;
using HostHistoryOutcome = std::variant<HostHistoryPage, UpdateError>;

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
    // Router prefixes (docs/contract.md "Router prefixes"). A prefix that is not an IPv6 prefix,
    // or whose length the domain does not take, is INVALID_ADDRESS (4); one outside 2000::/3, or
    // that would give a host a non-public address, PRIVATE_ADDRESS (5); nothing changes then.
    virtual SetPrefixOutcome set_prefix(const SetPrefixRequest& request) = 0;
    // A rule that is not one is INVALID_ADDRESS (4); more than kMaxHostRules in a domain BAD_REQUEST (9).
    virtual HostRuleOutcome set_host_rule(const HostRuleRequest& request) = 0;
    // The JSON API's host calls (docs/api.md "Customer endpoints"). An address of the wrong family
    // for its set is INVALID_ADDRESS (4); two addresses in a set, a name twice, no set at all or
    // more than kMaxHostsPerRequest names BAD_REQUEST (9).
    virtual HostAddressesOutcome set_host_addresses(const HostAddressesRequest& request) = 0;
    virtual HostListOutcome list_hosts(const CallerRequest& request) = 0;
    virtual HostHistoryOutcome host_history(const HostHistoryRequest& request) = 0;
    // The account itself (its webhooks, docs/webhooks.md): the caller's account when it logged in
    // with the account's password or with an API token of the account's whole reach (no names or
    // subtrees, may write); a per-host token or a narrower API token is NOT_PERMITTED. Spends a call.
    virtual std::variant<std::string, UpdateError> account_caller(const CallerRequest& request) = 0;
    // Nothing when `secret` is a provisioning token usable from the caller's address; else
    // AUTH_FAILED (unknown, revoked, expired: counted by the login throttle) or NOT_PERMITTED.
    virtual std::optional<UpdateError> check_provisioning_token(const std::string& secret, const ClientInfo& client) = 0;
};

} // namespace dyndns::core
