// The XML-RPC front end: decodes a methodCall into a core request, encodes the core's one answer back.
#pragma once

#include <string>

#include "core/update_service.h"
#include "xmlrpc/xmlrpc_parser.h"

namespace dyndns::xmlrpc {

struct XmlRpcReply {
    int http_status = 200; // faults travel in a 200, as the specification says
    std::string content_type = "text/xml; charset=utf-8";
    std::string body;
    bool not_xmlrpc = false; // well-formed XML that is not a methodCall: another protocol may take it
};

// Methods: SetDyndnsIp, GetDyndnsIp and the introspection trio system.listMethods,
// system.methodHelp, system.methodSignature. Anything malformed is fault 9.
class XmlRpcEndpoint {
public:
    explicit XmlRpcEndpoint(core::UpdateService& core, ParseLimits limits = {}) : core_(core), limits_(limits) {}

    // `client.protocol` is set to "xmlrpc" here.
    XmlRpcReply handle(const std::string& body, core::ClientInfo client) const;

private:
    core::UpdateService& core_;
    ParseLimits limits_;
};

} // namespace dyndns::xmlrpc
