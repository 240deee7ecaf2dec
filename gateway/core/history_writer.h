// Writes update-history rows off the request path: callers queue them, one thread writes them in batches.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

#include "core/ports/history_port.h"

namespace dyndns::core {

// A call's answer never waits for SQLite: its history row is queued and written with the
// others that queued meanwhile, in one transaction. Nothing queued is lost on a clean shutdown:
// the destructor writes what is left. A full queue (the disk far behind) blocks the producer
// rather than dropping rows or growing without bound.
class HistoryWriter {
public:
    // Rows waiting for the disk before producers wait: a few seconds of a busy gateway's calls.
    static constexpr std::size_t kDefaultMaxQueued = 10000;

    // `retention_days` > 0: rows older than that are deleted, once an hour (and at the first write).
    explicit HistoryWriter(HistoryPort& store, std::size_t max_queued = kDefaultMaxQueued, unsigned retention_days = 0);
    ~HistoryWriter(); // writes everything queued, then stops

    // Rows queued and not yet written.
    std::size_t depth();

    // A reload: the retention from the next prune on.
    void set_retention_days(unsigned days) { retention_days_.store(days); }
    HistoryWriter(const HistoryWriter&) = delete;
    HistoryWriter& operator=(const HistoryWriter&) = delete;

    void append(HistoryEntry entry);
    // Returns once everything queued before the call is in the store.
    void flush();

private:
    void run();

    HistoryPort& store_;
    std::size_t max_queued_;
    std::atomic<unsigned> retention_days_;
    std::chrono::steady_clock::time_point last_prune_{};
    std::mutex mutex_;
    std::condition_variable work_; // to the writer: rows queued, or stop
    std::condition_variable written_; // to producers: room in the queue, or a flush done
    std::vector<HistoryEntry> queue_;
    std::size_t queued_total_ = 0;
    std::size_t written_total_ = 0;
    bool stopping_ = false;
    std::size_t flushes_waiting_ = 0; // a flush() wants the queue written now
    std::thread thread_;
};

} // namespace dyndns::core
