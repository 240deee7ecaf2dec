"""The internet-facing edge end to end: an attack of idle and slow connections, each deadline, the caps, strict framing."""
import http.client
import json
import re
import os
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time
import unittest
import xmlrpc.client

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import Stack  # noqa: E402

stack = None
gateway = None   # default deadlines and caps, as a provider runs it
quick = None     # short deadlines, so each can be timed
small = None     # a global cap of 20 connections

QUICK = {"handshake": 1.0, "head": 1.5, "body": 2.0, "idle": 2.5}


def setUpModule():
    global stack, gateway, quick, small
    stack = Stack().start()
    gateway = stack.gateway(limits={"calls_per_minute": 0}).start()
    quick = stack.gateway("quick", limits={f"{phase}_timeout_ms": int(QUICK[key] * 1000) for phase, key in (
        ("handshake", "handshake"), ("head", "head"), ("body", "body"), ("keep_alive", "idle"))}).start()
    small = stack.gateway("small", limits={"max_connections": 20}).start()
    stack.add_customer()


def tearDownModule():
    if stack:
        stack.stop()


def client_context():
    return stack.tls_context()


def tls_connect(gw, source="127.0.0.1", timeout=10):
    raw = socket.create_connection(("127.0.0.1", gw.port), timeout=timeout, source_address=(source, 0))
    return client_context().wrap_socket(raw, server_hostname="127.0.0.1")


def read_until_closed(sock, limit=10.0):
    """Everything the server sends until it closes; raises if it has not closed within `limit` seconds."""
    sock.settimeout(limit)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ssl.SSLZeroReturnError:
            return data
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


def seconds_until_closed(sock, limit):
    started = time.monotonic()
    read_until_closed(sock, limit)
    return time.monotonic() - started


def closed_already(sock):
    """True if the server has closed this (plain TCP) connection without sending anything."""
    sock.settimeout(0.01)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def trickle(sock, piece, interval, limit=10.0):
    """Sends `piece` every `interval` seconds until the server closes (or `limit`); what it answered."""
    sock.settimeout(interval)
    data = b""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        try:
            sock.sendall(piece)
            chunk = sock.recv(4096)
        except socket.timeout:
            continue
        except (OSError, ssl.SSLZeroReturnError):
            break
        if not chunk:
            break
        data += chunk
    return data


def statuses(data):
    """The status of each answer in `data` (a body need not end with a line break, so no line splitting)."""
    return [int(code) for code in re.findall(rb"HTTP/1\.[01] (\d{3}) ", data)]


