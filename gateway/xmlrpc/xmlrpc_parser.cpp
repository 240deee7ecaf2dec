// SAX events become a small bounded element tree; the tree is then read by the XML-RPC specification's rules.
#include "xmlrpc/xmlrpc_parser.h"

#include <charconv>
#include <memory>

#include <Poco/Exception.h>
#include <Poco/SAX/Attributes.h>
#include <Poco/SAX/ContentHandler.h>
#include <Poco/SAX/LexicalHandler.h>
#include <Poco/SAX/Locator.h>

#include "vocabulary/utf8_prefix.h"
#include "xml/untrusted_sax.h"

namespace dyndns::xmlrpc {
namespace {

using Poco::XML::XMLChar;
using Poco::XML::XMLString;

struct Element {
    std::string name;
    std::string text; // character data directly inside, concatenated
    std::vector<std::unique_ptr<Element>> children;
};

// Thrown from the SAX callbacks to stop the parse; expat unwinds and Poco rethrows it.
struct Refused {
    std::string message;
    bool other_root = false;
};

class TreeBuilder final : public Poco::XML::ContentHandler, public Poco::XML::LexicalHandler {
public:
    explicit TreeBuilder(const ParseLimits& limits) : limits_(limits) {}

    std::unique_ptr<Element> root;

    void startElement(const XMLString&, const XMLString&, const XMLString& qname, const Poco::XML::Attributes&) override {
        if (open_.size() >= limits_.max_depth) throw Refused{"elements nested deeper than " + std::to_string(limits_.max_depth)};
        if (++elements_ > limits_.max_elements) throw Refused{"more than " + std::to_string(limits_.max_elements) + " elements"};
        auto element = std::make_unique<Element>();
        element->name = qname;
        Element* raw = element.get();
        if (open_.empty())
            root = std::move(element);
        else
            open_.back()->children.push_back(std::move(element));
        open_.push_back(raw);
    }
    void endElement(const XMLString&, const XMLString&, const XMLString&) override { open_.pop_back(); }
    void characters(const XMLChar ch[], int start, int length) override {
        if (!open_.empty()) open_.back()->text.append(ch + start, static_cast<std::size_t>(length));
    }
    void ignorableWhitespace(const XMLChar ch[], int start, int length) override { characters(ch, start, length); }

    // A DTD is where entities are declared; an XML-RPC call never needs one.
    void startDTD(const XMLString&, const XMLString&, const XMLString&) override {
        throw Refused{"a document type declaration (DOCTYPE) is not allowed"};
    }

