// The core's store ports held in memory: for unit tests of the core that need accounts, domains, tokens and history but no database.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/ports/store_ports.h"

namespace dyndns::test {

// Thread-safe; unshared (is_shared() is false), so the core counts calls and logins in its own
// memory. Names and accounts are lower-cased as the real store does; passwords are compared as
// given. Errors are those store::Store throws for the same misuse (StoreError for a missing row).
class MemoryStore final : public core::StorePorts {
public:
    void add_account(const std::string& account, const std::string& password);
    void add_domain(const std::string& domain, const std::string& account);

    bool verify_password(const std::string& account, const std::string& password) override;
    std::string credential_stamp(const std::string& account) const override;

    void set_dyndns(const std::string& domain, bool enabled) override;
    std::optional<core::Domain> find_domain(const std::string& domain) const override;
    std::optional<core::Domain> owning_domain(const std::string& name) const override;
    std::vector<core::Domain> list_domains(const std::optional<std::string>& account = std::nullopt) const override;
    std::vector<core::Domain> domains_below(const std::string& name) const override;

    std::pair<core::Token, std::string> create_token(const std::string& name) override;
    std::optional<core::Token> verify_token(const std::string& name, const std::string& secret) const override;
    bool has_tokens(const std::string& name) const override;
    std::vector<core::Token> list_tokens(const std::optional<std::string>& domain = std::nullopt) const override;
    void revoke_token(std::int64_t id) override;

    std::pair<core::ApiToken, std::string> create_api_token(core::ApiToken token) override;
    std::optional<core::ApiToken> find_api_token(const std::string& secret) const override;
    std::vector<core::ApiToken> list_api_tokens(const std::optional<std::string>& account = std::nullopt) const override;
    void revoke_api_token(std::int64_t id) override;

    std::optional<core::TotpState> totp(const std::string& account) const override;
    std::string begin_totp(const std::string& account) override;
    std::vector<std::string> enable_totp(const std::string& account, std::int64_t step) override;
    bool use_totp_step(const std::string& account, std::int64_t step) override;
    bool use_recovery_code(const std::string& account, const std::string& code) override;
    bool remove_totp(const std::string& account) override;

    void set_prefix_length(const std::string& domain, unsigned length) override;
    void set_host_rule(const core::HostRule& rule) override;
    bool remove_host_rule(const std::string& name) override;
    std::vector<core::HostRule> host_rules(const std::string& domain) const override;

    void append_history(const std::vector<core::HistoryEntry>& entries) override;
    std::size_t prune_history(std::chrono::system_clock::time_point before) override;
    std::vector<std::string> updated_names(const std::string& domain, std::size_t limit = 100) const override;
    std::vector<core::HistoryEntry> history(const std::optional<std::string>& domain = std::nullopt, std::size_t limit = 50,
                                            std::size_t offset = 0) const override;
    std::vector<core::HistoryEntry> name_history(const std::string& name, std::size_t limit, std::size_t offset) const override;

    bool is_shared() const override { return false; }
    std::int64_t count_call(const std::string& account, std::chrono::system_clock::time_point window_start) override;
    core::LoginCounts login_counts(const std::string& account, const std::string& source) const override;
    core::LoginCounts count_login_failure(const std::string& account, const std::string& source, bool account_wide,
                                          bool unknown_source, std::int64_t now_ms, std::int64_t window_ms) override;
    void count_login_success(const std::string& account, const std::string& source, std::int64_t now_ms,
                             std::int64_t forget_before_ms) override;

    // Webhooks (memory_store_webhooks.cpp).
    std::pair<core::Webhook, std::string> create_webhook(core::Webhook webhook) override;
    std::vector<core::Webhook> list_webhooks(const std::optional<std::string>& account = std::nullopt) const override;
    void delete_webhook(std::int64_t id, const std::optional<std::string>& account = std::nullopt) override;
    core::WebhookSetMark webhook_set_mark() const override;
    std::vector<std::string> accounts_with_webhooks() const override;
    std::size_t enqueue_webhook_event(const std::string& account, const std::string& domain, const std::string& event_id,
                                      const std::string& body, std::int64_t now_ms, std::size_t max_pending) override;
    std::vector<core::ClaimedDelivery> claim_webhook_deliveries(std::int64_t now_ms, std::int64_t hold_ms,
                                                                std::size_t limit) override;
    void finish_webhook_attempt(std::int64_t delivery, const core::DeliveryAttempt& attempt) override;
    std::vector<core::WebhookDelivery> webhook_deliveries(std::int64_t webhook, std::size_t limit) const override;
    core::WebhookQueueState webhook_queue_state() const override;
    std::size_t prune_webhook_deliveries(std::int64_t before_ms) override;

private:
    std::optional<core::Domain> owning_domain_locked(const std::string& name) const;
    core::LoginCounts login_counts_locked(const std::string& account, const std::string& source) const;

    mutable std::mutex mutex_;
    std::map<std::string, std::string> passwords_; // account -> password
    std::map<std::string, std::int64_t> stamps_; // account -> how many times it was (re)made or changed
    std::map<std::string, core::Domain> domains_;
    std::map<std::int64_t, std::pair<core::Token, std::string>> tokens_; // id -> (token, secret)
    std::map<std::int64_t, std::pair<core::ApiToken, std::string>> api_tokens_; // id -> (token, secret)
    std::map<std::string, core::HostRule> host_rules_; // name -> rule
    std::map<std::string, core::TotpState> totp_; // account -> its TOTP (recovery_codes_left unused here)
    std::map<std::string, std::map<std::string, bool>> recovery_codes_; // account -> code key -> used
    std::vector<core::HistoryEntry> history_; // oldest first
    std::map<std::pair<std::string, std::int64_t>, std::int64_t> calls_; // (account, window start) -> count
    std::map<std::string, core::LoginCount> login_failures_; // "p:account/source", "s:source", "a:account"
    std::map<std::pair<std::string, std::string>, std::int64_t> last_logins_; // (account, source) -> ms
    std::map<std::int64_t, std::pair<core::Webhook, std::string>> webhooks_; // id -> (webhook, secret)
    struct QueuedDelivery {
        core::WebhookDelivery delivery;
        std::int64_t claimed_until_ms = 0;
    };
    std::map<std::int64_t, QueuedDelivery> deliveries_; // id -> delivery
    std::int64_t next_id_ = 1;
};

} // namespace dyndns::test
