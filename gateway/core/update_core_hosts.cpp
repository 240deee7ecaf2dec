// SetDyndnsIp for several names at once (dyndns2): one login and one budget charge, every change sent together.
#include "core/update_core.h"

#include "core/caller_address.h"

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

        struct Planned {
            std::size_t name; // index into request.names
            std::size_t address; // index into addresses
            Authorized who;
            AddressPlan plan;
        };
        std::vector<NameOutcome> outcomes;
        std::vector<std::vector<std::optional<SetAddressOutcome>>> answers(request.names.size());
        std::vector<Planned> to_send;
        const dns::Deadline deadline = primaries_.entries().front().client.call_deadline(); // all DNS time of the request
        for (std::size_t n = 0; n < request.names.size(); ++n) {
            outcomes.push_back({request.names[n], std::vector<SetAddressResult>{}});
            const SetAddressRequest one{request.account, "", request.names[n], "", request.client}; // for the history
            auto authorized = authorize_name(std::get<Identity>(identity), request.names[n]);
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
        const std::vector<dns::DnsOutcome> applied = committer_.apply_all(changes, deadline);
        for (std::size_t i = 0; i < to_send.size(); ++i) {
            const Planned& p = to_send[i];
            tell_follower(p.who.domain.name, p.plan.change, applied[i]);
            const SetAddressRequest one{request.account, "", request.names[p.name], "", request.client};
            answers[p.name][p.address] = finish_address(p.who, one, p.plan, applied[i], deadline);
        }

        // A name's first fault is its answer; else its results in the request's order.
        for (std::size_t n = 0; n < request.names.size(); ++n) {
            if (std::holds_alternative<UpdateError>(outcomes[n].outcome)) continue;
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
