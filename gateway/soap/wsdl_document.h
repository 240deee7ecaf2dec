// The WSDL as served at GET /dom/api?wsdl: the built-in contract with soap:address set to the public URL.
#pragma once

#include <string>

namespace dyndns::soap {

// wsdl/dyndns.wsdl as it was at build time.
const char* wsdl_source_text();

// The WSDL with every soap:address and soap12:address location set to `public_url`, streamed
// through Poco's SAX parser into its XMLWriter (the URL is escaped by the writer; namespace
// declarations stay as written). Throws on a WSDL that is not XML.
std::string wsdl_for(const std::string& public_url);

} // namespace dyndns::soap
