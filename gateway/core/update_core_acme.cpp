// SetAcmeChallenge and ClearAcmeChallenge: the same authorization as an address, then one TXT RRset replaced through group commit.
#include <algorithm>

#include <Poco/String.h>

#include "core/acme_challenges.h"
#include "core/dns_error.h"
#include "vocabulary/history_outcome.h"
#include "vocabulary/names.h"
#include "core/update_core.h"
#include "dns/txt_rdata.h"
#include "log/log.h"

namespace dyndns::core {
namespace {

UpdateError not_a_digest() {
    return {Fault::InvalidAddress, "value is not an ACME key-authorization digest (43 base64url characters)", 0};
}

// The values at the challenge name as sets: the primary returns them sorted, the order kept
// here is by age.
bool same_values(std::vector<std::string> a, std::vector<std::string> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
}

std::string joined(const std::vector<std::string>& values) {
    std::string text;
    for (const auto& value : values) text += (text.empty() ? "" : " ") + value;
    return text;
}

} // namespace

AcmeChallengeOutcome UpdateCore::set_acme_challenge(const AcmeChallengeRequest& request) {
    return observed_acme_challenge(request, true);
}

AcmeChallengeOutcome UpdateCore::clear_acme_challenge(const AcmeChallengeRequest& request) {
    return observed_acme_challenge(request, false);
}

AcmeChallengeOutcome UpdateCore::observed_acme_challenge(const AcmeChallengeRequest& request, bool set) {
    const auto started = std::chrono::steady_clock::now();
    AcmeChallengeOutcome outcome = with_store<AcmeChallengeOutcome>([&] { return apply_acme_challenge(request, set); });
    const auto* failed = std::get_if<UpdateError>(&outcome);
    observe(request.client, set ? "SetAcmeChallenge" : "ClearAcmeChallenge", request.name,
            failed                                           ? outcome_word(*failed)
            : std::get<AcmeChallengeResult>(outcome).changed ? "changed"
                                                             : "unchanged",
            "", started);
    return outcome;
}

bool UpdateCore::wildcard_reaches_others(const Authorized& who) const {
    const std::string suffix = "." + who.name;
    const auto below = [&](const std::string& name) { return name.size() > suffix.size() && name.ends_with(suffix); };
    // Both lookups are indexed (docs/contract.md "ACME DNS-01 challenges"): the domains below the
    // name, and the tokens of the name's own domain. A token below the name in a domain below it
    // needs no look: that domain answers first (another account's), or is the caller's own.
    for (const auto& domain : store_.domains_below(who.name))
        if (who.by_token || domain.account != who.domain.account) return true;
    if (!who.by_token) return false; // the account's own domain: its tokens are the account's
    for (const auto& token : store_.list_tokens(who.domain.name))
        if (below(token.name)) return true;
    return false;
}

AcmeChallengeOutcome UpdateCore::apply_acme_challenge(const AcmeChallengeRequest& request, bool set) {
    // The name a certificate is for authorizes like an address at that name: an account's names
    // under its dyndns domains, a per-host token's own name. A name that is none is refused after
    // the credentials, as SetDyndnsIp refuses one.
    const auto subject = challenge_subject(request.name);
    auto authorized =
        authorize(request.account, request.password, subject.value_or(""), request.client, {RecordKind::Acme, true});
    if (auto* failed = std::get_if<UpdateError>(&authorized)) return *failed;
    Authorized who = std::get<Authorized>(authorized);
    if (set && wildcard_reaches_others(who)) {
        log::info("acme: refused a challenge at " + who.name + ": a certificate for *." + who.name +
                  " would cover names below it that are not the caller's");
        return no_such_domain();
    }
    who.name = challenge_name(who.name); // what the history and the DNS see
    if (who.name.size() > kMaxNameLength)
        return UpdateError{Fault::BadRequest, "the challenge name would be longer than 253 characters", 0};
    // record() reads only the request's client.
    const SetAddressRequest history_request{{}, {}, {}, {}, request.client};
    const std::string type = "TXT";

    if (!who.domain.dyndns) {
        record(who, history_request, type, "", "", fault_name(Fault::DyndnsDisabled));
        return dyndns_disabled();
    }
    if (!is_key_authorization_digest(request.value)) {
        record(who, history_request, type, "", "", fault_name(Fault::InvalidAddress));
        return not_a_digest();
    }

    const std::uint32_t ttl = settings()->acme_ttl;
    std::lock_guard name_lock(challenge_order_.lock_for(who.name));
    const dns::Rfc2136Client& dns = primaries_.for_name(who.domain.name); // the zone's own primary
    const dns::Deadline deadline = dns.call_deadline();
    const dns::ReadResult current = current_rrset(who, dns::RRType::TXT, deadline);
    if (!current.outcome.ok()) {
        auto failure = dns_error(current.outcome, "reading " + who.name + " TXT", false);
        record(who, history_request, type, "", request.value, fault_name(failure.fault));
        return failure;
    }
    std::vector<std::string> published;
    for (const auto& rdata : current.rrset.rdata)
        if (auto text = dns::txt_text(rdata)) published.push_back(std::move(*text));
    const std::vector<std::string> next = set ? challenge_order_.with(who.name, published, request.value)
                                              : challenge_order_.without(who.name, published, request.value);
    const std::string old_values = joined(published);
    const std::string new_value = set ? request.value : "";

    // Already so (the TTL too, while any value remains): nothing to send.
    if (same_values(next, published) && (next.empty() || current.rrset.ttl == ttl)) {
        challenge_order_.remember(who.name, next);
        record(who, history_request, type, old_values, new_value, std::string(outcome_name(HistoryOutcome::Unchanged)));
        return AcmeChallengeResult{who.name, next, ttl, false};
    }

    // One RRset change, latest per RRset wins in the zone's group commit; the last value gone,
    // the RRset goes. No other name or type is in the message.
    std::vector<std::string> rdata;
    for (const auto& value : next) rdata.push_back(dns::txt_rdata(value));
    const dns::RRsetChange change = next.empty() ? dns::RRsetChange::remove(who.name, dns::RRType::TXT)
                                                 : dns::RRsetChange::replace(who.name, dns::RRType::TXT, ttl, rdata);
    const dns::DnsOutcome applied = commit(who, change, deadline);
    if (applied.kind == dns::DnsOutcome::Kind::NoAnswer) {
        // As for an address: the UPDATE may have been applied and only its answer lost.
        const dns::ReadResult after = dns.read(who.name, dns::RRType::TXT, deadline);
        std::vector<std::string> held;
        for (const auto& r : after.rrset.rdata)
            if (auto text = dns::txt_text(r)) held.push_back(std::move(*text));
        if (after.outcome.ok() && same_values(held, next)) {
            challenge_order_.remember(who.name, next);
            record(who, history_request, type, old_values, new_value, std::string(outcome_name(HistoryOutcome::Changed)));
            return AcmeChallengeResult{who.name, next, ttl, true};
        }
    }
    if (!applied.ok()) {
        auto failure = dns_error(applied, (set ? "setting " : "clearing ") + who.name + " TXT", true);
        record(who, history_request, type, old_values, new_value,
               applied.may_have_applied() ? std::string(outcome_name(HistoryOutcome::Unknown)) : fault_name(failure.fault));
        return failure;
    }
    challenge_order_.remember(who.name, next);
    record(who, history_request, type, old_values, new_value, std::string(outcome_name(HistoryOutcome::Changed)));
    return AcmeChallengeResult{who.name, next, ttl, true};
}

} // namespace dyndns::core
