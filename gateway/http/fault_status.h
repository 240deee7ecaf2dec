// The one HTTP status of each fault, for every front end that answers in HTTP statuses (lego's httpreq, the panel).
#pragma once

#include "vocabulary/faults.h"

namespace dyndns::http {

// docs/contract.md "Faults": 401 credentials, 404 unknown name, 403 dyndns off, 400 a bad value or
// call, 429 rate limited, 503 primary unreachable or store down, 502 primary refused.
int fault_status(core::Fault fault);

} // namespace dyndns::http
