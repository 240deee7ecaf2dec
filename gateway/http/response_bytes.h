// An HttpResponse as the bytes that go on the wire, with the headers every answer of this server carries.
#pragma once

#include <string>

#include "http/http_types.h"

namespace dyndns::http {

struct ResponseFraming {
    bool keep_alive = true; // false: "Connection: close", and the server closes after writing
    bool http11 = true; // the request's version; an HTTP/1.0 keep-alive answer says so
    bool https = true; // Strict-Transport-Security only over TLS (RFC 6797 §7.2)
};

// Status line, headers (Poco writes them) and body.
std::string response_bytes(const HttpResponse& response, const ResponseFraming& framing);

// The interim answer to "Expect: 100-continue".
constexpr const char* kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

} // namespace dyndns::http
