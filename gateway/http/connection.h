// One connection's state on the edge: its phase and that phase's deadline, its stream, its request reader and answer.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <utility>

#include <Poco/Net/Context.h>

#include "http/byte_stream.h"
#include "http/edge_settings.h"
#include "http/request_reader.h"

namespace dyndns::http {

using Clock = std::chrono::steady_clock;

// A connection is in exactly one phase; each has its own deadline (deadline_of), counted from
// entering it, so a peer that trickles bytes gains nothing.
enum class Phase {
    ProxyHeader, // the PROXY protocol header, on a proxy_protocol listener (handshake_timeout)
    Handshake, // TLS handshake (handshake_timeout)
    Idle, // keep-alive, between requests (idle_timeout)
    Head, // a head has begun or the connection is new (head_timeout)
    Body, // the head is read, its body is not yet whole (body_timeout)
    Working, // a worker runs the request (kWorkingBackstop only: the core bounds its own calls)
    Writing, // the answer is going out (body_timeout: a peer that never reads cannot hold it)
    Lingering, // answered and closing: what the peer still sends is read and dropped, briefly
};

constexpr std::size_t kLingerMaxBytes = 1 << 20; // lingering close, as nginx does: the peer reads
constexpr auto kLingerTime = std::chrono::seconds(2); // our 413 instead of a reset
// A request whose handler never returns still frees its connection after this; the worker's
// late answer is dropped. Far beyond any DNS or argon2 bound, so it never cuts a real call.
constexpr auto kWorkingBackstop = std::chrono::minutes(2);

// How long `phase` may last under `settings`.
std::chrono::milliseconds timeout_of(Phase phase, const EdgeSettings& settings);
// The connections_closed metric's reason when `phase`'s deadline passes.
const char* deadline_name(Phase phase);

struct Connection {
    explicit Connection(const HeadLimits& limits) : reader(limits) {}

    std::uint64_t id = 0; // the loop's event tag for it
    int fd = -1;
    bool https = true;
    bool proxied = false; // on a proxy_protocol listener: `peer` is the client its PROXY header named
    std::string block; // client_block() of the peer: what the per-address cap counts; empty: not counted yet
    std::string peer; // the peer's address as text
    Poco::Net::Context::Ptr tls; // the context this connection's TLS session was made with
    std::unique_ptr<ByteStream> stream;
    Phase phase = Phase::Handshake;
    bool counted_working = false; // holds one of its block's in-flight request slots
    Clock::time_point deadline;
    Clock::time_point listed_at; // when it joined the loop's idle or waiting list
    std::string proxy_bytes; // a PROXY header's beginning, taken from the socket already
    RequestReader reader; // received bytes and the request being read, run or answered
    std::string out; // to send
    std::size_t out_sent = 0;
    // Queues `bytes` after what is still to send: as the buffer itself when nothing is (no copy).
    void queue(std::string bytes) {
        if (out.empty()) {
            out = std::move(bytes);
            out_sent = 0;
        } else {
            out += bytes;
        }
    }
    bool close_after_write = false;
    unsigned served = 0;
    std::size_t lingered = 0;
    std::uint32_t interest = 0; // the events registered; 0: not registered
    // Its place in the loop's `idle` or `waiting` list (the ones evicted for room), if in one.
    std::list<Connection*>* listed_in = nullptr;
    std::list<Connection*>::iterator list_position;
};

} // namespace dyndns::http
