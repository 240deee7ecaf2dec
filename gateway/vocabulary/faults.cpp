// Names of the faults every protocol shares (docs/contract.md "Faults"), which side each blames, and the one NO_SUCH_DOMAIN text.
#include "vocabulary/faults.h"

namespace dyndns::core {

std::string fault_name(Fault fault) {
    switch (fault) {
    case Fault::AuthFailed: return "AUTH_FAILED";
    case Fault::NoSuchDomain: return "NO_SUCH_DOMAIN";
    case Fault::DyndnsDisabled: return "DYNDNS_DISABLED";
    case Fault::InvalidAddress: return "INVALID_ADDRESS";
    case Fault::PrivateAddress: return "PRIVATE_ADDRESS";
    case Fault::RateLimited: return "RATE_LIMITED";
    case Fault::DnsUnavailable: return "DNS_UNAVAILABLE";
    case Fault::DnsRejected: return "DNS_REJECTED";
    case Fault::BadRequest: return "BAD_REQUEST";
    case Fault::ServiceUnavailable: return "SERVICE_UNAVAILABLE";
    case Fault::NotPermitted: return "NOT_PERMITTED";
    }
    return "UNKNOWN";
}

UpdateError no_such_domain() { return {Fault::NoSuchDomain, "domain unknown or not this account's", 0}; }

bool is_client_fault(Fault fault) {
    return fault != Fault::DnsUnavailable && fault != Fault::DnsRejected && fault != Fault::ServiceUnavailable;
}

UpdateError dyndns_disabled() { return {Fault::DyndnsDisabled, "dyndns is not enabled for this domain", 0}; }

} // namespace dyndns::core
