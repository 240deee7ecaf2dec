// Poco HTTPServer behind SecureServerSockets; every request passes the limits, then the route table, inside one catch-all.
#include "http/https_server.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <iostream>
#include <istream>
#include <optional>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

namespace dyndns::http {
namespace {

// Mozilla's "intermediate" TLS 1.2 suites: forward secrecy and AEAD only. TLS 1.3 suites are
// OpenSSL's defaults and not affected by this list.
constexpr const char* kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384";

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

void send(Poco::Net::HTTPServerResponse& out, const HttpResponse& response) {
    const auto status = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status);
    out.setStatusAndReason(status, Poco::Net::HTTPResponse::getReasonForStatus(status));
    out.setContentType(response.content_type);
    for (const auto& [name, value] : response.headers) out.add(name, value); // add: Set-Cookie may repeat
    out.set("X-Content-Type-Options", "nosniff");
    out.set("Cache-Control", "no-store");
    out.setContentLength64(static_cast<Poco::Int64>(response.body.size()));
    out.send() << response.body;
}

struct BodyRead {
    enum class Status { Complete, TooLarge, Broken } status = Status::Complete;
    std::string body;
};

// Reads the whole body within `limit` bytes and `deadline` in all: the socket's timeout applies
// to each read, so without an overall deadline a client sending a byte every few seconds would
// hold a worker thread for as long as it liked. A body cut off by a timeout or a reset is Broken
// (std::istream reports those only as badbit), never mistaken for a complete one.
BodyRead read_body(Poco::Net::HTTPServerRequest& request, std::size_t limit, std::chrono::seconds budget) {
    if (request.hasContentLength() && request.getContentLength64() > static_cast<Poco::Int64>(limit))
        return {BodyRead::Status::TooLarge, {}};
    auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
    const auto deadline = std::chrono::steady_clock::now() + budget;
    // The next request on this keep-alive connection gets the socket's usual timeout back.
    struct RestoreTimeout {
        Poco::Net::HTTPServerRequestImpl* impl;
        Poco::Timespan saved;
        ~RestoreTimeout() {
            try {
                if (impl) impl->socket().setReceiveTimeout(saved);
            } catch (const Poco::Exception&) {
                // The socket is gone; nothing will read from it again.
            }
        }
    } restore{impl, impl ? impl->socket().getReceiveTimeout() : Poco::Timespan()};
    BodyRead result;
    std::istream& in = request.stream();
    char buffer[8192];
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return {BodyRead::Status::Broken, {}};
        if (impl) impl->socket().setReceiveTimeout(Poco::Timespan(left.count()));
        in.read(buffer, sizeof buffer);
        result.body.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (result.body.size() > limit) return {BodyRead::Status::TooLarge, {}};
        if (in.bad()) return {BodyRead::Status::Broken, {}};
        if (in.eof()) return result;
    }
}

// After refusing a body that outgrew the limit while being read, read and drop a bounded amount
// more before the connection closes ("lingering close", as nginx does): a client still sending
// then reads the 413 instead of a reset connection. Bounded in bytes and time, so it costs a
// slow or hostile sender no more than a normal request.
void drain_briefly(Poco::Net::HTTPServerRequest& request) {
    constexpr std::size_t kMaxBytes = 1024 * 1024;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    try {
        if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request))
            impl->socket().setReceiveTimeout(Poco::Timespan(1, 0));
        std::istream& in = request.stream();
        char buffer[8192];
        std::size_t drained = 0;
        while (drained < kMaxBytes && std::chrono::steady_clock::now() < deadline && in.read(buffer, sizeof buffer))
            drained += sizeof buffer;
    } catch (const std::exception&) {
        // A timeout or a reset: the client has stopped sending, which is all this waited for.
    }
}

class RouterHandler final : public Poco::Net::HTTPRequestHandler {
public:
    RouterHandler(const std::vector<Route>& routes, const config::LimitsConfig& limits) : routes_(routes), limits_(limits) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        // The one boundary where anything thrown becomes an answer: an exception escaping a Poco
        // handler closes the connection without one.
        try {
            send(response, route(request, response));
            if (drain_after_send_) drain_briefly(request);
        } catch (const std::exception& e) {
            std::clog << "dyndns-gateway: internal error on " << request.getMethod() << " " << path_of(request.getURI())
                      << ": " << e.what() << '\n';
            if (!response.sent()) {
                response.setKeepAlive(false);
                send(response, HttpResponse::text(500, "internal error\n"));
            }
        } catch (...) {
            std::clog << "dyndns-gateway: unknown internal error\n";
            if (!response.sent()) {
                response.setKeepAlive(false);
                send(response, HttpResponse::text(500, "internal error\n"));
            }
        }
    }

