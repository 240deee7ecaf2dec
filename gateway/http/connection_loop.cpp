// One thread drives every connection through its phases (connection.h) on readiness from the event set; connections cost memory, never a thread.
//
// Why not Poco's HTTPServer: it gives each connection a thread for its whole life and runs the
// TLS handshake and the head read on it, so a few hundred idle or slow peers stop the service.
// Why not Poco's SocketReactor: its handlers read with blocking semantics and its SecureSocketImpl
// hides OpenSSL's WANT_READ/WANT_WRITE; the phases and deadlines below need them as states. So
// the loop drives OpenSSL on Poco's configured context itself, and Poco still parses every head
// (HTTPRequest::read, in request_head) and writes every answer's head (HTTPResponse::write).
#include "http/connection_loop.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include <Poco/Net/SocketAddress.h>

#include "http/admission.h"
#include "http/connection.h"
#include "http/event_set.h"
#include "http/proxy_intake.h"
#include "http/request_run.h"
#include "http/response_bytes.h"
#include "log/log.h"
#include "metrics/gateway_metrics.h"

namespace dyndns::http {
namespace {

constexpr int kMaxEvents = 256;
constexpr int kAcceptsPerWake = 256; // then the other connections get their turn
constexpr auto kSweepInterval = std::chrono::milliseconds(100); // deadlines hold to within this
constexpr int kStepsPerTurn = 32; // then the connection waits for the next turn (fairness)
// Event tags: EventSet::kWakeTag (0) the wake-up, 1..n listeners, connections from here.
constexpr std::uint64_t kFirstConnectionId = 1 << 20;

enum class Taken { NeedMore, Moved, Dead };

} // namespace

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
    std::list<Connection*> idle; // oldest first: evicted first when the global cap is reached
    Admission admission;
    std::vector<std::uint64_t> ready; // connections to advance again next turn without an epoll event
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

    Impl(EdgeSettings s, std::vector<Listener> l, Poco::Net::Context::Ptr t, const Router& r, WorkerPool& w)
        : settings(s), listeners(std::move(l)), tls(std::move(t)), router(r), workers(w), admission(s) {
        for (std::size_t i = 0; i < listeners.size(); ++i) events.watch(listeners[i].fd, i + 1);
    }

    ~Impl() {
        for (auto& [id, c] : connections) {
            c->stream.reset();
            ::close(c->fd);
            metrics.connections_open.add(-1);
        }
    }

    // From a worker: the answer's bytes for connection `id`.
    void post(Completion completion) {
        {
            std::lock_guard lock(completions_mutex);
            completions.push_back(std::move(completion));
        }
        events.wake();
    }

    void post(std::function<void()> control) {
        {
            std::lock_guard lock(completions_mutex);
            controls.push_back(std::move(control));
        }
        events.wake();
    }

    void run() {
        epoll_event ready_events[kMaxEvents];
        auto last_sweep = Clock::now();
        Clock::time_point give_up;
        for (;;) {
            const int n = events.wait(ready_events, kMaxEvents, ready.empty() ? static_cast<int>(kSweepInterval.count()) : 0);
            // Connections that used up their turn last time, with input possibly buffered inside
            // OpenSSL where epoll cannot see it.
            std::vector<std::uint64_t> again;
            again.swap(ready);
            for (const std::uint64_t id : again)
                if (const auto found = connections.find(id); found != connections.end()) advance(*found->second);
            for (int i = 0; i < n; ++i) {
                const std::uint64_t tag = ready_events[i].data.u64;
                if (tag == EventSet::kWakeTag) {
                    take_completions();
                } else if (tag <= listeners.size()) {
                    accept_from(listeners[tag - 1]);
                } else if (const auto found = connections.find(tag); found != connections.end()) {
                    advance(*found->second);
                }
            }
            const auto now = Clock::now();
            if (stop_requested.load() && !stopping) {
                begin_stopping();
                give_up = now + grace;
            }
            if (now - last_sweep >= kSweepInterval) {
                sweep(now);
                last_sweep = now;
            }
            if (stopping && (connections.empty() || now >= give_up)) return;
        }
    }

    // --- accepting -------------------------------------------------------------------------

    void accept_from(const Listener& listener) {
        for (int k = 0; k < kAcceptsPerWake; ++k) {
            sockaddr_storage address{};
            socklen_t length = sizeof address;
            const int fd = ::accept4(listener.fd, reinterpret_cast<sockaddr*>(&address), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) {
                if (errno == ENOBUFS || errno == ENOMEM) pause_listeners(); // retried at the next sweep
                if (errno == EMFILE || errno == ENFILE) {
                    // Out of descriptors despite the raised limit: make room from the idle, or stop
                    // listening until the next sweep rather than spin on a listener that stays ready.
                    if (!evict_oldest_idle()) pause_listeners();
                }
                return; // EAGAIN: nothing more; anything else: this peer is gone already
            }
            admit(fd, listener, Poco::Net::SocketAddress(reinterpret_cast<const sockaddr*>(&address), length));
        }
    }

