// The rules of SetDyndnsIp and GetDyndnsIp, one precondition per early return, cheapest first.
#include "core/update_core.h"

#include <algorithm>
#include <cstdio>

#include <Poco/String.h>

#include "core/address_policy.h"
#include "core/caller_address.h"
#include "core/dns_error.h"
#include "vocabulary/no_wait.h"
#include "vocabulary/history_outcome.h"
#include "vocabulary/names.h"
#include "vocabulary/utf8_prefix.h"
#include "dns/tsig.h"
#include "log/log.h"
#include "metrics/gateway_metrics.h"

namespace dyndns::core {
namespace {

UpdateError error(Fault fault, std::string message, int retry_after = 0) { return {fault, std::move(message), retry_after}; }

UpdateError not_an_address() { return error(Fault::InvalidAddress, "ip is not an IPv4 or IPv6 address"); }

// Exactly one record, and it is `address`: compared as addresses, not text, since ldns and Poco
// shorten IPv6 zero runs differently.
bool holds_exactly(const std::vector<std::string>& rdata, const Poco::Net::IPAddress& address) {
    if (rdata.size() != 1) return false;
    const auto held = parse_address(rdata.front());
    return held && *held == address;
}

// History fields come from callers; a row never holds more than these bytes of one.
constexpr std::size_t kMaxHistoryText = 256; // an old address list, a user agent
constexpr std::size_t kMaxHistoryAddress = 64; // the longest IPv6 text form is 45
constexpr std::size_t kMaxHistoryProtocol = 16; // "xmlrpc", "dyndns2", …
std::string capped(const std::string& text, std::size_t limit) { return utf8_prefix(text, limit); }

} // namespace

// What a caller is told about a DNS failure: whether to retry (7) or fix something (8), and
// whether anything may have changed (only an UPDATE, `update`, can have). The operator's log
// gets the whole story.
UpdateError dns_error(const dns::DnsOutcome& outcome, const std::string& doing, bool update) {
    log::warning("DNS " + kind_name(outcome.kind) + " while " + doing + ": " + outcome.message);
    std::string kind = kind_name(outcome.kind);
    std::replace(kind.begin(), kind.end(), ' ', '_'); // a label value: "no answer" → no_answer
    metrics::gateway_metrics().dns_failures.with({kind}).add();
    using Kind = dns::DnsOutcome::Kind;
    switch (outcome.kind) {
    case Kind::Ok: break;
    case Kind::Unavailable: return error(Fault::DnsUnavailable, "DNS primary unreachable or timed out; nothing changed");
    case Kind::NoAnswer:
        if (!update) return error(Fault::DnsUnavailable, "DNS primary unreachable or timed out; nothing changed");
        return error(Fault::DnsUnavailable,
                     "the DNS primary did not answer in time; the change may or may not have been applied");
    case Kind::LocalFailure:
        return error(Fault::DnsUnavailable, "the gateway could not send the update to the DNS primary; nothing changed");
    case Kind::BadReply:
        return error(Fault::DnsRejected, "the DNS primary's reply could not be verified; the address may not have changed");
    case Kind::Rejected:
        if (outcome.server_failure())
            return error(Fault::DnsUnavailable, "the DNS primary cannot serve this zone now (SERVFAIL: loading?); "
                                                "nothing changed, retry later");
        break;
    }
    std::string code = dns::rcode_name(outcome.rcode);
    if (outcome.tsig_error != 0) {
        code += '/';
        code += dns::tsig_error_name(outcome.tsig_error);
    }
    return error(Fault::DnsRejected, "the DNS primary refused the update (" + code + ")");
}

UpdateCore::UpdateCore(CoreSettings settings, StorePorts& store, dns::Primaries primaries,
                       std::shared_ptr<dns::ZoneFollower> follower)
    : settings_(std::make_shared<const CoreSettings>(std::move(settings))),
      store_(store),
      primaries_(std::move(primaries)),
      throttle_(this->settings()->throttle, store.is_shared() ? &store : nullptr),
      calls_(this->settings()->calls_per_minute, store.is_shared() ? &store : nullptr),
      committer_([this](const dns::ZoneUpdate& update,
                        dns::Deadline deadline) { return primaries_.for_name(update.zone).apply(update, deadline); },
                 this->settings()->max_batch),
      follower_(std::move(follower)),
      history_(store, HistoryWriter::kDefaultMaxQueued, this->settings()->history_days) {}

dns::ReadResult UpdateCore::current_rrset(const Authorized& who, dns::RRType type, dns::Deadline deadline) {
    if (follower_) follower_->follow(who.domain.name); // the first call for a zone starts following it
    return published(who.domain.name, who.name, type, deadline);
}

dns::ReadResult UpdateCore::published(const std::string& zone, const std::string& name, dns::RRType type,
                                      dns::Deadline deadline) {
    if (follower_)
        if (auto rrset = follower_->find(zone, name, type)) return {dns::DnsOutcome::success(), std::move(*rrset)};
    may_wait(); // a read from the primary
    return primaries_.for_name(zone).read(name, type, deadline);
}

dns::DnsOutcome UpdateCore::commit(const Authorized& who, const dns::RRsetChange& change, dns::Deadline deadline) {
    const dns::DnsOutcome outcome = committer_.apply(who.domain.name, change, deadline);
    tell_follower(who.domain.name, change, outcome);
    return outcome;
}

void UpdateCore::tell_follower(const std::string& zone, const dns::RRsetChange& change, const dns::DnsOutcome& outcome) {
    if (!follower_) return;
    if (outcome.ok())
        follower_->confirmed(zone, change);
    else if (outcome.may_have_applied())
        follower_->unsure(zone);
}

void UpdateCore::update_settings(const CoreSettings& settings) {
    auto next = std::make_shared<CoreSettings>(settings);
    const auto running = this->settings();
    next->throttle = running->throttle; // the throttle keeps its counts under the settings it started with
    next->max_batch = running->max_batch; // the committer is built with it
    calls_.set_per_minute(next->calls_per_minute);
    history_.set_retention_days(next->history_days);
    settings_.store(std::move(next));
}

std::optional<std::string> UpdateCore::caller_address(const ClientInfo& client) const {
    const auto address = core::caller_address(client, settings()->trusted_proxies, settings()->forwarding_header);
    if (!address) return std::nullopt;
    return address->toString();
}

std::optional<UpdateError> UpdateCore::refuse_private(const Poco::Net::IPAddress& address) const {
    if (settings()->allow_private_addresses) return std::nullopt;
    const auto reason = non_public_reason(address);
    if (!reason) return std::nullopt;
    return error(Fault::PrivateAddress, address.toString() + " is " + *reason + ", not reachable from the Internet: behind NAT?");
}

std::optional<UpdateError> UpdateCore::check_address(const std::string& text) const {
    const auto address = parse_address(text);
    if (!address) return not_an_address();
    return refuse_private(*address);
}

void UpdateCore::record(const Authorized& who, const SetAddressRequest& request, const std::string& type,
                        const std::string& old_address, const std::string& new_address, const std::string& outcome,
                        const std::string& prefix) {
    HistoryEntry entry;
    entry.time = std::chrono::system_clock::now();
    entry.name = who.name;
    entry.domain = who.domain.name;
    entry.type = type;
    entry.old_address = capped(old_address, kMaxHistoryText);
    entry.new_address = capped(new_address, kMaxHistoryAddress);
    entry.caller_address = caller_address(request.client).value_or(request.client.peer_address);
    entry.protocol = capped(request.client.protocol, kMaxHistoryProtocol);
    entry.user_agent = capped(request.client.user_agent, kMaxHistoryText);
    entry.outcome = outcome;
    entry.prefix = capped(prefix, kMaxHistoryAddress);
    history_.append(std::move(entry)); // written in batches by another thread
    // A prefix's names make one event, announced by finish_prefix; TXT records are no addresses.
    if (outcome == outcome_name(HistoryOutcome::Changed) && prefix.empty() && type != "TXT")
        announce(who, request, type, old_address, new_address);
}

// One access line and the call metrics per call. The name comes from the caller: cut short and
// stripped of control characters, so a line stays one line. Never the password or token.
void UpdateCore::observe(const ClientInfo& client, const char* method, const std::string& name, const std::string& outcome,
                         const std::string& address, std::chrono::steady_clock::time_point started) const {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const std::string protocol = client.protocol.empty() ? "unknown" : client.protocol;
    auto& metrics = metrics::gateway_metrics();
    metrics.calls.with({protocol, method, outcome}).add();
    metrics.call_seconds.with({protocol}).observe(seconds);
    metrics.calls_recent.add();
    if (outcome == "changed") metrics.changes_recent.add();
    if (!log::enabled(log::Level::Info)) return;
    std::string printable = utf8_prefix(name, 100);
    for (char& c : printable)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == ' ') c = '?';
    const auto caller = core::caller_address(client, settings()->trusted_proxies, settings()->forwarding_header);
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f", seconds * 1000);
    log::info("call protocol=" + protocol + " method=" + method + " name=" + (printable.empty() ? "-" : printable) +
              " outcome=" + outcome + " address=" + (address.empty() ? "-" : address) +
              " caller=" + (caller ? caller->toString() : client.peer_address) + " ms=" + ms);
}

