// Tells a SOAP envelope from an XML-RPC call on the shared URL, by the root element's name and namespace.
#pragma once

#include <string>

namespace dyndns::soap {

// True when the document's root element is a SOAP 1.1 or 1.2 Envelope. Reads only up to the
// root element's start tag (Poco's SAX parser, namespaces on); anything unreadable is false.
bool is_soap_envelope(const std::string& body);

} // namespace dyndns::soap
