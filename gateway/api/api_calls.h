// The JSON API's operations, each turning one request into one core call and its answer into JSON (docs/api.md).
#pragma once

#include <string>

#include "core/provisioning.h"
#include "core/account_service.h"
#include "core/update_service.h"
#include "http/http_types.h"

namespace dyndns::api {

// Who calls: "" and a token for Bearer, an account (or host name) and its password for Basic.
struct Caller {
    std::string account;
    std::string password;
    core::ClientInfo client;
};

// host_calls.cpp: the customer endpoints.
http::HttpResponse list_hosts(core::UpdateService& core, const Caller& caller);
http::HttpResponse get_host(core::UpdateService& core, const Caller& caller, const std::string& name);
http::HttpResponse put_host(core::UpdateService& core, const Caller& caller, const std::string& name, const std::string& body);
http::HttpResponse delete_host(core::UpdateService& core, const Caller& caller, const std::string& name);
http::HttpResponse batch_hosts(core::UpdateService& core, const Caller& caller, const std::string& body);
http::HttpResponse put_prefix(core::UpdateService& core, const Caller& caller, const std::string& name, const std::string& body);
http::HttpResponse host_history(core::UpdateService& core, const Caller& caller, const std::string& name,
                                const std::string& query);
http::HttpResponse acme_challenge(core::UpdateService& core, const Caller& caller, const std::string& name,
                                  const std::string& body, bool set);

// webhook_calls.cpp: the account's webhooks, for its password or an API token of its whole reach.
http::HttpResponse webhooks_call(core::UpdateService& core, core::AccountService& accounts, const Caller& caller,
                                 const std::string& method, const std::vector<std::string>& path, const std::string& body);

// provisioning_calls.cpp: the provider's endpoints, after its token was checked. `path` is what
// follows /api/v1/, split at '/' and percent-decoded.
http::HttpResponse provision(core::ProvisioningService& provisioning, const std::string& method,
                             const std::vector<std::string>& path, const std::string& body);

} // namespace dyndns::api
