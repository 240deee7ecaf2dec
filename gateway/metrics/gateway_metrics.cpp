// Names follow Prometheus' conventions (base units, _total counters, a dyndns_ prefix) so promtool finds nothing to say.
#include "metrics/gateway_metrics.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace dyndns::metrics {
namespace {

// Fields 14 and 15 (utime, stime, in clock ticks) and 24 (rss, in pages) of /proc/self/stat.
std::vector<std::string> self_stat() {
    std::ifstream in("/proc/self/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The command name (field 2) may hold spaces; the fields after it start past its ')'.
    const auto close = text.rfind(')');
    std::istringstream rest(close == std::string::npos ? "" : text.substr(close + 2));
    std::vector<std::string> fields{"", ""};
    for (std::string field; rest >> field;) fields.push_back(field);
    return fields;
}

double field(const std::vector<std::string>& fields, std::size_t one_based) {
    return fields.size() > one_based - 1 ? std::stod(fields[one_based - 1]) : 0;
}

} // namespace

GatewayMetrics::GatewayMetrics(Registry& r)
    : registry(r),
      calls(r.counter("dyndns_calls_total", "Calls that reached the update core, by protocol, method and outcome.",
                      {"protocol", "method", "outcome"})),
      call_seconds(
          r.histogram("dyndns_call_duration_seconds", "Time the update core took for a call.", duration_buckets(), {"protocol"})),
      update_messages(r.counter("dyndns_dns_update_messages_total", "RFC 2136 UPDATE messages sent to a primary.").with({})),
      update_changes(r.counter("dyndns_dns_update_changes_total", "RRset changes carried by those messages.").with({})),
      batch_size(r.histogram("dyndns_dns_update_batch_changes", "Changes carried by one UPDATE message.",
                             {1, 2, 4, 8, 16, 32, 64, 128, 256})
                     .with({})),
      dns_reads(r.counter("dyndns_dns_reads_total", "Signed reads sent to a primary.").with({})),
      zone_transfers(r.counter("dyndns_zone_transfers_total",
                               "Transfers of followed zones, by kind: full, incremental, up_to_date, serial_mismatch, failed.",
                               {"kind"})),
      notifies(r.counter("dyndns_notifies_total",
                         "NOTIFY messages received, by result: accepted, replayed (a signed one seen before, answered, not acted "
                         "on), unverified, malformed.",
                         {"result"})),
      dns_failures(r.counter("dyndns_dns_failures_total", "DNS exchanges that failed, by kind.", {"kind"})),
      rate_limited(r.counter("dyndns_rate_limited_total", "Calls and logins refused by a rate limit.").with({})),
      failed_logins(r.counter("dyndns_failed_logins_total", "Wrong account, password or token.").with({})),
      connections_open(r.gauge("dyndns_connections_open", "HTTP connections open now, both listeners.").with({})),
      connections_closed(r.counter("dyndns_connections_closed_total",
                                   "HTTP connections the gateway closed early, by reason (a cap or a deadline).", {"reason"})),
      http_requests(r.counter("dyndns_http_requests_total", "HTTP requests answered, by status class.", {"class"})),
      loop_answers(r.counter("dyndns_loop_answers_total",
                             "Calls the event loop tried to answer from memory: answered there, or handed to a worker because "
                             "something had to wait (a store read, argon2, DNS).",
                             {"outcome"})),
      webhook_deliveries_queued(r.counter("dyndns_webhook_deliveries_queued_total",
                                          "Webhook deliveries queued: one per webhook a change event goes to.")
                                    .with({})),
      webhook_attempts(r.counter("dyndns_webhook_attempts_total",
                                 "Webhook delivery attempts this gateway made, by result: delivered (a 2xx answer), retried "
                                 "(another attempt is due later), given_up (the last one failed).",
                                 {"result"})),
      webhook_attempt_seconds(r.histogram("dyndns_webhook_attempt_duration_seconds",
                                          "Time one webhook delivery attempt took, from resolving the target to its answer.",
                                          duration_buckets())
                                  .with({})) {}

GatewayMetrics& gateway_metrics() {
    static Registry registry;
    // Built in place (it holds atomics, which do not move); the process metrics registered once with it.
    static GatewayMetrics metrics(registry);
    static const bool process_metrics = [] {
        registry.gauge_callback("process_resident_memory_bytes", "Resident memory size in bytes.",
                                [] { return field(self_stat(), 24) * static_cast<double>(sysconf(_SC_PAGESIZE)); });
        registry.counter_callback("process_cpu_seconds_total", "User and system CPU time spent in seconds.", [] {
            const auto fields = self_stat();
            return (field(fields, 14) + field(fields, 15)) / static_cast<double>(sysconf(_SC_CLK_TCK));
        });
        return true;
    }();
    (void)process_metrics;
    return metrics;
}

} // namespace dyndns::metrics
