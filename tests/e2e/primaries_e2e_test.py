"""The DNS side of a provider end to end: zones on two primaries, a zone BIND signs itself, zone readiness, a zone added at run time."""
import os
import sys
import time
import unittest
import xmlrpc.client

import dns.dnssec
import dns.message
import dns.name
import dns.query
import dns.rdatatype

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import SOURCE_DIR, Stack, free_port, run  # noqa: E402

stack = None
gateway = None
port_a = None  # the default primary: example.test, rndc for addzone
port_b = None  # another primary, its own key: other.test, signed.test (signed), ungranted.test (no grant)
B_ZONES = ("--zone", "other.test", "--signed", "signed.test", "--ungranted", "ungranted.test")


def setUpModule():
    global stack, gateway, port_a, port_b
    stack = Stack().start("--zone", "example.test", "--rndc-port", str(free_port()))
    port_a = stack.dns_port
    port_b = stack.start_bind("bind-b", *B_ZONES)
    gateway = stack.gateway(dns_extra=f"""  primaries:
    - address: 127.0.0.1
      port: {port_b}
      key_file: bind-b/tsig.key
      zones: [other.test, signed.test, ungranted.test]""").start()
    stack.ctl("account", "add", "demo", input="demo-password\n")


def tearDownModule():
    if stack:
        stack.stop()


def dig(port, name, rtype, *extra):
    return run("dig", "@127.0.0.1", "-p", str(port), "+norec", "+time=2", "+tries=1", *extra, name, rtype).stdout


def short(port, name, rtype):
    return sorted(line for line in dig(port, name, rtype, "+short").splitlines() if line)


def serial(port, zone):
    return int(short(port, zone, "SOA")[0].split()[2])


def own(domain):
    result = stack.ctl("domain", "add", domain, "--account", "demo", check=False)
    if result.returncode == 0:
        stack.ctl("dyndns", "on", domain)
    return result


def fault_code(call):
    try:
        call()
    except xmlrpc.client.Fault as fault:
        return fault.faultCode
    return 0


class Readiness(unittest.TestCase):
    def test_a_zone_the_primary_does_not_serve_is_refused_in_words(self):
        result = stack.ctl("domain", "add", "missing.test", "--account", "demo", check=False)
        self.assertEqual(result.returncode, 4)
        self.assertIn(f"zone missing.test is not served by 127.0.0.1 port {port_a}", result.stderr)
        self.assertIn("domain not added", result.stderr)
        self.assertNotIn("missing.test", stack.ctl("list").stdout)

    def test_a_zone_whose_policy_does_not_grant_the_key_is_refused_in_words(self):
        result = stack.ctl("domain", "add", "ungranted.test", "--account", "demo", check=False)
        self.assertEqual(result.returncode, 4)
        self.assertIn('key dyndns-gateway may not update A at ungranted.test: add "grant dyndns-gateway zonesub A AAAA TXT;"',
                      result.stderr)
        self.assertIn(f"on 127.0.0.1 port {port_b}", result.stderr)
        self.assertEqual(stack.ctl("domain", "add", "ungranted.test", "--account", "demo", "--force").returncode, 0)
        stack.ctl("domain", "del", "ungranted.test")

    def test_a_good_zone_is_accepted_and_the_probe_changes_nothing(self):
        before = serial(port_a, "example.test")
        check = stack.ctl("dns", "check", "example.test")
        self.assertIn("zone example.test is ready", check.stdout)
        self.assertEqual(own("example.test").returncode, 0)
        self.assertEqual(serial(port_a, "example.test"), before)
        self.assertEqual(short(port_a, "_dyndns-gateway-probe.example.test", "A"), [])


