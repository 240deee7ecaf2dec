// The webhooks and webhook_deliveries tables: customers' receivers, and the queue of events the delivery threads send.
#include <Poco/Tuple.h>

#include "log/log.h"
#include "store/password_hash.h"
#include "store/store_impl.h"
#include "store/transaction.h"

namespace dyndns::store {
namespace {

constexpr const char* kSecretPrefix = "whsec_";

std::chrono::system_clock::time_point time_of(std::int64_t ms) {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

core::DeliveryStatus status_of(const std::string& text) {
    if (text == "delivered") return core::DeliveryStatus::Delivered;
    if (text == "failed") return core::DeliveryStatus::Failed;
    return core::DeliveryStatus::Pending;
}

using WebhookRow = Poco::Tuple<Poco::Int64, std::string, Poco::Nullable<std::string>, std::string, Poco::Int64>;
constexpr const char* kWebhookColumns = "id, account, domain, url, created_ms";

core::Webhook webhook_of(const WebhookRow& row) {
    return {row.get<0>(), row.get<1>(), row.get<2>().isNull() ? "" : row.get<2>().value(), row.get<3>(), time_of(row.get<4>())};
}

using DeliveryRow = Poco::Tuple<Poco::Int64, Poco::Int64, std::string, std::string, Poco::Int64, std::string, Poco::Int64,
                                Poco::Int64, Poco::Int64, std::string>;
constexpr const char* kDeliveryColumns = "d.id, d.webhook, d.event_id, d.body, d.attempts, d.status, d.created_ms, "
                                         "d.next_attempt_ms, d.last_status_code, d.last_error";

core::WebhookDelivery delivery_of(const DeliveryRow& row) {
    core::WebhookDelivery delivery;
    delivery.id = row.get<0>();
    delivery.webhook = row.get<1>();
    delivery.event_id = row.get<2>();
    delivery.body = row.get<3>();
    delivery.attempts = static_cast<unsigned>(row.get<4>());
    delivery.status = status_of(row.get<5>());
    delivery.created_ms = row.get<6>();
    delivery.next_attempt_ms = row.get<7>();
    delivery.last_status_code = static_cast<int>(row.get<8>());
    delivery.last_error = row.get<9>();
    return delivery;
}

} // namespace

std::pair<core::Webhook, std::string> Store::create_webhook(core::Webhook webhook) {
    std::string secret = kSecretPrefix + new_token_secret(32);
    webhook.created = std::chrono::system_clock::now();
    guarded("create the webhook", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        webhook.account = account_name(webhook.account);
        Poco::Nullable<std::string> domain;
        in_transaction(session, impl_->dialect, [&] {
            if (impl_->stored_hash(session, webhook.account).empty()) throw StoreError("no account '" + webhook.account + "'");
            if (!webhook.domain.empty()) {
                webhook.domain = domain_name(webhook.domain);
                std::vector<std::string> owners;
                session << impl_->sql("SELECT account FROM domains WHERE name = ?"), bind(webhook.domain), into(owners), now;
                if (owners.empty() || owners.front() != webhook.account)
                    throw StoreError("no domain '" + webhook.domain + "' of account '" + webhook.account + "'");
                domain = webhook.domain;
            }
            Poco::Int64 count = 0;
            session << impl_->sql("SELECT count(*) FROM webhooks WHERE account = ?"), bind(webhook.account), into(count), now;
            if (count >= static_cast<Poco::Int64>(core::kMaxWebhooksPerAccount))
                throw StoreError("account '" + webhook.account + "' has " + std::to_string(core::kMaxWebhooksPerAccount) +
                                 " webhooks already");
            Poco::Int64 id = 0;
            const auto created_ms =
                std::chrono::duration_cast<std::chrono::milliseconds>(webhook.created.time_since_epoch()).count();
            session << impl_->sql(
                "INSERT INTO webhooks(account, domain, url, secret, created_ms) VALUES(?, ?, ?, ?, ?) RETURNING id"),
                bind(webhook.account), bind(domain), bind(webhook.url), bind(secret), bind(static_cast<Poco::Int64>(created_ms)),
                into(id), now;
            webhook.id = id;
        });
    });
    return {webhook, secret};
}

std::vector<core::Webhook> Store::list_webhooks(const std::optional<std::string>& account) const {
    return guarded("read the webhooks", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::vector<WebhookRow> rows;
        if (account)
            session << impl_->sql(std::string("SELECT ") + kWebhookColumns + " FROM webhooks WHERE account = ? ORDER BY id"),
                bind(lower(*account)), into(rows), now;
        else
            session << impl_->sql(std::string("SELECT ") + kWebhookColumns + " FROM webhooks ORDER BY id"), into(rows), now;
        std::vector<core::Webhook> webhooks;
        for (const auto& row : rows) webhooks.push_back(webhook_of(row));
        return webhooks;
    });
}

