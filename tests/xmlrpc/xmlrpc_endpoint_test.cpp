// The XML-RPC endpoint against a fake core: arity, types, unknown methods, results and faults as docs/contract.md "Faults" says.
#include <doctest/doctest.h>

#include "support/fake_core.h"
#include "xmlrpc/xmlrpc_endpoint.h"

using namespace dyndns;

namespace {

// Records what it was asked; answers what the test set.
using FakeCore = test::FakeCore;

std::string call(const std::string& method, const std::vector<std::string>& params) {
    std::string body = "<?xml version=\"1.0\"?><methodCall><methodName>" + method + "</methodName><params>";
    for (const auto& p : params) body += "<param><value>" + p + "</value></param>";
    return body + "</params></methodCall>";
}

std::string s(const std::string& text) { return "<string>" + text + "</string>"; }

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::string fault_code(int code) { return "<name>faultCode</name><value><int>" + std::to_string(code) + "</int></value>"; }

} // namespace

TEST_CASE("SetDyndnsIp passes the four strings and the client to the core and returns the struct") {
    FakeCore core;
    xmlrpc::XmlRpcEndpoint endpoint(core);
    const auto reply = endpoint.handle(call("SetDyndnsIp", {s("demo"), s("pw"), s("example.test"), s("")}),
                                       {"198.51.100.7", "", "", "", "Python-xmlrpc/3.11"});
    CHECK(reply.response.status == 200);
    CHECK(contains(reply.response.content_type, "text/xml"));
    REQUIRE(core.set_calls.size() == 1);
    CHECK(core.set_calls[0].account == "demo");
    CHECK(core.set_calls[0].address.empty());
    CHECK(core.set_calls[0].client.protocol == "xmlrpc");
    CHECK(core.set_calls[0].client.peer_address == "198.51.100.7");
    for (const char* field : {"<name>domain</name><value><string>example.test</string>",
                              "<name>ip</name><value><string>192.0.2.1</string>", "<name>type</name><value><string>A</string>",
                              "<name>ttl</name><value><int>60</int>", "<name>changed</name><value><boolean>1</boolean>"})
        CHECK(contains(reply.response.body, field));
}

TEST_CASE("a core fault becomes an XML-RPC fault with its number and message") {
    FakeCore core;
    core.set_answer = core::UpdateError{core::Fault::DyndnsDisabled, "dyndns is not enabled for this domain", 0};
    xmlrpc::XmlRpcEndpoint endpoint(core);
    const auto reply = endpoint.handle(call("SetDyndnsIp", {s("a"), s("b"), s("c"), s("")}), {});
    CHECK(reply.response.status == 200);
    CHECK(contains(reply.response.body, "<fault>"));
    CHECK(contains(reply.response.body, fault_code(3)));
    CHECK(contains(reply.response.body, "dyndns is not enabled"));
}

TEST_CASE("wrong arity, wrong types, unknown methods and bad XML are fault 9 and never reach the core") {
    FakeCore core;
    xmlrpc::XmlRpcEndpoint endpoint(core);
    const auto three = endpoint.handle(call("SetDyndnsIp", {s("a"), s("b"), s("c")}), {});
    CHECK(contains(three.response.body, fault_code(9)));
    CHECK(contains(three.response.body, "takes 4 parameters"));
    const auto typed = endpoint.handle(call("SetDyndnsIp", {s("a"), s("b"), s("c"), "<int>42</int>"}), {});
    CHECK(contains(typed.response.body, fault_code(9)));
    CHECK(contains(typed.response.body, "parameter 4 (ip) must be a string, got int"));
    CHECK(contains(endpoint.handle(call("NoSuchMethod", {}), {}).response.body, fault_code(9)));
    CHECK(contains(endpoint.handle("<methodCall>", {}).response.body, fault_code(9)));
    CHECK(core.set_calls.empty());
}

