"""A /48 of attackers and handshake floods, over real IPv6 in a network namespace the test makes: a legitimate client is not held back."""
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import unittest
import xmlrpc.client

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import Stack  # noqa: E402

# The attackers' /48 (documentation space): every address in it is local to the namespace's
# loopback, so a socket can take any of them as its source (IPV6_FREEBIND).
ATTACK_48 = "2001:db8:48"
FLOODER = "2001:db8:99::1"
# Sources of a flood spread wide: one address in each of 64 /48s (2001:db8:a000::/36), each far
# under its rate of new connections, together more handshakes than the loop can do.
SPREAD_SOURCES = [f"2001:db8:a{k:03x}::1" for k in range(64)]
IPV6_FREEBIND = 78
FLOOD_SECONDS = 20

stack = None
gateway = None


def in_namespace():
    """Loopback up and the attackers' /48 routed to it; only inside the namespace made below."""
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    subprocess.run(["ip", "-6", "route", "add", "local", f"{ATTACK_48}::/48", "dev", "lo"], check=True)
    subprocess.run(["ip", "-6", "route", "add", "local", "2001:db8:99::/48", "dev", "lo"], check=True)
    subprocess.run(["ip", "-6", "route", "add", "local", "2001:db8:a000::/36", "dev", "lo"], check=True)


def setUpModule():
    global stack, gateway
    in_namespace()
    stack = Stack().start()
    # Silent connections must outlast the flood (the handshake deadline would close them at 5 s,
    # and an attacker would simply open them again); no call budget, the test's calls are many.
    gateway = stack.gateway(listen=("::",), limits={"handshake_timeout_ms": 60000, "calls_per_minute": 0}).start()
    stack.add_customer()


def tearDownModule():
    if stack:
        stack.stop()


def connect_from(source, port, timeout=5):
    sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    sock.setsockopt(socket.IPPROTO_IPV6, IPV6_FREEBIND, 1)
    sock.settimeout(timeout)
    sock.bind((source, 0))
    sock.connect(("::1", port))
    return sock


def still_open(sock):
    sock.settimeout(0.01)
    try:
        return sock.recv(1) != b""
    except (TimeoutError, BlockingIOError):
        return True
    except OSError:
        return False


