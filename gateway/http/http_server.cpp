// Wires the edge: Poco's TLS context and listening sockets, the route table, the worker pool, the connection loop.
#include "http/http_server.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <thread>

#include <Poco/Net/Context.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/ServerSocket.h>
#include <openssl/ssl.h>

#include "http/connection_loop.h"
#include "http/router.h"
#include "http/worker_pool.h"
#include "log/listen_error.h"
#include "log/log.h"

namespace dyndns::http {
namespace {

// Mozilla's "intermediate" TLS 1.2 suites: forward secrecy and AEAD only. TLS 1.3 suites are
// OpenSSL's defaults and not affected by this list.
constexpr const char* kCipherList = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                                    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                                    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

// Deep enough that a burst of connections waits in the kernel rather than being dropped (a
// dropped SYN costs the caller a one-second retransmission); the kernel caps it at somaxconn.
constexpr int kListenBacklog = 4096;
// How long stop() lets requests in progress finish.
constexpr std::chrono::seconds kShutdownGrace{30};
// Descriptors besides connections: listeners, the store, DNS sockets, log files, the metrics listener's 64.
constexpr rlim_t kSpareDescriptors = 256;

// A file that cannot be opened is named with the system's reason ("Permission denied"); OpenSSL's
// words for it, through Poco, do not say it plainly.
void check_readable(const std::string& path, const std::string& what) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw std::runtime_error("cannot read the TLS " + what + " " + path + ": " + std::system_category().message(errno));
    ::close(fd);
}

Poco::Net::Context::Ptr make_tls_context(const config::TlsConfig& tls) {
    if (tls.certificate.empty() || tls.private_key.empty())
        throw std::runtime_error("tls.certificate and tls.private_key must be set to serve HTTPS");
    check_readable(tls.certificate, "certificate");
    check_readable(tls.private_key, "private key");
    Poco::Net::Context::Params params;
    params.privateKeyFile = tls.private_key;
    params.certificateFile = tls.certificate;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE; // no client certificates
    params.loadDefaultCAs = false;
    params.cipherList = kCipherList;
    params.dhUse2048Bits = true; // Poco's built-in DH group is 1024 bits otherwise
    try {
        Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
        context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        context->preferServerCiphers();
        context->enableSessionCache(true, "dyndns-gateway");
        // A TLS 1.2 client renegotiating again and again on one connection would cost a full
        // handshake each time, past the rate of new connections and the loop's handshake share.
        // OpenSSL 3 refuses client renegotiation by default; said here so it is not left to a default.
        SSL_CTX_set_options(context->sslContext(), SSL_OP_NO_RENEGOTIATION);
        return context;
    } catch (const Poco::Exception& e) {
        // Poco's message names the file it could not load and OpenSSL's reason.
        throw std::runtime_error("cannot load the TLS certificate " + tls.certificate + " or private key " + tls.private_key +
                                 ": " + e.message());
    }
}

// The connection caps mean nothing if the process runs out of descriptors first.
void raise_open_files_limit(std::size_t connections) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    const rlim_t wanted = static_cast<rlim_t>(connections) + kSpareDescriptors;
    if (limit.rlim_cur >= wanted) return;
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < wanted)
        log::warning("open-files limit " + std::to_string(limit.rlim_cur) + " is below the " + std::to_string(wanted) +
                     " that limits.max_connections needs; raise LimitNOFILE");
}

EdgeSettings edge_settings(const config::LimitsConfig& limits, const std::vector<config::Cidr>& trusted_proxies) {
    EdgeSettings edge;
    edge.head_limits = HeadLimits{limits.max_uri_bytes, limits.max_header_bytes, limits.max_body_bytes};
    edge.handshake_timeout = limits.handshake_timeout;
    edge.head_timeout = limits.head_timeout;
    edge.body_timeout = limits.body_timeout;
    edge.idle_timeout = limits.keep_alive_timeout;
    edge.max_connections = limits.max_connections;
    edge.max_connections_per_block = limits.max_connections_per_address;
    edge.max_requests_per_block = limits.max_requests_per_address;
    edge.new_connections_per_second_per_block = limits.new_connections_per_second_per_address;
    edge.max_keep_alive_requests = limits.max_keep_alive_requests;
    edge.trusted_proxies = trusted_proxies;
    return edge;
}

} // namespace

struct HttpServer::Impl {
    Poco::Net::Context::Ptr tls; // null for a clear-HTTP listener
    std::vector<Poco::Net::ServerSocket> sockets;
    Router router;
    WorkerPool workers;
    std::vector<std::unique_ptr<ConnectionLoop>> loops; // sharing the listeners and the admission counts
    std::string loop_thread; // the first loop thread's name; the others get their number
    bool stopped = false;
    // What the loop's settings are made from; each reload replaces one and sends both.
    config::LimitsConfig limits;
    std::vector<config::Cidr> trusted_proxies;

