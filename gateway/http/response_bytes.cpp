// Poco's HTTPResponse writes the head, so header syntax and reason phrases come from one library.
#include "http/response_bytes.h"

#include <sstream>

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/HTTPResponse.h>

namespace dyndns::http {

std::string response_bytes(const HttpResponse& response, const ResponseFraming& framing) {
    Poco::Net::HTTPResponse head;
    head.setVersion(framing.http11 ? Poco::Net::HTTPMessage::HTTP_1_1 : Poco::Net::HTTPMessage::HTTP_1_0);
    const auto status = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status);
    head.setStatusAndReason(status, Poco::Net::HTTPResponse::getReasonForStatus(status));
    head.set("Date", Poco::DateTimeFormatter::format(Poco::DateTime(), Poco::DateTimeFormat::HTTP_FORMAT));
    head.set("Server", "dyndns-gateway");
    if (!response.content_type.empty()) head.setContentType(response.content_type);
    for (const auto& [name, value] : response.headers) head.add(name, value); // add: Set-Cookie may repeat
    head.set("X-Content-Type-Options", "nosniff");
    head.set("Cache-Control", "no-store");
    if (framing.https) head.set("Strict-Transport-Security", "max-age=31536000");
    // A 204 has no body and, by RFC 9110 8.6, no Content-Length either.
    if (response.status != 204) head.setContentLength64(static_cast<Poco::Int64>(response.body.size()));
    head.setKeepAlive(framing.keep_alive);
    std::ostringstream out;
    head.write(out);
    std::string bytes = std::move(out).str();
    bytes += response.body;
    return bytes;
}

} // namespace dyndns::http