std::string UpdateCore::outcome_word(const UpdateError& error) { return Poco::toLower(fault_name(error.fault)); }

UpdateError UpdateCore::store_unavailable(const std::exception& failure) {
    log::error(std::string("store: ") + failure.what());
    return error(Fault::ServiceUnavailable, "the gateway's store is unavailable; nothing changed, retry later");
}

SetAddressOutcome UpdateCore::set_address(const SetAddressRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    SetAddressOutcome outcome = with_store<SetAddressOutcome>([&] { return apply_set_address(request); });
    if (const auto* failed = std::get_if<UpdateError>(&outcome))
        observe(request.client, "SetDyndnsIp", request.name, outcome_word(*failed), request.address, started);
    else {
        const auto& result = std::get<SetAddressResult>(outcome);
        observe(request.client, "SetDyndnsIp", request.name, result.changed ? "changed" : "unchanged", result.address, started);
    }
    return outcome;
}

GetAddressesOutcome UpdateCore::get_addresses(const GetAddressesRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    GetAddressesOutcome outcome = with_store<GetAddressesOutcome>([&] { return read_addresses(request); });
    const auto* failed = std::get_if<UpdateError>(&outcome);
    observe(request.client, "GetDyndnsIp", request.name, failed ? outcome_word(*failed) : "ok", "", started);
    return outcome;
}

