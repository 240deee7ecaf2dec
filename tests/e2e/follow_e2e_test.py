"""Zone following: the gateway knows each dyndns name's records from AXFR/IXFR on NOTIFY, not from a read per call."""
import base64
import re
import os
import signal
import socket
import sys
import time
import unittest
import urllib.request
import xmlrpc.client

import dns.message
import dns.query
import dns.rdatatype
import dns.opcode
import dns.tsigkeyring

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import SOURCE_DIR, Stack, free_port, run  # noqa: E402

# The bound the gateway promises (README "Following zones"): an outside change is seen within 1 s.
STALENESS_BOUND_S = 1.0

stack = None
gateway = None
notify_port = None
BIND_OPTIONS = None


def setUpModule():
    global stack, gateway, notify_port, BIND_OPTIONS
    notify_port = free_port()
    BIND_OPTIONS = ("--zone", "example.test", "--zone", "second.test", "--notify-to", str(notify_port))
    stack = Stack().start(*BIND_OPTIONS)
    # Calls that need nothing that waits are answered by the event loop here (limits.answer_calls_on_loop):
    # every test of this file holds with it.
    gateway = stack.gateway(notify_port=notify_port, limits={"answer_calls_on_loop": "true"})
    stack.ctl("account", "add", "demo", input="demo-password\n")
    for zone in ("example.test", "second.test"):
        stack.ctl("domain", "add", zone, "--account", "demo")
        stack.ctl("dyndns", "on", zone)
    gateway.start()
    wait_until(lambda: gateway.metric("dyndns_followed_zones_in_step") == 2, 10, "both zones followed")


def tearDownModule():
    if stack:
        stack.stop()


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"not within {seconds} s: {what}")


def nsupdate(*commands):
    """An operator's change with the operator's own key, not the gateway's."""
    script = f"server 127.0.0.1 {stack.dns_port}\n" + "\n".join(commands) + "\nsend\n"
    run("nsupdate", "-k", os.path.join(stack.dir, "bind/operator.key"), input=script)


def seen_after(name, address):
    """Seconds until GetDyndnsIp (the gateway's own view) answers `address` for `name`."""
    proxy = gateway.proxy()
    started = time.monotonic()
    while time.monotonic() - started < 5:
        if proxy.GetDyndnsIp("demo", "demo-password", name)["a"] == [address]:
            return time.monotonic() - started
        time.sleep(0.01)
    raise AssertionError(f"{name} never showed {address}; {gateway.metrics_summary()}")


