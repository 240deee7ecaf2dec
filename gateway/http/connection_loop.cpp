// One thread drives every connection through its phases (connection.h) on readiness from the event set; connections cost memory, never a thread.
//
// Why not Poco's HTTPServer: it gives each connection a thread for its whole life and runs the
// TLS handshake and the head read on it, so a few hundred idle or slow peers stop the service.
// Why not Poco's SocketReactor: its handlers read with blocking semantics and its SecureSocketImpl
// hides OpenSSL's WANT_READ/WANT_WRITE; the phases and deadlines (connection.h) need them as states. So
// the loop drives OpenSSL on Poco's configured context itself, and Poco still parses every head
// (HTTPRequest::read, in request_head) and writes every answer's head (HTTPResponse::write).
#include "http/connection_loop.h"

#include "vocabulary/thread_name.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "http/connection_loop_impl.h"
#include "http/proxy_intake.h"
#include "log/log.h"

namespace dyndns::http {
namespace {

constexpr int kMaxEvents = 256;
constexpr int kAcceptsPerWake = 256; // then the other connections get their turn
constexpr auto kSweepInterval = std::chrono::milliseconds(100); // deadlines hold to within this
constexpr int kSendBufferBytes = 128 * 1024; // per connection; the kernel doubles it for its bookkeeping

} // namespace

ConnectionLoop::Impl::Impl(EdgeSettings s, std::vector<Listener> l, Poco::Net::Context::Ptr t, const Router& r, WorkerPool& w,
                           std::shared_ptr<Admission> a)
    : settings(s),
      listeners(std::move(l)),
      tls(std::move(t)),
      router(r),
      workers(w),
      shared_admission(a ? std::move(a) : std::make_shared<Admission>(s)),
      admission(*shared_admission) {
    for (std::size_t i = 0; i < listeners.size(); ++i) events.watch(listeners[i].fd, i + 1);
}

ConnectionLoop::Impl::~Impl() {
    for (auto& [id, c] : connections) {
        c->stream.reset();
        ::close(c->fd);
        metrics.connections_open.add(-1);
        admission.closed();
    }
}

void ConnectionLoop::Impl::post(Completion completion) {
    {
        std::lock_guard lock(completions_mutex);
        completions.push_back(std::move(completion));
    }
    events.wake();
}

void ConnectionLoop::Impl::post(std::function<void()> control) {
    {
        std::lock_guard lock(completions_mutex);
        controls.push_back(std::move(control));
    }
    events.wake();
}

void ConnectionLoop::Impl::run() {
    epoll_event ready_events[kMaxEvents];
    auto last_sweep = Clock::now();
    Clock::time_point give_up;
    for (;;) {
        const bool more_now = !ready.empty() || !deferred_handshakes.empty();
        const int n = events.wait(ready_events, kMaxEvents, more_now ? 0 : static_cast<int>(kSweepInterval.count()));
        handshakes_this_turn = 0;
        resume_handshakes();
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

void ConnectionLoop::Impl::resume_handshakes() {
    while (!deferred_handshakes.empty() && handshakes_this_turn < kHandshakesPerTurn) {
        const std::uint64_t id = deferred_handshakes.front();
        deferred_handshakes.pop_front();
        if (const auto found = connections.find(id); found != connections.end()) advance(*found->second);
    }
}

void ConnectionLoop::Impl::accept_from(const Listener& listener) {
    for (int k = 0; k < kAcceptsPerWake; ++k) {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        const int fd = ::accept4(listener.fd, reinterpret_cast<sockaddr*>(&address), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOBUFS || errno == ENOMEM) pause_listeners(); // retried at the next sweep
            if (errno == EMFILE || errno == ENFILE) {
                // Out of descriptors despite the raised limit: make room from the idle, or stop
                // listening until the next sweep rather than spin on a listener that stays ready.
                if (!make_room_here()) pause_listeners();
            }
            return; // EAGAIN: nothing more; anything else: this peer is gone already
        }
        admit(fd, listener, Poco::Net::SocketAddress(reinterpret_cast<const sockaddr*>(&address), length));
    }
}

void ConnectionLoop::Impl::admit(int fd, const Listener& listener, const Poco::Net::SocketAddress& peer) {
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
    case Verdict::RateCap:
        ::close(fd); // over the per-address rate of new connections: no handshake is begun for it
        metrics.connections_closed.with({"connection_rate"}).add();
        return;
    }
    if (admission.at_global_cap(admission.open_total()) && !make_room()) {
        admission.release(block);
        ::close(fd);
        metrics.connections_closed.with({"global_cap"}).add();
        return;
    }
    const int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    // A fixed send buffer instead of the kernel's autotuning (up to 4 MiB a socket): every answer
    // fits (the largest, a panel page, is tens of KiB), and a peer that stops reading pins this
    // much kernel memory at most, until its write deadline resets it.
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kSendBufferBytes, sizeof kSendBufferBytes);
    auto c = std::make_unique<Connection>(settings.head_limits);
    c->id = next_id++;
    c->fd = fd;
    c->https = listener.tls;
    c->proxied = listener.proxy_protocol;
    c->block = std::move(block);
    c->peer = unmapped_peer(peer.host()).toString();
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
    admission.opened();
    enter(connection, listener.proxy_protocol ? Phase::ProxyHeader : Phase::Handshake);
    // Every phase starts with the client's bytes (PROXY header, ClientHello, head), which a
    // connection just accepted seldom has yet: the first step waits for them instead of taking
    // a share of this turn's handshakes.
    set_interest(connection, EPOLLIN);
}