    void admit(int fd, const Listener& listener, const Poco::Net::SocketAddress& peer) {
        std::string block;
        switch (admission.accept(peer.host(), listener.proxy_protocol, block)) {
        case Verdict::Admit: break;
        case Verdict::UntrustedProxy:
            ::close(fd); // not one of our proxies: nothing is read from it, not even a header
            metrics.connections_closed.with({"untrusted_proxy"}).add();
            return;
        case Verdict::AddressCap:
            ::close(fd); // over the per-address cap: closed at once, before any TLS work
            metrics.connections_closed.with({"address_cap"}).add();
            return;
        }
        if (admission.at_global_cap(connections.size()) && !evict_oldest_idle()) {
            admission.release(block);
            ::close(fd);
            metrics.connections_closed.with({"global_cap"}).add();
            return;
        }
        const int on = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        auto c = std::make_unique<Connection>(settings.head_limits);
        c->id = next_id++;
        c->fd = fd;
        c->https = listener.tls;
        c->proxied = listener.proxy_protocol;
        c->block = std::move(block);
        c->peer = peer.host().toString();
        try {
            if (listener.tls) c->tls = tls;
            c->stream = listener.tls ? tls_stream(tls->sslContext(), fd) : plain_stream(fd);
        } catch (const std::exception& e) {
            log::error(e.what());
            admission.release(c->block);
            ::close(fd);
            return;
        }
        Connection& connection = *c;
        connections.emplace(connection.id, std::move(c));
        metrics.connections_open.add(1);
        enter(connection, listener.proxy_protocol ? Phase::ProxyHeader : Phase::Handshake);
        advance(connection);
    }

    StreamStatus read_proxy_header(Connection& c) {
        ProxyHeader header;
        const StreamStatus status = take_proxy_header(c.fd, c.proxy_bytes, header);
        if (header.status == ProxyHeaderStatus::Invalid) {
            // From a trusted proxy, so worth the operator's attention (a proxy without send-proxy, say).
            log::warning("closed a connection from the trusted proxy " + c.peer + ": " + header.problem);
            metrics.connections_closed.with({"proxy_header_invalid"}).add();
            return StreamStatus::Closed;
        }
        if (status != StreamStatus::Done) return status;
        return take_client(c, header.client) ? StreamStatus::Done : StreamStatus::Closed;
    }

    // The client the header names (the proxy itself for a health check) is the peer from here
    // on: the per-address caps count it, requests carry it.
    bool take_client(Connection& c, const std::optional<Poco::Net::IPAddress>& client) {
        const Poco::Net::IPAddress address = client ? *client : Poco::Net::IPAddress(c.peer);
        if (!admission.count_client(address, c.block)) {
            metrics.connections_closed.with({"address_cap"}).add();
            return false;
        }
        c.peer = address.toString();
        return true;
    }

    void pause_listeners() {
        if (listeners_paused) return;
        for (const auto& l : listeners) events.forget(l.fd);
        listeners_paused = true;
    }

    void resume_listeners() {
        if (!listeners_paused || stopping) return;
        for (std::size_t i = 0; i < listeners.size(); ++i) events.watch(listeners[i].fd, i + 1);
        listeners_paused = false;
    }

    bool evict_oldest_idle() {
        if (idle.empty()) return false;
        close(*idle.front());
        metrics.connections_closed.with({"idle_evicted"}).add();
        return true;
    }

    // --- the state machine -----------------------------------------------------------------

    // Every phase change goes through here: its deadline starts, and the idle list follows.
    void enter(Connection& c, Phase phase) {
        if (c.idle_listed) {
            idle.erase(c.idle_position);
            c.idle_listed = false;
        }
        c.phase = phase;
        c.deadline = Clock::now() + timeout_of(phase, settings);
        if (phase == Phase::Idle) {
            c.idle_position = idle.insert(idle.end(), &c);
            c.idle_listed = true;
        }
    }

    void set_interest(Connection& c, std::uint32_t wanted) {
        events.change(c.fd, c.id, c.interest, wanted);
        c.interest = wanted;
    }

    static std::uint32_t events_for(StreamStatus status) { return status == StreamStatus::WantWrite ? EPOLLOUT : EPOLLIN; }

