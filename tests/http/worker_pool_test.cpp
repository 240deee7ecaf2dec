// The worker pool: every queued job runs, a light load keeps to the thread that ran last, the queue is bounded, and stop drops what has not started.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "http/worker_pool.h"

using namespace dyndns;
using namespace std::chrono_literals;

TEST_CASE("a light load runs on the worker that ran last instead of going round every thread") {
    http::WorkerPool pool(8, 16, "pool-test-");
    std::mutex mutex;
    std::condition_variable done;
    std::set<std::thread::id> threads;
    int finished = 0;
    for (int i = 0; i < 20; ++i) {
        REQUIRE(pool.try_submit([&] {
            std::lock_guard lock(mutex);
            threads.insert(std::this_thread::get_id());
            ++finished;
            done.notify_all();
        }));
        std::unique_lock lock(mutex);
        REQUIRE(done.wait_for(lock, 5s, [&] { return finished == i + 1; }));
        lock.unlock();
        std::this_thread::sleep_for(5ms); // the worker is waiting again, on top
    }
    // Woken in turn, 20 jobs would have visited all 8 threads.
    CHECK(threads.size() <= 2);
}

TEST_CASE("many jobs at once all run, the queue is bounded, and stop drops what has not started") {
    std::atomic<int> ran{0};
    {
        http::WorkerPool pool(4, 1000);
        for (int i = 0; i < 1000; ++i) REQUIRE(pool.try_submit([&] { ++ran; }));
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (ran < 1000 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
        CHECK(ran == 1000);
    }

    http::WorkerPool pool(1, 2);
    std::mutex gate;
    std::unique_lock held(gate);
    std::atomic<bool> started{false};
    REQUIRE(pool.try_submit([&] {
        started = true;
        std::lock_guard wait_for_the_gate(gate);
    }));
    while (!started) std::this_thread::sleep_for(1ms);
    std::atomic<int> later{0};
    CHECK(pool.try_submit([&] { ++later; }));
    CHECK(pool.try_submit([&] { ++later; }));
    CHECK_FALSE(pool.try_submit([&] { ++later; })); // two wait already
    std::thread stopper([&] { pool.stop(); });
    std::this_thread::sleep_for(200ms); // stop has begun: it waits for the running job
    held.unlock(); // which finishes; the queued two are dropped
    stopper.join();
    CHECK(later == 0);
    CHECK_FALSE(pool.try_submit([] {}));
}
