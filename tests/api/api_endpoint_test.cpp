// The JSON API's paths, methods and credentials with the update core faked: what reaches the core, and the problem documents for what does not.
#include <doctest/doctest.h>

#include <Poco/JSON/Parser.h>

#include "api/api_endpoint.h"
#include "api/problem.h"
#include "support/fake_core.h"
#include "support/memory_store.h"

using dyndns::http::HttpRequest;
using dyndns::http::HttpResponse;

namespace {

// Provisioning calls are not what these tests are about: every one is refused as the store would refuse a missing row.
class NoAccounts final : public dyndns::core::ProvisioningPort {
public:
    void add_account(const std::string&, const std::string&) override {}
    void set_password(const std::string&, const std::string&) override {}
    void delete_account(const std::string&) override {}
    std::vector<std::string> list_accounts() const override { return {"demo"}; }
    bool account_exists(const std::string&) const override { return false; }
    void add_domain(const std::string&, const std::string&) override {}
    void delete_domain(const std::string&) override {}
};

struct Api {
    dyndns::test::FakeCore core;
    dyndns::test::MemoryStore store;
    NoAccounts accounts;
    dyndns::core::ProvisioningService provisioning{accounts, store};
    dyndns::api::ApiEndpoint endpoint{core, provisioning};

    HttpResponse call(const std::string& method, const std::string& path, const std::string& body = "",
                      const std::string& authorization = "Bearer dyndns_test-token", const std::string& query = "") {
        HttpRequest request;
        request.method = method;
        request.path = path;
        request.query = query;
        request.body = body;
        request.peer_address = "192.0.2.7";
        if (!body.empty()) request.content_type = "application/json";
        if (!authorization.empty()) request.headers.emplace_back("Authorization", authorization);
        return endpoint.handle(request);
    }
};

Poco::JSON::Object::Ptr parsed(const HttpResponse& response) {
    return Poco::JSON::Parser().parse(response.body).extract<Poco::JSON::Object::Ptr>();
}

int fault_of(const HttpResponse& response) { return parsed(response)->getValue<int>("fault"); }

} // namespace

TEST_CASE("a PUT reaches the core as one host with the sets given, with the bearer token as its credential") {
    Api api;
    const auto response = api.call("PUT", "/api/v1/hosts/home.example.test", R"({"a": ["192.0.2.1"], "aaaa": []})");
    CHECK(response.status == 200);
    CHECK(response.content_type == "application/json");
    REQUIRE(api.core.host_set_calls.size() == 1);
    const auto& request = api.core.host_set_calls.front();
    CHECK(request.account.empty());
    CHECK(request.password == "dyndns_test-token");
    CHECK(request.client.protocol == "api");
    REQUIRE(request.hosts.size() == 1);
    CHECK(request.hosts[0].name == "home.example.test");
    CHECK(request.hosts[0].a == std::optional<std::vector<std::string>>({"192.0.2.1"}));
    CHECK(request.hosts[0].aaaa == std::optional<std::vector<std::string>>(std::vector<std::string>{}));
    CHECK(parsed(response)->getValue<bool>("changed"));
}

TEST_CASE("Basic credentials are taken on customer paths, percent-encoded names are decoded, DELETE empties both sets") {
    Api api;
    CHECK(api.call("DELETE", "/api/v1/hosts/home%2Eexample.test", "", "Basic ZGVtbzpkZW1vLXBhc3N3b3Jk").status == 200);
    REQUIRE(api.core.host_set_calls.size() == 1);
    CHECK(api.core.host_set_calls[0].account == "demo");
    CHECK(api.core.host_set_calls[0].password == "demo-password");
    CHECK(api.core.host_set_calls[0].hosts[0].name == "home.example.test");
    CHECK(api.core.host_set_calls[0].hosts[0].a->empty());
    CHECK(api.core.host_set_calls[0].hosts[0].aaaa->empty());
}

