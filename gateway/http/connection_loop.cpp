// One thread, epoll (level-triggered), a state machine per connection; connections cost memory, never a thread.
//
// Why not Poco's HTTPServer: it gives each connection a thread for its whole life and runs the
// TLS handshake and the head read on it, so a few hundred idle or slow peers stop the service.
// Why not Poco's SocketReactor: its handlers read with blocking semantics and its SecureSocketImpl
// hides OpenSSL's WANT_READ/WANT_WRITE; the phases and deadlines below need them as states. So
// the loop drives OpenSSL on Poco's configured context itself, and Poco still parses every head
// (HTTPRequest::read) and writes every answer's head (HTTPResponse::write).
#include "http/connection_loop.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <functional>
#include <iostream>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include <Poco/Net/SocketAddress.h>

#include "http/byte_stream.h"
#include "http/connection_caps.h"
#include "http/proxy_header.h"
#include "http/response_bytes.h"
#include "log/log.h"
#include "metrics/gateway_metrics.h"

namespace dyndns::http {
namespace {

using Clock = std::chrono::steady_clock;

enum class Phase {
    ProxyHeader, // the PROXY protocol header, on a proxy_protocol listener (handshake_timeout)
    Handshake, // TLS handshake (handshake_timeout)
    Idle, // keep-alive, between requests (idle_timeout)
    Head, // a head has begun or the connection is new (head_timeout)
    Body, // the head is read, its body is not yet whole (body_timeout)
    Working, // a worker runs the request (no deadline here: the core bounds its own calls)
    Writing, // the answer is going out (body_timeout: a peer that never reads cannot hold it)
    Lingering, // answered and closing: what the peer still sends is read and dropped, briefly
};

constexpr int kMaxEvents = 256;
constexpr int kAcceptsPerWake = 256; // then the other connections get their turn
constexpr auto kSweepInterval = std::chrono::milliseconds(100); // deadlines hold to within this
constexpr std::size_t kLingerMaxBytes = 1 << 20; // lingering close, as nginx does: the peer reads
constexpr auto kLingerTime = std::chrono::seconds(2); // our 413 instead of a reset
constexpr int kStepsPerTurn = 32; // then the connection waits for the next turn (fairness)
// A request whose handler never returns still frees its connection after this; the worker's
// late answer is dropped. Far beyond any DNS or argon2 bound, so it never cuts a real call.
constexpr auto kWorkingBackstop = std::chrono::minutes(2);
constexpr std::uint64_t kWakeTag = 0; // epoll tags: 0 the wake-up, 1..n listeners,
constexpr std::uint64_t kFirstConnectionId = 1 << 20; // connections from here

struct Connection {
    std::uint64_t id = 0;
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
    std::string in; // received, not yet consumed
    std::string out; // to send
    std::size_t out_sent = 0;
    std::optional<RequestHead> pending; // the request being read or run
    bool close_after_write = false;
    unsigned served = 0;
    std::size_t lingered = 0;
    std::uint32_t interest = 0; // the epoll events registered; 0: not registered
    std::list<Connection*>::iterator idle_position;
    bool idle_listed = false;
};

struct Completion {
    std::uint64_t id;
    std::string bytes;
    bool close;
};

enum class Taken { NeedMore, Moved, Dead };

} // namespace

struct ConnectionLoop::Impl {
    EdgeSettings settings;
    std::vector<Listener> listeners;
    Poco::Net::Context::Ptr tls; // replaced only on the loop's thread, so a handshake never meets a freed context
    const Router& router;
    WorkerPool& workers;
    int epoll_fd = -1;
    int wake_fd = -1;
    std::thread thread;

