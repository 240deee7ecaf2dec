// Change events for webhooks (docs/webhooks.md "The event"): built once per change, queued in the store for every webhook that covers it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/ports/webhook_port.h"

namespace dyndns::core {

// One RRset a call changed at the primary.
struct AddressChange {
    std::string name;
    std::string type; // "A" or "AAAA"
    std::vector<std::string> old_addresses; // what the primary held before
    std::vector<std::string> new_addresses; // what it holds now; empty: removed
};

// What happened, as the event tells it.
struct ChangeEvent {
    std::string account;
    std::string domain; // the customer's domain the names belong to
    std::string protocol; // "xmlrpc", "soap", "dyndns2", "api", "panel"
    std::string prefix; // the router prefix that moved the names; empty for an address call
    std::vector<AddressChange> changes;
    std::chrono::system_clock::time_point time{};
};

// The event's JSON (Poco::JSON), with `event_id`; the bytes that are signed and sent.
std::string event_body(const std::string& event_id, const ChangeEvent& event);

// A new event id: a random UUID (receivers deduplicate by it).
std::string new_event_id();

// Queues `event` for the account's webhooks that cover its domain, synchronously: once a call
// has been answered its event is in the store and survives a restart or a crash. A store
// failure is logged and the event lost; it never fails the call whose change is already made.
// Returns the event id, or "" when nothing was queued.
std::string queue_event(WebhookPort& store, const ChangeEvent& event, std::size_t max_pending);

// When a delivery that failed its `attempts`-th attempt is tried again: `first_retry`, doubled
// each time, at most an hour apart. Failed for good (nothing) once the next try would come more
// than `give_up_after` after the event was made.
std::optional<std::int64_t> next_attempt_ms(const WebhookDelivery& delivery, std::int64_t now_ms,
                                            std::chrono::seconds first_retry,
                                            std::chrono::seconds give_up_after = std::chrono::hours(24));

} // namespace dyndns::core
