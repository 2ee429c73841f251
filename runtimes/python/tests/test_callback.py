import threading
import unittest

from nanofaas_runtime.callback import CallbackSender, Target

TARGET = Target("http://cp/v1/internal/executions/", "e1", "t1", "2", "tok-2")


def harness(steps):
    calls, sleeps, failures = [], [], []

    def poster(url, body, headers, timeout):
        calls.append((url, body, headers))
        step = steps[len(calls) - 1] if len(calls) <= len(steps) else 204
        if isinstance(step, Exception):
            raise step
        return step

    sender = CallbackSender(lambda target, problem: failures.append(problem), sleep=sleeps.append, poster=poster)
    return sender, calls, sleeps, failures


class CallbackTest(unittest.TestCase):
    def test_posts_to_the_complete_url_with_trace_attempt_and_callback_token(self):
        sender, calls, _, failures = harness([204])
        sender.send(TARGET, b"{}")
        sender.flush(2)
        self.assertEqual(calls, [("http://cp/v1/internal/executions/e1:complete", b"{}",
                                  {"Content-Type": "application/json", "X-Trace-Id": "t1", "X-Dispatch-Attempt": "2",
                                   "X-Callback-Token": "tok-2"})])
        self.assertEqual(failures, [])

    def test_omits_the_token_header_without_a_token(self):
        sender, calls, _, _ = harness([204])
        sender.send(Target("http://cp/cb", "e1", None, None), b"{}")
        sender.flush(2)
        self.assertEqual(calls[0][2], {"Content-Type": "application/json"})

    def test_retries_5xx_408_429_and_network_errors(self):
        for steps in ([503, 500, 204], [408, 429, 204], [ConnectionRefusedError("refused"), OSError("reset"), 204]):
            with self.subTest(steps=steps):
                sender, calls, sleeps, failures = harness(steps)
                sender.send(TARGET, b"{}")
                sender.flush(2)
                self.assertEqual((len(calls), sleeps, failures), (3, [0.1, 0.5], []))

    def test_gives_up_after_three_tries(self):
        sender, calls, _, failures = harness([500, 502, 503, 204])
        sender.send(TARGET, b"{}")
        sender.flush(2)
        self.assertEqual((len(calls), failures), (3, ["HTTP 503"]))

    def test_a_permanent_4xx_is_not_retried(self):
        sender, calls, sleeps, failures = harness([404])
        sender.send(TARGET, b"{}")
        sender.flush(2)
        self.assertEqual((len(calls), sleeps, failures), (1, [], ["HTTP 404"]))

    def test_send_does_not_wait_for_delivery(self):
        gate = threading.Event()
        delivered = []

        def poster(url, body, headers, timeout):
            gate.wait(2)
            delivered.append(url)
            return 204

        sender = CallbackSender(lambda t, p: None, poster=poster)
        sender.send(TARGET, b"{}")
        self.assertEqual(delivered, [])
        gate.set()
        sender.flush(2)
        self.assertEqual(len(delivered), 1)


if __name__ == "__main__":
    unittest.main()
