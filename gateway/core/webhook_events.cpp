// Builds an event's JSON with Poco::JSON and queues it; the retry schedule of a failed delivery.
#include "core/webhook_events.h"

#include <algorithm>
#include <optional>
#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/UUIDGenerator.h>

#include "log/log.h"
#include "metrics/gateway_metrics.h"
#include "vocabulary/utc_time.h"

namespace dyndns::core {
namespace {

Poco::JSON::Array::Ptr array_of(const std::vector<std::string>& texts) {
    Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
    for (const auto& text : texts) array->add(text);
    return array;
}

std::int64_t ms_of(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

constexpr std::chrono::seconds kLongestRetryGap = std::chrono::hours(1);

} // namespace

std::string event_body(const std::string& event_id, const ChangeEvent& event) {
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("id", event_id);
    body.set("type", event.prefix.empty() ? "addresses.changed" : "prefix.moved");
    body.set("time", utc(event.time, TimeStyle::Iso8601));
    body.set("account", event.account);
    body.set("domain", event.domain);
    body.set("protocol", event.protocol);
    if (!event.prefix.empty()) body.set("prefix", event.prefix);
    Poco::JSON::Array::Ptr changes = new Poco::JSON::Array;
    for (const AddressChange& change : event.changes) {
        Poco::JSON::Object::Ptr item = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("name", change.name);
        item->set("type", change.type);
        item->set("old", array_of(change.old_addresses));
        item->set("new", array_of(change.new_addresses));
        changes->add(item);
    }
    body.set("changes", changes);
    std::ostringstream out;
    body.stringify(out);
    return out.str();
}

std::string new_event_id() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

std::string queue_event(WebhookPort& store, const ChangeEvent& event, std::size_t max_pending) {
    if (event.changes.empty()) return "";
    const std::string id = new_event_id();
    try {
        const std::size_t queued = store.enqueue_webhook_event(event.account, event.domain, id, event_body(id, event),
                                                               ms_of(std::chrono::system_clock::now()), max_pending);
        if (queued == 0) return "";
        metrics::gateway_metrics().webhook_deliveries_queued.add(queued);
        return id;
    } catch (const std::exception& failure) {
        log::error("cannot queue webhook event " + id + " of " + event.domain + ": " + failure.what());
        return "";
    }
}

std::optional<std::int64_t> next_attempt_ms(const WebhookDelivery& delivery, std::int64_t now_ms,
                                            std::chrono::seconds first_retry, std::chrono::seconds give_up_after) {
    // `attempts` counts the tries before this one: the gap after try n is first_retry * 2^(n-1).
    const unsigned doublings = std::min(delivery.attempts, 20U);
    const auto gap = std::min<std::chrono::seconds>(first_retry * (1LL << doublings), kLongestRetryGap);
    const std::int64_t next = now_ms + std::chrono::duration_cast<std::chrono::milliseconds>(gap).count();
    if (next - delivery.created_ms > std::chrono::duration_cast<std::chrono::milliseconds>(give_up_after).count())
        return std::nullopt;
    return next;
}

} // namespace dyndns::core