class SlashFortyEight(unittest.TestCase):
    def test_silent_connections_from_400_blocks_and_a_handshake_flood_do_not_hold_back_a_legitimate_client(self):
        # 400 /64s of one /48, two silent connections each.
        silent = []
        for block in range(400):
            for _ in range(2):
                try:
                    silent.append(connect_from(f"{ATTACK_48}:{block:x}::1", gateway.port))
                except OSError:
                    pass
        time.sleep(0.5)
        held = sum(1 for sock in silent if still_open(sock))
        self.assertLessEqual(held, 16 * 32, "one /48 holds at most 16 times the per-/64 cap")
        self.assertIn('reason="address_cap"', gateway.scrape())

        # A TLS handshake flood from one address for 20 s, four threads as fast as they go.
        context = ssl.create_default_context(cafile=os.path.join(stack.dir, "certs/ca.pem"))
        stop = time.monotonic() + FLOOD_SECONDS
        handshakes = [0]

        def flood():
            while time.monotonic() < stop:
                try:
                    with context.wrap_socket(connect_from(FLOODER, gateway.port, 2), server_hostname="127.0.0.1"):
                        handshakes[0] += 1
                except OSError:
                    pass  # closed at accept: over its rate

        flooders = [threading.Thread(target=flood) for _ in range(4)]
        for thread in flooders:
            thread.start()

        # Meanwhile a customer's 30 calls, each on a new connection, spread over the flood.
        seconds = []
        failures = []
        for n in range(30):
            started = time.monotonic()
            try:
                with xmlrpc.client.ServerProxy(gateway.url(), context=stack.tls_context()) as proxy:
                    proxy.SetDyndnsIp("demo", "demo-password", "example.test", f"192.0.2.{100 + n % 2}")
            except Exception as error:  # noqa: BLE001 - every failure is reported below
                failures.append(repr(error))
            seconds.append(time.monotonic() - started)
            time.sleep(max(0.0, FLOOD_SECONDS / 32 - seconds[-1]))
        for thread in flooders:
            thread.join()
        for sock in silent:
            sock.close()

        seconds.sort()
        p99 = seconds[int(0.99 * (len(seconds) - 1))]
        print(f"legitimate calls: {len(seconds)}, failed {len(failures)}, p50 {seconds[len(seconds) // 2] * 1000:.0f} ms, "
              f"p99 {p99 * 1000:.0f} ms; handshakes completed by the flooder: {handshakes[0]} in {FLOOD_SECONDS} s; "
              f"silent connections held: {held} of {len(silent)} opened")
        self.assertEqual(failures, [])
        self.assertLessEqual(p99, 1.0)
        self.assertIn('reason="connection_rate"', gateway.scrape(), "the flooder was held to its rate")

    def test_a_handshake_flood_from_many_blocks_does_not_hold_back_calls_on_open_connections(self):
        # One ClientHello, replayed: each copy costs the gateway a key exchange and a signature and
        # the flooder nothing (TLS 1.3 servers do not recognise a replayed hello without 0-RTT).
        context = ssl.create_default_context(cafile=os.path.join(stack.dir, "certs/ca.pem"))
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        client = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
        with self.assertRaises(ssl.SSLWantReadError):
            client.do_handshake()
        hello = outgoing.read()

        def calls(proxy, count):
            seconds = []
            for n in range(count):
                started = time.monotonic()
                proxy.SetDyndnsIp("demo", "demo-password", "example.test", "192.0.2.100")
                seconds.append(time.monotonic() - started)
            seconds.sort()
            return seconds[len(seconds) // 2], seconds[int(0.99 * (len(seconds) - 1))]

        # A customer's keep-alive connection, measured alone first, then under the flood.
        with xmlrpc.client.ServerProxy(gateway.url(), context=stack.tls_context()) as proxy:
            quiet_p50, quiet_p99 = calls(proxy, 100)
            stop = threading.Event()
            answered = [0, 0]  # hellos answered by the gateway's first flight, refused

            def flood(offset):
                n = offset
                while not stop.is_set():
                    n += 1
                    try:
                        with connect_from(SPREAD_SOURCES[n % len(SPREAD_SOURCES)], gateway.port, 2) as sock:
                            sock.sendall(hello)
                            answered[0 if sock.recv(4096) else 1] += 1
                    except OSError:
                        answered[1] += 1

            flooders = [threading.Thread(target=flood, args=(k * 8,)) for k in range(8)]
            for thread in flooders:
                thread.start()
            time.sleep(1)
            before = answered[0]
            flood_started = time.monotonic()
            flood_p50, flood_p99 = calls(proxy, 300)
            rate = (answered[0] - before) / (time.monotonic() - flood_started)
            stop.set()
            for thread in flooders:
                thread.join()
        print(f"calls on an open connection: alone p50 {quiet_p50 * 1000:.1f} ms p99 {quiet_p99 * 1000:.1f} ms; "
              f"under a flood of {rate:.0f} handshakes/s from {len(SPREAD_SOURCES)} /48s: "
              f"p50 {flood_p50 * 1000:.1f} ms p99 {flood_p99 * 1000:.1f} ms; refused {answered[1]}")
        self.assertGreater(rate, 200, "the flood reached the gateway")
        # Each turn of the loop does at most a few handshakes before it serves open connections.
        self.assertLessEqual(flood_p99, max(0.1, 10 * quiet_p99))


if __name__ == "__main__":
    if os.environ.get("DYNDNS_IN_NETNS") != "1":
        # Run again in a network namespace of our own (and a user namespace, so no privilege is
        # needed): its loopback carries the test's IPv6 blocks and nothing reaches another network.
        os.environ["DYNDNS_IN_NETNS"] = "1"
        sys.exit(subprocess.run(["unshare", "--user", "--map-root-user", "--net", sys.executable, *sys.argv]).returncode)
    unittest.main(verbosity=2)
