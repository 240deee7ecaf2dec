"""A real stack for end-to-end tests: named (scripts/local-bind), a local CA, dyndns-gateway, dyndnsctl."""
import html.parser
import http.client
import http.cookies
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import xmlrpc.client

SOURCE_DIR = os.environ["DYNDNS_SOURCE_DIR"]
BIN_DIR = os.environ["DYNDNS_BIN_DIR"]

# The scripts' helper for free ports and waiting for a listener: the tests import it from here.
sys.path.insert(0, os.path.join(SOURCE_DIR, "scripts/lib"))
from loopback import free_port, free_ports, wait_until_listening  # noqa: E402,F401


def run(*args, input=None, check=True):
    result = subprocess.run(list(args), input=input, capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise RuntimeError(f"{args} failed ({result.returncode}): {result.stdout}{result.stderr}")
    return result


class Gateway:
    """One dyndns-gateway process with its own config file."""

    def __init__(self, stack, name, allow_private=True, trusted_proxies=("127.0.0.1",), dns_port=None, limits=None,
                 cert_dir="certs", dns_extra="", notify_port=None, proxy_protocol=False, postgresql=None, listen=(),
                 extra_yaml=""):
        self.stack = stack
        self.port = free_port()
        self.metrics_port = free_port()
        self.config = os.path.join(stack.dir, f"{name}.yaml")
        # scripts/lib/gateway-yaml writes every gateway.yaml of the tests, the demo and the benchmark.
        command = [os.path.join(SOURCE_DIR, "scripts/lib/gateway-yaml"), "--port", str(self.port),
                   "--dns-port", str(dns_port or stack.dns_port)]
        for address in listen:
            command += ["--listen", address]
        for proxy in trusted_proxies:
            command += ["--trusted-proxy", proxy]
        if allow_private:
            command.append("--allow-private")
        if proxy_protocol:
            command.append("--proxy-protocol")
        limits = dict(limits or {})
        # DYNDNS_TEST_EVENT_LOOPS: run a test file's gateways with that many event loops (the edge test runs with 2 too).
        if os.environ.get("DYNDNS_TEST_EVENT_LOOPS") and "event_loops" not in limits:
            limits["event_loops"] = os.environ["DYNDNS_TEST_EVENT_LOOPS"]
        for key, value in limits.items():
            command += ["--limit", f"{key}={value}"]
        command += ["--cert-dir", cert_dir, "--metrics-listen", f"127.0.0.1:{self.metrics_port}"]
        if dns_extra:
            command += ["--dns-extra", dns_extra]
        if notify_port:
            command += ["--notify-listen", f"127.0.0.1:{notify_port}"]
        self.postgresql = postgresql
        if postgresql:
            command += ["--postgresql", postgresql]
        with open(self.config, "w") as f:
            f.write(run(*command).stdout)
            f.write(extra_yaml)  # whole top-level sections gateway-yaml does not write (webhooks:)
        self.process = None
        self.log_path = os.path.join(stack.dir, f"{name}.log")

    def start(self, env=None):
        self.log = open(self.log_path, "ab")
        self.process = subprocess.Popen([os.path.join(BIN_DIR, "dyndns-gateway"), "--config", self.config],
                                        stdout=self.log, stderr=subprocess.STDOUT,
                                        env=dict(os.environ, **env) if env else None)
        # Every address it listens on: the public port on 127.0.0.1 and ::1, the metrics port.
        wait_until_listening((self.port, ("::1", self.port), self.metrics_port), self.process, self.log_path,
                             name="dyndns-gateway")
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        if self.process:
            self.log.close()
        self.process = None

    def scrape(self):
        """The gateway's /metrics text."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10) as response:
            return response.read().decode()

    def metric(self, name, **labels):
        """The sum of a metric's samples with these labels (0 when it has none yet), read by
        prometheus_client's parser (Debian's python3-prometheus-client: the distribution's python3)."""
        from prometheus_client.parser import text_string_to_metric_families
        return sum(sample.value for family in text_string_to_metric_families(self.scrape()) for sample in family.samples
                   if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()))

    def metrics_summary(self, prefixes=("dyndns_zone", "dyndns_notif", "dyndns_followed", "dyndns_dns_")):
        """The metrics a failed test prints to say what the gateway saw."""
        return "; ".join(l for l in self.scrape().splitlines() if l.startswith(prefixes) and "_bucket" not in l)

    def url(self, host="127.0.0.1", path="/dom/api"):
        return f"https://{host}:{self.port}{path}"

    def proxy(self, host="127.0.0.1", transport=None):
        """What the original users run: xmlrpc.client.ServerProxy, TLS verified against the test CA."""
        if transport is not None:
            return xmlrpc.client.ServerProxy(self.url(host), transport=transport)
        return xmlrpc.client.ServerProxy(self.url(host), context=self.stack.tls_context())


