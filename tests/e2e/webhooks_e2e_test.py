"""Webhooks end to end: a TLS receiver (Python's http.server, a certificate of the test CA) verifies each signed event as docs/webhooks.md says, through a receiver outage and a gateway restart; private targets refused."""
import base64
import hashlib
import hmac
import http.server
import json
import os
import ssl
import subprocess
import sys
import threading
import time
import unittest
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import CsrfField, Gateway, PanelClient, Stack, free_port  # noqa: E402

stack = None
gateway = None
receiver = None
secret = None
webhook_id = None

# How old a signed timestamp a receiver accepts (docs/webhooks.md recommends five minutes).
TOLERANCE_S = 300


def verify(secret_text, header, body):
    """docs/webhooks.md "Verifying a delivery", as a receiver writes it: the error, or None."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if "t" not in fields or "v1" not in fields:
        return f"no t= or v1= in {header!r}"
    if abs(time.time() - int(fields["t"])) > TOLERANCE_S:
        return "timestamp too old"
    expected = hmac.new(secret_text.encode(), fields["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return None if hmac.compare_digest(expected, fields["v1"]) else "signature mismatch"


def serve_tls(port, certs, handler):
    """An http.server on 127.0.0.1:port over TLS with certs/server.pem, serving in a thread of its own."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(certs, "server.pem"), os.path.join(certs, "server.key"))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Receiver:
    """An HTTPS receiver on 127.0.0.1 with the stack's server certificate (localhost, of the test CA)."""

    def __init__(self, port, certs):
        self.port = port
        self.certs = certs
        self.events = []  # (event JSON, the error of its signature or None), in arrival order
        self.lock = threading.Lock()
        self.server = None

    other_secrets = []

    def start(self):
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                # The module's webhook's secret, or another webhook's this receiver was told of (the panel's).
                errors = [verify(known, self.headers.get("Dyndns-Signature", ""), body)
                          for known in [secret] + outer.other_secrets]
                error = None if None in errors else errors[0]
                with outer.lock:
                    outer.events.append((json.loads(body), error, dict(self.headers)))
                self.send_response(204 if error is None else 400)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = serve_tls(self.port, self.certs, Handler)
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def received(self):
        with self.lock:
            return list(self.events)

    def wait_for(self, count, limit=30):
        deadline = time.monotonic() + limit
        while len(self.received()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received()


def webhooks_yaml(allow_private):
    return (f"webhooks:\n  allow_private_addresses: {'true' if allow_private else 'false'}\n"
            f"  ca_file: {os.path.join(stack.dir, 'certs/ca.pem')}\n"
            "  first_retry_seconds: 1\n  timeout_ms: 3000\n")


# docs/webhooks.md: a webhook added by dyndnsctl (not through this gateway) gets the changes from
# at most a second after it was added.
ADDED_OUTSIDE_SEEN_WITHIN = 1.2


def setUpModule():
    global stack, gateway, receiver, secret, webhook_id
    stack = Stack().start("--zone", "example.test")
    gateway = stack.gateway(limits={"calls_per_minute": 0}, extra_yaml=webhooks_yaml(True)).start()
    stack.add_customer()
    receiver = Receiver(free_port(), os.path.join(stack.dir, "certs")).start()
    out = stack.ctl("webhook", "add", "demo", f"https://localhost:{receiver.port}/hook", "--domain", "example.test")
    lines = out.stdout.strip().splitlines()
    secret = lines[-1]
    webhook_id = lines[0].split()[1]
    assert secret.startswith("whsec_"), lines


def tearDownModule():
    if receiver:
        receiver.stop()
    if stack:
        stack.stop()


# A call never waits for a delivery: it must be answered well within one attempt's timeout
# (timeout_ms 3000 above), with room for a loaded machine's sanitizer build.
CALL_NOT_DELAYED = 2.0


def set_ip(address):
    """SetDyndnsIp through xmlrpc.client: (its answer, seconds it took)."""
    started = time.monotonic()
    answer = gateway.proxy().SetDyndnsIp("demo", "demo-password", "example.test", address)
    return answer, time.monotonic() - started


def dyndns2(query):
    request = urllib.request.Request(f"https://127.0.0.1:{gateway.port}/nic/update?{query}", headers={
        "Authorization": "Basic " + base64.b64encode(b"demo:demo-password").decode(), "User-Agent": "e2e/1"})
    with urllib.request.urlopen(request, context=stack.tls_context(), timeout=20) as response:
        return response.read().decode().strip()


class Webhooks(unittest.TestCase):
    def test_1_one_signed_event_per_change_and_none_for_an_unchanged_call(self):
        before = len(receiver.received())
        queued_before = gateway.metric("dyndns_webhook_deliveries_queued_total")
        delivered_before = gateway.metric("dyndns_webhook_attempts_total", result="delivered")
        self.assertTrue(set_ip("192.0.2.10")[0]["changed"])
        events = receiver.wait_for(before + 1)
        self.assertEqual(len(events), before + 1)
        event, error, headers = events[-1]
        self.assertIsNone(error, "the signature verifies with the documented scheme")
        self.assertEqual(headers.get("Dyndns-Event-Id"), event["id"])
        self.assertEqual(headers.get("Content-Type"), "application/json")
        self.assertEqual(event["type"], "addresses.changed")
        self.assertEqual((event["account"], event["domain"], event["protocol"]), ("demo", "example.test", "xmlrpc"))
        self.assertEqual(event["changes"], [{"name": "example.test", "type": "A", "old": [], "new": ["192.0.2.10"]}])
        self.assertRegex(event["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

        # The same address again: no UPDATE, so no event.
        self.assertFalse(set_ip("192.0.2.10")[0]["changed"])
        self.assertEqual(dyndns2("hostname=example.test&myip=192.0.2.10"), "nochg 192.0.2.10")
        self.assertTrue(set_ip("192.0.2.11")[0]["changed"])
        events = receiver.wait_for(before + 2)
        time.sleep(1.5)  # room for an event that should not come
        events = receiver.received()
        self.assertEqual(len(events), before + 2, [e[0] for e in events])
        event, error, _ = events[-1]
        self.assertIsNone(error)
        self.assertEqual(event["changes"], [{"name": "example.test", "type": "A", "old": ["192.0.2.10"],
                                             "new": ["192.0.2.11"]}])

        # Another protocol, an IPv6 address: its own event.
        self.assertEqual(dyndns2("hostname=example.test&myip=2001:db8::7"), "good 2001:db8::7")
        event, error, _ = receiver.wait_for(before + 3)[-1]
        self.assertIsNone(error)
        self.assertEqual(event["protocol"], "dyndns2")
        self.assertEqual(event["changes"][0]["type"], "AAAA")
        self.assertEqual(event["changes"][0]["new"], ["2001:db8::7"])

        # A wrong secret does not verify: the check above can fail.
        body = json.dumps(event).encode()
        stamp = str(int(time.time()))
        forged = hmac.new(b"whsec_wrong", stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        self.assertEqual(verify(secret, f"t={stamp},v1={forged}", body), "signature mismatch")
        self.assertIn("delivered", stack.ctl("webhook", "deliveries", webhook_id).stdout)

        # The metrics say the same: three queued, three delivered, nothing waiting.
        self.assertEqual(gateway.metric("dyndns_webhook_deliveries_queued_total") - queued_before, 3)
        self.assertEqual(gateway.metric("dyndns_webhook_attempts_total", result="delivered") - delivered_before, 3)
        self.assertEqual(gateway.metric("dyndns_webhook_attempts_total", result="given_up"), 0)
        self.assertEqual(gateway.metric("dyndns_webhook_attempt_duration_seconds_count"),
                         gateway.metric("dyndns_webhook_attempts_total"))
        self.assertEqual(gateway.metric("dyndns_webhook_deliveries_pending"), 0)
        self.assertEqual(gateway.metric("dyndns_webhook_overdue_seconds"), 0)

    def test_2_receiver_down_the_call_is_not_delayed_and_every_event_arrives_once_after_a_restart(self):
        receiver.stop()
        before = len(receiver.received())
        addresses = ["192.0.2.21", "192.0.2.22", "192.0.2.23"]
        for address in addresses:
            answer, seconds = set_ip(address)
            self.assertTrue(answer["changed"])
            self.assertLess(seconds, CALL_NOT_DELAYED, f"SetDyndnsIp took {seconds:.3f} s with the receiver down")
        # The senders have tried and failed at least once (connection refused), and will again.
        deadline = time.monotonic() + 10
        shown = ""
        while time.monotonic() < deadline:
            shown = stack.ctl("webhook", "deliveries", webhook_id).stdout
            if shown.count("pending") == 3 and "attempts 0" not in shown:
                break
            time.sleep(0.2)
        self.assertEqual(shown.count("pending"), 3, shown)
        self.assertNotIn("attempts 0", shown, "every pending delivery was tried")
        # Retried, waiting for their time: pending, and not overdue (the first retry is 10 s away).
        self.assertGreaterEqual(gateway.metric("dyndns_webhook_attempts_total", result="retried"), 3)
        self.assertEqual(gateway.metric("dyndns_webhook_deliveries_pending"), 3)
        self.assertLess(gateway.metric("dyndns_webhook_overdue_seconds"), 2)

        gateway.stop()
        gateway.start()
        receiver.start()
        events = receiver.wait_for(before + 3, limit=40)
        new = [e for e in events[before:]]
        self.assertEqual(sorted(e[0]["changes"][0]["new"][0] for e in new), addresses)
        self.assertTrue(all(e[1] is None for e in new), "every signature verifies")
        time.sleep(2)  # room for a duplicate
        ids = [e[0]["id"] for e in receiver.received()]
        self.assertEqual(len(ids), len(set(ids)), "no event id arrives twice")
        self.assertEqual(len(ids), before + 3)
        self.assertNotIn("pending", stack.ctl("webhook", "deliveries", webhook_id).stdout)

    def test_3_private_targets_refused_when_the_operator_has_not_allowed_them(self):
        strict = Gateway(stack, "strict", extra_yaml=webhooks_yaml(False))  # its config only; the same store
        ctl = [os.path.join(os.environ["DYNDNS_BIN_DIR"], "dyndnsctl"), "--config", strict.config, "webhook", "add", "demo"]
        for url, why in [("https://127.0.0.1/hook", "loopback"), ("https://10.0.0.1/hook", "private"),
                         ("https://localhost:8443/hook", "loopback"), ("https://[::1]/hook", "loopback"),
                         ("https://[::ffff:10.0.0.1]/hook", "private"), ("https://169.254.169.254/", "link-local"),
                         ("http://192.0.2.1/hook", "https"), ("https://user:pw@example.test/", "user information")]:
            result = subprocess.run(ctl + [url], capture_output=True, text=True, timeout=30)
            self.assertEqual(result.returncode, 3, (url, result.stdout, result.stderr))
            self.assertIn(why, result.stderr, url)
            self.assertNotIn("whsec_", result.stdout + result.stderr)
        listed = stack.ctl("webhook", "list", "demo").stdout
        self.assertNotIn("10.0.0.1", listed)
        self.assertEqual(len(listed.strip().splitlines()), 1, listed)

    def test_4_removal_stops_events_and_the_secret_is_never_logged(self):
        before = len(receiver.received())
        self.assertIn(f"webhook removed: {webhook_id}", stack.ctl("webhook", "remove", webhook_id).stdout)
        self.assertTrue(set_ip("192.0.2.40")[0]["changed"])
        time.sleep(1.5)
        self.assertEqual(len(receiver.received()), before, "no webhook, no event")
        self.assertEqual(stack.ctl("webhook", "list").stdout.strip(), "no webhooks")
        with open(gateway.log_path, encoding="utf-8", errors="replace") as f:
            log = f.read()
        self.assertIn("delivered", log)
        self.assertNotIn(secret, log)
        self.assertNotIn(secret, stack.ctl("webhook", "list").stdout)


    def test_5_an_unknown_certificate_a_redirect_a_slow_and_a_huge_answer(self):
        hostile = HostileReceiver(os.path.join(stack.dir, "certs")).start()
        rogue = HostileReceiver(self_signed_certificate()).start()
        try:
            ids = {}
            for name, url in [("redirect", f"https://localhost:{hostile.port}/redirect"),
                              ("slow", f"https://localhost:{hostile.port}/slow"),
                              ("huge", f"https://localhost:{hostile.port}/huge"),
                              ("rogue", f"https://localhost:{rogue.port}/huge")]:
                ids[name] = stack.ctl("webhook", "add", "demo", url).stdout.split()[1]
            time.sleep(ADDED_OUTSIDE_SEEN_WITHIN)
            started = time.monotonic()
            answer, seconds = set_ip("192.0.2.50")
            self.assertTrue(answer["changed"])
            self.assertLess(seconds, CALL_NOT_DELAYED)

            def last(name):
                return stack.ctl("webhook", "deliveries", ids[name]).stdout.strip().splitlines()[0]
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and any("attempts 0" in last(name) for name in ids):
                time.sleep(0.2)
            every_one_tried = time.monotonic() - started  # before the checks' own dyndnsctl runs
            self.assertIn("pending", last("redirect"))
            self.assertIn("HTTP 302 (redirects are not followed)", last("redirect"))
            self.assertEqual(hostile.hits("/redirected"), 0, "the redirect was not followed")
            self.assertIn("timed out after 3000 ms", last("slow"))
            self.assertIn("delivered", last("huge"))
            self.assertLess(hostile.bytes_sent, HostileReceiver.HUGE, "the answer was cut off")
            self.assertIn("pending", last("rogue"))
            self.assertIn("certificate", last("rogue").lower())
            self.assertEqual(rogue.hits("/huge"), 0, "nothing was sent to a receiver whose certificate does not verify")
            self.assertLess(every_one_tried, 15)
        finally:
            for webhook in ids.values():
                stack.ctl("webhook", "remove", webhook, check=False)
            hostile.stop()
            rogue.stop()


    def test_6_the_panel_adds_a_webhook_shows_its_secret_once_and_its_deliveries_and_removes_it(self):
        panel = PanelClient(gateway)
        _, _, page = panel.request("GET", "/panel/login")
        status, _, _ = panel.request("POST", "/panel/login", {"csrf": CsrfField(page).value, "account": "demo",
                                                              "password": "demo-password"})
        self.assertEqual(status, 303)
        _, _, page = panel.request("GET", "/panel/")
        csrf = CsrfField(page).value
        self.assertIn("No webhooks.", page)
        # A private target is refused here as by dyndnsctl, when the operator has not allowed it: the
        # module's gateway allows it (its receiver is on 127.0.0.1), so the check is the URL's form.
        status, _, refused = panel.request("POST", "/panel/webhook/new", {"csrf": csrf, "url": "http://localhost/hook",
                                                                          "domain": ""})
        self.assertEqual(status, 400, refused)
        self.assertIn("https", refused)
        status, headers, _ = panel.request("POST", "/panel/webhook/new", {
            "csrf": csrf, "url": f"https://localhost:{receiver.port}/panel-hook", "domain": "example.test"})
        self.assertEqual((status, headers["Location"]), (303, "/panel/#webhooks"))
        _, _, page = panel.request("GET", "/panel/")
        shown = page.split('id="new-webhook-secret">')[1].split("<")[0]
        self.assertTrue(shown.startswith("whsec_"), shown)
        _, _, again = panel.request("GET", "/panel/")
        self.assertNotIn(shown, again, "the secret is shown once")
        self.assertIn(f"https://localhost:{receiver.port}/panel-hook</code> for example.test", again)

        receiver.other_secrets.append(shown)
        before = len(receiver.received())
        self.assertTrue(set_ip("192.0.2.60")[0]["changed"])
        event, error, _ = receiver.wait_for(before + 1)[-1]
        self.assertIsNone(error, "signed with the secret the panel showed")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            _, _, page = panel.request("GET", "/panel/")
            if event["id"] in page and "<td>delivered</td>" in page:
                break
            time.sleep(0.2)
        self.assertIn(event["id"], page)
        self.assertIn("<td>delivered</td>", page)
        self.assertIn("last answer HTTP 204", page)  # the receiver's answer

        webhook = page.split('aria-label="Remove webhook ')[1].split('"')[0]
        status, _, _ = panel.request("POST", "/panel/webhook/remove", {"csrf": csrf, "id": webhook})
        self.assertEqual(status, 303)
        _, _, page = panel.request("GET", "/panel/")
        self.assertIn("No webhooks.", page)
        status, _, _ = panel.request("POST", "/panel/webhook/remove", {"csrf": "wrong", "id": webhook})
        self.assertEqual(status, 403, "no CSRF token, no change")


    def test_7_the_json_api_registers_lists_shows_deliveries_and_removes_for_the_whole_account_only(self):
        def api(method, path, body=None, authorization="Basic " + base64.b64encode(b"demo:demo-password").decode()):
            request = urllib.request.Request(f"https://127.0.0.1:{gateway.port}/api/v1/{path}", method=method,
                                             data=json.dumps(body).encode() if body is not None else None,
                                             headers={"Authorization": authorization, "Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, context=stack.tls_context(), timeout=20) as response:
                    text = response.read().decode()
                    return response.status, json.loads(text) if text else None
            except urllib.error.HTTPError as refused:
                return refused.code, json.loads(refused.read().decode())

        status, made = api("POST", "webhooks", {"url": f"https://localhost:{receiver.port}/api-hook", "domain": "example.test"})
        self.assertEqual(status, 201, made)
        self.assertTrue(made["secret"].startswith("whsec_"))
        receiver.other_secrets.append(made["secret"])
        hook = made["webhook"]["id"]
        status, listed = api("GET", "webhooks")
        self.assertEqual(status, 200)
        self.assertIn(f"https://localhost:{receiver.port}/api-hook", [w["url"] for w in listed["webhooks"]])
        self.assertNotIn(made["secret"], json.dumps(listed))
        status, refused = api("POST", "webhooks", {"url": "http://localhost/x"})
        self.assertEqual((status, refused["fault"]), (400, 9))

        before = len(receiver.received())
        self.assertTrue(set_ip("192.0.2.70")[0]["changed"])
        event, error, _ = receiver.wait_for(before + 1)[-1]
        self.assertIsNone(error)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            status, deliveries = api("GET", f"webhooks/{hook}/deliveries")
            if deliveries["deliveries"] and deliveries["deliveries"][0]["status"] == "delivered":
                break
            time.sleep(0.2)
        self.assertEqual(deliveries["deliveries"][0]["event_id"], event["id"])
        self.assertEqual(deliveries["deliveries"][0]["status"], "delivered")

        # A token for one name is not the whole account: 403, fault 11.
        token = stack.ctl("api-token", "new", "--account", "demo", "--name", "example.test").stdout.strip().splitlines()[-1]
        self.assertTrue(token.startswith("dyndns_"), token)
        status, refused = api("GET", "webhooks", authorization=f"Bearer {token}")
        self.assertEqual((status, refused["fault"]), (403, 11))

        self.assertEqual(api("DELETE", f"webhooks/{hook}")[0], 204)
        self.assertEqual(api("DELETE", f"webhooks/{hook}")[0], 404)
        self.assertEqual(api("GET", f"webhooks/{hook}/deliveries")[0], 404)

    def test_8_a_webhook_added_by_dyndnsctl_gets_the_changes_from_a_second_later(self):
        # The gateway keeps which accounts have a webhook (docs/webhooks.md "Registering"): one
        # added by the panel or the API counts at once (tests 6 and 7), one added outside it from
        # its next look at the store, at most a second later.
        self.assertEqual(stack.ctl("webhook", "list", "demo").stdout.strip(), "no webhooks")
        self.assertTrue(set_ip("192.0.2.80")[0]["changed"])  # the gateway looks: demo has none
        added = stack.ctl("webhook", "add", "demo", f"https://localhost:{receiver.port}/late").stdout.strip().splitlines()
        receiver.other_secrets.append(added[-1])
        time.sleep(ADDED_OUTSIDE_SEEN_WITHIN)
        before = len(receiver.received())
        self.assertTrue(set_ip("192.0.2.81")[0]["changed"])
        event, error, _ = receiver.wait_for(before + 1)[-1]
        self.assertIsNone(error)
        self.assertEqual(event["changes"][0]["new"], ["192.0.2.81"])
        stack.ctl("webhook", "remove", added[0].split()[1])


def self_signed_certificate():
    """A certificate for localhost that no configured CA signed: a directory with server.pem and server.key."""
    directory = os.path.join(stack.dir, "rogue")
    os.makedirs(directory, exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", os.path.join(directory, "server.key"), "-out", os.path.join(directory, "server.pem"),
                    "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=30)
    return directory


class HostileReceiver:
    """Answers by path: /redirect a 302 to /redirected, /slow after longer than the gateway waits, /huge with more
    bytes than it reads."""
    HUGE = 64 * 1024 * 1024

    def __init__(self, certs):
        self.port = free_port()
        self.certs = certs
        self.paths = []
        self.bytes_sent = 0
        self.server = None

    def hits(self, path):
        return self.paths.count(path)

    def start(self):
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                outer.paths.append(self.path)
                if self.path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", f"https://localhost:{outer.port}/redirected")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif self.path == "/slow":
                    time.sleep(6)
                    self.send_response(204)
                    self.end_headers()
                else:
                    self.send_response(200)
                    self.send_header("Content-Length", str(HostileReceiver.HUGE))
                    self.end_headers()
                    chunk = b"x" * 65536
                    try:
                        while outer.bytes_sent < HostileReceiver.HUGE:
                            self.wfile.write(chunk)
                            outer.bytes_sent += len(chunk)
                    except OSError:
                        pass  # the gateway hung up: what it should do

            def log_message(self, *args):
                pass

        self.server = serve_tls(self.port, self.certs, Handler)
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
