// Which accounts have a webhook, as the store said within the last second: a change of any other account builds no event and reads nothing.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include "core/ports/webhook_port.h"

namespace dyndns::core {

// Most accounts have no webhook, and a store read per change cost W3 about 15 % of the gateway's
// CPU (docs/webhooks.md "Registering"). The set is read again only when the store's mark of its
// webhooks (count, highest id) has moved, at most once per `refresh`. A webhook added on this
// gateway counts at once (added()); one added by dyndnsctl or by another gateway on the same
// store from the next refresh. A store failure answers "may have one": the caller's own read
// then decides (and reports the outage); an event is never dropped by this set.
class WebhookAccounts {
public:
    explicit WebhookAccounts(WebhookPort& store, std::chrono::milliseconds refresh = std::chrono::seconds(1))
        : store_(store), refresh_(refresh) {}

    // False only when the account (lower-case) had no webhook at the last refresh and none was added here since.
    bool may_have_webhook(const std::string& account);
    // A webhook of `account` (lower-case) was just stored through this gateway.
    void added(const std::string& account);

private:
    using Clock = std::chrono::steady_clock;

    WebhookPort& store_;
    const std::chrono::milliseconds refresh_;
    std::mutex mutex_;
    std::optional<Clock::time_point> checked_; // never: the first call reads
    WebhookSetMark mark_;
    std::unordered_set<std::string> accounts_;
};

} // namespace dyndns::core
