"""Router prefixes end to end: a FRITZ!Box-shaped dyndns2 request, XML-RPC and SOAP move every host behind the router in one UPDATE, with zone following on."""
import os
import subprocess
import sys
import time
import unittest
import xmlrpc.client

import requests
import zeep
import zeep.exceptions
from zeep.transports import Transport

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import Stack, free_port, run  # noqa: E402

stack = None
gateway = None  # zone following on, as a provider runs it
strict = None  # private addresses refused: the address policy applies to derived addresses

# Hosts behind the router, one of each rule.
NAS, CAM, SRV = "nas.example.test", "cam.example.test", "srv.example.test"
CAM_EUI64 = "21a:2bff:fe3c:4d5e"  # 00:1a:2b:3c:4d:5e, RFC 4291 appendix A


def setUpModule():
    global stack, gateway, strict
    notify_port = free_port()
    stack = Stack().start("--zone", "example.test", "--notify-to", str(notify_port))
    gateway = stack.gateway(notify_port=notify_port)
    strict = stack.gateway("strict", allow_private=False)
    stack.add_customer()
    stack.ctl("host", "set", NAS, "::a:b:c:d")
    stack.ctl("host", "set", CAM, "00:1a:2b:3c:4d:5e")
    stack.ctl("host", "set", SRV, "preserve")
    gateway.start()
    strict.start()
    deadline = time.monotonic() + 10
    while gateway.metric("dyndns_followed_zones_in_step") != 1:
        if time.monotonic() > deadline:
            raise AssertionError("the zone is not followed: " + gateway.metrics_summary())
        time.sleep(0.05)


def tearDownModule():
    if stack:
        stack.stop()


def ca():
    return os.path.join(stack.dir, "certs/ca.pem")


def nic(query, gw=None):
    """A router's request with curl, as typed into its custom-provider form; (status, body)."""
    gw = gw or gateway
    out = run("curl", "-sS", "-g", "--cacert", ca(), "-A", "Fritz!Box", "-u", "demo:demo-password", "-w", "\n%{http_code}",
              gw.url("127.0.0.1", "/nic/update") + "?" + query).stdout
    body, _, status = out.rpartition("\n")
    assert body.endswith("\n") and body.count("\n") == 1, f"one line: {body!r}"
    return int(status), body.removesuffix("\n")


def aaaa(name):
    return stack.dig_short(name, "AAAA")


def messages():
    return gateway.metric("dyndns_dns_update_messages_total")


def zeep_client():
    session = requests.Session()
    session.verify = ca()
    session.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would otherwise replace verify
    return zeep.Client(gateway.url() + "?wsdl", transport=Transport(session=session))


def fritzbox(prefix, v6="2a00:1450:1:2::1", v4="30.1.2.5"):
    return nic(f"hostname=example.test&myip={v4}&myipv6={v6}&ip6lanprefix={prefix}")


