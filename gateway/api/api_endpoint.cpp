// Splits an API path into its operation, takes the credentials (Bearer, or Basic on customer calls; never the URL), and hands the call on.
#include "api/api_endpoint.h"

#include <algorithm>

#include <Poco/Net/HTMLForm.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include "api/api_calls.h"
#include "api/problem.h"
#include "http/client_info.h"

namespace dyndns::api {
namespace {

constexpr std::size_t kMaxSegments = 3;

// What follows kApiRoot, split at '/' and percent-decoded; nothing for an empty segment or more than kMaxSegments.
std::optional<std::vector<std::string>> segments_of(const std::string& path) {
    std::vector<std::string> segments;
    const std::string rest = path.substr(std::string(kApiRoot).size());
    std::size_t start = 0;
    while (start <= rest.size()) {
        const std::size_t slash = std::min(rest.find('/', start), rest.size());
        std::string segment;
        try {
            Poco::URI::decode(rest.substr(start, slash - start), segment);
        } catch (const Poco::Exception&) {
            return std::nullopt;
        }
        if (segment.empty() || segment.find('/') != std::string::npos) return std::nullopt;
        segments.push_back(std::move(segment));
        if (segments.size() > kMaxSegments) return std::nullopt;
        start = slash + 1;
    }
    return segments;
}

// The methods a path takes; empty: no such path.
std::vector<std::string> methods_of(const std::vector<std::string>& path) {
    const std::string& first = path.front();
    if (path.size() == 1) {
        if (first == "openapi.json" || first == "hosts") return {"GET"};
        if (first == "hosts:batch") return {"POST"};
        if (first == "accounts" || first == "webhooks") return {"GET", "POST"};
        return {};
    }
    if (path.size() == 2) {
        if (first == "hosts") return {"GET", "PUT", "DELETE"};
        if (first == "webhooks") return {"DELETE"};
        if (first == "accounts" || first == "domains") return {"DELETE"};
        return {};
    }
    if (first == "hosts" && path[2] == "prefix") return {"PUT"};
    if (first == "hosts" && path[2] == "history") return {"GET"};
    if (first == "hosts" && path[2] == "acme-challenge") return {"PUT", "DELETE"};
    if (first == "accounts" && path[2] == "password") return {"PUT"};
    if (first == "accounts" && path[2] == "domains") return {"GET", "POST"};
    if (first == "domains" && path[2] == "dyndns") return {"PUT"};
    if (first == "webhooks" && path[2] == "deliveries") return {"GET"};
    return {};
}

bool carries_body(const std::string& method, const std::vector<std::string>& path) {
    if (method == "PUT" || method == "POST") return true;
    return method == "DELETE" && path.size() == 3 && path[2] == "acme-challenge";
}

// A secret in the URL would be in every proxy's and browser's log.
bool query_carries_secret(const std::string& query) {
    if (query.empty()) return false;
    Poco::Net::HTMLForm form;
    try {
        form.read(query);
    } catch (const Poco::Exception&) {
        return false;
    }
    for (const auto& [key, value] : form) {
        const std::string name = Poco::toLower(key);
        if (name == "token" || name == "access_token" || name == "password" || name == "key" || name == "api_key") return true;
    }
    return false;
}

} // namespace

http::HttpResponse ApiEndpoint::refuse(int status, const std::string& reason) { return http_problem(status, reason); }

http::HttpResponse ApiEndpoint::handle(const http::HttpRequest& request) const {
    const auto path = segments_of(request.path);
    if (!path) return http_problem(404, "no such path in the JSON API");
    const auto methods = methods_of(*path);
    if (methods.empty()) return http_problem(404, "no such path in the JSON API");
    if (std::find(methods.begin(), methods.end(), request.method) == methods.end()) {
        auto refused = http_problem(405, "this path takes " + Poco::cat(std::string(", "), methods.begin(), methods.end()));
        refused.headers.emplace_back("Allow", Poco::cat(std::string(", "), methods.begin(), methods.end()));
        return refused;
    }
    if (path->front() == "openapi.json") return http::HttpResponse{200, "application/json", openapi_source_text(), {}, false};
    if (query_carries_secret(request.query)) return bad_request("credentials go in the Authorization header, never in the URL");
    if (carries_body(request.method, *path) && !http::media_type_is(request.content_type, "application", "json"))
        return http_problem(415, "the body must be application/json");

    const std::string authorization = request.header("Authorization");
    const bool bearer = Poco::icompare(authorization.substr(0, 7), "Bearer ") == 0;
    Caller caller{"", bearer ? Poco::trim(authorization.substr(7)) : "", http::client_info(request, "api")};
    const std::string& collection = path->front();
    if (collection == "accounts" || collection == "domains") {
        if (!bearer) {
            if (authorization.empty())
                return problem({core::Fault::AuthFailed, "Authorization: Bearer with a provisioning token is required", 0});
            return problem({core::Fault::NotPermitted, "only a provisioning token may provision", 0});
        }
        if (auto refused = core_.check_provisioning_token(caller.password, caller.client)) return problem(*refused);
        return provision(provisioning_, request.method, *path, request.body);
    }
    if (!bearer) {
        const auto basic = request.basic_credentials();
        if (!basic) return problem({core::Fault::AuthFailed, "Authorization: Bearer (a token) or Basic is required", 0});
        caller.account = basic->user;
        caller.password = basic->password;
    }
    if (collection == "webhooks") {
        if (!accounts_) return http_problem(404, "no such path in the JSON API");
        return webhooks_call(core_, *accounts_, caller, request.method, *path, request.body);
    }
    if (collection == "hosts:batch") return batch_hosts(core_, caller, request.body);
    if (path->size() == 1) return list_hosts(core_, caller);
    const std::string& name = (*path)[1];
    if (path->size() == 2) {
        if (request.method == "GET") return get_host(core_, caller, name);
        if (request.method == "PUT") return put_host(core_, caller, name, request.body);
        return delete_host(core_, caller, name);
    }
    const std::string& part = (*path)[2];
    if (part == "prefix") return put_prefix(core_, caller, name, request.body);
    if (part == "history") return host_history(core_, caller, name, request.query);
    return acme_challenge(core_, caller, name, request.body, request.method == "PUT");
}

http::Route api_route(std::shared_ptr<ApiEndpoint> endpoint) {
    http::Route route;
    route.path = kApiRoot;
    route.prefix = true;
    route.methods = {"GET", "PUT", "POST", "DELETE"};
    route.handler = [endpoint](const http::HttpRequest& request) { return endpoint->handle(request); };
    route.refuse = &ApiEndpoint::refuse;
    return route;
}

} // namespace dyndns::api
