// The gateway's metrics, one process-wide set: what each part counts, named once here.
#pragma once

#include <string>

#include "metrics/recent_rate.h"
#include "metrics/registry.h"

namespace dyndns::metrics {

struct GatewayMetrics {
    explicit GatewayMetrics(Registry& registry);

    Registry& registry;
    // Calls that reached the core, by protocol (xmlrpc, soap, dyndns2, panel), method and outcome
    // (changed, unchanged, ok, or the fault's name in lower case).
    Family<Counter>& calls;
    Family<Histogram>& call_seconds; // by protocol
    Counter& update_messages; // RFC 2136 UPDATE messages sent
    Counter& update_changes; // changes they carried
    Histogram& batch_size; // changes per UPDATE message
    Counter& dns_reads; // signed reads from a primary
    Family<Counter>& zone_transfers; // by kind: full, incremental, up_to_date, serial_mismatch, failed
    Family<Counter>& notifies; // NOTIFY messages received, by result: accepted, unverified, malformed
    Family<Counter>& dns_failures; // by kind: timeout, unreachable, refused, servfail, bad_reply, local
    Counter& rate_limited; // calls refused by the call budget or the login throttle
    Counter& failed_logins; // wrong account, password or token
    Gauge& connections_open;
    Family<Counter>& connections_closed; // by reason
    Family<Counter>& http_requests; // by status class (2xx, 4xx…)
    // Requests the event loop answered itself, from memory, and those it began and handed to a worker.
    Family<Counter>& loop_answers; // by outcome: answered, handed_on
    // Webhooks (docs/webhooks.md): deliveries queued (one per webhook an event goes to), and the
    // attempts this gateway made, by result (delivered, retried, given_up), with their duration.
    // The queue's backlog is the store's, read at each scrape (app/health_gauges).
    Counter& webhook_deliveries_queued;
    Family<Counter>& webhook_attempts;
    Histogram& webhook_attempt_seconds;
    // For the operator's status page (not exported: a rate is Prometheus's to compute).
    RecentRate calls_recent; // calls that reached the core
    RecentRate changes_recent; // of those, the ones that changed the DNS
};

// The gateway's one set, registered on first use with the process and build metrics.
GatewayMetrics& gateway_metrics();

} // namespace dyndns::metrics
