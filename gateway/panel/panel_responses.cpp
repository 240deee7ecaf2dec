// Answers every panel page shares: CSP and framing headers, redirects, cookies, CSRF checks, fault pages.
#include "panel/panel_responses.h"

#include <Poco/Net/HTTPCookie.h>

#include "http/fault_status.h"
#include "panel/panel_pages.h"

namespace dyndns::panel {
namespace {

// No script, nothing from elsewhere, no framing: the pages need only themselves.
void secure_headers(http::HttpResponse& response) {
    response.headers.emplace_back("Content-Security-Policy",
                                  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                                  "frame-ancestors 'none'; base-uri 'none'");
    response.headers.emplace_back("X-Frame-Options", "DENY");
    response.headers.emplace_back("Referrer-Policy", "no-referrer");
}

} // namespace

http::HttpResponse html_response(int status, std::string body) {
    http::HttpResponse response{status, "text/html; charset=utf-8", std::move(body), {}};
    secure_headers(response);
    return response;
}

http::HttpResponse redirect(const std::string& location) {
    http::HttpResponse response{303, "text/plain; charset=utf-8", "see " + location + "\n", {{"Location", location}}};
    secure_headers(response);
    return response;
}

std::string cookie_header(const std::string& name, const std::string& value, int max_age) {
    Poco::Net::HTTPCookie cookie(name, value);
    cookie.setPath("/");
    cookie.setSecure(true);
    cookie.setHttpOnly(true);
    cookie.setSameSite(Poco::Net::HTTPCookie::SAME_SITE_STRICT);
    cookie.setMaxAge(max_age);
    return cookie.toString();
}

// Constant-time comparison: a CSRF token is a secret.
bool same_secret(const std::string& a, const std::string& b) {
    if (a.size() != b.size() || a.empty()) return false;
    unsigned char difference = 0;
    for (std::size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

http::HttpResponse forbidden_form() {
    return html_response(403, message_page("Form refused",
                                           "This form was not sent from this session's page "
                                           "(missing or stale CSRF token). Reload the page and try again.",
                                           "/panel/"));
}

http::HttpResponse problem_page(const core::UpdateError& error, const std::string& back) {
    auto response = html_response(http::fault_status(error.fault), message_page("Not done", error.message, back));
    if (error.retry_after_seconds > 0) response.headers.emplace_back("Retry-After", std::to_string(error.retry_after_seconds));
    return response;
}

http::HttpResponse not_stored(http::HttpResponse response) {
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

} // namespace dyndns::panel
