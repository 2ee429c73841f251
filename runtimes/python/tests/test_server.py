"""The runtime behind a real ThreadingHTTPServer on an ephemeral port, in this process."""

import http.client
import json
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

from nanofaas_runtime import FunctionError
from nanofaas_runtime.runtime import Runtime
from nanofaas_runtime.server import PodServer
from nanofaas_runtime.settings import load_settings


def handler(input, ctx):
    if input == "fail-first" and ctx.is_cold_start:
        raise FunctionError("FIRST", "the first call fails")
    if input == "fail":
        raise FunctionError("X", "x")
    if input == "slow":
        time.sleep(0.3)
    if input == "log":
        ctx.logger.info("inside", n=1)
    return input


class ServerTest(unittest.TestCase):
    def start(self, env=None):
        self.lines = []
        self.runtime = Runtime(handler, load_settings(env or {}), 12.6, self.lines.append)
        self.server = PodServer(("127.0.0.1", 0), self.runtime)
        thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        thread.start()

        def stop():
            self.server.shutdown()
            self.server.server_close()
            thread.join(2)
            self.assertFalse(thread.is_alive())

        self.addCleanup(stop)

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.server_address[1], timeout=5)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def invoke(self, value, headers=None):
        return self.request("POST", "/invoke", json.dumps({"input": value}), {"X-Execution-Id": "e1", **(headers or {})})

    def test_exactly_one_concurrent_success_carries_the_cold_start_headers(self):
        self.start()
        status, headers, _ = self.invoke("fail-first")
        self.assertEqual(status, 500)
        self.assertNotIn("X-Cold-Start", headers)
        with ThreadPoolExecutor(10) as pool:
            replies = list(pool.map(lambda i: self.invoke(i), range(10)))
        self.assertTrue(all(status == 200 for status, _, _ in replies))
        cold = [headers for _, headers, _ in replies if "X-Cold-Start" in headers]
        self.assertEqual(len(cold), 1)
        self.assertEqual((cold[0]["X-Cold-Start"], cold[0]["X-Init-Duration-Ms"]), ("true", "13"))

    def test_keep_alive_connections_serve_several_requests(self):
        self.start()
        conn = http.client.HTTPConnection("127.0.0.1", self.server.server_address[1], timeout=5)
        self.addCleanup(conn.close)
        for n in range(3):
            conn.request("POST", "/invoke", json.dumps({"input": n}), {"X-Execution-Id": f"e{n}"})
            response = conn.getresponse()
            self.assertEqual(response.read(), str(n).encode())

    def test_deeply_nested_input_is_a_400_not_a_reset_connection(self):
        self.start()
        deep = b'{"input":' + b"[" * 10_000 + b"]" * 10_000 + b"}"
        status, _, body = self.request("POST", "/invoke", deep, {"X-Execution-Id": "e1"})
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["error"]["code"], "INVALID_JSON")
        self.assertEqual(self.invoke("still serving")[0], 200)

    def test_chunked_request_bodies_are_read(self):
        self.start()
        conn = http.client.HTTPConnection("127.0.0.1", self.server.server_address[1], timeout=5)
        self.addCleanup(conn.close)
        conn.request("POST", "/invoke", body=iter([b'{"input":', b'"chunked"}']), headers={"X-Execution-Id": "e1"},
                     encode_chunked=True)
        self.assertEqual(conn.getresponse().read(), b'"chunked"')

    def test_metrics_count_successes_failures_and_timeouts(self):
        self.start({"TIMEOUT_MS": "50"})
        self.invoke("ok")
        self.invoke("fail")
        self.assertEqual(self.invoke("slow")[0], 504)
        _, headers, body = self.request("GET", "/metrics")
        text = body.decode()
        self.assertTrue(headers["Content-Type"].startswith("text/plain"))
        for line in ['runtime_invocations_total{success="true"} 1', 'runtime_invocations_total{success="false"} 2',
                     "runtime_timeouts_total 1", "runtime_in_flight 0"]:
            self.assertIn(line, text)

    def test_logger_lines_carry_the_ids(self):
        self.start({"FUNCTION_NAME": "fn"})
        self.invoke("log", {"X-Trace-Id": "t9"})
        entries = [json.loads(line) for line in self.lines]
        self.assertIn({"message": "inside", "n": 1, "executionId": "e1", "traceId": "t9", "function": "fn"},
                      [{k: e[k] for k in ("message", "n", "executionId", "traceId", "function") if k in e} for e in entries])

    def test_while_draining_a_request_is_served_on_a_closing_connection(self):
        self.start()
        self.runtime.draining = True
        status, headers, body = self.invoke(1)
        self.assertEqual((status, headers.get("Connection"), body), (200, "close", b"1"))
        self.assertEqual(self.request("GET", "/health")[0], 503)

    def test_drain_closes_idle_connections_and_waits_for_busy_ones(self):
        self.start()
        port = self.server.server_address[1]
        idle = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        self.addCleanup(idle.close)
        idle.request("POST", "/invoke", json.dumps({"input": 0}), {"X-Execution-Id": "e0"})
        idle.getresponse().read()  # now an idle keep-alive connection
        busy = ThreadPoolExecutor(1)
        self.addCleanup(busy.shutdown)
        slow = busy.submit(self.invoke, "slow")
        time.sleep(0.1)
        self.runtime.draining = True
        started = time.monotonic()
        self.assertTrue(self.server.drain(2))
        self.assertGreater(time.monotonic() - started, 0.1)  # waited for the slow request
        self.assertEqual(slow.result(2)[0], 200)

    def test_unknown_routes_are_json_404(self):
        self.start()
        for method, path in [("GET", "/invoke"), ("POST", "/health"), ("GET", "/")]:
            with self.subTest(method=method, path=path):
                status, _, body = self.request(method, path)
                self.assertEqual((status, json.loads(body)),
                                 (404, {"error": {"code": "NOT_FOUND", "message": "Endpoint not found"}}))


if __name__ == "__main__":
    unittest.main()
