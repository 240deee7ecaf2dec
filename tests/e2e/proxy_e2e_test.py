"""Gateways behind a real HAProxy: two by TCP passthrough (send-proxy-v2), the client's address from the PROXY header; one behind HAProxy terminating TLS with option forwardfor, the address from the X-Forwarded-For line HAProxy appends; never from a header the client wrote."""
import csv
import http.client
import io
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import unittest
import urllib.request
import xmlrpc.client

from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import Stack, free_port  # noqa: E402

stack = None
gateways = []
haproxy = None

PER_ADDRESS_CAP = 3       # limits.max_connections_per_address on both gateways
HANDSHAKE_TIMEOUT = 1.5   # limits.handshake_timeout_ms / 1000: the PROXY header's deadline too

# The README's recommended topology, with the test's ports and a stats socket to watch the checks.
HAPROXY_CONFIG = """\
global
    stats socket {dir}/haproxy.sock mode 600 level admin

defaults
    mode tcp
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout check 2s

frontend dyndns
    bind 127.0.0.1:{port}
    default_backend gateways

backend gateways
    balance roundrobin
    default-server send-proxy-v2 check inter 1s fall 2 rise 1
{servers}

# HTTP mode: HAProxy terminates TLS, appends its own X-Forwarded-For line, and re-encrypts to the gateway.
frontend dyndns_http
    mode http
    bind 127.0.0.1:{http_port} ssl crt {dir}/haproxy.pem
    option forwardfor
    default_backend gateway_http

backend gateway_http
    mode http
    timeout http-request 10s
    server gw_http 127.0.0.1:{http_server_port} ssl verify required ca-file {dir}/certs/ca.pem
"""


class Haproxy:
    """haproxy -db (foreground) as a child, its config in the stack's directory."""

    def __init__(self, directory, servers, http_server_port):
        if not shutil.which("haproxy"):
            raise RuntimeError("haproxy is not installed (scripts/install-deps installs it)")
        self.dir = directory
        self.port = free_port()
        self.http_port = free_port()
        self.config = os.path.join(directory, "haproxy.cfg")
        # HAProxy's crt: the certificate and its key in one file.
        with open(os.path.join(directory, "haproxy.pem"), "w") as pem:
            for part in ("server.pem", "server.key"):
                with open(os.path.join(directory, "certs", part)) as f:
                    pem.write(f.read())
        with open(self.config, "w") as f:
            f.write(HAPROXY_CONFIG.format(dir=directory, port=self.port, http_port=self.http_port,
                                          http_server_port=http_server_port, servers="\n".join(
                                              f"    server {name} 127.0.0.1:{port}" for name, port in servers)))
        self.log = open(os.path.join(directory, "haproxy.log"), "ab")
        self.process = subprocess.Popen(["haproxy", "-f", self.config, "-db"], stdout=self.log, stderr=subprocess.STDOUT)

    def server_states(self):
        """{server: status} from the stats socket's CSV (UP once its health checks pass)."""
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(os.path.join(self.dir, "haproxy.sock"))
            s.sendall(b"show stat\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        rows = csv.DictReader(io.StringIO(data.decode().lstrip("# ")))
        return {row["svname"]: row["status"] for row in rows if row["pxname"] == "gateways" and row["svname"] != "BACKEND"}

    def wait_until_up(self, names, limit=20):
        deadline = time.monotonic() + limit
        states = {}
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("haproxy exited: " + open(self.log.name).read())
            try:
                states = self.server_states()
                if all(states.get(name) == "UP" for name in names):
                    return states
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"haproxy's servers are not UP: {states}; " + open(self.log.name).read())

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.log.close()


http_gateway = None


