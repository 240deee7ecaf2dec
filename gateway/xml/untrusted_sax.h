// Poco's SAX parser set up the one way the XML front ends (XML-RPC, SOAP) read a body from the network.
#pragma once

#include <memory>
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
    // One parser per thread and mode, set up once: building Poco's parser cost a worker a third as
    // much as parsing a call (W2 profile). Each parse starts a new expat parser inside it, and the
    // handlers are set for each parse and cleared after it.
    thread_local std::unique_ptr<Poco::XML::SAXParser> parsers[2];
    auto& parser = parsers[namespaces ? 1 : 0];
    if (!parser) {
        parser = std::make_unique<Poco::XML::SAXParser>();
        parser->setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, namespaces);
        parser->setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
        parser->setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
    }
    struct Handlers {
        Poco::XML::SAXParser& parser;
        Handlers(Poco::XML::SAXParser& p, Poco::XML::ContentHandler* content, Poco::XML::LexicalHandler* lexical) : parser(p) {
            set(content, lexical);
        }
        ~Handlers() { set(nullptr, nullptr); }
        void set(Poco::XML::ContentHandler* content, Poco::XML::LexicalHandler* lexical) {
            parser.setContentHandler(content);
            parser.setProperty(Poco::XML::XMLReader::PROPERTY_LEXICAL_HANDLER, static_cast<void*>(lexical));
        }
    } handlers(*parser, &content, lexical);
    parser->parseMemoryNP(body.data(), body.size());
}

} // namespace dyndns::xml
