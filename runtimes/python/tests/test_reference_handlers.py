"""Handlers written for the reference's Python runtimes run unchanged (issue 15.6).

The handler files below follow the reference's documented styles: the SDK's
`from nanofaas import nanofaas_function` + `def handle(input_data)` (also async, and under another
name), the older runtime's `handle(request)` receiving the whole request, and the SDK's context.
"""

import atexit
import os
import shutil
import tempfile
import textwrap
import unittest

from nanofaas_runtime.invoke import Context, Failure, Success, run_with_deadline
from nanofaas_runtime.loader import load_handler
from nanofaas_runtime.logger import Logger


def write_handler(source: str) -> str:
    directory = tempfile.mkdtemp(prefix="nanofaas-ref-")
    atexit.register(shutil.rmtree, directory, True)
    path = os.path.join(directory, "handler.py")
    with open(path, "w") as f:
        f.write(textwrap.dedent(source))
    return path


def invoke(path: str, value, metadata=None):
    handler = load_handler(path)
    ctx = Context("exec-7", "trace-7", metadata or {}, Logger(lambda line: None), False, 1000)
    return run_with_deadline(handler, value, ctx, 1000)


class ReferenceSdkHandlerTest(unittest.TestCase):
    def test_decorated_handle_receives_only_the_input(self):
        path = write_handler('''
            from nanofaas import nanofaas_function

            @nanofaas_function
            def handle(input_data):
                words = input_data["text"].split()
                return {"wordCount": len(words), "averageWordLength": sum(map(len, words)) / len(words)}
        ''')
        self.assertEqual(invoke(path, {"text": "hello world"}), Success(b'{"wordCount":2,"averageWordLength":5.0}'))

    def test_the_decorated_function_wins_whatever_its_name(self):
        path = write_handler('''
            from nanofaas import nanofaas_function

            def handle(input, ctx):
                return "not me"

            @nanofaas_function()
            def transform(input_data):
                return [input_data, "decorated"]
        ''')
        self.assertEqual(invoke(path, 1), Success(b'[1,"decorated"]'))

    def test_async_decorated_handler(self):
        path = write_handler('''
            from nanofaas import nanofaas_function

            @nanofaas_function
            async def handle(input_data):
                return {"echo": input_data}
        ''')
        self.assertEqual(invoke(path, None), Success(b'{"echo":null}'))

    def test_sdk_context_carries_the_ids(self):
        path = write_handler('''
            from nanofaas import context, nanofaas_function

            @nanofaas_function
            def handle(input_data):
                context.get_logger(__name__).info("seen")
                return [context.get_execution_id(), context.get_trace_id()]
        ''')
        self.assertEqual(invoke(path, {}), Success(b'["exec-7","trace-7"]'))

    def test_exceptions_are_handler_errors(self):
        path = write_handler('''
            from nanofaas import nanofaas_function

            @nanofaas_function
            def handle(input_data):
                raise ValueError("bad input")
        ''')
        self.assertEqual(invoke(path, {}), Failure(500, "HANDLER_ERROR", "bad input"))


class OlderRuntimeHandlerTest(unittest.TestCase):
    def test_handle_request_receives_the_whole_request(self):
        path = write_handler('''
            def handle(request):
                return {"input": request["input"], "source": request["metadata"].get("source")}
        ''')
        self.assertEqual(invoke(path, {"n": 1}, {"source": "job"}), Success(b'{"input":{"n":1},"source":"job"}'))

    def test_our_two_argument_style_is_unchanged(self):
        path = write_handler('''
            def handle(input, ctx):
                return [input, ctx.execution_id]
        ''')
        self.assertEqual(invoke(path, 2), Success(b'[2,"exec-7"]'))

    def test_a_plain_one_argument_handle_gets_the_input(self):
        path = write_handler('''
            def handle(data):
                return data * 2
        ''')
        self.assertEqual(invoke(path, 21), Success(b"42"))


if __name__ == "__main__":
    unittest.main()
