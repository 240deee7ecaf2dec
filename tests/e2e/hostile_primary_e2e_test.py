"""A primary that lies, end to end: a server signing with the gateway's key sends an SOA without RDATA, a truncated
transfer, a serial that goes backwards and 2 million records; the gateway stays up, serves, and logs each once."""
import base64
import json
import os
import secrets
import subprocess
import sys
import time
import unittest
import xmlrpc.client

import dns.message
import dns.opcode
import dns.query
import dns.rdatatype
import dns.tsigkeyring

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import SOURCE_DIR, Stack, free_port, run  # noqa: E402

ZONES = ("good.test", "nordata.test", "truncated.test", "backwards.test", "huge.test")
MAX_ZONE_RECORDS = 100_000
KEY_NAME = "dyndns-gateway"

stack = None
gateway = None
primary = None
secret = None
state_file = None
notify_port = None


def setUpModule():
    global stack, gateway, primary, secret, state_file, notify_port
    stack = Stack()  # no named: the hostile primary below is the only DNS server
    run(os.path.join(SOURCE_DIR, "scripts/make-certs"), os.path.join(stack.dir, "certs"))
    secret = base64.b64encode(secrets.token_bytes(32)).decode()
    os.makedirs(os.path.join(stack.dir, "bind"))
    with open(os.path.join(stack.dir, "bind/tsig.key"), "w") as f:
        f.write(f'key "{KEY_NAME}" {{\n\talgorithm hmac-sha256;\n\tsecret "{secret}";\n}};\n')
    dns_port = free_port()
    state_file = os.path.join(stack.dir, "primary-state.jsonl")
    primary = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "hostile_primary.py"), str(dns_port),
                                KEY_NAME, secret, state_file])
    wait_for_port(dns_port)
    notify_port = free_port()
    gateway = stack.gateway(dns_port=dns_port, notify_port=notify_port,
                            dns_extra=f"  max_zone_records: {MAX_ZONE_RECORDS}")
    stack.ctl("account", "add", "demo", input="demo-password\n")
    for zone in ZONES:
        stack.ctl("domain", "add", zone, "--account", "demo")
        stack.ctl("dyndns", "on", zone)
    gateway.start()


def tearDownModule():
    if primary:
        primary.terminate()
        primary.wait()
    if stack:
        stack.stop()


def wait_for_port(port):
    import socket
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the hostile primary did not start")


def notify(zone):
    """A signed NOTIFY as the primary would send it: the gateway transfers the zone again."""
    message = dns.message.make_query(zone, dns.rdatatype.SOA)
    message.set_opcode(dns.opcode.NOTIFY)
    message.use_tsig(dns.tsigkeyring.from_text({KEY_NAME: ("hmac-sha256", secret)}), keyname=KEY_NAME)
    dns.query.udp(message, "127.0.0.1", port=notify_port, timeout=2, ignore_unexpected=True)


def log_lines(containing):
    with open(gateway.log_path) as f:
        return [line for line in f if containing in line]


def asked():
    with open(state_file) as f:
        return [json.loads(line) for line in f]


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {what}; {gateway.metrics_summary()}")


class HostilePrimary(unittest.TestCase):
    def test_the_gateway_stays_up_serves_and_logs_each_lie_once(self):
        wait_until(lambda: any(a["zone"] == "huge.test." and "records_sent" in a for a in asked()), 60,
                   "the huge transfer was cut off")
        wait_until(lambda: log_lines("not following zone huge.test"), 10, "the huge zone given up")
        wait_until(lambda: log_lines("cannot follow zone nordata.test") and log_lines("cannot follow zone truncated.test"),
                   10, "the bad transfers refused")
        # The serial goes backwards: asked for an IXFR from 10, the primary says 5; the gateway
        # transfers the whole zone again and follows it at 5.
        notify("backwards.test")
        wait_until(lambda: any(a["zone"] == "backwards.test." and a.get("serial") == 5 and a["kind"] == "AXFR"
                               for a in asked()), 10, "the zone transferred again after its serial went back")
        # Each lie once more: the log does not repeat itself.
        for zone in ("nordata.test", "truncated.test", "huge.test"):
            notify(zone)
        time.sleep(2)

        self.assertIsNone(gateway.process.poll(), "the gateway is still running")
        huge = [a for a in asked() if a["zone"] == "huge.test."]
        self.assertEqual(len(huge), 1, "a zone too large is not transferred again")
        self.assertLess(huge[0]["records_sent"], 2_000_000)
        self.assertLessEqual(huge[0]["records_sent"], MAX_ZONE_RECORDS + 50_000, "cut off near dns.max_zone_records")
        self.assertEqual(len(log_lines("not following zone huge.test")), 1)
        self.assertEqual(len(log_lines("cannot follow zone nordata.test")), 1)
        self.assertEqual(len(log_lines("cannot follow zone truncated.test")), 1)
        self.assertGreaterEqual(gateway.metric("dyndns_zone_transfers_total", kind="serial_mismatch"), 1)

        # Followed in step: the good zone, and the one whose serial went back, at its new serial.
        self.assertEqual(gateway.metric("dyndns_followed_zones_in_step"), 2, gateway.metrics_summary())

        # It serves: every zone answers calls (the lying ones read per call from the same primary).
        with gateway.proxy() as proxy:
            for zone in ZONES:
                self.assertTrue(proxy.SetDyndnsIp("demo", "demo-password", zone, "192.0.2.77")["changed"], zone)
            self.assertEqual(proxy.GetDyndnsIp("demo", "demo-password", "good.test")["a"], [])  # what this primary says
        print(f"huge zone: {huge[0]['records_sent']} of 2,000,000 records sent before the gateway stopped reading; "
              f"{gateway.metrics_summary()}")


if __name__ == "__main__":
    unittest.main(verbosity=2)
