// The SOAP endpoint against a fake core: both SOAP versions, typed fault details, hostile envelopes, detection, the WSDL.
#include <doctest/doctest.h>

#include "soap/soap_detect.h"
#include "soap/soap_endpoint.h"
#include "soap/wsdl_document.h"
#include "support/fake_core.h"

using namespace dyndns;

namespace {

using FakeCore = test::FakeCore;

const std::string kSoap11 = "http://schemas.xmlsoap.org/soap/envelope/";
const std::string kSoap12 = "http://www.w3.org/2003/05/soap-envelope";

std::string envelope(const std::string& ns, const std::string& body) {
    return "<?xml version=\"1.0\"?><e:Envelope xmlns:e=\"" + ns + "\" xmlns:d=\"urn:dyndns-gateway\"><e:Body>" + body +
           "</e:Body></e:Envelope>";
}

std::string set_call(const std::string& ip = "", const std::string& password = "pw") {
    return "<d:SetDyndnsIp><d:account>demo</d:account><d:password>" + password +
           "</d:password><d:domain>example.test</d:domain><d:ip>" + ip + "</d:ip></d:SetDyndnsIp>";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

} // namespace

TEST_CASE("SOAP 1.1: SetDyndnsIp reaches the core and answers in text/xml") {
    FakeCore core;
    soap::SoapEndpoint endpoint(core);
    const auto reply = endpoint.handle(envelope(kSoap11, set_call("192.0.2.1")), {"198.51.100.9", "", "", "", "zeep"});
    CHECK(reply.status == 200);
    CHECK(contains(reply.content_type, "text/xml"));
    CHECK(contains(reply.body, kSoap11));
    CHECK(contains(reply.body, "SetDyndnsIpResponse"));
    CHECK(contains(reply.body, ">192.0.2.1<"));
    CHECK(contains(reply.body, ">60<"));
    CHECK(contains(reply.body, ">true<"));
    REQUIRE(core.set_calls.size() == 1);
    CHECK(core.set_calls[0].account == "demo");
    CHECK(core.set_calls[0].address == "192.0.2.1");
    CHECK(core.set_calls[0].client.protocol == "soap");
    CHECK(core.set_calls[0].client.peer_address == "198.51.100.9");
}

TEST_CASE("SOAP 1.2: the same call answers in application/soap+xml") {
    FakeCore core;
    soap::SoapEndpoint endpoint(core);
    const auto reply = endpoint.handle(envelope(kSoap12, set_call()), {});
    CHECK(reply.status == 200);
    CHECK(contains(reply.content_type, "application/soap+xml"));
    CHECK(contains(reply.body, kSoap12));
    CHECK(core.set_calls.at(0).address.empty());
}

TEST_CASE("GetDyndnsIp lists both families") {
    FakeCore core;
    soap::SoapEndpoint endpoint(core);
    const auto reply = endpoint.handle(
        envelope(kSoap11, "<d:GetDyndnsIp><d:account>a</d:account><d:password>p</d:password><d:domain>example.test</d:domain>"
                          "</d:GetDyndnsIp>"),
        {});
    CHECK(reply.status == 200);
    CHECK(contains(reply.body, "2001:db8::2"));
}

TEST_CASE("a core fault is a Client or Server fault with a DyndnsFault detail") {
    FakeCore core;
    core.set_answer = core::UpdateError{core::Fault::AuthFailed, "wrong account or password", 0};
    soap::SoapEndpoint endpoint(core);
    const auto v11 = endpoint.handle(envelope(kSoap11, set_call("", "bad")), {});
    CHECK(v11.status == 500);
    CHECK(contains(v11.body, "Client"));
    CHECK(contains(v11.body, "wrong account or password"));
    CHECK(contains(v11.body, "DyndnsFault"));
    CHECK(contains(v11.body, ">1<"));
    CHECK(contains(v11.body, "AUTH_FAILED"));
    const auto v12 = endpoint.handle(envelope(kSoap12, set_call("", "bad")), {});
    CHECK(v12.status == 400); // SOAP 1.2 HTTP binding: a Sender fault
    CHECK(contains(v12.body, "Sender"));

    core.set_answer = core::UpdateError{core::Fault::DnsUnavailable, "DNS primary unreachable", 0};
    const auto server = endpoint.handle(envelope(kSoap12, set_call()), {});
    CHECK(server.status == 500);
    CHECK(contains(server.body, "Receiver"));
    CHECK(contains(server.body, "DNS_UNAVAILABLE"));
}

TEST_CASE("malformed envelopes, unknown operations, missing elements and oversized input are faults that reach no core") {
    FakeCore core;
    soap::SoapEndpoint endpoint(core);
    const std::string missing_ip = "<d:SetDyndnsIp><d:account>a</d:account><d:password>p</d:password>"
                                   "<d:domain>example.test</d:domain></d:SetDyndnsIp>";
    const std::string deep = std::string(200, ' ');
    std::string nested;
    for (int i = 0; i < 100; ++i) nested += "<d:x>";
    for (int i = 0; i < 100; ++i) nested += "</d:x>";
    for (const std::string& body :
         {envelope(kSoap11, "<d:SetDyndnsIp>"), envelope(kSoap11, "<d:NoSuchOperation/>"), envelope(kSoap11, missing_ip),
          envelope(kSoap11, "<d:SetDyndnsIp><d:account>" + nested + "</d:account></d:SetDyndnsIp>"),
          envelope(kSoap11, set_call(std::string(10000, '1'))), std::string("<not-xml"), std::string()}) {
        const auto reply = endpoint.handle(body, {});
        CHECK(reply.status >= 400);
        CHECK(contains(reply.body, "Fault"));
        CHECK(contains(reply.body, "DyndnsFault")); // every fault carries its number, here 9
        CHECK(contains(reply.body, "BAD_REQUEST"));
    }
    soap::SoapLimits small;
    small.max_body_bytes = 200;
    soap::SoapEndpoint limited(core, small);
    CHECK(limited.handle(envelope(kSoap11, set_call(std::string(300, ' '))), {}).status >= 400);
    CHECK(core.set_calls.empty());
}

TEST_CASE("a NUL or another control character in a string parameter is fault 9 and reaches no core") {
    FakeCore core;
    soap::SoapEndpoint endpoint(core);
    for (const std::string& ip : {std::string("192.0.2.9&#0;garbage"), std::string("192.0.2.9") + '\0' + "garbage",
                                  std::string("192.0.2.9&#1;"), std::string("192.0.2.9\x1b"), std::string("192.0.2.9&#x1F;")}) {
        for (const std::string& ns : {kSoap11, kSoap12}) {
            const auto reply = endpoint.handle(envelope(ns, set_call(ip)), {});
            CHECK(reply.status >= 400);
            CHECK(contains(reply.body, "BAD_REQUEST"));
            CHECK(contains(reply.body, ">9<"));
        }
    }
    const auto in_password = endpoint.handle(envelope(kSoap11, set_call("192.0.2.9", "pw&#0;more")), {});
    CHECK(contains(in_password.body, "BAD_REQUEST"));
    CHECK_FALSE(contains(in_password.body, "more"));
    CHECK(core.set_calls.empty());
}

TEST_CASE("a Body with more than one operation is fault 9 and reaches no core") {
    FakeCore core;
    soap::SoapEndpoint endpoint(core);
    for (const std::string& ns : {kSoap11, kSoap12}) {
        const auto reply = endpoint.handle(envelope(ns, set_call("192.0.2.1") + set_call("192.0.2.2")), {});
        CHECK(reply.status >= 400);
        CHECK(contains(reply.body, "BAD_REQUEST"));
        CHECK(contains(reply.body, "more than one operation"));
    }
    CHECK(core.set_calls.empty());
    // One operation with whitespace and a comment around it is still one.
    CHECK(endpoint.handle(envelope(kSoap11, " <!-- x --> " + set_call("192.0.2.1") + "\n"), {}).status == 200);
}

TEST_CASE("a SOAP envelope is told from an XML-RPC call by its root element") {
    CHECK(soap::is_soap_envelope(envelope(kSoap11, set_call())));
    CHECK(soap::is_soap_envelope(envelope(kSoap12, set_call())));
    CHECK_FALSE(soap::is_soap_envelope("<?xml version=\"1.0\"?><methodCall><methodName>x</methodName></methodCall>"));
    CHECK_FALSE(soap::is_soap_envelope("<Envelope><Body/></Envelope>")); // no SOAP namespace
    CHECK_FALSE(soap::is_soap_envelope("<!DOCTYPE x [<!ENTITY a \"b\">]><x/>"));
    CHECK_FALSE(soap::is_soap_envelope("garbage"));
    CHECK_FALSE(soap::is_soap_envelope(""));
}

TEST_CASE("the served WSDL names the public URL and keeps its namespace declarations") {
    const std::string wsdl = soap::wsdl_for("https://dns.example.net:8192/dom/api");
    CHECK(contains(wsdl, "location=\"https://dns.example.net:8192/dom/api\""));
    CHECK_FALSE(contains(wsdl, "127.0.0.1"));
    CHECK(contains(wsdl, "xmlns:tns=\"urn:dyndns-gateway\""));
    CHECK(contains(wsdl, "element=\"tns:SetDyndnsIp\""));
    CHECK(contains(soap::wsdl_for("https://a.example/x?y=1&z=2"), "x?y=1&amp;z=2"));
}

TEST_CASE("SetAcmeChallenge and ClearAcmeChallenge reach the core and answer name values ttl and changed") {
    FakeCore core;
    soap::SoapEndpoint endpoint(core);
    const std::string value = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
    const std::string fields =
        "<d:account>demo</d:account><d:password>pw</d:password><d:name>home.example.test</d:name><d:value>" + value +
        "</d:value>";
    const auto set = endpoint.handle(envelope(kSoap11, "<d:SetAcmeChallenge>" + fields + "</d:SetAcmeChallenge>"), {});
    CHECK(set.status == 200);
    CHECK(contains(set.body, "SetAcmeChallengeResponse"));
    CHECK(contains(set.body, "_acme-challenge.home.example.test"));
    CHECK(contains(set.body, value));
    const auto clear = endpoint.handle(envelope(kSoap12, "<d:ClearAcmeChallenge>" + fields + "</d:ClearAcmeChallenge>"), {});
    CHECK(clear.status == 200);
    CHECK(contains(clear.body, "ClearAcmeChallengeResponse"));
    REQUIRE(core.acme_calls.size() == 2);
    CHECK(core.acme_ops == std::vector<std::string>{"set", "clear"});
    CHECK(core.acme_calls[1].name == "home.example.test");
    CHECK(core.acme_calls[1].value == value);
    CHECK(core.acme_calls[1].client.protocol == "soap");

    core.acme_answer = core::UpdateError{core::Fault::InvalidAddress, "value is not an ACME key-authorization digest", 0};
    const auto bad = endpoint.handle(envelope(kSoap11, "<d:SetAcmeChallenge>" + fields + "</d:SetAcmeChallenge>"), {});
    CHECK(bad.status == 500);
    CHECK(contains(bad.body, "INVALID_ADDRESS"));
}
