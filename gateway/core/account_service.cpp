// The control panel's rules: ownership first, then the store or a live read from the primary.
#include "core/account_service.h"

#include <algorithm>
#include <map>

#include "core/api_tokens.h"
#include "core/host_rules.h"
#include "vocabulary/history_outcome.h"
#include "vocabulary/names.h"

namespace dyndns::core {
namespace {

constexpr std::size_t kMaxDynamicNamesShown = 50; // each may cost two reads from the primary per page view

} // namespace

std::optional<Domain> AccountService::owned(const std::string& account, const std::string& domain) const {
    auto found = store_.find_domain(domain);
    if (!found || found->account != lower(account)) return std::nullopt;
    return found;
}

std::vector<Domain> AccountService::domains(const std::string& account) const { return store_.list_domains(lower(account)); }

std::variant<DomainView, UpdateError> AccountService::domain_view(const std::string& account, const std::string& domain,
                                                                  std::size_t history_page) const {
    auto found = owned(account, domain);
    if (!found) return no_such_domain();
    // A page view reads up to a hundred RRsets from the primary: it costs a call of the budget.
    if (auto spent = core_.spend_call(lower(account))) return *spent;
    DomainView view;
    view.domain = *found;

    using dns::RRType;
    const dns::Rfc2136Client& primary = primaries_.for_name(found->name);
    for (RRType type : {RRType::SOA, RRType::NS, RRType::MX, RRType::A, RRType::AAAA, RRType::TXT}) {
        // The types the calls write come from where the calls read them; the others from the primary.
        const bool written = type == RRType::A || type == RRType::AAAA || type == RRType::TXT;
        const auto read =
            written ? core_.published(found->name, found->name, type, primary.call_deadline()) : primary.read(found->name, type);
        if (!read.outcome.ok()) {
            view.dns_problem = read.outcome.message;
            break;
        }
        for (const auto& data : read.rrset.rdata)
            view.records.push_back({found->name, dns::rr_type_name(type), read.rrset.ttl, data});
    }
    if (view.dns_problem.empty()) {
        for (const auto& name : store_.updated_names(found->name, kMaxDynamicNamesShown)) {
            DynamicName dynamic{name, {}, {}, 0};
            for (const auto& [type, out] : {std::pair{RRType::A, &dynamic.a}, std::pair{RRType::AAAA, &dynamic.aaaa}}) {
                const auto read = core_.published(found->name, name, type, primary.call_deadline());
                if (!read.outcome.ok()) {
                    view.dns_problem = read.outcome.message;
                    break;
                }
                *out = read.rrset.rdata;
                if (!read.rrset.rdata.empty()) dynamic.ttl = read.rrset.ttl;
            }
            view.dynamic.push_back(std::move(dynamic));
        }
    }
    view.history = written_history(found->name, history_page, view.more_history);
    view.now = std::chrono::system_clock::now();
    if (history_page == 0) view.timelines = timelines(found->name, view.now);
    view.tokens = store_.list_tokens(found->name);
    for (HostRule& rule : store_.host_rules(found->name)) {
        RouterHost host{std::move(rule), {}};
        if (view.dns_problem.empty()) {
            const auto read = core_.published(found->name, host.rule.name, RRType::AAAA, primary.call_deadline());
            if (read.outcome.ok()) host.aaaa = read.rrset.rdata;
        }
        view.router_hosts.push_back(std::move(host));
    }
    return view;
}

std::vector<NameTimeline> AccountService::timelines(const std::string& domain, std::chrono::system_clock::time_point now) const {
    using std::chrono::hours;
    const auto day = hours(24);
    const auto since = now - day * kTimelineDays;
    std::map<std::string, NameTimeline> by_name;
    for (const HistoryEntry& row : store_.history(domain, kTimelineRows, 0)) { // newest first
        if (row.time < since) break;
        if (row.type == "TXT") continue; // ACME challenges are not addresses
        NameTimeline& timeline = by_name[row.name];
        timeline.name = row.name;
        if (row.outcome == outcome_name(HistoryOutcome::Changed)) {
            timeline.changes.push_back(row);
        } else if (row.outcome == outcome_name(HistoryOutcome::Unchanged)) {
            timeline.unchanged_per_day.resize(kTimelineDays);
            const auto age_days = static_cast<std::size_t>((now - row.time) / day);
            if (age_days < kTimelineDays) ++timeline.unchanged_per_day[kTimelineDays - 1 - age_days];
        }
    }
    std::vector<NameTimeline> timelines;
    for (auto& [name, timeline] : by_name) {
        std::reverse(timeline.changes.begin(), timeline.changes.end());
        timeline.unchanged_per_day.resize(kTimelineDays);
        timelines.push_back(std::move(timeline));
    }
    return timelines;
}

std::vector<HistoryEntry> AccountService::written_history(const std::string& domain, std::size_t page, bool& more) const {
    core_.flush_history(); // the calls answered so far are written before they are shown
    // One more than a page tells whether there is a next one.
    auto history = store_.history(domain, kHistoryPage + 1, page * kHistoryPage);
    more = history.size() > kHistoryPage;
    if (more) history.pop_back();
    return history;
}

std::optional<UpdateError> AccountService::set_dyndns(const std::string& account, const std::string& domain, bool enabled) {
    auto found = owned(account, domain);
    if (!found) return no_such_domain();
    store_.set_dyndns(found->name, enabled);
    return std::nullopt;
}

std::variant<std::pair<Token, std::string>, UpdateError>
AccountService::new_token(const std::string& account, const std::string& domain, const std::string& name) {
    auto found = owned(account, domain);
    if (!found) return no_such_domain();
    const auto owner = store_.owning_domain(name);
    if (!owner || owner->name != found->name)
        return UpdateError{Fault::NoSuchDomain, "the name must be " + found->name + " or a name under it", 0};
    try {
        return store_.create_token(name);
    } catch (const store::DatabaseError&) {
        throw; // an outage, not the caller's mistake: the front end answers fault 10
    } catch (const store::StoreError& e) {
        return UpdateError{Fault::BadRequest, e.what(), 0};
    }
}

std::optional<UpdateError> AccountService::revoke_token(const std::string& account, const std::string& domain, std::int64_t id) {
    auto found = owned(account, domain);
    if (!found) return no_such_domain();
    const auto tokens = store_.list_tokens(found->name);
    if (std::none_of(tokens.begin(), tokens.end(), [&](const Token& t) { return t.id == id; }))
        return UpdateError{Fault::BadRequest, "no such token for this domain", 0};
    store_.revoke_token(id);
    return std::nullopt;
}

std::vector<ApiToken> AccountService::api_tokens(const std::string& account) const {
    return store_.list_api_tokens(lower(account));
}

std::variant<std::pair<ApiToken, std::string>, UpdateError> AccountService::new_api_token(const std::string& account,
                                                                                          ApiToken scope) {
    scope.kind = ApiToken::Kind::Customer; // provisioning tokens are dyndnsctl's only
    scope.account = lower(account);
    auto vetted = vetted_api_token(std::move(scope), store_, std::chrono::system_clock::now());
    if (const auto* refused = std::get_if<std::string>(&vetted)) return UpdateError{Fault::BadRequest, *refused, 0};
    return store_.create_api_token(std::get<ApiToken>(std::move(vetted)));
}

std::optional<UpdateError> AccountService::revoke_api_token(const std::string& account, std::int64_t id) {
    const auto tokens = api_tokens(account);
    if (std::none_of(tokens.begin(), tokens.end(), [&](const ApiToken& t) { return t.id == id; }))
        return UpdateError{Fault::BadRequest, "no such API token for this account", 0};
    store_.revoke_api_token(id);
    return std::nullopt;
}

std::optional<UpdateError> AccountService::set_host_rule(const std::string& account, const std::string& domain,
                                                         const std::string& raw_name, const std::string& rule) {
    auto found = owned(account, domain);
    if (!found) return no_such_domain();
    const auto name = host_name(raw_name);
    const auto owner = name ? store_.owning_domain(*name) : std::nullopt;
    if (!owner || owner->name != found->name)
        return UpdateError{Fault::NoSuchDomain, "the name must be " + found->name + " or a name under it", 0};
    const auto saved = save_host_rule(store_, *found, *name, rule);
    if (const auto* refused = std::get_if<UpdateError>(&saved)) return *refused;
    return std::nullopt;
}

} // namespace dyndns::core
