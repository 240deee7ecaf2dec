"""SOAP end to end: zeep, PHP's SoapClient and a gSOAP-generated C++ client, all from the served WSDL, against a real named."""
import http.client
import json
import os
import shutil
import subprocess
import sys
import unittest

import requests
import zeep
import zeep.exceptions
from zeep.transports import Transport

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import BIN_DIR, Stack, run  # noqa: E402

stack = None
gateway = None


def setUpModule():
    global stack, gateway
    if shutil.which("php") is None:  # a missing client is a failure, never a skip
        raise RuntimeError("php is not installed; scripts/install-deps installs php-cli and php-soap")
    stack = Stack().start()
    gateway = stack.gateway().start()
    stack.add_customer()
    gateway.proxy().SetDyndnsIp("demo", "demo-password", "example.test", "192.0.2.1")


def tearDownModule():
    if stack:
        stack.stop()


def ca():
    return os.path.join(stack.dir, "certs/ca.pem")


def wsdl_url():
    return gateway.url() + "?wsdl"


def zeep_client(binding=None):
    session = requests.Session()
    session.verify = ca()
    session.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would otherwise replace verify
    client = zeep.Client(wsdl_url(), transport=Transport(session=session))
    return client.bind("DyndnsGateway", binding) if binding else client.service


def zeep_fault(call):
    try:
        call()
    except zeep.exceptions.Fault as fault:
        return fault
    raise AssertionError("no fault")


def fault_code(fault):
    return int(fault.detail.find("{urn:dyndns-gateway}DyndnsFault/{urn:dyndns-gateway}code").text)


class Zeep(unittest.TestCase):
    def test_set_an_address_and_bind_shows_it(self):
        result = zeep_client().SetDyndnsIp(account="demo", password="demo-password", domain="zeep.example.test",
                                           ip="203.0.113.70")
        self.assertEqual((result.domain, result.ip, result.type, result.ttl, result.changed),
                         ("zeep.example.test", "203.0.113.70", "A", 60, True))
        self.assertEqual(stack.dig_short("zeep.example.test", "A"), ["203.0.113.70"])
        self.assertEqual(stack.dig_ttl("zeep.example.test", "A"), 60)

    def test_empty_ip_is_the_caller(self):
        result = zeep_client().SetDyndnsIp(account="demo", password="demo-password", domain="caller.example.test", ip="")
        self.assertEqual(result.ip, "127.0.0.1")
        self.assertEqual(stack.dig_short("caller.example.test", "A"), ["127.0.0.1"])

    def test_get_dyndns_ip(self):
        service = zeep_client()
        service.SetDyndnsIp(account="demo", password="demo-password", domain="get.example.test", ip="2001:db8::70")
        result = service.GetDyndnsIp(account="demo", password="demo-password", domain="get.example.test")
        self.assertEqual(result.aaaa, ["2001:db8::70"])
        self.assertEqual(result.a, [])
        self.assertEqual(result.ttl, 60)

    def test_faults_1_and_4_carry_their_code(self):
        serial = stack.serial()
        service = zeep_client()
        auth = zeep_fault(lambda: service.SetDyndnsIp(account="demo", password="wrong", domain="example.test", ip=""))
        self.assertEqual(fault_code(auth), 1)
        self.assertIn("Client", auth.code)
        bad = zeep_fault(lambda: service.SetDyndnsIp(account="demo", password="demo-password", domain="example.test",
                                                     ip="not-an-ip"))
        self.assertEqual(fault_code(bad), 4)
        self.assertEqual(stack.serial(), serial)

    def test_soap_1_2(self):
        service = zeep_client("DyndnsSoap12")
        result = service.SetDyndnsIp(account="demo", password="demo-password", domain="soap12.example.test",
                                     ip="203.0.113.71")
        self.assertTrue(result.changed)
        self.assertEqual(stack.dig_short("soap12.example.test", "A"), ["203.0.113.71"])
        fault = zeep_fault(lambda: service.SetDyndnsIp(account="demo", password="x", domain="example.test", ip=""))
        self.assertEqual(fault_code(fault), 1)


class Php(unittest.TestCase):
    def php(self, password, domain, ip, version="1.1"):
        out = run("php", os.path.join(os.path.dirname(__file__), "soap_client.php"), wsdl_url(), ca(), "demo", password,
                  domain, ip, version).stdout
        return json.loads(out.strip().splitlines()[-1])

    def test_set_an_address(self):
        answer = self.php("demo-password", "php.example.test", "203.0.113.72")
        self.assertEqual(answer["result"], {"domain": "php.example.test", "ip": "203.0.113.72", "type": "A", "ttl": 60,
                                            "changed": True})
        self.assertEqual(stack.dig_short("php.example.test", "A"), ["203.0.113.72"])

    def test_a_wrong_password_is_a_fault_with_code_1(self):
        answer = self.php("wrong", "php.example.test", "203.0.113.73")
        self.assertIn("Client", answer["faultcode"])
        self.assertEqual(int(answer["detail"]["DyndnsFault"]["code"]), 1)
        self.assertEqual(answer["detail"]["DyndnsFault"]["name"], "AUTH_FAILED")

    def test_soap_1_2(self):
        answer = self.php("demo-password", "php12.example.test", "203.0.113.74", "1.2")
        self.assertTrue(answer["result"]["changed"])


