// The caller's headers are passed raw (the core decides whether a proxy's are believed), except behind PROXY protocol.
#include "http/client_info.h"

namespace dyndns::http {

core::ClientInfo client_info(const HttpRequest& request, std::string protocol) {
    core::ClientInfo client;
    client.peer_address = request.peer_address;
    // Behind PROXY protocol the proxy spoke at the TCP level and peer_address is already the
    // client; forwarding headers on such a connection were written by the client itself (who may
    // even sit at a trusted proxy's address), so none reaches the core.
    if (!request.via_proxy_protocol) {
        client.x_forwarded_for = request.header_list("X-Forwarded-For");
        client.forwarded = request.header_list("Forwarded");
    }
    client.protocol = std::move(protocol);
    client.user_agent = request.header("User-Agent");
    return client;
}

} // namespace dyndns::http
