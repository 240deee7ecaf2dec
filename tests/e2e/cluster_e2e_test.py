"""scripts/cluster end to end: two gateways on one PostgreSQL store behind HAProxy, a BIND primary and its secondary; a gateway killed, the database stopped, the budget and a dyndns off shared, the secondary's delay."""
import os
import shlex
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import xmlrpc.client
import http.client

import dns.message
import dns.query
import dns.rdatatype

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import BIN_DIR, SOURCE_DIR  # noqa: E402
from postgres_server import PostgresServer  # noqa: E402

cluster = None   # the scripts/cluster process
env = {}         # its cluster.env
work_dir = None

BUDGET = 10  # calls per minute while the budget test runs


def setUpModule():
    global cluster, work_dir
    work_dir = tempfile.mkdtemp(prefix="dyndns-cluster-e2e-")
    os.chmod(work_dir, 0o711)  # PostgreSQL runs as its own user: it must pass through (not list) this dir
    log_path = os.path.join(work_dir, "cluster.log")
    # The sanitizer build the other tests use; no call budget (the load below is one account's) until the budget test.
    with open(log_path, "wb") as log:
        cluster = subprocess.Popen([os.path.join(SOURCE_DIR, "scripts/cluster"), "--dir", os.path.join(work_dir, "cluster"),
                                    "--bin-dir", BIN_DIR, "--limit", "calls_per_minute=0"],
                                   stdout=subprocess.PIPE, stderr=log, text=True)
    deadline = time.monotonic() + 90
    for line in cluster.stdout:
        if line.startswith("ready: "):
            break
        if time.monotonic() > deadline:
            break
    else:
        with open(log_path) as log:
            raise RuntimeError("scripts/cluster exited before ready: " + log.read())
    # The rest of its output is not read: it must not block on a full pipe.
    threading.Thread(target=lambda: [None for _ in cluster.stdout], daemon=True).start()
    with open(os.path.join(work_dir, "cluster", "cluster.env")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                key, value = shlex.split(line)[0].split("=", 1)
                env[key] = value


def tearDownModule():
    if cluster and cluster.poll() is None:
        cluster.send_signal(signal.SIGTERM)
        cluster.wait(timeout=60)
    # Nothing it started is left: no gateway, no named, no PostgreSQL, no HAProxy.
    for pid in env.get("GATEWAY_PIDS", "").split() + [env.get("HAPROXY_PID", "")]:
        if pid and os.path.exists(f"/proc/{pid}"):
            raise RuntimeError(f"process {pid} outlived scripts/cluster")
    if os.environ.get("DYNDNS_KEEP_TEST_DIR"):
        print(f"kept {work_dir}")
    else:
        subprocess.run(["rm", "-rf", work_dir])


def tls_context():
    return ssl.create_default_context(cafile=env["CA"])


def ctl(*args, input=None):
    result = subprocess.run(shlex.split(env["CTL"]) + list(args), input=input, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"dyndnsctl {args} failed: {result.stdout}{result.stderr}")
    return result.stdout


def via_haproxy():
    return xmlrpc.client.ServerProxy(env["URL"], context=tls_context())


class SourceTransport(xmlrpc.client.SafeTransport):
    """xmlrpc.client's HTTPS transport bound to a source address."""

    def __init__(self, source):
        super().__init__(context=tls_context())
        self.source = source

    def make_connection(self, host):
        if not self._connection or host != self._connection[0]:
            self._connection = host, http.client.HTTPSConnection(host, context=self.context, source_address=(self.source, 0))
        return self._connection[1]


class ProxyHeaderConnection(http.client.HTTPSConnection):
    """Straight to one gateway from 127.0.0.1 (a trusted proxy), with the PROXY v1 header HAProxy would send."""

    def __init__(self, port):
        super().__init__("127.0.0.1", port, context=tls_context(), timeout=10)

    def connect(self):
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        raw.sendall(f"PROXY TCP4 127.0.0.1 127.0.0.1 40000 {self.port}\r\n".encode())
        self.sock = self._context.wrap_socket(raw, server_hostname="127.0.0.1")


class ProxyHeaderTransport(xmlrpc.client.SafeTransport):
    def __init__(self, port):
        super().__init__(context=tls_context())
        self.gateway_port = port

    def make_connection(self, host):
        if not self._connection or host != self._connection[0]:
            self._connection = host, ProxyHeaderConnection(self.gateway_port)
        return self._connection[1]


def gateway_proxies():
    """One XML-RPC proxy per gateway, each reaching only that gateway."""
    return [xmlrpc.client.ServerProxy(f"https://127.0.0.1:{port}/dom/api", transport=ProxyHeaderTransport(int(port)))
            for port in env["GATEWAY_PORTS"].split()]


def served(port, names, server="127.0.0.1"):
    """{name: [A addresses]} as the server on `port` answers them, without recursion."""
    answers = {}
    for name in names:
        reply = dns.query.udp(dns.message.make_query(name, "A"), server, port=int(port), timeout=2)
        answers[name] = sorted(rr.address for rrset in reply.answer if rrset.rdtype == dns.rdatatype.A for rr in rrset)
    return answers


def served_within(port, expected, seconds):
    """{name: [A addresses]} once the server on `port` serves every name of `expected` as expected,
    or as it answers when `seconds` have passed."""
    deadline = time.monotonic() + seconds
    while True:
        answers = served(port, expected)
        if all(answers[name] == want for name, want in expected.items()) or time.monotonic() > deadline:
            return answers
        time.sleep(0.1)


def reload_gateways():
    """SIGHUP to both gateways; returns once each has logged that it reloaded (its own thread reads it)."""
    logs = [path.removesuffix(".yaml") + ".log" for path in env["GATEWAY_CONFIGS"].split()]

    def reloads():
        counts = []
        for path in logs:
            with open(path, errors="replace") as f:
                counts.append(sum(1 for line in f if "reloaded " in line))
        return counts

    before = reloads()
    for pid in gateway_pids():
        os.kill(pid, signal.SIGHUP)
    deadline = time.monotonic() + 20
    while any(now <= then for now, then in zip(reloads(), before)):
        if time.monotonic() > deadline:
            raise RuntimeError(f"a gateway did not log its reload within 20 s: {before} -> {reloads()}")
        time.sleep(0.1)


def udp_receive_buffer_drops():
    """Datagrams the kernel dropped, IPv4 and IPv6, because a socket's receive buffer was full."""
    with open("/proc/net/snmp") as f:
        header, values = [line.split() for line in f if line.startswith("Udp:")]
    drops = int(values[header.index("RcvbufErrors")])
    with open("/proc/net/snmp6") as f:
        drops += sum(int(line.split()[1]) for line in f if line.startswith("Udp6RcvbufErrors"))
    return drops


def named_log_lines(directory, words):
    """The lines of a named's log that carry any of `words`, its NOTIFY, refresh and transfer story."""
    with open(os.path.join(directory, "named.log"), errors="replace") as f:
        return [line.rstrip() for line in f if any(word in line for word in words)]


def gateway_pids():
    return [int(pid) for pid in env["GATEWAY_PIDS"].split()]


class LoadClients:
    """Threads calling SetDyndnsIp through HAProxy, each on names of its own, retrying on connection errors."""

    def __init__(self, threads, prefix, pause=0.01):
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.results = []  # (started, seconds, name, address, outcome)
        self.phase = "before"
        self.workers = [threading.Thread(target=self.run, args=(n, prefix, pause)) for n in range(threads)]

    def run(self, n, prefix, pause):
        proxy = via_haproxy()
        i = 0
        while not self.stop.is_set():
            i += 1
            name, address = f"{prefix}{n}-{i}.example.test", f"10.{n}.{i // 250 % 250}.{i % 250 + 1}"
            began, phase = time.monotonic(), self.phase
            try:
                proxy.SetDyndnsIp("demo", "demo-password", name, address)
                outcome = "ok"
            except xmlrpc.client.Fault as fault:
                outcome = f"fault {fault.faultCode}"
            except (OSError, http.client.HTTPException, xmlrpc.client.ProtocolError) as error:
                outcome = f"error {type(error).__name__}"
                proxy("close")()
                proxy = via_haproxy()  # a new connection: HAProxy picks a live gateway
            with self.lock:
                self.results.append((began, time.monotonic() - began, name, address, outcome, phase))
            time.sleep(pause)
        proxy("close")()

    def __enter__(self):
        for worker in self.workers:
            worker.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for worker in self.workers:
            worker.join(timeout=60)


class Cluster(unittest.TestCase):
    def test_1_the_seed_program_through_haproxy(self):
        # The original documentation's program, ported to Python 3, pointed at HAProxy, trusting the cluster's CA.
        program = ("import xmlrpc.client\n"
                   f'proxy = xmlrpc.client.ServerProxy("{env["URL"]}")\n'
                   'print(proxy.SetDyndnsIp("demo", "demo-password", "example.test", ""))\n')
        run = subprocess.run([sys.executable, "-c", program], env=dict(os.environ, SSL_CERT_FILE=env["CA"]),
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertIn("'domain': 'example.test', 'ip': '127.0.0.1', 'type': 'A', 'ttl': 60", run.stdout)
        self.assertEqual(served(env["PRIMARY_PORT"], ["example.test"])["example.test"], ["127.0.0.1"])

    def test_2_a_caller_from_127_0_0_9_with_an_empty_address_gets_127_0_0_9(self):
        # Two calls, two connections: one per gateway (round robin).
        for n in range(2):
            name = f"nine{n}.example.test"
            with xmlrpc.client.ServerProxy(env["URL"], transport=SourceTransport("127.0.0.9")) as proxy:
                self.assertEqual(proxy.SetDyndnsIp("demo", "demo-password", name, "")["ip"], "127.0.0.9")
            self.assertEqual(served(env["PRIMARY_PORT"], [name])[name], ["127.0.0.9"])

    def test_3_a_call_budget_holds_across_both_gateways(self):
        configs = env["GATEWAY_CONFIGS"].split()
        originals = []
        for path in configs:
            with open(path) as f:
                originals.append(f.read())
        try:
            for path, text in zip(configs, originals):
                self.assertIn("  calls_per_minute: 0\n", text)
                with open(path, "w") as f:
                    f.write(text.replace("  calls_per_minute: 0\n", f"  calls_per_minute: {BUDGET}\n"))
            reload_gateways()
            # One clock minute is one window: start with time to spare before the next.
            while time.time() % 60 > 50:
                time.sleep(0.5)
            answers = []
            for i in range(BUDGET + 6):
                try:
                    # A new connection each: round robin alternates the gateways.
                    with via_haproxy() as proxy:
                        proxy.SetDyndnsIp("demo", "demo-password", "budget.example.test", f"192.0.2.{i + 1}")
                    answers.append("ok")
                except xmlrpc.client.Fault as fault:
                    answers.append(f"fault {fault.faultCode}")
            self.assertEqual(answers, ["ok"] * BUDGET + ["fault 6"] * 6)
        finally:
            for path, text in zip(configs, originals):
                with open(path, "w") as f:
                    f.write(text)
            reload_gateways()

    def test_4_dyndns_off_through_ctl_refuses_the_next_call_on_both_gateways_within_a_second(self):
        proxies = gateway_proxies()
        for proxy in proxies:
            self.assertEqual(proxy.SetDyndnsIp("demo", "demo-password", "off.example.test", "192.0.2.50")["ip"], "192.0.2.50")
        ctl("dyndns", "off", "example.test")
        try:
            time.sleep(1)
            for proxy in proxies:
                with self.assertRaises(xmlrpc.client.Fault) as refused:
                    proxy.SetDyndnsIp("demo", "demo-password", "off.example.test", "192.0.2.51")
                self.assertEqual(refused.exception.faultCode, 3)
        finally:
            ctl("dyndns", "on", "example.test")
        time.sleep(1)
        for proxy in proxies:
            self.assertEqual(proxy.SetDyndnsIp("demo", "demo-password", "off.example.test", "192.0.2.52")["ip"], "192.0.2.52")
            proxy("close")()

    def test_5_the_secondary_serves_a_change_within_2_s_of_its_acknowledgement(self):
        delays = []
        slow = []         # (name, address, delay) of every change the secondary served 2 s or more after it
        not_on_primary = []
        lock = threading.Lock()
        stop = threading.Event()

        def client(n):
            proxy = via_haproxy()
            i = 0
            while not stop.is_set():
                i += 1
                name, address = f"lag{n}.example.test", f"10.99.{n}.{i % 250 + 1}"
                proxy.SetDyndnsIp("demo", "demo-password", name, address)
                acknowledged = time.monotonic()
                # The test asks over ::1: BIND's NOTIFY reaches the secondary on 127.0.0.1, and a
                # receive buffer the test's own polling filled would drop it (5 s until BIND retries).
                if served(env["PRIMARY_PORT"], [name], "::1")[name] != [address]:
                    with lock:
                        not_on_primary.append((name, address))
                while served(env["SECONDARY_PORT"], [name], "::1")[name] != [address]:
                    if time.monotonic() - acknowledged > 20:
                        break
                    time.sleep(0.01)
                delay = time.monotonic() - acknowledged
                with lock:
                    delays.append(delay)
                    if delay >= 2.0:
                        slow.append((name, address, round(delay, 3)))
            proxy("close")()

        drops_before = udp_receive_buffer_drops()
        workers = [threading.Thread(target=client, args=(n,)) for n in range(6)]
        for worker in workers:
            worker.start()
        time.sleep(8)
        stop.set()
        for worker in workers:
            worker.join(timeout=40)
        drops = udp_receive_buffer_drops() - drops_before
        ordered = sorted(delays)
        p50, p99 = statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(f"\nsecondary delay after acknowledgement, 6 clients through HAProxy: {len(ordered)} changes, "
              f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms; "
              f"UDP datagrams dropped on full receive buffers meanwhile: {drops}", file=sys.stderr)
        if slow:
            # BIND's side of each slow change, for whoever reads a failure.
            print(f"slow changes: {slow}", file=sys.stderr)
            words = ("notify", "refresh", "transfer", "SOA", "serial")
            for label, directory in (("primary", env["PRIMARY_DIR"]), ("secondary", env["SECONDARY_DIR"])):
                print(f"{label} named.log, last lines on NOTIFY and transfers:", file=sys.stderr)
                for line in named_log_lines(directory, words)[-40:]:
                    print("  " + line[:300], file=sys.stderr)
        self.assertGreater(len(ordered), 50)
        # The gateway's part: every acknowledged change is already served by the primary.
        self.assertEqual(not_on_primary, [])
        # The rest is BIND's NOTIFY, SOA query and IXFR over loopback. BIND 9.18 sends a NOTIFY or
        # an SOA query that got no answer again after 5 s, twice (lib/dns/zone.c): one datagram lost
        # costs 5 s (seen once in 1,193 changes on a loaded CI machine), two cost 10 s (seen once in
        # 861). The 2 s bound holds for the 99th percentile; every change arrives before BIND's
        # request gives up (16 s), and the log lines above say which message was lost.
        self.assertLess(p99, 2.0)
        self.assertLess(len(slow), max(1, len(ordered) // 100))
        self.assertLess(ordered[-1], 16.0)

    def test_6_postgresql_stopped_and_started_under_load(self):
        postgres = PostgresServer(env["PG_DIR"], int(env["PG_PORT"]))
        pids = gateway_pids()
        with LoadClients(4, "pg") as load:
            time.sleep(1.5)
            load.phase = "stopping"
            postgres.stop()
            stopped_at = time.monotonic()
            load.phase = "down"
            time.sleep(3)
            load.phase = "starting"
            postgres.start()
            started_at = time.monotonic()
            load.phase = "back"
            time.sleep(3.5)
        results = load.results

        def outcomes(phase, since):
            return [r[4] for r in results if r[5] == phase and r[0] >= since]

        # Answers from memory may still succeed for a moment after the stop; then fault 10.
        down = outcomes("down", stopped_at + 0.5)
        back = outcomes("back", started_at + 2)
        summary = f"{len(results)} calls; down {sorted(set(down))}; back {sorted(set(back))}"
        print(f"\npostgresql outage: {summary}", file=sys.stderr)
        self.assertTrue(all(r[4] == "ok" for r in results if r[5] == "before"), summary)
        self.assertIn("fault 10", down, summary)
        self.assertTrue(all(o == "fault 10" for o in down), summary)
        self.assertTrue(back and all(o == "ok" for o in back), summary)
        self.assertEqual(gateway_pids(), pids)
        for pid in pids:
            self.assertTrue(os.path.exists(f"/proc/{pid}"), f"gateway {pid} exited")

    def test_9_a_gateway_killed_under_load_loses_no_acknowledged_call(self):
        victim = gateway_pids()[0]
        with LoadClients(4, "kill") as load:
            time.sleep(2)
            os.kill(victim, signal.SIGKILL)
            killed_at = time.monotonic()
            time.sleep(4)
        ok = [r for r in load.results if r[4] == "ok"]
        failed = [r for r in load.results if r[4] != "ok"]
        after = [r for r in ok if r[0] > killed_at]
        print(f"\ngateway {victim} killed: {len(ok)} calls answered with success ({len(after)} after the kill), "
              f"{len(failed)} failed: {sorted(set(r[4] for r in failed))}", file=sys.stderr)
        self.assertGreater(len(after), 20)
        self.assertFalse([r for r in failed if r[4].startswith("fault")], "only connection errors, retried")
        expected = {r[2]: [r[3]] for r in ok}
        # The primary serves every acknowledged change at once; the secondary catches up by NOTIFY
        # and IXFR, within BIND's 16 s should a datagram be lost (test_5).
        for label, port, seconds in (("primary", env["PRIMARY_PORT"], 0), ("secondary", env["SECONDARY_PORT"], 16)):
            answers = served_within(port, expected, seconds)
            lost = {name: (want, answers[name]) for name, want in expected.items() if answers[name] != want}
            self.assertEqual(lost, {}, f"acknowledged but not served by the {label}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
