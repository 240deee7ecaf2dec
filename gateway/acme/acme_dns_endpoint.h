// The acme-dns API (lego's acme-dns, acme.sh dns_acmedns, certbot's acme-dns plugin): POST /acme-dns/update.
#pragma once

#include "core/update_service.h"
#include "http/http_types.h"

namespace dyndns::acme {

// X-Api-User is the host name and X-Api-Key its per-host token (an account and its password work
// too); the body {"subdomain": host, "txt": value}, keys in any case. The TXT goes at
// _acme-challenge.<subdomain>, and as acme-dns does, the two latest values stay. Answers as
// acme-dns does: 200 {"txt": value}; 401 {"error": "forbidden"}; 400 {"error": "bad_txt"},
// {"error": "bad_subdomain"} or {"error": "malformed_json_payload"}.
class AcmeDnsEndpoint {
public:
    explicit AcmeDnsEndpoint(core::UpdateService& core) : core_(core) {}

    // `client.protocol` is set to "acme-dns".
    http::HttpResponse update(const http::HttpRequest& request, core::ClientInfo client) const;

private:
    core::UpdateService& core_;
};

} // namespace dyndns::acme
