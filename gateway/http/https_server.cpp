// Wires the edge: Poco's TLS context and listening sockets, the route table, the worker pool, the connection loop.
#include "http/https_server.h"

#include <sys/resource.h>

#include <iostream>

#include <Poco/Net/Context.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/ServerSocket.h>

#include "http/connection_loop.h"
#include "http/router.h"
#include "http/worker_pool.h"

namespace dyndns::http {
namespace {

// Mozilla's "intermediate" TLS 1.2 suites: forward secrecy and AEAD only. TLS 1.3 suites are
// OpenSSL's defaults and not affected by this list.
constexpr const char* kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

// Deep enough that a burst of connections waits in the kernel rather than being dropped (a
// dropped SYN costs the caller a one-second retransmission); the kernel caps it at somaxconn.
constexpr int kListenBacklog = 4096;
// How long stop() lets requests in progress finish.
constexpr std::chrono::seconds kShutdownGrace{30};
// Descriptors besides connections: listeners, the store, DNS sockets, log files.
constexpr rlim_t kSpareDescriptors = 256;

Poco::Net::Context::Ptr make_tls_context(const config::TlsConfig& tls) {
    if (tls.certificate.empty() || tls.private_key.empty())
        throw std::runtime_error("tls.certificate and tls.private_key must be set to serve HTTPS");
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
        return context;
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot load the TLS certificate or key (" + tls.certificate + ", " + tls.private_key +
                                 "): " + e.displayText());
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
        std::clog << "dyndns-gateway: open-files limit " << limit.rlim_cur << " is below the " << wanted
                  << " that limits.max_connections needs; raise LimitNOFILE\n";
}

EdgeSettings edge_settings(const config::LimitsConfig& limits) {
    EdgeSettings edge;
    edge.head_limits = HeadLimits{limits.max_uri_bytes, limits.max_header_bytes, limits.max_body_bytes};
    edge.handshake_timeout = limits.handshake_timeout;
    edge.head_timeout = limits.head_timeout;
    edge.body_timeout = limits.body_timeout;
    edge.idle_timeout = limits.keep_alive_timeout;
    edge.max_connections = limits.max_connections;
    edge.max_connections_per_block = limits.max_connections_per_address;
    edge.max_keep_alive_requests = limits.max_keep_alive_requests;
    return edge;
}

} // namespace

struct HttpsServer::Impl {
    Poco::Net::Context::Ptr tls;
    std::vector<Poco::Net::ServerSocket> sockets;
    Router router;
    WorkerPool workers;
    std::unique_ptr<ConnectionLoop> loop;
    bool stopped = false;

    Impl(const config::GatewayConfig& config, std::vector<Route> routes)
        : router(std::move(routes)), workers(config.limits.max_threads, config.limits.max_queue) {}
};

HttpsServer::HttpsServer(const config::GatewayConfig& config, std::vector<Route> routes)
    : impl_(std::make_unique<Impl>(config, std::move(routes))) {
    Poco::Net::initializeSSL();
    impl_->tls = make_tls_context(config.tls);
    std::vector<Listener> listeners;
    for (const std::string& address : config.listen.addresses) {
        try {
            Poco::Net::ServerSocket socket(Poco::Net::SocketAddress(address, config.listen.port), kListenBacklog);
            socket.setBlocking(false);
            listeners.push_back(Listener{socket.impl()->sockfd(), impl_->tls->sslContext()});
            impl_->sockets.push_back(std::move(socket));
        } catch (const Poco::Exception& e) {
            throw std::runtime_error("cannot listen on " + address + " port " + std::to_string(config.listen.port) + ": " +
                                     e.displayText());
        }
    }
    raise_open_files_limit(config.limits.max_connections);
    impl_->loop = std::make_unique<ConnectionLoop>(edge_settings(config.limits), std::move(listeners), impl_->router, impl_->workers);
}

HttpsServer::~HttpsServer() { stop(); }

void HttpsServer::start() { impl_->loop->start(); }

void HttpsServer::stop() {
    if (impl_->stopped) return;
    impl_->stopped = true;
    impl_->loop->stop(kShutdownGrace);
    impl_->workers.stop(); // after the loop: a request still running past the grace finishes first
}

} // namespace dyndns::http
