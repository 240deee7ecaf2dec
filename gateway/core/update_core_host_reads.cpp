// The JSON API's reads of a caller's hosts (which names it reaches, one name's history) and who may act for the whole account.
#include "core/update_core.h"

#include <algorithm>
#include <set>

namespace dyndns::core {

HostListOutcome UpdateCore::list_hosts(const CallerRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    HostListOutcome outcome = with_store<HostListOutcome>([&]() -> HostListOutcome {
        auto authenticated = authenticate(request.account, request.password, request.client, true);
        if (auto* failed = std::get_if<UpdateError>(&authenticated)) return *failed;
        const Identity& identity = std::get<Identity>(authenticated);
        if (auto spent = charge(identity.account)) return *spent;
        if (identity.token) {
            const auto domain = store_.owning_domain(identity.token->name);
            if (!domain || domain->name != identity.token->domain) return std::vector<HostSummary>{};
            return std::vector<HostSummary>{{identity.token->name, domain->name, domain->dyndns}};
        }
        std::vector<HostSummary> hosts;
        for (const Domain& domain : store_.list_domains(identity.account)) {
            std::set<std::string> names{domain.name};
            for (auto& name : store_.updated_names(domain.name)) names.insert(std::move(name));
            for (auto& rule : store_.host_rules(domain.name)) names.insert(std::move(rule.name));
            if (identity.api) // the names a token was made for, set or not
                for (const auto* scope : {&identity.api->names, &identity.api->subtrees})
                    for (const auto& name : *scope)
                        if (name == domain.name || name.ends_with("." + domain.name)) names.insert(name);
            for (const auto& name : names) {
                // A name under a more specific domain of the account is listed with that domain.
                if (name != domain.name) {
                    const auto owner = store_.owning_domain(name);
                    if (!owner || owner->name != domain.name) continue;
                }
                if (identity.api && !identity.api->covers(name)) continue;
                hosts.push_back({name, domain.name, domain.dyndns});
            }
        }
        std::sort(hosts.begin(), hosts.end(), [](const HostSummary& x, const HostSummary& y) { return x.name < y.name; });
        return hosts;
    });
    const auto* failed = std::get_if<UpdateError>(&outcome);
    observe(request.client, "ListHosts", "", failed ? outcome_word(*failed) : "ok", "", started);
    return outcome;
}

HostHistoryOutcome UpdateCore::host_history(const HostHistoryRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    HostHistoryOutcome outcome = with_store<HostHistoryOutcome>([&]() -> HostHistoryOutcome {
        auto authorized =
            authorize(request.account, request.password, request.name, request.client, {RecordKind::Address, false});
        if (auto* failed = std::get_if<UpdateError>(&authorized)) return *failed;
        const Authorized& who = std::get<Authorized>(authorized);
        history_.flush(); // the page holds every call answered before this one
        const std::size_t page = std::min<std::size_t>(request.page, 100000);
        HostHistoryPage result;
        result.entries = store_.name_history(who.name, kHostHistoryPage + 1, page * kHostHistoryPage);
        result.more = result.entries.size() > kHostHistoryPage;
        if (result.more) result.entries.pop_back();
        return result;
    });
    const auto* failed = std::get_if<UpdateError>(&outcome);
    observe(request.client, "HostHistory", request.name, failed ? outcome_word(*failed) : "ok", "", started);
    return outcome;
}

std::variant<std::string, UpdateError> UpdateCore::account_caller(const CallerRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    auto outcome = with_store<std::variant<std::string, UpdateError>>([&]() -> std::variant<std::string, UpdateError> {
        auto authenticated = authenticate(request.account, request.password, request.client, true);
        if (auto* failed = std::get_if<UpdateError>(&authenticated)) return *failed;
        const Identity& identity = std::get<Identity>(authenticated);
        if (auto spent = charge(identity.account)) return *spent;
        const bool narrowed =
            identity.token ||
            (identity.api && (!identity.api->names.empty() || !identity.api->subtrees.empty() || !identity.api->write));
        if (narrowed)
            return UpdateError{Fault::NotPermitted,
                               "the account's webhooks need its password or an API token for every name that may write", 0};
        return identity.account;
    });
    const auto* failed = std::get_if<UpdateError>(&outcome);
    observe(request.client, "AccountCaller", "", failed ? outcome_word(*failed) : "ok", "", started);
    return outcome;
}

} // namespace dyndns::core
