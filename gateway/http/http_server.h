// An HTTP(S) server: an event loop owns every connection under deadlines and caps; a worker pool runs complete requests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "config/gateway_config.h"
#include "http/http_types.h"

namespace dyndns::http {

struct ServerOptions {
    std::vector<std::string> addresses;
    std::uint16_t port = 0;
    bool tls = true; // HTTPS with tls_files; false: clear HTTP (the loopback metrics listener)
    config::TlsConfig tls_files;
    config::LimitsConfig limits; // deadlines, caps, sizes, workers
    bool proxy_protocol = false; // every connection starts with a PROXY header from one of trusted_proxies
    std::vector<config::Cidr> trusted_proxies;
    std::string purpose = "HTTPS"; // what a failure to bind calls this listener
    std::string threads = ""; // its threads' names start with this: "" gives loop-0 and worker-N
};

// The public listener: HTTPS on listen.addresses, with the configured limits.
ServerOptions public_listener(const config::GatewayConfig& config);
// The metrics and health listener: clear HTTP on metrics.listen, two workers, small caps.
ServerOptions metrics_listener(const config::GatewayConfig& config);

class HttpServer {
public:
    // Binds every address (throws with the address named when one cannot be bound, or when the
    // certificate or key cannot be loaded). Serves nothing until start().
    HttpServer(const ServerOptions& options, std::vector<Route> routes);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    void start();
    // Stops accepting, closes idle connections, lets requests in progress finish (for a bounded
    // time), then closes the rest. Idempotent.
    void stop();

    // Reload: new connections get this certificate and key, open ones keep theirs. Throws (with
    // the files named) when they cannot be loaded; the running ones stay.
    void reload_tls(const config::TlsConfig& tls_files);
    // Reload: deadlines, caps and sizes for what starts from now on. Worker count and queue
    // length are fixed at start.
    void update_limits(const config::LimitsConfig& limits);
    // Reload: who may connect to a proxy_protocol listener, for connections from now on.
    void update_trusted_proxies(const std::vector<config::Cidr>& trusted_proxies);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace dyndns::http
