// The XML-RPC front end: decodes a methodCall into a core request, encodes the core's one answer back.
#pragma once

#include <string>

#include "core/update_service.h"
#include "http/http_types.h"
#include "xmlrpc/xmlrpc_parser.h"

namespace dyndns::xmlrpc {

struct XmlRpcAnswer {
    XmlRpcAnswer(http::HttpResponse r, bool other = false)
        : response(std::move(r)), other_root(other) {} // NOLINT: implicit on purpose
    http::HttpResponse response;
    bool other_root = false; // well-formed XML that is not a methodCall (response is fault 9): another protocol may take it
};

// Methods: SetDyndnsIp, GetDyndnsIp, SetAcmeChallenge, ClearAcmeChallenge and the introspection trio system.listMethods,
// system.methodHelp, system.methodSignature. Anything malformed is fault 9.
class XmlRpcEndpoint {
public:
    explicit XmlRpcEndpoint(core::UpdateService& core, ParseLimits limits = {}) : core_(core), limits_(limits) {}

    // Faults travel in a 200, as the specification says. `client.protocol` is set to "xmlrpc" here.
    XmlRpcAnswer handle(const std::string& body, core::ClientInfo client) const;

private:
    core::UpdateService& core_;
    ParseLimits limits_;
};

} // namespace dyndns::xmlrpc
