// httpreq and acme-dns without a network: the request each call becomes, and the status and body of each core outcome.
#include <doctest/doctest.h>

#include "acme/acme_dns_endpoint.h"
#include "acme/httpreq_endpoint.h"
#include "support/fake_core.h"

using namespace dyndns;

namespace {

const std::string kValue = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";

http::HttpRequest post(const std::string& body, std::vector<std::pair<std::string, std::string>> headers) {
    http::HttpRequest request;
    request.method = "POST";
    request.content_type = "application/json";
    request.body = body;
    request.peer_address = "198.51.100.1";
    request.headers = std::move(headers);
    return request;
}

// "Basic " + base64("demo:pw")
const std::pair<std::string, std::string> kDemoAuth{"Authorization", "Basic ZGVtbzpwdw=="};

core::UpdateError fault(core::Fault f) {
    return core::UpdateError{f, "the core's message", f == core::Fault::RateLimited ? 30 : 0};
}

std::string header(const http::HttpResponse& response, const std::string& name) {
    for (const auto& [n, v] : response.headers)
        if (n == name) return v;
    return "";
}

} // namespace

TEST_CASE("httpreq present and cleanup hand fqdn and value to the core") {
    test::FakeCore core;
    acme::HttpreqEndpoint endpoint(core);
    const auto body = R"({"fqdn":"_acme-challenge.home.example.test.","value":")" + kValue + "\"}";
    const auto present = endpoint.handle(true, post(body, {kDemoAuth}), {});
    CHECK(present.status == 200);
    CHECK(present.body.find(kValue) != std::string::npos);
    const auto cleanup = endpoint.handle(false, post(body, {kDemoAuth}), {});
    CHECK(cleanup.status == 200);
    REQUIRE(core.acme_calls.size() == 2);
    CHECK(core.acme_ops == std::vector<std::string>{"set", "clear"});
    CHECK(core.acme_calls[0].account == "demo");
    CHECK(core.acme_calls[0].password == "pw");
    CHECK(core.acme_calls[0].name == "_acme-challenge.home.example.test.");
    CHECK(core.acme_calls[0].value == kValue);
    CHECK(core.acme_calls[0].client.protocol == "httpreq");
}

TEST_CASE("httpreq refuses what it cannot read before the core") {
    test::FakeCore core;
    acme::HttpreqEndpoint endpoint(core);
    const auto no_auth = endpoint.handle(true, post(R"({"fqdn":"x","value":"y"})", {}), {});
    CHECK(no_auth.status == 401);
    CHECK(header(no_auth, "WWW-Authenticate").starts_with("Basic"));
    CHECK(endpoint.handle(true, post("not json", {kDemoAuth}), {}).status == 400);
    CHECK(endpoint.handle(true, post("[1, 2]", {kDemoAuth}), {}).status == 400);
    CHECK(endpoint.handle(true, post(R"({"fqdn":"x"})", {kDemoAuth}), {}).status == 400);
    CHECK(endpoint.handle(true, post(R"({"fqdn":"x","value":7})", {kDemoAuth}), {}).status == 400);
    // RAW mode sends the key authorization itself: not spoken.
    CHECK(endpoint.handle(true, post(R"({"domain":"x","token":"t","keyAuth":"k"})", {kDemoAuth}), {}).status == 400);
    CHECK(endpoint.handle(true, post(std::string(100, '[') + std::string(100, ']'), {kDemoAuth}), {}).status == 400);
    CHECK(core.acme_calls.empty());
}

TEST_CASE("httpreq answers each fault with its status") {
    test::FakeCore core;
    acme::HttpreqEndpoint endpoint(core);
    const std::pair<core::Fault, int> expected[] = {
        {core::Fault::AuthFailed, 401},     {core::Fault::NoSuchDomain, 404}, {core::Fault::DyndnsDisabled, 403},
        {core::Fault::InvalidAddress, 400}, {core::Fault::RateLimited, 429},  {core::Fault::DnsUnavailable, 503},
        {core::Fault::DnsRejected, 502},    {core::Fault::BadRequest, 400},
    };
    for (const auto& [f, status] : expected) {
        core.acme_answer = fault(f);
        const auto reply = endpoint.handle(true, post(R"({"fqdn":"a","value":"b"})", {kDemoAuth}), {});
        CHECK(reply.status == status);
        CHECK(reply.body == "the core's message\n");
        if (f == core::Fault::RateLimited) CHECK(header(reply, "Retry-After") == "30");
    }
}

TEST_CASE("acme-dns update reads its keys in any case and answers the txt") {
    test::FakeCore core;
    acme::AcmeDnsEndpoint endpoint(core);
    const std::vector<std::pair<std::string, std::string>> auth{{"X-Api-User", "home.example.test"}, {"X-Api-Key", "token"}};
    for (const std::string& body : {R"({"SubDomain":"home.example.test","Txt":")" + kValue + "\"}",
                                    R"({"subdomain":"home.example.test","txt":")" + kValue + "\"}"}) {
        const auto reply = endpoint.update(post(body, auth), {});
        CHECK(reply.status == 200);
        CHECK(reply.body == R"({"txt":")" + kValue + "\"}");
    }
    REQUIRE(core.acme_calls.size() == 2);
    CHECK(core.acme_calls[0].account == "home.example.test");
    CHECK(core.acme_calls[0].password == "token");
    CHECK(core.acme_calls[0].name == "home.example.test");
    CHECK(core.acme_calls[0].client.protocol == "acme-dns");
}

TEST_CASE("acme-dns errors are its own words") {
    test::FakeCore core;
    acme::AcmeDnsEndpoint endpoint(core);
    const std::vector<std::pair<std::string, std::string>> auth{{"X-Api-User", "home.example.test"}, {"X-Api-Key", "token"}};
    const auto good = R"({"subdomain":"home.example.test","txt":")" + kValue + "\"}";
    auto reply = endpoint.update(post(good, {}), {});
    CHECK(reply.status == 401);
    CHECK(reply.body == R"({"error":"forbidden"})");
    CHECK(endpoint.update(post("{", auth), {}).body == R"({"error":"malformed_json_payload"})");
    CHECK(endpoint.update(post(R"({"txt":"x"})", auth), {}).body == R"({"error":"bad_subdomain"})");
    CHECK(endpoint.update(post(R"({"subdomain":"a b","txt":"x"})", auth), {}).body == R"({"error":"bad_subdomain"})");
    CHECK(endpoint.update(post(R"({"subdomain":"home.example.test"})", auth), {}).body == R"({"error":"bad_txt"})");
    CHECK(core.acme_calls.empty());
    for (const auto f : {core::Fault::AuthFailed, core::Fault::NoSuchDomain, core::Fault::DyndnsDisabled}) {
        core.acme_answer = fault(f);
        reply = endpoint.update(post(good, auth), {});
        CHECK(reply.status == 401);
        CHECK(reply.body == R"({"error":"forbidden"})");
    }
    core.acme_answer = fault(core::Fault::InvalidAddress);
    reply = endpoint.update(post(good, auth), {});
    CHECK(reply.status == 400);
    CHECK(reply.body == R"({"error":"bad_txt"})");
}
