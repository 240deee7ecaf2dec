// The control panel under /panel/: log in, the account's domains, the dyndns checkbox, records, history, tokens.
#pragma once

#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "core/account_service.h"
#include "http/http_types.h"
#include "panel/panel_pages.h"
#include "panel/panel_sessions.h"
#include "panel/pending_logins.h"

namespace dyndns::panel {

// Routes for the HTTPS server. Sessions live in a cookie named __Host-dyndns (HttpOnly, Secure,
// SameSite=Strict; expiry enforced by SessionStore); every POST carries the session's CSRF token,
// the login form a pre-session one (double submit). An account with TOTP on gets no session from
// its password: a pending login (cookie __Host-dyndns-code, PendingLogins) asks for the code
// first. Nothing secret ever goes into a URL.
class PanelEndpoint {
public:
    PanelEndpoint(core::AccountService& accounts, ClientEndpoints endpoints)
        : accounts_(accounts), endpoints_(std::move(endpoints)) {}

    std::vector<http::Route> routes();

private:
    http::HttpResponse home(const http::HttpRequest& request);
    http::HttpResponse login_form(const http::HttpRequest& request);
    http::HttpResponse login(const http::HttpRequest& request);
    http::HttpResponse logout(const http::HttpRequest& request);
    // The second factor (panel_totp.cpp): a login's code step, enrolment, turning it off.
    http::HttpResponse code_form(const http::HttpRequest& request);
    http::HttpResponse login_code(const http::HttpRequest& request);
    http::HttpResponse begin_totp(const http::HttpRequest& request);
    http::HttpResponse totp_enrolment(const http::HttpRequest& request);
    http::HttpResponse enable_totp(const http::HttpRequest& request);
    http::HttpResponse disable_totp(const http::HttpRequest& request);
    // The redirect that starts a session for `account` (a login complete), ending the login's cookies.
    http::HttpResponse start_session(const std::string& account);
    http::HttpResponse domain(const http::HttpRequest& request);
    http::HttpResponse set_dyndns(const http::HttpRequest& request);
    http::HttpResponse new_token(const http::HttpRequest& request);
    http::HttpResponse revoke_token(const http::HttpRequest& request);
    http::HttpResponse set_host_rule(const http::HttpRequest& request);
    http::HttpResponse new_api_token(const http::HttpRequest& request);
    http::HttpResponse new_webhook(const http::HttpRequest& request);
    http::HttpResponse remove_webhook(const http::HttpRequest& request);
    http::HttpResponse revoke_api_token(const http::HttpRequest& request); // "remove" in the form: the rule goes

    std::optional<Session> session_of(const http::HttpRequest& request);

    // A POST from a logged-in page: its session and its fields, or the answer that refuses it
    // (no session: to the login page; no or a wrong CSRF token: 403).
    struct PostedForm {
        Session session;
        http::FormFields form;
    };
    std::variant<PostedForm, http::HttpResponse> posted_form(const http::HttpRequest& request);

    core::AccountService& accounts_;
    ClientEndpoints endpoints_;
    SessionStore sessions_;
    PendingLogins pending_;
};

} // namespace dyndns::panel