    Impl(const ServerOptions& options, std::vector<Route> routes)
        : router(std::move(routes)),
          workers(options.limits.max_threads, options.limits.max_queue,
                  options.threads.empty() ? "worker-" : options.threads + "-w"),
          loop_thread(options.threads.empty() ? "loop-0" : options.threads),
          limits(options.limits),
          trusted_proxies(options.trusted_proxies) {}
};

ServerOptions public_listener(const config::GatewayConfig& config) {
    return ServerOptions{config.listen.addresses,      config.listen.port,    true, config.tls, config.limits,
                         config.listen.proxy_protocol, config.trusted_proxies};
}

ServerOptions metrics_listener(const config::GatewayConfig& config) {
    ServerOptions options{
        {config.metrics.address}, config.metrics.port, false, {}, config.limits, false, {}, "metrics", "metrics"};
    // A scraper and a health checker or two: a few connections, two workers.
    options.limits.max_threads = 2;
    options.limits.max_queue = 16;
    options.limits.max_connections = 64;
    options.limits.max_connections_per_address = 16;
    options.limits.event_loops = 1;
    return options;
}

HttpServer::HttpServer(const ServerOptions& options, std::vector<Route> routes)
    : impl_(std::make_unique<Impl>(options, std::move(routes))) {
    if (options.tls) {
        Poco::Net::initializeSSL();
        impl_->tls = make_tls_context(options.tls_files);
    }
    std::vector<Listener> listeners;
    for (const std::string& address : options.addresses) {
        try {
            // SO_REUSEADDR for a quick restart, never SO_REUSEPORT (Poco's default with it): a
            // second gateway started on the same port must fail, not share the connections.
            Poco::Net::ServerSocket socket;
            const Poco::Net::SocketAddress where(address, options.port);
            if (where.family() == Poco::Net::SocketAddress::IPv6)
                socket.bind6(where, true, false, false); // not IPv6-only: "::" serves IPv4 too, whatever the sysctl says
            else
                socket.bind(where, true, false);
            socket.listen(kListenBacklog);
            socket.setBlocking(false);
            listeners.push_back(Listener{socket.impl()->sockfd(), options.tls, options.proxy_protocol});
            impl_->sockets.push_back(std::move(socket));
        } catch (const Poco::Exception& e) {
            throw log::listen_error(address, options.port, options.purpose, e);
        }
    }
    raise_open_files_limit(options.limits.max_connections);
    const EdgeSettings edge = edge_settings(options.limits, options.trusted_proxies);
    const auto admission = std::make_shared<Admission>(edge);
    unsigned loops = options.limits.event_loops;
    if (loops == 0) loops = std::max(1U, std::thread::hardware_concurrency());
    const auto group = std::make_shared<LoopGroup>();
    for (unsigned n = 0; n < loops; ++n) {
        impl_->loops.push_back(
            std::make_unique<ConnectionLoop>(edge, listeners, impl_->tls, impl_->router, impl_->workers, admission));
        impl_->loops.back()->join(group);
    }
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
    for (std::size_t n = 0; n < impl_->loops.size(); ++n)
        impl_->loops[n]->start(n == 0 ? impl_->loop_thread : "loop-" + std::to_string(n));
}

void HttpServer::stop() {
    if (impl_->stopped) return;
    impl_->stopped = true;
    for (auto& loop : impl_->loops) loop->begin_stop(kShutdownGrace);
    for (auto& loop : impl_->loops) loop->stop(kShutdownGrace);
    impl_->workers.stop(); // after the loop: a request still running past the grace finishes first
}

void HttpServer::reload_tls(const config::TlsConfig& tls_files) {
    if (!impl_->tls) return;
    const auto context = make_tls_context(tls_files);
    for (auto& loop : impl_->loops) loop->set_tls(context);
}

void HttpServer::update_limits(const config::LimitsConfig& limits) {
    impl_->limits = limits;
    for (auto& loop : impl_->loops) loop->set_settings(edge_settings(impl_->limits, impl_->trusted_proxies));
}

void HttpServer::update_trusted_proxies(const std::vector<config::Cidr>& trusted_proxies) {
    impl_->trusted_proxies = trusted_proxies;
    for (auto& loop : impl_->loops) loop->set_settings(edge_settings(impl_->limits, impl_->trusted_proxies));
}

} // namespace dyndns::http
