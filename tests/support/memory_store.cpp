// The in-memory store ports: the same answers store::Store gives for the rows it holds, without SQL.
#include "support/memory_store.h"

#include <algorithm>
#include <sstream>

#include <Poco/Base32Encoder.h>
#include <Poco/RandomStream.h>
#include <Poco/String.h>

#include "vocabulary/history_outcome.h"
#include "vocabulary/names.h"
#include "vocabulary/recovery_code.h"
#include "vocabulary/store_errors.h"

namespace dyndns::test {
namespace {

// `bytes` random bytes in Base32, as the real store makes TOTP secrets and recovery codes.
std::string random_base32(std::size_t bytes) {
    std::string raw(bytes, '\0');
    Poco::RandomInputStream random;
    random.read(raw.data(), static_cast<std::streamsize>(raw.size()));
    std::ostringstream text;
    Poco::Base32Encoder encoder(text, false);
    encoder << raw;
    encoder.close();
    return text.str();
}

} // namespace

using core::lower;

std::optional<core::TotpState> MemoryStore::totp(const std::string& account) const {
    std::lock_guard lock(mutex_);
    const auto found = totp_.find(lower(account));
    if (found == totp_.end()) return std::nullopt;
    core::TotpState state = found->second;
    state.recovery_codes_left = 0;
    if (const auto codes = recovery_codes_.find(found->first); codes != recovery_codes_.end())
        for (const auto& [key, used] : codes->second) state.recovery_codes_left += used ? 0 : 1;
    return state;
}

std::string MemoryStore::begin_totp(const std::string& account) {
    std::lock_guard lock(mutex_);
    if (!passwords_.contains(lower(account))) throw store::StoreError("no account '" + account + "'");
    if (const auto found = totp_.find(lower(account)); found != totp_.end() && found->second.enabled)
        throw store::StoreError("two-factor authentication is on already for '" + account + "'");
    totp_[lower(account)] = core::TotpState{random_base32(20), false, 0, 0};
    return totp_[lower(account)].secret;
}

std::vector<std::string> MemoryStore::enable_totp(const std::string& account, std::int64_t step) {
    std::lock_guard lock(mutex_);
    const auto found = totp_.find(lower(account));
    if (found == totp_.end() || found->second.enabled) throw store::StoreError("no TOTP secret waits for '" + account + "'");
    found->second.enabled = true;
    found->second.last_step = step;
    auto& codes = recovery_codes_[found->first];
    codes.clear();
    std::vector<std::string> shown;
    while (shown.size() < core::kRecoveryCodes) {
        const std::string key = Poco::toLower(random_base32(10));
        codes[key] = false;
        shown.push_back(core::recovery_code_shown(key));
    }
    return shown;
}

bool MemoryStore::use_totp_step(const std::string& account, std::int64_t step) {
    std::lock_guard lock(mutex_);
    const auto found = totp_.find(lower(account));
    if (found == totp_.end() || !found->second.enabled || found->second.last_step >= step) return false;
    found->second.last_step = step;
    return true;
}

bool MemoryStore::use_recovery_code(const std::string& account, const std::string& code) {
    std::lock_guard lock(mutex_);
    const auto key = core::recovery_code_key(code);
    const auto codes = recovery_codes_.find(lower(account));
    if (!key || codes == recovery_codes_.end()) return false;
    const auto found = codes->second.find(*key);
    if (found == codes->second.end() || found->second) return false;
    found->second = true;
    return true;
}

bool MemoryStore::remove_totp(const std::string& account) {
    std::lock_guard lock(mutex_);
    recovery_codes_.erase(lower(account));
    return totp_.erase(lower(account)) > 0;
}

void MemoryStore::add_account(const std::string& account, const std::string& password) {
    std::lock_guard lock(mutex_);
    if (passwords_.contains(lower(account))) throw store::StoreError("account '" + account + "' already exists");
    passwords_[lower(account)] = password;
    ++stamps_[lower(account)];
}

void MemoryStore::add_domain(const std::string& domain, const std::string& account) {
    std::lock_guard lock(mutex_);
    const auto name = core::host_name(domain);
    if (!name) throw store::InvalidInput("'" + domain + "' is not a host name");
    if (!passwords_.contains(lower(account))) throw store::StoreError("no account '" + account + "'");
    if (domains_.contains(*name)) throw store::StoreError("domain '" + *name + "' already exists");
    domains_[*name] = core::Domain{*name, lower(account), false};
}

bool MemoryStore::verify_password(const std::string& account, const std::string& password) {
    std::lock_guard lock(mutex_);
    const auto found = passwords_.find(lower(account));
    return found != passwords_.end() && found->second == password;
}

std::string MemoryStore::credential_stamp(const std::string& account) const {
    std::lock_guard lock(mutex_);
    const auto found = passwords_.find(lower(account));
    if (found == passwords_.end()) return "";
    return std::to_string(stamps_.at(found->first)) + ":" + found->second;
}

void MemoryStore::set_dyndns(const std::string& domain, bool enabled) {
    std::lock_guard lock(mutex_);
    const auto found = domains_.find(lower(domain));
    if (found == domains_.end()) throw store::StoreError("no domain '" + domain + "'");
    found->second.dyndns = enabled;
}

void MemoryStore::set_prefix_length(const std::string& domain, unsigned length) {
    std::lock_guard lock(mutex_);
    const auto found = domains_.find(lower(domain));
    if (found == domains_.end()) throw store::StoreError("no domain '" + domain + "'");
    found->second.prefix_length = length;
}

void MemoryStore::set_host_rule(const core::HostRule& rule) {
    std::lock_guard lock(mutex_);
    const std::string name = lower(rule.name);
    const auto owner = owning_domain_locked(name);
    if (!owner) throw store::StoreError("'" + name + "' is not under any registered domain");
    host_rules_[name] = core::HostRule{name, owner->name, rule.ipv6};
}

bool MemoryStore::remove_host_rule(const std::string& name) {
    std::lock_guard lock(mutex_);
    return host_rules_.erase(lower(name)) > 0;
}

std::vector<core::HostRule> MemoryStore::host_rules(const std::string& domain) const {
    std::lock_guard lock(mutex_);
    std::vector<core::HostRule> rules;
    for (const auto& [name, rule] : host_rules_)
        if (rule.domain == lower(domain)) rules.push_back(rule);
    return rules;
}

std::vector<core::Domain> MemoryStore::domains_below(const std::string& name) const {
    std::lock_guard lock(mutex_);
    std::string suffix = "." + lower(name);
    if (suffix.size() > 1 && suffix.back() == '.') suffix.pop_back();
    std::vector<core::Domain> below;
    for (const auto& [domain_name, domain] : domains_)
        if (domain_name.size() > suffix.size() && domain_name.ends_with(suffix)) below.push_back(domain);
    return below;
}

std::optional<core::Domain> MemoryStore::find_domain(const std::string& domain) const {
    std::lock_guard lock(mutex_);
    const auto found = domains_.find(lower(domain));
    if (found == domains_.end()) return std::nullopt;
    return found->second;
}

std::optional<core::Domain> MemoryStore::owning_domain_locked(const std::string& name) const {
    for (std::string candidate = lower(name);;) {
        if (const auto found = domains_.find(candidate); found != domains_.end()) return found->second;
        const auto dot = candidate.find('.');
        if (dot == std::string::npos) return std::nullopt;
        candidate = candidate.substr(dot + 1);
    }
}

std::optional<core::Domain> MemoryStore::owning_domain(const std::string& name) const {
    std::lock_guard lock(mutex_);
    return owning_domain_locked(name);
}

std::vector<core::Domain> MemoryStore::list_domains(const std::optional<std::string>& account) const {
    std::lock_guard lock(mutex_);
    std::vector<core::Domain> domains;
    for (const auto& [name, domain] : domains_)
        if (!account || domain.account == lower(*account)) domains.push_back(domain);
    return domains;
}

std::pair<core::Token, std::string> MemoryStore::create_token(const std::string& name) {
    std::lock_guard lock(mutex_);
    const auto domain = owning_domain_locked(name);
    if (!domain) throw store::StoreError("'" + name + "' is not under any registered domain");
    const std::int64_t id = next_id_++;
    core::Token token{id, lower(name), domain->name, std::chrono::system_clock::now()};
    std::string secret = "memory-token-secret-id-" + std::to_string(id); // as long as a real one (22+)
    tokens_[id] = {token, secret};
    return {token, secret};
}

std::optional<core::Token> MemoryStore::verify_token(const std::string& name, const std::string& secret) const {
    std::lock_guard lock(mutex_);
    for (const auto& [id, held] : tokens_)
        if (held.first.name == lower(name) && held.second == secret) return held.first;
    return std::nullopt;
}

bool MemoryStore::has_tokens(const std::string& name) const {
    std::lock_guard lock(mutex_);
    return std::any_of(tokens_.begin(), tokens_.end(), [&](const auto& held) { return held.second.first.name == lower(name); });
}

std::vector<core::Token> MemoryStore::list_tokens(const std::optional<std::string>& domain) const {
    std::lock_guard lock(mutex_);
    std::vector<core::Token> tokens;
    for (const auto& [id, held] : tokens_)
        if (!domain || held.first.domain == lower(*domain)) tokens.push_back(held.first);
    return tokens;
}

void MemoryStore::revoke_token(std::int64_t id) {
    std::lock_guard lock(mutex_);
    if (tokens_.erase(id) == 0) throw store::StoreError("no token " + std::to_string(id));
}

std::pair<core::ApiToken, std::string> MemoryStore::create_api_token(core::ApiToken token) {
    std::lock_guard lock(mutex_);
    if (token.kind == core::ApiToken::Kind::Provisioning) token.account.clear();
    token.account = lower(token.account);
    if (!token.account.empty() && !passwords_.contains(token.account))
        throw store::StoreError("no account '" + token.account + "'");
    token.id = next_id_++;
    token.created = std::chrono::system_clock::now();
    std::string secret = std::string(core::kApiTokenPrefix) + "memory-api-token-secret-number-" + std::to_string(token.id);
    api_tokens_[token.id] = {token, secret};
    return {token, secret};
}

std::optional<core::ApiToken> MemoryStore::find_api_token(const std::string& secret) const {
    std::lock_guard lock(mutex_);
    for (const auto& [id, held] : api_tokens_)
        if (held.second == secret) return held.first;
    return std::nullopt;
}

std::vector<core::ApiToken> MemoryStore::list_api_tokens(const std::optional<std::string>& account) const {
    std::lock_guard lock(mutex_);
    std::vector<core::ApiToken> tokens;
    for (const auto& [id, held] : api_tokens_)
        if (!account || held.first.account == lower(*account)) tokens.push_back(held.first);
    return tokens;
}

void MemoryStore::revoke_api_token(std::int64_t id) {
    std::lock_guard lock(mutex_);
    if (api_tokens_.erase(id) == 0) throw store::StoreError("no API token " + std::to_string(id));
}

void MemoryStore::append_history(const std::vector<core::HistoryEntry>& entries) {
    std::lock_guard lock(mutex_);
    for (auto entry : entries) {
        entry.last_time = std::max(entry.time, entry.last_time);
        entry.calls = std::max<std::int64_t>(entry.calls, 1);
        const auto newest = std::find_if(history_.rbegin(), history_.rend(), [&](const core::HistoryEntry& held) {
            return held.name == entry.name && held.type == entry.type;
        });
        if (newest != history_.rend() && core::continues_run(*newest, entry)) {
            newest->calls += entry.calls;
            newest->last_time = std::max(newest->last_time, entry.last_time);
            newest->caller_address = entry.caller_address;
            newest->protocol = entry.protocol;
            newest->user_agent = entry.user_agent;
            continue;
        }
        entry.id = next_id_++;
        history_.push_back(std::move(entry));
    }
}

std::size_t MemoryStore::prune_history(std::chrono::system_clock::time_point before) {
    std::lock_guard lock(mutex_);
    return std::erase_if(history_, [&](const core::HistoryEntry& entry) { return entry.last_time < before; });
}

std::vector<std::string> MemoryStore::updated_names(const std::string& domain, std::size_t limit) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (const auto& entry : history_)
        if (entry.domain == lower(domain) && entry.type != "TXT" && core::published(entry.outcome)) names.push_back(entry.name);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    if (names.size() > limit) names.resize(limit);
    return names;
}

