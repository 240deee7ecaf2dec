// A name's A and AAAA sets made exactly so, for several names at once (the JSON API's PUT, DELETE and batch): all checked, then one UPDATE per zone.
#include "core/update_core.h"

#include <set>

#include "core/address_policy.h"
#include "core/dns_error.h"
#include "vocabulary/history_outcome.h"
#include "vocabulary/names.h"

namespace dyndns::core {
namespace {

UpdateError refused(Fault fault, std::string message) { return {fault, std::move(message), 0}; }

// A refusal about one name of several says which.
UpdateError about(const std::string& name, UpdateError error, std::size_t names) {
    if (names > 1) error.message = name + ": " + error.message;
    return error;
}

bool same_set(const std::vector<std::string>& held, const std::optional<Poco::Net::IPAddress>& wanted) {
    if (!wanted) return held.empty();
    if (held.size() != 1) return false;
    const auto address = parse_address(held.front());
    return address && *address == *wanted;
}

std::string joined(const std::vector<std::string>& addresses) {
    std::string text;
    for (const auto& address : addresses) text += (text.empty() ? "" : " ") + address;
    return text;
}

} // namespace

std::variant<UpdateCore::HostSetPlan, UpdateError> UpdateCore::check_host_set(const Identity& identity,
                                                                              const HostAddresses& host) {
    if (!host.a && !host.aaaa) return refused(Fault::BadRequest, "give a, aaaa or both");
    auto authorized = authorize_name(identity, host.name, {RecordKind::Address, true});
    if (auto* failed = std::get_if<UpdateError>(&authorized)) return *failed;
    HostSetPlan plan{std::get<Authorized>(authorized), {}, {}};
    if (!plan.who.domain.dyndns) return dyndns_disabled();
    for (const auto& [given, wanted, family] : {std::tuple{&host.a, &plan.a, Poco::Net::IPAddress::IPv4},
                                                std::tuple{&host.aaaa, &plan.aaaa, Poco::Net::IPAddress::IPv6}}) {
        if (!*given) continue;
        const std::vector<std::string>& texts = **given;
        if (texts.size() > 1) return refused(Fault::BadRequest, "at most one address in each set");
        if (texts.empty()) {
            *wanted = std::optional<Poco::Net::IPAddress>();
            continue;
        }
        const auto address = parse_address(texts.front());
        if (!address || address->family() != family)
            return refused(Fault::InvalidAddress, "'" + texts.front() + "' is not an " +
                                                      (family == Poco::Net::IPAddress::IPv4 ? "IPv4" : "IPv6") + " address");
        if (auto refusal = refuse_private(*address)) return *refusal;
        *wanted = address;
    }
    return plan;
}

HostAddressesOutcome UpdateCore::set_host_addresses(const HostAddressesRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    HostAddressesOutcome outcome = with_store<HostAddressesOutcome>([&] { return apply_host_addresses(request); });
    if (const auto* failed = std::get_if<UpdateError>(&outcome)) {
        for (const auto& host : request.hosts)
            observe(request.client, "SetHostAddresses", host.name, outcome_word(*failed), "", started);
    } else {
        for (const auto& result : std::get<std::vector<HostAddressesResult>>(outcome))
            observe(request.client, "SetHostAddresses", result.name, result.changed ? "changed" : "unchanged",
                    joined(result.a.empty() ? result.aaaa : result.a), started);
    }
    return outcome;
}

HostAddressesOutcome UpdateCore::apply_host_addresses(const HostAddressesRequest& request) {
    if (request.hosts.empty()) return refused(Fault::BadRequest, "no names given");
    if (request.hosts.size() > kMaxHostsPerRequest)
        return refused(Fault::BadRequest, "at most " + std::to_string(kMaxHostsPerRequest) + " names in one request");
    auto identity = authenticate(request.account, request.password, request.client, true);
    if (auto* failed = std::get_if<UpdateError>(&identity)) return *failed;
    if (auto spent = charge(std::get<Identity>(identity).account, static_cast<unsigned>(request.hosts.size()))) return *spent;

    // Every name and address first: a request refused for one name changes nothing.
    std::vector<HostSetPlan> plans;
    std::set<std::string> seen;
    for (const HostAddresses& host : request.hosts) {
        auto checked = check_host_set(std::get<Identity>(identity), host);
        if (auto* failed = std::get_if<UpdateError>(&checked)) return about(host.name, *failed, request.hosts.size());
        plans.push_back(std::move(std::get<HostSetPlan>(checked)));
        if (!seen.insert(plans.back().who.name).second)
            return refused(Fault::BadRequest, plans.back().who.name + ": given twice");
    }

    // What each name holds now, and the changes that make it what was asked.
    const dns::Deadline deadline = primaries_.entries().front().client.call_deadline(); // all DNS time of the request
    std::vector<HostAddressesResult> results;
    struct Pending {
        std::size_t host;
        AddressPlan plan;
    };
    std::vector<Pending> pending;
    for (std::size_t h = 0; h < plans.size(); ++h) {
        const HostSetPlan& plan = plans[h];
        HostAddressesResult result{plan.who.name, {}, {}, {}, {}, settings()->ttl, false};
        const SetAddressRequest for_history{request.account, "", plan.who.name, "", request.client};
        for (const auto& [wanted, type, previous, after] :
             {std::tuple{&plan.a, dns::RRType::A, &result.previous_a, &result.a},
              std::tuple{&plan.aaaa, dns::RRType::AAAA, &result.previous_aaaa, &result.aaaa}}) {
            const std::string type_name = type == dns::RRType::A ? "A" : "AAAA";
            const dns::ReadResult current = current_rrset(plan.who, type, deadline);
            if (!current.outcome.ok()) return dns_error(current.outcome, "reading " + plan.who.name + " " + type_name, false);
            *previous = current.rrset.rdata;
            *after = current.rrset.rdata;
            if (!*wanted) continue; // this set is left as it is
            AddressPlan change;
            change.type = type_name;
            change.text = **wanted ? (**wanted)->toString() : "";
            change.old_address = joined(current.rrset.rdata);
            if (same_set(current.rrset.rdata, **wanted) && (!**wanted || current.rrset.ttl == settings()->ttl)) {
                record(plan.who, for_history, change.type, change.old_address, change.text,
                       std::string(outcome_name(HistoryOutcome::Unchanged)));
                continue;
            }
            change.change = **wanted ? dns::RRsetChange::replace(plan.who.name, type, settings()->ttl, {change.text})
                                     : dns::RRsetChange::remove(plan.who.name, type);
            *after = change.text.empty() ? std::vector<std::string>{} : std::vector<std::string>{change.text};
            pending.push_back({h, std::move(change)});
        }
        results.push_back(std::move(result));
    }

    // Queued together: the changes to one zone share one UPDATE message.
    std::vector<ZoneCommitter::ZoneChange> changes;
    for (const Pending& p : pending) changes.push_back({plans[p.host].who.domain.name, p.plan.change});
    const std::vector<dns::DnsOutcome> applied = committer_.apply_all(changes, deadline);
    std::optional<UpdateError> first_failure;
    for (std::size_t i = 0; i < pending.size(); ++i) {
        const Pending& p = pending[i];
        const Authorized& who = plans[p.host].who;
        tell_follower(who.domain.name, p.plan.change, applied[i]);
        const SetAddressRequest for_history{request.account, "", who.name, "", request.client};
        const SetAddressOutcome finished = finish_address(who, for_history, p.plan, applied[i], deadline);
        if (const auto* failed = std::get_if<UpdateError>(&finished)) {
            if (!first_failure) first_failure = about(who.name, *failed, plans.size());
            continue;
        }
        results[p.host].changed = true;
    }
    if (first_failure) return *first_failure;
    return results;
}

} // namespace dyndns::core
