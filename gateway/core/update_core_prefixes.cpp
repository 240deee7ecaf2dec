// Router prefixes: a delegated prefix moves every host with an interface-identifier rule in one UPDATE; the rules themselves.
#include "core/update_core.h"

#include <algorithm>

#include "core/address_policy.h"
#include "core/dns_error.h"
#include "core/host_rules.h"
#include "vocabulary/history_outcome.h"
#include "vocabulary/interface_id.h"
#include "vocabulary/names.h"
#include "log/log.h"

namespace dyndns::core {
namespace {

UpdateError error(Fault fault, std::string message) { return {fault, std::move(message), 0}; }

constexpr const char* kRemoval = "-";

// The prefix the domain's hosts move into: the router's, cut to the domain's fixed length.
std::variant<DelegatedPrefix, UpdateError> applied_prefix(const std::string& text, const Domain& domain) {
    const auto sent = DelegatedPrefix::parse(text);
    if (!sent) return error(Fault::InvalidAddress, "prefix is not an IPv6 prefix such as 2001:db8:1:200::/56, or -");
    if (domain.prefix_length != 0) {
        if (sent->length < domain.prefix_length)
            return error(Fault::InvalidAddress, "the prefix is a /" + std::to_string(sent->length) +
                                                    "; this domain's hosts need a /" + std::to_string(domain.prefix_length) +
                                                    " or longer");
        return sent->shortened(domain.prefix_length);
    }
    if (sent->length < kShortestPrefix || sent->length > kLongestPrefix)
        return error(Fault::InvalidAddress, "a delegated prefix is a /" + std::to_string(kShortestPrefix) + " to a /" +
                                                std::to_string(kLongestPrefix) + ", not a /" + std::to_string(sent->length));
    return *sent;
}

std::optional<Poco::Net::IPAddress> first_ipv6(const std::vector<std::string>& rdata) {
    for (const auto& text : rdata)
        if (const auto address = parse_address(text); address && address->family() == Poco::Net::IPAddress::IPv6) return address;
    return std::nullopt;
}

} // namespace

std::variant<UpdateCore::PrefixPlan, UpdateError> UpdateCore::plan_prefix(const Authorized& domain,
                                                                          const std::string& prefix_text,
                                                                          const std::vector<std::string>& skip,
                                                                          dns::Deadline deadline) {
    PrefixPlan plan;
    const bool removal = prefix_text == kRemoval;
    std::optional<DelegatedPrefix> prefix;
    if (!removal) {
        auto applied = applied_prefix(prefix_text, domain.domain);
        if (auto* refused = std::get_if<UpdateError>(&applied)) return *refused;
        prefix = std::get<DelegatedPrefix>(applied);
        if (!settings()->allow_private_addresses && !prefix->is_global_unicast())
            return error(Fault::PrivateAddress,
                         prefix->to_string() + " is not a global unicast prefix (2000::/3), not reachable from the Internet");
    }
    plan.applied = removal ? kRemoval : prefix->to_string();

    for (const HostRule& rule : store_.host_rules(domain.domain.name)) {
        if (std::find(skip.begin(), skip.end(), rule.name) != skip.end()) continue; // the router's own name
        // A domain registered since under this one (another customer's) takes the name out of reach.
        const auto owner = store_.owning_domain(rule.name);
        if (!owner || owner->name != domain.domain.name) continue;
        const auto parsed = InterfaceIdRule::parse(rule.ipv6);
        if (!parsed) {
            log::warning("host rule of " + rule.name + " is not a rule; skipped");
            continue;
        }
        PrefixPlan::Host host{Authorized{rule.name, *owner}, DerivedHost{rule.name, parsed->text, "", false}, {}};
        host.plan.prefix = plan.applied;
        host.plan.type = "AAAA";
        const dns::ReadResult current = current_rrset(host.who, dns::RRType::AAAA, deadline);
        if (!current.outcome.ok()) return dns_error(current.outcome, "reading " + rule.name + " AAAA", false);
        host.plan.old_address = current.rrset.rdata.empty() ? "" : current.rrset.rdata.front();
        std::optional<Poco::Net::IPAddress> address;
        if (!removal) address = derived_address(*prefix, *parsed, first_ipv6(current.rrset.rdata));
        if (address) {
            if (auto refused = refuse_private(*address))
                return error(Fault::PrivateAddress, refused->message + " (" + rule.name + " in this prefix)");
            host.plan.text = address->toString();
            host.result.address = host.plan.text;
            const bool held = current.rrset.rdata.size() == 1 && parse_address(current.rrset.rdata.front()) == address &&
                              current.rrset.ttl == settings()->ttl;
            if (!held)
                host.plan.change = dns::RRsetChange::replace(rule.name, dns::RRType::AAAA, settings()->ttl, {host.plan.text});
        } else if (removal && !current.rrset.rdata.empty()) {
            host.plan.change = dns::RRsetChange::remove(rule.name, dns::RRType::AAAA);
        } else if (!removal) {
            // Nothing to derive (an all-zero host part, or preserve with no address yet): the
            // name keeps what it has, if anything.
            host.result.address = host.plan.old_address;
        }
        if (host.plan.change.name.empty())
            host.plan.answered = SetAddressResult{rule.name, host.result.address, "AAAA", settings()->ttl, false};
        plan.hosts.push_back(std::move(host));
    }
    return plan;
}

std::optional<UpdateError> UpdateCore::finish_prefix(PrefixPlan& plan, const SetAddressRequest& request,
                                                     const std::vector<dns::DnsOutcome>& applied, dns::Deadline deadline) {
    std::optional<UpdateError> first_failure;
    std::size_t next = 0;
    for (auto& host : plan.hosts) {
        const SetAddressRequest one{request.account, "", host.who.name, "", request.client};
        if (host.plan.answered) {
            record(host.who, one, "AAAA", host.plan.old_address, host.result.address,
                   std::string(outcome_name(HistoryOutcome::Unchanged)), plan.applied);
            continue;
        }
        const dns::DnsOutcome& outcome = applied[next++];
        tell_follower(host.who.domain.name, host.plan.change, outcome);
        const SetAddressOutcome finished = finish_address(host.who, one, host.plan, outcome, deadline);
        if (const auto* failed = std::get_if<UpdateError>(&finished)) {
            if (!first_failure) first_failure = *failed;
            host.result.address = host.plan.old_address;
            continue;
        }
        host.result.changed = true;
    }
    announce_prefix(plan, request);
    return first_failure;
}

SetPrefixOutcome UpdateCore::set_prefix(const SetPrefixRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    SetPrefixOutcome outcome = with_store<SetPrefixOutcome>([&] { return apply_set_prefix(request); });
    if (const auto* failed = std::get_if<UpdateError>(&outcome))
        observe(request.client, "SetDyndnsPrefix", request.name, outcome_word(*failed), request.prefix, started);
    else {
        const auto& result = std::get<SetPrefixResult>(outcome);
        observe(request.client, "SetDyndnsPrefix", request.name, result.changed ? "changed" : "unchanged", result.prefix,
                started);
    }
    return outcome;
}

SetPrefixOutcome UpdateCore::apply_set_prefix(const SetPrefixRequest& request) {
    // One call of the budget: the hosts are at most kMaxHostRules, read from memory when the
    // zone is followed, and sent in one message.
    auto authorized = authorize(request.account, request.password, request.name, request.client, {RecordKind::Prefix, true});
    if (auto* failed = std::get_if<UpdateError>(&authorized)) return *failed;
    const Authorized& named = std::get<Authorized>(authorized);
    // A token moves the domain's hosts only when it is the domain's own (the router's name).
    if (named.by_token && named.name != named.domain.name) return no_such_domain();
    const Authorized domain{named.domain.name, named.domain, named.by_token};
    if (!domain.domain.dyndns) return dyndns_disabled();

    const SetAddressRequest for_history{request.account, "", domain.name, "", request.client};
    const dns::Deadline deadline = primaries_.for_name(domain.domain.name).call_deadline();
    auto planned = plan_prefix(domain, request.prefix, {}, deadline);
    if (auto* refused = std::get_if<UpdateError>(&planned)) return *refused;
    PrefixPlan& plan = std::get<PrefixPlan>(planned);

    std::vector<ZoneCommitter::ZoneChange> changes;
    for (const auto& host : plan.hosts)
        if (!host.plan.answered) changes.push_back({host.who.domain.name, host.plan.change});
    const auto applied = committer_.apply_all(changes, deadline);
    if (auto failed = finish_prefix(plan, for_history, applied, deadline)) return *failed;

    SetPrefixResult result{domain.name, plan.applied, {}, settings()->ttl, false};
    for (auto& host : plan.hosts) {
        result.changed = result.changed || host.result.changed;
        result.hosts.push_back(std::move(host.result));
    }
    return result;
}

HostRuleOutcome UpdateCore::set_host_rule(const HostRuleRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    HostRuleOutcome outcome = with_store<HostRuleOutcome>([&]() -> HostRuleOutcome {
        auto identity = authenticate(request.account, request.password, request.client, false);
        if (auto* failed = std::get_if<UpdateError>(&identity)) return *failed;
        if (auto spent = charge(std::get<Identity>(identity).account)) return *spent;
        auto authorized = authorize_name(std::get<Identity>(identity), request.name, {RecordKind::Prefix, true});
        if (auto* failed = std::get_if<UpdateError>(&authorized)) return *failed;
        const Authorized& who = std::get<Authorized>(authorized);
        return save_host_rule(store_, who.domain, who.name, request.rule);
    });
    const auto* failed = std::get_if<UpdateError>(&outcome);
    observe(request.client, "SetDyndnsHost", request.name, failed ? outcome_word(*failed) : "ok", "", started);
    return outcome;
}

} // namespace dyndns::core
