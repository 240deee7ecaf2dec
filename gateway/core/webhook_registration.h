// Registering a webhook: the one place its rules are applied, for dyndnsctl, the JSON API and the panel alike.
#pragma once

#include <string>
#include <utility>
#include <variant>

#include "core/ports/webhook_port.h"

namespace dyndns::core {

// The webhook and its secret (shown once), or why the URL is refused (core/webhook_target.h:
// not https, a non-public target while `allow_private` is false, ...). The store's own refusals
// (no such account or domain, too many webhooks) stay StoreErrors.
std::variant<std::pair<Webhook, std::string>, std::string> register_webhook(WebhookPort& store, const std::string& account,
                                                                            const std::string& domain, const std::string& url,
                                                                            bool allow_private);

} // namespace dyndns::core