    // Touched by the loop's thread only.
    std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections;
    std::list<Connection*> idle; // oldest first: evicted first when the global cap is reached
    AddressCounts counts;
    AddressCounts working; // requests in Working per block: one client cannot fill the worker queue
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
        : settings(s),
          listeners(std::move(l)),
          tls(std::move(t)),
          router(r),
          workers(w),
          counts(s.max_connections_per_block),
          working(s.max_requests_per_block) {
        epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (epoll_fd < 0 || wake_fd < 0)
            throw std::runtime_error(std::string("cannot create the event loop: ") + std::strerror(errno));
        watch(wake_fd, kWakeTag);
        for (std::size_t i = 0; i < listeners.size(); ++i) watch(listeners[i].fd, i + 1);
    }

    ~Impl() {
        for (auto& [id, c] : connections) {
            c->stream.reset();
            ::close(c->fd);
            metrics.connections_open.add(-1);
        }
        if (wake_fd >= 0) ::close(wake_fd);
        if (epoll_fd >= 0) ::close(epoll_fd);
    }

    void watch(int fd, std::uint64_t tag) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = tag;
        epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
    }

    void wake() {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(wake_fd, &one, sizeof one);
    }

    // From a worker: the answer's bytes for connection `id`.
    void post(Completion completion) {
        {
            std::lock_guard lock(completions_mutex);
            completions.push_back(std::move(completion));
        }
        wake();
    }

    void post(std::function<void()> control) {
        {
            std::lock_guard lock(completions_mutex);
            controls.push_back(std::move(control));
        }
        wake();
    }

