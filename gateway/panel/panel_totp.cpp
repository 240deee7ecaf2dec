// The panel's second-factor requests: a login's code step after the password, enrolment (secret, QR code, first code, recovery codes), turning it off.
#include "core/totp.h"
#include "http/client_info.h"
#include "http/fault_status.h"
#include "panel/panel_endpoint.h"
#include "panel/panel_responses.h"
#include "panel/totp_pages.h"

namespace dyndns::panel {
namespace {

// A refused code on its own form again: 401 wrong, 429 throttled, 503 the store down.
http::HttpResponse refused_code(const core::UpdateError& error, std::string body) {
    auto response = html_response(http::fault_status(error.fault), std::move(body));
    if (error.retry_after_seconds > 0) response.headers.emplace_back("Retry-After", std::to_string(error.retry_after_seconds));
    return response;
}

// The enrolment page of `secret`, its QR code naming the gateway's public host as the issuer.
std::string enrol_page(const Session& session, const ClientEndpoints& endpoints, const std::string& secret,
                       const std::string& problem) {
    const std::string issuer = endpoints.host.empty() ? "dyndns" : endpoints.host;
    return totp_enrol_page(session.account, session.csrf, secret, core::otpauth_uri(issuer, session.account, secret), problem);
}

} // namespace

http::HttpResponse PanelEndpoint::code_form(const http::HttpRequest& request) {
    const auto pending = pending_.find(request.cookie(kCodeCookie));
    if (!pending) return redirect("/panel/login");
    return html_response(200, code_page(pending->csrf, ""));
}

http::HttpResponse PanelEndpoint::login_code(const http::HttpRequest& request) {
    const auto pending = pending_.find(request.cookie(kCodeCookie));
    if (!pending) return redirect("/panel/login"); // expired: the password again
    const auto form = request.form();
    if (!same_secret(form.get("csrf", ""), pending->csrf)) return forbidden_form();
    if (const auto refused = accounts_.second_factor(pending->account, form.get("code", ""), http::client_info(request, "panel")))
        return refused_code(*refused, code_page(pending->csrf, refused->message));
    pending_.destroy(pending->id);
    // A password changed (or the account deleted) between the two steps ends the login.
    if (accounts_.credential_stamp(pending->account) != pending->credential_stamp) return redirect("/panel/login");
    return start_session(pending->account);
}

http::HttpResponse PanelEndpoint::begin_totp(const http::HttpRequest& request) {
    auto posted = posted_form(request);
    if (auto* refused = std::get_if<http::HttpResponse>(&posted)) return *refused;
    const auto& session = std::get<PostedForm>(posted).session;
    const auto begun = accounts_.begin_totp(session.account);
    if (const auto* error = std::get_if<core::UpdateError>(&begun)) return problem_page(*error, "/panel/#two-factor");
    // Post, redirect, get: the secret is read from the store by the next page, never put in a URL.
    return redirect("/panel/totp");
}

http::HttpResponse PanelEndpoint::totp_enrolment(const http::HttpRequest& request) {
    const auto session = session_of(request);
    if (!session) return redirect("/panel/login");
    const auto totp = accounts_.totp(session->account);
    if (!totp || totp->enabled) return redirect("/panel/#two-factor");
    return not_stored(html_response(200, enrol_page(*session, endpoints_, totp->secret, "")));
}

http::HttpResponse PanelEndpoint::enable_totp(const http::HttpRequest& request) {
    auto posted = posted_form(request);
    if (auto* refused = std::get_if<http::HttpResponse>(&posted)) return *refused;
    const auto& [session, form] = std::get<PostedForm>(posted);
    auto made = accounts_.enable_totp(session.account, form.get("code", ""), http::client_info(request, "panel"));
    if (const auto* error = std::get_if<core::UpdateError>(&made)) {
        const auto totp = accounts_.totp(session.account);
        if (!totp || totp->enabled) return problem_page(*error, "/panel/#two-factor");
        return not_stored(refused_code(*error, enrol_page(session, endpoints_, totp->secret, error->message)));
    }
    // Shown in this answer only (not kept for a later page): reloading it turns nothing on twice.
    return not_stored(
        html_response(200, recovery_codes_page(session.account, session.csrf, std::get<std::vector<std::string>>(made))));
}

http::HttpResponse PanelEndpoint::disable_totp(const http::HttpRequest& request) {
    auto posted = posted_form(request);
    if (auto* refused = std::get_if<http::HttpResponse>(&posted)) return *refused;
    const auto& [session, form] = std::get<PostedForm>(posted);
    if (const auto error = accounts_.disable_totp(session.account, form.get("code", ""), http::client_info(request, "panel")))
        return problem_page(*error, "/panel/#two-factor");
    return redirect("/panel/#two-factor");
}

} // namespace dyndns::panel
