// The gateway's persistent state in SQLite or PostgreSQL: accounts (argon2id hashes), domains with their dyndns switch, tokens, update history.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/ports/provisioning_port.h"
#include "core/ports/store_ports.h"
#include "vocabulary/records.h"
#include "vocabulary/store_errors.h"

namespace dyndns::store {

// The records the store keeps are the vocabulary's (vocabulary/records.h); these names stay for its callers.
using Domain = core::Domain;
using HistoryEntry = core::HistoryEntry;
using Token = core::Token;
using HostRule = core::HostRule;

// Where the store lives: an SQLite file (the default) or a PostgreSQL database.
struct Location {
    std::string sqlite_path; // used when `postgresql` is empty
    std::string postgresql; // a libpq connection string: key=value pairs or a postgresql:// URI
    std::size_t max_sessions = 4; // PostgreSQL: connections at most, one per thread that calls at once
};

// Thread-safe. Several processes (gateways, dyndnsctl) may use the same database at once; a change
// made by one is seen by the others within kForeignChangeBound.
class Store final : public core::StorePorts, public core::ProvisioningPort {
public:
    // SQLite sees another process's change within LookupCache::kSqliteCheckInterval (10 ms);
    // PostgreSQL's answers from memory are at most this old.
    static constexpr std::chrono::milliseconds kForeignChangeBound{250};

    // Opens or creates the SQLite database at `path`, applies pending schema migrations, enables WAL.
    explicit Store(const std::string& path);
    // The same for either database; PostgreSQL's must exist (the schema is made in it).
    explicit Store(const Location& location);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // Accounts. Names: 1..64 characters of [a-z0-9._-] (lower-cased on input). Passwords: 1..1024 bytes.
    void add_account(const std::string& account, const std::string& password) override; // StoreError if it exists
    void set_password(const std::string& account, const std::string& password) override; // StoreError if missing
    void delete_account(const std::string& account) override; // also deletes its domains and tokens
    std::vector<std::string> list_accounts() const override;
    bool account_exists(const std::string& account) const override;

    // True when `password` is the account's. Unknown accounts cost the same time as wrong
    // passwords. A successful check is cached in memory for a short time under a keyed hash of
    // (account, password, stored hash), so a password change, here or from another process,
    // invalidates it; the password itself is never kept.
    bool verify_password(const std::string& account, const std::string& password) override;
    // A digest of the account's stored password hash ("" when there is no such account): it
    // changes with the password and when the account is deleted and made again. Sessions keep
    // it to end themselves then.
    std::string credential_stamp(const std::string& account) const override;

    // Domains. A domain belongs to one account; names are lower-cased, trailing dot removed.
    void add_domain(const std::string& domain, const std::string& account) override; // StoreError if taken or account missing
    // Many domains in one transaction, each (domain, account): all or none (an unknown account or
    // an invalid name refuses the lot); domains already there are left as they are. Returns how
    // many were added.
    std::size_t add_domains(const std::vector<std::pair<std::string, std::string>>& domains, bool dyndns);
    void delete_domain(const std::string& domain) override; // StoreError if missing
    void set_dyndns(const std::string& domain, bool enabled) override; // StoreError if missing
    std::optional<Domain> find_domain(const std::string& domain) const override; // exact name
    // The domain `name` belongs to: the name itself or its nearest registered ancestor.
    std::optional<Domain> owning_domain(const std::string& name) const override;
    std::vector<Domain> list_domains(const std::optional<std::string>& account = std::nullopt) const override;
    // The registered domains strictly below `name` (at most 1000), found by one index range.
    std::vector<Domain> domains_below(const std::string& name) const override;

    // Tokens. create_token returns the secret (at least 128 random bits, URL-safe base64): the
    // only time it exists outside the caller. StoreError when no registered domain holds `name`.
    std::pair<Token, std::string> create_token(const std::string& name) override;
    // The token whose name is `name` and whose secret is `secret`, if any. Cheap (a hash, not argon2):
    // the secret is random, not a password.
    std::optional<Token> verify_token(const std::string& name, const std::string& secret) const override;
    bool has_tokens(const std::string& name) const override;
    std::vector<Token> list_tokens(const std::optional<std::string>& domain = std::nullopt) const override;
    void revoke_token(std::int64_t id) override; // StoreError if missing

