// Faults as HTTP statuses, in one switch.
#include "http/fault_status.h"

namespace dyndns::http {

int fault_status(core::Fault fault) {
    switch (fault) {
    case core::Fault::AuthFailed: return 401;
    case core::Fault::NoSuchDomain: return 404;
    case core::Fault::DyndnsDisabled:
    case core::Fault::NotPermitted: return 403;
    case core::Fault::InvalidAddress:
    case core::Fault::PrivateAddress:
    case core::Fault::BadRequest: return 400;
    case core::Fault::RateLimited: return 429;
    case core::Fault::DnsUnavailable:
    case core::Fault::ServiceUnavailable: return 503;
    case core::Fault::DnsRejected: return 502;
    }
    return 500;
}

} // namespace dyndns::http