def setUpModule():
    global stack, haproxy, http_gateway
    stack = Stack().start()
    limits = {"max_connections_per_address": PER_ADDRESS_CAP, "handshake_timeout_ms": int(HANDSHAKE_TIMEOUT * 1000),
              "calls_per_minute": 0}
    for name in ("gw1", "gw2"):
        # Both on the one SQLite file of the stack's directory (store.path is relative to the config).
        gateways.append(stack.gateway(name, trusted_proxies=("127.0.0.1",), proxy_protocol=True, limits=limits))
    # Behind HAProxy in HTTP mode: HAProxy (127.0.0.1) is its one trusted proxy; the header is the default, X-Forwarded-For.
    http_gateway = stack.gateway("gw_http", trusted_proxies=("127.0.0.1",), limits={"calls_per_minute": 0})
    stack.add_customer()
    for gw in gateways + [http_gateway]:
        gw.start()
    haproxy = Haproxy(stack.dir, [(f"gw{i + 1}", gw.port) for i, gw in enumerate(gateways)], http_gateway.port)
    # Both UP: the gateways take HAProxy's health checks (a PROXY v2 LOCAL header, then a close).
    haproxy.wait_until_up(["gw1", "gw2"])


def tearDownModule():
    if haproxy:
        haproxy.stop()
    if stack:
        stack.stop()


def haproxy_url():
    return f"https://127.0.0.1:{haproxy.port}/dom/api"


class SourceTransport(xmlrpc.client.SafeTransport):
    """xmlrpc.client's own HTTPS transport from a chosen source address, with extra request headers."""

    def __init__(self, source, headers=None):
        super().__init__(context=stack.tls_context())
        self.source = source
        self.extra = headers or {}

    def make_connection(self, host):
        if self._connection and host == self._connection[0]:
            return self._connection[1]
        chost, self._extra_headers, x509 = self.get_host_info(host)
        self._connection = host, http.client.HTTPSConnection(chost, None, context=self.context, source_address=(self.source, 0),
                                                             **(x509 or {}))
        return self._connection[1]

    def send_headers(self, connection, headers):
        super().send_headers(connection, headers + list(self.extra.items()))


def via_haproxy(source, headers=None):
    return xmlrpc.client.ServerProxy(haproxy_url(), transport=SourceTransport(source, headers))


class ProxyHeaderConnection(http.client.HTTPSConnection):
    """An HTTPS connection that writes `header` (a PROXY header, or nothing) before its TLS, from `source`."""

    def __init__(self, port, header, source="127.0.0.1"):
        super().__init__("127.0.0.1", port, context=stack.tls_context(), timeout=10)
        self.header = header
        self.source = source

    def connect(self):
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=10, source_address=(self.source, 0))
        raw.sendall(self.header)
        self.sock = self._context.wrap_socket(raw, server_hostname="127.0.0.1")


class ProxyHeaderTransport(xmlrpc.client.SafeTransport):
    def __init__(self, port, header, source="127.0.0.1"):
        super().__init__(context=stack.tls_context())
        self.connection_args = (port, header, source)

    def make_connection(self, host):
        if not self._connection or host != self._connection[0]:
            self._connection = host, ProxyHeaderConnection(*self.connection_args)
        return self._connection[1]


def v1_header(client, gw):
    return f"PROXY TCP4 {client} 127.0.0.1 40000 {gw.port}\r\n".encode()


def v2_header(client, gw):
    body = socket.inet_aton(client) + socket.inet_aton("127.0.0.1") + (40000).to_bytes(2, "big") + gw.port.to_bytes(2, "big")
    return b"\r\n\r\n\x00\r\nQUIT\n" + b"\x21\x11" + len(body).to_bytes(2, "big") + body


def closed_without_a_byte(sock, limit):
    """True when the peer closes (EOF or reset) within `limit` seconds having sent nothing."""
    sock.settimeout(limit)
    try:
        return sock.recv(4096) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def closed_reasons(gw):
    return {sample.labels["reason"]: sample.value for family in text_string_to_metric_families(gw.scrape())
            if family.name == "dyndns_connections_closed" for sample in family.samples if sample.name.endswith("_total")}


