// Stops the SAX parse at the first start tag: the body is not read further than its root element.
#include "soap/soap_detect.h"

#include <Poco/Exception.h>
#include <Poco/SAX/Attributes.h>
#include <Poco/SAX/DefaultHandler.h>
#include <Poco/SAX/SAXParser.h>
#include <Poco/SAX/XMLReader.h>

namespace dyndns::soap {
namespace {

constexpr const char* kSoap11EnvelopeNs = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr const char* kSoap12EnvelopeNs = "http://www.w3.org/2003/05/soap-envelope";

struct RootSeen {
    bool envelope;
};

class RootProbe final : public Poco::XML::DefaultHandler {
public:
    void startElement(const Poco::XML::XMLString& uri, const Poco::XML::XMLString& local_name, const Poco::XML::XMLString&,
                      const Poco::XML::Attributes&) override {
        throw RootSeen{local_name == "Envelope" && (uri == kSoap11EnvelopeNs || uri == kSoap12EnvelopeNs)};
    }
};

} // namespace

bool is_soap_envelope(const std::string& body) {
    RootProbe probe;
    try {
        Poco::XML::SAXParser parser;
        parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, true);
        parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
        parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
        parser.setContentHandler(&probe);
        parser.parseMemoryNP(body.data(), body.size());
    } catch (const RootSeen& seen) {
        return seen.envelope;
    } catch (const Poco::Exception&) {
        return false;
    }
    return false;
}

} // namespace dyndns::soap
