"""Unchanged calls are history runs (docs/contract.md "History"): truthful counts after a clean stop; a kill -9 loses no change and at most the last second of counts."""
import os
import sqlite3
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from gateway_stack import Stack  # noqa: E402

stack = None
gateway = None


def setUpModule():
    global stack, gateway
    stack = Stack().start()
    # No call budget: the test polls as fast as it can. The unchanged calls are answered on the loop
    # (limits.answer_calls_on_loop), as a gateway tuned for polling answers them.
    gateway = stack.gateway(limits={"calls_per_minute": 0, "answer_calls_on_loop": "true"}).start()
    stack.add_customer()


def tearDownModule():
    if stack:
        stack.stop()


def rows(name):
    """The name's history rows, oldest first, as the store holds them."""
    with sqlite3.connect(os.path.join(stack.dir, "gateway.sqlite")) as db:
        return db.execute("SELECT outcome, new_address, calls, time_ms, last_ms FROM history WHERE name = ? ORDER BY id",
                          (name,)).fetchall()


def set_ip(name, address):
    proxy = gateway.proxy()
    try:
        return proxy.SetDyndnsIp("demo", "demo-password", name, address)
    finally:
        proxy("close")()


def unchanged_calls(name, address, seconds):
    """Unchanged calls for `seconds`; the wall-clock time each was answered."""
    answered = []
    deadline = time.monotonic() + seconds
    proxy = gateway.proxy()
    while time.monotonic() < deadline:
        result = proxy.SetDyndnsIp("demo", "demo-password", name, address)
        assert not result["changed"], result
        answered.append(time.time())
    proxy("close")()
    return answered


def kill_and_restart():
    gateway.process.kill()  # SIGKILL: no clean stop
    gateway.process.wait(timeout=10)
    gateway.log.close()
    gateway.process = None
    gateway.start()


class HistoryRuns(unittest.TestCase):
    def test_1_after_a_clean_stop_the_run_holds_every_call_and_the_last_ones_time(self):
        name = "clean.example.test"
        self.assertTrue(set_ip(name, "192.0.2.50")["changed"])
        answered = unchanged_calls(name, "192.0.2.50", 2)
        gateway.stop()  # SIGTERM: the counts still in memory are written
        held = rows(name)
        self.assertEqual([(outcome, calls) for outcome, _, calls, _, _ in held], [("changed", 1), ("unchanged", len(answered))])
        _, _, _, first_ms, last_ms = held[1]
        self.assertLessEqual(first_ms, last_ms)
        self.assertLess(abs(last_ms / 1000 - answered[-1]), 0.5, "the run's last call is the last call answered")
        shown = stack.ctl("history", "example.test").stdout
        self.assertIn(f"{len(answered)} calls until", shown)
        print(f"clean stop: {len(answered)} unchanged calls, one row, last call within "
              f"{abs(last_ms / 1000 - answered[-1]) * 1000:.0f} ms", file=sys.stderr)
        gateway.start()
        # After the restart the next unchanged call continues the same run, in the store.
        self.assertFalse(set_ip(name, "192.0.2.50")["changed"])
        gateway.stop()
        self.assertEqual(rows(name)[1][2], len(answered) + 1)
        gateway.start()

    def test_2_a_kill_loses_at_most_the_last_second_of_counts(self):
        name = "killed.example.test"
        self.assertTrue(set_ip(name, "192.0.2.60")["changed"])
        answered = unchanged_calls(name, "192.0.2.60", 3)
        killed_at = time.time()
        kill_and_restart()
        held = rows(name)
        self.assertEqual([outcome for outcome, *_ in held], ["changed", "unchanged"])
        counted = held[1][2]
        before_the_last_second = sum(1 for t in answered if t < killed_at - 1.0)
        print(f"kill -9: {len(answered)} unchanged calls answered, {counted} counted, "
              f"{before_the_last_second} answered more than 1 s before the kill", file=sys.stderr)
        self.assertGreaterEqual(counted, before_the_last_second)
        self.assertLessEqual(counted, len(answered))
        self.assertGreaterEqual(held[1][4] / 1000, killed_at - 1.0)

    def test_3_a_kill_right_after_a_change_loses_no_change(self):
        for i in range(3):
            name = f"change{i}.example.test"
            self.assertTrue(set_ip(name, f"192.0.2.{70 + i}")["changed"])
            kill_and_restart()
            self.assertEqual([(outcome, address) for outcome, address, *_ in rows(name)], [("changed", f"192.0.2.{70 + i}")])


if __name__ == "__main__":
    unittest.main(verbosity=2)
