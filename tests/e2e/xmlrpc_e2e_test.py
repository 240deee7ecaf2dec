"""SetDyndnsIp over XML-RPC end to end: Python's xmlrpc.client against dyndns-gateway against a real named."""
import http.client
import os
import socket
import ssl
import subprocess
import sys
import time
import unittest
import xmlrpc.client

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import Stack  # noqa: E402

stack = None
gateway = None


def setUpModule():
    global stack, gateway
    stack = Stack().start()
    gateway = stack.gateway(trusted_proxies=("127.0.0.1",)).start()
    stack.add_customer()
    stack.ctl("account", "add", "other", input="other-password\n")
    stack.ctl("domain", "add", "other.test", "--account", "other", "--force")
    stack.ctl("dyndns", "on", "other.test")
    # The apex has an address from the start, so no test depends on which one ran first.
    gateway.proxy().SetDyndnsIp("demo", "demo-password", "example.test", "192.0.2.1")


def tearDownModule():
    if stack:
        stack.stop()


class HeaderTransport(xmlrpc.client.SafeTransport):
    """xmlrpc.client's own HTTPS transport, with extra request headers (a reverse proxy's)."""

    def __init__(self, headers, context):
        super().__init__(context=context)
        self.extra = headers

    def send_headers(self, connection, headers):
        super().send_headers(connection, headers + list(self.extra.items()))


def fault_of(call):
    try:
        call()
    except xmlrpc.client.Fault as fault:
        return fault
    raise AssertionError("no fault")


class OriginalProgram(unittest.TestCase):
    def test_the_original_program_sets_the_callers_address_with_ttl_60(self):
        # The original documentation's program, ported to Python 3: only the URL and the CA differ.
        proxy = xmlrpc.client.ServerProxy(gateway.url(), context=stack.tls_context())
        result = proxy.SetDyndnsIp("demo", "demo-password", "example.test", "")
        self.assertEqual(result["domain"], "example.test")
        self.assertEqual(result["ip"], "127.0.0.1")
        self.assertEqual(result["type"], "A")
        self.assertEqual(result["ttl"], 60)
        self.assertIsInstance(result["changed"], bool)
        self.assertEqual(stack.dig_short("example.test", "A"), ["127.0.0.1"])
        self.assertEqual(stack.dig_ttl("example.test", "A"), 60)


    def test_the_original_program_runs_unmodified_with_the_ca_in_ssl_cert_file(self):
        # Exactly the program, as its own process; only the port differs from 8192.
        program = ("import xmlrpc.client\n"
                   f'proxy = xmlrpc.client.ServerProxy("https://127.0.0.1:{gateway.port}/dom/api")\n'
                   'print(proxy.SetDyndnsIp("demo", "demo-password", "example.test", ""))\n')
        env = dict(os.environ, SSL_CERT_FILE=os.path.join(stack.dir, "certs/ca.pem"))
        run = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("'domain': 'example.test', 'ip': '127.0.0.1', 'type': 'A', 'ttl': 60", run.stdout)


class SetDyndnsIp(unittest.TestCase):
    def test_explicit_address_then_same_again_is_unchanged_and_sends_nothing(self):
        proxy = gateway.proxy()
        first = proxy.SetDyndnsIp("demo", "demo-password", "example.test", "198.51.100.20")
        self.assertEqual(first, {"domain": "example.test", "ip": "198.51.100.20", "type": "A", "ttl": 60, "changed": True})
        self.assertEqual(stack.dig_short("example.test", "A"), ["198.51.100.20"])
        serial = stack.serial()
        again = proxy.SetDyndnsIp("demo", "demo-password", "Example.Test.", "198.51.100.20")
        self.assertFalse(again["changed"])
        self.assertEqual(stack.serial(), serial)

    def test_mx_and_ns_are_unchanged(self):
        mx, ns = stack.dig_short("example.test", "MX"), stack.dig_short("example.test", "NS")
        gateway.proxy().SetDyndnsIp("demo", "demo-password", "example.test", "198.51.100.21")
        self.assertEqual(stack.dig_short("example.test", "MX"), mx)
        self.assertEqual(stack.dig_short("example.test", "NS"), ns)
        self.assertEqual(mx, ["10 mail.example.test."])

    def test_a_name_under_the_domain(self):
        result = gateway.proxy().SetDyndnsIp("demo", "demo-password", "home.example.test", "203.0.113.40")
        self.assertEqual(result["domain"], "home.example.test")
        self.assertEqual(stack.dig_short("home.example.test", "A"), ["203.0.113.40"])

    def test_a_call_from_ipv6_loopback_sets_the_aaaa_and_leaves_the_a(self):
        proxy = gateway.proxy()
        proxy.SetDyndnsIp("demo", "demo-password", "v6.example.test", "203.0.113.41")
        result = gateway.proxy(host="[::1]").SetDyndnsIp("demo", "demo-password", "v6.example.test", "")
        self.assertEqual((result["ip"], result["type"]), ("::1", "AAAA"))
        self.assertEqual(stack.dig_short("v6.example.test", "AAAA"), ["::1"])
        self.assertEqual(stack.dig_short("v6.example.test", "A"), ["203.0.113.41"])
        self.assertEqual(stack.dig_ttl("v6.example.test", "AAAA"), 60)

    def test_get_dyndns_ip_reads_the_primary(self):
        proxy = gateway.proxy()
        proxy.SetDyndnsIp("demo", "demo-password", "get.example.test", "2001:db8::42")
        result = proxy.GetDyndnsIp("demo", "demo-password", "get.example.test")
        self.assertEqual(result["aaaa"], ["2001:db8::42"])
        self.assertEqual(result["a"], [])
        self.assertEqual(result["ttl"], 60)