class TwoPrimaries(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        own("example.test")
        own("other.test")

    def test_updates_and_reads_go_to_each_zones_own_primary(self):
        with gateway.proxy() as proxy:
            self.assertTrue(proxy.SetDyndnsIp("demo", "demo-password", "example.test", "192.0.2.11")["changed"])
            self.assertTrue(proxy.SetDyndnsIp("demo", "demo-password", "other.test", "192.0.2.12")["changed"])
            self.assertEqual(proxy.GetDyndnsIp("demo", "demo-password", "other.test")["a"], ["192.0.2.12"])
        self.assertEqual(short(port_a, "example.test", "A"), ["192.0.2.11"])
        self.assertEqual(short(port_b, "other.test", "A"), ["192.0.2.12"])
        self.assertIn("REFUSED", dig(port_a, "other.test", "A"))  # the default primary never heard of it
        shown = stack.ctl("dns", "show", "other.test", "A").stdout
        self.assertIn("192.0.2.12", shown)

    def test_one_primary_down_faults_only_its_zones(self):
        run(os.path.join(SOURCE_DIR, "scripts/local-bind"), "stop", os.path.join(stack.dir, "bind-b"))
        try:
            with gateway.proxy() as proxy:
                self.assertEqual(fault_code(lambda: proxy.SetDyndnsIp("demo", "demo-password", "other.test", "192.0.2.21")), 7)
                self.assertEqual(proxy.SetDyndnsIp("demo", "demo-password", "example.test", "192.0.2.22")["ip"], "192.0.2.22")
        finally:
            stack.start_bind("bind-b", *B_ZONES, port=port_b)
        with gateway.proxy() as proxy:
            self.assertEqual(proxy.SetDyndnsIp("demo", "demo-password", "other.test", "192.0.2.23")["ip"], "192.0.2.23")


class SignedZone(unittest.TestCase):
    def test_an_update_is_served_with_a_valid_rrsig_and_the_serial_moves(self):
        self.assertEqual(own("signed.test").returncode, 0)
        before = serial(port_b, "signed.test")
        with gateway.proxy() as proxy:
            self.assertTrue(proxy.SetDyndnsIp("demo", "demo-password", "signed.test", "192.0.2.31")["changed"])
        zone = dns.name.from_text("signed.test.")
        deadline = time.monotonic() + 15
        while True:
            answer = dns.query.tcp(dns.message.make_query("signed.test.", "A", want_dnssec=True), "127.0.0.1", port=port_b,
                                   timeout=5).answer
            a = [r for r in answer if r.rdtype == dns.rdatatype.A]
            sigs = [r for r in answer if r.rdtype == dns.rdatatype.RRSIG]
            if a and sigs and [rd.address for rd in a[0]] == ["192.0.2.31"]:
                break
            self.assertLess(time.monotonic(), deadline, f"no signed A yet: {answer}")
            time.sleep(0.5)
        keys = dns.query.tcp(dns.message.make_query(zone, "DNSKEY", want_dnssec=True), "127.0.0.1", port=port_b, timeout=5)
        dnskey = [r for r in keys.answer if r.rdtype == dns.rdatatype.DNSKEY][0]
        dns.dnssec.validate(a[0], sigs[0], {zone: dnskey})  # raises ValidationFailure when it does not verify
        self.assertGreater(serial(port_b, "signed.test"), before)


class ZoneAddedAtRunTime(unittest.TestCase):
    def test_rndc_addzone_then_register_and_update_without_a_restart(self):
        bind_a = os.path.join(stack.dir, "bind")
        config = run(os.path.join(SOURCE_DIR, "scripts/new-zone"), "added.test", "--zone-dir", bind_a, "--ns", "ns1.example.test",
                     "--addzone-config").stdout
        run(os.path.join(SOURCE_DIR, "scripts/local-bind"), "rndc", bind_a, "addzone", "added.test", config)
        self.assertEqual(own("added.test").returncode, 0)
        with gateway.proxy() as proxy:
            self.assertTrue(proxy.SetDyndnsIp("demo", "demo-password", "added.test", "192.0.2.41")["changed"])
        self.assertEqual(short(port_a, "added.test", "A"), ["192.0.2.41"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
