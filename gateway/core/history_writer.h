// Writes update-history rows off the request path: callers queue them, one thread writes them in batches.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/ports/history_port.h"

namespace dyndns::core {

// A call's answer never waits for the store, except a change's: its row is written before the
// call is answered, so no kill loses a change the DNS holds. Unchanged calls (most calls: clients
// poll) are not rows each: they are counted per name, type and address in memory and written
// as runs (HistoryEntry::calls) at least every kFoldSeconds, at flush() and at a clean stop; a
// kill loses at most that much of them. A full queue (the disk far behind) blocks the producer
// rather than dropping rows or growing without bound.
class HistoryWriter {
public:
    // Rows (and runs) waiting for the disk before producers wait: a few seconds of a busy gateway's calls.
    static constexpr std::size_t kDefaultMaxQueued = 10000;
    // How long unchanged calls are counted in memory before they are written.
    static constexpr std::chrono::milliseconds kFoldTime{500};

    // `retention_days` > 0: rows older than that are deleted, once an hour (and at the first write).
    explicit HistoryWriter(HistoryPort& store, std::size_t max_queued = kDefaultMaxQueued, unsigned retention_days = 0);
    ~HistoryWriter(); // writes everything queued and counted, then stops

    // Rows queued and runs counted, not yet written.
    std::size_t depth();

    // A reload: the retention from the next prune on.
    void set_retention_days(unsigned days) { retention_days_.store(days); }
    HistoryWriter(const HistoryWriter&) = delete;
    HistoryWriter& operator=(const HistoryWriter&) = delete;

    // An unchanged call is counted and returns at once; a change or an unknown outcome (the DNS
    // may hold it) returns once its row is in the store; any other row is queued.
    void append(HistoryEntry entry);
    // Returns once everything queued or counted before the call is in the store.
    void flush();

private:
    using RunKey = std::pair<std::string, std::string>; // name, type
    void run();
    void queue_row(std::unique_lock<std::mutex>& lock, HistoryEntry entry);
    void end_run(const RunKey& key); // its count goes into the queue, ahead of what follows
    void wait_written(std::unique_lock<std::mutex>& lock, std::size_t target);

    HistoryPort& store_;
    std::size_t max_queued_;
    std::atomic<unsigned> retention_days_;
    std::chrono::steady_clock::time_point last_prune_{};
    std::mutex mutex_;
    std::condition_variable work_; // to the writer: rows queued, a run counted, or stop
    std::condition_variable written_; // to producers: room in the queue, or rows written
    std::vector<HistoryEntry> queue_; // in call order
    std::map<RunKey, HistoryEntry> runs_; // unchanged calls counted, not yet queued
    std::chrono::steady_clock::time_point first_run_{}; // when the oldest counted run began
    std::size_t queued_total_ = 0; // rows and runs ever put in the queue
    std::size_t written_total_ = 0;
    bool stopping_ = false;
    // Callers (a change, a flush) want the rows up to this one written now. Not a count of waiters:
    // the writer would spin until each woken waiter took the lock to say it is gone.
    std::size_t wanted_written_ = 0;
    std::thread thread_;
};

} // namespace dyndns::core
