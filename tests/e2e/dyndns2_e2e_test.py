"""dyndns2 end to end: curl, ddclient and inadyn (Debian's, unmodified) against dyndns-gateway against a real named."""
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import Stack, free_port, run  # noqa: E402

# Words that clients such as inadyn look for as substrings of a success answer.
SUCCESS_WORDS = ("good", "nochg", "ok", "true", "success", "updated")

stack = None
gateway = None


def setUpModule():
    global stack, gateway
    for tool in ("curl", "ddclient", "inadyn"):
        if shutil.which(tool) is None:  # a missing client is a failure, never a skip
            raise RuntimeError(f"{tool} is not installed; scripts/install-deps installs it")
    stack = Stack().start()
    gateway = stack.gateway(trusted_proxies=()).start()
    stack.add_customer()
    stack.ctl("account", "add", "other", input="other-password\n")
    stack.ctl("domain", "add", "other.test", "--account", "other", "--force")


def tearDownModule():
    if stack:
        stack.stop()


def ca():
    return os.path.join(stack.dir, "certs/ca.pem")


def nic(query="", user="demo", password="demo-password", host="127.0.0.1", path="/nic/update", gw=None,
        agent="e2e-curl/1"):
    """One request with curl; returns (status, body, headers as lower-case text)."""
    gw = gw or gateway
    args = ["curl", "-sS", "--cacert", ca(), "-D", "-", "-A", agent]
    if user is not None:
        args += ["-u", f"{user}:{password}"]
    url = gw.url(host, path) + (("?" + query) if query else "")
    out = run(*args, url).stdout
    head, _, body = out.partition("\n\n")  # text mode turned CRLF into LF
    status = int(head.split()[1])
    return status, body, head.lower()