    void setDocumentLocator(const Poco::XML::Locator*) override {}
    void startDocument() override {}
    void endDocument() override {}
    void processingInstruction(const XMLString&, const XMLString&) override {}
    void startPrefixMapping(const XMLString&, const XMLString&) override {}
    void endPrefixMapping(const XMLString&) override {}
    void skippedEntity(const XMLString& name) override { throw Refused{"unknown entity '" + core::utf8_prefix(name, 40) + "'"}; }
    void endDTD() override {}
    void startEntity(const XMLString&) override {}
    void endEntity(const XMLString&) override {}
    void startCDATA() override {}
    void endCDATA() override {}
    void comment(const XMLChar[], int, int) override {}

private:
    const ParseLimits& limits_;
    std::vector<Element*> open_;
    std::size_t elements_ = 0;
};

bool blank(const std::string& text) { return text.find_first_not_of(" \t\r\n") == std::string::npos; }

std::string trimmed(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// Reading the tree. Each reader names the element it expected when the document is off.
class Reader {
public:
    MethodCall method_call(const Element& root) {
        if (root.name != "methodCall") throw Refused{"the root element is <" + short_name(root) + ">, not <methodCall>", true};
        MethodCall call;
        const Element* name = nullptr;
        const Element* params = nullptr;
        for (const auto& child : root.children) {
            if (child->name == "methodName" && !name)
                name = child.get();
            else if (child->name == "params" && !params)
                params = child.get();
            else
                throw Refused{"unexpected <" + short_name(*child) + "> in <methodCall>"};
        }
        if (!name) throw Refused{"<methodCall> has no <methodName>"};
        call.method = trimmed(name->text);
        if (call.method.empty()) throw Refused{"<methodName> is empty"};
        if (params) {
            for (const auto& param : params->children) {
                if (param->name != "param") throw Refused{"unexpected <" + short_name(*param) + "> in <params>"};
                call.params.push_back(value(only_child(*param, "value")));
            }
        }
        return call;
    }

private:
    static std::string short_name(const Element& e) { return core::utf8_prefix(e.name, 40); }

    static const Element& only_child(const Element& parent, const std::string& name) {
        if (parent.children.size() != 1 || parent.children.front()->name != name || !blank(parent.text))
            throw Refused{"<" + parent.name + "> must hold exactly one <" + name + ">"};
        return *parent.children.front();
    }

    Value value(const Element& element) {
        // Spec: "If no type is indicated, the type is string."
        if (element.children.empty()) return Value(element.text);
        if (element.children.size() != 1 || !blank(element.text)) throw Refused{"<value> must hold one typed value"};
        const Element& typed = *element.children.front();
        const std::string& type = typed.name;
        if (type == "string") return Value(leaf(typed).text);
        if (type == "int" || type == "i4" || type == "i8") return Value(integer(leaf(typed)));
        if (type == "boolean") {
            const std::string text = trimmed(leaf(typed).text);
            if (text == "1") return Value(true);
            if (text == "0") return Value(false);
            throw Refused{"<boolean> must be 0 or 1"};
        }
        if (type == "double") return Value(floating(leaf(typed)));
        if (type == "base64") return Value(Base64{trimmed(leaf(typed).text)});
        if (type == "dateTime.iso8601") return Value(DateTime{trimmed(leaf(typed).text)});
        if (type == "nil") {
            leaf(typed);
            return Value(Nil{});
        }
        if (type == "array") {
            const Element& data = only_child(typed, "data");
            Array items;
            for (const auto& item : data.children) {
                if (item->name != "value") throw Refused{"unexpected <" + short_name(*item) + "> in <data>"};
                items.push_back(value(*item));
            }
            return Value(std::move(items));
        }
        if (type == "struct") {
            Struct members;
            for (const auto& member : typed.children) {
                if (member->name != "member") throw Refused{"unexpected <" + short_name(*member) + "> in <struct>"};
                const Element* name = nullptr;
                const Element* content = nullptr;
                for (const auto& part : member->children) {
                    if (part->name == "name" && !name)
                        name = part.get();
                    else if (part->name == "value" && !content)
                        content = part.get();
                    else
                        throw Refused{"unexpected <" + short_name(*part) + "> in <member>"};
                }
                if (!name || !content) throw Refused{"a <member> needs a <name> and a <value>"};
                members.emplace_back(leaf(*name).text, value(*content));
            }
            return Value(std::move(members));
        }
        throw Refused{"unknown value type <" + short_name(typed) + ">"};
    }

    static const Element& leaf(const Element& e) {
        if (!e.children.empty()) throw Refused{"<" + e.name + "> cannot contain elements"};
        return e;
    }

    static std::int64_t integer(const Element& e) {
        std::string text = trimmed(e.text);
        if (!text.empty() && text.front() == '+') text.erase(0, 1);
        std::int64_t number = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (text.empty() || error != std::errc() || end != text.data() + text.size())
            throw Refused{"<" + e.name + "> is not an integer"};
        if (e.name != "i8" && (number < INT32_MIN || number > INT32_MAX)) throw Refused{"<" + e.name + "> is out of range"};
        return number;
    }

    static double floating(const Element& e) {
        const std::string text = trimmed(e.text);
        double number = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
        if (text.empty() || error != std::errc() || end != text.data() + text.size()) throw Refused{"<double> is not a number"};
        return number;
    }
};

} // namespace

std::variant<MethodCall, ParseError> parse_method_call(const std::string& body, const ParseLimits& limits) {
    if (body.size() > limits.max_bytes)
        return ParseError{"the call is larger than " + std::to_string(limits.max_bytes) + " bytes"};
    TreeBuilder builder(limits);
    try {
        xml::parse_untrusted(body, false, builder, &builder);
        if (!builder.root) return ParseError{"the body is not an XML document"};
        return Reader().method_call(*builder.root);
    } catch (const Refused& refused) {
        return ParseError{refused.message, refused.other_root};
    } catch (const Poco::Exception& e) {
        // expat's message and position ("not well-formed (invalid token) at line 1 column 5"), no content.
        return ParseError{"not well-formed XML: " + e.message()};
    }
}

} // namespace dyndns::xmlrpc
