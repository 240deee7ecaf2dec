// SetDyndnsIp for several names at once (dyndns2): one login and one budget charge, every change sent together.
#include "core/update_core.h"

#include <algorithm>
#include <map>

#include "core/caller_address.h"
#include "vocabulary/no_wait.h"
#include "vocabulary/names.h"

namespace dyndns::core {

// Charged one call per name: 20 names in one request cost what 20 calls would (a store lookup,
// a history row and maybe an UPDATE each), so a request of many names cannot stretch the budget.
SetAddressesOutcome UpdateCore::set_addresses(const SetAddressesRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    const auto observed = [&](const SetAddressesOutcome& outcome) {
        if (const auto* failed = std::get_if<UpdateError>(&outcome)) {
            for (const auto& name : request.names)
                observe(request.client, "SetDyndnsIp", name, outcome_word(*failed), "", started);
            return outcome;
        }
        for (const NameOutcome& one : std::get<std::vector<NameOutcome>>(outcome)) {
            if (const auto* failed = std::get_if<UpdateError>(&one.outcome)) {
                observe(request.client, "SetDyndnsIp", one.name, outcome_word(*failed), "", started);
                continue;
            }
            for (const auto& result : std::get<std::vector<SetAddressResult>>(one.outcome))
                observe(request.client, "SetDyndnsIp", one.name, result.changed ? "changed" : "unchanged", result.address,
                        started);
        }
        return outcome;
    };
    // On the event loop only the common case, one name and one address: with several, a name's
    // history row could be written before another's change has to wait and the call is run again.
    if (request.names.size() != 1 || request.addresses.size() != 1 || !request.prefix.empty()) may_wait();
    return observed(with_store<SetAddressesOutcome>([&]() -> SetAddressesOutcome {
        auto identity = authenticate(request.account, request.password, request.client, true);
        if (auto* failed = std::get_if<UpdateError>(&identity)) return *failed;
        if (auto spent = charge(std::get<Identity>(identity).account, static_cast<unsigned>(request.names.size()))) return *spent;

        // Every address is vetted before any name is looked at: a request that fails changes nothing.
        std::vector<Poco::Net::IPAddress> addresses;
        for (const std::string& text : request.addresses) {
            auto requested = requested_address(text, request.client);
            if (auto* refused = std::get_if<UpdateError>(&requested)) return *refused;
            if (auto refused = refuse_private(std::get<Poco::Net::IPAddress>(requested))) return *refused;
            addresses.push_back(std::get<Poco::Net::IPAddress>(requested));
        }

        // The router's own names keep the IPv6 address it gives them; its prefix moves the others.
        std::vector<std::string> own_names;
        if (std::any_of(addresses.begin(), addresses.end(),
                        [](const Poco::Net::IPAddress& a) { return a.family() == Poco::Net::IPAddress::IPv6; }))
            for (const auto& name : request.names)
                if (auto normalized = host_name(name)) own_names.push_back(*normalized);

        struct Planned {
            std::size_t name; // index into request.names
            std::size_t address; // index into addresses
            Authorized who;
            AddressPlan plan;
        };
        std::vector<NameOutcome> outcomes;
        std::vector<std::vector<std::optional<SetAddressOutcome>>> answers(request.names.size());
        std::vector<Planned> to_send;
        std::map<std::string, std::size_t> prefix_of_domain; // domain -> index into prefixes
        std::vector<PrefixPlan> prefixes;
        std::vector<std::string> domain_of_name(request.names.size());
        const dns::Deadline deadline = primaries_.entries().front().client.call_deadline(); // all DNS time of the request
        for (std::size_t n = 0; n < request.names.size(); ++n) {
            outcomes.push_back({request.names[n], std::vector<SetAddressResult>{}, "", false});
            const SetAddressRequest one{request.account, "", request.names[n], "", request.client}; // for the history
            auto authorized = authorize_name(std::get<Identity>(identity), request.names[n], {RecordKind::Address, true});
            if (auto* failed = std::get_if<UpdateError>(&authorized)) {
                outcomes.back().outcome = *failed;
                continue;
            }
            const Authorized& who = std::get<Authorized>(authorized);
            if (!who.domain.dyndns) {
                record(who, one, "", "", "", fault_name(Fault::DyndnsDisabled));
                outcomes.back().outcome = dyndns_disabled();
                continue;
            }
            domain_of_name[n] = who.domain.name;
            if (const auto& api = std::get<Identity>(identity).api;
                api && !request.prefix.empty() && (!api->allows({RecordKind::Prefix, true}) || !api->covers(who.domain.name))) {
                outcomes.back().outcome = UpdateError{Fault::NotPermitted, "this token may not move the domain's prefix", 0};
                continue;
            }
            // A token moves the domain's hosts only when it is the domain's own (the router's name).
            if (!request.prefix.empty() && !prefix_of_domain.contains(who.domain.name) &&
                (!who.by_token || who.name == who.domain.name)) {
                auto planned =
                    plan_prefix(Authorized{who.domain.name, who.domain, who.by_token}, request.prefix, own_names, deadline);
                if (auto* refused = std::get_if<UpdateError>(&planned)) return *refused; // nothing sent yet
                prefix_of_domain[who.domain.name] = prefixes.size();
                prefixes.push_back(std::move(std::get<PrefixPlan>(planned)));
            }
            answers[n].resize(addresses.size());
            for (std::size_t a = 0; a < addresses.size(); ++a) {
                AddressPlan plan = plan_address(who, one, addresses[a], deadline);
                if (plan.answered)
                    answers[n][a] = std::move(*plan.answered);
                else
                    to_send.push_back({n, a, who, std::move(plan)});
            }
        }

        // Queued together: the changes to one zone share one UPDATE message.
        std::vector<ZoneCommitter::ZoneChange> changes;
        for (const Planned& p : to_send) changes.push_back({p.who.domain.name, p.plan.change});
        for (const PrefixPlan& prefix : prefixes)
            for (const auto& host : prefix.hosts)
                if (!host.plan.answered) changes.push_back({host.who.domain.name, host.plan.change});
        const std::vector<dns::DnsOutcome> applied = committer_.apply_all(changes, deadline);
        std::size_t next_applied = to_send.size();
        std::vector<std::optional<UpdateError>> prefix_failures;
        for (PrefixPlan& prefix : prefixes) {
            const std::size_t count = static_cast<std::size_t>(
                std::count_if(prefix.hosts.begin(), prefix.hosts.end(), [](const auto& host) { return !host.plan.answered; }));
            const std::vector<dns::DnsOutcome> its(applied.begin() + static_cast<std::ptrdiff_t>(next_applied),
                                                   applied.begin() + static_cast<std::ptrdiff_t>(next_applied + count));
            next_applied += count;
            const SetAddressRequest for_history{request.account, "", "", "", request.client};
            prefix_failures.push_back(finish_prefix(prefix, for_history, its, deadline));
        }
        for (std::size_t i = 0; i < to_send.size(); ++i) {
            const Planned& p = to_send[i];
            tell_follower(p.who.domain.name, p.plan.change, applied[i]);
            const SetAddressRequest one{request.account, "", request.names[p.name], "", request.client};
            answers[p.name][p.address] = finish_address(p.who, one, p.plan, applied[i], deadline);
        }

        // A name's first fault is its answer (its domain's prefix failing included); else its
        // results in the request's order.
        for (std::size_t n = 0; n < request.names.size(); ++n) {
            if (std::holds_alternative<UpdateError>(outcomes[n].outcome)) continue;
            if (const auto found = prefix_of_domain.find(domain_of_name[n]); found != prefix_of_domain.end()) {
                const PrefixPlan& prefix = prefixes[found->second];
                outcomes[n].prefix = prefix.applied;
                outcomes[n].prefix_changed =
                    std::any_of(prefix.hosts.begin(), prefix.hosts.end(), [](const auto& host) { return host.result.changed; });
                if (const auto& failed = prefix_failures[found->second]) {
                    outcomes[n].outcome = *failed;
                    continue;
                }
            }
            auto& results = std::get<std::vector<SetAddressResult>>(outcomes[n].outcome);
            for (auto& answer : answers[n]) {
                if (auto* failed = std::get_if<UpdateError>(&*answer)) {
                    outcomes[n].outcome = *failed;
                    break;
                }
                results.push_back(std::get<SetAddressResult>(*answer));
            }
        }
        return outcomes;
    }));
}

} // namespace dyndns::core
