// The update core's webhook events: what changed at the primary, handed to queue_event as the change is recorded.
#include "core/update_core.h"

#include <Poco/StringTokenizer.h>

#include "core/webhook_events.h"
#include "vocabulary/names.h"

namespace dyndns::core {
namespace {

// The history's old-address text is one address, or a set joined by spaces.
std::vector<std::string> addresses_of(const std::string& text) {
    Poco::StringTokenizer words(text, " ", Poco::StringTokenizer::TOK_IGNORE_EMPTY | Poco::StringTokenizer::TOK_TRIM);
    return {words.begin(), words.end()};
}

} // namespace

void UpdateCore::announce(const Authorized& who, const SetAddressRequest& request, const std::string& type,
                          const std::string& old_address, const std::string& new_address) {
    // The domain's account, not request.account: a per-host token logs in with the host's name.
    if (!webhook_accounts_.may_have_webhook(lower(who.domain.account))) return;
    ChangeEvent event{who.domain.account, who.domain.name, request.client.protocol, "", {}, std::chrono::system_clock::now()};
    event.changes.push_back({who.name, type, addresses_of(old_address), addresses_of(new_address)});
    queue_event(store_, event, settings()->webhook_max_pending);
}

void UpdateCore::announce_prefix(const PrefixPlan& plan, const SetAddressRequest& request) {
    if (plan.hosts.empty()) return;
    const Domain& domain = plan.hosts.front().who.domain;
    if (!webhook_accounts_.may_have_webhook(lower(domain.account))) return;
    ChangeEvent event{domain.account, domain.name, request.client.protocol, plan.applied, {}, std::chrono::system_clock::now()};
    for (const auto& host : plan.hosts)
        if (host.result.changed)
            event.changes.push_back(
                {host.who.name, "AAAA", addresses_of(host.plan.old_address), addresses_of(host.result.address)});
    queue_event(store_, event, settings()->webhook_max_pending);
}

} // namespace dyndns::core
