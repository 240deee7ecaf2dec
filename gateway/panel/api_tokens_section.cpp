// One table row per token (names, kinds, read-only, networks, expiry; never the secret) and the form that makes one with the same fields as dyndnsctl.
#include "panel/api_tokens_section.h"

#include <sstream>

#include "panel/html_text.h"
#include "vocabulary/utc_time.h"

namespace dyndns::panel {
namespace {

std::string listed(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

std::string reach(const core::ApiToken& token) {
    if (token.names.empty() && token.subtrees.empty()) return "every name";
    std::string out = listed(token.names);
    for (const auto& subtree : token.subtrees) out += (out.empty() ? "" : ", ") + subtree + " and below";
    return out;
}

std::string networks(const core::ApiToken& token) {
    std::vector<std::string> blocks;
    for (const auto& network : token.networks) blocks.push_back(network.to_string());
    return blocks.empty() ? "anywhere" : listed(blocks);
}

} // namespace

std::string api_tokens_section(const std::string& csrf, const std::vector<core::ApiToken>& tokens,
                               const std::optional<NewApiToken>& new_token) {
    std::ostringstream out;
    out << "<section aria-labelledby=\"api-tokens\"><h2 id=\"api-tokens\">API tokens</h2>"
        << "<p>Tokens for the JSON API (<code>/api/v1/</code>), sent as <code>Authorization: Bearer</code>. Give each "
           "script only the names and record kinds it needs.</p>";
    if (new_token)
        out << "<div class=\"secret\" role=\"status\"><p>New API token " << new_token->token.id
            << ", shown only now:</p><p><code id=\"new-api-token\">" << html(new_token->secret) << "</code></p></div>";
    out << "<table><caption>API tokens</caption><thead><tr><th scope=\"col\">Number</th><th scope=\"col\">Label</th>"
        << "<th scope=\"col\">Names</th><th scope=\"col\">Kinds</th><th scope=\"col\">Access</th>"
        << "<th scope=\"col\">From</th><th scope=\"col\">Expires</th><th scope=\"col\"><span "
           "class=\"visually-hidden\">Action</span></th></tr></thead><tbody>";
    if (tokens.empty()) out << "<tr><td colspan=\"8\">No API tokens.</td></tr>";
    for (const auto& token : tokens)
        out << "<tr><td>" << token.id << "</td><td>" << html(token.label) << "</td><td>" << html(reach(token)) << "</td><td>"
            << html(core::record_kinds_text(token.kinds)) << "</td><td>" << (token.write ? "read and write" : "read only")
            << "</td><td>" << html(networks(token)) << "</td><td>"
            << (token.expires ? html(core::utc(*token.expires, core::TimeStyle::Readable)) : "never") << "</td><td>"
            << "<form method=\"post\" action=\"/panel/api-token/revoke\">" << csrf_field(csrf)
            << "<input type=\"hidden\" name=\"id\" value=\"" << token.id
            << "\"><button type=\"submit\" aria-label=\"Revoke API token " << token.id << "\">Revoke</button></form></td></tr>";
    out << "</tbody></table>"
        << "<form method=\"post\" action=\"/panel/api-token/new\" class=\"token-form\">" << csrf_field(csrf)
        << "<fieldset><legend>New API token</legend>"
        << "<p><label for=\"api-label\">Label</label> <input id=\"api-label\" name=\"label\" maxlength=\"100\"></p>"
        << "<p><label for=\"api-names\">Names (exact, separated by spaces; empty: every name)</label> "
           "<input id=\"api-names\" name=\"names\"></p>"
        << "<p><label for=\"api-subtrees\">Subtrees (a name and everything below it)</label> "
           "<input id=\"api-subtrees\" name=\"subtrees\"></p>"
        << "<fieldset><legend>Record kinds</legend>"
        << "<input type=\"checkbox\" id=\"api-kind-address\" name=\"kind\" value=\"address\" checked>"
           "<label for=\"api-kind-address\">addresses (A, AAAA)</label> "
        << "<input type=\"checkbox\" id=\"api-kind-prefix\" name=\"kind\" value=\"prefix\" checked>"
           "<label for=\"api-kind-prefix\">router prefixes</label> "
        << "<input type=\"checkbox\" id=\"api-kind-acme\" name=\"kind\" value=\"acme\" checked>"
           "<label for=\"api-kind-acme\">ACME challenges</label></fieldset>"
        << "<p><input type=\"checkbox\" id=\"api-read-only\" name=\"read_only\" value=\"on\">"
           "<label for=\"api-read-only\">read only</label></p>"
        << "<p><label for=\"api-networks\">Only from these networks (CIDR, separated by spaces; empty: anywhere)</label> "
           "<input id=\"api-networks\" name=\"networks\"></p>"
        << "<p><label for=\"api-expires\">Expires after days (empty: never)</label> "
           "<input id=\"api-expires\" name=\"expires_days\" inputmode=\"numeric\" pattern=\"[0-9]*\"></p>"
        << "<button type=\"submit\">Create API token</button></fieldset></form></section>";
    return out.str();
}

} // namespace dyndns::panel
