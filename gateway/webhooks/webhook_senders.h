// The delivery threads: claim due deliveries from the store, send each once, write back delivered, retry later or failed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "core/ports/webhook_port.h"
#include "webhooks/webhook_sender.h"

namespace dyndns::webhooks {

struct SendersSettings {
    SenderSettings sender;
    unsigned threads = 2; // 0: none started
    std::chrono::seconds first_retry{10};
    unsigned keep_days = 7;
};

// Nothing is held in memory: a delivery is in the store from the call that made its event until
// it is delivered or given up, so a restart (or another gateway on the same store) picks up
// where this one stopped. At least once: an attempt cut short by a stop is made again, and
// receivers deduplicate by the event id.
class WebhookSenders {
public:
    WebhookSenders(core::WebhookPort& store, SendersSettings settings);
    ~WebhookSenders(); // stops; waits for the attempts under way (each within the sender's timeout)
    WebhookSenders(const WebhookSenders&) = delete;
    WebhookSenders& operator=(const WebhookSenders&) = delete;

private:
    void run();
    // One claimed delivery sent and its end written back.
    void attempt(const core::ClaimedDelivery& claimed);
    void prune_now_and_then();

    core::WebhookPort& store_;
    const SendersSettings settings_;
    Poco::Net::Context::Ptr context_;
    std::mutex mutex_;
    std::condition_variable stop_;
    bool stopping_ = false;
    std::chrono::steady_clock::time_point last_prune_{}; // under mutex_
    std::vector<std::thread> threads_;
};

} // namespace dyndns::webhooks