TEST_CASE("faults become problem documents with the status docs/api.md gives them") {
    Api api;
    const std::vector<std::pair<dyndns::core::Fault, int>> statuses{
        {dyndns::core::Fault::AuthFailed, 401},     {dyndns::core::Fault::NoSuchDomain, 404},
        {dyndns::core::Fault::DyndnsDisabled, 403}, {dyndns::core::Fault::InvalidAddress, 422},
        {dyndns::core::Fault::PrivateAddress, 422}, {dyndns::core::Fault::RateLimited, 429},
        {dyndns::core::Fault::DnsUnavailable, 503}, {dyndns::core::Fault::DnsRejected, 502},
        {dyndns::core::Fault::BadRequest, 400},     {dyndns::core::Fault::ServiceUnavailable, 503},
        {dyndns::core::Fault::NotPermitted, 403}};
    for (const auto& [fault, status] : statuses) {
        api.core.host_answer = dyndns::core::UpdateError{fault, "words", fault == dyndns::core::Fault::RateLimited ? 7 : 0};
        const auto response = api.call("GET", "/api/v1/hosts");
        CHECK(response.status == status);
        CHECK(response.content_type == "application/problem+json");
        CHECK(fault_of(response) == static_cast<int>(fault));
        CHECK(parsed(response)->getValue<std::string>("detail") == "words");
    }
    api.core.host_answer = dyndns::core::UpdateError{dyndns::core::Fault::RateLimited, "slow down", 7};
    const auto limited = api.call("GET", "/api/v1/hosts");
    CHECK(std::find(limited.headers.begin(), limited.headers.end(), std::pair<std::string, std::string>{"Retry-After", "7"}) !=
          limited.headers.end());
}

TEST_CASE("unknown paths, wrong methods, wrong media types and credentials in the URL never reach the core") {
    Api api;
    CHECK(api.call("GET", "/api/v1/nothing").status == 404);
    CHECK(api.call("GET", "/api/v1/hosts/a/b/c").status == 404);
    CHECK(api.call("GET", "/api/v1/hosts//x").status == 404);
    const auto wrong_method = api.call("POST", "/api/v1/hosts/example.test", "{}");
    CHECK(wrong_method.status == 405);
    CHECK(std::find(wrong_method.headers.begin(), wrong_method.headers.end(),
                    std::pair<std::string, std::string>{"Allow", "GET, PUT, DELETE"}) != wrong_method.headers.end());
    CHECK(parsed(wrong_method)->getValue<std::string>("type") == "about:blank");
    HttpRequest text;
    text.method = "PUT";
    text.path = "/api/v1/hosts/example.test";
    text.body = R"({"a": []})";
    text.content_type = "text/plain";
    text.headers.emplace_back("Authorization", "Bearer dyndns_x");
    CHECK(api.endpoint.handle(text).status == 415);
    const auto in_url = api.call("GET", "/api/v1/hosts", "", "", "access_token=dyndns_x");
    CHECK(in_url.status == 400);
    CHECK(fault_of(in_url) == 9);
    const auto anonymous = api.call("GET", "/api/v1/hosts", "", "");
    CHECK(anonymous.status == 401);
    CHECK(api.core.host_set_calls.empty());
}

TEST_CASE("the OpenAPI document is served without credentials, provisioning takes a bearer token only") {
    Api api;
    const auto document = api.call("GET", "/api/v1/openapi.json", "", "");
    CHECK(document.status == 200);
    CHECK(parsed(document)->getValue<std::string>("openapi") == "3.1.0");
    const auto basic = api.call("GET", "/api/v1/accounts", "", "Basic ZGVtbzpkZW1vLXBhc3N3b3Jk");
    CHECK(basic.status == 403);
    CHECK(fault_of(basic) == 11);
    CHECK(api.core.provisioning_checks.empty());
    const auto listed = api.call("GET", "/api/v1/accounts");
    CHECK(listed.status == 200);
    CHECK(api.core.provisioning_checks == std::vector<std::string>{"dyndns_test-token"});
    const auto missing = api.call("DELETE", "/api/v1/accounts/nobody");
    CHECK(missing.status == 404);
    CHECK(fault_of(missing) == 2);
}

TEST_CASE("the server's own refusals on API paths are problem documents too") {
    const auto refused = dyndns::api::ApiEndpoint::refuse(413, "request body larger than 65536 bytes\n");
    CHECK(refused.status == 413);
    CHECK(refused.content_type == "application/problem+json");
    CHECK(parsed(refused)->getValue<std::string>("detail") == "request body larger than 65536 bytes");
    CHECK_FALSE(parsed(refused)->has("fault"));
}
