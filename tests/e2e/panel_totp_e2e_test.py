"""Two-factor panel logins end to end: Debian's chromium enrols TOTP with Debian's oathtool's codes, against dyndns-gateway and a real named; then the operator's dyndnsctl totp status and reset."""
import os
import re
import subprocess
import sys
import unittest
import xmlrpc.client

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import SOURCE_DIR, Stack, browser_env, require_browser  # noqa: E402

PANEL_TESTS = os.path.join(SOURCE_DIR, "tests", "panel")


class PanelTotp(unittest.TestCase):
    def test_the_browser_enrols_and_logs_in_with_codes(self):
        require_browser(self, "oathtool")
        stack = Stack().start()
        try:
            gateway = stack.gateway().start()
            stack.add_customer()
            self.assertIn("two-factor authentication off", stack.ctl("totp", "status", "demo").stdout)
            env = browser_env(stack, gateway, ACCOUNT="demo", PASSWORD="demo-password", DOMAIN="example.test")
            result = subprocess.run(["node", os.path.join(PANEL_TESTS, "panel_totp_test.mjs")], env=env,
                                    capture_output=True, text=True, timeout=240)
            print(result.stdout, result.stderr)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

            # The browser left TOTP on: the operator sees it (never the secret), machines still log in
            # with the password (Python's xmlrpc.client), and a reset turns it off.
            status = stack.ctl("totp", "status", "demo").stdout
            self.assertIn("two-factor authentication on, 10 recovery codes left", status)
            with xmlrpc.client.ServerProxy(f"https://127.0.0.1:{gateway.port}/dom/api", context=stack.tls_context()) as proxy:
                answer = proxy.SetDyndnsIp("demo", "demo-password", "example.test", "203.0.113.77")
            self.assertEqual(answer["ip"], "203.0.113.77")
            self.assertIn("two-factor authentication reset: demo", stack.ctl("totp", "reset", "demo").stdout)
            self.assertIn("two-factor authentication off", stack.ctl("totp", "status", "demo").stdout)
            missing = stack.ctl("totp", "status", "nobody", check=False)
            self.assertEqual(missing.returncode, 3)
            self.assertIn("no account 'nobody'", missing.stderr)
            # Nothing secret reached the gateway's log: no TOTP secret (32 Base32 characters), no
            # otpauth URI, no recovery code (the log holds the calls' lines, the XML-RPC one above).
            with open(gateway.log_path, encoding="utf-8", errors="replace") as f:
                log = f.read()
            self.assertIn("method=SetDyndnsIp", log)
            self.assertNotIn("otpauth", log)
            self.assertIsNone(re.search(r"[A-Z2-7]{32}", log))
            self.assertIsNone(re.search(r"[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}", log))
        finally:
            stack.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