class FritzBox(unittest.TestCase):
    def test_1_one_request_moves_every_host_in_one_update_and_the_router_keeps_its_own_address(self):
        # preserve keeps the low bits srv has: give it an address in some old prefix first.
        gateway.proxy().SetDyndnsIp("demo", "demo-password", SRV, "2a00:1450:9:903:aa:bb:cc:dd")
        serial, sent = stack.serial(), messages()
        status, body = fritzbox("2a00:1450:1:200::/56")
        self.assertEqual((status, body), (200, "good 30.1.2.5,2a00:1450:1:2::1"))
        self.assertEqual(stack.serial(), serial + 1, "one UPDATE: one serial step")
        self.assertEqual(messages(), sent + 1)
        self.assertEqual(aaaa(NAS), ["2a00:1450:1:200:a:b:c:d"])
        self.assertEqual(aaaa(CAM), ["2a00:1450:1:200:" + CAM_EUI64])
        self.assertEqual(aaaa(SRV), ["2a00:1450:1:203:aa:bb:cc:dd"])
        self.assertEqual(stack.dig_ttl(NAS, "AAAA"), 60)
        # The router's own name holds the router's address, not one derived from the prefix.
        self.assertEqual(aaaa("example.test"), ["2a00:1450:1:2::1"])
        self.assertEqual(stack.dig_short("example.test", "A"), ["30.1.2.5"])
        shown = stack.history("example.test", "moved by prefix 2a00:1450:1:200::/56")
        self.assertIn(f"{NAS} AAAA - -> 2a00:1450:1:200:a:b:c:d  changed", shown)
        self.assertIn("moved by prefix 2a00:1450:1:200::/56", shown)

    def test_2_a_new_prefix_moves_them_all_in_one_more_update_and_the_same_again_sends_nothing(self):
        fritzbox("2a00:1450:1:200::/56")
        serial, sent = stack.serial(), messages()
        self.assertEqual(fritzbox("2a00:1450:2:5600::/56"), (200, "good 30.1.2.5,2a00:1450:1:2::1"))
        self.assertEqual(stack.serial(), serial + 1)
        self.assertEqual(messages(), sent + 1)
        self.assertEqual(aaaa(NAS), ["2a00:1450:2:5600:a:b:c:d"])
        self.assertEqual(aaaa(CAM), ["2a00:1450:2:5600:" + CAM_EUI64])
        self.assertEqual(aaaa(SRV), ["2a00:1450:2:5603:aa:bb:cc:dd"])
        reads = gateway.metric("dyndns_dns_reads_total")
        self.assertEqual(fritzbox("2a00:1450:2:5600::/56"), (200, "nochg 30.1.2.5,2a00:1450:1:2::1"))
        self.assertEqual(stack.serial(), serial + 1, "the same prefix again sends nothing")
        self.assertEqual(messages(), sent + 1)
        self.assertEqual(gateway.metric("dyndns_dns_reads_total"), reads, "answered from the followed zone")

    def test_3_a_prefix_alone_and_a_dash_that_removes_the_derived_records(self):
        fritzbox("2a00:1450:1:200::/56")
        serial = stack.serial()
        # The two-URL form's second URL: the prefix alone sets no address.
        self.assertEqual(nic("hostname=example.test&ip6lanprefix=-"), (200, "good -"))
        self.assertEqual(stack.serial(), serial + 1)
        for name in (NAS, CAM, SRV):
            self.assertEqual(aaaa(name), [], name)
        self.assertEqual(aaaa("example.test"), ["2a00:1450:1:2::1"], "the router's own name is not a derived one")
        self.assertEqual(nic("hostname=example.test&ip6lanprefix=-"), (200, "nochg -"))
        self.assertEqual(nic("hostname=example.test&ipv6prefix=2a00:1450:3:300::/56"), (200, "good 2a00:1450:3:300::/56"))
        self.assertEqual(aaaa(NAS), ["2a00:1450:3:300:a:b:c:d"])
        self.assertEqual(aaaa(SRV), [], "preserve with no address has nothing to keep")

    def test_4_router_url_forms_ds_lite_speedport_and_placeholders(self):
        # DS-Lite: no IPv4, the router sends its placeholder as it is.
        status, body = nic("hostname=example.test&myip=<ipaddr>&myipv6=2a00:1450:1:2::2&ip6lanprefix=2a00:1450:1:200::/56")
        self.assertEqual(status, 200)
        self.assertRegex(body, r"^(good|nochg) 2a00:1450:1:2::2$")
        self.assertEqual(aaaa("example.test"), ["2a00:1450:1:2::2"])
        self.assertEqual(aaaa(NAS), ["2a00:1450:1:200:a:b:c:d"])
        # A router that has no prefix to give leaves the placeholder: not a fault, nothing moved.
        self.assertEqual(nic("hostname=example.test&myip=30.1.2.6&ip6lanprefix=<ip6lanprefix>"), (200, "good 30.1.2.6"))
        self.assertEqual(aaaa(NAS), ["2a00:1450:1:200:a:b:c:d"])
        # Speedport: both families in myip.
        self.assertEqual(nic("hostname=example.test&myip=30.1.2.7,2a00:1450:1:2::3"), (200, "good 30.1.2.7,2a00:1450:1:2::3"))


