// How many connections one client address (an IPv6 client by its /64) may hold open at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

#include <Poco/Net/IPAddress.h>

namespace dyndns::http {

// The key connections are counted under: an IPv4 address as it is (an IPv4-mapped IPv6 address
// as the IPv4 it maps), an IPv6 address by its /64, the block one subscriber line is given.
std::string client_block(const Poco::Net::IPAddress& address);
// An IPv4-mapped IPv6 address (a dual-stack "::" listener's IPv4 peer) as the IPv4 address it is;
// any other address as it is.
Poco::Net::IPAddress unmapped_peer(const Poco::Net::IPAddress& address);

// The wider IPv6 blocks a client block lies in, the /56 and the /48 ("2001:db8:1::/48"), which a
// provider hands one site or one customer; none for an IPv4 block.
struct WiderBlocks {
    std::string per_56;
    std::string per_48;
};
std::optional<WiderBlocks> wider_blocks(const std::string& block);

// New connections per client block a second: a token bucket each, holding up to twice the rate.
// Used from the event loop's thread only; buckets that have filled up again are forgotten.
class ConnectionRate {
public:
    using Clock = std::chrono::steady_clock;
    explicit ConnectionRate(unsigned per_second) : per_second_(per_second) {}
    void set_rate(unsigned per_second) { per_second_ = per_second; }
    // True (one taken) when `block` may open a connection at `now`.
    bool try_take(const std::string& block, Clock::time_point now);

private:
    struct Bucket {
        double tokens;
        Clock::time_point filled;
    };
    unsigned per_second_;
    std::unordered_map<std::string, Bucket> buckets_;
    Clock::time_point last_sweep_{};
};

// Counts open connections per client block. Used from the event loop's thread only.
class AddressCounts {
public:
    explicit AddressCounts(std::size_t per_block) : per_block_(per_block) {}

    // Counts one more for `block` and returns true, or returns false (nothing counted) at the cap.
    bool try_add(const std::string& block);
    void remove(const std::string& block);
    void set_cap(std::size_t per_block) { per_block_ = per_block; }
    std::size_t blocks() const { return counts_.size(); }

private:
    std::size_t per_block_;
    std::unordered_map<std::string, std::size_t> counts_;
};

} // namespace dyndns::http
