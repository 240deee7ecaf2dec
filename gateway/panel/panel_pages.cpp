// Server-rendered HTML: semantic elements, labels on every control, one stylesheet, no script and nothing external.
#include "panel/panel_pages.h"

#include <sstream>

#include "vocabulary/history_outcome.h"
#include "panel/acme_settings.h"
#include "panel/api_tokens_section.h"
#include "panel/history_picture.h"
#include "panel/totp_pages.h"
#include "vocabulary/printable.h"
#include "vocabulary/utc_time.h"
#include "panel/html_text.h"

namespace dyndns::panel {

std::string page(const std::string& title, const std::string& account, const std::string& csrf, const std::string& main) {
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        << "<title>" << html(title) << " · dyndns</title><link rel=\"stylesheet\" href=\"/panel/style.css\"></head><body>"
        << "<header><p class=\"brand\"><a href=\"/panel/\">dyndns</a></p>";
    if (!account.empty())
        out << "<form method=\"post\" action=\"/panel/logout\" class=\"logout\"><input type=\"hidden\" name=\"csrf\" value=\""
            << html(csrf) << "\"><span>" << html(account) << "</span> <button type=\"submit\">Log out</button></form>";
    out << "</header><main>" << main << "</main></body></html>\n";
    return out.str();
}

std::string problem_box(const std::string& problem) {
    return problem.empty() ? "" : "<p class=\"problem\" role=\"alert\">" + html(problem) + "</p>";
}

namespace {

std::string or_dash(const std::string& text) { return text.empty() ? "–" : html(text); }

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

std::string domain_href(const std::string& domain, std::size_t page = 0) {
    return "/panel/domain?name=" + html(domain) + (page ? "&amp;page=" + std::to_string(page) : "");
}

// The settings a customer copies into a client, for this domain.
std::string client_settings(const std::string& domain, const ClientEndpoints& e, const std::string& account) {
    const std::string host_port = e.host + ":" + std::to_string(e.port);
    std::ostringstream out;
    out << "<section aria-labelledby=\"clients\"><h2 id=\"clients\">Client settings</h2>"
        << "<h3>Python (XML-RPC)</h3><pre><code>import xmlrpc.client\nproxy = xmlrpc.client.ServerProxy(\"" << html(e.api_url)
        << "\")\nprint(proxy.SetDyndnsIp(\"" << html(account) << "\", \"PASSWORD\", \"" << html(domain)
        << "\", \"\"))</code></pre>"
        << "<h3>SOAP</h3><p>WSDL: <code>" << html(e.api_url) << "?wsdl</code></p>"
        << "<h3>ddclient.conf</h3><pre><code>ssl=yes\nprotocol=dyndns2\nuse=web, web=https://" << html(host_port)
        << "/nic/checkip\nserver=" << html(host_port) << "\nlogin=" << html(account) << "\npassword='PASSWORD'\n"
        << html(domain) << "</code></pre>"
        << "<h3>inadyn.conf</h3><pre><code>custom dyndns {\n    ssl = true\n    ddns-server = \"" << html(host_port)
        << "\"\n    ddns-path = \"/nic/update?hostname=%h&amp;myip=%i\"\n    username = " << html(account)
        << "\n    password = PASSWORD\n    hostname = " << html(domain) << "\n    checkip-server = \"" << html(host_port)
        << "\"\n    checkip-path = \"/nic/checkip\"\n    checkip-ssl = true\n}</code></pre>"
        << "<h3>curl</h3><pre><code>curl -u " << html(account) << ":PASSWORD \"https://" << html(host_port)
        << "/nic/update?hostname=" << html(domain) << "\"</code></pre>"
        << "<p>Replace PASSWORD with the account's password, or use a per-host token (user name = the host name).</p>"
        << "</section>";
    return out.str();
}

// The hosts whose AAAA follows the router's prefix (docs/contract.md "Router prefixes").
std::string router_hosts(const std::string& domain, const std::string& csrf, const core::DomainView& view) {
    std::ostringstream out;
    out << "<section aria-labelledby=\"hosts\"><h2 id=\"hosts\">Hosts behind your router</h2>"
        << "<p>When your router sends its IPv6 prefix (FRITZ!Box: <code>ip6lanprefix=&lt;ip6lanprefix&gt;</code>), each host "
        << "below gets the prefix followed by its own interface identifier, all in one update. Prefix length: "
        << (view.domain.prefix_length ? "/" + std::to_string(view.domain.prefix_length) : std::string("as the router sends it"))
        << ".</p><table><caption>Host rules</caption><thead><tr><th scope=\"col\">Host</th><th scope=\"col\">Rule</th>"
        << "<th scope=\"col\">AAAA now</th><th scope=\"col\"><span "
           "class=\"visually-hidden\">Action</span></th></tr></thead><tbody>";
    if (view.router_hosts.empty()) out << "<tr><td colspan=\"4\">No host follows the router's prefix yet.</td></tr>";
    for (const auto& host : view.router_hosts)
        out << "<tr><td>" << html(host.rule.name) << "</td><td><code>" << html(host.rule.ipv6) << "</code></td><td>"
            << or_dash(join(host.aaaa)) << "</td><td><form method=\"post\" action=\"/panel/host\">" << csrf_field(csrf)
            << "<input type=\"hidden\" name=\"domain\" value=\"" << html(domain)
            << "\"><input type=\"hidden\" name=\"name\" value=\"" << html(host.rule.name)
            << "\"><button type=\"submit\" name=\"remove\" value=\"1\" aria-label=\"Remove the rule of " << html(host.rule.name)
            << "\">Remove</button></form></td></tr>";
    out << "</tbody></table><form method=\"post\" action=\"/panel/host\" class=\"inline\">" << csrf_field(csrf)
        << "<input type=\"hidden\" name=\"domain\" value=\"" << html(domain) << "\">"
        << "<label for=\"host-name\">Name behind the router</label><input id=\"host-name\" name=\"name\" value=\"" << html(domain)
        << "\" required> <label for=\"host-rule\">Rule</label><input id=\"host-rule\" name=\"rule\" "
        << "placeholder=\"::a:b:c:d, 00:1a:2b:3c:4d:5e or preserve\" aria-describedby=\"host-rule-help\" required> "
        << "<button type=\"submit\">Set rule</button><p id=\"host-rule-help\">An interface identifier (<code>::a:b:c:d</code>), "
        << "the host's MAC address (its EUI-64 identifier is used) or <code>preserve</code> (keep the low bits its address "
           "has).</p>"
        << "</form></section>";
    return out.str();
}

} // namespace

std::string login_page(const std::string& csrf, const std::string& problem) {
    std::ostringstream main;
    main << "<h1>Log in</h1>" << problem_box(problem) << "<form method=\"post\" action=\"/panel/login\" class=\"login\">"
         << csrf_field(csrf) << "<label for=\"account\">Account</label>"
         << "<input id=\"account\" name=\"account\" autocomplete=\"username\" required autofocus>"
         << "<label for=\"password\">Password</label>"
         << "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>"
         << "<button type=\"submit\">Log in</button></form>";
    return page("Log in", "", "", main.str());
}

std::string domains_page(const std::string& account, const std::string& csrf, const std::vector<core::Domain>& domains,
                         const std::vector<core::ApiToken>& tokens, const std::optional<NewApiToken>& new_token,
                         const std::vector<core::WebhookView>& webhooks, const std::optional<NewWebhook>& new_webhook,
                         const std::optional<core::TotpState>& totp, const std::string& problem) {
    std::ostringstream main;
    main << "<h1>Your domains</h1>";
    if (domains.empty())
        main << "<p>This account has no domains yet.</p>";
    else {
        main << "<table><caption>Domains and their dyndns switch</caption><thead><tr><th scope=\"col\">Domain</th>"
             << "<th scope=\"col\">dyndns</th></tr></thead><tbody>";
        for (const auto& d : domains)
            main << "<tr><td><a href=\"" << domain_href(d.name) << "\">" << html(d.name) << "</a></td><td>"
                 << (d.dyndns ? "on" : "off") << "</td></tr>";
        main << "</tbody></table>";
    }
    main << problem_box(problem) << api_tokens_section(csrf, tokens, new_token)
         << webhooks_section(csrf, webhooks, domains, new_webhook) << totp_section(csrf, totp);
    return page("Domains", account, csrf, main.str());
}

std::string domain_page(const std::string& account, const std::string& csrf, const core::DomainView& view,
                        std::size_t history_page, const ClientEndpoints& endpoints,
                        const std::optional<std::pair<core::Token, std::string>>& new_token, const std::string& problem) {
    const std::string& name = view.domain.name;
    std::ostringstream main;
    main << "<p><a href=\"/panel/\">← Domains</a></p><h1>" << html(name) << "</h1>" << problem_box(problem);

    main << "<section aria-labelledby=\"dns\"><h2 id=\"dns\">DNS</h2>"
         << "<form method=\"post\" action=\"/panel/dyndns\" class=\"switch\">" << csrf_field(csrf)
         << "<input type=\"hidden\" name=\"domain\" value=\"" << html(name) << "\">"
         << "<input type=\"checkbox\" id=\"dyndns\" name=\"dyndns\" value=\"on\"" << (view.domain.dyndns ? " checked" : "")
         << "><label for=\"dyndns\">dyndns: let SetDyndnsIp and routers set this domain's address</label> "
         << "<button type=\"submit\">Save</button></form>";
    if (!view.dns_problem.empty())
        main << "<p class=\"problem\" role=\"alert\">The DNS primary could not be read: " << html(view.dns_problem) << "</p>";

    main << "<table><caption>Records the primary serves at " << html(name) << "</caption><thead><tr>"
         << "<th scope=\"col\">Type</th><th scope=\"col\">TTL</th><th scope=\"col\">Data</th></tr></thead><tbody>";
    for (const auto& r : view.records)
        main << "<tr><td>" << html(r.type) << "</td><td>" << r.ttl << "</td><td><code>" << html(r.data) << "</code></td></tr>";
    main << "</tbody></table>";

    main << "<table><caption>Dynamic addresses</caption><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">A</th>"
         << "<th scope=\"col\">AAAA</th><th scope=\"col\">TTL</th></tr></thead><tbody>";
    if (view.dynamic.empty()) main << "<tr><td colspan=\"4\">No address has been set through the gateway yet.</td></tr>";
    for (const auto& d : view.dynamic)
        main << "<tr><td>" << html(d.name) << "</td><td>" << or_dash(join(d.a)) << "</td><td>" << or_dash(join(d.aaaa))
             << "</td><td>" << (d.ttl ? std::to_string(d.ttl) : "–") << "</td></tr>";
    main << "</tbody></table>";

    const core::HistoryEntry* last = nullptr;
    for (const auto& e : view.history)
        if (core::published(e.outcome)) {
            last = &e;
            break;
        }
    if (last && history_page == 0)
        main << "<p class=\"last\">Last update: " << html(core::utc(last->last_time, core::TimeStyle::Readable)) << " from "
             << html(last->caller_address) << " via " << html(last->protocol)
             << (last->user_agent.empty() ? "" : " (" + html(core::printable(last->user_agent)) + ")") << "</p>";
    main << "</section>";

    main << "<section aria-labelledby=\"history\"><h2 id=\"history\">History</h2>" << history_pictures(view.timelines, view.now)
         << "<table><caption>Recent calls, newest first; unchanged calls in a row are counted in one line"
         << "</caption><thead><tr><th scope=\"col\">Time</th><th scope=\"col\">Name</th><th scope=\"col\">Change</th>"
         << "<th scope=\"col\">Outcome</th><th scope=\"col\">Caller</th><th scope=\"col\">Client</th></tr></thead><tbody>";
    if (view.history.empty()) main << "<tr><td colspan=\"6\">No calls yet.</td></tr>";
    for (const auto& e : view.history)
        // A run of unchanged calls (docs/contract.md "History"): one row, its first and last call and the count.
        main << "<tr><td>" << html(core::utc(e.time, core::TimeStyle::Readable))
             << (e.calls > 1 ? " to " + html(core::utc(e.last_time, core::TimeStyle::Readable)) : std::string()) << "</td><td>"
             << html(e.name) << "</td><td>" << or_dash(e.type) << " " << or_dash(e.old_address) << " → " << or_dash(e.new_address)
             << (e.prefix.empty() ? "" : " (router prefix " + html(e.prefix) + ")") << "</td><td>" << html(e.outcome)
             << (e.calls > 1 ? ", " + std::to_string(e.calls) + " calls" : std::string()) << "</td><td>" << html(e.caller_address)
             << "</td><td>" << html(e.protocol) << (e.user_agent.empty() ? "" : " (" + html(core::printable(e.user_agent)) + ")")
             << "</td></tr>";
    main << "</tbody></table><nav aria-label=\"History pages\" class=\"pages\">";
    if (history_page > 0) main << "<a href=\"" << domain_href(name, history_page - 1) << "#history\">Newer</a> ";
    if (view.more_history) main << "<a href=\"" << domain_href(name, history_page + 1) << "#history\">Older</a>";
    main << "</nav></section>";

    main << router_hosts(name, csrf, view);

    main << "<section aria-labelledby=\"tokens\"><h2 id=\"tokens\">Per-host tokens</h2>"
         << "<p>A token lets one router update one name and nothing else; its user name is the host name.</p>";
    if (new_token)
        main << "<div class=\"secret\" role=\"status\"><p>New token for <strong>" << html(new_token->first.name)
             << "</strong>, shown only now:</p><p><code id=\"new-token\">" << html(new_token->second) << "</code></p></div>";
    main << "<table><caption>Tokens</caption><thead><tr><th scope=\"col\">Number</th><th scope=\"col\">Host</th>"
         << "<th scope=\"col\">Created</th><th scope=\"col\"><span "
            "class=\"visually-hidden\">Action</span></th></tr></thead><tbody>";
    if (view.tokens.empty()) main << "<tr><td colspan=\"4\">No tokens.</td></tr>";
    for (const auto& t : view.tokens)
        main << "<tr><td>" << t.id << "</td><td>" << html(t.name) << "</td><td>"
             << html(core::utc(t.created, core::TimeStyle::Readable)) << "</td><td>"
             << "<form method=\"post\" action=\"/panel/token/revoke\">" << csrf_field(csrf)
             << "<input type=\"hidden\" name=\"domain\" value=\"" << html(name)
             << "\"><input type=\"hidden\" name=\"id\" value=\"" << t.id
             << "\"><button type=\"submit\" aria-label=\"Revoke token " << t.id << " for " << html(t.name)
             << "\">Revoke</button></form></td></tr>";
    main << "</tbody></table><form method=\"post\" action=\"/panel/token/new\" class=\"inline\">" << csrf_field(csrf)
         << "<input type=\"hidden\" name=\"domain\" value=\"" << html(name) << "\">"
         << "<label for=\"token-host\">Host name</label><input id=\"token-host\" name=\"name\" value=\"" << html(name)
         << "\" required> <button type=\"submit\">Create token</button></form></section>";

    main << client_settings(name, endpoints, account) << acme_settings(name, endpoints, account);
    return page(name, account, csrf, main.str());
}

std::string message_page(const std::string& title, const std::string& text, const std::string& back_href) {
    return page(title, "", "",
                "<h1>" + html(title) + "</h1><p>" + html(text) + "</p><p><a href=\"" + html(back_href) + "\">Back</a></p>");
}

} // namespace dyndns::panel
