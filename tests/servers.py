"""A real `auditor serve` process on 127.0.0.1 for the tests that need an HTTP server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Server:
    base: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)


def start_server(*extra: str) -> Server:
    process = subprocess.Popen(
        [sys.executable, "-m", "auditor.serve", "--port", "0", "--log-level", "info", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()
    found: list[str] = []

    def read() -> None:  # drains the pipe for the whole run so the server never blocks on it
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            match = re.search(r"listening on (http://\S+)/v1", line)
            if match:
                found.append(match.group(1))
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(60) or not found:
        process.kill()
        raise RuntimeError("auditor serve did not start:\n" + "".join(lines))
    server = Server(found[0], process, lines)
    status, body = call(server.base, "/health")
    assert status == 200 and body["status"] == "ok"
    return server


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def call(base: str, path: str, body: object = None, method: str | None = None) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
