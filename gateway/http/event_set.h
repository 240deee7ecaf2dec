// The descriptors the loop waits on (epoll, level-triggered) and the wake-up other threads ring.
#pragma once

#include <cstdint>
#include <sys/epoll.h>

namespace dyndns::http {

// Each watched descriptor carries a tag the loop chooses; wait() reports tags. Used from the
// loop's thread only, except wake(), which any thread may call.
class EventSet {
public:
    static constexpr std::uint64_t kWakeTag = 0; // the wake-up's tag; the loop's own tags start above it

    EventSet(); // throws std::runtime_error when the kernel refuses an epoll or eventfd descriptor
    ~EventSet();
    EventSet(const EventSet&) = delete;
    EventSet& operator=(const EventSet&) = delete;

    // Readability of `fd` (a listener).
    void watch(int fd, std::uint64_t tag);
    // `fd`'s events go from `registered` to `wanted` (EPOLLIN, EPOLLOUT, or 0: not watched).
    void change(int fd, std::uint64_t tag, std::uint32_t registered, std::uint32_t wanted);
    void forget(int fd);

    // Waits up to `timeout_ms` (0: only what is ready now); returns how many events were filled.
    int wait(epoll_event* events, int capacity, int timeout_ms);
    void wake();
    // Re-arms the wake-up after its tag was reported.
    void clear_wake();

private:
    int epoll_fd_ = -1;
    int wake_fd_ = -1;
};

} // namespace dyndns::http