class Refused(unittest.TestCase):
    def assertNothingChanged(self, call):
        before = (stack.serial(), aaaa(NAS))
        result = call()
        self.assertEqual((stack.serial(), aaaa(NAS)), before)
        return result

    def test_a_prefix_outside_2000_3_a_wrong_length_or_a_non_public_derived_address_changes_nothing(self):
        nic("hostname=example.test&ip6lanprefix=2a00:1450:1:200::/56", gw=strict)
        proxy = strict.proxy()
        for prefix, fault in (("fd00:1:2:300::/56", 5), ("fe80::/64", 5), ("2001:db8:1:200::/56", 5),
                              ("2a00:1450:7::/40", 4), ("2a00:1450:7:700::/72", 4), ("30.1.2.0/24", 4), ("nonsense", 4)):
            with self.subTest(prefix=prefix):
                with self.assertRaises(xmlrpc.client.Fault) as raised:
                    self.assertNothingChanged(lambda: proxy.SetDyndnsPrefix("demo", "demo-password", "example.test", prefix))
                self.assertEqual(raised.exception.faultCode, fault, raised.exception.faultString)
        self.assertEqual(self.assertNothingChanged(
            lambda: nic("hostname=example.test&myip=30.1.2.8&ip6lanprefix=fd00:1:2:300::/56", gw=strict)), (200, "dnserr"))
        self.assertNotEqual(stack.dig_short("example.test", "A"), ["30.1.2.8"], "a refused request changes nothing")
        # A domain that fixes its length refuses a shorter prefix and cuts a longer one.
        stack.ctl("domain", "prefix-length", "example.test", "56")
        try:
            time.sleep(0.3)  # the store's answers from memory are at most 250 ms old
            with self.assertRaises(xmlrpc.client.Fault) as raised:
                proxy.SetDyndnsPrefix("demo", "demo-password", "example.test", "2a00:1450:8::/48")
            self.assertEqual(raised.exception.faultCode, 4)
            self.assertIn("/56", raised.exception.faultString)
            cut = proxy.SetDyndnsPrefix("demo", "demo-password", "example.test", "2a00:1450:1:2ff::/64")
            self.assertEqual(cut["prefix"], "2a00:1450:1:200::/56")
        finally:
            stack.ctl("domain", "prefix-length", "example.test", "0")


class Protocols(unittest.TestCase):
    def test_xmlrpc_sets_a_rule_lists_it_and_moves_the_hosts(self):
        proxy = gateway.proxy()
        self.assertEqual(proxy.SetDyndnsHost("demo", "demo-password", "tv.example.test", "::7"),
                         {"name": "tv.example.test", "rule": "::7"})
        with self.assertRaises(xmlrpc.client.Fault) as raised:
            proxy.SetDyndnsHost("demo", "demo-password", "tv.example.test", "2a00::7")
        self.assertEqual(raised.exception.faultCode, 4)
        hosts = proxy.GetDyndnsIp("demo", "demo-password", "example.test")["hosts"]
        self.assertIn({"name": "tv.example.test", "rule": "::7"}, hosts)
        self.assertIn({"name": NAS, "rule": "::a:b:c:d"}, hosts)
        serial = stack.serial()
        result = proxy.SetDyndnsPrefix("demo", "demo-password", "example.test", "2a00:1450:4:400::/56")
        self.assertEqual(stack.serial(), serial + 1)
        self.assertTrue(result["changed"])
        self.assertEqual(result["prefix"], "2a00:1450:4:400::/56")
        by_name = {host["name"]: host for host in result["hosts"]}
        self.assertEqual(by_name["tv.example.test"], {"name": "tv.example.test", "rule": "::7",
                                                      "ip": "2a00:1450:4:400::7", "changed": True})
        self.assertEqual(aaaa("tv.example.test"), ["2a00:1450:4:400::7"])
        again = proxy.SetDyndnsPrefix("demo", "demo-password", "example.test", "2a00:1450:4:400::/56")
        self.assertFalse(again["changed"])
        self.assertEqual(stack.serial(), serial + 1)
        self.assertEqual(proxy.SetDyndnsHost("demo", "demo-password", "tv.example.test", ""),
                         {"name": "tv.example.test", "rule": ""})

    def test_soap_with_zeep_from_the_served_wsdl(self):
        client = zeep_client()
        rule = client.service.SetDyndnsHost("demo", "demo-password", "pc.example.test", "02:00:5e:10:00:01")
        self.assertEqual((rule["name"], rule["rule"]), ("pc.example.test", "02:00:5e:10:00:01"))
        got = client.service.GetDyndnsIp("demo", "demo-password", "pc.example.test")
        self.assertEqual([(h["name"], h["rule"]) for h in got["hosts"]], [("pc.example.test", "02:00:5e:10:00:01")])
        serial = stack.serial()
        moved = client.service.SetDyndnsPrefix("demo", "demo-password", "example.test", "2a00:1450:5:500::/56")
        self.assertTrue(moved["changed"])
        self.assertEqual(stack.serial(), serial + 1)
        pc = [h for h in moved["hosts"] if h["name"] == "pc.example.test"][0]
        self.assertEqual(pc["ip"], "2a00:1450:5:500:0:5eff:fe10:1")
        self.assertEqual(aaaa("pc.example.test"), ["2a00:1450:5:500:0:5eff:fe10:1"])
        with self.assertRaises(zeep.exceptions.Fault) as raised:
            client.service.SetDyndnsPrefix("demo", "demo-password", "example.test", "2a00:1450:5::/40")
        self.assertIn("/48", raised.exception.message)
        client.service.SetDyndnsHost("demo", "demo-password", "pc.example.test", "")


if __name__ == "__main__":
    unittest.main(verbosity=2)