void Store::delete_webhook(std::int64_t id, const std::optional<std::string>& account) {
    guarded("delete the webhook", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        Poco::Data::Statement remove(session);
        if (account)
            remove << impl_->sql("DELETE FROM webhooks WHERE id = ? AND account = ?"), bind(static_cast<Poco::Int64>(id)),
                bind(lower(*account));
        else
            remove << impl_->sql("DELETE FROM webhooks WHERE id = ?"), bind(static_cast<Poco::Int64>(id));
        if (remove.execute() == 0) throw StoreError("no webhook " + std::to_string(id));
    });
}

core::WebhookSetMark Store::webhook_set_mark() const {
    return guarded("read the webhooks", [&] {
        auto db = impl_->pool.lease();
        core::WebhookSetMark mark;
        db.session() << "SELECT count(*), COALESCE(MAX(id), 0) FROM webhooks", into(mark.count), into(mark.highest_id), now;
        return mark;
    });
}

std::vector<std::string> Store::accounts_with_webhooks() const {
    return guarded("read the webhooks", [&] {
        auto db = impl_->pool.lease();
        std::vector<std::string> accounts;
        db.session() << "SELECT DISTINCT account FROM webhooks", into(accounts), now;
        return accounts;
    });
}

std::size_t Store::enqueue_webhook_event(const std::string& account, const std::string& domain, const std::string& event_id,
                                         const std::string& body, std::int64_t now_ms, std::size_t max_pending) {
    return guarded("queue the webhook event", [&]() -> std::size_t {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        const std::string sql_webhooks =
            "SELECT id FROM webhooks WHERE account = ? AND (domain IS NULL OR domain = ?) ORDER BY id";
        std::vector<Poco::Int64> webhooks;
        // Read first, outside a transaction: most accounts have no webhook, and their changes
        // then cost one indexed read and no write lock.
        session << impl_->sql(sql_webhooks), bind(lower(account)), bind(lower(domain)), into(webhooks), now;
        if (webhooks.empty()) return 0;
        std::size_t queued = 0;
        in_transaction(session, impl_->dialect, [&] {
            webhooks.clear();
            session << impl_->sql(sql_webhooks), bind(lower(account)), bind(lower(domain)), into(webhooks), now;
            for (const Poco::Int64 webhook : webhooks) {
                Poco::Int64 pending = 0;
                session << impl_->sql("SELECT count(*) FROM webhook_deliveries WHERE webhook = ? AND status = 'pending'"),
                    bind(webhook), into(pending), now;
                if (pending >= static_cast<Poco::Int64>(max_pending)) {
                    log::warning("webhook " + std::to_string(webhook) + " has " + std::to_string(pending) +
                                 " undelivered events; event " + event_id + " is not queued for it");
                    continue;
                }
                session << impl_->sql(
                    "INSERT INTO webhook_deliveries(webhook, event_id, body, status, created_ms, next_attempt_ms) "
                    "VALUES(?, ?, ?, 'pending', ?, ?)"),
                    bind(webhook), bind(event_id), bind(body), bind(static_cast<Poco::Int64>(now_ms)),
                    bind(static_cast<Poco::Int64>(now_ms)), now;
                ++queued;
            }
        });
        return queued;
    });
}

