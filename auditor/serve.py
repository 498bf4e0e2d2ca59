"""``auditor serve``: an OpenAI-compatible embeddings endpoint over the built-in model.

A team without GPUs can run one warm copy of the model and point every ``auditor`` at it
(``backend = "openai"``); any OpenAI client can use it too. The HTTP side is starlette on
uvicorn; the model side is one worker thread that merges whatever requests are waiting into a
single ``embed_documents`` call, so the ONNX session is never entered from two threads and
concurrent clients share batches.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import math
import queue
import socket
import sys
import threading
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import Future
from contextlib import asynccontextmanager
from dataclasses import dataclass

import numpy as np

from auditor.embed.base import Embedder, Vectors, normalize
from auditor.embed.local import LocalEmbedder
from auditor.model import AuditorError

try:
    import uvicorn
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route
except ImportError as exc:  # the optional extra is not installed
    raise AuditorError(
        "auditor serve needs the 'serve' extra: pip install 'auditor[serve]'"
    ) from exc

MAX_MERGED = 512  # texts per merged model call: enough to fill the padded batches, bounded latency
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")


@dataclass
class _Job:
    texts: list[str]
    future: Future[Vectors]


class _Batcher:
    """The one thread that calls the embedder, merging queued requests into one call."""

    def __init__(self, embedder: Embedder, max_batch: int = MAX_MERGED) -> None:
        self._embedder = embedder
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.requests = 0  # counters for /health; written by the worker thread only
        self.batches = 0

    def submit(self, texts: list[str]) -> Future[Vectors]:
        # Started on first use rather than in the lifespan, so the app also works under a server
        # or test client that skips lifespan events.
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="auditor-serve", daemon=True)
                self._thread.start()
        future: Future[Vectors] = Future()
        self._queue.put(_Job(texts, future))
        return future

    def stop(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=30)

    def _run(self) -> None:
        carry: _Job | None = None
        while True:
            job = carry if carry is not None else self._queue.get()
            carry = None
            if job is None:
                return
            jobs, total, stopping = [job], len(job.texts), False
            while total < self._max_batch:
                try:
                    waiting = self._queue.get_nowait()
                except queue.Empty:
                    break
                if waiting is None:
                    stopping = True
                    break
                if total + len(waiting.texts) > self._max_batch:
                    carry = waiting  # it opens the next call instead
                    break
                jobs.append(waiting)
                total += len(waiting.texts)
            self._embed(jobs)
            if stopping:
                return

    def _embed(self, jobs: list[_Job]) -> None:
        live = [job for job in jobs if job.future.set_running_or_notify_cancel()]
        if not live:
            return
        texts = [text for job in live for text in job.texts]
        try:
            vectors = self._embedder.embed_documents(texts)
        except Exception as exc:  # handed to every waiting request, which answers 500
            for job in live:
                job.future.set_exception(exc)
            return
        self.requests += len(live)
        self.batches += 1
        start = 0
        for job in live:
            job.future.set_result(vectors[start : start + len(job.texts)])
            start += len(job.texts)


def _error(
    status: int, message: str, *, param: str | None = None, code: str | None = None
) -> Response:
    kind = "server_error" if status >= 500 else "invalid_request_error"
    body = {"error": {"message": message, "type": kind, "param": param, "code": code}}
    return JSONResponse(body, status_code=status)


class _Invalid(Exception):
    """A request auditor will not embed; carries the OpenAI-style error it answers with."""

    def __init__(self, status: int, message: str, param: str | None, code: str | None) -> None:
        super().__init__(message)
        self.response = _error(status, message, param=param, code=code)


def _estimate_tokens(text: str) -> int:
    # The Embedder seam hides the tokenizer; ~4 characters a token is the usual estimate and
    # usage is informational only.
    return max(1, math.ceil(len(text) / 4))


def build_app(
    embedder: Embedder, *, max_inputs: int = 2048, max_input_chars: int = 100_000
) -> Starlette:
    """The starlette app: POST /v1/embeddings, GET /v1/models, GET /health."""
    if max_inputs < 1 or max_input_chars < 1:
        raise AuditorError("max_inputs and max_input_chars must be at least 1")
    model_id = embedder.model_id
    names = {model_id, model_id.rsplit("/", 1)[-1]}
    full = embedder.dimensions
    batcher = _Batcher(embedder)

    def parse(body: object) -> tuple[list[str], str, int]:
        if not isinstance(body, dict):
            raise _Invalid(400, "the request body must be a JSON object", None, None)
        model = body.get("model", model_id)
        if model not in names:
            served = f"this server has {model_id!r} (GET /v1/models)"
            raise _Invalid(
                404, f"the model {model!r} does not exist; {served}", "model", "model_not_found"
            )
        raw = body.get("input")
        if raw is None:
            raise _Invalid(400, "'input' is required", "input", "missing_required_parameter")
        texts = [raw] if isinstance(raw, str) else raw
        if not isinstance(texts, list) or not all(isinstance(text, str) for text in texts):
            what = "token arrays are not supported" if isinstance(raw, list) else "wrong type"
            message = f"'input' must be a string or a list of strings ({what})"
            raise _Invalid(400, message, "input", "invalid_type")
        if not texts:
            raise _Invalid(400, "'input' must not be an empty list", "input", "invalid_value")
        if len(texts) > max_inputs:
            message = f"too many inputs: {len(texts)}; this server takes at most {max_inputs}"
            raise _Invalid(413, message, "input", "too_many_inputs")
        for number, text in enumerate(texts):
            if len(text) > max_input_chars:
                message = (
                    f"input[{number}] is {len(text)} characters; this server takes at most "
                    f"{max_input_chars}"
                )
                raise _Invalid(413, message, "input", "input_too_long")
        encoding = body.get("encoding_format") or "float"
        if encoding not in ("float", "base64"):
            message = f'\'encoding_format\' must be "float" or "base64", not {encoding!r}'
            raise _Invalid(400, message, "encoding_format", "invalid_value")
        dimensions = body.get("dimensions")
        if dimensions is None:
            dimensions = full
        if not isinstance(dimensions, int) or isinstance(dimensions, bool) or dimensions < 1:
            message = "'dimensions' must be a positive integer"
            raise _Invalid(400, message, "dimensions", "invalid_value")
        if dimensions > full:
            message = f"'dimensions' is {dimensions}; {model_id} has {full}"
            raise _Invalid(400, message, "dimensions", "invalid_value")
        return texts, encoding, dimensions

    async def embeddings(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:  # JSONDecodeError and UnicodeDecodeError both
            return _error(400, "the request body is not valid JSON")
        try:
            texts, encoding, dimensions = parse(body)
        except _Invalid as invalid:
            return invalid.response
        try:
            vectors = await asyncio.wrap_future(batcher.submit(texts))
        except Exception as exc:
            return _error(500, f"embedding failed: {' '.join(str(exc).split())}")
        if dimensions < full:  # Matryoshka-style cut, as OpenAI's `dimensions` does
            vectors = normalize(np.ascontiguousarray(vectors[:, :dimensions]))
        data: list[dict[str, object]] = []
        for index, row in enumerate(vectors):
            embedding: object
            if encoding == "base64":
                embedding = base64.b64encode(row.astype("<f4").tobytes()).decode("ascii")
            else:
                embedding = row.tolist()
            data.append({"object": "embedding", "index": index, "embedding": embedding})
        tokens = sum(_estimate_tokens(text) for text in texts)
        return JSONResponse(
            {
                "object": "list",
                "data": data,
                "model": model_id,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            }
        )

    async def models(request: Request) -> Response:
        entry = {"id": model_id, "object": "model", "created": 0, "owned_by": "auditor"}
        return JSONResponse({"object": "list", "data": [entry]})

    async def health(request: Request) -> Response:
        stats = {"requests": batcher.requests, "batches": batcher.batches}
        return JSONResponse({"status": "ok", "model": model_id, "dimensions": full, **stats})

    async def http_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            return _error(exc.status_code, f"{request.method} {request.url.path}: {exc.detail}")
        return _error(500, "internal error")

    async def internal_error(request: Request, exc: Exception) -> Response:
        # Never a traceback to the client; the server's own log has it.
        return _error(500, f"internal error: {type(exc).__name__}")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await asyncio.to_thread(batcher.stop)

    return Starlette(
        routes=[
            Route("/v1/embeddings", embeddings, methods=["POST"]),
            Route("/v1/models", models, methods=["GET"]),
            Route("/health", health, methods=["GET"]),
        ],
        exception_handlers={HTTPException: http_error, Exception: internal_error},
        lifespan=lifespan,
    )


def _listen(host: str, port: int) -> socket.socket:
    # Bound here rather than by uvicorn so that --port 0 works: the ready line names the port
    # the kernel chose, and a port in use is a one-line AuditorError instead of a log record.
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise AuditorError(
            f"cannot listen on {host}:{port}: {reason}; choose another --port or --host"
        ) from exc
    return sock


async def _serve(server: uvicorn.Server, sock: socket.socket, ready: str) -> None:
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not task.done():
        await asyncio.sleep(0.02)
    if server.started:
        print(ready, file=sys.stderr, flush=True)
    await task


def run(
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    max_inputs: int = 2048,
    max_input_chars: int = 100_000,
    log_level: str = "warning",
) -> int:
    """Serve the built-in model until interrupted; port 0 picks a free port. Returns 0."""
    if log_level not in LOG_LEVELS:
        raise AuditorError(f"unknown log level {log_level!r} (choose from {', '.join(LOG_LEVELS)})")
    embedder = LocalEmbedder()
    # Load the model before listening: a broken install fails here, not on the first client.
    embedder.embed_documents(["warm up"])
    app = build_app(embedder, max_inputs=max_inputs, max_input_chars=max_input_chars)
    sock = _listen(host, port)
    shown = f"[{host}]" if ":" in host else host
    ready = (
        f"auditor serve: listening on http://{shown}:{sock.getsockname()[1]}/v1 "
        f"(model {embedder.model_id})"
    )
    config = uvicorn.Config(app, log_level=log_level, timeout_graceful_shutdown=10)
    try:
        asyncio.run(_serve(uvicorn.Server(config), sock, ready))
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C after its graceful shutdown
        pass
    finally:
        sock.close()
        embedder.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="auditor serve", description="OpenAI-compatible embeddings server (built-in model)"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    parser.add_argument("--max-inputs", type=int, default=2048)
    parser.add_argument("--max-input-chars", type=int, default=100_000)
    parser.add_argument("--log-level", default="warning", choices=LOG_LEVELS)
    args = parser.parse_args(argv)
    try:
        return run(
            args.host,
            args.port,
            max_inputs=args.max_inputs,
            max_input_chars=args.max_input_chars,
            log_level=args.log_level,
        )
    except AuditorError as exc:
        print(f"auditor serve: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
