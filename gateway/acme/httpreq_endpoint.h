// lego's httpreq provider: POST /acme/present and /acme/cleanup, JSON {fqdn, value}, HTTP Basic credentials.
#pragma once

#include "core/update_service.h"
#include "http/http_types.h"

namespace dyndns::acme {

// The credentials are an account and its password, or a host name and one of its tokens.
// Answers 200 with the challenge name's values, or the fault's HTTP status (http::fault_status)
// with its message as text.
class HttpreqEndpoint {
public:
    explicit HttpreqEndpoint(core::UpdateService& core) : core_(core) {}

    // `present`: set the value, else clear it. `client.protocol` is set to "httpreq".
    http::HttpResponse handle(bool present, const http::HttpRequest& request, core::ClientInfo client) const;

private:
    core::UpdateService& core_;
};

} // namespace dyndns::acme
