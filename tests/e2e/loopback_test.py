"""scripts/lib/loopback.py, as the scripts run it: free ports bind for TCP and UDP on 127.0.0.1 and ::1; waiting ends on a listener, a death or the deadline."""
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import SOURCE_DIR  # noqa: E402

LOOPBACK = os.path.join(SOURCE_DIR, "scripts/lib/loopback.py")


def loopback(*args, input=None):
    return subprocess.run([LOOPBACK, *map(str, args)], input=input, capture_output=True, text=True, timeout=60)


class FreePorts(unittest.TestCase):
    def test_every_port_binds_tcp_and_udp_on_both_loopbacks(self):
        result = loopback("free-ports", 64)
        self.assertEqual(result.returncode, 0, result.stderr)
        ports = [int(line) for line in result.stdout.split()]
        self.assertEqual(len(set(ports)), 64)
        for port in ports:
            for family, kind, host in ((socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1"),
                                       (socket.AF_INET, socket.SOCK_DGRAM, "127.0.0.1"),
                                       (socket.AF_INET6, socket.SOCK_STREAM, "::1"),
                                       (socket.AF_INET6, socket.SOCK_DGRAM, "::1")):
                with socket.socket(family, kind) as s:
                    s.bind((host, port))

    def test_a_count_out_of_range_is_refused(self):
        for count in (0, 65, "x"):
            result = loopback("free-ports", count)
            self.assertEqual(result.returncode, 2, result)
            self.assertIn("is not a count from 1 to 64", result.stderr)


class WaitListening(unittest.TestCase):
    def test_returns_once_the_port_accepts(self):
        port = int(loopback("free-ports", 1).stdout)
        server = subprocess.Popen([sys.executable, "-c", "import socket, sys, time; time.sleep(0.5); "
                                   "s = socket.create_server(('127.0.0.1', int(sys.argv[1]))); time.sleep(30)", str(port)])
        try:
            started = time.monotonic()
            result = loopback("wait-listening", "--port", port, "--pid", server.pid, "--seconds", 20)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertLess(time.monotonic() - started, 10)
        finally:
            server.kill()
            server.wait()

    def test_a_server_that_dies_fails_the_wait_with_its_log(self):
        port = int(loopback("free-ports", 1).stdout)
        with tempfile.NamedTemporaryFile("w", suffix=".log") as log:
            log.write("first line\nthe reason it died\n")
            log.flush()
            server = subprocess.Popen(["sleep", "0.3"])
            result = loopback("wait-listening", "--port", port, "--pid", server.pid, "--log", log.name, "--name", "sleeper")
            server.wait()
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"sleeper exited before listening on 127.0.0.1 port {port}", result.stderr)
        self.assertIn("the reason it died", result.stderr)

    def test_every_address_is_waited_for(self):
        # A server that listens on 127.0.0.1, then fails to bind ::1 and exits: not ready.
        port = int(loopback("free-ports", 1).stdout)
        server = subprocess.Popen([sys.executable, "-c", "import socket, sys, time; "
                                   "s = socket.create_server(('127.0.0.1', int(sys.argv[1]))); time.sleep(1)", str(port)])
        result = loopback("wait-listening", "--port", port, "--port", f"[::1]:{port}", "--pid", server.pid,
                          "--name", "half")
        server.wait()
        self.assertEqual(result.returncode, 1, result)
        self.assertIn(f"half exited before listening on ::1 port {port}", result.stderr)

    def test_an_address_that_is_not_one_is_refused(self):
        for address in ("x", "127.0.0.1:", "[::1]:70000"):
            result = loopback("wait-listening", "--port", address)
            self.assertEqual(result.returncode, 2, result)
            self.assertIn("is not a port, HOST:PORT or [HOST]:PORT", result.stderr)

    def test_the_deadline_fails_the_wait(self):
        port = int(loopback("free-ports", 1).stdout)
        result = loopback("wait-listening", "--port", port, "--seconds", 0.5)
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"the server did not listen on 127.0.0.1 port {port} within 0.5 s", result.stderr)

    def test_the_pid_can_come_after_the_waiter_starts(self):
        # scripts/demo's way: the waiter says "waiting", then learns the pid of what it waits for.
        port = int(loopback("free-ports", 1).stdout)
        waiter = subprocess.Popen([LOOPBACK, "wait-listening", "--port", str(port), "--pid", "-", "--seconds", "20"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.assertEqual(waiter.stdout.readline(), "waiting\n")
        server = subprocess.Popen([sys.executable, "-c", "import socket, sys, time; "
                                   "s = socket.create_server(('127.0.0.1', int(sys.argv[1]))); time.sleep(30)", str(port)])
        try:
            waiter.stdin.write(f"{server.pid}\n")
            waiter.stdin.close()
            self.assertEqual(waiter.wait(timeout=30), 0)
        finally:
            waiter.stdout.close()
            server.kill()
            server.wait()


if __name__ == "__main__":
    unittest.main(verbosity=2)