    // Runs the connection as far as it goes without blocking. May close (destroy) `c`.
    void advance(Connection& c) {
        for (int steps = 0;; ++steps) {
            if (steps == kStepsPerTurn) {
                ready.push_back(c.id); // the others get their turn first
                return;
            }
            switch (c.phase) {
            case Phase::ProxyHeader: {
                const StreamStatus status = read_proxy_header(c);
                if (status == StreamStatus::Done) {
                    enter(c, Phase::Handshake);
                    continue;
                }
                if (status == StreamStatus::Closed) return close(c);
                return set_interest(c, events_for(status));
            }
            case Phase::Handshake: {
                const StreamStatus status = c.stream->handshake();
                if (status == StreamStatus::Done) {
                    enter(c, Phase::Head);
                    continue;
                }
                if (status == StreamStatus::Closed) return close(c);
                return set_interest(c, events_for(status));
            }
            case Phase::Idle:
            case Phase::Head:
            case Phase::Body: {
                c.reader.set_limits(settings.head_limits); // new limits apply from the next read on
                const Taken taken = take_request(c);
                if (taken == Taken::Dead) return close(c);
                if (taken == Taken::Moved) continue;
                const StreamStatus status = c.stream->read(c.reader.input(), c.reader.room());
                if (status == StreamStatus::Done) continue;
                if (status == StreamStatus::Closed) return close(c);
                return set_interest(c, events_for(status));
            }
            case Phase::Working: return set_interest(c, 0);
            case Phase::Writing: {
                const StreamStatus status = flush(c);
                if (status == StreamStatus::Done) {
                    finish_response(c);
                    continue;
                }
                if (status == StreamStatus::Closed) return close(c);
                return set_interest(c, events_for(status));
            }
            case Phase::Lingering: {
                std::string dropped;
                const StreamStatus status = c.stream->read(dropped, 16384);
                c.lingered += dropped.size();
                if (status == StreamStatus::Closed || c.lingered > kLingerMaxBytes) return close(c);
                if (status == StreamStatus::Done) continue;
                return set_interest(c, events_for(status));
            }
            }
        }
    }

    Taken take_request(Connection& c) {
        const ReadStep step = c.reader.step();
        if (c.phase == Phase::Idle && c.reader.begun()) enter(c, Phase::Head); // the head's deadline runs from its first byte
        switch (step) {
        case ReadStep::NeedMore: return Taken::NeedMore;
        case ReadStep::Refused:
            respond_now(c, HttpResponse::text(c.reader.refusal().status, c.reader.refusal().reason));
            return Taken::Moved;
        case ReadStep::Request: return dispatch(c);
        case ReadStep::Head: break;
        }
        const RequestHead& head = *c.reader.head();
        // Refused before its body is read, so the connection cannot be reused.
        if (auto refused = router.refusal(head.request.method, head.request.path)) {
            respond_now(c, std::move(*refused));
            return Taken::Moved;
        }
        if (head.content_length == 0) return dispatch(c);
        enter(c, Phase::Body);
        if (head.expects_continue && !c.reader.has_input() && !write_all_now(c, kContinue)) return Taken::Dead;
        return c.reader.step() == ReadStep::Request ? dispatch(c) : Taken::NeedMore;
    }

    // A few bytes into an empty socket buffer go at once; if they do not, the peer is not reading.
    static bool write_all_now(Connection& c, std::string_view bytes) {
        std::size_t written = 0;
        return c.stream->write(bytes.data(), bytes.size(), written) == StreamStatus::Done;
    }

    ResponseFraming framing_for(const Connection& c, bool keep_alive) const {
        const RequestHead* head = c.reader.head();
        return ResponseFraming{keep_alive, head == nullptr || head->http11, c.https};
    }

    // An answer decided by the loop itself (a refused head, a full queue): always closes.
    void respond_now(Connection& c, const HttpResponse& response) {
        c.out += response_bytes(response, framing_for(c, false));
        c.close_after_write = true;
        enter(c, Phase::Writing);
    }

    // The request leaves the loop here for a worker; its answer comes back through post().
    Taken dispatch(Connection& c) {
        const bool keep_alive = c.reader.head()->keep_alive && !stopping && c.served + 1 < settings.max_keep_alive_requests;
        const ResponseFraming framing = framing_for(c, keep_alive);
        HttpRequest request = c.reader.take_request();
        request.peer_address = c.peer;
        request.via_proxy_protocol = c.proxied;
        if (!admission.try_start_request(c.block)) {
            metrics.connections_closed.with({"address_busy"}).add();
            respond_now(c, retry_later("too many requests in progress from your address; retry in a moment\n"));
            return Taken::Moved;
        }
        c.counted_working = true;
        enter(c, Phase::Working);
        if (!workers.try_submit(
                request_job(router, c.id, std::move(request), framing, [this](Completion done) { post(std::move(done)); }))) {
            release_working(c);
            metrics.connections_closed.with({"busy"}).add();
            respond_now(c, retry_later("busy; retry in a moment\n"));
        }
        return Taken::Moved;
    }

