// Webhooks and their delivery queue (docs/webhooks.md): what the core and the delivery threads need from the store.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dyndns::core {

// A customer's HTTPS receiver of change events, for one domain or the whole account.
struct Webhook {
    std::int64_t id = 0; // assigned by the store
    std::string account; // lower-case
    std::string domain; // lower-case; empty: every domain of the account
    std::string url; // https, checked by core::check_webhook_url before it is stored
    std::chrono::system_clock::time_point created{};
};

enum class DeliveryStatus { Pending, Delivered, Failed };

// One event for one webhook: the row the delivery threads work through.
struct WebhookDelivery {
    std::int64_t id = 0;
    std::int64_t webhook = 0;
    std::string event_id; // the same for every webhook that gets the event
    std::string body; // the event JSON, exactly the bytes that are signed and sent
    unsigned attempts = 0;
    DeliveryStatus status = DeliveryStatus::Pending;
    std::int64_t created_ms = 0; // wall clock, Unix milliseconds
    std::int64_t next_attempt_ms = 0;
    int last_status_code = 0; // the receiver's last HTTP status; 0: none (no answer)
    std::string last_error; // why the last attempt failed, for the panel and dyndnsctl; never a secret
};

// A delivery claimed for sending, with what sending needs.
struct ClaimedDelivery {
    WebhookDelivery delivery;
    std::string url;
    std::string secret;
};

// What one attempt ended in, to be written back.
struct DeliveryAttempt {
    DeliveryStatus status = DeliveryStatus::Pending; // Pending: try again at next_attempt_ms
    std::int64_t next_attempt_ms = 0;
    int status_code = 0;
    std::string error;
};

// Changes whenever a webhook is added or removed: ids are never reused (AUTOINCREMENT, identity),
// so an addition raises `highest_id` and a removal alone lowers `count`.
struct WebhookSetMark {
    std::int64_t count = 0;
    std::int64_t highest_id = 0;
    bool operator==(const WebhookSetMark&) const = default;
};

// The queue as an operator watches it (metrics): deliveries still to be made, of every webhook,
// and the earliest time one of them was due (a retry waiting for its time is not late; one due
// long ago that nobody sent is).
struct WebhookQueueState {
    std::int64_t pending = 0;
    std::int64_t earliest_due_ms = 0; // 0: none pending
};

// Implemented by store::Store (and tests' MemoryStore). May throw store::DatabaseError; StoreError
// for a caller's mistake (no such account, domain or webhook).
class WebhookPort {
public:
    virtual ~WebhookPort() = default;
    // Stores `webhook` (id and created set here) with a new random secret, returned once.
    // StoreError when the account (or the domain, of that account) does not exist, or the account
    // has kMaxWebhooksPerAccount already.
    virtual std::pair<Webhook, std::string> create_webhook(Webhook webhook) = 0;
    // Every webhook, or one account's, by id.
    virtual std::vector<Webhook> list_webhooks(const std::optional<std::string>& account = std::nullopt) const = 0;
    // Deletes the webhook and its deliveries; with `account`, only when it is that account's.
    // StoreError when there is no such webhook (of the account).
    virtual void delete_webhook(std::int64_t id, const std::optional<std::string>& account = std::nullopt) = 0;
    // The mark of the whole set of webhooks, and the accounts (lower-case) that have at least one:
    // core::WebhookAccounts reads the second only when the first has moved.
    virtual WebhookSetMark webhook_set_mark() const = 0;
    virtual std::vector<std::string> accounts_with_webhooks() const = 0;
    // Queues the event for every webhook of `account` that covers `domain`, in one transaction,
    // first attempt at `now_ms`. A webhook already holding `max_pending` pending deliveries does
    // not get it. Returns how many webhooks did; writes nothing when the account has none.
    virtual std::size_t enqueue_webhook_event(const std::string& account, const std::string& domain, const std::string& event_id,
                                              const std::string& body, std::int64_t now_ms, std::size_t max_pending) = 0;
    // Claims up to `limit` pending deliveries due at `now_ms` that nobody holds, until
    // `now_ms + hold_ms`: each claim is one conditional UPDATE, so two gateways on one store never
    // both claim a delivery. A holder that dies lets its claim run out, and another retries.
    virtual std::vector<ClaimedDelivery> claim_webhook_deliveries(std::int64_t now_ms, std::int64_t hold_ms,
                                                                  std::size_t limit) = 0;
    // Writes one attempt's end and releases the claim; counts the attempt.
    virtual void finish_webhook_attempt(std::int64_t delivery, const DeliveryAttempt& attempt) = 0;
    // One webhook's deliveries, newest first.
    virtual std::vector<WebhookDelivery> webhook_deliveries(std::int64_t webhook, std::size_t limit) const = 0;
    // The whole queue's pending deliveries: what every gateway on the store still has to send.
    virtual WebhookQueueState webhook_queue_state() const = 0;
    // Deletes delivered and failed deliveries created before `before_ms`; returns how many.
    virtual std::size_t prune_webhook_deliveries(std::int64_t before_ms) = 0;
};

inline constexpr std::size_t kMaxWebhooksPerAccount = 20;

inline const char* delivery_status_name(DeliveryStatus status) {
    switch (status) {
    case DeliveryStatus::Pending: return "pending";
    case DeliveryStatus::Delivered: return "delivered";
    case DeliveryStatus::Failed: return "failed";
    }
    return "pending";
}

} // namespace dyndns::core