class ZoneFollowing(unittest.TestCase):
    def test_the_status_page_counts_the_zones_followed_and_in_step(self):
        with urllib.request.urlopen(f"http://127.0.0.1:{gateway.metrics_port}/status", timeout=10) as response:
            self.assertIn('<p id="zones">2 followed, 2 in step</p>', response.read().decode())

    def test_an_unchanged_address_costs_no_dns_traffic(self):
        proxy = gateway.proxy()
        self.assertTrue(proxy.SetDyndnsIp("demo", "demo-password", "quiet.example.test", "192.0.2.31")["changed"])
        reads, messages = gateway.metric("dyndns_dns_reads_total"), gateway.metric("dyndns_dns_update_messages_total")
        on_loop = gateway.metric("dyndns_loop_answers_total", outcome="answered")
        for _ in range(20):
            self.assertFalse(proxy.SetDyndnsIp("demo", "demo-password", "quiet.example.test", "192.0.2.31")["changed"])
        # Answered by the event loop from memory, without a worker; a moment's foreign-change check may send one on.
        self.assertGreaterEqual(gateway.metric("dyndns_loop_answers_total", outcome="answered") - on_loop, 15)
        self.assertEqual(proxy.GetDyndnsIp("demo", "demo-password", "quiet.example.test")["a"], ["192.0.2.31"])
        self.assertEqual(gateway.metric("dyndns_dns_reads_total"), reads)
        self.assertEqual(gateway.metric("dyndns_dns_update_messages_total"), messages)
        self.assertEqual(stack.dig_short("quiet.example.test", "A"), ["192.0.2.31"])

    def test_an_outside_change_is_seen_within_the_bound(self):
        proxy = gateway.proxy()
        self.assertTrue(proxy.SetDyndnsIp("demo", "demo-password", "router.example.test", "192.0.2.10")["changed"])
        delays = []
        for i in range(5):
            nsupdate("update delete router.example.test A", f"update add router.example.test 60 A 198.51.100.{i + 1}")
            delays.append(seen_after("router.example.test", f"198.51.100.{i + 1}"))
        print(f"outside change seen after {', '.join(f'{d * 1000:.0f}' for d in delays)} ms", file=sys.stderr)
        self.assertLess(max(delays), STALENESS_BOUND_S)
        # The customer's router still has its old address: the gateway must put it back.
        result = proxy.SetDyndnsIp("demo", "demo-password", "router.example.test", "192.0.2.10")
        self.assertTrue(result["changed"])
        self.assertEqual(stack.dig_short("router.example.test", "A"), ["192.0.2.10"])

    def test_a_dyndns2_request_for_20_hosts_is_one_update_per_zone(self):
        hosts = [f"r{i}.example.test" for i in range(10)] + [f"r{i}.second.test" for i in range(10)]
        messages, changes = gateway.metric("dyndns_dns_update_messages_total"), gateway.metric("dyndns_dns_update_changes_total")
        request = urllib.request.Request(gateway.url(path="/nic/update?hostname=" + ",".join(hosts) +
                                                     "&myip=192.0.2.77,2001:db8::77"))
        request.add_header("Authorization", "Basic " + base64.b64encode(b"demo:demo-password").decode())
        with urllib.request.urlopen(request, context=stack.tls_context(), timeout=30) as reply:
            body = reply.read().decode()
        self.assertEqual(body, "good 192.0.2.77,2001:db8::77\n" * 20)
        self.assertEqual(gateway.metric("dyndns_dns_update_messages_total") - messages, 2)  # one per zone
        self.assertEqual(gateway.metric("dyndns_dns_update_changes_total") - changes, 40)
        for host in (hosts[0], hosts[-1]):
            self.assertEqual(stack.dig_short(host, "A"), ["192.0.2.77"])
            self.assertEqual(stack.dig_short(host, "AAAA"), ["2001:db8::77"])
        # Again: every address already there, nothing sent.
        with urllib.request.urlopen(request, context=stack.tls_context(), timeout=30) as reply:
            self.assertEqual(reply.read().decode(), "nochg 192.0.2.77,2001:db8::77\n" * 20)
        self.assertEqual(gateway.metric("dyndns_dns_update_messages_total") - messages, 2)

    def test_an_unsigned_notify_is_ignored(self):
        before = gateway.metric("dyndns_notifies_total", result="unverified")
        notify = dns.message.make_query("example.test", dns.rdatatype.SOA)
        notify.set_opcode(dns.opcode.NOTIFY)
        with self.assertRaises(dns.exception.Timeout):
            dns.query.udp(notify, "127.0.0.1", port=notify_port, timeout=1)
        wait_until(lambda: gateway.metric("dyndns_notifies_total", result="unverified") == before + 1, 2, "counted")

    def test_a_signed_notify_sent_again_is_answered_and_not_acted_on(self):
        # A NOTIFY signed with the gateway's key, as a captured one would be, sent twice as it is.
        with open(os.path.join(stack.dir, "bind/tsig.key")) as f:
            text = f.read()
        name = re.search(r'key\s+"([^"]+)"', text).group(1)
        secret = re.search(r'secret\s+"([^"]+)"', text).group(1)
        keyring = dns.tsigkeyring.from_text({name: ("hmac-sha256", secret)})
        notify = dns.message.make_query("example.test", dns.rdatatype.SOA)
        notify.set_opcode(dns.opcode.NOTIFY)
        notify.use_tsig(keyring, keyname=name, algorithm="hmac-sha256")
        wire = notify.to_wire()
        accepted = gateway.metric("dyndns_notifies_total", result="accepted")
        replayed = gateway.metric("dyndns_notifies_total", result="replayed")
        transfers = gateway.metric("dyndns_zone_transfers_total")
        for _ in range(2):
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(2)
                s.sendto(wire, ("127.0.0.1", notify_port))
                answer = dns.message.from_wire(s.recv(4096), keyring=keyring, request_mac=notify.mac)
                self.assertEqual(answer.opcode(), dns.opcode.NOTIFY)  # both are acknowledged, signed
        wait_until(lambda: gateway.metric("dyndns_notifies_total", result="replayed") == replayed + 1, 2, "replay counted")
        self.assertEqual(gateway.metric("dyndns_notifies_total", result="accepted"), accepted + 1)
        time.sleep(0.5)
        self.assertLessEqual(gateway.metric("dyndns_zone_transfers_total") - transfers, 1)  # at most the first one's

    def test_zz_named_killed_and_restarted(self):
        """Last: named comes back from kill -9; the gateway resynchronises and later calls are right."""
        proxy = gateway.proxy()
        self.assertTrue(proxy.SetDyndnsIp("demo", "demo-password", "box.second.test", "192.0.2.40")["changed"])
        pid = int(open(os.path.join(stack.dir, "bind/named.pid")).read())
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z", 5,
                   "named gone")
        # While it is down a change cannot be made, and the caller is told nothing changed.
        with self.assertRaises(xmlrpc.client.Fault) as refused:
            proxy.SetDyndnsIp("demo", "demo-password", "box.second.test", "192.0.2.41")
        self.assertEqual(refused.exception.faultCode, 7)
        run(os.path.join(SOURCE_DIR, "scripts/local-bind"), "start", os.path.join(stack.dir, "bind"),
            str(stack.dns_port), *BIND_OPTIONS)
        self.assertEqual(stack.dig_short("box.second.test", "A"), ["192.0.2.40"])
        # Changed behind the gateway's back right after the restart: followed again within the bound.
        nsupdate("update delete box.second.test A", "update add box.second.test 60 A 198.51.100.40")
        delay = seen_after("box.second.test", "198.51.100.40")
        print(f"after the restart, an outside change seen after {delay * 1000:.0f} ms", file=sys.stderr)
        self.assertLess(delay, STALENESS_BOUND_S)
        self.assertTrue(proxy.SetDyndnsIp("demo", "demo-password", "box.second.test", "192.0.2.40")["changed"])
        self.assertEqual(stack.dig_short("box.second.test", "A"), ["192.0.2.40"])
        self.assertTrue(proxy.SetDyndnsIp("demo", "demo-password", "box.second.test", "192.0.2.42")["changed"])
        self.assertEqual(stack.dig_short("box.second.test", "A"), ["192.0.2.42"])


if __name__ == "__main__":
    unittest.main()
