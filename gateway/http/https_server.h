// The HTTPS server: an event loop owns every connection under deadlines and caps; a worker pool runs complete requests.
#pragma once

#include <memory>
#include <vector>

#include "config/gateway_config.h"
#include "http/http_types.h"

namespace dyndns::http {

class HttpsServer {
public:
    // Binds every configured address (throws with the address named when one cannot be bound,
    // or when the certificate or key cannot be loaded). Serves nothing until start().
    HttpsServer(const config::GatewayConfig& config, std::vector<Route> routes);
    ~HttpsServer();
    HttpsServer(const HttpsServer&) = delete;
    HttpsServer& operator=(const HttpsServer&) = delete;

    void start();
    // Stops accepting, closes idle connections, lets requests in progress finish (for a bounded
    // time), then closes the rest. Idempotent.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace dyndns::http