std::vector<core::HistoryEntry> MemoryStore::history(const std::optional<std::string>& domain, std::size_t limit,
                                                     std::size_t offset) const {
    std::lock_guard lock(mutex_);
    std::vector<core::HistoryEntry> rows;
    for (auto entry = history_.rbegin(); entry != history_.rend() && rows.size() < limit; ++entry) {
        if (domain && entry->domain != lower(*domain)) continue;
        if (offset > 0) {
            --offset;
            continue;
        }
        rows.push_back(*entry);
    }
    return rows;
}

std::vector<core::HistoryEntry> MemoryStore::name_history(const std::string& name, std::size_t limit, std::size_t offset) const {
    std::lock_guard lock(mutex_);
    std::vector<core::HistoryEntry> rows;
    for (auto entry = history_.rbegin(); entry != history_.rend() && rows.size() < limit; ++entry) {
        if (entry->name != lower(name)) continue;
        if (offset > 0) {
            --offset;
            continue;
        }
        rows.push_back(*entry);
    }
    return rows;
}

std::int64_t MemoryStore::count_call(const std::string& account, std::chrono::system_clock::time_point window_start) {
    std::lock_guard lock(mutex_);
    const auto start = std::chrono::duration_cast<std::chrono::milliseconds>(window_start.time_since_epoch()).count();
    return ++calls_[{account, start}];
}

