// Writes methodResponse documents (a value, or a fault) with Poco's XMLWriter, which does the escaping.
#pragma once

#include <string>

#include "xmlrpc/xmlrpc_value.h"

namespace dyndns::xmlrpc {

std::string response_document(const Value& result);
std::string fault_document(int code, const std::string& message);

} // namespace dyndns::xmlrpc
