"""Hosts a Runtime on ThreadingHTTPServer (HTTP/1.1 keep-alive, one thread per connection).

Shutdown needs to know, per connection, whether a request is in progress: idle keep-alive
connections are closed at once, busy ones finish their request and then close.
"""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict
from urllib.parse import urlsplit

from .runtime import Runtime, error_response


class PodServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops connection bursts

    def __init__(self, address, runtime: Runtime):
        super().__init__(address, _RequestHandler)
        self.runtime = runtime
        self._connections: Dict[socket.socket, bool] = {}  # connection -> a request is in progress
        self._changed = threading.Condition()

    # Registered in the accept loop, before the connection's thread starts, so that a connection
    # accepted just before shutdown is never missed.
    def process_request(self, request, client_address):
        with self._changed:
            self._connections[request] = False
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._changed:
            self._connections.pop(request, None)
            self._changed.notify_all()
        super().shutdown_request(request)

    def set_busy(self, request, busy: bool) -> None:
        with self._changed:
            if request in self._connections:
                self._connections[request] = busy
            self._changed.notify_all()

    def drain(self, timeout_s: float) -> bool:
        """Closes idle connections and waits for busy ones to finish; False on timeout."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while self._connections:
                for connection, busy in list(self._connections.items()):
                    if not busy:
                        try:
                            connection.shutdown(socket.SHUT_RD)  # wakes the thread waiting to read
                        except OSError:
                            pass
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(min(remaining, 0.05))
        return True


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the control plane reuses connections
    server_version = "nanofaas-python"
    # Headers and body leave in two writes; with Nagle on, the second waits ~40 ms for an ACK.
    disable_nagle_algorithm = True
    server: PodServer

    def handle_one_request(self) -> None:
        try:
            waiting = self.rfile.peek(1)  # idle until the next request starts to arrive, or EOF
        except OSError:
            waiting = b""
        if not waiting:
            self.close_connection = True
            return
        self.server.set_busy(self.request, True)
        try:
            super().handle_one_request()
        finally:
            self.server.set_busy(self.request, False)

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
        try:
            raw = self._read_body()
        except ValueError:
            status, headers, body = error_response(400, "BAD_REQUEST", "Malformed request body", Connection="close")
        else:
            path = urlsplit(self.path).path
            status, headers, body = self.server.runtime.handle(self.command, path, self.headers, raw)
        if self.server.runtime.draining:
            headers = {**headers, "Connection": "close"}  # finish this request, take no more
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        if headers.get("Connection") == "close":
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _dispatch

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # access logs would drown the JSON lines handlers write
