"""Operating the gateway end to end: Prometheus metrics checked by promtool, health, SIGHUP reload of the certificate, sd_notify, logs."""
import calendar
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
import xmlrpc.client

import requests
import zeep
from prometheus_client.parser import text_string_to_metric_families
from zeep.transports import Transport

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import BIN_DIR, Stack, free_port, run  # noqa: E402

stack = None
gateway = None   # counted calls, metrics, logs
reloaded = None  # its own certificate files and a systemd notify socket
notify = None    # the socket playing systemd's part
notify_dir = None


def setUpModule():
    global stack, gateway, reloaded, notify, notify_dir
    for tool in ("promtool", "openssl"):
        if shutil.which(tool) is None:  # a missing tool is a failure, never a skip
            raise RuntimeError(f"{tool} is not installed; scripts/install-deps installs it")
    stack = Stack().start()
    gateway = stack.gateway(limits={"calls_per_minute": 0}).start()
    stack.add_customer()

    shutil.copytree(os.path.join(stack.dir, "certs"), os.path.join(stack.dir, "reload-certs"))
    notify_dir = tempfile.mkdtemp(prefix="dyndns-notify-")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(os.path.join(notify_dir, "notify"))
    notify.settimeout(10)
    reloaded = stack.gateway("reloaded", cert_dir="reload-certs")
    reloaded.start(env={"NOTIFY_SOCKET": os.path.join(notify_dir, "notify")})


def tearDownModule():
    if stack:
        stack.stop()
    if notify:
        notify.close()
    if notify_dir:
        shutil.rmtree(notify_dir, ignore_errors=True)


def samples(text, name):
    """{frozenset(labels.items()): value} of one metric's samples, read by prometheus_client's parser."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found[frozenset(sample.labels.items())] = sample.value
    return found


def total(text, name, **labels):
    return sum(v for k, v in samples(text, name).items() if set(labels.items()) <= set(k))


def health(gw, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{gw.metrics_port}{path}", timeout=15) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def served_certificate(gw):
    with socket.create_connection(("127.0.0.1", gw.port), timeout=10) as raw:
        with stack.tls_context().wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            return tls.getpeercert(binary_form=True)


def certificate_file_der(path):
    with open(path) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


def certificate_not_after(path):
    """The certificate's notAfter in Unix seconds, as openssl reads it."""
    out = run("openssl", "x509", "-in", path, "-noout", "-enddate", "-dateopt", "iso_8601").stdout
    stamp = out.strip().split("=", 1)[1]  # "2027-01-02 03:04:05Z"
    return float(calendar.timegm(time.strptime(stamp, "%Y-%m-%d %H:%M:%SZ")))


def renew_certificate(cert_dir):
    """A new key and certificate from the same test CA, as a renewal would leave them."""
    ca, ca_key = os.path.join(stack.dir, "certs/ca.pem"), os.path.join(stack.dir, "certs/ca.key")
    work = tempfile.mkdtemp(prefix="dyndns-renew-")
    key, csr, cert, ext = (os.path.join(work, n) for n in ("server.key", "server.csr", "server.pem", "ext"))
    with open(ext, "w") as f:
        f.write("basicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n")
    run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key)
    run("openssl", "req", "-new", "-key", key, "-subj", "/CN=localhost", "-out", csr)
    run("openssl", "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-days", "30", "-sha256",
        "-extfile", ext, "-out", cert)
    os.replace(key, os.path.join(cert_dir, "server.key"))
    os.replace(cert, os.path.join(cert_dir, "server.pem"))
    shutil.rmtree(work, ignore_errors=True)


def notifications(until, seconds=10):
    """Datagrams from the gateway until one contains `until`."""
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        message = notify.recv(4096).decode()
        seen.append(message)
        if until in message:
            return seen
    raise AssertionError(f"no {until!r} in {seen}")


def log_text(gw):
    with open(gw.log_path, errors="replace") as f:
        return f.read()