std::variant<Poco::Net::IPAddress, UpdateError> UpdateCore::requested_address(const std::string& text,
                                                                              const ClientInfo& client) const {
    std::optional<Poco::Net::IPAddress> address;
    if (text.empty()) {
        address = core::caller_address(client, settings()->trusted_proxies, settings()->forwarding_header);
        if (!address) return error(Fault::InvalidAddress, "the caller's address cannot be determined; pass ip explicitly");
    } else {
        address = parse_address(text);
        if (!address) return not_an_address();
    }
    return *address;
}

SetAddressOutcome UpdateCore::apply_set_address(const SetAddressRequest& request) {
    auto authorized = authorize(request.account, request.password, request.name, request.client, {RecordKind::Address, true});
    if (auto* failed = std::get_if<UpdateError>(&authorized)) return *failed;
    const Authorized& who = std::get<Authorized>(authorized);

    if (!who.domain.dyndns) {
        record(who, request, "", "", request.address, fault_name(Fault::DyndnsDisabled));
        return dyndns_disabled();
    }
    const auto requested = requested_address(request.address, request.client);
    if (const auto* refused = std::get_if<UpdateError>(&requested)) {
        if (!request.address.empty()) record(who, request, "", "", "", fault_name(refused->fault)); // unparsable
        return *refused;
    }
    const auto& address = std::get<Poco::Net::IPAddress>(requested);
    if (auto refused = refuse_private(address)) {
        record(who, request, address.family() == Poco::Net::IPAddress::IPv4 ? "A" : "AAAA", "", address.toString(),
               fault_name(refused->fault));
        return *refused;
    }
    const dns::Deadline deadline = primaries_.for_name(who.domain.name).call_deadline(); // all DNS time of this call
    const AddressPlan plan = plan_address(who, request, address, deadline);
    if (plan.answered) return *plan.answered;
    // Travels with the other changes to this zone that arrive while a message is in flight.
    return finish_address(who, request, plan, commit(who, plan.change, deadline), deadline);
}

