// A fixed set of threads that run complete requests; the routes block on DNS and argon2, the event loop never does.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

namespace dyndns::http {

class WorkerPool {
public:
    // Its threads are named `name` + their number ("worker-0").
    WorkerPool(unsigned threads, std::size_t max_queued, const std::string& name = "worker-");
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Queues `job`, or returns false when max_queued jobs already wait (the caller answers 503).
    bool try_submit(std::function<void()> job);

    // Drops what is queued and not started, lets running jobs finish, joins every thread. Idempotent.
    void stop();

private:
    // A worker waiting for a job: it sleeps on its own condition until a submit picks it.
    struct Idle {
        std::condition_variable wake;
        bool picked = false;
    };

    void run(Idle& me);

    const std::size_t max_queued_;
    std::mutex mutex_;
    std::deque<std::function<void()>> queue_;
    // Waiting workers, the last to wait on top: a job wakes the one that ran most recently, so a
    // light load keeps to a few threads whose caches are warm instead of cycling through all of
    // them (README "Throughput": W2 with 6 workers instead of 40 woken in turn).
    std::vector<Idle*> idle_;
    std::vector<std::unique_ptr<Idle>> waits_; // one per thread, kept until the pool goes: a late notify finds it
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

} // namespace dyndns::http
