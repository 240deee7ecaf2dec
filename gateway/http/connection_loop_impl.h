// The loop's state, shared by its two halves: connection_loop.cpp (waiting, accepting, deadlines, shutdown) and connection_phases.cpp (one connection's steps).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <Poco/Net/SocketAddress.h>

#include "http/admission.h"
#include "http/connection.h"
#include "http/connection_loop.h"
#include "http/event_set.h"
#include "http/loop_group.h"
#include "http/request_run.h"
#include "http/response_bytes.h"
#include "metrics/gateway_metrics.h"

namespace dyndns::http {

constexpr int kStepsPerTurn = 32; // then the connection waits for the next turn (fairness)
// TLS handshake steps per turn, the rest wait for the next: a flood of ClientHellos (each costs a
// key exchange and a signature) never holds back connections that already carry requests by
// more than this many handshakes a turn.
constexpr int kHandshakesPerTurn = 8;
// Event tags: EventSet::kWakeTag (0) the wake-up, 1..n listeners, connections from here.
constexpr std::uint64_t kFirstConnectionId = 1 << 20;

// What reading a request did: wait for bytes, the connection changed phase, or it must close.
enum class Taken { NeedMore, Moved, Dead };

struct ConnectionLoop::Impl {
    EdgeSettings settings;
    std::vector<Listener> listeners;
    Poco::Net::Context::Ptr tls; // replaced only on the loop's thread, so a handshake never meets a freed context
    const Router& router;
    WorkerPool& workers;
    EventSet events;
    std::thread thread;

    // Touched by the loop's thread only.
    std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections;
    // Oldest first, evicted in this order when the global cap is reached: keep-alive connections
    // between requests, then those that carry no request yet (PROXY header, TLS handshake, an
    // incomplete head), so silent connections from many addresses cannot hold every slot.
    std::list<Connection*> idle;
    std::list<Connection*> waiting;
    std::shared_ptr<Admission> shared_admission; // one for every loop of the server
    Admission& admission;
    std::shared_ptr<LoopGroup> group; // the server's loops; null: this loop alone
    LoopGroup::Member* me = nullptr;
    std::vector<std::uint64_t> ready; // connections to advance again next turn without an epoll event
    // Handshakes over this turn's share, oldest first, not watched meanwhile (their ClientHello
    // stays in the socket).
    std::deque<std::uint64_t> deferred_handshakes;
    int handshakes_this_turn = 0;
    std::uint64_t next_id = kFirstConnectionId;
    bool stopping = false;
    bool listeners_paused = false;

    // Shared with the workers and stop().
    std::mutex completions_mutex;
    std::vector<Completion> completions;
    std::vector<std::function<void()>> controls; // settings and contexts to apply on the loop's thread
    std::atomic<bool> stop_requested{false};
    std::chrono::milliseconds grace{0};

    metrics::GatewayMetrics& metrics = metrics::gateway_metrics();

    Impl(EdgeSettings s, std::vector<Listener> l, Poco::Net::Context::Ptr t, const Router& r, WorkerPool& w,
         std::shared_ptr<Admission> a);
    ~Impl();
    // From a worker: the answer's bytes for connection `id`.
    void post(Completion completion);
    void post(std::function<void()> control);
    void run();
    // The handshakes deferred by earlier turns, oldest first, as far as this turn's share goes.
    void resume_handshakes();
    void accept_from(const Listener& listener);
    void admit(int fd, const Listener& listener, const Poco::Net::SocketAddress& peer);
    StreamStatus read_proxy_header(Connection& c);
    // The client the header names (the proxy itself for a health check) is the peer from here
    // on: the per-address caps count it, requests carry it.
    bool take_client(Connection& c, const std::optional<Poco::Net::IPAddress>& client);
    void pause_listeners();
    void resume_listeners();
    // At the global cap: the server's oldest idle connection, else its oldest waiting one, closes
    // (on its own loop's thread: soon, if that is another loop); false when there is neither.
    bool make_room();
    // This loop's oldest idle connection, else its oldest waiting one, closes now; false when it has neither.
    bool make_room_here();
    // Tells the other loops where this one's oldest idle and waiting connections stand.
    void publish_oldest();
    void sweep(Clock::time_point now);
    void begin_stopping();
    void release_working(Connection& c);
    void close(Connection& c);
    // close() with an RST (SO_LINGER 0): the kernel drops what the peer has not read instead of
    // holding it, up to the send buffer, for a peer that reads nothing.
    void reset(Connection& c);

    // --- one connection's steps (connection_phases.cpp) -----------------------------------------
    // Every phase change goes through here: its deadline starts, and the idle and waiting lists follow.
    void enter(Connection& c, Phase phase);
    void set_interest(Connection& c, std::uint32_t wanted);
    // Runs the connection as far as it goes without blocking. May close (destroy) `c`.
    void advance(Connection& c);
    Taken take_request(Connection& c);
    // A few bytes into an empty socket buffer go at once; if they do not, the peer is not reading.
    static bool write_all_now(Connection& c, std::string_view bytes);
    ResponseFraming framing_for(const Connection& c, bool keep_alive) const;
    // An answer decided by the loop itself (a refused head, a full queue): always closes.
    void respond_now(Connection& c, const HttpResponse& response);
    // The request leaves the loop here for a worker; its answer comes back through post().
    Taken dispatch(Connection& c);
    void take_completions();
    StreamStatus flush(Connection& c);
    void finish_response(Connection& c);
};

} // namespace dyndns::http
