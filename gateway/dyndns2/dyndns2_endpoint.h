// The dyndns2 front end: GET /nic/update answers one line per host; /nic/checkip and /myip tell the caller its address.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/update_service.h"
#include "http/http_types.h"

namespace dyndns::dyndns2 {

class Dyndns2Endpoint {
public:
    explicit Dyndns2Endpoint(core::UpdateService& core) : core_(core) {}

    // `raw_query` as received (for a POST, the query and the form body joined with '&');
    // `authorization` the raw Authorization header. `client.protocol` is set to "dyndns2".
    http::HttpResponse update(const std::string& raw_query, const std::string& authorization, core::ClientInfo client) const;

    // The caller's address as plain text, by the core's trusted-proxy rules.
    http::HttpResponse check_ip(const core::ClientInfo& client) const;

private:
    core::UpdateService& core_;
};

} // namespace dyndns::dyndns2
