// Each panel request: session from the cookie, CSRF check on every POST, one account-service call, one page or a redirect.
#include "panel/panel_endpoint.h"

#include <algorithm>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include "core/api_tokens.h"
#include "http/client_info.h"
#include "http/fault_status.h"
#include "panel/panel_responses.h"
#include "panel/panel_style.h"
#include "vocabulary/store_errors.h"

namespace dyndns::panel {
namespace {

// Every page reads the store (the session's account, its domains); a store outage anywhere in a
// request is one answer, fault 10 as a 503, never a 500 or a half-drawn page.
http::Handler store_boundary(http::Handler page) {
    return [page = std::move(page)](const http::HttpRequest& request) {
        try {
            return page(request);
        } catch (const store::DatabaseError& failure) {
            auto response = problem_page(core::UpdateCore::store_unavailable(failure), "/panel/");
            response.headers.emplace_back("Retry-After", "30");
            return response;
        }
    };
}

std::string domain_url(const std::string& domain) { return "/panel/domain?name=" + domain; }

// The "New API token" form as a scope; the rules about it are core/api_tokens.h's.
std::variant<core::ApiToken, core::UpdateError> api_token_scope(const http::FormFields& form) {
    const auto words = [](const std::string& text) {
        Poco::StringTokenizer split(text, " ,", Poco::StringTokenizer::TOK_IGNORE_EMPTY | Poco::StringTokenizer::TOK_TRIM);
        return std::vector<std::string>(split.begin(), split.end());
    };
    core::ApiToken scope;
    scope.label = form.get("label", "");
    scope.names = words(form.get("names", ""));
    scope.subtrees = words(form.get("subtrees", ""));
    scope.kinds = 0;
    for (const auto& [key, value] : form.fields)
        if (key == "kind")
            if (const auto kind = core::record_kind(value)) scope.kinds |= static_cast<unsigned>(*kind);
    scope.write = form.get("read_only", "") != "on";
    for (const auto& text : words(form.get("networks", ""))) {
        const auto parsed = core::parse_cidr(text);
        if (!parsed.cidr) return core::UpdateError{core::Fault::BadRequest, "networks: " + parsed.error, 0};
        scope.networks.push_back(*parsed.cidr);
    }
    if (const std::string days = form.get("expires_days", ""); !days.empty()) {
        scope.expires = core::expiry_after_days(days, std::chrono::system_clock::now());
        if (!scope.expires)
            return core::UpdateError{
                core::Fault::BadRequest,
                "expires after days: 1.." + std::to_string(core::kMaxTokenExpiryDays) + ", or empty for never", 0};
    }
    return scope;
}

} // namespace

std::variant<PanelEndpoint::PostedForm, http::HttpResponse> PanelEndpoint::posted_form(const http::HttpRequest& request) {
    auto session = session_of(request);
    if (!session) return redirect("/panel/login");
    auto form = request.form();
    if (!same_secret(form.get("csrf", ""), session->csrf)) return forbidden_form();
    return PostedForm{std::move(*session), std::move(form)};
}

std::optional<Session> PanelEndpoint::session_of(const http::HttpRequest& request) {
    const std::string id = request.cookie(kSessionCookie);
    if (id.empty()) return std::nullopt;
    auto session = sessions_.find(id);
    // A password changed (here, or with dyndnsctl) or an account deleted ends its sessions.
    if (session && accounts_.credential_stamp(session->account) != session->credential_stamp) {
        sessions_.destroy(id);
        return std::nullopt;
    }
    return session;
}

std::vector<http::Route> PanelEndpoint::routes() {
    const auto bind = [this](http::HttpResponse (PanelEndpoint::*member)(const http::HttpRequest&)) {
        return [this, member](const http::HttpRequest& request) { return (this->*member)(request); };
    };
    std::vector<http::Route> routes{
        {"/panel", {"GET"}, [](const http::HttpRequest&) { return redirect("/panel/"); }},
        {"/panel/", {"GET"}, bind(&PanelEndpoint::home)},
        {"/panel/login",
         {"GET", "POST"},
         [this](const http::HttpRequest& request) { return request.method == "POST" ? login(request) : login_form(request); }},
        {"/panel/logout", {"POST"}, bind(&PanelEndpoint::logout)},
        {"/panel/login/code",
         {"GET", "POST"},
         [this](const http::HttpRequest& request) {
             return request.method == "POST" ? login_code(request) : code_form(request);
         }},
        {"/panel/totp", {"GET"}, bind(&PanelEndpoint::totp_enrolment)},
        {"/panel/totp/begin", {"POST"}, bind(&PanelEndpoint::begin_totp)},
        {"/panel/totp/enable", {"POST"}, bind(&PanelEndpoint::enable_totp)},
        {"/panel/totp/disable", {"POST"}, bind(&PanelEndpoint::disable_totp)},
        {"/panel/domain", {"GET"}, bind(&PanelEndpoint::domain)},
        {"/panel/dyndns", {"POST"}, bind(&PanelEndpoint::set_dyndns)},
        {"/panel/token/new", {"POST"}, bind(&PanelEndpoint::new_token)},
        {"/panel/token/revoke", {"POST"}, bind(&PanelEndpoint::revoke_token)},
        {"/panel/host", {"POST"}, bind(&PanelEndpoint::set_host_rule)},
        {"/panel/api-token/new", {"POST"}, bind(&PanelEndpoint::new_api_token)},
        {"/panel/api-token/revoke", {"POST"}, bind(&PanelEndpoint::revoke_api_token)},
        {"/panel/webhook/new", {"POST"}, bind(&PanelEndpoint::new_webhook)},
        {"/panel/webhook/remove", {"POST"}, bind(&PanelEndpoint::remove_webhook)},
        {"/panel/style.css",
         {"GET"},
         [](const http::HttpRequest&) {
             return http::HttpResponse{200, "text/css; charset=utf-8", stylesheet(), {}};
         }},
    };
    for (auto& route : routes) route.handler = store_boundary(std::move(route.handler));
    return routes;
}

http::HttpResponse PanelEndpoint::home(const http::HttpRequest& request) {
    const auto session = session_of(request);
    if (!session) return redirect("/panel/login");
    const auto tokens = accounts_.api_tokens(session->account);
    // A token made by the previous request (post, redirect, get): shown on this page only.
    std::optional<NewApiToken> new_token;
    std::optional<NewWebhook> new_webhook;
    if (const auto flash = sessions_.take_flash(session->id); flash && flash->webhook) {
        new_webhook = NewWebhook{flash->token_id, flash->secret};
    } else if (flash && flash->domain.empty()) {
        const auto made =
            std::find_if(tokens.begin(), tokens.end(), [&](const core::ApiToken& t) { return t.id == flash->token_id; });
        if (made != tokens.end()) new_token = NewApiToken{*made, flash->secret};
    }
    return html_response(200,
                         domains_page(session->account, session->csrf, accounts_.domains(session->account), tokens, new_token,
                                      accounts_.webhooks(session->account), new_webhook, accounts_.totp(session->account), ""));
}

http::HttpResponse PanelEndpoint::login_form(const http::HttpRequest& request) {
    if (session_of(request)) return redirect("/panel/");
    const std::string csrf = random_token();
    auto response = html_response(200, login_page(csrf, ""));
    response.headers.emplace_back("Set-Cookie", cookie_header(kLoginCookie, csrf, 3600));
    return response;
}

http::HttpResponse PanelEndpoint::login(const http::HttpRequest& request) {
    const auto form = request.form();
    const std::string expected = request.cookie(kLoginCookie);
    if (!same_secret(form.get("csrf", ""), expected)) return forbidden_form();

    const core::ClientInfo client = http::client_info(request, "panel");
    const std::string account = form.get("account", "");
    const auto step = accounts_.login(account, form.get("password", ""), client);
    if (const auto* refused = std::get_if<core::UpdateError>(&step)) {
        // 401 wrong credentials, 429 throttled or over budget, 503 the store down: as every page.
        auto response = html_response(http::fault_status(refused->fault), login_page(expected, refused->message));
        if (refused->retry_after_seconds > 0)
            response.headers.emplace_back("Retry-After", std::to_string(refused->retry_after_seconds));
        return response;
    }
    const std::string name = Poco::toLower(account);
    if (std::get<core::UpdateCore::LoginStep>(step) == core::UpdateCore::LoginStep::Done) return start_session(name);
    // TOTP on: no session yet. The code form follows, under a cookie naming this pending login.
    const PendingLogin pending = pending_.create(name, accounts_.credential_stamp(name));
    auto response = redirect("/panel/login/code");
    response.headers.emplace_back("Set-Cookie",
                                  cookie_header(kCodeCookie, pending.id, static_cast<int>(pending_.lifetime().count())));
    response.headers.emplace_back("Set-Cookie", cookie_header(kLoginCookie, "", 0));
    return response;
}

http::HttpResponse PanelEndpoint::start_session(const std::string& account) {
    const Session session = sessions_.create(account, accounts_.credential_stamp(account));
    auto response = redirect("/panel/");
    response.headers.emplace_back(
        "Set-Cookie", cookie_header(kSessionCookie, session.id, static_cast<int>(sessions_.absolute_lifetime().count())));
    response.headers.emplace_back("Set-Cookie", cookie_header(kLoginCookie, "", 0));
    response.headers.emplace_back("Set-Cookie", cookie_header(kCodeCookie, "", 0));
    return response;
}

http::HttpResponse PanelEndpoint::logout(const http::HttpRequest& request) {
    const auto session = session_of(request);
    if (session) {
        if (!same_secret(request.form().get("csrf", ""), session->csrf)) return forbidden_form();
        sessions_.destroy(session->id);
    }
    auto response = redirect("/panel/login");
    response.headers.emplace_back("Set-Cookie", cookie_header(kSessionCookie, "", 0));
    return response;
}

http::HttpResponse PanelEndpoint::domain(const http::HttpRequest& request) {
    const auto session = session_of(request);
    if (!session) return redirect("/panel/login");
    const auto query = request.form();
    std::size_t page = 0;
    try {
        page = std::min<std::size_t>(std::stoul(query.get("page", "0")), 100000);
    } catch (const std::exception&) {
        page = 0;
    }
    auto view = accounts_.domain_view(session->account, query.get("name", ""), page);
    if (const auto* error = std::get_if<core::UpdateError>(&view)) return problem_page(*error, "/panel/");
    const auto& domain_view = std::get<core::DomainView>(view);
    // A token made by the previous request (post, redirect, get): shown on this page only.
    std::optional<std::pair<core::Token, std::string>> new_token;
    if (const auto flash = sessions_.take_flash(session->id); flash && flash->domain == domain_view.domain.name) {
        const auto made = std::find_if(domain_view.tokens.begin(), domain_view.tokens.end(),
                                       [&](const core::Token& t) { return t.id == flash->token_id; });
        if (made != domain_view.tokens.end()) new_token.emplace(*made, flash->secret);
    }
    return html_response(200, domain_page(session->account, session->csrf, domain_view, page, endpoints_, new_token, ""));
}

http::HttpResponse PanelEndpoint::set_dyndns(const http::HttpRequest& request) {
    auto posted = posted_form(request);
    if (auto* refused = std::get_if<http::HttpResponse>(&posted)) return *refused;
    const auto& [session, form] = std::get<PostedForm>(posted);
    const std::string domain = form.get("domain", "");
    // An unticked checkbox is simply absent from the form.
    if (const auto error = accounts_.set_dyndns(session.account, domain, form.get("dyndns", "") == "on"))
        return problem_page(*error, "/panel/");
    return redirect(domain_url(domain));
}

http::HttpResponse PanelEndpoint::new_token(const http::HttpRequest& request) {
    auto posted = posted_form(request);
    if (auto* refused = std::get_if<http::HttpResponse>(&posted)) return *refused;
    const auto& [session, form] = std::get<PostedForm>(posted);
    const std::string domain = form.get("domain", "");
    auto made = accounts_.new_token(session.account, domain, form.get("name", ""));
    if (const auto* error = std::get_if<core::UpdateError>(&made)) return problem_page(*error, domain_url(domain));
    // Post, redirect, get: reloading the page cannot make a second token. The secret waits in
    // the session (memory only) for the next page, never in a URL.
    const auto& [token, secret] = std::get<std::pair<core::Token, std::string>>(made);
    sessions_.set_flash(session.id, TokenFlash{token.id, token.domain, secret});
    return redirect(domain_url(domain));
}

http::HttpResponse PanelEndpoint::revoke_token(const http::HttpRequest& request) {
    auto posted = posted_form(request);
    if (auto* refused = std::get_if<http::HttpResponse>(&posted)) return *refused;
    const auto& [session, form] = std::get<PostedForm>(posted);
    const std::string domain = form.get("domain", "");
    std::int64_t id = 0;
    try {
        id = std::stoll(form.get("id", ""));
    } catch (const std::exception&) {
        return problem_page({core::Fault::BadRequest, "no such token", 0}, domain_url(domain));
    }
    if (const auto error = accounts_.revoke_token(session.account, domain, id)) return problem_page(*error, domain_url(domain));
    return redirect(domain_url(domain));
}

http::HttpResponse PanelEndpoint::new_api_token(const http::HttpRequest& request) {
    auto posted = posted_form(request);
    if (auto* refused = std::get_if<http::HttpResponse>(&posted)) return *refused;
    const auto& [session, form] = std::get<PostedForm>(posted);
    auto scope = api_token_scope(form);
    if (const auto* error = std::get_if<core::UpdateError>(&scope)) return problem_page(*error, "/panel/#api-tokens");
    auto made = accounts_.new_api_token(session.account, std::get<core::ApiToken>(std::move(scope)));
    if (const auto* error = std::get_if<core::UpdateError>(&made)) return problem_page(*error, "/panel/#api-tokens");
    // As for per-host tokens: the secret waits in the session for the next page, never in a URL.
    const auto& [token, secret] = std::get<std::pair<core::ApiToken, std::string>>(made);
    sessions_.set_flash(session.id, TokenFlash{token.id, "", secret});
    return redirect("/panel/#api-tokens");
}

http::HttpResponse PanelEndpoint::revoke_api_token(const http::HttpRequest& request) {
    auto posted = posted_form(request);
    if (auto* refused = std::get_if<http::HttpResponse>(&posted)) return *refused;
    const auto& [session, form] = std::get<PostedForm>(posted);
    Poco::Int64 id = 0;
    if (!Poco::NumberParser::tryParse64(form.get("id", ""), id))
        return problem_page({core::Fault::BadRequest, "no such API token", 0}, "/panel/#api-tokens");
    if (const auto error = accounts_.revoke_api_token(session.account, id)) return problem_page(*error, "/panel/#api-tokens");
    return redirect("/panel/#api-tokens");
}

http::HttpResponse PanelEndpoint::new_webhook(const http::HttpRequest& request) {
    auto posted = posted_form(request);
    if (auto* refused = std::get_if<http::HttpResponse>(&posted)) return *refused;
    const auto& [session, form] = std::get<PostedForm>(posted);
    auto made = accounts_.new_webhook(session.account, form.get("domain", ""), form.get("url", ""));
    if (const auto* error = std::get_if<core::UpdateError>(&made)) return problem_page(*error, "/panel/#webhooks");
    // The signing secret waits in the session for the next page, never in a URL.
    const auto& [webhook, secret] = std::get<std::pair<core::Webhook, std::string>>(made);
    sessions_.set_flash(session.id, TokenFlash{webhook.id, "", secret, true});
    return redirect("/panel/#webhooks");
}

http::HttpResponse PanelEndpoint::remove_webhook(const http::HttpRequest& request) {
    auto posted = posted_form(request);
    if (auto* refused = std::get_if<http::HttpResponse>(&posted)) return *refused;
    const auto& [session, form] = std::get<PostedForm>(posted);
    Poco::Int64 id = 0;
    if (!Poco::NumberParser::tryParse64(form.get("id", ""), id))
        return problem_page({core::Fault::BadRequest, "no such webhook", 0}, "/panel/#webhooks");
    if (const auto error = accounts_.remove_webhook(session.account, id)) return problem_page(*error, "/panel/#webhooks");
    return redirect("/panel/#webhooks");
}

http::HttpResponse PanelEndpoint::set_host_rule(const http::HttpRequest& request) {
    auto posted = posted_form(request);
    if (auto* refused = std::get_if<http::HttpResponse>(&posted)) return *refused;
    const auto& [session, form] = std::get<PostedForm>(posted);
    const std::string domain = form.get("domain", "");
    const std::string rule = !form.get("remove").empty() ? "" : form.get("rule", "");
    if (!!form.get("remove").empty() && rule.empty())
        return problem_page({core::Fault::InvalidAddress, "give a rule: ::a:b:c:d, a MAC address or preserve", 0},
                            domain_url(domain) + "#hosts");
    if (const auto error = accounts_.set_host_rule(session.account, domain, form.get("name", ""), rule))
        return problem_page(*error, domain_url(domain) + "#hosts");
    return redirect(domain_url(domain) + "#hosts");
}

} // namespace dyndns::panel
