// A queue under one mutex, its idle workers woken last-in first-out: jobs last from microseconds (answers from memory) to milliseconds (DNS, argon2).
#include "http/worker_pool.h"

#include "vocabulary/thread_name.h"

namespace dyndns::http {

WorkerPool::WorkerPool(unsigned threads, std::size_t max_queued, const std::string& name) : max_queued_(max_queued) {
    threads_.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) waits_.push_back(std::make_unique<Idle>());
    for (unsigned i = 0; i < threads; ++i)
        threads_.emplace_back([this, &me = *waits_[i], thread_name = name + std::to_string(i)] {
            core::name_this_thread(thread_name);
            run(me);
        });
}

WorkerPool::~WorkerPool() { stop(); }

bool WorkerPool::try_submit(std::function<void()> job) {
    Idle* picked = nullptr;
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || queue_.size() >= max_queued_) return false;
        queue_.push_back(std::move(job));
        // A worker that finishes a job takes the next before it waits, so a job finds a thread
        // whether or not one is waiting now.
        if (!idle_.empty()) {
            picked = idle_.back();
            idle_.pop_back();
            picked->picked = true;
        }
    }
    if (picked) picked->wake.notify_one();
    return true;
}

void WorkerPool::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        // Requests whose connections are gone by now (the loop stopped first): nobody would hear
        // their answers, so the DNS changes they would make are not made.
        queue_.clear();
        for (Idle* waiting : idle_) {
            waiting->picked = true;
            waiting->wake.notify_one();
        }
        idle_.clear();
    }
    for (auto& thread : threads_)
        if (thread.joinable()) thread.join();
}

void WorkerPool::run(Idle& me) {
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(mutex_);
            while (!stopping_ && queue_.empty()) {
                me.picked = false;
                idle_.push_back(&me);
                me.wake.wait(lock, [&] { return me.picked; });
            }
            if (queue_.empty()) return; // stopping, and nothing left to run
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        job(); // jobs do not throw: the router answers 500 for whatever a handler throws
    }
}

} // namespace dyndns::http