std::vector<core::ClaimedDelivery> Store::claim_webhook_deliveries(std::int64_t now_ms, std::int64_t hold_ms, std::size_t limit) {
    return guarded("claim webhook deliveries", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::vector<Poco::Int64> due;
        session << impl_->sql("SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_ms <= ? "
                              "AND claimed_until_ms <= ? ORDER BY next_attempt_ms, id LIMIT ?"),
            bind(static_cast<Poco::Int64>(now_ms)), bind(static_cast<Poco::Int64>(now_ms)), bind(static_cast<Poco::Int64>(limit)),
            into(due), now;
        std::vector<core::ClaimedDelivery> claimed;
        for (const Poco::Int64 id : due) {
            // The claim itself: whoever's UPDATE changes the row holds it; another gateway's finds
            // claimed_until_ms in the future and changes nothing.
            Poco::Data::Statement claim(session);
            claim << impl_->sql("UPDATE webhook_deliveries SET claimed_until_ms = ? WHERE id = ? AND status = 'pending' "
                                "AND claimed_until_ms <= ?"),
                bind(static_cast<Poco::Int64>(now_ms + hold_ms)), bind(id), bind(static_cast<Poco::Int64>(now_ms));
            if (claim.execute() == 0) continue;
            std::vector<DeliveryRow> rows;
            std::vector<std::string> urls;
            std::vector<std::string> secrets;
            session << impl_->sql(
                std::string("SELECT ") + kDeliveryColumns +
                ", w.url, w.secret FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook WHERE d.id = ?"),
                bind(id), into(rows), into(urls), into(secrets), now;
            if (rows.empty()) continue; // its webhook deleted meanwhile
            claimed.push_back({delivery_of(rows.front()), urls.front(), secrets.front()});
        }
        return claimed;
    });
}

void Store::finish_webhook_attempt(std::int64_t delivery, const core::DeliveryAttempt& attempt) {
    guarded("record the webhook attempt", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        session << impl_->sql("UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_attempt_ms = ?, "
                              "claimed_until_ms = 0, last_status_code = ?, last_error = ? WHERE id = ?"),
            bind(std::string(core::delivery_status_name(attempt.status))),
            bind(static_cast<Poco::Int64>(attempt.next_attempt_ms)), bind(attempt.status_code), bind(attempt.error),
            bind(static_cast<Poco::Int64>(delivery)), now;
    });
}

std::vector<core::WebhookDelivery> Store::webhook_deliveries(std::int64_t webhook, std::size_t limit) const {
    return guarded("read the webhook deliveries", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::vector<DeliveryRow> rows;
        session << impl_->sql(std::string("SELECT ") + kDeliveryColumns +
                              " FROM webhook_deliveries d WHERE d.webhook = ? ORDER BY d.id DESC LIMIT ?"),
            bind(static_cast<Poco::Int64>(webhook)), bind(static_cast<Poco::Int64>(limit)), into(rows), now;
        std::vector<core::WebhookDelivery> deliveries;
        for (const auto& row : rows) deliveries.push_back(delivery_of(row));
        return deliveries;
    });
}

core::WebhookQueueState Store::webhook_queue_state() const {
    return guarded("read the webhook queue", [&] {
        auto db = impl_->pool.lease();
        core::WebhookQueueState state;
        // The index on (status, next_attempt_ms) bounds this to the pending rows.
        db.session() << "SELECT count(*), COALESCE(MIN(next_attempt_ms), 0) FROM webhook_deliveries WHERE status = 'pending'",
            into(state.pending), into(state.earliest_due_ms), now;
        return state;
    });
}

std::size_t Store::prune_webhook_deliveries(std::int64_t before_ms) {
    return guarded("prune the webhook deliveries", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        Poco::Data::Statement remove(session);
        remove << impl_->sql("DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_ms < ?"),
            bind(static_cast<Poco::Int64>(before_ms));
        return remove.execute();
    });
}

} // namespace dyndns::store