core::LoginCounts MemoryStore::login_counts_locked(const std::string& account, const std::string& source) const {
    const auto count = [&](const std::string& key) {
        const auto found = login_failures_.find(key);
        return found == login_failures_.end() ? core::LoginCount{} : found->second;
    };
    const auto last = last_logins_.find({account, source});
    return {.pair = count("p:" + account + "/" + source),
            .source = count("s:" + source),
            .account = count("a:" + account),
            .unknown_sources = count("u:" + account),
            .last_login_ms = last == last_logins_.end() ? 0 : last->second};
}

core::LoginCounts MemoryStore::login_counts(const std::string& account, const std::string& source) const {
    std::lock_guard lock(mutex_);
    return login_counts_locked(account, source);
}

core::LoginCounts MemoryStore::count_login_failure(const std::string& account, const std::string& source, bool account_wide,
                                                   bool unknown_source, std::int64_t now_ms, std::int64_t window_ms) {
    std::lock_guard lock(mutex_);
    std::vector<std::string> keys{"p:" + account + "/" + source, "s:" + source};
    if (account_wide) keys.push_back("a:" + account);
    if (unknown_source) keys.push_back("u:" + account);
    for (const auto& key : keys) {
        auto& count = login_failures_[key];
        if (count.failures == 0 || count.window_start_ms <= now_ms - window_ms) count = {0, now_ms};
        ++count.failures;
    }
    // As the store's RETURNING clause: the counts this call changed, and nothing else.
    auto counts = login_counts_locked(account, source);
    if (!account_wide) counts.account = {};
    if (!unknown_source) counts.unknown_sources = {};
    counts.last_login_ms = 0;
    return counts;
}

void MemoryStore::count_login_success(const std::string& account, const std::string& source, std::int64_t now_ms,
                                      std::int64_t forget_before_ms) {
    std::lock_guard lock(mutex_);
    login_failures_.erase("p:" + account + "/" + source);
    last_logins_[{account, source}] = now_ms;
    std::erase_if(last_logins_, [&](const auto& known) { return known.second < forget_before_ms; });
}

} // namespace dyndns::test
