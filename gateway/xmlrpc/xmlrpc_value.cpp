// Type names of XML-RPC values, for the faults that say which type was expected.
#include "xmlrpc/xmlrpc_value.h"

namespace dyndns::xmlrpc {

std::string Value::type_name() const {
    static const char* const names[] = {"string",           "int",   "boolean", "double", "base64",
                                        "dateTime.iso8601", "array", "struct",  "nil"};
    return names[data.index()];
}

} // namespace dyndns::xmlrpc
