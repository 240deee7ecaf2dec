"""Gateways on one PostgreSQL store end to end: a fresh database migrated once by two gateways started together, dyndnsctl on the same store, a database stopped and started under load (the XML-RPC, dyndns2 and panel answers), and a call budget and a login throttle that hold across both."""
import base64
import html
import http.cookiejar
import os
import ssl
import sys
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import xmlrpc.client

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import BIN_DIR, CsrfField, Stack, free_port, run  # noqa: E402
from postgres_server import PostgresServer  # noqa: E402

# In the connection string, so the test can look for it where it must never be.
DB_PASSWORD = "e2e-db-password-never-logged"

stack = None
postgres = None
gateways = []


def setUpModule():
    global stack, postgres, gateways
    stack = Stack().start()
    os.chmod(stack.dir, 0o711)  # the server runs as the postgres user: it must pass through (not list) the stack's dir
    postgres = PostgresServer(os.path.join(stack.dir, "postgres"), free_port()).start()
    database = postgres.create_database("dyndns", password=DB_PASSWORD)
    # No call budget: the load below is one account's, far above a customer's.
    gateways = [stack.gateway(f"gateway{i}", postgresql=database, limits={"calls_per_minute": 0}) for i in (1, 2)]
    # At the same moment, on a database with no schema yet: both migrate, one at a time.
    starters = [threading.Thread(target=gw.start) for gw in gateways]
    for starter in starters:
        starter.start()
    for starter in starters:
        starter.join()
    for gw in gateways:
        if gw.process is None or gw.process.poll() is not None:
            raise RuntimeError("a gateway did not start: " + open(gw.log_path).read())
    stack.add_customer()


def tearDownModule():
    for gw in gateways:
        gw.stop()
    if postgres:
        postgres.stop()
    stack.stop()


def set_ip(gw, ip="", proxy=None):
    if proxy is not None:
        return proxy.SetDyndnsIp("demo", "demo-password", "example.test", ip)
    with gw.proxy() as fresh:
        return fresh.SetDyndnsIp("demo", "demo-password", "example.test", ip)


def nic_update(gw, ip):
    """dyndns2 through urllib: (HTTP status, body)."""
    request = urllib.request.Request(gw.url(path=f"/nic/update?hostname=example.test&myip={ip}"))
    request.add_header("Authorization", "Basic " + base64.b64encode(b"demo:demo-password").decode())
    context = ssl.create_default_context(cafile=os.path.join(stack.dir, "certs/ca.pem"))
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


class ForwardedFor(xmlrpc.client.SafeTransport):
    """xmlrpc.client's HTTPS transport as a trusted reverse proxy's: the caller is `source`."""

    def __init__(self, source, context):
        super().__init__(context=context)
        self.source = source

    def send_headers(self, connection, headers):
        super().send_headers(connection, headers + [("X-Forwarded-For", self.source)])


def answer_of(gw, source, password):
    try:
        with gw.proxy(transport=ForwardedFor(source, stack.tls_context())) as proxy:
            proxy.SetDyndnsIp("demo", password, "example.test", "")
        return "ok"
    except xmlrpc.client.Fault as fault:
        return f"fault {fault.faultCode}"


class PanelBrowser:
    """A logged-in panel session through urllib: cookies kept, redirects followed, errors returned as answers."""

    def __init__(self, gw):
        self.gw = gw
        context = ssl.create_default_context(cafile=os.path.join(stack.dir, "certs/ca.pem"))
        self.opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context),
                                                  urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, path, form=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.gw.url(path=path), data=data, timeout=30) as answer:
                return answer.status, dict(answer.headers), answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def log_in(self, account, password):
        _, _, page = self.open("/panel/login")
        status, _, page = self.open("/panel/login", {"csrf": CsrfField(page).value, "account": account,
                                                    "password": password})
        return status, page


