// One writer thread: take the queue and the runs counted under the lock, write them in one transaction without it.
#include "core/history_writer.h"

#include <algorithm>

#include "log/log.h"
#include "vocabulary/history_outcome.h"
#include "vocabulary/no_wait.h"
#include "vocabulary/thread_name.h"

namespace dyndns::core {
namespace {

constexpr auto kGather = std::chrono::milliseconds(50);
constexpr std::size_t kBatchRows = 256;

} // namespace

HistoryWriter::HistoryWriter(HistoryPort& store, std::size_t max_queued, unsigned retention_days)
    : store_(store), max_queued_(max_queued ? max_queued : 1), retention_days_(retention_days), thread_([this] {
          name_this_thread("history");
          run();
      }) {}

std::size_t HistoryWriter::depth() {
    std::lock_guard lock(mutex_);
    return queued_total_ - written_total_ + runs_.size();
}

HistoryWriter::~HistoryWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_.notify_all();
    thread_.join();
}

void HistoryWriter::queue_row(std::unique_lock<std::mutex>& lock, HistoryEntry entry) {
    if (queue_.size() >= max_queued_) may_wait(); // the disk is far behind: only a worker may wait for room
    written_.wait(lock, [&] { return queue_.size() < max_queued_ || stopping_; });
    queue_.push_back(std::move(entry));
    ++queued_total_;
    if (queue_.size() == 1) work_.notify_one(); // the writer sleeps only on nothing to do
}

void HistoryWriter::end_run(const RunKey& key) {
    const auto counted = runs_.find(key);
    if (counted == runs_.end()) return;
    // May exceed max_queued_ by the runs ended here: they were bounded as runs.
    queue_.push_back(std::move(counted->second));
    ++queued_total_;
    runs_.erase(counted);
}

void HistoryWriter::wait_written(std::unique_lock<std::mutex>& lock, std::size_t target) {
    wanted_written_ = std::max(wanted_written_, target);
    work_.notify_one();
    written_.wait(lock, [&] { return written_total_ >= target; });
}

void HistoryWriter::append(HistoryEntry entry) {
    std::unique_lock lock(mutex_);
    RunKey key{entry.name, entry.type};
    if (entry.outcome == outcome_name(HistoryOutcome::Unchanged)) {
        entry.last_time = std::max(entry.time, entry.last_time);
        for (;;) {
            const auto counted = runs_.find(key);
            if (counted != runs_.end() && continues_run(counted->second, entry)) {
                HistoryEntry& held = counted->second;
                held.calls += entry.calls;
                held.last_time = std::max(held.last_time, entry.last_time);
                held.caller_address = std::move(entry.caller_address);
                held.protocol = std::move(entry.protocol);
                held.user_agent = std::move(entry.user_agent);
                return;
            }
            if (counted != runs_.end() || runs_.size() < max_queued_ || stopping_) break;
            may_wait(); // as many runs counted as rows may queue: the disk is far behind
            written_.wait(lock, [&] { return runs_.size() < max_queued_ || stopping_; });
        }
        end_run(key); // another address: the run before it is a row of its own
        if (runs_.empty()) {
            first_run_ = std::chrono::steady_clock::now();
            work_.notify_one();
        }
        runs_.emplace(std::move(key), std::move(entry));
        return;
    }
    end_run(key); // the calls before this one come first in the history
    const bool durable =
        entry.outcome == outcome_name(HistoryOutcome::Changed) || entry.outcome == outcome_name(HistoryOutcome::Unknown);
    queue_row(lock, std::move(entry));
    if (durable) wait_written(lock, queued_total_);
}

void HistoryWriter::flush() {
    std::unique_lock lock(mutex_);
    while (!runs_.empty()) end_run(runs_.begin()->first);
    wait_written(lock, queued_total_);
}

void HistoryWriter::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        work_.wait(lock, [&] { return !queue_.empty() || !runs_.empty() || stopping_; });
        if (queue_.empty() && runs_.empty() && stopping_) return;
        // Gather for a moment: under load one transaction then carries hundreds of rows instead
        // of a few, and the writer wakes a few times a second instead of once per call. Counted
        // runs wait longer: each further call of theirs costs nothing.
        const auto deadline = queue_.empty() ? first_run_ + kFoldTime : std::chrono::steady_clock::now() + kGather;
        work_.wait_until(lock, deadline,
                         [&] { return stopping_ || wanted_written_ > written_total_ || queue_.size() >= kBatchRows; });
        std::vector<HistoryEntry> batch;
        batch.swap(queue_);
        // The runs go when their time is up (none waits more than kFoldTime plus one write), not
        // with every change: each further call of theirs meanwhile is counted for nothing.
        // At most kBatchRows of them a transaction: a change waiting for its row waits for one
        // such write, not for thousands of runs; the rest go in the next turns, at once.
        if (stopping_ || (!runs_.empty() && std::chrono::steady_clock::now() >= first_run_ + kFoldTime)) {
            while (!runs_.empty() && batch.size() < kBatchRows) {
                batch.push_back(std::move(runs_.begin()->second));
                runs_.erase(runs_.begin());
            }
        }
        const std::size_t ends_queue = queued_total_; // the rows the callers count; the runs were never queued
        lock.unlock();
        try {
            store_.append_history(batch);
            const auto now = std::chrono::steady_clock::now();
            if (const unsigned retention_days = retention_days_.load();
                retention_days > 0 &&
                (last_prune_ == std::chrono::steady_clock::time_point{} || now - last_prune_ > std::chrono::hours(1))) {
                last_prune_ = now;
                store_.prune_history(std::chrono::system_clock::now() - std::chrono::hours(24) * retention_days);
            }
        } catch (const std::exception& e) {
            // The DNS already holds what the callers were told; a lost row must not stop the gateway.
            log::error("cannot record " + std::to_string(batch.size()) + " history rows: " + e.what());
        }
        lock.lock();
        written_total_ = ends_queue;
        written_.notify_all();
    }
}

} // namespace dyndns::core
