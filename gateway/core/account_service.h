// What the control panel may do for a logged-in account: its domains, the dyndns switch, live records, history, tokens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/update_core.h"
#include "dns/primaries.h"
#include "core/ports/store_ports.h"

namespace dyndns::core {

struct DnsRecord {
    std::string name;
    std::string type;
    std::uint32_t ttl = 0;
    std::string data; // presentation format
};

// A name set through the gateway, with what the primary holds for it now.
struct DynamicName {
    std::string name;
    std::vector<std::string> a;
    std::vector<std::string> aaaa;
    std::uint32_t ttl = 0;
};

// A host behind the customer's router: its rule and the AAAA it holds now.
struct RouterHost {
    HostRule rule;
    std::vector<std::string> aaaa; // read live
};

// One name's last 30 days for the history picture: its changes apart from its unchanged calls.
struct NameTimeline {
    std::string name;
    std::vector<HistoryEntry> changes; // outcome "changed", oldest first
    std::vector<std::size_t> unchanged_per_day; // kTimelineDays counts, oldest day first (the last is today)
};

struct DomainView {
    Domain domain;
    std::vector<DnsRecord> records; // at the apex, read live: SOA NS MX A AAAA TXT
    std::vector<DynamicName> dynamic; // read live
    std::string dns_problem; // non-empty when the primary could not be read
    std::vector<HistoryEntry> history; // one page, newest first
    bool more_history = false;
    std::vector<Token> tokens;
    std::vector<RouterHost> router_hosts; // the domain's host rules (docs/contract.md "Router prefixes")
    std::vector<NameTimeline> timelines; // the first history page only; names by name
    std::chrono::system_clock::time_point now{}; // when the view was made: the pictures' right edge
};

// A webhook with its last deliveries, newest first, for the panel.
struct WebhookView {
    Webhook webhook;
    std::vector<WebhookDelivery> deliveries;
};

// Every method checks that the domain is the account's: another account's domain is
// NoSuchDomain, in the same words as for an unknown one.
class AccountService {
public:
    AccountService(StorePorts& store, dns::Primaries primaries, UpdateCore& core)
        : store_(store), primaries_(std::move(primaries)), core_(core) {}

    static constexpr std::size_t kHistoryPage = kHostHistoryPage; // the panel pages history as the JSON API does
    static constexpr std::size_t kTimelineDays = 30;
    // Rows read for the pictures at most: a name polled every 5 min for 30 days is 8,640 rows.
    static constexpr std::size_t kTimelineRows = 10000;

    std::variant<UpdateCore::LoginStep, UpdateError> login(const std::string& account, const std::string& password,
                                                           const ClientInfo& client) {
        return core_.login(account, password, client);
    }
    // The second factor (docs/contract.md "Two-factor authentication (TOTP)"), in account_service_totp.cpp.
    // A login's code (UpdateCore::second_factor).
    std::optional<UpdateError> second_factor(const std::string& account, const std::string& code, const ClientInfo& client) {
        return core_.second_factor(account, code, client);
    }
    // The account's TOTP, on or waiting for its first code; nothing when it has none.
    std::optional<TotpState> totp(const std::string& account) const { return store_.totp(account); }
    // A new secret for the account's app (Base32); refused while TOTP is on.
    std::variant<std::string, UpdateError> begin_totp(const std::string& account);
    // Enrolment's end with the app's first code: the recovery codes, shown once.
    std::variant<std::vector<std::string>, UpdateError> enable_totp(const std::string& account, const std::string& code,
                                                                    const ClientInfo& client) {
        return core_.enable_totp(account, code, client);
    }
    // Off, with a current code or a recovery code (checked as a login's are).
    std::optional<UpdateError> disable_totp(const std::string& account, const std::string& code, const ClientInfo& client);
    // Changes when the account's password changes or the account is deleted; "" for no account.
    std::string credential_stamp(const std::string& account) const { return store_.credential_stamp(account); }
    std::vector<Domain> domains(const std::string& account) const;
    // The domain's records and dynamic names (read live from the primary), its tokens and one
    // page of its history. Waits for the history writer first (UpdateCore::flush_history), so the
    // page holds every call answered before this one.
    std::variant<DomainView, UpdateError> domain_view(const std::string& account, const std::string& domain,
                                                      std::size_t history_page) const;
    std::optional<UpdateError> set_dyndns(const std::string& account, const std::string& domain, bool enabled);
    // The token's secret, shown once.
    std::variant<std::pair<Token, std::string>, UpdateError> new_token(const std::string& account, const std::string& domain,
                                                                       const std::string& name);
    std::optional<UpdateError> revoke_token(const std::string& account, const std::string& domain, std::int64_t id);
    // The account's JSON API tokens (docs/api.md), and making and revoking them: the scope is
    // vetted by core/api_tokens.h, as dyndnsctl's is. The secret is returned once.
    std::vector<ApiToken> api_tokens(const std::string& account) const;
    std::variant<std::pair<ApiToken, std::string>, UpdateError> new_api_token(const std::string& account, ApiToken scope);
    std::optional<UpdateError> revoke_api_token(const std::string& account, std::int64_t id);
    // The account's webhooks (docs/webhooks.md) with their last kWebhookDeliveriesShown deliveries;
    // registering one (core/webhook_registration.h's rules, as dyndnsctl's; `domain` empty: every
    // domain; the secret returned once) and removing one. In account_service_webhooks.cpp.
    static constexpr std::size_t kWebhookDeliveriesShown = 10;
    std::vector<WebhookView> webhooks(const std::string& account) const;
    std::variant<std::pair<Webhook, std::string>, UpdateError> new_webhook(const std::string& account, const std::string& domain,
                                                                           const std::string& url);
    std::optional<UpdateError> remove_webhook(const std::string& account, std::int64_t id);
    // Sets (or, with an empty rule, removes) the rule of `name`, which must be `domain` or under it.
    std::optional<UpdateError> set_host_rule(const std::string& account, const std::string& domain, const std::string& name,
                                             const std::string& rule);

private:
    std::optional<Domain> owned(const std::string& account, const std::string& domain) const;
    // One page of `domain`'s history, newest first, after writing what the history writer holds;
    // `more`: whether an older page exists.
    std::vector<HistoryEntry> written_history(const std::string& domain, std::size_t page, bool& more) const;
    // Each name's changes and unchanged calls of the last kTimelineDays days before `now`.
    std::vector<NameTimeline> timelines(const std::string& domain, std::chrono::system_clock::time_point now) const;

    StorePorts& store_;
    const dns::Primaries primaries_;
    UpdateCore& core_;
};

} // namespace dyndns::core
