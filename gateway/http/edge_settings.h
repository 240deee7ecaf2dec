// What the edge is told: its limits, deadlines and caps, and the sockets it listens on.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

#include "vocabulary/cidr.h"
#include "http/request_head.h"

namespace dyndns::http {

struct EdgeSettings {
    HeadLimits head_limits;
    // Each covers a whole phase, not one read: a peer that trickles bytes gains nothing.
    std::chrono::milliseconds handshake_timeout{5000};
    std::chrono::milliseconds head_timeout{5000}; // from the first byte of a head (or the handshake's end) to its blank line
    std::chrono::milliseconds body_timeout{10000}; // the whole body; writing an answer gets as long
    std::chrono::milliseconds idle_timeout{15000}; // a keep-alive connection between requests
    std::size_t max_connections = 10000;
    std::size_t max_connections_per_block = 32; // per IPv4 address or IPv6 /64
    std::size_t max_requests_per_block = 8; // requests being run at once per block; beyond, 503
    unsigned new_connections_per_second_per_block = 100; // bursts of twice that; 0: no rate
    unsigned max_keep_alive_requests = 100;
    std::vector<core::Cidr> trusted_proxies; // who may connect to a proxy_protocol listener
};

// A listening socket (non-blocking, owned by the caller); `tls`: connections speak TLS with the loop's context.
struct Listener {
    int fd = -1;
    bool tls = true;
    // Connections start with a PROXY protocol header (v1 or v2), from a trusted proxy only; the
    // client it names is the connection's peer for everything after (caps, requests).
    bool proxy_protocol = false;
};

} // namespace dyndns::http
