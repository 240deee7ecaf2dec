// Group commit: concurrent changes to one zone travel together in one UPDATE message, each caller gets its own outcome.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "dns/dns_outcome.h"
#include "dns/zone_update.h"

namespace dyndns::core {

// BIND applies one zone's updates one message at a time and syncs its journal for each, so its
// rate is messages per second, not changes. A change arriving while its zone has a message in
// flight waits and goes out with the others that arrived meanwhile, in the next message. An
// idle zone sends at once: no timer, no added wait.
//
// Within a message there is one change per RRset (name and type): the latest wins, the earlier
// callers are answered with its outcome, so per-name order is kept. If the primary rejects a
// message of several changes, each is retried alone, so one bad change never fails the others
// (not for SERVFAIL: the primary could not process the message at all, and would not the parts).
//
// Each change carries its caller's deadline. A message goes out with the earliest deadline of
// the changes in it; a change whose deadline passes while it waits in the queue is taken out and
// answered "not sent" (Unavailable), so no caller waits much beyond its own deadline.
class ZoneCommitter {
public:
    using Send = std::function<dns::DnsOutcome(const dns::ZoneUpdate&, dns::Deadline)>;

    // `send` carries one message to the primary (Rfc2136Client::apply); it is called without any
    // lock held, at most once at a time per zone.
    ZoneCommitter(Send send, std::size_t max_batch) : send_(std::move(send)), max_batch_(max_batch ? max_batch : 1) {}

    // Blocks until the message carrying `change` is answered or `deadline` passes before it is
    // sent; thread-safe.
    dns::DnsOutcome apply(const std::string& zone, const dns::RRsetChange& change, dns::Deadline deadline = dns::Deadline::max());

    struct ZoneChange {
        std::string zone;
        dns::RRsetChange change;
    };
    // One caller's several changes, queued together before any is sent, so that those to one
    // zone share a message; blocks until each is answered or not sent by `deadline`. The
    // outcomes are in the order of `changes`.
    std::vector<dns::DnsOutcome> apply_all(const std::vector<ZoneChange>& changes, dns::Deadline deadline = dns::Deadline::max());

    struct Counters {
        std::size_t messages = 0; // UPDATE messages sent, retries included
        std::size_t changes = 0; // changes handed in
    };
    Counters counters() const;

private:
    struct Pending {
        std::string zone;
        dns::RRsetChange change;
        dns::Deadline deadline;
        // Queued: in the zone's queue. Lead: to take the next batch. Sending: in a batch being sent.
        enum class State { Queued, Lead, Sending, Done } state = State::Queued;
        dns::DnsOutcome outcome;
        // The caller's own: answering a batch wakes only its callers. Notified with the lock held,
        // so the caller, which returns only after seeing Done under the lock, outlives it.
        std::condition_variable* wake = nullptr;
    };
    struct Zone {
        std::deque<std::shared_ptr<Pending>> queue;
        bool in_flight = false; // invariant: false only when the queue is empty
    };

    void commit(const std::string& zone, std::vector<std::shared_ptr<Pending>>& batch);
    // Sends the next batch of `zone`, whose lead the caller holds; `lock` is released meanwhile.
    void lead(std::unique_lock<std::mutex>& lock, const std::string& zone);

    Send send_;
    std::size_t max_batch_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Zone> zones_;
    Counters counters_;
};

} // namespace dyndns::core