class Metrics(unittest.TestCase):
    def test_a_scrape_passes_promtool_and_counts_every_call(self):
        before = gateway.scrape()
        proxy = gateway.proxy()
        proxy.SetDyndnsIp("demo", "demo-password", "example.test", "192.0.2.51")
        proxy.SetDyndnsIp("demo", "demo-password", "example.test", "192.0.2.51")  # unchanged
        proxy.GetDyndnsIp("demo", "demo-password", "example.test")
        with self.assertRaises(xmlrpc.client.Fault):
            proxy.SetDyndnsIp("demo", "wrong-password", "example.test", "192.0.2.52")
        session = requests.Session()
        session.verify = os.path.join(stack.dir, "certs/ca.pem")
        session.trust_env = False
        soap = zeep.Client(gateway.url() + "?wsdl", transport=Transport(session=session)).service
        soap.SetDyndnsIp("demo", "demo-password", "example.test", "192.0.2.53")
        soap.SetDyndnsIp("demo", "demo-password", "example.test", "2001:db8::53")
        for address in ("192.0.2.54", "192.0.2.54"):
            answer = session.get(gateway.url(path="/nic/update"), params={"hostname": "example.test", "myip": address},
                                 auth=("demo", "demo-password"))
            self.assertIn(answer.text.split()[0], ("good", "nochg"))
        after = gateway.scrape()

        with tempfile.NamedTemporaryFile("w", suffix=".prom") as f:
            f.write(after)
            f.flush()
            checked = subprocess.run(["promtool", "check", "metrics"], stdin=open(f.name), capture_output=True, text=True)
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
        self.assertEqual((checked.stdout + checked.stderr).strip(), "", "promtool had something to say")

        def delta(**labels):
            return total(after, "dyndns_calls_total", **labels) - total(before, "dyndns_calls_total", **labels)

        self.assertEqual(delta(protocol="xmlrpc", method="SetDyndnsIp"), 3)
        self.assertEqual(delta(protocol="xmlrpc", method="SetDyndnsIp", outcome="changed"), 1)
        self.assertEqual(delta(protocol="xmlrpc", method="SetDyndnsIp", outcome="unchanged"), 1)
        self.assertEqual(delta(protocol="xmlrpc", method="SetDyndnsIp", outcome="auth_failed"), 1)
        self.assertEqual(delta(protocol="xmlrpc", method="GetDyndnsIp", outcome="ok"), 1)
        self.assertEqual(delta(protocol="soap", method="SetDyndnsIp", outcome="changed"), 2)
        self.assertEqual(delta(protocol="dyndns2", method="SetDyndnsIp"), 2)
        self.assertEqual(delta(protocol="dyndns2", method="SetDyndnsIp", outcome="unchanged"), 1)
        self.assertEqual(total(after, "dyndns_failed_logins_total") - total(before, "dyndns_failed_logins_total"), 1)
        self.assertEqual(total(after, "dyndns_call_duration_seconds_count", protocol="soap")
                         - total(before, "dyndns_call_duration_seconds_count", protocol="soap"), 2)
        self.assertGreaterEqual(total(after, "dyndns_dns_update_messages_total"), 4)
        self.assertGreater(total(after, "process_resident_memory_bytes"), 1e6)
        self.assertIn(frozenset(), samples(after, "dyndns_history_queue_depth"))
        version = run(os.path.join(BIN_DIR, "dyndns-gateway"), "--version").stdout.split()[1]
        self.assertEqual(samples(after, "dyndns_build_info"), {frozenset({"version": version}.items()): 1.0})


class Health(unittest.TestCase):
    def test_alive_and_ready(self):
        self.assertEqual(health(gateway, "/healthz"), (200, "alive\n"))
        self.assertEqual(health(gateway, "/readyz"), (200, "ready\n"))

    def test_the_status_page_shows_readiness_the_primaries_the_last_minute_and_no_problems(self):
        proxy = gateway.proxy()
        for address in ("192.0.2.61", "192.0.2.62", "192.0.2.62"):
            proxy.SetDyndnsIp("demo", "demo-password", "status.example.test", address)
        status, page = health(gateway, "/status")
        self.assertEqual(status, 200)
        self.assertIn('<strong id="readiness">Ready</strong>', page)
        self.assertRegex(page, rf"<td>127\.0\.0\.1 port {stack.dns_port}</td><td>example\.test</td><td>answers</td>")
        calls, changes = map(int, re.search(r'<p id="rates">(\d+) calls, (\d+) changes</p>', page).groups())
        self.assertGreaterEqual(calls, 3)
        self.assertGreaterEqual(changes, 2)
        self.assertIn('<p id="store">SQLite ', page)

    def test_threads_are_named_for_top_and_perf(self):
        task_dir = f"/proc/{gateway.process.pid}/task"
        names = set()
        for task in os.listdir(task_dir):
            with open(os.path.join(task_dir, task, "comm")) as f:
                names.add(f.read().strip())
        for name in ("loop-0", "worker-0", "metrics", "metrics-w0", "history"):
            self.assertIn(name, names)

    def test_the_gauges_the_alerting_rules_read(self):
        scrape = gateway.scrape()
        self.assertEqual(samples(scrape, "dyndns_ready"), {frozenset(): 1.0})
        self.assertEqual(samples(scrape, "dyndns_connections_max"), {frozenset(): 10000.0})  # limits.max_connections
        self.assertEqual(samples(scrape, "dyndns_tls_certificate_expiry_timestamp_seconds"),
                         {frozenset(): certificate_not_after(os.path.join(stack.dir, "certs/server.pem"))})

    def test_not_ready_when_the_primary_does_not_answer(self):
        lost = stack.gateway("lost", dns_port=free_port()).start()
        try:
            status, body = health(lost, "/readyz")
            self.assertEqual(status, 503)
            self.assertIn("primary", body)
            self.assertEqual(health(lost, "/healthz")[0], 200)
            self.assertEqual(samples(lost.scrape(), "dyndns_ready"), {frozenset(): 0.0})
            # The operator's status page says which primary and why, and the failed call among the newest problems.
            with self.assertRaises(xmlrpc.client.Fault):
                lost.proxy().SetDyndnsIp("demo", "demo-password", "example.test", "192.0.2.44")
            status, page = health(lost, "/status")
            self.assertEqual(status, 200)
            self.assertIn("Not ready: primary 127.0.0.1 port ", page)
            self.assertRegex(page, r'<table id="problems">.*<td>warning</td><td>DNS unavailable while reading example.test A: ')
        finally:
            lost.stop()


