// The control panel's "Webhooks" section: the account's receivers with their last deliveries and status, a form to add one, remove buttons.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/account_service.h"

namespace dyndns::panel {

// A webhook made by the previous request, with its secret: shown this once.
struct NewWebhook {
    std::int64_t id = 0;
    std::string secret;
};

std::string webhooks_section(const std::string& csrf, const std::vector<core::WebhookView>& webhooks,
                             const std::vector<core::Domain>& domains, const std::optional<NewWebhook>& new_webhook);

} // namespace dyndns::panel
