// Poco's SAX parser set up the one way the XML front ends (XML-RPC, SOAP) read a body from the network.
#pragma once

#include <string>

#include <Poco/SAX/ContentHandler.h>
#include <Poco/SAX/LexicalHandler.h>
#include <Poco/SAX/SAXParser.h>
#include <Poco/SAX/XMLReader.h>

namespace dyndns::xml {

// Parses `body` with expat through Poco, feeding `content` (and `lexical`, when given: DOCTYPE,
// comments, CDATA). Entities from outside the document are never fetched. `namespaces`: report
// elements by namespace URI and local name (SOAP), or by their written name (XML-RPC has no
// namespaces). Throws what the handlers throw, and Poco::XML::SAXParseException for a body that
// is not well-formed (expat's words and position, none of the body's text).
inline void parse_untrusted(const std::string& body, bool namespaces, Poco::XML::ContentHandler& content,
                            Poco::XML::LexicalHandler* lexical = nullptr) {
    Poco::XML::SAXParser parser;
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, namespaces);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
    parser.setContentHandler(&content);
    if (lexical) parser.setProperty(Poco::XML::XMLReader::PROPERTY_LEXICAL_HANDLER, lexical);
    parser.parseMemoryNP(body.data(), body.size());
}

} // namespace dyndns::xml
