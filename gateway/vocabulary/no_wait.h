// A thread that must not block (the event loop answering a call from memory) says so; every place that would wait throws WouldBlock instead, and the call goes to a worker.
#pragma once

namespace dyndns::core {

// Not a std::exception, so no handler of std::exception on the way swallows it; the few
// catch (...) on a call's path rethrow it.
struct WouldBlock {};

namespace no_wait_detail {
inline thread_local bool active = false;
inline thread_local unsigned charged = 0; // calls of the budget spent while active
inline thread_local bool precharged = false; // the job this worker runs was charged on the loop already
} // namespace no_wait_detail

// Every place that may wait (a database connection, argon2, DNS, a full history queue) calls this first.
inline void may_wait() {
    if (no_wait_detail::active) throw WouldBlock{};
}

// For the scope's life this thread must not wait. charged(): whether the budget was spent meanwhile.
class NoWaitScope {
public:
    NoWaitScope() {
        no_wait_detail::active = true;
        no_wait_detail::charged = 0;
    }
    ~NoWaitScope() { no_wait_detail::active = false; }
    NoWaitScope(const NoWaitScope&) = delete;
    NoWaitScope& operator=(const NoWaitScope&) = delete;
    bool charged() const { return no_wait_detail::charged > 0; }
};

// A worker running a call the loop began: the budget was spent there, not again here.
class PrechargedScope {
public:
    explicit PrechargedScope(bool precharged) { no_wait_detail::precharged = precharged; }
    ~PrechargedScope() { no_wait_detail::precharged = false; }
    PrechargedScope(const PrechargedScope&) = delete;
    PrechargedScope& operator=(const PrechargedScope&) = delete;
};

// The budget's one charge point asks first whether this call was charged on the loop already
// (then it charges nothing), and says when it charged.
inline bool take_precharge() {
    const bool taken = no_wait_detail::precharged;
    no_wait_detail::precharged = false;
    return taken;
}
inline void note_charged() {
    if (no_wait_detail::active) ++no_wait_detail::charged;
}

} // namespace dyndns::core
