import threading
import time
import unittest

from nanofaas_runtime import FunctionError
from nanofaas_runtime.invoke import Context, Failure, Success, run_with_deadline
from nanofaas_runtime.logger import Logger


def context(timeout_ms=1000):
    return Context("e1", None, {}, Logger(lambda line: None), False, timeout_ms)


def run(handler, timeout_ms=1000):
    return run_with_deadline(handler, {"x": 1}, context(timeout_ms), timeout_ms)


class RunWithDeadlineTest(unittest.TestCase):
    def test_non_dict_values_are_not_wrapped(self):
        for value, body in [({"a": [1, "é"]}, '{"a":[1,"é"]}'), ("text", '"text"'), (None, "null"), (3, "3"), ([1], "[1]")]:
            with self.subTest(value=value):
                self.assertEqual(run(lambda _input, _ctx, v=value: v), Success(body.encode()))

    def test_the_handler_receives_input_and_context(self):
        self.assertEqual(run(lambda input, ctx: [input, ctx.execution_id]), Success(b'[{"x":1},"e1"]'))

    def test_async_handlers_are_awaited(self):
        async def handler(input, ctx):
            return "async"

        self.assertEqual(run(handler), Success(b'"async"'))

    def test_function_error_keeps_its_code(self):
        def handler(_input, _ctx):
            raise FunctionError("BAD_INPUT", "nope")

        self.assertEqual(run(handler), Failure(500, "BAD_INPUT", "nope"))

    def test_other_exceptions_are_handler_error(self):
        def handler(_input, _ctx):
            raise KeyError("missing")

        self.assertEqual(run(handler), Failure(500, "HANDLER_ERROR", "'missing'"))

    def test_unserialisable_output_is_invalid_output(self):
        outcome = run(lambda _i, _c: {"when": object()})
        self.assertEqual((outcome.status, outcome.code), (500, "INVALID_OUTPUT"))

    def test_deadline_answers_504_and_sets_cancelled(self):
        ctx = context(50)
        observed = threading.Event()

        def handler(_input, c):
            c.cancelled.wait(2)
            observed.set()

        started = time.monotonic()
        outcome = run_with_deadline(handler, None, ctx, 50)
        self.assertLess(time.monotonic() - started, 0.5)
        self.assertEqual((outcome.status, outcome.code), (504, "HANDLER_TIMEOUT"))
        self.assertTrue(ctx.cancelled.is_set())
        self.assertTrue(observed.wait(1), "the handler saw ctx.cancelled and returned")


if __name__ == "__main__":
    unittest.main()