private:
    static std::string path_of(const std::string& uri) { return uri.substr(0, uri.find('?')); }

    HttpResponse route(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
        const std::string& uri = request.getURI();
        if (uri.size() > limits_.max_uri_bytes) {
            response.setKeepAlive(false);
            return HttpResponse::text(414, "URI too long\n");
        }
        std::size_t header_bytes = 0;
        for (const auto& [name, value] : request) header_bytes += name.size() + value.size() + 4;
        if (header_bytes > limits_.max_header_bytes) {
            response.setKeepAlive(false);
            return HttpResponse::text(431, "request header fields too large\n");
        }

        const std::string path = path_of(uri);
        const Route* match = nullptr;
        for (const Route& r : routes_)
            if (r.path == path) match = &r;
        // Refusals before the body is read close the connection: Poco does not skip an unread
        // body, and its bytes must never be read as the next request.
        if (!match) {
            response.setKeepAlive(false);
            return HttpResponse::text(404, "not found\n");
        }
        const auto& methods = match->methods;
        if (std::find(methods.begin(), methods.end(), request.getMethod()) == methods.end()) {
            HttpResponse refused = HttpResponse::text(405, "method not allowed\n");
            std::string allow;
            for (const auto& m : methods) allow += (allow.empty() ? "" : ", ") + m;
            refused.headers.emplace_back("Allow", allow);
            response.setKeepAlive(false);
            return refused;
        }

        auto read = read_body(request, limits_.max_body_bytes, limits_.request_timeout);
        if (read.status == BodyRead::Status::Broken) {
            response.setKeepAlive(false);
            return HttpResponse::text(400, "request body incomplete (timed out or cut off)\n");
        }
        if (read.status == BodyRead::Status::TooLarge) {
            // The rest of an oversized body is not read, so the connection cannot be reused.
            response.setKeepAlive(false);
            drain_after_send_ = true;
            return HttpResponse::text(413, "request body larger than " + std::to_string(limits_.max_body_bytes) + " bytes\n");
        }
        HttpRequest view;
        view.method = request.getMethod();
        view.path = path;
        if (const auto q = uri.find('?'); q != std::string::npos) view.query = uri.substr(q + 1);
        view.content_type = request.get("Content-Type", "");
        view.body = std::move(read.body);
        view.peer_address = request.clientAddress().host().toString();
        for (const auto& header : request) view.headers.emplace_back(header.first, header.second);
        return match->handler(view);
    }

    const std::vector<Route>& routes_;
    const config::LimitsConfig& limits_;
    bool drain_after_send_ = false;
};

class RouterFactory final : public Poco::Net::HTTPRequestHandlerFactory {
public:
    RouterFactory(const std::vector<Route>& routes, const config::LimitsConfig& limits) : routes_(routes), limits_(limits) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new RouterHandler(routes_, limits_);
    }

private:
    const std::vector<Route>& routes_;
    const config::LimitsConfig& limits_;
};

} // namespace

struct HttpsServer::Impl {
    const std::vector<Route> routes; // immutable once serving: handlers read it without locks
    const config::LimitsConfig limits;
    Poco::ThreadPool pool;
    std::vector<std::unique_ptr<Poco::Net::HTTPServer>> servers;

    // Each listener may use max_threads of the shared pool at once.
    Impl(std::vector<Route> r, const config::LimitsConfig& l, std::size_t listeners)
        : routes(std::move(r)), limits(l), pool(1, static_cast<int>(l.max_threads * std::max<std::size_t>(listeners, 1))) {}
};

HttpsServer::HttpsServer(const config::GatewayConfig& config, std::vector<Route> routes)
    : impl_(std::make_unique<Impl>(std::move(routes), config.limits, config.listen.addresses.size())) {
    Poco::Net::initializeSSL();
    const Poco::Net::Context::Ptr context = make_tls_context(config.tls);
    for (const std::string& address : config.listen.addresses) {
        Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(static_cast<int>(config.limits.max_threads));
        params->setMaxQueued(static_cast<int>(config.limits.max_queue));
        params->setKeepAlive(true);
        params->setKeepAliveTimeout(Poco::Timespan(config.limits.keep_alive_timeout.count(), 0));
        params->setMaxKeepAliveRequests(static_cast<int>(config.limits.max_keep_alive_requests));
        params->setTimeout(Poco::Timespan(config.limits.request_timeout.count(), 0));
        params->setSoftwareVersion("dyndns-gateway");
        try {
            Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress(address, config.listen.port), 128, context);
            impl_->servers.push_back(std::make_unique<Poco::Net::HTTPServer>(
                new RouterFactory(impl_->routes, impl_->limits), impl_->pool, socket, params));
        } catch (const Poco::Exception& e) {
            throw std::runtime_error("cannot listen on " + address + " port " + std::to_string(config.listen.port) + ": " +
                                     e.displayText());
        }
    }
}

HttpsServer::~HttpsServer() {
    stop();
}

void HttpsServer::start() {
    for (auto& server : impl_->servers) server->start();
}

void HttpsServer::stop() {
    for (auto& server : impl_->servers) server->stop(); // no new connections
    // Requests in progress finish (the core, the store and the routes must outlive them), for a
    // bounded time; then whatever is left, idle keep-alive connections mostly, is cut.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    const auto busy = [this] {
        for (auto& server : impl_->servers)
            if (server->currentConnections() > 0) return true;
        return false;
    };
    while (busy() && std::chrono::steady_clock::now() < deadline) {
        for (auto& server : impl_->servers) server->stopAll(false); // wakes idle keep-alive connections
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    for (auto& server : impl_->servers) server->stopAll(true);
}

} // namespace dyndns::http
