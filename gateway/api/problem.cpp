// Problem documents (RFC 9457) written with Poco::JSON; the fault's name is the title, its text the detail.
#include "api/problem.h"

#include <sstream>

#include <Poco/Net/HTTPResponse.h>
#include <Poco/String.h>

#include "http/fault_status.h"

namespace dyndns::api {
namespace {

constexpr const char* kProblemType = "application/problem+json";

std::string text_of(const Poco::JSON::Object& object) {
    std::ostringstream out;
    object.stringify(out);
    return out.str() + "\n";
}

// The server's own reasons end in a newline (they are plain-text bodies elsewhere).
std::string trimmed(const std::string& text) { return Poco::trimRight(text); }

} // namespace

int problem_status(core::Fault fault) {
    // As every HTTP front end answers (http/fault_status.cpp), but a well-formed call with a bad
    // address is 422 here: the request was understood, its content refused.
    if (fault == core::Fault::InvalidAddress || fault == core::Fault::PrivateAddress) return 422;
    return http::fault_status(fault);
}

http::HttpResponse problem(const core::UpdateError& error, int status) {
    if (status == 0) status = problem_status(error.fault);
    Poco::JSON::Object body;
    body.set("type", "tag:dyndns-gateway,2026:fault:" + std::to_string(static_cast<int>(error.fault)));
    body.set("title", core::fault_name(error.fault));
    body.set("status", status);
    body.set("detail", error.message);
    body.set("fault", static_cast<int>(error.fault));
    http::HttpResponse response{status, kProblemType, text_of(body), {}, false};
    if (error.fault == core::Fault::AuthFailed) {
        response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"dyndns\"");
        response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"dyndns\", charset=\"UTF-8\"");
    }
    if (error.retry_after_seconds > 0) response.headers.emplace_back("Retry-After", std::to_string(error.retry_after_seconds));
    return response;
}

http::HttpResponse bad_request(const std::string& detail) { return problem({core::Fault::BadRequest, detail, 0}); }

http::HttpResponse http_problem(int status, const std::string& detail) {
    Poco::JSON::Object body;
    body.set("type", "about:blank");
    body.set("title", Poco::Net::HTTPResponse::getReasonForStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status)));
    body.set("status", status);
    body.set("detail", trimmed(detail));
    return http::HttpResponse{status, kProblemType, text_of(body), {}, false};
}

http::HttpResponse json(int status, const Poco::JSON::Object& body) {
    return http::HttpResponse{status, "application/json", text_of(body), {}, false};
}

http::HttpResponse no_content() { return http::HttpResponse{204, "", "", {}, false}; }

} // namespace dyndns::api
