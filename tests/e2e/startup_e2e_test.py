"""Start-up end to end: the gateway exits 3 with a line naming what failed (address and port, or file) and why; "::" listens on both families."""
import os
import socket
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import BIN_DIR, Stack, free_port  # noqa: E402

stack = None


def setUpModule():
    global stack
    stack = Stack().start()


def tearDownModule():
    if stack:
        stack.stop()


def held(family, kind, host, port, listening=True):
    """A socket holding host:port, as another program on the machine would."""
    s = socket.socket(family, kind)
    s.bind((host, port))
    if kind == socket.SOCK_STREAM and listening:
        s.listen()
    return s


def start_failure(gateway):
    """The gateway's exit status and its error lines, from a start expected to fail."""
    result = subprocess.run([os.path.join(BIN_DIR, "dyndns-gateway"), "--config", gateway.config],
                            capture_output=True, text=True, timeout=60)
    return result.returncode, [line for line in result.stderr.splitlines() if line.startswith("<3>")]


class StartupFailures(unittest.TestCase):
    def assert_fails_with(self, gateway, expected):
        status, errors = start_failure(gateway)
        self.assertEqual(status, 3, errors)
        self.assertEqual(errors, ["<3>dyndns-gateway: cannot start: " + expected])

    def test_https_port_taken_on_ipv4(self):
        gw = stack.gateway("https-taken")
        with held(socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1", gw.port):
            self.assert_fails_with(gw, f"cannot listen on 127.0.0.1 port {gw.port} (HTTPS): Address already in use")

    def test_https_port_taken_on_ipv6(self):
        gw = stack.gateway("https-taken-v6")
        with held(socket.AF_INET6, socket.SOCK_STREAM, "::1", gw.port):
            self.assert_fails_with(gw, f"cannot listen on ::1 port {gw.port} (HTTPS): Address already in use")

    def test_metrics_port_taken(self):
        gw = stack.gateway("metrics-taken")
        with held(socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1", gw.metrics_port):
            self.assert_fails_with(gw, f"cannot listen on 127.0.0.1 port {gw.metrics_port} (metrics): Address already in use")

    def test_notify_port_taken(self):
        notify_port = free_port()
        gw = stack.gateway("notify-taken", notify_port=notify_port)
        with held(socket.AF_INET, socket.SOCK_DGRAM, "127.0.0.1", notify_port):
            self.assert_fails_with(gw, f"cannot listen on 127.0.0.1 port {notify_port} (NOTIFY, UDP): Address already in use")

    def test_certificate_missing(self):
        gw = stack.gateway("no-certificate", cert_dir="no-such-certs")
        certificate = os.path.join(stack.dir, "no-such-certs/server.pem")
        self.assert_fails_with(gw, f"cannot read the TLS certificate {certificate}: No such file or directory")

    def test_private_key_that_is_not_a_key(self):
        # A key in PEM form but not a key: OpenSSL's reason, and both files named.
        os.makedirs(os.path.join(stack.dir, "bad-key"))
        for name in ("server.pem", "server.key"):
            with open(os.path.join(stack.dir, "certs", "server.pem")) as src, \
                    open(os.path.join(stack.dir, "bad-key", name), "w") as dst:
                dst.write(src.read())
        gw = stack.gateway("bad-key", cert_dir="bad-key")
        status, errors = start_failure(gw)
        self.assertEqual(status, 3, errors)
        key = os.path.join(stack.dir, "bad-key/server.key")
        self.assertEqual(len(errors), 1, errors)
        self.assertIn(f"cannot load the TLS certificate {os.path.join(stack.dir, 'bad-key/server.pem')} or private key {key}: "
                      f"Error loading private key from file {key}: ", errors[0])

    def test_store_directory_missing(self):
        gw = stack.gateway("no-store-dir")
        with open(gw.config) as f:
            text = f.read()
        self.assertIn("path: gateway.sqlite", text)
        with open(gw.config, "w") as f:
            f.write(text.replace("path: gateway.sqlite", "path: no-such-dir/gateway.sqlite"))
        store = os.path.join(stack.dir, "no-such-dir/gateway.sqlite")
        self.assert_fails_with(gw, f"store: cannot create the SQLite file {store}: No such file or directory")

    def test_store_is_a_directory(self):
        gw = stack.gateway("store-is-dir")
        with open(gw.config) as f:
            text = f.read()
        os.makedirs(os.path.join(stack.dir, "a-directory.sqlite"))
        with open(gw.config, "w") as f:
            f.write(text.replace("path: gateway.sqlite", "path: a-directory.sqlite"))
        store = os.path.join(stack.dir, "a-directory.sqlite")
        self.assert_fails_with(gw, f"store: cannot open the SQLite file {store}: Is a directory")

    def test_listening_on_double_colon_serves_both_families_on_one_socket(self):
        gw = stack.gateway("every-interface", listen=("::",))
        try:
            gw.start()  # waits until it answers on 127.0.0.1 and on ::1
            for host in ("127.0.0.1", "[::1]"):
                with gw.proxy(host) as proxy:
                    self.assertIn("SetDyndnsIp", proxy.system.listMethods())
            with open(gw.log_path, errors="replace") as f:
                self.assertNotIn("::ffff:", f.read())  # an IPv4 caller is logged as IPv4
        finally:
            gw.stop()

    def test_the_wait_for_a_listener_fails_with_the_reason(self):
        # What every script and test waiting for a gateway prints when it cannot start.
        # Bound but not listening: a listening socket would answer the wait's connections itself.
        gw = stack.gateway("waited-for")
        with held(socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1", gw.port, listening=False):
            with self.assertRaises(RuntimeError) as raised:
                gw.start()
        message = str(raised.exception)
        self.assertIn(f"dyndns-gateway exited before listening on 127.0.0.1 port {gw.port}", message)
        self.assertIn(f"last lines of {gw.log_path}:", message)
        self.assertIn(f"cannot listen on 127.0.0.1 port {gw.port} (HTTPS): Address already in use", message)
        self.assertEqual(gw.process.wait(timeout=10), 3)


if __name__ == "__main__":
    unittest.main(verbosity=2)