class Stack:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="dyndns-e2e-")
        self.dns_port = None
        self.gateways = []

    def start(self, *bind_options):
        self.dns_port = self.start_bind("bind", *bind_options)
        run(os.path.join(SOURCE_DIR, "scripts/make-certs"), os.path.join(self.dir, "certs"))
        return self

    def start_bind(self, name, *options, port=None):
        """A named from scripts/local-bind in DIR/name (options: --zone, --signed, --ungranted, --rndc-port); its port."""
        bind_dir = os.path.join(self.dir, name)
        for _ in range(3):
            dns_port = port or free_port()
            if run(os.path.join(SOURCE_DIR, "scripts/local-bind"), "start", bind_dir, str(dns_port), *options,
                   check=False).returncode == 0:
                self.binds = getattr(self, "binds", []) + [bind_dir]
                return dns_port
        raise RuntimeError("named did not start")

    def gateway(self, name="gateway", **options):
        gw = Gateway(self, name, **options)
        self.gateways.append(gw)
        return gw

    def ctl(self, *args, input=None, check=True):
        config = self.gateways[0].config
        return run(os.path.join(BIN_DIR, "dyndnsctl"), "--config", config, *args, input=input, check=check)

    def add_customer(self, account="demo", password="demo-password", domain="example.test"):
        """An account with one domain, dyndns on: what most tests call as."""
        self.ctl("account", "add", account, input=password + "\n")
        self.ctl("domain", "add", domain, "--account", account)
        self.ctl("dyndns", "on", domain)

    def history(self, domain, containing, limit=5):
        """dyndnsctl history of `domain` once it holds `containing` (a change's row is written before
        its answer, unchanged calls within half a second), or as it is after `limit` seconds."""
        deadline = time.monotonic() + limit
        shown = self.ctl("history", domain).stdout
        while containing not in shown and time.monotonic() < deadline:
            time.sleep(0.05)
            shown = self.ctl("history", domain).stdout
        return shown

    def tls_context(self):
        return ssl.create_default_context(cafile=os.path.join(self.dir, "certs/ca.pem"))

    def dig(self, name, rtype, *extra):
        out = run("dig", "@127.0.0.1", "-p", str(self.dns_port), "+norec", "+time=2", "+tries=1", *extra, name, rtype).stdout
        return out

    def dig_short(self, name, rtype):
        return sorted(line for line in self.dig(name, rtype, "+short").splitlines() if line)

    def dig_ttl(self, name, rtype):
        lines = [l for l in self.dig(name, rtype, "+noall", "+answer").splitlines() if l]
        return int(lines[0].split()[1]) if lines else None

    def serial(self):
        return int(self.dig_short("example.test", "SOA")[0].split()[2])

    def stop(self):
        for gw in self.gateways:
            gw.stop()
        for bind_dir in getattr(self, "binds", []):
            run(os.path.join(SOURCE_DIR, "scripts/local-bind"), "stop", bind_dir, check=False)
        if os.environ.get("DYNDNS_KEEP_TEST_DIR"):
            print(f"kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


class PanelClient:
    """One keep-alive HTTPS connection to the panel with its own cookies (http.client and http.cookies)."""

    def __init__(self, gateway):
        self.gateway = gateway
        self.context = gateway.stack.tls_context()
        self.cookies = http.cookies.SimpleCookie()
        self.connection = None

    def request(self, method, path, form=None):
        body = urllib.parse.urlencode(form) if form is not None else None
        headers = {"Cookie": "; ".join(f"{k}={m.value}" for k, m in self.cookies.items() if m.value)}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):  # the server may close a kept-alive connection between requests
            if self.connection is None:
                self.connection = http.client.HTTPSConnection("127.0.0.1", self.gateway.port, context=self.context,
                                                              timeout=30)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                answer = self.connection.getresponse()
                page = answer.read().decode()
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        for value in answer.headers.get_all("Set-Cookie") or []:
            self.cookies.load(value)
        if answer.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return answer.status, answer.headers, page


def require_browser(test, *extra_tools):
    """Fails `test` (never skips it) when chromium, node, certutil, playwright-core or an extra tool is missing."""
    for tool in ("node", "chromium", "certutil") + extra_tools:
        if shutil.which(tool) is None:
            test.fail(f"{tool} is not installed; scripts/install-deps installs it")
    if not os.path.isdir(os.path.join(SOURCE_DIR, "tests", "panel", "node_modules", "playwright-core")):
        test.fail("playwright-core is not installed; scripts/install-deps runs npm ci in tests/panel")


def browser_env(stack, gateway, **extra):
    """The environment of a tests/panel browser script: Chromium on Linux trusts what the NSS database in
    $HOME/.pki/nssdb trusts, so a fresh HOME whose database holds the test CA makes it verify the gateway's TLS;
    Node's own requests trust the CA through NODE_EXTRA_CA_CERTS."""
    home = os.path.join(stack.dir, "browser-home")
    nssdb = "sql:" + os.path.join(home, ".pki", "nssdb")
    ca = os.path.join(stack.dir, "certs/ca.pem")
    if not os.path.isdir(os.path.join(home, ".pki", "nssdb")):
        os.makedirs(os.path.join(home, ".pki", "nssdb"))
        subprocess.run(["certutil", "-d", nssdb, "-N", "--empty-password"], check=True, capture_output=True)
        subprocess.run(["certutil", "-d", nssdb, "-A", "-t", "C,,", "-n", "dyndns-test-ca", "-i", ca], check=True,
                       capture_output=True)
    return dict(os.environ, HOME=home, NODE_EXTRA_CA_CERTS=ca, PANEL_BASE=f"https://127.0.0.1:{gateway.port}", CA_FILE=ca,
                **extra)


class CsrfField(html.parser.HTMLParser):
    """The value of the first <input name="csrf"> on a control panel page."""

    def __init__(self, page):
        super().__init__()
        self.value = None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        fields = dict(attrs)
        if tag == "input" and fields.get("name") == "csrf" and self.value is None:
            self.value = fields.get("value")
