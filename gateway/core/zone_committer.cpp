// The leader of a zone sends one batch, answers its callers, hands the lead to the oldest waiter; no lock across the network.
#include "core/zone_committer.h"

#include <map>
#include <stdexcept>
#include <utility>

namespace dyndns::core {

dns::DnsOutcome ZoneCommitter::apply(const std::string& zone, const dns::RRsetChange& change) {
    auto mine = std::make_shared<Pending>();
    mine->change = change;
    std::unique_lock lock(mutex_);
    ++counters_.changes;
    Zone& z = zones_[zone];
    z.queue.push_back(mine);
    if (!z.in_flight) {
        z.in_flight = true;
        mine->state = Pending::State::Lead;
    }
    for (;;) {
        mine->wake.wait(lock, [&] { return mine->state != Pending::State::Waiting; });
        if (mine->state == Pending::State::Done) return mine->outcome;

        // Leading: take what has queued up, send it without the lock, answer, pass the lead on.
        Zone& current = zones_[zone];
        std::vector<std::shared_ptr<Pending>> batch;
        while (!current.queue.empty() && batch.size() < max_batch_) {
            batch.push_back(std::move(current.queue.front()));
            current.queue.pop_front();
        }
        mine->state = Pending::State::Waiting; // Done below if this caller's change was in the batch
        lock.unlock();
        try {
            commit(zone, batch);
        } catch (...) {
            // Whatever went wrong, every caller of the batch is answered and the zone freed below.
            for (auto& pending : batch)
                pending->outcome = dns::DnsOutcome{dns::DnsOutcome::Kind::Rejected, dns::kRcodeServFail, 0,
                                                   "the gateway could not send the update (internal error)"};
        }
        lock.lock();
        for (auto& pending : batch) {
            pending->state = Pending::State::Done;
            pending->wake.notify_one();
        }
        Zone& after = zones_[zone];
        if (after.queue.empty()) {
            after.in_flight = false;
            zones_.erase(zone); // an idle zone costs nothing
        } else {
            after.queue.front()->state = Pending::State::Lead;
            after.queue.front()->wake.notify_one();
        }
    }
}

namespace {

// Whatever `send` throws (a change that cannot be encoded, memory) becomes that message's outcome:
// an exception must never leave the batch's callers waiting or the zone marked in flight.
dns::DnsOutcome send_safely(const ZoneCommitter::Send& send, const dns::ZoneUpdate& update) {
    try {
        return send(update);
    } catch (const std::exception& e) {
        return dns::DnsOutcome{dns::DnsOutcome::Kind::Rejected, dns::kRcodeFormErr, 0,
                               std::string("the update could not be sent: ") + e.what()};
    } catch (...) {
        return dns::DnsOutcome{dns::DnsOutcome::Kind::Rejected, dns::kRcodeServFail, 0, "the update could not be sent"};
    }
}

} // namespace

void ZoneCommitter::commit(const std::string& zone, std::vector<std::shared_ptr<Pending>>& batch) {
    // One change per RRset: the last one queued for a name and type is what gets sent.
    std::map<std::pair<std::string, dns::RRType>, std::size_t> latest;
    for (std::size_t i = 0; i < batch.size(); ++i) latest[{batch[i]->change.name, batch[i]->change.type}] = i;
    std::vector<std::size_t> sent; // indexes into batch, in queue order
    for (std::size_t i = 0; i < batch.size(); ++i)
        if (latest[{batch[i]->change.name, batch[i]->change.type}] == i) sent.push_back(i);

    dns::ZoneUpdate update{zone, {}};
    for (std::size_t i : sent) update.changes.push_back(batch[i]->change);
    std::size_t messages = 1;
    dns::DnsOutcome together = send_safely(send_, update);
    std::vector<dns::DnsOutcome> outcomes(batch.size(), together);
    // A rejected message of several changes: each alone, so only the bad one fails. An
    // unavailable primary is unavailable for all of them; retrying one by one would only wait longer.
    if (together.kind == dns::DnsOutcome::Kind::Rejected && sent.size() > 1) {
        for (std::size_t i : sent) {
            outcomes[i] = send_safely(send_, dns::ZoneUpdate{zone, {batch[i]->change}});
            ++messages;
        }
    }
    for (std::size_t i = 0; i < batch.size(); ++i)
        batch[i]->outcome = outcomes[latest[{batch[i]->change.name, batch[i]->change.type}]];
    std::lock_guard lock(mutex_);
    counters_.messages += messages;
}

ZoneCommitter::Counters ZoneCommitter::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

} // namespace dyndns::core
