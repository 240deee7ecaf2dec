// A fixed set of threads that run complete requests; the routes block on DNS and argon2, the event loop never does.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
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
    void run();

    const std::size_t max_queued_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> queue_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

} // namespace dyndns::http
