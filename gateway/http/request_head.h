// One request head: where it ends in the received bytes, and the framing rules it must pass (Content-Length only).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "http/http_types.h"

namespace dyndns::http {

struct HeadLimits {
    std::size_t max_uri_bytes = 2048;
    std::size_t max_header_bytes = 8 * 1024; // the header fields, request line excluded
    std::size_t max_body_bytes = 64 * 1024;
};

// The most a head may take before its end is seen: the request line and the fields at their limits.
std::size_t max_head_bytes(const HeadLimits& limits);

// The index just past the blank line that ends the head in `received`, or npos while it has not
// arrived. Only CRLF line ends count: a head framed by bare LFs never completes (and times out),
// so no proxy in front can read a different request boundary than this server does.
std::size_t head_end(std::string_view received);

// A head that passed every rule: the request without its body and peer, and how to frame what follows.
struct RequestHead {
    HttpRequest request; // method, path, query, content_type, headers; body and peer left empty
    std::size_t content_length = 0; // the body's exact size
    bool keep_alive = true; // HTTP/1.1 unless "Connection: close"; HTTP/1.0 only with "keep-alive"
    bool http11 = true;
    bool expects_continue = false; // "Expect: 100-continue" with a body to come
};

// The answer a head is refused with; the connection always closes after it.
struct HeadRefusal {
    int status = 400;
    std::string reason;
    std::string path; // the request's path when the head was read that far, so its route can word the answer
};

// Parses `head` (exactly the bytes up to head_end) with Poco and applies the rules: no
// Transfer-Encoding of any kind, at most one Content-Length and that one plain decimal digits
// within max_body_bytes (else 413), a length on every POST (411), URI and field sizes (414, 431).
std::variant<RequestHead, HeadRefusal> read_request_head(std::string_view head, const HeadLimits& limits);

} // namespace dyndns::http
