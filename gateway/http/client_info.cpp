// The caller's headers are passed raw: the core decides whether a proxy's are believed.
#include "http/client_info.h"

namespace dyndns::http {

core::ClientInfo client_info(const HttpRequest& request, std::string protocol) {
    core::ClientInfo client;
    client.peer_address = request.peer_address;
    client.x_forwarded_for = request.header("X-Forwarded-For");
    client.forwarded = request.header("Forwarded");
    client.protocol = std::move(protocol);
    client.user_agent = request.header("User-Agent");
    return client;
}

} // namespace dyndns::http
