// Wires each front end to its path; the front ends translate, the core decides.
#include "app/gateway_routes.h"

#include <memory>

#include <Poco/String.h>
#include <Poco/URI.h>

#include "acme/acme_dns_endpoint.h"
#include "api/api_endpoint.h"
#include "acme/httpreq_endpoint.h"
#include "dyndns2/dyndns2_endpoint.h"
#include "http/client_info.h"
#include "panel/panel_endpoint.h"
#include "soap/soap_detect.h"
#include "soap/soap_endpoint.h"
#include "soap/wsdl_document.h"
#include "vocabulary/no_wait.h"
#include "xmlrpc/xmlrpc_endpoint.h"

namespace dyndns::app {
namespace {

// XML-RPC is text/xml by its specification; application/xml is accepted too, and a missing
// Content-Type is given the benefit of the doubt (the parser decides). Anything else is not a call.
bool is_xml(const std::string& content_type) {
    return content_type.empty() || http::media_type_is(content_type, "text", "xml") ||
           http::media_type_is(content_type, "application", "xml");
}

// SOAP on the shared URL by its headers: a SOAP 1.2 media type or a SOAPAction header (SOAP 1.1).
// A SOAP 1.1 body sent without SOAPAction is recognised after XML-RPC finds no methodCall in it.
bool is_soap(const http::HttpRequest& request) {
    if (http::media_type_is(request.content_type, "application", "soap+xml")) return true;
    for (const auto& [name, value] : request.headers)
        if (Poco::icompare(name, "SOAPAction") == 0) return true;
    return false;
}

bool asks_for_wsdl(const std::string& query) { return Poco::icompare(query, "wsdl") == 0; }

} // namespace

std::vector<http::Route> gateway_routes(core::UpdateService& core, core::AccountService& accounts,
                                        core::ProvisioningService& provisioning, const config::GatewayConfig& config) {
    // Each front end's own size check agrees with the HTTP layer's body limit.
    xmlrpc::ParseLimits xmlrpc_limits;
    xmlrpc_limits.max_bytes = config.limits.max_body_bytes;
    auto xmlrpc = std::make_shared<xmlrpc::XmlRpcEndpoint>(core, xmlrpc_limits);
    soap::SoapLimits soap_limits;
    soap_limits.max_body_bytes = config.limits.max_body_bytes;
    auto soap = std::make_shared<soap::SoapEndpoint>(core, soap_limits);
    // Rewritten once: the public URL does not change while the gateway runs.
    auto wsdl = std::make_shared<const std::string>(soap::wsdl_for(config.public_url));

    std::vector<http::Route> routes;
    routes.push_back({"/dom/api", {"GET", "POST"}, [xmlrpc, soap, wsdl](const http::HttpRequest& request) {
                          if (request.method == "GET") {
                              if (!asks_for_wsdl(request.query))
                                  return http::HttpResponse::text(404, "POST XML-RPC or SOAP here; the WSDL is at ?wsdl\n");
                              return http::HttpResponse{200, "text/xml; charset=utf-8", *wsdl, {}, false};
                          }
                          // gSOAP's frames are not for unwinding a WouldBlock through: SOAP always runs on a worker.
                          if (is_soap(request)) {
                              core::may_wait();
                              return soap->handle(request.body, http::client_info(request, "soap"));
                          }
                          if (!is_xml(request.content_type))
                              return http::HttpResponse::text(415, "Content-Type must be text/xml (XML-RPC)\n");
                          auto answer = xmlrpc->handle(request.body, http::client_info(request, "xmlrpc"));
                          if (answer.other_root && soap::is_soap_envelope(request.body)) {
                              core::may_wait();
                              return soap->handle(request.body, http::client_info(request, "soap"));
                          }
                          return std::move(answer.response);
                      }});
    routes.back().answers_from_memory = config.limits.answer_calls_on_loop; // XML-RPC; SOAP goes on to a worker

    auto dyndns2 = std::make_shared<dyndns2::Dyndns2Endpoint>(core);
    // Routers send GET; a few clients POST a form, whose fields count like the query's.
    routes.push_back({"/nic/update", {"GET", "POST"}, [dyndns2](const http::HttpRequest& request) {
                          std::string query = request.query;
                          if (request.method == "POST" &&
                              http::media_type_is(request.content_type, "application", "x-www-form-urlencoded") &&
                              !request.body.empty())
                              query += (query.empty() ? "" : "&") + request.body;
                          return dyndns2->update(query, request.header("Authorization"), http::client_info(request, "dyndns2"));
                      }});
    routes.back().answers_from_memory = config.limits.answer_calls_on_loop;
    const http::Handler check_ip = [dyndns2](const http::HttpRequest& request) {
        return dyndns2->check_ip(http::client_info(request, "dyndns2"));
    };
    routes.push_back({"/nic/checkip", {"GET"}, check_ip});
    routes.push_back({"/myip", {"GET"}, check_ip});

    // ACME DNS-01: lego's httpreq (base https://HOST:8192/acme) and the acme-dns API (base https://HOST:8192/acme-dns).
    auto httpreq = std::make_shared<acme::HttpreqEndpoint>(core);
    for (const bool present : {true, false})
        routes.push_back(
            {present ? "/acme/present" : "/acme/cleanup", {"POST"}, [httpreq, present](const http::HttpRequest& request) {
                 return httpreq->handle(present, request, http::client_info(request, "httpreq"));
             }});
    auto acme_dns = std::make_shared<acme::AcmeDnsEndpoint>(core);
    routes.push_back({"/acme-dns/update", {"POST"}, [acme_dns](const http::HttpRequest& request) {
                          return acme_dns->update(request, http::client_info(request, "acme-dns"));
                      }});

    // The JSON API (docs/api.md): every path under /api/v1/.
    routes.push_back(api::api_route(std::make_shared<api::ApiEndpoint>(core, provisioning, &accounts)));

    const Poco::URI public_url(config.public_url);
    auto panel = std::make_shared<panel::PanelEndpoint>(
        accounts, panel::ClientEndpoints{config.public_url, public_url.getHost(), public_url.getPort()});
    for (auto& route : panel->routes()) {
        // Each handler keeps the panel (and its sessions) alive as long as the route table.
        route.handler = [panel, handler = std::move(route.handler)](const http::HttpRequest& request) {
            return handler(request);
        };
        routes.push_back(std::move(route));
    }
    return routes;
}

} // namespace dyndns::app
