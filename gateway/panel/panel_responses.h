// The panel's answers and cookies in one place: security headers on every page, redirects, the cookie attributes, the CSRF comparison.
#pragma once

#include <string>

#include "core/update_service.h"
#include "http/http_types.h"

namespace dyndns::panel {

inline constexpr const char* kSessionCookie = "__Host-dyndns";
inline constexpr const char* kLoginCookie = "__Host-dyndns-login"; // the login form's pre-session CSRF token
inline constexpr const char* kCodeCookie = "__Host-dyndns-code"; // a pending login waiting for its TOTP code

http::HttpResponse html_response(int status, std::string body);
http::HttpResponse redirect(const std::string& location);
// HttpOnly, Secure, SameSite=Strict, path /; `max_age` 0 deletes it.
std::string cookie_header(const std::string& name, const std::string& value, int max_age);
// Constant-time comparison: a CSRF token is a secret. False when either is empty.
bool same_secret(const std::string& a, const std::string& b);
// 403: no or a stale CSRF token.
http::HttpResponse forbidden_form();
// The fault's status with its message and a link back (Retry-After when it has one).
http::HttpResponse problem_page(const core::UpdateError& error, const std::string& back);
// `response` with Cache-Control: no-store: a page holding a secret stays out of every cache.
http::HttpResponse not_stored(http::HttpResponse response);

} // namespace dyndns::panel
