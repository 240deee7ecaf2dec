// The XML-RPC parser: the specification's value types, and every hostile document refused with a reason.
#include <doctest/doctest.h>

#include "xmlrpc/xmlrpc_parser.h"
#include "xmlrpc/xmlrpc_writer.h"

using namespace dyndns::xmlrpc;

namespace {

MethodCall parsed(const std::string& body) {
    auto result = parse_method_call(body);
    if (const auto* e = std::get_if<ParseError>(&result)) FAIL("refused: " << e->message);
    return std::get<MethodCall>(result);
}

std::string refused(const std::string& body, const ParseLimits& limits = {}) {
    auto result = parse_method_call(body, limits);
    REQUIRE(std::holds_alternative<ParseError>(result));
    return std::get<ParseError>(result).message;
}

std::string call(const std::string& params) {
    return "<?xml version=\"1.0\"?><methodCall><methodName>m</methodName><params>" + params + "</params></methodCall>";
}

} // namespace

TEST_CASE("a call as Python's xmlrpc.client writes it") {
    const auto c = parsed("<?xml version='1.0'?>\n<methodCall>\n<methodName>SetDyndnsIp</methodName>\n<params>\n"
                          "<param>\n<value><string>demo</string></value>\n</param>\n"
                          "<param>\n<value><string>p&lt;&amp;&gt;w</string></value>\n</param>\n"
                          "<param>\n<value><string>example.test</string></value>\n</param>\n"
                          "<param>\n<value><string></string></value>\n</param>\n</params>\n</methodCall>\n");
    CHECK(c.method == "SetDyndnsIp");
    REQUIRE(c.params.size() == 4);
    CHECK(*c.params[1].string() == "p<&>w");
    CHECK(*c.params[3].string() == "");
}

TEST_CASE("a value without a type is a string, whitespace kept") {
    const auto c = parsed(call("<param><value> spaced </value></param><param><value/></param>"));
    CHECK(*c.params[0].string() == " spaced ");
    CHECK(*c.params[1].string() == "");
}

TEST_CASE("every type of the specification") {
    const auto c = parsed(
        call("<param><value><int>-7</int></value></param>"
             "<param><value><i4>+12</i4></value></param>"
             "<param><value><boolean>1</boolean></value></param>"
             "<param><value><double>-1.5</double></value></param>"
             "<param><value><base64>aGk=</base64></value></param>"
             "<param><value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value></param>"
             "<param><value><array><data><value>a</value><value><int>1</int></value></data></array></value></param>"
             "<param><value><struct><member><name>k</name><value><string>v</string></value></member></struct></value></param>"
             "<param><value><nil/></value></param>"));
    REQUIRE(c.params.size() == 9);
    CHECK(std::get<std::int64_t>(c.params[0].data) == -7);
    CHECK(std::get<std::int64_t>(c.params[1].data) == 12);
    CHECK(std::get<bool>(c.params[2].data));
    CHECK(std::get<double>(c.params[3].data) == -1.5);
    CHECK(c.params[4].type_name() == "base64");
    CHECK(c.params[5].type_name() == "dateTime.iso8601");
    CHECK(std::get<Array>(c.params[6].data).size() == 2);
    CHECK(std::get<Struct>(c.params[7].data).at(0).first == "k");
    CHECK(c.params[8].type_name() == "nil");
}

TEST_CASE("a call without params is a call with none") {
    CHECK(parsed("<methodCall><methodName>system.listMethods</methodName></methodCall>").params.empty());
}

TEST_CASE("malformed documents are refused with a reason") {
    CHECK(refused("").find("XML") != std::string::npos);
    CHECK(refused("<methodCall><methodName>m</methodName>").find("not well-formed") != std::string::npos);
    CHECK(refused("\x00\xff garbage").find("XML") != std::string::npos);
    CHECK(refused("<methodResponse/>").find("methodCall") != std::string::npos);
    CHECK(refused("<methodCall><params/></methodCall>").find("methodName") != std::string::npos);
    CHECK(refused("<methodCall><methodName> </methodName></methodCall>").find("empty") != std::string::npos);
    CHECK(refused(call("<param><value><int>1.5</int></value></param>")).find("integer") != std::string::npos);
    CHECK(refused(call("<param><value><int>99999999999</int></value></param>")).find("range") != std::string::npos);
    CHECK(refused(call("<param><value><boolean>true</boolean></value></param>")).find("boolean") != std::string::npos);
    CHECK(refused(call("<param><value><float>1</float></value></param>")).find("unknown value type") != std::string::npos);
    CHECK(refused(call("<param><value><string>a</string><string>b</string></value></param>")).find("one typed") !=
          std::string::npos);
    CHECK(refused(call("<param><value><struct><member><name>x</name></member></struct></value></param>")).find("member") !=
          std::string::npos);
}

TEST_CASE("a DOCTYPE is refused: no entity bomb and no external entity") {
    const std::string bomb = "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
                             "<methodCall><methodName>&b;</methodName></methodCall>";
    CHECK(refused(bomb).find("DOCTYPE") != std::string::npos);
    const std::string xxe = "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                            "<methodCall><methodName>&x;</methodName></methodCall>";
    const auto message = refused(xxe);
    CHECK(message.find("DOCTYPE") != std::string::npos);
    CHECK(message.find("root") == std::string::npos);
    CHECK(refused("<methodCall><methodName>&undefined;</methodName></methodCall>").size() > 0);
}

TEST_CASE("depth, element count and size are bounded") {
    std::string deep;
    for (int i = 0; i < 200; ++i) deep += "<value><array><data>";
    for (int i = 0; i < 200; ++i) deep += "</data></array></value>";
    CHECK(refused(call("<param>" + deep + "</param>")).find("deeper") != std::string::npos);

    std::string wide;
    for (int i = 0; i < 2060; ++i) wide += "<param><value>x</value></param>";
    CHECK(refused(call(wide)).find("elements") != std::string::npos);

    ParseLimits small;
    small.max_bytes = 100;
    CHECK(refused(call("<param><value>" + std::string(200, 'x') + "</value></param>"), small).find("larger") !=
          std::string::npos);
}

TEST_CASE("what the writer writes, the parser reads back, escaping included") {
    const std::string doc = response_document(Value(Struct{{"s", Value("<&>\"'")}, {"n", Value(60)}, {"b", Value(true)}}));
    CHECK(doc.find("<methodResponse>") != std::string::npos);
    CHECK(doc.find("&lt;&amp;&gt;") != std::string::npos);
    const std::string fault = fault_document(4, "ip is <bad>");
    CHECK(fault.find("<name>faultCode</name><value><int>4</int></value>") != std::string::npos);
    CHECK(fault.find("ip is &lt;bad&gt;") != std::string::npos);
}

TEST_CASE("a well-formed document with another root is marked as such, so the SOAP front end may take it") {
    auto other = parse_method_call("<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>");
    REQUIRE(std::holds_alternative<ParseError>(other));
    CHECK(std::get<ParseError>(other).other_root);
    auto broken = parse_method_call("<methodCall>");
    REQUIRE(std::holds_alternative<ParseError>(broken));
    CHECK_FALSE(std::get<ParseError>(broken).other_root);
}