UpdateCore::AddressPlan UpdateCore::plan_address(const Authorized& who, const SetAddressRequest& request,
                                                 const Poco::Net::IPAddress& address, dns::Deadline deadline) {
    AddressPlan plan;
    plan.text = address.toString();
    const bool is_v4 = address.family() == Poco::Net::IPAddress::IPv4;
    plan.type = is_v4 ? "A" : "AAAA";
    const dns::RRType rr_type = is_v4 ? dns::RRType::A : dns::RRType::AAAA;
    const dns::ReadResult current = current_rrset(who, rr_type, deadline);
    if (!current.outcome.ok()) {
        auto failure = dns_error(current.outcome, "reading " + who.name + " " + plan.type, false);
        record(who, request, plan.type, "", plan.text, fault_name(failure.fault));
        plan.answered = failure;
        return plan;
    }
    plan.old_address = current.rrset.rdata.empty() ? "" : current.rrset.rdata.front();
    // Same address and TTL: nothing to send, so no journal write, no serial bump, no transfer.
    if (holds_exactly(current.rrset.rdata, address) && current.rrset.ttl == settings()->ttl) {
        record(who, request, plan.type, plan.old_address, plan.text, std::string(outcome_name(HistoryOutcome::Unchanged)),
               plan.prefix);
        plan.answered = SetAddressResult{who.name, plan.text, plan.type, settings()->ttl, false};
        return plan;
    }
    plan.change = dns::RRsetChange::replace(who.name, rr_type, settings()->ttl, {plan.text});
    return plan;
}

SetAddressOutcome UpdateCore::finish_address(const Authorized& who, const SetAddressRequest& request, const AddressPlan& plan,
                                             const dns::DnsOutcome& applied, dns::Deadline deadline) {
    const auto published = [&](const dns::ReadResult& after) {
        if (plan.text.empty()) return after.outcome.ok() && after.rrset.rdata.empty(); // a removal
        const auto address = parse_address(plan.text);
        return after.outcome.ok() && address && holds_exactly(after.rrset.rdata, *address) && after.rrset.ttl == settings()->ttl;
    };
    if (applied.kind == dns::DnsOutcome::Kind::NoAnswer) {
        // The UPDATE may have reached the primary and only its answer been lost: ask, while the
        // call's deadline allows, before telling the caller that nobody knows.
        if (published(primaries_.for_name(who.domain.name).read(who.name, plan.change.type, deadline))) {
            record(who, request, plan.type, plan.old_address, plan.text, std::string(outcome_name(HistoryOutcome::Changed)),
                   plan.prefix);
            return SetAddressResult{who.name, plan.text, plan.type, settings()->ttl, true};
        }
    }
    if (!applied.ok()) {
        auto failure = dns_error(applied, "setting " + who.name + " " + plan.type, true);
        // Unanswered: the history cannot say "nothing changed" either.
        const bool unknown = applied.may_have_applied();
        record(who, request, plan.type, plan.old_address, plan.text,
               unknown ? std::string(outcome_name(HistoryOutcome::Unknown)) : fault_name(failure.fault), plan.prefix);
        return failure;
    }
    record(who, request, plan.type, plan.old_address, plan.text, std::string(outcome_name(HistoryOutcome::Changed)), plan.prefix);
    return SetAddressResult{who.name, plan.text, plan.type, settings()->ttl, true};
}

GetAddressesOutcome UpdateCore::read_addresses(const GetAddressesRequest& request) {
    auto authorized = authorize(request.account, request.password, request.name, request.client, {RecordKind::Address, false});
    if (auto* failed = std::get_if<UpdateError>(&authorized)) return *failed;
    const Authorized& who = std::get<Authorized>(authorized);

    GetAddressesResult result{who.name, {}, {}, settings()->ttl, {}};
    const dns::Rfc2136Client& dns = primaries_.for_name(who.domain.name);
    const dns::Deadline deadline = dns.call_deadline();
    for (const auto& [type, out] : {std::pair{dns::RRType::A, &result.a}, std::pair{dns::RRType::AAAA, &result.aaaa}}) {
        const dns::ReadResult read = current_rrset(who, type, deadline);
        if (!read.outcome.ok()) return dns_error(read.outcome, "reading " + who.name, false);
        *out = read.rrset.rdata;
        if (!read.rrset.rdata.empty()) result.ttl = read.rrset.ttl;
    }
    for (HostRule& rule : store_.host_rules(who.domain.name))
        if (rule.name == who.name || rule.name.ends_with("." + who.name)) result.hosts.push_back(std::move(rule));
    return result;
}

} // namespace dyndns::core
