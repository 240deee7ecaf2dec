// The control panel's pages as complete HTML documents: login, the account's domains, one domain's DNS section.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/account_service.h"
#include "panel/webhooks_section.h"

namespace dyndns::panel {

// A JSON API token just made, with its secret.
struct NewApiToken {
    core::ApiToken token;
    std::string secret;
};

// Where clients reach the gateway, for the ready-to-copy settings.
struct ClientEndpoints {
    std::string api_url; // public_url, e.g. https://dns.example.net:8192/dom/api
    std::string host; // dns.example.net
    unsigned port = 8192;
};

// A whole document around `main`: the header (with the log-out form when `account` is set) and the stylesheet.
std::string page(const std::string& title, const std::string& account, const std::string& csrf, const std::string& main);
// An alert paragraph holding `problem`; nothing when it is empty.
std::string problem_box(const std::string& problem);

std::string login_page(const std::string& csrf, const std::string& problem);
// The account's domains, its JSON API tokens and its second factor; `new_token`: one made by the
// previous request, shown this once.
std::string domains_page(const std::string& account, const std::string& csrf, const std::vector<core::Domain>& domains,
                         const std::vector<core::ApiToken>& tokens, const std::optional<NewApiToken>& new_token,
                         const std::vector<core::WebhookView>& webhooks, const std::optional<NewWebhook>& new_webhook,
                         const std::optional<core::TotpState>& totp, const std::string& problem);
// `new_token`: a token made by this request, shown this once.
std::string domain_page(const std::string& account, const std::string& csrf, const core::DomainView& view,
                        std::size_t history_page, const ClientEndpoints& endpoints,
                        const std::optional<std::pair<core::Token, std::string>>& new_token, const std::string& problem);
std::string message_page(const std::string& title, const std::string& text, const std::string& back_href);

} // namespace dyndns::panel
