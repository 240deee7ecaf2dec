// The leader of a zone sends one batch, answers its callers, hands the lead to the oldest waiter; no lock across the network.
#include "core/zone_committer.h"
#include "vocabulary/no_wait.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <utility>

#include "metrics/gateway_metrics.h"

namespace dyndns::core {
namespace {

dns::DnsOutcome not_sent_in_time() {
    return dns::DnsOutcome{dns::DnsOutcome::Kind::Unavailable, 0, 0,
                           "the call's DNS deadline passed while the update waited for its zone's previous message"};
}

dns::DnsOutcome local_failure(const std::string& why) {
    return dns::DnsOutcome{dns::DnsOutcome::Kind::LocalFailure, 0, 0, "the gateway could not send the update: " + why};
}

} // namespace

dns::DnsOutcome ZoneCommitter::apply(const std::string& zone, const dns::RRsetChange& change, dns::Deadline deadline) {
    may_wait(); // an UPDATE and its answer
    return apply_all({{zone, change}}, deadline).front();
}

std::vector<dns::DnsOutcome> ZoneCommitter::apply_all(const std::vector<ZoneChange>& changes, dns::Deadline deadline) {
    may_wait();
    std::condition_variable wake;
    std::vector<std::shared_ptr<Pending>> mine;
    std::unique_lock lock(mutex_);
    for (const ZoneChange& change : changes) {
        auto pending = std::make_shared<Pending>();
        pending->zone = change.zone;
        pending->change = change.change;
        pending->deadline = deadline;
        pending->wake = &wake;
        ++counters_.changes;
        Zone& z = zones_[change.zone];
        z.queue.push_back(pending);
        if (!z.in_flight) {
            z.in_flight = true;
            pending->state = Pending::State::Lead;
        }
        mine.push_back(std::move(pending));
    }
    const auto in = [&](Pending::State state) {
        return std::find_if(mine.begin(), mine.end(), [&](const auto& p) { return p->state == state; });
    };
    for (;;) {
        // Every lead is taken before waiting: a caller that waited while holding one zone's lead
        // could be waiting on a caller that waits on that zone.
        if (const auto leading = in(Pending::State::Lead); leading != mine.end()) {
            lead(lock, (*leading)->zone);
            continue;
        }
        if (std::all_of(mine.begin(), mine.end(), [](const auto& p) { return p->state == Pending::State::Done; })) break;
        if (deadline == dns::Deadline::max() || in(Pending::State::Queued) == mine.end()) {
            wake.wait(lock); // a batch being sent ends by its earliest deadline, at most ours
            continue;
        }
        if (wake.wait_until(lock, deadline) == std::cv_status::timeout) {
            // Still queued at the deadline: nothing of them was sent, so they can leave.
            for (auto& pending : mine) {
                if (pending->state != Pending::State::Queued) continue;
                auto& queue = zones_[pending->zone].queue;
                queue.erase(std::find(queue.begin(), queue.end(), pending));
                pending->outcome = not_sent_in_time();
                pending->state = Pending::State::Done;
            }
        }
    }
    std::vector<dns::DnsOutcome> outcomes;
    outcomes.reserve(mine.size());
    for (const auto& pending : mine) outcomes.push_back(pending->outcome);
    return outcomes;
}

void ZoneCommitter::lead(std::unique_lock<std::mutex>& lock, const std::string& zone) {
    // Take what has queued up, send it without the lock, answer, pass the lead on.
    Zone& current = zones_[zone];
    std::vector<std::shared_ptr<Pending>> batch;
    while (!current.queue.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(current.queue.front()));
        current.queue.pop_front();
        batch.back()->state = Pending::State::Sending;
    }
    lock.unlock();
    try {
        commit(zone, batch);
    } catch (const std::exception& e) {
        // Whatever went wrong, every caller of the batch is answered and the zone freed below.
        for (auto& pending : batch) pending->outcome = local_failure(e.what());
    } catch (...) {
        for (auto& pending : batch) pending->outcome = local_failure("internal error");
    }
    lock.lock();
    for (auto& pending : batch) {
        pending->state = Pending::State::Done;
        pending->wake->notify_one();
    }
    Zone& after = zones_[zone];
    if (after.queue.empty()) {
        after.in_flight = false;
        zones_.erase(zone); // an idle zone costs nothing
    } else {
        after.queue.front()->state = Pending::State::Lead;
        after.queue.front()->wake->notify_one();
    }
}

namespace {

// Whatever `send` throws (a change that cannot be encoded, memory) becomes that message's outcome:
// an exception must never leave the batch's callers waiting or the zone marked in flight.
dns::DnsOutcome send_safely(const ZoneCommitter::Send& send, const dns::ZoneUpdate& update, dns::Deadline deadline) {
    try {
        return send(update, deadline);
    } catch (const std::exception& e) {
        return local_failure(e.what());
    } catch (...) {
        return local_failure("internal error");
    }
}

} // namespace

void ZoneCommitter::commit(const std::string& zone, std::vector<std::shared_ptr<Pending>>& batch) {
    // A change whose caller's deadline has passed is not sent: its caller is told nothing changed.
    const auto now = std::chrono::steady_clock::now();
    std::vector<bool> expired(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i) {
        expired[i] = batch[i]->deadline <= now;
        if (expired[i]) batch[i]->outcome = not_sent_in_time();
    }
    // One change per RRset: the last one queued for a name and type is what gets sent.
    std::map<std::pair<std::string, dns::RRType>, std::size_t> latest;
    for (std::size_t i = 0; i < batch.size(); ++i)
        if (!expired[i]) latest[{batch[i]->change.name, batch[i]->change.type}] = i;
    std::vector<std::size_t> sent; // indexes into batch, in queue order
    for (std::size_t i = 0; i < batch.size(); ++i)
        if (!expired[i] && latest[{batch[i]->change.name, batch[i]->change.type}] == i) sent.push_back(i);
    if (sent.empty()) return;

    dns::ZoneUpdate update{zone, {}};
    dns::Deadline earliest = dns::Deadline::max();
    for (std::size_t i : sent) {
        update.changes.push_back(batch[i]->change);
        earliest = std::min(earliest, batch[i]->deadline);
    }
    std::size_t messages = 1;
    auto& metrics = metrics::gateway_metrics();
    metrics.batch_size.observe(static_cast<double>(sent.size()));
    metrics.update_changes.add(sent.size());
    dns::DnsOutcome together = send_safely(send_, update, earliest);
    std::vector<dns::DnsOutcome> outcomes(batch.size(), together);
    // A rejected message of several changes: each alone, so only the bad one fails. An
    // unavailable or failing (SERVFAIL) primary fails all of them; one by one would only wait longer.
    // Nor one refused for its signature or the zone (TSIG errors, NOTAUTH): every part would be.
    const bool whole_message_refused = together.tsig_error != 0 || together.rcode == dns::kRcodeNotAuth;
    if (together.kind == dns::DnsOutcome::Kind::Rejected && !together.server_failure() && !whole_message_refused &&
        sent.size() > 1) {
        for (std::size_t i : sent) {
            outcomes[i] = send_safely(send_, dns::ZoneUpdate{zone, {batch[i]->change}}, batch[i]->deadline);
            ++messages;
        }
    }
    for (std::size_t i = 0; i < batch.size(); ++i)
        if (!expired[i]) batch[i]->outcome = outcomes[latest[{batch[i]->change.name, batch[i]->change.type}]];
    metrics.update_messages.add(messages);
    std::lock_guard lock(mutex_);
    counters_.messages += messages;
}

ZoneCommitter::Counters ZoneCommitter::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

} // namespace dyndns::core
