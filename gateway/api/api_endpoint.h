// The JSON API under /api/v1/ (docs/api.md): which operation a method and path are, who calls, and the problem documents for what is refused.
#pragma once

#include <memory>
#include <string>

#include "core/account_service.h"
#include "core/provisioning.h"
#include "core/update_service.h"
#include "http/http_types.h"

namespace dyndns::api {

constexpr const char* kApiRoot = "/api/v1/";

// The OpenAPI document the binary was built with (gateway/api/openapi.json).
const char* openapi_source_text();

class ApiEndpoint {
public:
    // `accounts`: for the account's webhooks; without it /api/v1/webhooks is not a path.
    ApiEndpoint(core::UpdateService& core, core::ProvisioningService& provisioning, core::AccountService* accounts = nullptr)
        : core_(core), provisioning_(provisioning), accounts_(accounts) {}

    // Any request whose path starts with kApiRoot.
    http::HttpResponse handle(const http::HttpRequest& request) const;

    // The server's own refusals (405, 413, …) on API paths, as problem documents.
    static http::HttpResponse refuse(int status, const std::string& reason);

private:
    core::UpdateService& core_;
    core::ProvisioningService& provisioning_;
    core::AccountService* accounts_;
};

// The route for the server's table: every path under kApiRoot, the methods the API uses.
http::Route api_route(std::shared_ptr<ApiEndpoint> endpoint);

} // namespace dyndns::api
