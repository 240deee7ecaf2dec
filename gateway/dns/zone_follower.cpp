// The follower's queue: one transfer per zone at a time, NOTIFYs and refreshes coalesced, failures retried with backoff.
#include "dns/zone_follower.h"

#include <algorithm>
#include <random>

#include "log/log.h"
#include "metrics/gateway_metrics.h"
#include "vocabulary/thread_name.h"

namespace dyndns::dns {
namespace {

using Clock = std::chrono::steady_clock;

// After a failed transfer: 1 s, 2 s, 4 s … up to the refresh interval.
std::chrono::seconds backoff(unsigned failures, std::chrono::seconds refresh) {
    const auto wait = std::chrono::seconds(std::int64_t{1} << std::min(failures, 16U));
    return std::min<std::chrono::seconds>(wait, refresh);
}

// The next routine check: within the last quarter before `refresh`, so that zones transferred
// together at start-up do not all come due in the same second ever after.
Clock::time_point next_refresh(std::chrono::seconds refresh) {
    thread_local std::minstd_rand random{std::random_device{}()};
    const auto spread = std::chrono::duration_cast<Clock::duration>(refresh) / 4;
    std::uniform_int_distribution<Clock::rep> pick(0, spread.count());
    return Clock::now() + refresh - Clock::duration(pick(random));
}

} // namespace

const std::vector<RRType>& ZoneFollower::kept_types() {
    static const std::vector<RRType> types{RRType::A, RRType::AAAA, RRType::TXT};
    return types;
}

ZoneFollower::ZoneFollower(Primaries primaries, FollowSettings settings)
    : primaries_(primaries),
      settings_(std::move(settings)),
      notify_(settings_.notify_listen, std::move(primaries),
              [this](const std::string& zone, std::optional<std::uint32_t> serial) { notified(zone, serial); }) {
    if (settings_.transfer_threads == 0) settings_.transfer_threads = 1;
}

ZoneFollower::~ZoneFollower() { stop(); }

void ZoneFollower::start() {
    notify_.start();
    for (unsigned i = 0; i < settings_.transfer_threads; ++i)
        threads_.emplace_back([this, i] {
            core::name_this_thread("follower-" + std::to_string(i));
            transfer_loop();
        });
    threads_.emplace_back([this] {
        core::name_this_thread("follower");
        refresh_loop();
    });
}

void ZoneFollower::stop() {
    notify_.stop();
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_.notify_all();
    stopped_.notify_all();
    for (auto& thread : threads_)
        if (thread.joinable()) thread.join();
    threads_.clear();
}

void ZoneFollower::enqueue_locked(const std::string& zone, Schedule& schedule) {
    if (schedule.in_flight) {
        schedule.again = true;
        return;
    }
    if (schedule.queued || schedule.delayed || schedule.given_up) return;
    const auto due = schedule.last_start + settings_.min_transfer_interval;
    if (Clock::now() < due) {
        schedule.delayed = true;
        delayed_.emplace(due, zone);
        stopped_.notify_all(); // the timer loop may be sleeping longer than this
        return;
    }
    schedule.queued = true;
    queue_.push_back(zone);
    work_.notify_one();
}

void ZoneFollower::follow(const std::string& zone) {
    if (mirror_.knows(zone)) return;
    if (!mirror_.add(zone)) return;
    std::lock_guard lock(mutex_);
    enqueue_locked(zone, schedules_[zone]);
}

void ZoneFollower::confirmed(const std::string& zone, const RRsetChange& change) {
    mirror_.confirmed(zone, change);
    std::lock_guard lock(mutex_);
    const auto found = schedules_.find(zone);
    if (found != schedules_.end()) enqueue_locked(zone, found->second);
}

void ZoneFollower::unsure(const std::string& zone) {
    mirror_.unsure(zone);
    std::lock_guard lock(mutex_);
    const auto found = schedules_.find(zone);
    if (found != schedules_.end()) enqueue_locked(zone, found->second);
}

void ZoneFollower::notified(const std::string& zone, std::optional<std::uint32_t> serial) {
    // The mirror already holds that serial (the NOTIFY of a change it has transferred): nothing to do.
    if (serial && mirror_.serial(zone) == serial) return;
    std::lock_guard lock(mutex_);
    const auto found = schedules_.find(zone);
    if (found == schedules_.end()) return; // not a zone the gateway follows
    enqueue_locked(zone, found->second);
}

void ZoneFollower::transfer_loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
        work_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        const std::string zone = std::move(queue_.front());
        queue_.pop_front();
        Schedule& schedule = schedules_[zone];
        schedule.queued = false;
        schedule.in_flight = true;
        schedule.last_start = Clock::now();
        lock.unlock();
        bool again = false;
        try {
            again = refresh(zone);
        } catch (const std::exception& e) {
            log::warning("following zone " + zone + ": " + e.what());
            mirror_.out_of_step(zone);
            std::lock_guard failed(mutex_);
            Schedule& schedule_now = schedules_[zone];
            schedule_now.next_check = Clock::now() + backoff(++schedule_now.failures, settings_.refresh);
        }
        lock.lock();
        Schedule& after = schedules_[zone];
        after.in_flight = false;
        if (after.again || again) {
            after.again = false;
            enqueue_locked(zone, after);
        }
    }
}