class ThroughHaproxy(unittest.TestCase):
    def test_1_the_seed_program_through_haproxy_sets_the_callers_address(self):
        # The original documentation's program, ported to Python 3 and pointed at HAProxy.
        program = ("import xmlrpc.client\n"
                   f'proxy = xmlrpc.client.ServerProxy("{haproxy_url()}")\n'
                   'print(proxy.SetDyndnsIp("demo", "demo-password", "example.test", ""))\n')
        env = dict(os.environ, SSL_CERT_FILE=os.path.join(stack.dir, "certs/ca.pem"))
        run = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("'domain': 'example.test', 'ip': '127.0.0.1', 'type': 'A', 'ttl': 60", run.stdout)
        self.assertEqual(stack.dig_short("example.test", "A"), ["127.0.0.1"])
        self.assertEqual(stack.dig_ttl("example.test", "A"), 60)

    def test_2_an_empty_address_is_the_client_named_by_the_proxy_header_on_both_gateways(self):
        # Four calls, four connections, round robin: each gateway serves two.
        for n in range(4):
            name = f"nine{n}.example.test"
            result = via_haproxy("127.0.0.9").SetDyndnsIp("demo", "demo-password", name, "")
            self.assertEqual((result["ip"], result["type"]), ("127.0.0.9", "A"))
            self.assertEqual(stack.dig_short(name, "A"), ["127.0.0.9"])
        for gw in gateways:
            self.assertIn("caller=127.0.0.9", open(gw.log_path, errors="replace").read(), gw.config)

    def test_2_forwarding_headers_from_the_client_are_not_believed(self):
        spoof = {"X-Forwarded-For": "203.0.113.5", "Forwarded": "for=203.0.113.6"}
        # From 127.0.0.9 (not a trusted proxy), and from 127.0.0.1, HAProxy's own address, which is one.
        for source, name in (("127.0.0.9", "spoof9.example.test"), ("127.0.0.1", "spoof1.example.test")):
            result = via_haproxy(source, spoof).SetDyndnsIp("demo", "demo-password", name, "")
            self.assertEqual(result["ip"], source)
            self.assertEqual(stack.dig_short(name, "A"), [source])

    def test_5_behind_option_forwardfor_the_clients_own_headers_change_nothing(self):
        # The client (127.0.0.9) writes a Forwarded and an X-Forwarded-For line of its own; HAProxy
        # appends "X-Forwarded-For: 127.0.0.9" in a line of its own.
        spoof = {"X-Forwarded-For": "203.0.113.5", "Forwarded": "for=203.0.113.6"}
        url = f"https://127.0.0.1:{haproxy.http_port}/dom/api"
        proxy = xmlrpc.client.ServerProxy(url, transport=SourceTransport("127.0.0.9", spoof))
        result = proxy.SetDyndnsIp("demo", "demo-password", "forwardfor.example.test", "")
        self.assertEqual(result["ip"], "127.0.0.9")
        self.assertEqual(stack.dig_short("forwardfor.example.test", "A"), ["127.0.0.9"])
        # check-ip answers the same, and the history records the real client.
        connection = http.client.HTTPSConnection("127.0.0.1", haproxy.http_port, context=stack.tls_context(), timeout=10,
                                                 source_address=("127.0.0.9", 0))
        connection.request("GET", "/nic/checkip", headers=spoof)
        answer = connection.getresponse().read().decode()
        connection.close()
        self.assertIn("127.0.0.9", answer)
        self.assertNotIn("203.0.113", answer)
        history = stack.history("example.test", "forwardfor.example.test")
        line = next(line for line in history.splitlines() if "forwardfor.example.test" in line)
        self.assertIn("from 127.0.0.9 via xmlrpc", line)

    def test_4_clients_at_different_addresses_are_not_capped_together(self):
        # 4 connections per gateway through the one HAProxy address, over a cap of 3 per address.
        before = sum(closed_reasons(gw).get("address_cap", 0) for gw in gateways)
        connections = []
        try:
            for i in range(2 * PER_ADDRESS_CAP + 2):
                c = http.client.HTTPSConnection("127.0.0.1", haproxy.port, context=stack.tls_context(), timeout=10,
                                                 source_address=(f"127.0.0.{50 + i}", 0))
                c.connect()  # the TLS handshake is the gateway's: it went past the PROXY header and the caps
                connections.append(c)
            for c in connections:
                c.request("GET", "/dom/api?wsdl")
                response = c.getresponse()
                self.assertEqual(response.status, 200)
                response.read()
        finally:
            for c in connections:
                c.close()
        self.assertEqual(sum(closed_reasons(gw).get("address_cap", 0) for gw in gateways), before)

    def test_4_one_clients_connections_through_haproxy_meet_its_cap(self):
        # 7 connections from one client, round robin over two gateways: 4 and 3, and a cap of 3.
        before = sum(closed_reasons(gw).get("address_cap", 0) for gw in gateways)
        opened, refused = [], 0
        try:
            for _ in range(2 * PER_ADDRESS_CAP + 1):
                c = http.client.HTTPSConnection("127.0.0.1", haproxy.port, context=stack.tls_context(), timeout=10,
                                                 source_address=("127.0.0.70", 0))
                try:
                    c.connect()
                    opened.append(c)
                except (ssl.SSLError, ConnectionError, OSError):
                    refused += 1
        finally:
            for c in opened:
                c.close()
        self.assertEqual((len(opened), refused), (2 * PER_ADDRESS_CAP, 1))
        self.assertEqual(sum(closed_reasons(gw).get("address_cap", 0) for gw in gateways), before + 1)


