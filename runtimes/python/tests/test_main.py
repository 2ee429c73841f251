"""The entry point as a real process: start-up failures exit 1 with a JSON log line."""

import json
import os
import subprocess
import sys
import unittest

RUN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "run.py")


def start(args, env):
    clean = {k: v for k, v in os.environ.items() if k not in ("PORT", "TIMEOUT_MS", "HANDLER_MODULE", "CALLBACK_URL")}
    return subprocess.run([sys.executable, RUN, *args], env={**clean, **env}, capture_output=True, text=True, timeout=10)


class StartupFailureTest(unittest.TestCase):
    def assert_fails(self, result, message):
        self.assertEqual(result.returncode, 1)
        line = json.loads(result.stdout.strip().splitlines()[-1])
        self.assertEqual((line["level"], line["message"]), ("error", message))
        return line

    def test_no_handler(self):
        self.assert_fails(start([], {}), "no handler")

    def test_bad_setting(self):
        line = self.assert_fails(start(["json"], {"TIMEOUT_MS": "soon"}), "invalid runtime settings")
        self.assertIn("TIMEOUT_MS", line["error"])

    def test_module_without_handle(self):
        line = self.assert_fails(start(["json"], {"PORT": "0"}), "handler failed to load")
        self.assertIn("handle", line["error"])

    def test_missing_file(self):
        self.assert_fails(start(["/nonexistent/handler.py"], {"PORT": "0"}), "handler failed to load")


if __name__ == "__main__":
    unittest.main()
