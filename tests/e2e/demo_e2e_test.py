"""scripts/demo end to end: two demos side by side (their own directory, HTTPS, DNS and metrics ports), each called, each stopped by SIGTERM."""
import os
import select
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

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import BIN_DIR, SOURCE_DIR, free_ports, run  # noqa: E402

work = None
demos = []


class Demo:
    """One scripts/demo process, given the sanitizer build's binaries (--bin-dir) so nothing is built."""

    def __init__(self, name, port, dns_port, metrics_port=None):
        self.dir = os.path.join(work, name)
        self.port, self.dns_port = port, dns_port
        # Without --metrics-port the demo derives it from --port: the default two demos rely on.
        self.metrics_port = metrics_port or port + 1000
        command = [os.path.join(SOURCE_DIR, "scripts/demo"), "--dir", self.dir, "--port", str(port),
                   "--dns-port", str(dns_port), "--bin-dir", BIN_DIR]
        if metrics_port:
            command += ["--metrics-port", str(metrics_port)]
        self.log_path = os.path.join(work, f"{name}.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log)
        self.output = b""

    def wait_until_ready(self, seconds=120):
        """Returns the demo's output up to and including its `ready:` line."""
        deadline = time.monotonic() + seconds
        fd = self.process.stdout.fileno()
        while b"\nready: " not in b"\n" + self.output:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise RuntimeError(f"{self.dir}: no 'ready:' within {seconds} s; {self.failure()}")
            chunk = os.read(fd, 65536)
            if not chunk:
                raise RuntimeError(f"{self.dir}: the demo exited ({self.process.wait()}); {self.failure()}")
            self.output += chunk
        # The lines after `ready:` (how to call it) follow at once.
        time.sleep(0.2)
        while select.select([fd], [], [], 0)[0] and (chunk := os.read(fd, 65536)):
            self.output += chunk
        return self.output.decode()

    def failure(self):
        with open(self.log_path, errors="replace") as f:
            return "stdout: " + self.output.decode(errors="replace") + " stderr: " + f.read()[-3000:]

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(timeout=60)
        self.process.stdout.close()
        self.log.close()
        return status


def port_with_free_neighbour():
    """A free port P whose P + 1000 (the demo's default metrics port) is free too."""
    for _ in range(50):
        port = free_ports(1)[0]
        if port + 1000 > 65535:
            continue
        try:
            with socket.socket() as s:
                s.bind(("127.0.0.1", port + 1000))
            return port
        except OSError:
            continue
    raise RuntimeError("no port P free with P + 1000")


def setUpModule():
    global work
    work = tempfile.mkdtemp(prefix="dyndns-demo-e2e-")
    a_port, a_dns, a_metrics, b_dns = free_ports(4)
    # Both at once: side by side from the start.
    demos.append(Demo("a", a_port, a_dns, a_metrics))
    demos.append(Demo("b", port_with_free_neighbour(), b_dns))


def tearDownModule():
    for demo in demos:
        demo.stop()
    shutil.rmtree(work, ignore_errors=True)


class TwoDemos(unittest.TestCase):
    def test_two_demos_side_by_side(self):
        outputs = [demo.wait_until_ready() for demo in demos]
        for demo, output in zip(demos, outputs):
            with self.subTest(demo=demo.dir):
                self.assertIn(f"ready: https://127.0.0.1:{demo.port}/dom/api", output)
                self.assertIn(f"Metrics and health: http://127.0.0.1:{demo.metrics_port}/metrics", output)
                with open(os.path.join(demo.dir, "gateway.yaml")) as f:
                    config = f.read()
                self.assertIn(f'listen: "127.0.0.1:{demo.metrics_port}"', config)
                self.assertIn(f"port: {demo.dns_port}", config)

                with urllib.request.urlopen(f"http://127.0.0.1:{demo.metrics_port}/healthz", timeout=10) as response:
                    self.assertEqual(response.status, 200)
                # The README's call, against this demo with its own CA.
                context = ssl.create_default_context(cafile=os.path.join(demo.dir, "ca.pem"))
                with xmlrpc.client.ServerProxy(f"https://127.0.0.1:{demo.port}/dom/api", context=context) as proxy:
                    answer = proxy.SetDyndnsIp("demo", "demo-password", "example.test", "")
                self.assertEqual(answer["ip"], "127.0.0.1", answer)
                dig = run("dig", "@127.0.0.1", "-p", str(demo.dns_port), "+norec", "+short", "example.test", "A").stdout
                self.assertEqual(dig.split(), ["127.0.0.1"])

        for demo in demos:
            with self.subTest(demo=demo.dir):
                self.assertEqual(demo.stop(), 143, demo.failure())  # stopped by its signal, after its clean-up
                self.assertFalse(os.path.exists(os.path.join(demo.dir, "named.pid")), "named left running")


if __name__ == "__main__":
    unittest.main(verbosity=2)