class Answers(unittest.TestCase):
    def assertRefusal(self, body):
        for word in SUCCESS_WORDS:
            self.assertNotIn(word, body.lower())

    def test_good_then_nochg(self):
        status, body, _ = nic("hostname=a.example.test&myip=203.0.113.10")
        self.assertEqual((status, body), (200, "good 203.0.113.10\n"))
        self.assertEqual(stack.dig_short("a.example.test", "A"), ["203.0.113.10"])
        self.assertEqual(stack.dig_ttl("a.example.test", "A"), 60)
        serial = stack.serial()
        self.assertEqual(nic("hostname=a.example.test&myip=203.0.113.10")[1], "nochg 203.0.113.10\n")
        self.assertEqual(stack.serial(), serial)

    def test_v4_and_v6_in_one_myip_and_a_prefix_is_dropped(self):
        status, body, _ = nic("hostname=b.example.test&myip=203.0.113.11,2001:db8::11/64")
        self.assertEqual(body, "good 203.0.113.11,2001:db8::11\n")
        self.assertEqual(stack.dig_short("b.example.test", "A"), ["203.0.113.11"])
        self.assertEqual(stack.dig_short("b.example.test", "AAAA"), ["2001:db8::11"])

    def test_myipv6_alone_leaves_the_a(self):
        nic("hostname=c.example.test&myip=203.0.113.12")
        self.assertEqual(nic("hostname=c.example.test&myipv6=2001:db8::12")[1], "good 2001:db8::12\n")
        self.assertEqual(stack.dig_short("c.example.test", "A"), ["203.0.113.12"])
        self.assertEqual(stack.dig_short("c.example.test", "AAAA"), ["2001:db8::12"])

    def test_two_hostnames_two_lines_in_order(self):
        status, body, _ = nic("hostname=d1.example.test,nope.invalid-domain.test,d2.example.test&myip=203.0.113.13")
        self.assertEqual(body, "good 203.0.113.13\nnohost\ngood 203.0.113.13\n")

    def test_no_address_is_the_callers_over_ipv4_and_ipv6(self):
        self.assertEqual(nic("hostname=e.example.test")[1], "good 127.0.0.1\n")
        self.assertEqual(nic("hostname=e.example.test", host="[::1]")[1], "good ::1\n")
        self.assertEqual(stack.dig_short("e.example.test", "A"), ["127.0.0.1"])
        self.assertEqual(stack.dig_short("e.example.test", "AAAA"), ["::1"])

    def test_ignored_parameters_never_touch_mx(self):
        mx = stack.dig_short("example.test", "MX")
        status, body, _ = nic("hostname=example.test&myip=203.0.113.14&wildcard=ON&mx=evil.example.net&backmx=YES"
                              "&offline=NO&system=dyndns")
        self.assertEqual(body, "good 203.0.113.14\n")
        self.assertEqual(stack.dig_short("example.test", "MX"), mx)

    def test_badauth_is_401_with_a_basic_challenge(self):
        for user, password in (("demo", "wrong"), ("nobody", "x"), (None, None)):
            with self.subTest(user=user):
                status, body, head = nic("hostname=a.example.test&myip=203.0.113.99", user=user, password=password)
                self.assertEqual((status, body), (401, "badauth\n"))
                self.assertIn("www-authenticate: basic", head)

    def test_refusal_codes_and_their_bodies(self):
        stack.ctl("domain", "add", "off.test", "--account", "demo", "--force")  # dyndns off
        cases = {
            "hostname=x.unknown.test&myip=203.0.113.1": "nohost\n",
            "hostname=off.test&myip=203.0.113.1": "nohost\n",
            "hostname=other.test&myip=203.0.113.1": "nohost\n",
            "hostname=notqualified&myip=203.0.113.1": "notfqdn\n",
            "hostname=a.example.test&myip=not-an-address": "dnserr\n",
            "hostname=" + ",".join(f"h{i}.example.test" for i in range(21)): "numhost\n",
        }
        for query, expected in cases.items():
            with self.subTest(query=query[:40]):
                status, body, _ = nic(query)
                self.assertEqual((status, body), (200, expected))
                self.assertRefusal(body)

    def test_911_when_the_primary_is_down(self):
        down = stack.gateway("dns-down", dns_port=free_port()).start()
        try:
            status, body, _ = nic("hostname=a.example.test&myip=203.0.113.2", gw=down)
            self.assertEqual(body, "911\n")
            self.assertRefusal(body)
        finally:
            down.stop()

    def test_abuse_after_repeated_failures(self):
        stack.ctl("account", "add", "guessed", input="guessed-password\n")
        for _ in range(10):
            nic("hostname=a.example.test", user="guessed", password="wrong")
        status, body, head = nic("hostname=a.example.test", user="guessed", password="guessed-password")
        self.assertEqual(body, "abuse\n")
        self.assertIn("retry-after:", head)
        self.assertRefusal(body)


class Tokens(unittest.TestCase):
    def test_a_token_updates_its_host_and_nothing_else(self):
        out = stack.ctl("token", "new", "router.example.test").stdout
        token = out.strip().splitlines()[-1]
        self.assertGreaterEqual(len(token), 22)  # at least 128 bits of base64
        status, body, _ = nic("myip=203.0.113.30", user="router.example.test", password=token)
        self.assertEqual(body, "good 203.0.113.30\n")
        self.assertEqual(stack.dig_short("router.example.test", "A"), ["203.0.113.30"])
        self.assertEqual(nic("hostname=router.example.test&myip=203.0.113.31", user="router.example.test",
                             password=token)[1], "good 203.0.113.31\n")
        self.assertEqual(nic("hostname=other.example.test&myip=203.0.113.31", user="router.example.test",
                             password=token)[1], "nohost\n")
        self.assertEqual(stack.dig_short("other.example.test", "A"), [])
        listed = stack.ctl("token", "list", "example.test").stdout
        self.assertIn("router.example.test", listed)
        self.assertNotIn(token, listed)
        token_id = listed.split()[0]
        stack.ctl("token", "revoke", token_id)
        self.assertEqual(nic("myip=203.0.113.32", user="router.example.test", password=token)[0], 401)