class Reload(unittest.TestCase):
    def test_1_ready_was_notified_at_start(self):
        self.assertTrue(any("READY=1" in m for m in notifications("READY=1")))

    def test_2_a_renewed_certificate_serves_new_connections_and_open_ones_go_on(self):
        cert_dir = os.path.join(stack.dir, "reload-certs")
        old = served_certificate(reloaded)
        kept = http.client.HTTPSConnection("127.0.0.1", reloaded.port, context=stack.tls_context(), timeout=10)
        kept.request("GET", "/nic/checkip")
        self.assertEqual(kept.getresponse().read(), b"127.0.0.1\n")

        renew_certificate(cert_dir)
        reloaded.process.send_signal(signal.SIGHUP)
        seen = notifications("READY=1")
        self.assertTrue(any("RELOADING=1" in m for m in seen), seen)
        new = served_certificate(reloaded)
        self.assertNotEqual(new, old)
        self.assertEqual(new, certificate_file_der(os.path.join(cert_dir, "server.pem")))
        self.assertEqual(samples(reloaded.scrape(), "dyndns_tls_certificate_expiry_timestamp_seconds"),
                         {frozenset(): certificate_not_after(os.path.join(cert_dir, "server.pem"))})
        kept.request("GET", "/nic/checkip")  # the connection made before the reload still works
        self.assertEqual(kept.getresponse().read(), b"127.0.0.1\n")
        kept.close()

    def test_3_a_broken_certificate_is_refused_and_the_running_one_stays(self):
        cert_dir = os.path.join(stack.dir, "reload-certs")
        serving = served_certificate(reloaded)
        with open(os.path.join(cert_dir, "server.pem"), "w") as f:
            f.write("-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n")
        reloaded.process.send_signal(signal.SIGHUP)
        notifications("READY=1")
        self.assertEqual(served_certificate(reloaded), serving)
        self.assertIn("reload refused", log_text(reloaded))
        with reloaded.proxy() as proxy:
            self.assertEqual(proxy.SetDyndnsIp("demo", "demo-password", "example.test", "192.0.2.60")["ip"], "192.0.2.60")

    def test_4_a_setting_that_needs_a_restart_is_named(self):
        renew_certificate(os.path.join(stack.dir, "reload-certs"))  # a loadable certificate again
        with open(reloaded.config) as f:
            text = f.read()
        with open(reloaded.config, "w") as f:
            f.write(text.replace(f"port: {reloaded.port}", f"port: {free_port()}", 1))
        reloaded.process.send_signal(signal.SIGHUP)
        notifications("READY=1")
        self.assertIn("reload: listen.port changed; it takes effect after a restart", log_text(reloaded))
        self.assertEqual(health(reloaded, "/healthz")[0], 200)  # still serving where it was

    def test_5_stopping_is_notified(self):
        reloaded.stop()
        notifications("STOPPING=1")


class Logs(unittest.TestCase):
    def test_lines_carry_a_syslog_priority_and_calls_an_access_line_without_secrets(self):
        with gateway.proxy() as proxy:
            proxy.SetDyndnsIp("demo", "demo-password", "example.test", "192.0.2.70")
        time.sleep(0.2)
        text = log_text(gateway)
        self.assertIn("<5>dyndns-gateway: listening on https://127.0.0.1:", text)
        self.assertIn("<6>dyndns-gateway: call protocol=xmlrpc method=SetDyndnsIp name=example.test outcome=", text)
        self.assertIn("address=192.0.2.70 caller=127.0.0.1", text)
        self.assertNotIn("demo-password", text)
        for line in text.splitlines():
            if line.strip():
                self.assertRegex(line, r"^<[3-7]>dyndns-gateway: ")


if __name__ == "__main__":
    unittest.main(verbosity=2)
