// The event loops of one server, as each sees the others: where the oldest idle and the oldest silent connection are, to make room at the global cap.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <vector>

namespace dyndns::http {

struct LoopGroup {
    static constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::max();
    struct Member {
        // When its oldest idle keep-alive connection, and its oldest connection with no request
        // yet, entered that state (steady clock, ns); kNone: it has none.
        std::atomic<std::int64_t> oldest_idle{kNone};
        std::atomic<std::int64_t> oldest_waiting{kNone};
        std::function<void()> make_room; // from any thread: the loop closes its oldest such connection soon
    };
    std::vector<std::unique_ptr<Member>> members; // fixed before the loops start
};

} // namespace dyndns::http
