// The one translation of a failed DNS exchange into the fault a caller is told.
#pragma once

#include <string>

#include "core/update_service.h"
#include "dns/dns_outcome.h"

namespace dyndns::core {

// Whether to retry (7) or fix something (8), and whether anything may have changed (only an
// UPDATE, `update`, can have); logs the whole story for the operator and counts the failure.
UpdateError dns_error(const dns::DnsOutcome& outcome, const std::string& doing, bool update);

} // namespace dyndns::core
