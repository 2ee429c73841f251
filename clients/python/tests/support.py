"""Test support: a live control plane (``bun src/main.ts``, as ``npm start`` runs it, on free ports)
and a tiny POOL pod on the standard library's HTTP server, so the client is tested end to end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def _bun() -> str:
    local = REPO / "node_modules" / ".bin" / "bun"
    found = str(local) if local.exists() else shutil.which("bun")
    if not found:
        raise RuntimeError("bun not found: run `npm install` in the repository (it installs Bun)")
    return found


class ControlPlane:
    """``bun src/main.ts`` with no backend, memory store, API on a free port; ``url`` once started.
    ``extra_env`` adds settings (e.g. NANOFAAS_AUTH and a keys file)."""

    def __init__(self, extra_env: dict[str, str] | None = None) -> None:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/tmp"),
            "NANOFAAS_DEPLOYMENT_BACKEND": "none",
            "NANOFAAS_BIND_HOST": "127.0.0.1",
            "NANOFAAS_STORE": "memory",
            "SERVER_PORT": "0",
            "MANAGEMENT_SERVER_PORT": "0",
            **(extra_env or {}),
        }
        self.process = subprocess.Popen(
            [_bun(), "src/main.ts"],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output: list[str] = []
        self._started = threading.Event()
        self._api = ""
        # One reader for the whole life of the process, so a full pipe never blocks the control plane.
        threading.Thread(target=self._read, daemon=True).start()
        if not self._started.wait(timeout=30):
            self.stop()
            raise RuntimeError("the control plane did not start:\n" + "".join(self.output[-20:]))
        self.url = self._api

    def _read(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("msg") == "started":
                self._api = str(record["api"]).rstrip("/")
                self._started.set()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Pod:
    """A POOL pod: answers ``{"echo": input, "trace": X-Trace-Id}``; ``{"fail": msg}`` is a 500 error
    in the pod contract's shape; ``{"sleep": s}`` answers after s seconds."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))) or b"null")
                value = body.get("input") if isinstance(body, dict) else None
                if isinstance(value, dict) and "sleep" in value:
                    time.sleep(float(value["sleep"]))
                if isinstance(value, dict) and "fail" in value:
                    self._send(500, {"error": {"code": "POD_SAYS_NO", "message": str(value["fail"])}})
                else:
                    self._send(200, {"echo": value, "trace": self.headers.get("x-trace-id")})

            def _send(self, status: int, payload: object) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/invoke"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