    // API tokens (store_api_tokens.cpp; docs/api.md). The secret is "dyndns_" and 256 random bits.
    std::pair<core::ApiToken, std::string> create_api_token(core::ApiToken token) override;
    std::optional<core::ApiToken> find_api_token(const std::string& secret) const override;
    std::vector<core::ApiToken> list_api_tokens(const std::optional<std::string>& account = std::nullopt) const override;
    void revoke_api_token(std::int64_t id) override; // StoreError if missing

    // The second factor of panel logins (store_totp.cpp; core/ports/totp_port.h). The secret is kept
    // as the apps need it (an HMAC key cannot be a hash); recovery codes only as BLAKE2b hashes.
    std::optional<core::TotpState> totp(const std::string& account) const override;
    std::string begin_totp(const std::string& account) override;
    std::vector<std::string> enable_totp(const std::string& account, std::int64_t step) override;
    bool use_totp_step(const std::string& account, std::int64_t step) override;
    bool use_recovery_code(const std::string& account, const std::string& code) override;
    bool remove_totp(const std::string& account) override;

    // Router prefixes (store_host_rules.cpp): each domain's prefix length and its hosts' rules.
    void set_prefix_length(const std::string& domain, unsigned length) override; // StoreError if missing
    void set_host_rule(const HostRule& rule) override; // StoreError when no registered domain holds the name
    bool remove_host_rule(const std::string& name) override;
    std::vector<HostRule> host_rules(const std::string& domain) const override;

    // Webhooks and their delivery queue (store_webhooks.cpp; docs/webhooks.md). The secret is
    // "whsec_" and 256 random bits, kept as it is (every delivery is signed with it).
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

    // "SQLite FILE" or "PostgreSQL host=… port=… dbname=…": for logs; never a password.
    const std::string& description() const;

    // True when several gateways may share this store (PostgreSQL): what they must agree on (the
    // call budget, the login throttle) is then counted here rather than in each one's memory.
    bool is_shared() const override;
    // Counts one call of `account` in the window starting at `window_start` (one atomic upsert:
    // gateways calling at once never lose a count); returns the window's count with this call.
    // Windows ended over an hour ago are deleted now and then.
    std::int64_t count_call(const std::string& account, std::chrono::system_clock::time_point window_start) override;

    // The login throttle's counts, shared the same way (core/login_throttle.h holds the rules).
    // Times are wall-clock milliseconds; a count whose window has ended is stale, not zero.
    using LoginCount = core::LoginCount;
    using LoginCounts = core::LoginCounts;
    LoginCounts login_counts(const std::string& account, const std::string& source) const override;
    // Counts one failure against the pair, the source and (`account_wide`) the account, each in
    // one atomic upsert that starts a new window at `now_ms` where the last began `window_ms` or
    // more before; returns the counts with it. Ended windows are deleted now and then.
    LoginCounts count_login_failure(const std::string& account, const std::string& source, bool account_wide, bool unknown_source,
                                    std::int64_t now_ms, std::int64_t window_ms) override;
    // A login: the pair's count is cleared and the source remembered as the account's at
    // `now_ms`; sources last seen before `forget_before_ms` are deleted now and then.
    void count_login_success(const std::string& account, const std::string& source, std::int64_t now_ms,
                             std::int64_t forget_before_ms) override;

    // History, newest first.
    void append_history(const std::vector<HistoryEntry>& entries) override; // one transaction: one journal sync for all
    // Deletes the rows older than `before`; returns how many.
    std::size_t prune_history(std::chrono::system_clock::time_point before) override;
    // The names under `domain` whose address calls have set (outcome changed or unchanged), sorted.
    std::vector<std::string> updated_names(const std::string& domain, std::size_t limit = 100) const override;
    std::vector<HistoryEntry> history(const std::optional<std::string>& domain = std::nullopt, std::size_t limit = 50,
                                      std::size_t offset = 0) const override;
    std::vector<HistoryEntry> name_history(const std::string& name, std::size_t limit, std::size_t offset) const override;

private:
    // Newest first; `column` ("domain", "name") equal to `value`, or every row when it is empty.
    std::vector<HistoryEntry> history_where(const std::string& column, const std::string& value, std::size_t limit,
                                            std::size_t offset) const;
    std::vector<Domain> list_where(const std::string& where, const std::string& value) const;
    std::vector<Token> tokens_where(const std::string& where, const std::vector<std::string>& values) const;

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace dyndns::store
