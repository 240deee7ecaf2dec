// MemoryStore's webhooks and delivery queue: the same rules as store_webhooks.cpp, in maps.
#include "support/memory_store.h"

#include <set>

#include "vocabulary/names.h"
#include "vocabulary/store_errors.h"

namespace dyndns::test {

using core::lower;

std::pair<core::Webhook, std::string> MemoryStore::create_webhook(core::Webhook webhook) {
    std::lock_guard lock(mutex_);
    webhook.account = lower(webhook.account);
    webhook.domain = lower(webhook.domain);
    if (!passwords_.contains(webhook.account)) throw store::StoreError("no account '" + webhook.account + "'");
    if (!webhook.domain.empty()) {
        const auto found = domains_.find(webhook.domain);
        if (found == domains_.end() || found->second.account != webhook.account)
            throw store::StoreError("no domain '" + webhook.domain + "' of account '" + webhook.account + "'");
    }
    std::size_t count = 0;
    for (const auto& [id, held] : webhooks_) count += held.first.account == webhook.account;
    if (count >= core::kMaxWebhooksPerAccount) throw store::StoreError("account '" + webhook.account + "' has too many webhooks");
    webhook.id = next_id_++;
    webhook.created = std::chrono::system_clock::now();
    std::string secret = "whsec_memory" + std::to_string(webhook.id);
    webhooks_[webhook.id] = {webhook, secret};
    return {webhook, secret};
}

std::vector<core::Webhook> MemoryStore::list_webhooks(const std::optional<std::string>& account) const {
    std::lock_guard lock(mutex_);
    std::vector<core::Webhook> out;
    for (const auto& [id, held] : webhooks_)
        if (!account || held.first.account == lower(*account)) out.push_back(held.first);
    return out;
}

void MemoryStore::delete_webhook(std::int64_t id, const std::optional<std::string>& account) {
    std::lock_guard lock(mutex_);
    const auto found = webhooks_.find(id);
    if (found == webhooks_.end() || (account && found->second.first.account != lower(*account)))
        throw store::StoreError("no webhook " + std::to_string(id));
    webhooks_.erase(found);
    std::erase_if(deliveries_, [&](const auto& entry) { return entry.second.delivery.webhook == id; });
}

core::WebhookSetMark MemoryStore::webhook_set_mark() const {
    std::lock_guard lock(mutex_);
    core::WebhookSetMark mark{static_cast<std::int64_t>(webhooks_.size()), 0};
    if (!webhooks_.empty()) mark.highest_id = webhooks_.rbegin()->first;
    return mark;
}

std::vector<std::string> MemoryStore::accounts_with_webhooks() const {
    std::lock_guard lock(mutex_);
    std::set<std::string> accounts;
    for (const auto& [id, held] : webhooks_) accounts.insert(held.first.account);
    return {accounts.begin(), accounts.end()};
}

std::size_t MemoryStore::enqueue_webhook_event(const std::string& account, const std::string& domain, const std::string& event_id,
                                               const std::string& body, std::int64_t now_ms, std::size_t max_pending) {
    std::lock_guard lock(mutex_);
    std::size_t queued = 0;
    for (const auto& [id, held] : webhooks_) {
        const core::Webhook& webhook = held.first;
        if (webhook.account != lower(account) || (!webhook.domain.empty() && webhook.domain != lower(domain))) continue;
        std::size_t pending = 0;
        for (const auto& [delivery_id, queued_delivery] : deliveries_)
            pending += queued_delivery.delivery.webhook == id && queued_delivery.delivery.status == core::DeliveryStatus::Pending;
        if (pending >= max_pending) continue;
        core::WebhookDelivery delivery;
        delivery.id = next_id_++;
        delivery.webhook = id;
        delivery.event_id = event_id;
        delivery.body = body;
        delivery.created_ms = now_ms;
        delivery.next_attempt_ms = now_ms;
        deliveries_[delivery.id] = {delivery, 0};
        ++queued;
    }
    return queued;
}

std::vector<core::ClaimedDelivery> MemoryStore::claim_webhook_deliveries(std::int64_t now_ms, std::int64_t hold_ms,
                                                                         std::size_t limit) {
    std::lock_guard lock(mutex_);
    std::vector<core::ClaimedDelivery> claimed;
    for (auto& [id, queued] : deliveries_) {
        if (claimed.size() >= limit) break;
        if (queued.delivery.status != core::DeliveryStatus::Pending || queued.delivery.next_attempt_ms > now_ms ||
            queued.claimed_until_ms > now_ms)
            continue;
        queued.claimed_until_ms = now_ms + hold_ms;
        const auto& [webhook, secret] = webhooks_.at(queued.delivery.webhook);
        claimed.push_back({queued.delivery, webhook.url, secret});
    }
    return claimed;
}

void MemoryStore::finish_webhook_attempt(std::int64_t delivery, const core::DeliveryAttempt& attempt) {
    std::lock_guard lock(mutex_);
    const auto found = deliveries_.find(delivery);
    if (found == deliveries_.end()) return;
    auto& queued = found->second;
    queued.delivery.status = attempt.status;
    ++queued.delivery.attempts;
    queued.delivery.next_attempt_ms = attempt.next_attempt_ms;
    queued.delivery.last_status_code = attempt.status_code;
    queued.delivery.last_error = attempt.error;
    queued.claimed_until_ms = 0;
}

std::vector<core::WebhookDelivery> MemoryStore::webhook_deliveries(std::int64_t webhook, std::size_t limit) const {
    std::lock_guard lock(mutex_);
    std::vector<core::WebhookDelivery> out;
    for (auto it = deliveries_.rbegin(); it != deliveries_.rend() && out.size() < limit; ++it)
        if (it->second.delivery.webhook == webhook) out.push_back(it->second.delivery);
    return out;
}

core::WebhookQueueState MemoryStore::webhook_queue_state() const {
    std::lock_guard lock(mutex_);
    core::WebhookQueueState state;
    for (const auto& [id, held] : deliveries_) {
        if (held.delivery.status != core::DeliveryStatus::Pending) continue;
        ++state.pending;
        if (state.earliest_due_ms == 0 || held.delivery.next_attempt_ms < state.earliest_due_ms)
            state.earliest_due_ms = held.delivery.next_attempt_ms;
    }
    return state;
}

std::size_t MemoryStore::prune_webhook_deliveries(std::int64_t before_ms) {
    std::lock_guard lock(mutex_);
    return std::erase_if(deliveries_, [&](const auto& entry) {
        return entry.second.delivery.status != core::DeliveryStatus::Pending && entry.second.delivery.created_ms < before_ms;
    });
}

} // namespace dyndns::test
