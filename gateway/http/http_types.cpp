// Small helpers of the request and response values.
#include "http/http_types.h"

#include <Poco/String.h>

namespace dyndns::http {

std::string HttpRequest::header(const std::string& name) const {
    for (const auto& [key, value] : headers)
        if (Poco::icompare(key, name) == 0) return value;
    return "";
}

HttpResponse HttpResponse::text(int status, std::string body) {
    return HttpResponse{status, "text/plain; charset=utf-8", std::move(body), {}};
}

} // namespace dyndns::http