class StraightToTheGateway(unittest.TestCase):
    def test_3_a_proxy_header_from_an_untrusted_peer_is_refused(self):
        gw = gateways[0]
        before = closed_reasons(gw).get("untrusted_proxy", 0)
        raw = socket.create_connection(("127.0.0.1", gw.port), timeout=10, source_address=("127.0.0.20", 0))
        with raw:
            raw.sendall(v2_header("127.0.0.9", gw))
            self.assertTrue(closed_without_a_byte(raw, 5))
        # And the full call: its TLS handshake never completes.
        proxy = xmlrpc.client.ServerProxy(gw.url(), transport=ProxyHeaderTransport(gw.port, v2_header("127.0.0.9", gw), "127.0.0.20"))
        with self.assertRaises((ssl.SSLError, ConnectionError, OSError)):
            proxy.SetDyndnsIp("demo", "demo-password", "untrusted.example.test", "")
        self.assertEqual(stack.dig_short("untrusted.example.test", "A"), [])
        # xmlrpc.client tries a reset call once more: two or three connections refused.
        self.assertGreaterEqual(closed_reasons(gw).get("untrusted_proxy", 0), before + 2)

    def test_3_a_proxy_header_naming_the_unspecified_address_is_closed(self):
        # From the trusted proxy's address, a v2 header for 0.0.0.0, and a v2 TCP6 header for ::ffff:0.0.0.0.
        gw = gateways[0]
        before = closed_reasons(gw).get("proxy_header_invalid", 0)
        mapped = socket.inet_pton(socket.AF_INET6, "::ffff:0.0.0.0")
        tcp6 = mapped + socket.inet_pton(socket.AF_INET6, "::1") + (40000).to_bytes(2, "big") + gw.port.to_bytes(2, "big")
        for header in (v2_header("0.0.0.0", gw), b"\r\n\r\n\x00\r\nQUIT\n" + b"\x21\x21" + len(tcp6).to_bytes(2, "big") + tcp6):
            raw = socket.create_connection(("127.0.0.1", gw.port), timeout=10)
            with raw:
                raw.sendall(header)
                self.assertTrue(closed_without_a_byte(raw, 5))
        self.assertGreaterEqual(closed_reasons(gw).get("proxy_header_invalid", 0), before + 2)
        self.assertIn("its PROXY header names the unspecified address", open(gw.log_path, errors="replace").read())

    def test_3_a_trusted_peer_without_a_header_is_closed(self):
        gw = gateways[0]
        before = closed_reasons(gw).get("proxy_header_invalid", 0)
        with self.assertRaises((ssl.SSLError, ConnectionError, OSError)):
            xmlrpc.client.ServerProxy(gw.url(), context=stack.tls_context()).SetDyndnsIp("demo", "demo-password", "plain.example.test", "")
        self.assertEqual(stack.dig_short("plain.example.test", "A"), [])
        self.assertGreaterEqual(closed_reasons(gw).get("proxy_header_invalid", 0), before + 1)

    def test_3_a_v1_header_from_a_trusted_peer_works(self):
        gw = gateways[1]
        proxy = xmlrpc.client.ServerProxy(gw.url(), transport=ProxyHeaderTransport(gw.port, v1_header("127.0.0.33", gw)))
        result = proxy.SetDyndnsIp("demo", "demo-password", "v1.example.test", "")
        self.assertEqual(result["ip"], "127.0.0.33")
        self.assertEqual(stack.dig_short("v1.example.test", "A"), ["127.0.0.33"])

    def test_3_an_incomplete_header_is_closed_at_the_handshake_deadline(self):
        gw = gateways[0]
        before = closed_reasons(gw).get("proxy_header_deadline", 0)
        with socket.create_connection(("127.0.0.1", gw.port), timeout=10) as raw:
            raw.sendall(b"PROXY TCP4 127.0.0.9 ")
            started = time.monotonic()
            self.assertTrue(closed_without_a_byte(raw, HANDSHAKE_TIMEOUT + 3))
            self.assertGreater(time.monotonic() - started, HANDSHAKE_TIMEOUT - 0.5)
        self.assertEqual(closed_reasons(gw).get("proxy_header_deadline", 0), before + 1)

    def test_3_an_oversized_or_malformed_header_is_closed_at_once(self):
        gw = gateways[0]
        before = closed_reasons(gw).get("proxy_header_invalid", 0)
        for header in (b"PROXY UNKNOWN " + b"x" * 200 + b"\r\n",
                       b"PROXY TCP4 127.0.0.300 127.0.0.1 1 2\r\n",
                       b"\r\n\r\n\x00\r\nQUIT\n\x21\x11\xff\xff"):
            with socket.create_connection(("127.0.0.1", gw.port), timeout=10) as raw:
                raw.sendall(header)
                self.assertTrue(closed_without_a_byte(raw, 2), header)
        self.assertEqual(closed_reasons(gw).get("proxy_header_invalid", 0), before + 3)

    def test_3_one_clients_connections_are_capped_by_the_address_its_header_names(self):
        gw = gateways[1]
        held = []
        try:
            for _ in range(PER_ADDRESS_CAP):
                c = ProxyHeaderConnection(gw.port, v2_header("127.0.0.60", gw))
                c.connect()
                held.append(c)
            over = ProxyHeaderConnection(gw.port, v2_header("127.0.0.60", gw))
            with self.assertRaises((ssl.SSLError, ConnectionError, OSError)):
                over.connect()
            other = ProxyHeaderConnection(gw.port, v2_header("127.0.0.61", gw))
            other.connect()
            held.append(other)
        finally:
            for c in held:
                c.close()



