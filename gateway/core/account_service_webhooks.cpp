// The control panel's webhooks: an account's receivers with their last deliveries, registered and removed under the account's own rules.
#include <algorithm>

#include "core/account_service.h"
#include "core/webhook_registration.h"
#include "vocabulary/names.h"

namespace dyndns::core {

std::vector<WebhookView> AccountService::webhooks(const std::string& account) const {
    std::vector<WebhookView> views;
    for (auto& webhook : store_.list_webhooks(lower(account))) {
        auto deliveries = store_.webhook_deliveries(webhook.id, kWebhookDeliveriesShown);
        views.push_back({std::move(webhook), std::move(deliveries)});
    }
    return views;
}

std::variant<std::pair<Webhook, std::string>, UpdateError>
AccountService::new_webhook(const std::string& account, const std::string& domain, const std::string& url) {
    if (!domain.empty() && !owned(account, domain)) return no_such_domain();
    try {
        auto made = register_webhook(store_, lower(account), domain.empty() ? "" : lower(domain), url,
                                     core_.webhooks_may_target_private());
        if (auto* refused = std::get_if<std::string>(&made)) return UpdateError{Fault::BadRequest, *refused, 0};
        core_.webhook_added(lower(account));
        return std::get<std::pair<Webhook, std::string>>(std::move(made));
    } catch (const store::DatabaseError&) {
        throw; // an outage, not the caller's mistake: the front end answers fault 10
    } catch (const store::StoreError& e) {
        return UpdateError{Fault::BadRequest, e.what(), 0}; // too many webhooks, say
    }
}

std::optional<UpdateError> AccountService::remove_webhook(const std::string& account, std::int64_t id) {
    const auto held = store_.list_webhooks(lower(account));
    if (std::none_of(held.begin(), held.end(), [&](const Webhook& w) { return w.id == id; }))
        return UpdateError{Fault::BadRequest, "no such webhook for this account", 0};
    store_.delete_webhook(id, lower(account));
    return std::nullopt;
}

} // namespace dyndns::core
