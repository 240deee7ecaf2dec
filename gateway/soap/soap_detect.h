// Tells a SOAP envelope from an XML-RPC call on the shared URL, and finds what makes an envelope unfit to hand to gSOAP.
#pragma once

#include <optional>
#include <string>

namespace dyndns::soap {

// True when the document's root element is a SOAP 1.1 or 1.2 Envelope. Reads only up to the
// root element's start tag (Poco's SAX parser, namespaces on); anything unreadable is false.
bool is_soap_envelope(const std::string& body);

// Why `body` must be refused before gSOAP reads it, or nothing. gSOAP reads a NUL (raw or as
// &#0;) as the end of a string and keeps the prefix, so the body is first read by Poco's SAX
// parser (expat), which refuses it and every other character XML forbids, as the XML-RPC
// parser does. A document type declaration is refused (SOAP 1.1 section 3, SOAP 1.2 part 1
// section 5), and so is a Body that does not hold exactly one operation element.
std::optional<std::string> envelope_problem(const std::string& body);

} // namespace dyndns::soap
