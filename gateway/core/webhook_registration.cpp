// Checks the URL (resolving its host) before the store keeps it; the senders check again before each connection.
#include "core/webhook_registration.h"

#include "core/webhook_target.h"

namespace dyndns::core {

std::variant<std::pair<Webhook, std::string>, std::string> register_webhook(WebhookPort& store, const std::string& account,
                                                                            const std::string& domain, const std::string& url,
                                                                            bool allow_private) {
    if (std::string refused = refuse_webhook_url(url, allow_private); !refused.empty()) return refused;
    Webhook webhook;
    webhook.account = account;
    webhook.domain = domain;
    webhook.url = url;
    return store.create_webhook(webhook);
}

} // namespace dyndns::core