class HealthChecks(unittest.TestCase):
    def test_haproxys_checks_are_valid_headers_and_keep_both_gateways_up(self):
        before = [closed_reasons(gw) for gw in gateways]
        time.sleep(3)  # three more checks per gateway, 1 s apart
        self.assertEqual(haproxy.server_states(), {"gw1": "UP", "gw2": "UP"})
        for gw, earlier in zip(gateways, before):
            now = closed_reasons(gw)
            for reason in ("proxy_header_invalid", "proxy_header_deadline", "untrusted_proxy", "address_cap"):
                self.assertEqual(now.get(reason, 0), earlier.get(reason, 0), reason)


class TrustedProxiesReload(unittest.TestCase):
    def test_a_proxy_added_to_trusted_proxies_may_connect_after_a_reload(self):
        gw = gateways[1]
        original = open(gw.config).read()
        self.assertIn('trusted_proxies: ["127.0.0.1"]', original)

        def call_from_127_0_0_20():
            transport = ProxyHeaderTransport(gw.port, v2_header("127.0.0.21", gw), "127.0.0.20")
            return xmlrpc.client.ServerProxy(gw.url(), transport=transport).SetDyndnsIp("demo", "demo-password", "reload.example.test", "")

        try:
            with open(gw.config, "w") as f:
                f.write(original.replace('trusted_proxies: ["127.0.0.1"]', 'trusted_proxies: ["127.0.0.1", "127.0.0.20"]'))
            gw.process.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 10
            while True:
                try:
                    self.assertEqual(call_from_127_0_0_20()["ip"], "127.0.0.21")
                    break
                except (ssl.SSLError, ConnectionError, OSError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            self.assertEqual(stack.dig_short("reload.example.test", "A"), ["127.0.0.21"])
        finally:
            with open(gw.config, "w") as f:
                f.write(original)
            gw.process.send_signal(signal.SIGHUP)


if __name__ == "__main__":
    unittest.main(verbosity=2)
