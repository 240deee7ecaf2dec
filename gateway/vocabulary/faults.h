// The faults every protocol shares: their wire numbers, names, which side each blames, and the shared texts.
#pragma once

#include <string>

namespace dyndns::core {

// One numbering for every protocol (docs/contract.md "Faults"); the values are the wire codes.
enum class Fault : int {
    AuthFailed = 1,
    NoSuchDomain = 2,
    DyndnsDisabled = 3,
    InvalidAddress = 4,
    PrivateAddress = 5,
    RateLimited = 6,
    DnsUnavailable = 7,
    DnsRejected = 8,
    BadRequest = 9,
    ServiceUnavailable = 10, // the gateway's own store failed; nothing changed
    NotPermitted = 11, // an API token's scope (names, record kinds, read-only, networks) or kind does not cover the call
};
// "AUTH_FAILED", "NO_SUCH_DOMAIN", …
std::string fault_name(Fault fault);
// True for faults caused by the caller (SOAP "Client"), false for the server's side (7, 8, 10).
bool is_client_fault(Fault fault);

struct UpdateError {
    Fault fault = Fault::BadRequest;
    std::string message; // safe to show the caller: never a secret, never which of account/password was wrong
    int retry_after_seconds = 0; // set with RateLimited
};

// The NO_SUCH_DOMAIN answer, in the same words whether the domain does not exist or belongs to
// someone else, so that no answer tells a caller which domains other customers have.
UpdateError no_such_domain();
// DYNDNS_DISABLED, in one wording for every path.
UpdateError dyndns_disabled();

} // namespace dyndns::core
