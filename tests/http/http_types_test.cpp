// What endpoints get from a request: Basic credentials, cookies, form fields, the caller for the core; and the router's refusals.
#include <doctest/doctest.h>

#include <stdexcept>

#include "http/client_info.h"
#include "http/http_types.h"
#include "http/router.h"

using namespace dyndns::http;

TEST_CASE("Basic credentials are decoded and anything else is none") {
    HttpRequest request;
    request.headers = {{"authorization", "Basic ZGVtbzpwdzpzdGlsbA=="}}; // demo:pw:still
    const auto credentials = request.basic_credentials();
    REQUIRE(credentials);
    CHECK(credentials->user == "demo");
    CHECK(credentials->password == "pw:still");
    CHECK_FALSE(basic_credentials("Bearer abc"));
    CHECK_FALSE(basic_credentials("Basic ZGVtbzo=")); // demo: with no password
    CHECK_FALSE(basic_credentials(""));
}

TEST_CASE("a cookie is found by name") {
    HttpRequest request;
    request.headers = {{"Cookie", "a=1; __Host-dyndns=xyz; b=2"}};
    CHECK(request.cookie("__Host-dyndns") == "xyz");
    CHECK(request.cookie("missing").empty());
}

TEST_CASE("a posted form's fields come before the query's and a GET has only the query's") {
    HttpRequest post;
    post.method = "POST";
    post.content_type = "application/x-www-form-urlencoded; charset=utf-8";
    post.query = "domain=from-url&page=2";
    post.body = "domain=from+form&csrf=%41";
    const FormFields fields = post.form();
    CHECK(fields.get("domain") == "from form");
    CHECK(fields.get("csrf") == "A");
    CHECK(fields.get("page") == "2");
    CHECK(fields.get("absent", "none") == "none");
    HttpRequest get;
    get.method = "GET";
    get.query = "name=example.test";
    get.body = "ignored=1";
    CHECK(get.form().get("name") == "example.test");
    CHECK(get.form().get("ignored").empty());
}

TEST_CASE("the router refuses an unknown path with 404 and a wrong method with 405 and Allow") {
    Router router({{"/x", {"GET", "POST"}, [](const HttpRequest&) { return HttpResponse::text(200, "x"); }},
                   {"/boom", {"GET"}, [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); }}});
    CHECK(router.refusal("GET", "/nowhere")->status == 404);
    const auto wrong = router.refusal("PUT", "/x");
    REQUIRE(wrong);
    CHECK(wrong->status == 405);
    CHECK(wrong->headers.at(0).second == "GET, POST");
    CHECK_FALSE(router.refusal("POST", "/x"));
    HttpRequest boom;
    boom.method = "GET";
    boom.path = "/boom";
    const HttpResponse failed = router.dispatch(boom);
    CHECK(failed.status == 500);
    CHECK(failed.close_connection);
}

TEST_CASE("forwarding headers reach the core except on a PROXY protocol connection") {
    HttpRequest request;
    request.peer_address = "127.0.0.1";
    request.headers = {{"X-Forwarded-For", "203.0.113.5"}, {"Forwarded", "for=203.0.113.6"}};
    const auto direct = client_info(request, "xmlrpc");
    CHECK(direct.peer_address == "127.0.0.1");
    CHECK(direct.x_forwarded_for == "203.0.113.5");
    CHECK(direct.forwarded == "for=203.0.113.6");
    // The client wrote them, though its address (from the PROXY header) is a trusted proxy's.
    request.via_proxy_protocol = true;
    const auto proxied = client_info(request, "xmlrpc");
    CHECK(proxied.peer_address == "127.0.0.1");
    CHECK(proxied.x_forwarded_for.empty());
    CHECK(proxied.forwarded.empty());
}

TEST_CASE("every line of a forwarding header reaches the core joined in order, so a proxy's appended line is last") {
    HttpRequest request;
    request.peer_address = "127.0.0.1";
    // The client's own line first, then the one HAProxy's option forwardfor adds.
    request.headers = {{"X-Forwarded-For", "8.8.8.8"}, {"User-Agent", "x"}, {"x-forwarded-for", "198.51.100.7"}};
    CHECK(request.header_list("X-Forwarded-For") == "8.8.8.8, 198.51.100.7");
    CHECK(client_info(request, "xmlrpc").x_forwarded_for == "8.8.8.8, 198.51.100.7");
    CHECK(request.header_list("Forwarded").empty());
}