class PostgresqlStore(unittest.TestCase):
    def test_1_two_gateways_migrated_the_fresh_database_once_and_both_serve(self):
        # One row, at the last of the steps in gateway/store/store_schema.cpp.
        self.assertEqual(postgres.sql("SELECT count(*), max(version) FROM schema_version", "dyndns"), ["1|10"])
        with open(os.path.join(postgres.dir, "postgres.log")) as f:
            log = f.read()
        self.assertNotIn("already exists", log)  # no second CREATE TABLE raced the first
        for i, gw in enumerate(gateways):
            answer = set_ip(gw, f"192.0.2.{10 + i}")
            self.assertEqual(answer["ip"], f"192.0.2.{10 + i}")
        self.assertEqual(stack.dig_short("example.test", "A"), ["192.0.2.11"])

    def test_2_a_change_through_dyndnsctl_reaches_both_gateways_within_a_second(self):
        stack.ctl("dyndns", "off", "example.test")
        time.sleep(1)
        for gw in gateways:
            with self.assertRaises(xmlrpc.client.Fault) as refused:
                set_ip(gw, "192.0.2.20")
            self.assertEqual(refused.exception.faultCode, 3)
        stack.ctl("dyndns", "on", "example.test")
        time.sleep(1)
        for gw in gateways:
            self.assertEqual(set_ip(gw, "192.0.2.21")["ip"], "192.0.2.21")

    def test_3_database_stopped_and_started_under_load(self):
        results = []  # (phase, started at, seconds, outcome)
        lock = threading.Lock()
        phase = ["before"]
        stop = threading.Event()

        def xmlrpc_client(n):
            gw = gateways[n % 2]
            proxy = gw.proxy()
            i = 0
            while not stop.is_set():
                i += 1
                began = time.monotonic()
                current = phase[0]
                try:
                    set_ip(gw, f"192.0.2.{100 + (n * 37 + i) % 100}", proxy)
                    outcome = "ok"
                except xmlrpc.client.Fault as fault:
                    outcome = f"fault {fault.faultCode}"
                except Exception as error:  # a broken connection would be a failure of the gateway
                    outcome = f"error {type(error).__name__}: {error}"
                with lock:
                    results.append((current, began, time.monotonic() - began, outcome))
                time.sleep(0.02)
            proxy("close")()

        def dyndns2_client():
            i = 0
            while not stop.is_set():
                i += 1
                began = time.monotonic()
                current = phase[0]
                try:
                    status, body = nic_update(gateways[i % 2], f"198.51.100.{i % 200 + 1}")
                    first = body.split()[0] if body.split() else ""
                    outcome = "ok" if first in ("good", "nochg") else f"dyndns2 {status} {body.strip()}"
                except Exception as error:
                    outcome = f"error {type(error).__name__}: {error}"
                with lock:
                    results.append((current, began, time.monotonic() - began, outcome))
                time.sleep(0.02)

        clients = [threading.Thread(target=xmlrpc_client, args=(n,)) for n in range(3)]
        clients.append(threading.Thread(target=dyndns2_client))
        for client in clients:
            client.start()
        time.sleep(1.5)
        phase[0] = "stopping"
        postgres.stop()
        stopped_at = time.monotonic()
        phase[0] = "down"
        time.sleep(4)
        phase[0] = "starting"
        postgres.start()
        started_at = time.monotonic()
        phase[0] = "back"
        time.sleep(4)
        stop.set()
        for client in clients:
            client.join(timeout=60)

        def outcomes(name, since=None):
            return [r[3] for r in results if r[0] == name and (since is None or r[1] >= since)]

        # Answers from memory may still succeed for a moment (kForeignChangeBound); after that, fault 10 / 911.
        down = outcomes("down", since=stopped_at + 0.5)
        back = outcomes("back", since=started_at + 2)
        slowest = max(r[2] for r in results)
        summary = (f"{len(results)} calls; down: {len(down)}, {sorted(set(down))}; back: {len(back)}, {sorted(set(back))}; "
                   f"slowest {slowest:.2f} s")
        print(summary)
        self.assertTrue(outcomes("before") and all(o == "ok" for o in outcomes("before")), summary)
        self.assertTrue(down, summary)
        self.assertTrue(all(o in ("fault 10", "dyndns2 200 911") for o in down), summary)
        self.assertIn("fault 10", down, summary)
        self.assertIn("dyndns2 200 911", down, summary)
        self.assertTrue(back and all(o == "ok" for o in back), summary)
        self.assertFalse([o for o in (r[3] for r in results) if o.startswith("error")], summary)
        self.assertLess(slowest, 6, summary)
        for gw in gateways:
            self.assertIsNone(gw.process.poll(), "a gateway exited")
        # History from both gateways lands in the one store once it is back.
        self.assertGreater(int(postgres.sql("SELECT count(*) FROM history", "dyndns")[0]), 0)

    def test_5_a_call_budget_holds_across_two_gateways(self):
        budget = 10
        limited = [stack.gateway(f"limited{i}", postgresql=gateways[0].postgresql,
                                 limits={"calls_per_minute": budget}).start() for i in (1, 2)]
        # One clock minute is one window: start with time to spare before the next.
        while time.time() % 60 > 40:
            time.sleep(1)
        answers = []
        for i in range(budget + 6):
            try:
                set_ip(limited[i % 2], f"192.0.2.{50 + i}")
                answers.append("ok")
            except xmlrpc.client.Fault as fault:
                answers.append(f"fault {fault.faultCode}")
        for gw in limited:
            gw.stop()
        self.assertEqual(answers, ["ok"] * budget + ["fault 6"] * 6)

    def test_6_the_login_throttle_holds_across_two_gateways(self):
        # Wrong passwords from one source, through each gateway in turn: refused (fault 6) at the
        # combined count of 10 per account and source, not at 10 on each gateway.
        guesser = "198.51.100.20"
        answers = [answer_of(gateways[i % 2], guesser, "wrong-password") for i in range(14)]
        self.assertEqual(answers, ["fault 1"] * 10 + ["fault 6"] * 4)
        self.assertEqual(answer_of(gateways[1], guesser, "demo-password"), "fault 6")
        # The account is not locked for its owner: another source logs in through either gateway.
        self.assertEqual(answer_of(gateways[0], "198.51.100.21", "demo-password"), "ok")
        self.assertEqual(answer_of(gateways[1], "198.51.100.21", "demo-password"), "ok")
        counts = postgres.sql("SELECT scope, failures FROM login_failures WHERE source = '198.51.100.20' ORDER BY scope",
                              "dyndns")
        self.assertEqual(counts, ["0|10", "1|10"])

    def test_4_the_database_password_reaches_no_log(self):
        for gw in gateways:
            with open(gw.log_path) as f:
                self.assertNotIn(DB_PASSWORD, f.read())
        shown = stack.ctl("list").stdout + stack.ctl("history").stdout
        self.assertNotIn(DB_PASSWORD, shown)
        summary = run(os.path.join(BIN_DIR, "dyndns-gateway"), "--check-config", gateways[0].config).stdout
        self.assertIn(f"PostgreSQL host=127.0.0.1 port={postgres.port} dbname=dyndns", summary)
        self.assertNotIn(DB_PASSWORD, summary)

    def test_7_the_panel_answers_a_store_outage_like_every_front_end(self):
        browser = PanelBrowser(gateways[0])
        status, page = browser.log_in("demo", "demo-password")
        self.assertEqual(status, 200, page)
        csrf = CsrfField(page).value
        self.assertTrue(csrf, page)
        postgres.stop()
        try:
            # Any page (it checks the session against the store) and a new token: fault 10 as a
            # 503 with Retry-After, never a 500 or a 400.
            for path, form in (("/panel/", None),
                               ("/panel/token/new", {"csrf": csrf, "domain": "example.test", "name": "example.test"})):
                status, headers, page = browser.open(path, form)
                self.assertEqual(status, 503, f"{path}: {page}")
                self.assertIn("the gateway's store is unavailable; nothing changed, retry later", html.unescape(page))
                self.assertIn("Retry-After", headers)
        finally:
            postgres.start()
        # The same session works again once the pool has reconnected (a few seconds, as for the calls in test 3).
        deadline = time.monotonic() + 15
        while True:
            status, _, page = browser.open("/panel/")
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        self.assertEqual(status, 200, page)
        self.assertIn("example.test", page)
        self.assertIsNone(gateways[0].process.poll(), "the gateway exited")


if __name__ == "__main__":
    unittest.main(verbosity=2)
