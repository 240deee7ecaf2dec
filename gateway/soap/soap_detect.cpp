// SAX passes over a SOAP body: one that stops at the root element, one that reads the whole envelope's shape.
#include "soap/soap_detect.h"

#include <Poco/Exception.h>
#include <Poco/SAX/Attributes.h>
#include <Poco/SAX/DefaultHandler.h>
#include <Poco/SAX/LexicalHandler.h>

#include "xml/untrusted_sax.h"

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

// Thrown from the callbacks to stop the parse with the reason.
struct Unfit {
    std::string reason;
};

class ShapeCheck final : public Poco::XML::DefaultHandler, public Poco::XML::LexicalHandler {
public:
    void startElement(const Poco::XML::XMLString& uri, const Poco::XML::XMLString& local_name, const Poco::XML::XMLString&,
                      const Poco::XML::Attributes&) override {
        ++depth_;
        const bool soap_ns = uri == kSoap11EnvelopeNs || uri == kSoap12EnvelopeNs;
        if (depth_ == 2 && soap_ns && local_name == "Body") in_body_ = true;
        if (depth_ == 3 && in_body_ && ++operations_ > 1) throw Unfit{"the SOAP Body holds more than one operation"};
    }
    void endElement(const Poco::XML::XMLString&, const Poco::XML::XMLString&, const Poco::XML::XMLString&) override {
        if (depth_ == 2) in_body_ = false;
        --depth_;
    }
    void startDTD(const Poco::XML::XMLString&, const Poco::XML::XMLString&, const Poco::XML::XMLString&) override {
        throw Unfit{"a SOAP message must not contain a document type declaration"};
    }
    void endDTD() override {}
    void startEntity(const Poco::XML::XMLString&) override {}
    void endEntity(const Poco::XML::XMLString&) override {}
    void startCDATA() override {}
    void endCDATA() override {}
    void comment(const Poco::XML::XMLChar[], int, int) override {}

private:
    int depth_ = 0;
    bool in_body_ = false;
    int operations_ = 0;
};

} // namespace

std::optional<std::string> envelope_problem(const std::string& body) {
    ShapeCheck check;
    try {
        xml::parse_untrusted(body, true, check, &check);
    } catch (const Unfit& unfit) {
        return unfit.reason;
    } catch (const Poco::Exception& e) {
        // expat's words ("reference to invalid character number", "not well-formed"), with no
        // request text in them.
        return "the SOAP request is not well-formed XML: " + e.message();
    }
    return std::nullopt;
}

bool is_soap_envelope(const std::string& body) {
    RootProbe probe;
    try {
        xml::parse_untrusted(body, true, probe);
    } catch (const RootSeen& seen) {
        return seen.envelope;
    } catch (const Poco::Exception&) {
        return false;
    }
    return false;
}

} // namespace dyndns::soap