    void take_completions() {
        events.clear_wake();
        std::vector<Completion> done;
        std::vector<std::function<void()>> to_apply;
        {
            std::lock_guard lock(completions_mutex);
            done.swap(completions);
            to_apply.swap(controls);
        }
        for (auto& control : to_apply) control();
        for (auto& completion : done) {
            const auto found = connections.find(completion.id);
            if (found == connections.end()) continue; // closed meanwhile (shutdown's grace ran out)
            Connection& c = *found->second;
            release_working(c);
            c.out += completion.bytes;
            c.close_after_write = completion.close || stopping;
            enter(c, Phase::Writing);
            advance(c);
        }
    }

    StreamStatus flush(Connection& c) {
        while (c.out_sent < c.out.size()) {
            std::size_t written = 0;
            const StreamStatus status = c.stream->write(c.out.data() + c.out_sent, c.out.size() - c.out_sent, written);
            c.out_sent += written;
            if (status != StreamStatus::Done) return status;
        }
        std::string().swap(c.out); // an idle connection keeps no buffer capacity
        c.out_sent = 0;
        return StreamStatus::Done;
    }

    void finish_response(Connection& c) {
        ++c.served;
        c.reader.finish_request();
        if (c.close_after_write || stopping) {
            c.stream->finish_sending();
            enter(c, Phase::Lingering);
            return;
        }
        // A pipelined request already received is next; else the connection waits, idle.
        enter(c, c.reader.has_input() ? Phase::Head : Phase::Idle);
    }

    // --- deadlines, caps, shutdown ---------------------------------------------------------

    void sweep(Clock::time_point now) {
        std::vector<Connection*> expired;
        for (auto& [id, c] : connections)
            if (now >= c->deadline) expired.push_back(c.get());
        for (Connection* c : expired) {
            // A peer that began a request hears why it ends; one attempt, never waited for.
            if ((c->phase == Phase::Head && c->reader.has_input()) || c->phase == Phase::Body)
                write_all_now(*c, response_bytes(HttpResponse::text(408, "request timed out\n"), framing_for(*c, false)));
            metrics.connections_closed.with({deadline_name(c->phase)}).add();
            close(*c);
        }
        resume_listeners();
    }

    void begin_stopping() {
        stopping = true;
        for (const auto& l : listeners) events.forget(l.fd);
        listeners_paused = true;
        std::vector<Connection*> quiet;
        for (auto& [id, c] : connections)
            if (c->phase != Phase::Working && c->phase != Phase::Writing) quiet.push_back(c.get());
        for (Connection* c : quiet) close(*c);
    }

    void release_working(Connection& c) {
        if (!c.counted_working) return;
        admission.end_request(c.block);
        c.counted_working = false;
    }

    void close(Connection& c) {
        metrics.connections_open.add(-1);
        release_working(c);
        if (c.idle_listed) idle.erase(c.idle_position);
        if (c.interest != 0) events.forget(c.fd);
        admission.release(c.block);
        const int fd = c.fd;
        connections.erase(c.id); // frees the TLS session before its socket closes
        ::close(fd);
    }
};

ConnectionLoop::ConnectionLoop(EdgeSettings settings, std::vector<Listener> listeners, Poco::Net::Context::Ptr tls,
                               const Router& router, WorkerPool& workers)
    : impl_(std::make_unique<Impl>(settings, std::move(listeners), std::move(tls), router, workers)) {}

void ConnectionLoop::set_tls(Poco::Net::Context::Ptr tls) {
    // The previous context is released on the loop's thread; connections made with it hold
    // their own reference in OpenSSL (SSL_new takes one), so they finish undisturbed.
    impl_->post(std::function<void()>([impl = impl_.get(), tls]() mutable { impl->tls = std::move(tls); }));
}

void ConnectionLoop::set_settings(const EdgeSettings& settings) {
    impl_->post(std::function<void()>([impl = impl_.get(), settings] {
        impl->settings = settings;
        impl->admission.set_settings(settings);
    }));
}

ConnectionLoop::~ConnectionLoop() { stop(std::chrono::milliseconds(0)); }

void ConnectionLoop::start() {
    impl_->thread = std::thread([this] { impl_->run(); });
}

void ConnectionLoop::stop(std::chrono::milliseconds grace) {
    if (!impl_->thread.joinable()) return;
    impl_->grace = grace;
    impl_->stop_requested = true;
    impl_->events.wake();
    impl_->thread.join();
}

} // namespace dyndns::http