class GeneratedCppClient(unittest.TestCase):
    def client(self, *args):
        return subprocess.run([os.path.join(BIN_DIR, "soap_generated_client"), gateway.url(), ca(), *args],
                              capture_output=True, text=True, timeout=60)

    def test_set_an_address_over_soap_1_2_and_1_1(self):
        result = self.client("demo", "demo-password", "cpp.example.test", "203.0.113.75")
        self.assertEqual((result.returncode, result.stdout), (0, "ok cpp.example.test 203.0.113.75 A 60 true\n"),
                         result.stderr)
        result = self.client("demo", "demo-password", "cpp.example.test", "203.0.113.76", "--soap11")
        self.assertEqual((result.returncode, result.stdout), (0, "ok cpp.example.test 203.0.113.76 A 60 true\n"),
                         result.stderr)
        self.assertEqual(stack.dig_short("cpp.example.test", "A"), ["203.0.113.76"])

    def test_a_fault_arrives_with_its_code(self):
        result = self.client("demo", "demo-password", "cpp.example.test", "10.0.0.300")
        self.assertEqual(result.returncode, 3)
        self.assertTrue(result.stdout.startswith("fault 4 INVALID_ADDRESS: "), result.stdout)


def raw_soap(body, headers):
    conn = http.client.HTTPSConnection("127.0.0.1", gateway.port, context=stack.tls_context(), timeout=20)
    try:
        conn.request("POST", "/dom/api", body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type"), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


SOAP11 = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"urn:dyndns-gateway#SetDyndnsIp"'}


def envelope(body):
    return ('<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
            f'xmlns:d="urn:dyndns-gateway"><s:Body>{body}</s:Body></s:Envelope>')


class HostileInput(unittest.TestCase):
    def setUp(self):
        self.serial = stack.serial()

    def tearDown(self):
        self.assertEqual(stack.serial(), self.serial)  # nothing changed in DNS
        self.assertEqual(stack.dig_short("example.test", "A"), ["192.0.2.1"])

    def assertSoapFault(self, status, content_type, body):
        self.assertGreaterEqual(status, 400)
        self.assertIn("Fault", body)

    def test_malformed_envelope(self):
        self.assertSoapFault(*raw_soap(envelope("<d:SetDyndnsIp><d:account>"), SOAP11))

    def test_unknown_operation(self):
        self.assertSoapFault(*raw_soap(envelope("<d:DeleteEverything/>"), SOAP11))

    def test_missing_element(self):
        body = envelope("<d:SetDyndnsIp><d:account>demo</d:account><d:password>demo-password</d:password>"
                        "<d:domain>example.test</d:domain></d:SetDyndnsIp>")
        self.assertSoapFault(*raw_soap(body, SOAP11))

    def test_huge_body_is_refused(self):
        body = envelope("<d:SetDyndnsIp><d:account>" + "a" * (200 * 1024) + "</d:account></d:SetDyndnsIp>")
        status, _, _ = raw_soap(body, SOAP11)
        self.assertEqual(status, 413)

    def test_soap_1_2_fault_has_its_media_type(self):
        body = ('<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
                'xmlns:d="urn:dyndns-gateway"><s:Body><d:SetDyndnsIp><d:account>demo</d:account>'
                '<d:password>wrong</d:password><d:domain>example.test</d:domain><d:ip/></d:SetDyndnsIp></s:Body></s:Envelope>')
        status, content_type, text = raw_soap(body, {"Content-Type": "application/soap+xml; charset=utf-8"})
        self.assertEqual(status, 400)
        self.assertIn("application/soap+xml", content_type)
        self.assertIn("AUTH_FAILED", text)

    def test_an_envelope_without_soapaction_is_still_soap(self):
        status, content_type, text = raw_soap(envelope("<d:NoSuchOperation/>"), {"Content-Type": "text/xml"})
        self.assertEqual(status, 500)
        self.assertIn("text/xml", content_type)

    def test_xml_rpc_still_works_on_the_same_url(self):
        self.assertFalse(gateway.proxy().SetDyndnsIp("demo", "demo-password", "example.test", "192.0.2.1")["changed"])


class Wsdl(unittest.TestCase):
    def test_the_wsdl_names_the_public_url(self):
        session = requests.Session()
        session.verify = ca()
        session.trust_env = False
        text = session.get(wsdl_url()).text
        self.assertIn(f'location="{gateway.url()}"', text)
        self.assertIn("DyndnsSoap12Binding", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