StreamStatus ConnectionLoop::Impl::read_proxy_header(Connection& c) {
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

bool ConnectionLoop::Impl::take_client(Connection& c, const std::optional<Poco::Net::IPAddress>& client) {
    const Poco::Net::IPAddress address = unmapped_peer(client ? *client : Poco::Net::IPAddress(c.peer));
    // A proxy naming no one (0.0.0.0, ::, ::ffff:0.0.0.0) would leave every call unable to tell its caller.
    if (address.isWildcard()) {
        log::warning("closed a connection from the trusted proxy " + c.peer + ": its PROXY header names the unspecified address");
        metrics.connections_closed.with({"proxy_header_invalid"}).add();
        return false;
    }
    if (const Verdict verdict = admission.count_client(address, c.block); verdict != Verdict::Admit) {
        metrics.connections_closed.with({verdict == Verdict::RateCap ? "connection_rate" : "address_cap"}).add();
        return false;
    }
    c.peer = address.toString();
    return true;
}

void ConnectionLoop::Impl::pause_listeners() {
    if (listeners_paused) return;
    for (const auto& l : listeners) events.forget(l.fd);
    listeners_paused = true;
}

void ConnectionLoop::Impl::resume_listeners() {
    if (!listeners_paused || stopping) return;
    for (std::size_t i = 0; i < listeners.size(); ++i) events.watch(listeners[i].fd, i + 1);
    listeners_paused = false;
}

bool ConnectionLoop::Impl::make_room() {
    if (!group || group->members.size() < 2) return make_room_here();
    for (const auto which : {&LoopGroup::Member::oldest_idle, &LoopGroup::Member::oldest_waiting}) {
        LoopGroup::Member* oldest = nullptr;
        std::int64_t since = LoopGroup::kNone;
        for (const auto& member : group->members)
            if (const std::int64_t at = (member.get()->*which).load(); at < since) {
                since = at;
                oldest = member.get();
            }
        if (!oldest) continue;
        if (oldest == me) return make_room_here();
        // Another loop's: it closes it on its own thread; the new connection is let in meanwhile.
        (oldest->*which).store(LoopGroup::kNone); // asked once; it publishes its next oldest
        oldest->make_room();
        return true;
    }
    return false;
}

void ConnectionLoop::Impl::publish_oldest() {
    if (!me) return;
    const auto since = [](const std::list<Connection*>& list) {
        return list.empty()
                   ? LoopGroup::kNone
                   : std::chrono::duration_cast<std::chrono::nanoseconds>(list.front()->listed_at.time_since_epoch()).count();
    };
    me->oldest_idle.store(since(idle));
    me->oldest_waiting.store(since(waiting));
}

bool ConnectionLoop::Impl::make_room_here() {
    if (!idle.empty()) {
        close(*idle.front());
        metrics.connections_closed.with({"idle_evicted"}).add();
        return true;
    }
    if (!waiting.empty()) {
        close(*waiting.front());
        metrics.connections_closed.with({"waiting_evicted"}).add();
        return true;
    }
    return false;
}

void ConnectionLoop::Impl::sweep(Clock::time_point now) {
    std::vector<Connection*> expired;
    for (auto& [id, c] : connections)
        if (now >= c->deadline) expired.push_back(c.get());
    for (Connection* c : expired) {
        // A peer that began a request hears why it ends; one attempt, never waited for.
        if ((c->phase == Phase::Head && c->reader.has_input()) || c->phase == Phase::Body)
            write_all_now(*c, response_bytes(HttpResponse::text(408, "request timed out\n"), framing_for(*c, false)));
        metrics.connections_closed.with({deadline_name(c->phase)}).add();
        if (c->phase == Phase::Writing)
            reset(*c); // a reader too slow for its answer: what it has not read goes, not kept in the kernel
        else
            close(*c);
    }
    resume_listeners();
}

void ConnectionLoop::Impl::begin_stopping() {
    stopping = true;
    for (const auto& l : listeners) events.forget(l.fd);
    listeners_paused = true;
    std::vector<Connection*> quiet;
    for (auto& [id, c] : connections)
        if (c->phase != Phase::Working && c->phase != Phase::Writing) quiet.push_back(c.get());
    for (Connection* c : quiet) close(*c);
}

void ConnectionLoop::Impl::release_working(Connection& c) {
    if (!c.counted_working) return;
    admission.end_request(c.block);
    c.counted_working = false;
}

void ConnectionLoop::Impl::close(Connection& c) {
    metrics.connections_open.add(-1);
    admission.closed();
    release_working(c);
    if (c.listed_in) {
        c.listed_in->erase(c.list_position);
        c.listed_in = nullptr;
        publish_oldest();
    }
    if (c.interest != 0) events.forget(c.fd);
    admission.release(c.block);
    const int fd = c.fd;
    connections.erase(c.id); // frees the TLS session before its socket closes
    ::close(fd);
}

void ConnectionLoop::Impl::reset(Connection& c) {
    const linger abort{1, 0};
    setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    close(c);
}

ConnectionLoop::ConnectionLoop(EdgeSettings settings, std::vector<Listener> listeners, Poco::Net::Context::Ptr tls,
                               const Router& router, WorkerPool& workers, std::shared_ptr<Admission> admission)
    : impl_(std::make_unique<Impl>(settings, std::move(listeners), std::move(tls), router, workers, std::move(admission))) {}

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

void ConnectionLoop::join(const std::shared_ptr<LoopGroup>& group) {
    auto member = std::make_unique<LoopGroup::Member>();
    member->make_room = [impl = impl_.get()] { impl->post(std::function<void()>([impl] { impl->make_room_here(); })); };
    impl_->me = member.get();
    impl_->group = group;
    group->members.push_back(std::move(member));
}

void ConnectionLoop::start(const std::string& thread_name) {
    impl_->thread = std::thread([this, thread_name] {
        core::name_this_thread(thread_name);
        impl_->run();
    });
}

void ConnectionLoop::begin_stop(std::chrono::milliseconds grace) {
    if (!impl_->thread.joinable() || impl_->stop_requested) return;
    impl_->grace = grace;
    impl_->stop_requested = true;
    impl_->events.wake();
}

void ConnectionLoop::stop(std::chrono::milliseconds grace) {
    if (!impl_->thread.joinable()) return;
    begin_stop(grace);
    impl_->thread.join();
}

} // namespace dyndns::http
