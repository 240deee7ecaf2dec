"""Panel sessions under abuse: one account logging in 11,000 times pushes out only its own sessions, and logins and domain pages spend the account's call budget."""
import http.client
import http.cookies
import os
import ssl
import sys
import threading
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import PanelClient, CsrfField, Stack  # noqa: E402

stack = None
gateways = {}


def setUpModule():
    global stack
    stack = Stack().start()
    # One store (the first gateway's config names it) for both: no budget, and a budget of 5 calls.
    gateways["unlimited"] = stack.gateway("unlimited", limits={"calls_per_minute": 0})
    gateways["budget"] = stack.gateway("budget", limits={"calls_per_minute": 5})
    for account in ("victim", "attacker"):
        stack.ctl("account", "add", account, input=f"{account}-password\n")
    stack.ctl("domain", "add", "example.test", "--account", "victim")


def tearDownModule():
    if stack:
        stack.stop()


class Panel(PanelClient):
    """A panel client that logs in as the test's accounts do."""

    def login_csrf(self):
        _, _, page = self.request("GET", "/panel/login")
        return CsrfField(page).value

    def log_in(self, account, csrf=None):
        if csrf:  # an attacker keeps the pre-session cookie the server clears after each login
            self.cookies["__Host-dyndns-login"] = csrf
        return self.request("POST", "/panel/login",
                            {"csrf": csrf or self.login_csrf(), "account": account, "password": f"{account}-password"})


class PanelSessions(unittest.TestCase):
    def test_11000_logins_of_one_account_leave_another_accounts_session_alive(self):
        gateway = gateways["unlimited"].start()
        try:
            victim = Panel(gateway)
            status, _, _ = victim.log_in("victim")
            self.assertEqual(status, 303)
            self.assertEqual(victim.request("GET", "/panel/")[0], 200)

            statuses = []
            lock = threading.Lock()

            def attack(n):
                attacker = Panel(gateway)
                csrf = attacker.login_csrf()  # double submit: one login cookie serves every try
                mine = [attacker.log_in("attacker", csrf)[0] for _ in range(n)]
                with lock:
                    statuses.extend(mine)

            threads = [threading.Thread(target=attack, args=(5500,)) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            self.assertEqual(len(statuses), 11000)
            self.assertEqual(set(statuses), {303}, "every attacker login succeeded: only the session cap protects")
            status, _, page = victim.request("GET", "/panel/")
            self.assertEqual(status, 200, page)
            self.assertIn("example.test", page)
        finally:
            gateway.stop()

    def test_logins_spend_the_accounts_call_budget(self):
        gateway = gateways["budget"].start()
        try:
            attacker = Panel(gateway)
            csrf = attacker.login_csrf()
            answers = [attacker.log_in("attacker", csrf) for _ in range(8)]
            statuses = [status for status, _, _ in answers]
            self.assertEqual(statuses, [303] * 5 + [429] * 3)
            self.assertTrue(answers[-1][1].get("Retry-After"))
            # Another account's budget is its own; a domain page (it reads the primary) spends it too.
            victim = Panel(gateway)
            self.assertEqual(victim.log_in("victim")[0], 303)
            pages = [victim.request("GET", "/panel/domain?name=example.test")[0] for _ in range(5)]
            self.assertEqual(pages, [200] * 4 + [429])
        finally:
            gateway.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)
