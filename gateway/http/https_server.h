// The HTTPS server (Poco NetSSL): TLS 1.2+, IPv4 and IPv6 listeners, one immutable route table, request limits.
#pragma once

#include <cstdint>
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
    void stop(); // stops accepting, lets requests in progress finish

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace dyndns::http
