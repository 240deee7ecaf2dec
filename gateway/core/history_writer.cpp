// One writer thread: swap the queue out under the lock, write it in one transaction without the lock.
#include "core/history_writer.h"
#include "log/log.h"
#include "vocabulary/no_wait.h"
#include "vocabulary/thread_name.h"

namespace dyndns::core {
namespace {

constexpr auto kGather = std::chrono::milliseconds(50);
constexpr std::size_t kBatchRows = 512;

} // namespace

HistoryWriter::HistoryWriter(HistoryPort& store, std::size_t max_queued, unsigned retention_days)
    : store_(store), max_queued_(max_queued ? max_queued : 1), retention_days_(retention_days), thread_([this] {
          name_this_thread("history");
          run();
      }) {}

std::size_t HistoryWriter::depth() {
    std::lock_guard lock(mutex_);
    return queued_total_ - written_total_;
}

HistoryWriter::~HistoryWriter() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_.notify_all();
    thread_.join();
}

void HistoryWriter::append(HistoryEntry entry) {
    std::unique_lock lock(mutex_);
    if (queue_.size() >= max_queued_) may_wait(); // the disk is far behind: only a worker may wait for room
    written_.wait(lock, [&] { return queue_.size() < max_queued_ || stopping_; });
    queue_.push_back(std::move(entry));
    ++queued_total_;
    if (queue_.size() == 1) work_.notify_one(); // the writer sleeps only on an empty queue
}

void HistoryWriter::flush() {
    std::unique_lock lock(mutex_);
    const std::size_t target = queued_total_;
    ++flushes_waiting_;
    work_.notify_one();
    written_.wait(lock, [&] { return written_total_ >= target; });
    --flushes_waiting_;
}

void HistoryWriter::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        work_.wait(lock, [&] { return !queue_.empty() || stopping_; });
        if (queue_.empty() && stopping_) return;
        // Gather for a moment: under load one transaction then carries hundreds of rows instead
        // of a few, and the writer wakes a few times a second instead of once per call.
        work_.wait_for(lock, kGather, [&] { return stopping_ || flushes_waiting_ > 0 || queue_.size() >= kBatchRows; });
        std::vector<HistoryEntry> batch;
        batch.swap(queue_);
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
        written_total_ += batch.size();
        written_.notify_all();
    }
}

} // namespace dyndns::core
