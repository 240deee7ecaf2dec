// Each thread polls the store's queue: a cluster's gateways all see the deliveries any of them queued, and a claim keeps two from sending one.
#include "webhooks/webhook_senders.h"

#include "core/webhook_events.h"
#include "log/log.h"
#include "metrics/gateway_metrics.h"
#include "vocabulary/thread_name.h"

namespace dyndns::webhooks {
namespace {

// How often an idle thread looks for due deliveries: the delay of a new event's first attempt at most.
constexpr auto kIdlePoll = std::chrono::milliseconds(500);
// After a store failure: the store is likely gone for a while.
constexpr auto kStoreBackoff = std::chrono::seconds(5);

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace

WebhookSenders::WebhookSenders(core::WebhookPort& store, SendersSettings settings)
    : store_(store), settings_(std::move(settings)), context_(client_context(settings_.sender)) {
    for (unsigned i = 0; i < settings_.threads; ++i)
        threads_.emplace_back([this] {
            core::name_this_thread("webhooks");
            run();
        });
}

WebhookSenders::~WebhookSenders() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_.notify_all();
    for (auto& thread : threads_) thread.join();
}

void WebhookSenders::run() {
    // A claim outlives the attempt, whose deadline is the sender's timeout, with room to write the end back.
    const std::int64_t hold_ms = settings_.sender.timeout.count() + 30'000;
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        auto pause = std::chrono::milliseconds(0);
        try {
            prune_now_and_then();
            const auto claimed = store_.claim_webhook_deliveries(wall_ms(), hold_ms, 1);
            if (claimed.empty())
                pause = kIdlePoll;
            else
                attempt(claimed.front());
        } catch (const std::exception& failure) {
            log::error(std::string("webhooks: ") + failure.what());
            pause = kStoreBackoff;
        }
        lock.lock();
        if (pause.count() > 0) stop_.wait_for(lock, pause, [this] { return stopping_; });
    }
}

void WebhookSenders::attempt(const core::ClaimedDelivery& claimed) {
    const core::WebhookDelivery& delivery = claimed.delivery;
    auto& metrics = metrics::gateway_metrics();
    const auto started = std::chrono::steady_clock::now();
    const AttemptResult result = send_delivery(claimed, settings_.sender, context_, wall_ms() / 1000);
    metrics.webhook_attempt_seconds.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    core::DeliveryAttempt end;
    end.status_code = result.status_code;
    end.error = result.error;
    const std::string about = "webhook " + std::to_string(delivery.webhook) + " event " + delivery.event_id + " attempt " +
                              std::to_string(delivery.attempts + 1);
    if (result.delivered) {
        end.status = core::DeliveryStatus::Delivered;
        metrics.webhook_attempts.with({"delivered"}).add(1);
        log::info(about + ": delivered (HTTP " + std::to_string(result.status_code) + ")");
    } else if (const auto next = core::next_attempt_ms(delivery, wall_ms(), settings_.first_retry)) {
        end.status = core::DeliveryStatus::Pending;
        end.next_attempt_ms = *next;
        metrics.webhook_attempts.with({"retried"}).add(1);
        log::info(about + ": " + result.error + "; retried in " + std::to_string((*next - wall_ms()) / 1000) + " s");
    } else {
        end.status = core::DeliveryStatus::Failed;
        metrics.webhook_attempts.with({"given_up"}).add(1);
        log::warning(about + ": " + result.error + "; given up");
    }
    store_.finish_webhook_attempt(delivery.id, end);
}

void WebhookSenders::prune_now_and_then() {
    {
        std::lock_guard lock(mutex_);
        const auto now = std::chrono::steady_clock::now();
        if (last_prune_ != std::chrono::steady_clock::time_point{} && now - last_prune_ < std::chrono::hours(1)) return;
        last_prune_ = now;
    }
    const auto kept_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::hours(24) * settings_.keep_days);
    store_.prune_webhook_deliveries(wall_ms() - kept_ms.count());
}

} // namespace dyndns::webhooks
