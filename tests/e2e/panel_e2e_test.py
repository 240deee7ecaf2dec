"""The control panel end to end: Debian's chromium (playwright-core) against dyndns-gateway against a real named."""
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import SOURCE_DIR, Stack  # noqa: E402

PANEL_TESTS = os.path.join(SOURCE_DIR, "tests", "panel")


class Panel(unittest.TestCase):
    def test_the_browser_walks_through_the_panel(self):
        for tool in ("node", "chromium", "certutil"):
            if shutil.which(tool) is None:  # a missing browser is a failure, never a skip
                self.fail(f"{tool} is not installed; scripts/install-deps installs it")
        if not os.path.isdir(os.path.join(PANEL_TESTS, "node_modules", "playwright-core")):
            self.fail("playwright-core is not installed; scripts/install-deps runs npm ci in tests/panel")
        stack = Stack().start()
        try:
            gateway = stack.gateway().start()
            stack.ctl("account", "add", "demo", input="demo-password\n")
            stack.ctl("domain", "add", "example.test", "--account", "demo")
            stack.ctl("dyndns", "on", "example.test")
            # Chromium on Linux trusts what the NSS database in $HOME/.pki/nssdb trusts: a fresh
            # HOME whose database holds the test CA, so the browser verifies the gateway's TLS.
            home = os.path.join(stack.dir, "browser-home")
            nssdb = "sql:" + os.path.join(home, ".pki", "nssdb")
            os.makedirs(os.path.join(home, ".pki", "nssdb"))
            subprocess.run(["certutil", "-d", nssdb, "-N", "--empty-password"], check=True, capture_output=True)
            subprocess.run(["certutil", "-d", nssdb, "-A", "-t", "C,,", "-n", "dyndns-test-ca", "-i",
                            os.path.join(stack.dir, "certs/ca.pem")], check=True, capture_output=True)
            # Node's own requests (playwright's request context) trust the test CA through this.
            env = dict(os.environ, HOME=home, NODE_EXTRA_CA_CERTS=os.path.join(stack.dir, "certs/ca.pem"), PANEL_BASE=f"https://127.0.0.1:{gateway.port}", CA_FILE=os.path.join(stack.dir, "certs/ca.pem"),
                       ARTIFACT_DIR=os.environ.get("DYNDNS_ARTIFACT_DIR", os.path.join(stack.dir, "artifacts")),
                       SCREENSHOT_DIR=os.path.join(SOURCE_DIR, "docs", "screenshots"),
                       ACCOUNT="demo", PASSWORD="demo-password", DOMAIN="example.test")
            result = subprocess.run(["node", os.path.join(PANEL_TESTS, "panel_browser_test.mjs")], env=env,
                                    capture_output=True, text=True, timeout=240)
            print(result.stdout, result.stderr)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertEqual(stack.dig_short("example.test", "A"), ["203.0.113.91"])
        finally:
            stack.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
