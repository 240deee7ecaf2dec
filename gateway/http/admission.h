// Who may open a connection and start a request: trusted proxies, the per-address (and per-/56, per-/48) and global caps.
#pragma once

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>

#include <Poco/Net/IPAddress.h>

#include "http/connection_caps.h"
#include "http/edge_settings.h"

namespace dyndns::http {

enum class Verdict {
    Admit,
    UntrustedProxy, // a proxy_protocol listener, a peer not in trusted_proxies: nothing is read from it
    AddressCap, // its block holds max_connections_per_block already
    RateCap, // its block opened new_connections_per_second_per_block (and the burst) already
};

// The counts behind the caps, per client block (client_block()), shared by every event loop of a
// server (one lock), so the caps hold whichever loop accepted a connection. The global cap is only
// asked here: making room (evicting an idle connection) is each loop's, among its own.
class Admission {
public:
    explicit Admission(const EdgeSettings& settings);
    // New caps for what is counted from now on; what is counted stays counted.
    void set_settings(const EdgeSettings& settings);

    // A connection accepted from `peer`. Admit: `block` is what it is counted under, or empty on a
    // proxy_protocol listener, whose connections are counted by the client their header names
    // (counted at once, every connection would be the proxy's and meet the per-address cap).
    Verdict accept(const Poco::Net::IPAddress& peer, bool proxy_protocol, std::string& block,
                   ConnectionRate::Clock::time_point now = ConnectionRate::Clock::now());
    // The client a PROXY header named: counted under its block (Admit), or the cap it meets.
    Verdict count_client(const Poco::Net::IPAddress& client, std::string& block,
                         ConnectionRate::Clock::time_point now = ConnectionRate::Clock::now());
    // With `open` connections, a new one must first make room.
    bool at_global_cap(std::size_t open) const {
        std::lock_guard lock(mutex_);
        return open >= max_connections_;
    }
    // Connections open now, across the loops: each loop says when one opens and closes.
    void opened() { ++open_total_; }
    void closed() { --open_total_; }
    std::size_t open_total() const { return open_total_; }
    // A connection closed; `block` may be empty (never counted).
    void release(const std::string& block);

    // A request of `block` starts running, or false: max_requests_per_block run already (503).
    bool try_start_request(const std::string& block) {
        std::lock_guard lock(mutex_);
        return running_.try_add(block);
    }
    void end_request(const std::string& block) {
        std::lock_guard lock(mutex_);
        running_.remove(block);
    }

private:
    bool is_trusted_proxy(const Poco::Net::IPAddress& address) const;
    Verdict count_locked(const Poco::Net::IPAddress& client, std::string& block, ConnectionRate::Clock::time_point now);

    mutable std::mutex mutex_; // over everything below but open_total_
    std::atomic<std::size_t> open_total_{0};

    std::vector<core::Cidr> trusted_proxies_;
    std::size_t max_connections_;
    bool try_add_open(const std::string& block); // the block and its wider IPv6 blocks, or none of them
    void remove_open(const std::string& block);

    AddressCounts open_; // connections per block
    // IPv6 sites: a /56 may hold 4, a /48 16 times a block's cap, so one provider's customer with
    // a /48 (65,536 blocks of /64) cannot fill the global cap alone.
    AddressCounts open_56_;
    AddressCounts open_48_;
    ConnectionRate new_connections_;
    ConnectionRate new_connections_56_; // the same rate × kBlocksPer56 for a /56, × kBlocksPer48 for a /48,
    ConnectionRate new_connections_48_; // so a flood spread over many /64s of one site is held too
    AddressCounts running_; // requests being run per block: one client cannot fill the worker queue
};

} // namespace dyndns::http
