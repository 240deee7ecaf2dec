// Second-factor pages: labelled controls, one-time-code autocomplete, the secret only in the page body (never a URL).
#include "panel/totp_pages.h"

#include <sstream>

#include "core/totp.h"
#include "panel/html_text.h"
#include "panel/panel_pages.h"
#include "panel/totp_qr.h"
#include "vocabulary/recovery_code.h"

namespace dyndns::panel {
namespace {

std::string code_field(const std::string& id, const std::string& label, const std::string& help) {
    return "<label for=\"" + id + "\">" + label + "</label><input id=\"" + id +
           "\" name=\"code\" autocomplete=\"one-time-code\" spellcheck=\"false\" maxlength=\"32\" aria-describedby=\"" + id +
           "-help\" required><p id=\"" + id + "-help\">" + help + "</p>";
}

} // namespace

std::string code_page(const std::string& csrf, const std::string& problem) {
    std::ostringstream main;
    main << "<h1>Two-factor code</h1>" << problem_box(problem)
         << "<form method=\"post\" action=\"/panel/login/code\" class=\"login\">" << csrf_field(csrf)
         << code_field("code", "Code",
                       "The " + std::to_string(core::kTotpDigits) +
                           "-digit code your authenticator app shows now, or one of your recovery codes.")
         << "<button type=\"submit\">Verify</button></form>";
    return page("Two-factor code", "", "", main.str());
}

std::string totp_section(const std::string& csrf, const std::optional<core::TotpState>& totp) {
    std::ostringstream out;
    out << "<section aria-labelledby=\"two-factor\"><h2 id=\"two-factor\">Two-factor authentication</h2>";
    if (totp && totp->enabled) {
        out << "<p>On: logging in here asks for a code from your authenticator app. " << totp->recovery_codes_left << " of "
            << core::kRecoveryCodes << " recovery codes left.</p>"
            << "<p>Routers and scripts (XML-RPC, SOAP, dyndns2, the JSON API) cannot type codes: they keep using the "
               "password, a per-host token, or better a scoped API token.</p>"
            << "<form method=\"post\" action=\"/panel/totp/disable\" class=\"inline\">" << csrf_field(csrf)
            << code_field("disable-code", "Code to turn it off", "A current code from the app, or a recovery code.")
            << "<button type=\"submit\">Turn off two-factor authentication</button></form>";
    } else {
        out << "<p>Off. With it on, logging in here also asks for a one-time code from an authenticator app (TOTP).</p>";
        if (totp) out << "<p><a href=\"/panel/totp\">Continue setting up</a> (waiting for the app's first code)</p>";
        out << "<form method=\"post\" action=\"/panel/totp/begin\">" << csrf_field(csrf)
            << "<button type=\"submit\">Set up two-factor authentication</button></form>";
    }
    out << "</section>";
    return out.str();
}

std::string totp_enrol_page(const std::string& account, const std::string& csrf, const std::string& secret,
                            const std::string& otpauth_uri, const std::string& problem) {
    std::ostringstream main;
    main << "<p><a href=\"/panel/\">← Domains</a></p><h1>Set up two-factor authentication</h1>" << problem_box(problem)
         << "<p>Scan this QR code with your authenticator app:</p>"
         << qr_svg(otpauth_uri, "QR code of the secret for your authenticator app")
         << "<p>or type the secret in: <code id=\"totp-secret\">" << html(secret) << "</code> (time-based, " << core::kTotpDigits
         << " digits, every " << core::kTotpStepSeconds << " s).</p>"
         << "<form method=\"post\" action=\"/panel/totp/enable\" class=\"inline\">" << csrf_field(csrf)
         << code_field("enable-code", "Code from the app", "Two-factor authentication is on once this code is right.")
         << "<button type=\"submit\">Turn on</button></form>";
    return page("Two-factor authentication", account, csrf, main.str());
}

std::string recovery_codes_page(const std::string& account, const std::string& csrf, const std::vector<std::string>& codes) {
    std::ostringstream main;
    main << "<h1>Two-factor authentication is on</h1><div class=\"secret\" role=\"status\"><p>Your recovery codes, shown only "
            "now. Keep them apart from your phone: each logs in once without the app.</p><ol id=\"recovery-codes\">";
    for (const auto& code : codes) main << "<li><code>" << html(code) << "</code></li>";
    main << "</ol></div><p><a href=\"/panel/\">Done</a></p>";
    return page("Recovery codes", account, csrf, main.str());
}

} // namespace dyndns::panel
