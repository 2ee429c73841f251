import unittest

from nanofaas_runtime.contract import callback_url_for
from nanofaas_runtime.request import BodyError, Invocation, Rejection, parse_body, parse_invocation, trace_id_of
from nanofaas_runtime.settings import SettingsError, load_settings

NO_FALLBACKS = load_settings({})


class ParseBodyTest(unittest.TestCase):
    def test_accepted_bodies(self):
        cases = [
            (b'{"input":{"a":1},"metadata":{"k":"v"}}', ({"a": 1}, {"k": "v"})),
            (b'{"input":"text"}', ("text", {})),
            (b'{"input":null,"metadata":null}', (None, {})),
            (b'{"metadata":{}}', (None, {})),
            (b"", (None, {})),
            (b" \r\n\t", (None, {})),
            (b'\xef\xbb\xbf{"input":1}', (1, {})),  # a UTF-8 BOM is dropped, as Request.text() does
        ]
        for raw, expected in cases:
            with self.subTest(raw=raw):
                self.assertEqual(parse_body(raw), expected)

    def test_rejected_bodies(self):
        cases = [
            (b'{"input": ', "INVALID_JSON"),
            (b'{"input": NaN}', "INVALID_JSON"),
            (b"[1,2]", "INVALID_REQUEST"),
            (b'"just a string"', "INVALID_REQUEST"),
            (b"null", "INVALID_REQUEST"),
            (b'{"input":1,"metadata":{"n":1}}', "INVALID_REQUEST"),
            (b'{"input":1,"metadata":["a"]}', "INVALID_REQUEST"),
            (b'{"input":' + b"[" * 10_000 + b"]" * 10_000 + b"}", "INVALID_JSON"),  # not a RecursionError
            (b'{"input":' + b"[" * 10_000 + b"}", "INVALID_JSON"),
        ]
        for raw, code in cases:
            with self.subTest(raw=raw):
                result = parse_body(raw)
                self.assertIsInstance(result, BodyError)
                self.assertEqual(result.code, code)


class ParseInvocationTest(unittest.TestCase):
    def test_header_ids_win_and_callback_comes_from_the_header(self):
        settings = load_settings({"EXECUTION_ID": "env", "TRACE_ID": "env-trace", "CALLBACK_URL": "http://env/cb"})
        headers = {"X-Execution-Id": " h1 ", "X-Dispatch-Attempt": "2", "X-Callback-Url": "http://hdr/cb",
                   "X-Callback-Token": "tok-2"}
        result = parse_invocation(headers, b'{"input":1}', settings)
        self.assertIsInstance(result, Invocation)
        ids = result.ids
        self.assertEqual((ids.execution_id, ids.trace_id, ids.attempt, ids.callback_base, ids.callback_token),
                         ("h1", "env-trace", "2", "http://hdr/cb", "tok-2"))

    def test_execution_id_falls_back_to_the_environment(self):
        result = parse_invocation({}, b'{"input":1}', load_settings({"EXECUTION_ID": "env"}))
        self.assertEqual(result.ids.execution_id, "env")

    def test_no_execution_id_is_rejected_with_nothing_to_call_back(self):
        result = parse_invocation({"X-Execution-Id": "  "}, b'{"input":1}', NO_FALLBACKS)
        self.assertEqual(result, Rejection("EXECUTION_ID_REQUIRED", "Execution ID required", None))

    def test_a_bad_body_keeps_the_ids_for_the_callback(self):
        result = parse_invocation({"X-Execution-Id": "e1"}, b"{", NO_FALLBACKS)
        self.assertEqual((result.code, result.ids.execution_id), ("INVALID_JSON", "e1"))

    def test_trace_id_precedence(self):
        traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        self.assertEqual(trace_id_of({"X-Trace-Id": "t1", "traceparent": traceparent}, "env"), "t1")
        self.assertEqual(trace_id_of({"traceparent": traceparent}, "env"), "4bf92f3577b34da6a3ce929d0e0e4736")
        self.assertEqual(trace_id_of({"traceparent": "junk"}, "env"), "env")


class SettingsTest(unittest.TestCase):
    def test_defaults(self):
        settings = load_settings({})
        self.assertEqual((settings.port, settings.timeout_ms, settings.callback_url), (8080, 30000, None))

    def test_bad_values_name_the_variable(self):
        for name, value in [("PORT", "http"), ("PORT", "70000"), ("TIMEOUT_MS", "0"), ("TIMEOUT_MS", "1.5"),
                            ("CALLBACK_URL", "control-plane/cb")]:
            with self.subTest(name=name, value=value):
                with self.assertRaisesRegex(SettingsError, name):
                    load_settings({name: value})


class CallbackUrlTest(unittest.TestCase):
    def test_appends_the_encoded_id_like_encode_uri_component(self):
        self.assertEqual(callback_url_for("http://cp/x/", "a/b c!"), "http://cp/x/a%2Fb%20c!:complete")
        self.assertEqual(callback_url_for("http://cp/x/e1:complete", "other"), "http://cp/x/e1:complete")


if __name__ == "__main__":
    unittest.main()