class Faults(unittest.TestCase):
    def setUp(self):
        self.serial = stack.serial()
        self.apex = stack.dig_short("example.test", "A")

    def tearDown(self):
        # A failed call changes nothing in DNS.
        self.assertEqual(stack.serial(), self.serial)
        self.assertEqual(stack.dig_short("example.test", "A"), self.apex)

    def test_1_wrong_password_and_unknown_account_say_the_same(self):
        proxy = gateway.proxy()
        wrong = fault_of(lambda: proxy.SetDyndnsIp("demo", "nope", "example.test", "198.51.100.99"))
        unknown = fault_of(lambda: proxy.SetDyndnsIp("nobody", "nope", "example.test", "198.51.100.99"))
        self.assertEqual(wrong.faultCode, 1)
        self.assertEqual((unknown.faultCode, unknown.faultString), (wrong.faultCode, wrong.faultString))
        self.assertNotIn("nope", wrong.faultString)

    def test_2_unknown_domain_and_another_accounts_domain_say_the_same(self):
        proxy = gateway.proxy()
        unknown = fault_of(lambda: proxy.SetDyndnsIp("demo", "demo-password", "unknown.test", "198.51.100.99"))
        theirs = fault_of(lambda: proxy.SetDyndnsIp("demo", "demo-password", "other.test", "198.51.100.99"))
        self.assertEqual(unknown.faultCode, 2)
        self.assertEqual((theirs.faultCode, theirs.faultString), (unknown.faultCode, unknown.faultString))

    def test_3_dyndns_off_then_on_again(self):
        proxy = gateway.proxy()
        stack.ctl("dyndns", "off", "example.test")
        try:
            self.assertEqual(fault_of(lambda: proxy.SetDyndnsIp("demo", "demo-password", "example.test", "198.51.100.98")).faultCode, 3)
        finally:
            stack.ctl("dyndns", "on", "example.test")
        # Working again: an unchanged address proves it without touching the zone.
        current = stack.dig_short("example.test", "A")[0]
        self.assertFalse(proxy.SetDyndnsIp("demo", "demo-password", "example.test", current)["changed"])

    def test_4_not_an_address(self):
        for bad in ("not-an-ip", "300.1.1.1", "127.1", "1.2.3.4/24", "::g"):
            with self.subTest(ip=bad):
                fault = fault_of(lambda: gateway.proxy().SetDyndnsIp("demo", "demo-password", "example.test", bad))
                self.assertEqual(fault.faultCode, 4)

    def test_5_private_address_when_private_is_not_allowed(self):
        strict = stack.gateway("strict", allow_private=False, trusted_proxies=()).start()
        try:
            for private in ("10.1.2.3", "192.168.1.1", "100.64.0.1", "fd00::1", "fe80::1", ""):
                with self.subTest(ip=private):
                    fault = fault_of(lambda: strict.proxy().SetDyndnsIp("demo", "demo-password", "example.test", private))
                    self.assertEqual(fault.faultCode, 5)
        finally:
            strict.stop()

    def test_6_an_account_over_its_call_budget(self):
        limited = stack.gateway("limited", limits={"calls_per_minute": 3}).start()
        try:
            proxy = limited.proxy()
            for _ in range(3):
                proxy.GetDyndnsIp("demo", "demo-password", "example.test")
            fault = fault_of(lambda: proxy.SetDyndnsIp("demo", "demo-password", "example.test", "198.51.100.97"))
            self.assertEqual(fault.faultCode, 6)
            self.assertIn("retry after", fault.faultString)
        finally:
            limited.stop()

    def test_7_300_sources_guessing_one_account_get_one_shared_budget_of_first_tries(self):
        stack.ctl("account", "add", "guessed", input="guessed-password\n")
        stack.ctl("domain", "add", "guessed.test", "--account", "guessed", "--force")

        class From(xmlrpc.client.SafeTransport):
            def __init__(self, source):
                super().__init__(context=stack.tls_context())
                self.source = source

            def make_connection(self, host):
                chost, self._extra_headers, _ = self.get_host_info(host)
                self._connection = host, http.client.HTTPSConnection(chost, context=self.context,
                                                                     source_address=(self.source, 0))
                return self._connection[1]

        def answer(source, password):
            proxy = gateway.proxy(transport=From(source))
            try:
                proxy.GetDyndnsIp("guessed", password, "guessed.test")
                return "ok"
            except xmlrpc.client.Fault as fault:
                return fault.faultCode

        # The owner logs in from its line once: a known source.
        self.assertNotIn(answer("127.0.0.1", "guessed-password"), (1, 6))
        guesses = [answer(f"127.0.{1 + i // 250}.{1 + i % 250}", "wrong") for i in range(300)]
        # 20 first tries from unknown sources are checked (docs/contract.md "Limits"); the rest are refused unchecked.
        self.assertEqual((guesses.count(1), guesses.count(6)), (20, 280), guesses)
        self.assertNotIn(answer("127.0.0.1", "guessed-password"), (1, 6))

    def test_9_malformed_calls(self):
        proxy = gateway.proxy()
        self.assertEqual(fault_of(lambda: proxy.SetDyndnsIp("demo", "demo-password", "example.test")).faultCode, 9)
        self.assertEqual(fault_of(lambda: proxy.SetDyndnsIp("demo", "demo-password", "example.test", 42)).faultCode, 9)
        self.assertEqual(fault_of(lambda: proxy.NoSuchMethod()).faultCode, 9)


