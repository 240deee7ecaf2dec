// The framing rules one head must pass, and where a head ends.
#include <doctest/doctest.h>

#include "http/request_head.h"
#include "http/response_bytes.h"

using namespace dyndns::http;

namespace {

int refused_with(const std::string& head) {
    const auto result = read_request_head(head, HeadLimits{});
    REQUIRE(std::holds_alternative<HeadRefusal>(result));
    return std::get<HeadRefusal>(result).status;
}

RequestHead accepted(const std::string& head) {
    auto result = read_request_head(head, HeadLimits{});
    if (const auto* refused = std::get_if<HeadRefusal>(&result)) FAIL("refused " << refused->status << ": " << refused->reason);
    return std::get<RequestHead>(result);
}

} // namespace

TEST_CASE("a head ends at the first CRLF CRLF and bare LFs never end it") {
    CHECK(head_end("GET / HTTP/1.1\r\nHost: x\r\n\r\nrest") == 27);
    CHECK(head_end("GET / HTTP/1.1\r\nHost: x\r\n") == std::string::npos);
    CHECK(head_end("GET / HTTP/1.1\nHost: x\n\n") == std::string::npos);
}

TEST_CASE("a plain request with a length is accepted with its fields") {
    const auto head = accepted("POST /dom/api?wsdl HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 12\r\n\r\n");
    CHECK(head.content_length == 12);
    CHECK(head.keep_alive);
    CHECK(head.http11);
    CHECK(head.request.method == "POST");
    CHECK(head.request.path == "/dom/api");
    CHECK(head.request.query == "wsdl");
    CHECK(head.request.content_type == "text/xml");
}

TEST_CASE("Transfer-Encoding of any kind is refused") {
    CHECK(refused_with("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\nContent-Length: 1\r\n\r\n") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\ntransfer-encoding: gzip\r\nContent-Length: 1\r\n\r\n") == 400);
}

TEST_CASE("Content-Length must be one plain decimal number within the body limit") {
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\n") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length: 0x5\r\n\r\n") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length: 65537\r\n\r\n") == 413);
    CHECK(refused_with("POST / HTTP/1.1\r\nHost: x\r\n\r\n") == 411);
    CHECK(accepted("GET / HTTP/1.1\r\nHost: x\r\n\r\n").content_length == 0);
}

TEST_CASE("the URI the header block and the version have limits") {
    CHECK(refused_with("GET /" + std::string(3000, 'a') + " HTTP/1.1\r\n\r\n") == 414);
    CHECK(refused_with("GET / HTTP/1.1\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n") == 431);
    CHECK(refused_with("GET / HTTP/2.0\r\n\r\n") == 505);
    CHECK(refused_with("GET http://elsewhere/ HTTP/1.1\r\n\r\n") == 400);
    CHECK(refused_with("NOT A REQUEST\r\n\r\n") == 505);
}

TEST_CASE("keep-alive follows the version and the Connection header") {
    CHECK_FALSE(accepted("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keep_alive);
    CHECK_FALSE(accepted("GET / HTTP/1.0\r\n\r\n").keep_alive);
    CHECK(accepted("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive);
}

TEST_CASE("Expect 100-continue is understood and other expectations are refused") {
    CHECK(accepted("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n").expects_continue);
    CHECK(refused_with("POST / HTTP/1.1\r\nExpect: something\r\nContent-Length: 3\r\n\r\n") == 417);
}

TEST_CASE("every answer carries its length and the security headers and HSTS only over TLS") {
    HttpResponse response = HttpResponse::text(200, "hello\n");
    const std::string https = response_bytes(response, ResponseFraming{true, true, true});
    CHECK(https.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(https.find("Content-Length: 6\r\n") != std::string::npos);
    CHECK(https.find("Strict-Transport-Security: max-age=31536000\r\n") != std::string::npos);
    CHECK(https.find("X-Content-Type-Options: nosniff\r\n") != std::string::npos);
    CHECK(https.substr(https.size() - 10) == "\r\n\r\nhello\n");
    const std::string clear = response_bytes(response, ResponseFraming{false, true, false});
    CHECK(clear.find("Strict-Transport-Security") == std::string::npos);
    CHECK(clear.find("Connection: Close\r\n") != std::string::npos);
}

TEST_CASE("a header line that is not exactly one field is refused") {
    CHECK(refused_with("GET / HTTP/1.1\r\nno colon here\r\n\r\n") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nContent-Length : 5\r\n\r\n") == 400);
    CHECK(refused_with("POST / HTTP/1.1\r\nX-A: 1\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n") == 400);
    CHECK(refused_with("GET / HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n") == 400);
    CHECK(accepted("GET / HTTP/1.1\r\nHost: x\r\nX-Empty:\r\n\r\n").request.headers.size() == 2);
}
