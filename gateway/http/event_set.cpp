// epoll and an eventfd: readiness for the loop's thread, and a doorbell for the workers and stop().
#include "http/event_set.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace dyndns::http {

EventSet::EventSet() {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0) {
        const std::string why = std::strerror(errno);
        if (wake_fd_ >= 0) ::close(wake_fd_);
        if (epoll_fd_ >= 0) ::close(epoll_fd_);
        throw std::runtime_error("cannot create the event loop: " + why);
    }
    watch(wake_fd_, kWakeTag);
}

EventSet::~EventSet() {
    ::close(wake_fd_);
    ::close(epoll_fd_);
}

void EventSet::watch(int fd, std::uint64_t tag) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = tag;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event);
}

void EventSet::change(int fd, std::uint64_t tag, std::uint32_t registered, std::uint32_t wanted) {
    if (wanted == registered) return;
    if (wanted == 0) return forget(fd); // a working connection's hang-up must not spin the loop
    epoll_event event{};
    event.events = wanted;
    event.data.u64 = tag;
    epoll_ctl(epoll_fd_, registered == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &event);
}

void EventSet::forget(int fd) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

int EventSet::wait(epoll_event* events, int capacity, int timeout_ms) {
    return epoll_wait(epoll_fd_, events, capacity, timeout_ms);
}

void EventSet::wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof one);
}

void EventSet::clear_wake() {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto read = ::read(wake_fd_, &count, sizeof count);
}

} // namespace dyndns::http