class TrustedProxy(unittest.TestCase):
    def test_x_forwarded_for_is_honoured_from_a_trusted_peer(self):
        transport = HeaderTransport({"X-Forwarded-For": "203.0.113.77"}, stack.tls_context())
        result = gateway.proxy(transport=transport).SetDyndnsIp("demo", "demo-password", "proxied.example.test", "")
        self.assertEqual(result["ip"], "203.0.113.77")
        self.assertEqual(stack.dig_short("proxied.example.test", "A"), ["203.0.113.77"])

    def test_x_forwarded_for_is_ignored_from_any_other_peer(self):
        transport = HeaderTransport({"X-Forwarded-For": "203.0.113.88"}, stack.tls_context())
        result = xmlrpc.client.ServerProxy(gateway.url("[::1]"), transport=transport).SetDyndnsIp(
            "demo", "demo-password", "unproxied.example.test", "")
        self.assertEqual((result["ip"], result["type"]), ("::1", "AAAA"))
        self.assertEqual(stack.dig_short("unproxied.example.test", "A"), [])


def raw_post(body, content_type="text/xml", headers=None, send_body=True, length=None):
    """One POST over a fresh TLS connection; returns (status, body, seconds)."""
    started = time.monotonic()
    conn = http.client.HTTPSConnection("127.0.0.1", gateway.port, context=stack.tls_context(), timeout=20)
    try:
        conn.putrequest("POST", "/dom/api")
        conn.putheader("Content-Type", content_type)
        conn.putheader("Content-Length", str(length if length is not None else len(body)))
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        if send_body:
            conn.send(body)
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace"), time.monotonic() - started
    finally:
        conn.close()


def call_xml(method, *params):
    return xmlrpc.client.dumps(params, method).encode()


