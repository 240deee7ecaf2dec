// Rewrites the WSDL's endpoint addresses once at start-up: Poco's SAX parser feeds its XMLWriter through a filter.
#include "soap/wsdl_document.h"

#include <sstream>

#include <Poco/SAX/AttributesImpl.h>
#include <Poco/SAX/SAXParser.h>
#include <Poco/SAX/XMLFilterImpl.h>
#include <Poco/SAX/XMLReader.h>
#include <Poco/XML/XMLWriter.h>

namespace dyndns::soap {
namespace {

constexpr const char* kSoap11BindingNs = "http://schemas.xmlsoap.org/wsdl/soap/";
constexpr const char* kSoap12BindingNs = "http://schemas.xmlsoap.org/wsdl/soap12/";

// Passes every event through, changing only the location of soap:address and soap12:address.
// Streaming (not a DOM) keeps every namespace declaration as written: the WSDL's QName values
// (element="tns:SetDyndnsIp") need prefixes that no element name uses.
class AddressFilter final : public Poco::XML::XMLFilterImpl {
public:
    AddressFilter(Poco::XML::XMLReader* parent, std::string location) : XMLFilterImpl(parent), location_(std::move(location)) {}

    void startElement(const Poco::XML::XMLString& uri, const Poco::XML::XMLString& local_name, const Poco::XML::XMLString& qname,
                      const Poco::XML::Attributes& attributes) override {
        if (local_name == "address" && (uri == kSoap11BindingNs || uri == kSoap12BindingNs)) {
            Poco::XML::AttributesImpl changed(attributes);
            changed.setValue("", "location", location_);
            XMLFilterImpl::startElement(uri, local_name, qname, changed);
            return;
        }
        XMLFilterImpl::startElement(uri, local_name, qname, attributes);
    }

private:
    std::string location_;
};

} // namespace

std::string wsdl_for(const std::string& public_url) {
    const std::string source = wsdl_source_text();
    std::ostringstream out;
    Poco::XML::XMLWriter writer(out, Poco::XML::XMLWriter::WRITE_XML_DECLARATION);
    Poco::XML::SAXParser parser;
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACES, true);
    parser.setFeature(Poco::XML::XMLReader::FEATURE_NAMESPACE_PREFIXES, false);
    AddressFilter filter(&parser, public_url);
    filter.setContentHandler(&writer);
    filter.parseMemoryNP(source.data(), source.size());
    return out.str();
}

} // namespace dyndns::soap