TEST_CASE("a NUL or another control character in a string is fault 9 and never reaches the core") {
    // The rule SOAP follows too (tests/soap): expat refuses what XML 1.0 forbids.
    FakeCore core;
    xmlrpc::XmlRpcEndpoint endpoint(core);
    for (const std::string& ip :
         {std::string("192.0.2.9&#0;garbage"), std::string("192.0.2.9") + '\0' + "garbage", std::string("192.0.2.9&#1;")}) {
        const auto reply = endpoint.handle(call("SetDyndnsIp", {s("a"), s("b"), s("example.test"), s(ip)}), {});
        CHECK(contains(reply.response.body, fault_code(9)));
    }
    CHECK(core.set_calls.empty());
}

TEST_CASE("untyped values are strings, as the specification says") {
    FakeCore core;
    xmlrpc::XmlRpcEndpoint endpoint(core);
    endpoint.handle(call("SetDyndnsIp", {"demo", "pw", "example.test", ""}), {});
    REQUIRE(core.set_calls.size() == 1);
    CHECK(core.set_calls[0].name == "example.test");
}

TEST_CASE("GetDyndnsIp returns arrays of both families") {
    FakeCore core;
    core.get_answer = core::GetAddressesResult{"example.test", {"192.0.2.1"}, {"2001:db8::1", "2001:db8::2"}, 60, {}};
    xmlrpc::XmlRpcEndpoint endpoint(core);
    const auto reply = endpoint.handle(call("GetDyndnsIp", {s("a"), s("b"), s("example.test")}), {});
    CHECK(contains(reply.response.body,
                   "<name>a</name><value><array><data><value><string>192.0.2.1</string></value></data></array>"));
    CHECK(contains(reply.response.body, "<string>2001:db8::2</string>"));
}

TEST_CASE("introspection lists, describes and signs the methods") {
    FakeCore core;
    xmlrpc::XmlRpcEndpoint endpoint(core);
    const auto list = endpoint.handle(call("system.listMethods", {}), {});
    CHECK(contains(list.response.body, "<string>SetDyndnsIp</string>"));
    CHECK(contains(list.response.body, "<string>GetDyndnsIp</string>"));
    CHECK(contains(endpoint.handle(call("system.methodHelp", {s("SetDyndnsIp")}), {}).response.body, "60 s TTL"));
    const auto signature = endpoint.handle(call("system.methodSignature", {s("SetDyndnsIp")}), {});
    CHECK(contains(signature.response.body, "<data><value><string>struct</string></value><value><string>string</string>"));
    CHECK(contains(endpoint.handle(call("system.methodHelp", {s("nope")}), {}).response.body, fault_code(9)));
}

TEST_CASE("SetAcmeChallenge and ClearAcmeChallenge pass four strings and return name values ttl and changed") {
    FakeCore core;
    xmlrpc::XmlRpcEndpoint endpoint(core);
    const std::string value = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
    const auto set = endpoint.handle(call("SetAcmeChallenge", {s("demo"), s("pw"), s("home.example.test"), s(value)}), {});
    for (const std::string& field :
         std::vector<std::string>{"<name>name</name><value><string>_acme-challenge.home.example.test</string>",
                                  "<name>values</name><value><array><data><value><string>" + value,
                                  "<name>ttl</name><value><int>60</int>", "<name>changed</name><value><boolean>1</boolean>"})
        CHECK(contains(set.response.body, field));
    endpoint.handle(call("ClearAcmeChallenge", {s("demo"), s("pw"), s("home.example.test"), s(value)}), {});
    CHECK(core.acme_ops == std::vector<std::string>{"set", "clear"});
    CHECK(core.acme_calls[0].client.protocol == "xmlrpc");
    CHECK(contains(endpoint.handle(call("ClearAcmeChallenge", {s("a"), s("b"), s("c")}), {}).response.body, fault_code(9)));
    core.acme_answer = core::UpdateError{core::Fault::InvalidAddress, "value is not an ACME key-authorization digest", 0};
    CHECK(contains(endpoint.handle(call("SetAcmeChallenge", {s("a"), s("b"), s("c"), s("d")}), {}).response.body, fault_code(4)));
    CHECK(contains(endpoint.handle(call("system.listMethods", {}), {}).response.body, "<string>SetAcmeChallenge</string>"));
}
