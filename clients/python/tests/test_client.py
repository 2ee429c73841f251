"""nanofaas_client against a live control plane (``bun src/main.ts``) and a real POOL pod."""

from __future__ import annotations

import socket
import unittest
import uuid

from nanofaas_client import (
    COVERED_OPERATIONS,
    BackpressureError,
    ConflictError,
    NanofaasClient,
    NanofaasConnectionError,
    NanofaasError,
    NotFoundError,
    WaitTimeout,
)

from .support import ControlPlane, Pod


def setUpModule() -> None:
    global control_plane, pod
    pod = Pod()
    try:
        control_plane = ControlPlane()
    except BaseException:
        pod.stop()
        raise


def tearDownModule() -> None:
    control_plane.stop()
    pod.stop()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class ClientTest(unittest.TestCase):
    def setUp(self) -> None:
        self.client = NanofaasClient(control_plane.url + "/")
        self.name = unique("echo")
        self.client.register_function({"name": self.name, "executionMode": "POOL", "endpointUrl": pod.url})

    def tearDown(self) -> None:
        try:
            self.client.delete_function(self.name)
        except NotFoundError:
            pass

    def test_functions_crud(self) -> None:
        self.assertIn(self.name, [f["name"] for f in self.client.list_functions()])
        got = self.client.get_function(self.name)
        self.assertEqual((got["name"], got["endpointUrl"]), (self.name, pod.url))
        with self.assertRaises(ConflictError) as taken:
            self.client.register_function({"name": self.name, "executionMode": "POOL", "endpointUrl": pod.url})
        self.assertEqual((taken.exception.status, taken.exception.code), (409, "CONFLICT"))
        self.assertIsNone(self.client.delete_function(self.name))
        with self.assertRaises(NotFoundError) as gone:
            self.client.get_function(self.name)
        self.assertEqual((gone.exception.status, gone.exception.code), (404, "NOT_FOUND"))

    def test_invoke_returns_the_output_and_sends_the_headers(self) -> None:
        result = self.client.invoke(self.name, {"n": [1, "two", None]}, trace_id="trace-py-1", timeout_ms=5000)
        self.assertEqual(result["status"], "success")
        self.assertEqual(result["output"], {"echo": {"n": [1, "two", None]}, "trace": "trace-py-1"})
        self.assertTrue(result["executionId"])

    def test_an_idempotency_key_returns_the_first_outcome(self) -> None:
        key = unique("key")
        first = self.client.invoke(self.name, {"n": 1}, idempotency_key=key)
        again = self.client.invoke(self.name, {"n": 1}, idempotency_key=key)
        self.assertEqual(again["executionId"], first["executionId"])

    def test_a_failing_function_is_an_outcome_not_an_exception(self) -> None:
        result = self.client.invoke(self.name, {"fail": "no thanks"})
        self.assertEqual(result["status"], "error")
        self.assertIsInstance(result["error"]["code"], str)  # the control plane's code for a failed pod call

    def test_enqueue_then_wait(self) -> None:
        queued = self.client.enqueue(self.name, {"sleep": 0.2}, metadata={"tenant": "t1"})
        self.assertIn(queued["status"], ("queued", "running"))
        done = self.client.wait(queued["executionId"], timeout=20)
        self.assertEqual(done["status"], "success")
        self.assertEqual(done["output"]["echo"], {"sleep": 0.2})
        self.assertEqual(self.client.get_execution(queued["executionId"])["status"], "success")

    def test_wait_gives_up_with_what_it_saw(self) -> None:
        queued = self.client.enqueue(self.name, {"sleep": 2})
        with self.assertRaises(WaitTimeout) as waited:
            self.client.wait(queued["executionId"], timeout=0.3, interval=0.05)
        self.assertIn(waited.exception.last["status"], ("queued", "running"))

    def test_bad_input_is_the_error_envelope_with_its_details(self) -> None:
        with self.assertRaises(NanofaasError) as bad:
            self.client.register_function({"name": "Not A Valid Name!", "executionMode": "LOCAL"})
        self.assertEqual((bad.exception.status, bad.exception.code), (400, "VALIDATION_ERROR"))
        self.assertTrue(bad.exception.message)
        self.assertTrue(any("name" in d for d in bad.exception.details), bad.exception.details)

    def test_unknown_function_and_execution_are_not_found(self) -> None:
        with self.assertRaises(NotFoundError):
            self.client.invoke(unique("missing"), 1)
        with self.assertRaises(NotFoundError):
            self.client.get_execution("no-such-execution")

    def test_429_says_when_to_retry(self) -> None:
        limited = unique("limited")
        self.client.register_function(
            {"name": limited, "executionMode": "POOL", "endpointUrl": pod.url, "rateLimitPerSecond": 1}
        )
        try:
            with self.assertRaises(BackpressureError) as refused:
                for _ in range(5):
                    self.client.invoke(limited, 1)
            error = refused.exception
            self.assertEqual((error.status, error.code, error.reason), (429, "RATE_LIMITED", "rate"))
            self.assertIsNotNone(error.retry_after)
            self.assertGreater(error.retry_after, 0)
        finally:
            self.client.delete_function(limited)


class WithoutServerTest(unittest.TestCase):
    def test_an_unreachable_control_plane_is_a_connection_error(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with self.assertRaises(NanofaasConnectionError) as unreachable:
            NanofaasClient(f"http://127.0.0.1:{port}", timeout=5).list_functions()
        self.assertIn(f"127.0.0.1:{port}", str(unreachable.exception))

    def test_the_base_url_must_be_http(self) -> None:
        for bad in ("ftp://example.com", "localhost:8080", "file:///etc/passwd"):
            with self.assertRaises(ValueError):
                NanofaasClient(bad)

    def test_it_covers_what_it_says(self) -> None:
        self.assertEqual(
            set(COVERED_OPERATIONS),
            {
                "listFunctions",
                "registerFunction",
                "getFunction",
                "deleteFunction",
                "invokeFunction",
                "enqueueInvocation",
                "getExecution",
            },
        )


if __name__ == "__main__":
    unittest.main()
