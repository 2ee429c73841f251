"""Hosts a Runtime on ThreadingHTTPServer (HTTP/1.1 keep-alive, one thread per connection)."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from .runtime import Runtime, error_response


class PodServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops connection bursts

    def __init__(self, address, runtime: Runtime):
        super().__init__(address, _RequestHandler)
        self.runtime = runtime
        self._active = 0
        self._idle = threading.Condition()

    def enter(self) -> None:
        with self._idle:
            self._active += 1

    def leave(self) -> None:
        with self._idle:
            self._active -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout_s: float) -> bool:
        """Waits until no request is being handled (responses fully written)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._active == 0, timeout_s)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the control plane reuses connections
    server_version = "nanofaas-python"
    # Headers and body leave in two writes; with Nagle on, the second waits ~40 ms for an ACK.
    disable_nagle_algorithm = True
    server: PodServer

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self) -> None:
        # Counted from first byte read to last byte written, so shutdown never cuts a response.
        self.server.enter()
        try:
            try:
                raw = self._read_body()
            except ValueError:
                status, headers, body = error_response(400, "BAD_REQUEST", "Malformed request body", Connection="close")
            else:
                path = urlsplit(self.path).path
                status, headers, body = self.server.runtime.handle(self.command, path, self.headers, raw)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
            if headers.get("Connection") == "close":
                self.close_connection = True
        finally:
            self.server.leave()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _dispatch

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # access logs would drown the JSON lines handlers write