    void run() {
        epoll_event events[kMaxEvents];
        auto last_sweep = Clock::now();
        Clock::time_point give_up;
        for (;;) {
            const int n = epoll_wait(epoll_fd, events, kMaxEvents, ready.empty() ? static_cast<int>(kSweepInterval.count()) : 0);
            // Connections that used up their turn last time, with input possibly buffered inside
            // OpenSSL where epoll cannot see it.
            std::vector<std::uint64_t> again;
            again.swap(ready);
            for (const std::uint64_t id : again)
                if (const auto found = connections.find(id); found != connections.end()) advance(*found->second);
            for (int i = 0; i < n; ++i) {
                const std::uint64_t tag = events[i].data.u64;
                if (tag == kWakeTag) {
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
        if (listener.proxy_protocol) {
            if (!is_trusted_proxy(peer.host())) {
                ::close(fd); // not one of our proxies: nothing is read from it, not even a header
                metrics.connections_closed.with({"untrusted_proxy"}).add();
                return;
            }
            // Counted once its header names the client (take_client): counted now, every
            // connection would be the proxy's and the proxy would meet the per-address cap.
        } else {
            block = client_block(peer.host());
            if (!counts.try_add(block)) {
                ::close(fd); // over the per-address cap: closed at once, before any TLS work
                metrics.connections_closed.with({"address_cap"}).add();
                return;
            }
        }
        if (connections.size() >= settings.max_connections && !evict_oldest_idle()) {
            uncount(block);
            ::close(fd);
            metrics.connections_closed.with({"global_cap"}).add();
            return;
        }
        const int on = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        auto c = std::make_unique<Connection>();
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
            uncount(c->block);
            ::close(fd);
            return;
        }
        Connection& connection = *c;
        connections.emplace(connection.id, std::move(c));
        metrics.connections_open.add(1);
        enter(connection, listener.proxy_protocol ? Phase::ProxyHeader : Phase::Handshake);
        advance(connection);
    }

    bool is_trusted_proxy(const Poco::Net::IPAddress& address) const {
        return std::any_of(settings.trusted_proxies.begin(), settings.trusted_proxies.end(),
                           [&](const core::Cidr& proxy) { return proxy.contains(address); });
    }

    void uncount(const std::string& block) {
        if (!block.empty()) counts.remove(block);
    }

    // Reads the PROXY header and not one byte more, since the TLS handshake follows on the same
    // socket: a peek shows what has come, and only the header's bytes are taken. A header still
    // incomplete is all header, so what was peeked is taken and the socket drained (the loop is
    // level-triggered: bytes left there would wake it again and again).
    StreamStatus read_proxy_header(Connection& c) {
        char buffer[kProxyHeaderMaxBytes];
        const ssize_t peeked = ::recv(c.fd, buffer, kProxyHeaderMaxBytes - c.in.size(), MSG_PEEK);
        if (peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return StreamStatus::WantRead;
        if (peeked <= 0) return StreamStatus::Closed;
        std::string seen = c.in;
        seen.append(buffer, static_cast<std::size_t>(peeked));
        const ProxyHeader header = parse_proxy_header(seen);
        if (header.status == ProxyHeaderStatus::Invalid) {
            // From a trusted proxy, so worth the operator's attention (a proxy without send-proxy, say).
            log::warning("closed a connection from the trusted proxy " + c.peer + ": " + header.problem);
            metrics.connections_closed.with({"proxy_header_invalid"}).add();
            return StreamStatus::Closed;
        }
        const std::size_t take =
            header.status == ProxyHeaderStatus::Complete ? header.length - c.in.size() : static_cast<std::size_t>(peeked);
        if (::recv(c.fd, buffer, take, 0) != static_cast<ssize_t>(take)) return StreamStatus::Closed;
        if (header.status == ProxyHeaderStatus::NeedMore) {
            c.in = std::move(seen);
            return StreamStatus::WantRead;
        }
        std::string().swap(c.in);
        return take_client(c, header.client) ? StreamStatus::Done : StreamStatus::Closed;
    }

    // The client the header names (the proxy itself for a health check) is the peer from here
    // on: the per-address caps count it, requests carry it.
    bool take_client(Connection& c, const std::optional<Poco::Net::IPAddress>& client) {
        const Poco::Net::IPAddress address = client ? *client : Poco::Net::IPAddress(c.peer);
        std::string block = client_block(address);
        if (!counts.try_add(block)) {
            metrics.connections_closed.with({"address_cap"}).add();
            return false;
        }
        c.block = std::move(block);
        c.peer = address.toString();
        return true;
    }

    void pause_listeners() {
        if (listeners_paused) return;
        for (const auto& l : listeners) epoll_ctl(epoll_fd, EPOLL_CTL_DEL, l.fd, nullptr);
        listeners_paused = true;
    }

    void resume_listeners() {
        if (!listeners_paused || stopping) return;
        for (std::size_t i = 0; i < listeners.size(); ++i) watch(listeners[i].fd, i + 1);
        listeners_paused = false;
    }

    bool evict_oldest_idle() {
        if (idle.empty()) return false;
        close(*idle.front());
        metrics.connections_closed.with({"idle_evicted"}).add();
        return true;
    }

    // --- the state machine -----------------------------------------------------------------

    std::chrono::milliseconds timeout_of(Phase phase) const {
        switch (phase) {
        case Phase::ProxyHeader:
        case Phase::Handshake: return settings.handshake_timeout;
        case Phase::Idle: return settings.idle_timeout;
        case Phase::Head: return settings.head_timeout;
        case Phase::Body:
        case Phase::Writing: return settings.body_timeout;
        case Phase::Lingering: return std::chrono::duration_cast<std::chrono::milliseconds>(kLingerTime);
        case Phase::Working: return std::chrono::duration_cast<std::chrono::milliseconds>(kWorkingBackstop);
        }
        return std::chrono::milliseconds::max();
    }

    // Every phase change goes through here: its deadline starts, and the idle list follows.
    void enter(Connection& c, Phase phase) {
        if (c.idle_listed) {
            idle.erase(c.idle_position);
            c.idle_listed = false;
        }
        c.phase = phase;
        c.deadline = Clock::now() + timeout_of(phase);
        if (phase == Phase::Idle) {
            c.idle_position = idle.insert(idle.end(), &c);
            c.idle_listed = true;
        }
    }

    void set_interest(Connection& c, std::uint32_t wanted) {
        if (wanted == c.interest) return;
        epoll_event event{};
        event.events = wanted;
        event.data.u64 = c.id;
        if (wanted == 0)
            epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr); // a working connection's hang-up must not spin the loop
        else
            epoll_ctl(epoll_fd, c.interest == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, c.fd, &event);
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
                const Taken taken = take_request(c);
                if (taken == Taken::Dead) return close(c);
                if (taken == Taken::Moved) continue;
                const StreamStatus status = read_some(c);
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

    // How much more may be read now: a head up to its limit, a body up to its length plus the
    // start of a pipelined head; nothing is read beyond, so one connection's memory is bounded.
    std::size_t room(const Connection& c) const {
        const std::size_t head = max_head_bytes(settings.head_limits) + 1;
        const std::size_t cap = c.phase == Phase::Body ? c.pending->content_length + head : head;
        return cap > c.in.size() ? cap - c.in.size() : 1;
    }

    StreamStatus read_some(Connection& c) { return c.stream->read(c.in, room(c)); }

    Taken take_request(Connection& c) {
        if (c.phase == Phase::Idle || c.phase == Phase::Head) {
            // RFC 9112 §2.2: empty lines before a request line are ignored.
            std::size_t skip = 0;
            while (skip + 1 < c.in.size() && c.in[skip] == '\r' && c.in[skip + 1] == '\n') skip += 2;
            c.in.erase(0, skip);
            if (c.in.empty()) return Taken::NeedMore;
            if (c.phase == Phase::Idle) enter(c, Phase::Head); // the head's deadline runs from its first byte
            const std::size_t end = head_end(c.in);
            if (end == std::string::npos) {
                if (c.in.size() <= max_head_bytes(settings.head_limits)) return Taken::NeedMore;
                respond_now(c, HttpResponse::text(431, "request head too large\n"));
                return Taken::Moved;
            }
            auto head = read_request_head(std::string_view(c.in).substr(0, end), settings.head_limits);
            c.in.erase(0, end);
            if (const auto* refused = std::get_if<HeadRefusal>(&head)) {
                respond_now(c, HttpResponse::text(refused->status, refused->reason));
                return Taken::Moved;
            }
            c.pending = std::move(std::get<RequestHead>(head));
            // Refused before its body is read, so the connection cannot be reused.
            if (auto refused = router.refusal(c.pending->request.method, c.pending->request.path)) {
                respond_now(c, std::move(*refused));
                return Taken::Moved;
            }
            if (c.pending->content_length == 0) return dispatch(c);
            enter(c, Phase::Body);
            if (c.pending->expects_continue && c.in.empty() && !write_all_now(c, kContinue)) return Taken::Dead;
        }
        if (c.phase == Phase::Body && c.in.size() >= c.pending->content_length) return dispatch(c);
        return Taken::NeedMore;
    }

    // A few bytes into an empty socket buffer go at once; if they do not, the peer is not reading.
    static bool write_all_now(Connection& c, std::string_view bytes) {
        std::size_t written = 0;
        return c.stream->write(bytes.data(), bytes.size(), written) == StreamStatus::Done;
    }

    ResponseFraming framing_for(const Connection& c, bool keep_alive) const {
        return ResponseFraming{keep_alive, !c.pending || c.pending->http11, c.https};
    }

    // An answer decided by the loop itself (a refused head, a full queue): always closes.
    void respond_now(Connection& c, const HttpResponse& response) {
        c.out += response_bytes(response, framing_for(c, false));
        c.close_after_write = true;
        enter(c, Phase::Writing);
    }

    Taken dispatch(Connection& c) {
        HttpRequest request = std::move(c.pending->request);
        request.body = c.in.substr(0, c.pending->content_length);
        c.in.erase(0, c.pending->content_length);
        request.peer_address = c.peer;
        request.via_proxy_protocol = c.proxied;
        const bool keep_alive = c.pending->keep_alive && !stopping && c.served + 1 < settings.max_keep_alive_requests;
        const ResponseFraming framing = framing_for(c, keep_alive);
        if (!working.try_add(c.block)) {
            metrics.connections_closed.with({"address_busy"}).add();
            HttpResponse busy = HttpResponse::text(503, "too many requests in progress from your address; retry in a moment\n");
            busy.headers.emplace_back("Retry-After", "1");
            respond_now(c, busy);
            return Taken::Moved;
        }
        c.counted_working = true;
        enter(c, Phase::Working);
        const bool queued = workers.try_submit([this, id = c.id, request = std::move(request), framing] {
            // Nothing may escape a worker: the pool's thread would end the process.
            try {
                const HttpResponse response = router.dispatch(request);
                metrics.http_requests.with({std::to_string(response.status / 100) + "xx"}).add();
                ResponseFraming answer = framing;
                if (response.close_connection) answer.keep_alive = false;
                post(Completion{id, response_bytes(response, answer), !answer.keep_alive});
            } catch (...) {
                ResponseFraming answer = framing;
                answer.keep_alive = false;
                post(Completion{id, response_bytes(HttpResponse::text(500, "internal error\n"), answer), true});
            }
        });
        if (!queued) {
            release_working(c);
            metrics.connections_closed.with({"busy"}).add();
            HttpResponse busy = HttpResponse::text(503, "busy; retry in a moment\n");
            busy.headers.emplace_back("Retry-After", "1");
            respond_now(c, busy);
        }
        return Taken::Moved;
    }

    void take_completions() {
        std::uint64_t count = 0;
        [[maybe_unused]] const auto read = ::read(wake_fd, &count, sizeof count);
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
        c.pending.reset();
        if (c.close_after_write || stopping) {
            c.stream->finish_sending();
            enter(c, Phase::Lingering);
            return;
        }
        // A pipelined request already received is next; else the connection waits, idle, and
        // keeps no buffer capacity (10,000 idle connections after a 64 KiB POST each add up).
        if (c.in.empty()) std::string().swap(c.in);
        enter(c, c.in.empty() ? Phase::Idle : Phase::Head);
    }

    // --- deadlines, caps, shutdown ---------------------------------------------------------

    void sweep(Clock::time_point now) {
        std::vector<Connection*> expired;
        for (auto& [id, c] : connections)
            if (now >= c->deadline) expired.push_back(c.get());
        for (Connection* c : expired) {
            // A peer that began a request hears why it ends; one attempt, never waited for.
            if ((c->phase == Phase::Head && !c->in.empty()) || c->phase == Phase::Body)
                write_all_now(*c, response_bytes(HttpResponse::text(408, "request timed out\n"), framing_for(*c, false)));
            metrics.connections_closed.with({deadline_name(c->phase)}).add();
            close(*c);
        }
        resume_listeners();
    }

    void begin_stopping() {
        stopping = true;
        for (const auto& l : listeners) epoll_ctl(epoll_fd, EPOLL_CTL_DEL, l.fd, nullptr);
        listeners_paused = true;
        std::vector<Connection*> quiet;
        for (auto& [id, c] : connections)
            if (c->phase != Phase::Working && c->phase != Phase::Writing) quiet.push_back(c.get());
        for (Connection* c : quiet) close(*c);
    }

    static const char* deadline_name(Phase phase) {
        switch (phase) {
        case Phase::ProxyHeader: return "proxy_header_deadline";
        case Phase::Handshake: return "handshake_deadline";
        case Phase::Idle: return "idle_deadline";
        case Phase::Head: return "head_deadline";
        case Phase::Body: return "body_deadline";
        case Phase::Writing: return "write_deadline";
        case Phase::Lingering: return "linger_deadline";
        case Phase::Working: break;
        }
        return "deadline";
    }

    void release_working(Connection& c) {
        if (!c.counted_working) return;
        working.remove(c.block);
        c.counted_working = false;
    }

    void close(Connection& c) {
        metrics.connections_open.add(-1);
        release_working(c);
        if (c.idle_listed) idle.erase(c.idle_position);
        if (c.interest != 0) epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
        uncount(c.block);
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
        impl->counts.set_cap(settings.max_connections_per_block);
        impl->working.set_cap(settings.max_requests_per_block);
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
    impl_->wake();
    impl_->thread.join();
}

} // namespace dyndns::http