class Attack(unittest.TestCase):
    def test_legitimate_calls_succeed_while_idle_and_slow_connections_are_held(self):
        attacker = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "edge_attack.py"),
                                     "--port", str(gateway.port), "--seconds", "60"],
                                    stdout=subprocess.PIPE, text=True)
        reports = []
        reader = threading.Thread(target=lambda: [reports.append(json.loads(line)) for line in attacker.stdout], daemon=True)
        reader.start()
        try:
            # Wait until the attack holds most of its 2,300 connections.
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if reports and sum(reports[-1]["open"].values()) >= 2000:
                    break
                time.sleep(0.5)
            self.assertTrue(reports, "the attacker reported nothing")
            held_at_start = reports[-1]["open"]
            self.assertGreaterEqual(sum(held_at_start.values()), 2000, f"the attack did not build up: {held_at_start}")

            latencies = []
            for i in range(60):
                started = time.monotonic()
                with xmlrpc.client.ServerProxy(gateway.url(), context=client_context()) as proxy:
                    result = proxy.SetDyndnsIp("demo", "demo-password", "example.test", f"192.0.2.{10 + i % 100}")
                latencies.append(time.monotonic() - started)
                self.assertEqual(result["ip"], f"192.0.2.{10 + i % 100}")
                time.sleep(0.15)
            held = reports[-1]["open"]
            # What was held while the calls ran, one sample a second (the attacker reconnects
            # what the deadlines close, so any one instant may catch some of it reconnecting).
            window = [sum(r["open"].values()) for r in reports[len(reports) - len(latencies) // 6:]] or [0]
            latencies.sort()
            p99 = latencies[int(len(latencies) * 0.99) - 1]
            print(f"\nunder attack (held {held}): {len(latencies)} calls, p50 {statistics.median(latencies) * 1000:.0f} ms, "
                  f"p99 {p99 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms; opened so far {reports[-1]['opened']}",
                  file=sys.stderr)
            print(f"connections held during the calls: min {min(window)}, median {statistics.median(window):.0f}, max {max(window)}",
                  file=sys.stderr)
            # The median, not the mean: the deadlines close a thousand connections opened together at
            # once, and on a loaded machine the attacker takes seconds to open them again (a loaded run
            # sampled 578 and 762 among 2,300s); most of the window must still hold the attack.
            self.assertGreaterEqual(statistics.median(window), 1800, f"the attack was not held: {window} {reports[-1]}")
            self.assertLessEqual(p99, 1.0)
        finally:
            attacker.kill()
            attacker.wait()
            attacker.stdout.close()

        # Within 5 s of the attack ending, calls are answered as before.
        started = time.monotonic()
        with xmlrpc.client.ServerProxy(gateway.url(), context=client_context()) as proxy:
            self.assertEqual(proxy.SetDyndnsIp("demo", "demo-password", "example.test", "192.0.2.200")["ip"], "192.0.2.200")
        self.assertLess(time.monotonic() - started, 5)


class Deadlines(unittest.TestCase):
    def assertClosesNear(self, seconds, expected):
        # The client's clock starts a little after the server's (a descheduled client later
        # still), and a loaded machine's loop closes a little late; never before, never much after.
        self.assertGreaterEqual(seconds, expected - 0.3)
        self.assertLessEqual(seconds, expected + 2.0)

    def test_a_connection_that_never_starts_tls_is_closed_at_the_handshake_deadline(self):
        raw = socket.create_connection(("127.0.0.1", quick.port), timeout=10)
        with raw:
            self.assertClosesNear(seconds_until_closed(raw, 10), QUICK["handshake"])

    def test_a_connection_that_sends_no_request_is_closed_at_the_head_deadline(self):
        with tls_connect(quick) as sock:
            self.assertClosesNear(seconds_until_closed(sock, 10), QUICK["head"])

    def test_a_head_sent_a_line_at_a_time_is_closed_at_the_head_deadline_with_408(self):
        with tls_connect(quick) as sock:
            started = time.monotonic()
            sock.sendall(b"GET /nic/checkip HTTP/1.1\r\n")
            data = trickle(sock, b"X-Slow: 1\r\n", 0.3)
            self.assertClosesNear(time.monotonic() - started, QUICK["head"])
            self.assertIn(408, statuses(data))

    def test_a_body_sent_a_byte_at_a_time_is_closed_at_the_body_deadline(self):
        with tls_connect(quick) as sock:
            sock.sendall(b"POST /dom/api HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: 1000\r\n\r\n")
            started = time.monotonic()
            data = trickle(sock, b"<", 0.2)
            self.assertClosesNear(time.monotonic() - started, QUICK["body"])
            self.assertIn(408, statuses(data))

    def test_an_idle_keep_alive_connection_is_closed_at_the_idle_deadline(self):
        with tls_connect(quick) as sock:
            sock.sendall(b"GET /nic/checkip HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.settimeout(5)
            answer = sock.recv(4096)
            self.assertEqual(statuses(answer), [200])
            self.assertClosesNear(seconds_until_closed(sock, 10), QUICK["idle"])


    def test_a_reader_that_stops_reading_is_reset_at_the_write_deadline_and_holds_no_kernel_memory(self):
        # A small receive window and 100 pipelined WSDL requests, never read: the answers fill the
        # window and the server's send buffer. At the write deadline the server resets the
        # connection, so nothing it could not send stays queued in its kernel (a plain close would
        # leave the socket in FIN-WAIT-1 holding its Send-Q until the peer reads or TCP gives up).
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        raw.connect(("127.0.0.1", quick.port))
        client_port = raw.getsockname()[1]
        before = metric_value(quick, "dyndns_connections_closed_total", reason="write_deadline")
        with client_context().wrap_socket(raw, server_hostname="127.0.0.1") as sock:
            sock.sendall(b"GET /dom/api?wsdl HTTP/1.1\r\nHost: x\r\n\r\n" * 100)
            # The server answers as fast as the machine lets it: wait (well within the deadline)
            # until its answers are queued.
            wait_until = time.monotonic() + QUICK["body"] * 0.75
            held = server_socket(quick.port, client_port)
            while held["send_q"] == 0 and time.monotonic() < wait_until:
                time.sleep(0.05)
                held = server_socket(quick.port, client_port)
            self.assertIn("Send-Q", held["header"])
            self.assertGreater(held["send_q"], 0, "the server has answers it cannot send")
            self.assertLess(held["send_q"], 1 << 20, "bounded by the connection's send buffer")
            self.assertLess(tcp_kernel_memory(), 32 << 20, "kernel TCP memory (/proc/net/sockstat)")
            # Gone at the write deadline; a loaded machine's loop may be a little late.
            gone_by = time.monotonic() + QUICK["body"] + 3.0
            while server_socket(quick.port, client_port)["line"] is not None and time.monotonic() < gone_by:
                time.sleep(0.1)
            self.assertIsNone(server_socket(quick.port, client_port)["line"], "the server's socket is gone, queue and all")
            self.assertLess(tcp_kernel_memory(), 32 << 20)
            self.assertEqual(metric_value(quick, "dyndns_connections_closed_total", reason="write_deadline"), before + 1)


class Caps(unittest.TestCase):
    def test_the_33rd_connection_from_one_address_is_closed_at_once(self):
        held = [socket.create_connection(("127.0.0.1", gateway.port), timeout=5, source_address=("127.0.0.200", 0))
                for _ in range(32)]
        try:
            time.sleep(0.3)
            extra = socket.create_connection(("127.0.0.1", gateway.port), timeout=5, source_address=("127.0.0.200", 0))
            with extra:
                self.assertLess(seconds_until_closed(extra, 2), 1.0)
            for sock in held:  # the first 32 are still open
                sock.settimeout(0.05)
                with self.assertRaises(socket.timeout):
                    sock.recv(1)
            # Another address is not affected.
            with tls_connect(gateway, source="127.0.0.201") as sock:
                sock.sendall(b"GET /nic/checkip HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertEqual(statuses(sock.recv(4096)), [200])
        finally:
            for sock in held:
                sock.close()

    def test_at_the_global_cap_the_oldest_idle_connection_makes_room(self):
        idle = []
        for i in range(20):
            sock = tls_connect(small, source=f"127.0.1.{i + 1}")
            sock.sendall(b"GET /nic/checkip HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(statuses(sock.recv(4096)), [200])
            idle.append(sock)
        try:
            with tls_connect(small, source="127.0.1.100") as sock:  # the 21st
                sock.sendall(b"GET /nic/checkip HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertEqual(statuses(sock.recv(4096)), [200])
            self.assertLess(seconds_until_closed(idle[0], 2), 1.0)  # the oldest idle one went
            idle[-1].sendall(b"GET /nic/checkip HTTP/1.1\r\nHost: x\r\n\r\n")  # the newest stayed
            self.assertEqual(statuses(idle[-1].recv(4096)), [200])
        finally:
            for sock in idle:
                sock.close()


    def test_at_the_global_cap_the_oldest_silent_connection_makes_room(self):
        # 20 connections that never start TLS, from 20 addresses: the cap of 20 is full of silence.
        def silent_connection(i):
            return socket.create_connection(("127.0.0.1", small.port), timeout=5, source_address=(f"127.0.2.{i + 1}", 0))
        # The first well before the others: with two loops accepting at once, connect order alone is not accept order.
        silent = [silent_connection(0)]
        time.sleep(0.3)
        silent += [silent_connection(i) for i in range(1, 20)]
        time.sleep(0.3)  # all accepted, none idle: the oldest waiting one makes room
        try:
            with tls_connect(small, source="127.0.2.100") as sock:
                sock.sendall(b"GET /nic/checkip HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertEqual(statuses(sock.recv(4096)), [200])
            self.assertLess(seconds_until_closed(silent[0], 2), 1.0)
            self.assertIn('reason="waiting_evicted"', small.scrape())
        finally:
            for sock in silent:
                sock.close()

    def test_one_address_opening_connections_as_fast_as_it_can_is_held_to_its_rate(self):
        # 600 TCP connections at once from one address (what a handshake flood starts with): beyond
        # the burst of 200 they are closed at accept, before any TLS work; another address is not held back.
        opened = []
        try:
            for _ in range(600):
                opened.append(socket.create_connection(("127.0.0.1", gateway.port), timeout=5, source_address=("127.0.3.1", 0)))
            time.sleep(0.3)
            closed = sum(1 for sock in opened if closed_already(sock))
        finally:
            for sock in opened:
                sock.close()
        self.assertGreaterEqual(closed, 300, "most of the flood was closed at accept")
        self.assertIn('reason="connection_rate"', gateway.scrape())
        with tls_connect(gateway, source="127.0.3.2") as sock:
            sock.sendall(b"GET /nic/checkip HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(statuses(sock.recv(4096)), [200])

def server_socket(server_port, client_port):
    """The server's end of one connection as `ss` shows it: its line (None when gone) and its Send-Q."""
    out = subprocess.run(["ss", "-tn", "state", "all", f"( sport = :{server_port} and dport = :{client_port} )"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    line = out[1] if len(out) > 1 else None
    return {"header": out[0] if out else "", "line": line, "send_q": int(line.split()[2]) if line else 0}


def tcp_kernel_memory():
    """Bytes the kernel holds for TCP in this network namespace (/proc/net/sockstat counts pages)."""
    with open("/proc/net/sockstat") as f:
        tcp = next(line for line in f if line.startswith("TCP:")).split()
    return int(tcp[tcp.index("mem") + 1]) * os.sysconf("SC_PAGE_SIZE")


def metric_value(gw, name, **labels):
    """One sample's value from a scrape (0 when absent), read with a pattern: this test runs on any python3."""
    selector = ",".join(f'{k}="{v}"' for k, v in labels.items())
    found = re.search(rf"^{name}{{{re.escape(selector)}}} (\S+)$", gw.scrape(), re.M)
    return float(found.group(1)) if found else 0.0


def call_from(gw, source, password):
    """SetDyndnsIp over XML-RPC from a chosen loopback source address; the fault code, or 0."""
    body = xmlrpc.client.dumps(("demo", password, "example.test", "192.0.2.99"), "SetDyndnsIp").encode()
    conn = http.client.HTTPSConnection("127.0.0.1", gw.port, context=client_context(), timeout=20, source_address=(source, 0))
    try:
        conn.request("POST", "/dom/api", body=body, headers={"Content-Type": "text/xml"})
        xmlrpc.client.loads(conn.getresponse().read())
        return 0
    except xmlrpc.client.Fault as fault:
        return fault.faultCode
    finally:
        conn.close()


class NoLockout(unittest.TestCase):
    def test_a_hundred_wrong_passwords_from_one_address_do_not_lock_the_owner_out(self):
        faults = [call_from(gateway, "127.0.0.250", "wrong-password") for _ in range(100)]
        self.assertEqual(set(faults), {1, 6}, "wrong passwords are fault 1, then fault 6 once that source is throttled")
        self.assertEqual(faults[-1], 6)
        self.assertEqual(call_from(gateway, "127.0.0.251", "demo-password"), 0)  # the owner, from elsewhere


class Framing(unittest.TestCase):
    NEXT = b"GET /nic/checkip HTTP/1.1\r\nHost: x\r\n\r\n"

    def refused(self, head, body=b""):
        """Sends a request and a valid one right behind it: only a 400 comes back, then the close."""
        with tls_connect(gateway) as sock:
            sock.sendall(head + body + self.NEXT)
            data = read_until_closed(sock, 5)
        self.assertEqual(statuses(data), [400], data)
        self.assertIn(b"connection: close", data.lower())
        self.assertIn(b"strict-transport-security: max-age=31536000", data.lower())

    def test_a_client_asking_to_renegotiate_tls_is_refused(self):
        # Each renegotiation would be a full handshake on a connection already admitted.
        result = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{gateway.port}", "-tls1_2",
                                 "-CAfile", os.path.join(stack.dir, "certs/ca.pem")],
                                input="R\n", capture_output=True, text=True, timeout=30)
        output = result.stdout + result.stderr
        self.assertIn("RENEGOTIATING", output)
        self.assertIn("no renegotiation", output)

    def test_content_length_with_transfer_encoding(self):
        self.refused(b"POST /dom/api HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
                     b"0\r\n\r\n")

    def test_two_content_lengths(self):
        self.refused(b"POST /dom/api HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", b"hello")

    def test_a_signed_content_length(self):
        self.refused(b"POST /dom/api HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n", b"hello")

    def test_a_negative_content_length(self):
        self.refused(b"POST /dom/api HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n")

    def test_a_hexadecimal_content_length(self):
        self.refused(b"POST /dom/api HTTP/1.1\r\nHost: x\r\nContent-Length: 0x5\r\n\r\n", b"hello")

    def test_chunked(self):
        self.refused(b"POST /dom/api HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", b"5\r\nhello\r\n0\r\n\r\n")

    def test_a_post_without_a_length_is_411(self):
        with tls_connect(gateway) as sock:
            sock.sendall(b"POST /dom/api HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(statuses(read_until_closed(sock, 5)), [411])

    def test_three_pipelined_requests_are_answered_in_order(self):
        with tls_connect(gateway) as sock:
            sock.sendall(b"GET /nic/checkip HTTP/1.1\r\nHost: x\r\n\r\n"
                         b"GET /dom/api?wsdl HTTP/1.1\r\nHost: x\r\n\r\n"
                         b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
            data = read_until_closed(sock, 5)  # the 404 closes the connection
        self.assertEqual(statuses(data), [200, 200, 404])
        first_ip, wsdl = data.index(b"127.0.0.1"), data.index(b"<?xml")
        self.assertLess(first_ip, wsdl)
        self.assertEqual(data.lower().count(b"strict-transport-security: max-age=31536000"), 3)


if __name__ == "__main__":
    unittest.main(verbosity=2)
