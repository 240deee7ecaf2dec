// The SOAP front end: gSOAP reads the envelope and writes the answer; the operations call the update core.
#pragma once

#include <string>

#include "core/update_service.h"
#include "http/http_types.h"

namespace dyndns::soap {

struct SoapLimits {
    std::size_t max_body_bytes = 64 * 1024;
    long max_string_bytes = 8192; // any one element's text
    unsigned max_depth = 32; // element nesting gSOAP will deserialise (≥ 16: it bounds output too)
    std::size_t max_occurs = 64; // repeated elements
};

// One gSOAP context per call: nothing is shared between requests. Document/literal operations
// SetDyndnsIp, GetDyndnsIp, SetAcmeChallenge and ClearAcmeChallenge from wsdl/dyndns.wsdl; a
// fault carries a DyndnsFault detail with the numeric code and its name (docs/contract.md "Faults").
class SoapEndpoint {
public:
    explicit SoapEndpoint(core::UpdateService& core, SoapLimits limits = {}) : core_(core), limits_(limits) {}

    // text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2), UTF-8. `client.protocol` is set to "soap" here.
    http::HttpResponse handle(const std::string& body, core::ClientInfo client) const;

private:
    core::UpdateService& core_;
    SoapLimits limits_;
};

} // namespace dyndns::soap
