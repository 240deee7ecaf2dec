// Wires each front end to its path; the front ends translate, the core decides.
#include "app/gateway_routes.h"

#include <memory>

#include <Poco/Exception.h>
#include <Poco/Net/MediaType.h>

#include "xmlrpc/xmlrpc_endpoint.h"

namespace dyndns::app {
namespace {

// XML-RPC is text/xml by its specification; application/xml is accepted too, and a missing
// Content-Type is given the benefit of the doubt (the parser decides). Anything else is not a call.
bool is_xml(const std::string& content_type) {
    if (content_type.empty()) return true;
    try {
        const Poco::Net::MediaType type(content_type);
        return type.matches("text", "xml") || type.matches("application", "xml");
    } catch (const Poco::Exception&) {
        return false;
    }
}

} // namespace

core::ClientInfo client_info(const http::HttpRequest& request) {
    core::ClientInfo client;
    client.peer_address = request.peer_address;
    client.x_forwarded_for = request.header("X-Forwarded-For");
    client.forwarded = request.header("Forwarded");
    client.user_agent = request.header("User-Agent");
    return client;
}

std::vector<http::Route> gateway_routes(core::UpdateService& core) {
    auto xmlrpc = std::make_shared<xmlrpc::XmlRpcEndpoint>(core);
    std::vector<http::Route> routes;
    routes.push_back({"/dom/api", {"POST"}, [xmlrpc](const http::HttpRequest& request) {
                          if (!is_xml(request.content_type))
                              return http::HttpResponse::text(415, "Content-Type must be text/xml (XML-RPC)\n");
                          const auto reply = xmlrpc->handle(request.body, client_info(request));
                          return http::HttpResponse{reply.http_status, reply.content_type, reply.body, {}};
                      }});
    return routes;
}

} // namespace dyndns::app
