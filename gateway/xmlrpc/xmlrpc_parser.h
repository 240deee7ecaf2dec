// Reads an XML-RPC methodCall with Poco's SAX parser: no DTD, no entities beyond XML's five, bounded depth and size.
#pragma once

#include <string>
#include <variant>

#include "xmlrpc/xmlrpc_value.h"

namespace dyndns::xmlrpc {

struct ParseLimits {
    std::size_t max_bytes = 64 * 1024;
    unsigned max_depth = 32; // nesting of elements, all of them counted
    std::size_t max_elements = 4096;
};

struct ParseError {
    std::string message; // for the caller: what was wrong, never the document's content beyond a name
    bool other_root = false; // well-formed XML whose root is not <methodCall> (a SOAP envelope, say)
};

// The call, or why the body is not one. A document with a DOCTYPE is refused outright, so no
// entity can be declared (and none expanded) and nothing external is fetched.
std::variant<MethodCall, ParseError> parse_method_call(const std::string& body, const ParseLimits& limits = {});

} // namespace dyndns::xmlrpc
