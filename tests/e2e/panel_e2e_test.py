"""The control panel end to end: Debian's chromium (playwright-core) against dyndns-gateway against a real named."""
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import SOURCE_DIR, Stack, browser_env, require_browser  # noqa: E402

PANEL_TESTS = os.path.join(SOURCE_DIR, "tests", "panel")


class Panel(unittest.TestCase):
    def test_the_browser_walks_through_the_panel(self):
        require_browser(self)
        stack = Stack().start()
        try:
            gateway = stack.gateway().start()
            stack.add_customer()
            env = browser_env(stack, gateway, ACCOUNT="demo", PASSWORD="demo-password", DOMAIN="example.test",
                              ARTIFACT_DIR=os.environ.get("DYNDNS_ARTIFACT_DIR", os.path.join(stack.dir, "artifacts")),
                              SCREENSHOT_DIR=os.path.join(SOURCE_DIR, "docs", "screenshots"))
            result = subprocess.run(["node", os.path.join(PANEL_TESTS, "panel_browser_test.mjs")], env=env,
                                    capture_output=True, text=True, timeout=240)
            print(result.stdout, result.stderr)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertEqual(stack.dig_short("example.test", "A"), ["203.0.113.91"])
        finally:
            stack.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
