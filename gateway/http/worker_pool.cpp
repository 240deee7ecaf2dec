// A plain queue under one mutex: jobs last milliseconds (DNS, argon2), so the lock is never the bottleneck.
#include "http/worker_pool.h"

#include "vocabulary/thread_name.h"

namespace dyndns::http {

WorkerPool::WorkerPool(unsigned threads, std::size_t max_queued, const std::string& name) : max_queued_(max_queued) {
    threads_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i)
        threads_.emplace_back([this, thread_name = name + std::to_string(i)] {
            core::name_this_thread(thread_name);
            run();
        });
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::try_submit(std::function<void()> job) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || queue_.size() >= max_queued_) return false;
        queue_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

void WorkerPool::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        // Requests whose connections are gone by now (the loop stopped first): nobody would hear
        // their answers, so the DNS changes they would make are not made.
        queue_.clear();
    }
    wake_.notify_all();
    for (auto& thread : threads_)
        if (thread.joinable()) thread.join();
}

void WorkerPool::run() {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return; // stopping, and nothing left to run
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        job(); // jobs do not throw: the router answers 500 for whatever a handler throws
    }
}

} // namespace dyndns::http