class CheckIp(unittest.TestCase):
    def test_a_hostile_user_agent_prints_as_escaped_text_in_dyndnsctl_history(self):
        # An encoded word (RFC 2047), which Poco decodes into CR, LF and ESC, and a raw ESC.
        encoded = "=?utf-8?q?router=0D=0A2026-01-01T00:00:00Z__forged.example.test_A_-_->_6.6.6.6=1B[2J?="
        # Stored as sent (history is evidence); escaped wherever it is printed.
        status, body, _ = nic("hostname=agent.example.test&myip=192.0.2.77", agent=encoded)
        self.assertEqual((status, body.strip()), (200, "good 192.0.2.77"))
        status, _, _ = nic("hostname=agent.example.test&myip=192.0.2.78", agent="raw\x1b[31mred")
        self.assertEqual(status, 200)
        history = stack.history("example.test", "192.0.2.77")
        self.assertIn("192.0.2.77", history)
        self.assertNotIn("\x1b", history)
        self.assertNotIn("\r", history)
        self.assertIn("(router\\x0D\\x0A2026-01-01T00:00:00Z  forged.example.test A - -> 6.6.6.6\\x1B[2J)", history)
        self.assertIn("(raw\\x1B[31mred)", history)
        lines = [line for line in history.splitlines() if "forged.example.test" in line]
        self.assertEqual(len(lines), 1, history)  # the forged row is text inside the real one
        self.assertTrue(lines[0].split()[1] == "agent.example.test", history)

    def test_checkip_and_myip_show_the_caller(self):
        for path in ("/nic/checkip", "/myip"):
            self.assertEqual(nic(user=None, path=path)[1], "127.0.0.1\n")
            self.assertEqual(nic(user=None, path=path, host="[::1]")[1], "::1\n")


class RealClients(unittest.TestCase):
    def test_ddclient_updates_a_host(self):
        work = os.path.join(stack.dir, "ddclient")
        os.makedirs(work, exist_ok=True)
        conf = os.path.join(work, "ddclient.conf")
        with open(conf, "w") as f:
            f.write(f"""daemon=0
ssl=yes
ssl_ca_file={ca()}
use=ip, ip=203.0.113.40
protocol=dyndns2
server=127.0.0.1:{gateway.port}
login=demo
password='demo-password'
ddclient.example.test
""")
        os.chmod(conf, 0o600)
        result = subprocess.run(["ddclient", "-daemon=0", "-file", conf, "-cache", os.path.join(work, "cache"),
                                 "-verbose", "-noquiet", "-force"], capture_output=True, text=True, timeout=120)
        self.assertIn("good 203.0.113.40", result.stdout + result.stderr)
        self.assertEqual(stack.dig_short("ddclient.example.test", "A"), ["203.0.113.40"])

    def test_inadyn_updates_a_host(self):
        work = os.path.join(stack.dir, "inadyn")
        os.makedirs(work, exist_ok=True)
        conf = os.path.join(work, "inadyn.conf")
        with open(conf, "w") as f:
            f.write(f"""ca-trust-file = {ca()}
custom gateway {{
    ssl = true
    ddns-server = "127.0.0.1:{gateway.port}"
    ddns-path = "/nic/update?hostname=%h&myip=%i"
    username = demo
    password = demo-password
    hostname = inadyn.example.test
    checkip-command = "echo 203.0.113.41"
}}
""")
        result = subprocess.run(["inadyn", "--foreground", "--once", "--force", "-f", conf, "-C",
                                 os.path.join(work, "cache"), "-P", os.path.join(work, "pid"), "-l", "info"],
                                capture_output=True, text=True, timeout=120)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(stack.dig_short("inadyn.example.test", "A"), ["203.0.113.41"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