class HostileInput(unittest.TestCase):
    def tearDown(self):
        # Whatever came before, the server keeps serving.
        current = stack.dig_short("example.test", "A")[0]
        self.assertFalse(gateway.proxy().SetDyndnsIp("demo", "demo-password", "example.test", current)["changed"])

    def assertFault(self, status, body, seconds, code=9):
        self.assertEqual(status, 200)
        self.assertIsNone(None)
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            xmlrpc.client.loads(body)
        self.assertEqual(caught.exception.faultCode, code)
        self.assertLess(seconds, 5)

    def test_entity_expansion_bomb(self):
        lol = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 10))
        bomb = f'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY l0 "lol">{lol}]><methodCall><methodName>&l9;</methodName></methodCall>'
        self.assertFault(*raw_post(bomb.encode()))

    def test_external_entity(self):
        xxe = ('<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               '<methodCall><methodName>SetDyndnsIp</methodName><params><param><value>&x;</value></param></params></methodCall>')
        status, body, seconds = raw_post(xxe.encode())
        self.assertFault(status, body, seconds)
        self.assertNotIn("root:", body)

    def test_truncated_xml(self):
        self.assertFault(*raw_post(call_xml("SetDyndnsIp", "demo", "demo-password", "example.test", "")[:-40]))

    def test_deep_nesting(self):
        deep = ("<value><array><data>" * 1000) + ("</data></array></value>" * 1000)  # 43 KB: under the body limit
        body = f"<?xml version='1.0'?><methodCall><methodName>SetDyndnsIp</methodName><params><param>{deep}</param></params></methodCall>"
        self.assertFault(*raw_post(body.encode()))

    def test_an_8_mib_body_is_refused_before_it_is_read(self):
        status, _, seconds = raw_post(b"", length=8 * 1024 * 1024, send_body=False)
        self.assertEqual(status, 413)
        self.assertLess(seconds, 5)

    def test_a_chunked_body_is_refused_and_the_connection_closed(self):
        conn = http.client.HTTPSConnection("127.0.0.1", gateway.port, context=stack.tls_context(), timeout=20)
        try:
            chunks = (b"<" * 16384 for _ in range(8))  # 128 KiB, chunked
            conn.request("POST", "/dom/api", body=chunks, headers={"Content-Type": "text/xml"}, encode_chunked=True)
            response = conn.getresponse()
            self.assertEqual(response.status, 400)
            self.assertEqual(response.getheader("Connection", "").lower(), "close")
        finally:
            conn.close()

    def test_wrong_content_type(self):
        status, _, seconds = raw_post(call_xml("SetDyndnsIp", "demo", "demo-password", "example.test", ""),
                                      content_type="application/json")
        self.assertEqual(status, 415)

    def test_garbage_and_binary(self):
        self.assertFault(*raw_post(b"\x00\xff\xfe garbage"))
        self.assertFault(*raw_post(b""))

    def test_other_paths_and_methods(self):
        conn = http.client.HTTPSConnection("127.0.0.1", gateway.port, context=stack.tls_context(), timeout=20)
        try:
            conn.request("GET", "/nowhere")
            response = conn.getresponse()
            response.read()
            self.assertEqual(response.status, 404)
            conn.request("DELETE", "/dom/api")
            response = conn.getresponse()
            response.read()
            self.assertEqual(response.status, 405)
        finally:
            conn.close()

    def test_tls_below_1_2_is_refused(self):
        context = stack.tls_context()
        context.minimum_version = ssl.TLSVersion.TLSv1
        context.maximum_version = ssl.TLSVersion.TLSv1_1
        context.set_ciphers("ALL:@SECLEVEL=0")
        with socket.create_connection(("127.0.0.1", gateway.port), timeout=10) as raw:
            with self.assertRaises(ssl.SSLError):
                with context.wrap_socket(raw, server_hostname="127.0.0.1"):
                    pass


class StoreAndAdmin(unittest.TestCase):
    def test_a_password_change_with_dyndnsctl_is_seen_by_the_running_gateway(self):
        proxy = gateway.proxy()
        current = stack.dig_short("example.test", "A")[0]
        proxy.SetDyndnsIp("demo", "demo-password", "example.test", current)  # cached now
        stack.ctl("account", "passwd", "demo", input="new-password\n")
        try:
            self.assertEqual(fault_of(lambda: proxy.SetDyndnsIp("demo", "demo-password", "example.test", current)).faultCode, 1)
            self.assertFalse(proxy.SetDyndnsIp("demo", "new-password", "example.test", current)["changed"])
        finally:
            stack.ctl("account", "passwd", "demo", input="demo-password\n")

    def test_the_store_survives_a_gateway_restart(self):
        gateway.proxy().SetDyndnsIp("demo", "demo-password", "restart.example.test", "192.0.2.140")
        gateway.stop()
        gateway.start()
        result = gateway.proxy().SetDyndnsIp("demo", "demo-password", "restart.example.test", "192.0.2.141")
        self.assertTrue(result["changed"])
        history = stack.history("example.test", "192.0.2.141")
        self.assertIn("192.0.2.140", history)
        self.assertIn("192.0.2.141", history)
        self.assertNotIn("demo-password", history)


if __name__ == "__main__":
    unittest.main(verbosity=2)