bool ZoneFollower::refresh(const std::string& zone) {
    auto& metrics = metrics::gateway_metrics();
    const Rfc2136Client& primary = primaries_.for_name(zone);
    for (int pass = 0; pass < 2; ++pass) {
        const std::optional<std::uint32_t> since = mirror_.serial(zone);
        const std::uint64_t mark = mirror_.begin_transfer(zone);
        const TransferResult result = primary.transfer(zone, since, kept_types(), settings_.max_zone_records);
        std::unique_lock lock(mutex_);
        Schedule& schedule = schedules_[zone];
        if (result.too_large) {
            // Retrying would read the same million records again every refresh: stop following.
            metrics.zone_transfers.with({"failed"}).add();
            schedule.given_up = true;
            schedule.next_check = {};
            lock.unlock();
            log::warning("not following zone " + zone +
                         " (its names are read from the primary per call): " + result.outcome.message);
            mirror_.out_of_step(zone);
            return false;
        }
        if (!result.outcome.ok()) {
            metrics.zone_transfers.with({"failed"}).add();
            // The first failure of a run is worth the operator's attention; the retries are not.
            if (schedule.failures++ == 0)
                log::warning("cannot follow zone " + zone +
                             " (its names are read from the primary per call): " + result.outcome.message);
            schedule.next_check = Clock::now() + backoff(schedule.failures, settings_.refresh);
            lock.unlock();
            mirror_.out_of_step(zone);
            // An IXFR that could not be read (differences that do not chain, say) is not asked
            // again from the same serial: the next transfer is a full one.
            if (since && result.outcome.kind == DnsOutcome::Kind::BadReply) mirror_.unsure(zone);
            return false;
        }
        if (schedule.failures != 0) log::notice("following zone " + zone + " again");
        schedule.failures = 0;
        schedule.next_check = next_refresh(settings_.refresh);
        lock.unlock();
        // An IXFR answered "up to date" with another serial than ours: the zone went back (a
        // restore, a re-created zone). Only a full transfer says what it holds now.
        if (result.kind == TransferResult::Kind::UpToDate && since && result.serial != *since) {
            metrics.zone_transfers.with({"serial_mismatch"}).add();
            mirror_.unsure(zone);
            continue;
        }
        metrics.zone_transfers
            .with({result.kind == TransferResult::Kind::UpToDate      ? "up_to_date"
                   : result.kind == TransferResult::Kind::Incremental ? "incremental"
                                                                      : "full"})
            .add();
        return mirror_.apply(zone, mark, result);
    }
    return true;
}

void ZoneFollower::refresh_loop() {
    std::unique_lock lock(mutex_);
    auto next_scan = Clock::now() + std::chrono::seconds(1);
    while (!stopping_) {
        const auto wake = delayed_.empty() ? next_scan : std::min(next_scan, delayed_.begin()->first);
        stopped_.wait_until(lock, wake);
        if (stopping_) return;
        const auto now = Clock::now();
        while (!delayed_.empty() && delayed_.begin()->first <= now) {
            const std::string zone = std::move(delayed_.begin()->second);
            delayed_.erase(delayed_.begin());
            Schedule& schedule = schedules_[zone];
            schedule.delayed = false;
            enqueue_locked(zone, schedule);
        }
        if (now < next_scan) continue;
        next_scan = now + std::chrono::seconds(1);
        for (auto& [zone, schedule] : schedules_)
            if (schedule.next_check != Clock::time_point{} && schedule.next_check <= now) {
                schedule.next_check = next_refresh(settings_.refresh); // moved on again when the transfer ends
                enqueue_locked(zone, schedule);
            }
    }
}

} // namespace dyndns::dns
