// The NOTIFY message (RFC 1996): which zone a request names, and the signed acknowledgement; no socket, so it can be fuzzed.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "dns/ldns_include.h"
#include "dns/tsig_key.h"

namespace dyndns::dns {

struct Notify {
    std::string zone;
    std::optional<std::uint32_t> serial; // the SOA serial the NOTIFY carried, when it carried a whole SOA
};

// The zone a well-formed NOTIFY request names (opcode NOTIFY, QR clear, one SOA question of class IN);
// nothing for any other message. Reads only fields whose presence it checked first.
std::optional<Notify> notify_of(const ldns_pkt* pkt);

// RFC 1996 4.7: the answer echoes the id, the opcode and the question, with QR and AA set, signed
// with `key` over the request's MAC. `request` is one notify_of accepted.
std::vector<std::uint8_t> acknowledgement(const ldns_pkt* request, const TsigKey& key);

// The MACs of NOTIFYs acted on within the TSIG window: a signed NOTIFY captured and sent again
// while its time is still accepted verifies like the original, so only this tells them apart.
// Bounded: beyond `capacity` the oldest are forgotten (a replay of those costs one transfer).
class NotifyReplays {
public:
    using Clock = std::chrono::steady_clock;
    NotifyReplays(std::chrono::seconds window, std::size_t capacity) : window_(window), capacity_(capacity) {}
    // True the first time `mac` is offered within the window; remembers it.
    bool first(const std::string& mac, Clock::time_point now = Clock::now());

private:
    std::chrono::seconds window_;
    std::size_t capacity_;
    std::deque<std::pair<Clock::time_point, std::string>> order_; // oldest first
    std::unordered_set<std::string> seen_;
};

} // namespace dyndns::dns
