"""`auditor serve` as a real process on 127.0.0.1, spoken to over HTTP."""

from __future__ import annotations

import base64
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

from auditor.embed.base import Embedder, Vectors, normalize
from auditor.embed.local import MODEL_ID, LocalEmbedder
from tests.servers import Server, call, start_server, stop_server

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

MAX_INPUTS = 50
MAX_INPUT_CHARS = 5_000

TEXTS = [
    "def add(a, b):\n    return a + b",
    'query = f"SELECT * FROM users WHERE id = {user_id}"\ncursor.execute(query)',
    "subprocess.call(cmd, shell=True)",
    "function greet(name) { return `hello ${name}`; }",
    "pickle.loads(request.body)",
    "",
    "ünïcödé — 日本語のコメント",
    "x" * 2000,
]


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = start_server(
        "--max-inputs", str(MAX_INPUTS), "--max-input-chars", str(MAX_INPUT_CHARS)
    )
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def local() -> LocalEmbedder:
    return LocalEmbedder()


def vectors_of(body: dict[str, Any]) -> Vectors:
    rows = sorted(body["data"], key=lambda item: item["index"])
    return np.array([row["embedding"] for row in rows], dtype=np.float32)


def test_embeddings_equal_the_in_process_model(server: Server, local: LocalEmbedder) -> None:
    status, body = call(server.base, "/v1/embeddings", {"input": TEXTS, "model": MODEL_ID})
    assert status == 200
    assert body["object"] == "list" and body["model"] == MODEL_ID
    assert [item["index"] for item in body["data"]] == list(range(len(TEXTS)))
    assert all(item["object"] == "embedding" for item in body["data"])
    assert body["usage"]["prompt_tokens"] == body["usage"]["total_tokens"] > 0
    # One request is embedded as one call, the same call made in-process here: the int8
    # model's results depend on which texts share a call, so this is the comparison to make.
    np.testing.assert_allclose(vectors_of(body), local.embed_documents(TEXTS), atol=1e-5)


def test_a_single_string_and_the_alias(server: Server, local: LocalEmbedder) -> None:
    for model in ("all-MiniLM-L6-v2", MODEL_ID, None):
        request: dict[str, object] = {"input": TEXTS[1]}
        if model is not None:
            request["model"] = model
        status, body = call(server.base, "/v1/embeddings", request)
        assert status == 200
        assert len(body["data"]) == 1
        np.testing.assert_allclose(vectors_of(body), local.embed_documents(TEXTS[1:2]), atol=1e-5)


def test_base64_is_little_endian_float32(server: Server) -> None:
    _, as_floats = call(server.base, "/v1/embeddings", {"input": TEXTS})
    status, as_base64 = call(
        server.base, "/v1/embeddings", {"input": TEXTS, "encoding_format": "base64"}
    )
    assert status == 200
    decoded = np.array(
        [
            np.frombuffer(base64.b64decode(item["embedding"]), dtype="<f4")
            for item in as_base64["data"]
        ]
    )
    assert decoded.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(decoded, vectors_of(as_floats), atol=1e-6)


def test_dimensions_truncates_and_renormalizes(server: Server, local: LocalEmbedder) -> None:
    status, body = call(server.base, "/v1/embeddings", {"input": TEXTS, "dimensions": 64})
    assert status == 200
    got = vectors_of(body)
    assert got.shape == (len(TEXTS), 64)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    expected = normalize(local.embed_documents(TEXTS)[:, :64].copy())
    np.testing.assert_allclose(got, expected, atol=1e-5)


@pytest.mark.parametrize(
    ("body", "status", "param"),
    [
        (b"{not json", 400, None),
        (b"\xff\xfe\x00", 400, None),
        ([1, 2], 400, None),
        ({"model": MODEL_ID}, 400, "input"),
        ({"input": 42}, 400, "input"),
        ({"input": ["ok", 3]}, 400, "input"),
        ({"input": [[1, 2, 3]]}, 400, "input"),
        ({"input": []}, 400, "input"),
        ({"input": "x", "encoding_format": "int8"}, 400, "encoding_format"),
        ({"input": "x", "dimensions": 385}, 400, "dimensions"),
        ({"input": "x", "dimensions": 0}, 400, "dimensions"),
        ({"input": "x", "dimensions": "64"}, 400, "dimensions"),
        ({"input": "x", "dimensions": True}, 400, "dimensions"),
        ({"input": "x", "model": "text-embedding-3-small"}, 404, "model"),
        ({"input": ["x"] * (MAX_INPUTS + 1)}, 413, "input"),
        ({"input": ["ok", "y" * (MAX_INPUT_CHARS + 1)]}, 413, "input"),
    ],
)
def test_bad_requests_get_openai_style_errors(
    server: Server, body: object, status: int, param: str | None
) -> None:
    got_status, got = call(server.base, "/v1/embeddings", body)
    assert got_status == status
    error = got["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param
    assert isinstance(error["message"], str) and error["message"]
    assert "Traceback" not in error["message"]


def test_the_404_names_the_served_model(server: Server) -> None:
    _, body = call(server.base, "/v1/embeddings", {"input": "x", "model": "nope"})
    assert body["error"]["code"] == "model_not_found"
    assert MODEL_ID in body["error"]["message"]


def test_unknown_routes_and_methods_answer_in_the_same_shape(server: Server) -> None:
    status, body = call(server.base, "/v1/completions", {"prompt": "x"})
    assert status == 404 and "message" in body["error"]
    status, body = call(server.base, "/v1/embeddings", method="GET")
    assert status == 405 and "message" in body["error"]


def test_models_and_health(server: Server) -> None:
    status, body = call(server.base, "/v1/models")
    assert status == 200
    assert body["object"] == "list"
    assert [model["id"] for model in body["data"]] == [MODEL_ID]
    status, body = call(server.base, "/health")
    assert status == 200 and body["status"] == "ok" and body["dimensions"] == 384


def test_concurrent_clients_each_get_their_own_vectors(
    server: Server, local: LocalEmbedder
) -> None:
    groups = [
        [f"def handler_{n}_{i}(request):\n    return {n} * {i}" for i in range(6)]
        for n in range(16)
    ]
    everything = [text for group in groups for text in group]
    reference = local.embed_documents(everything)
    _, before = call(server.base, "/health")

    def ask(group: list[str]) -> Vectors:
        status, body = call(server.base, "/v1/embeddings", {"input": group})
        assert status == 200
        return vectors_of(body)

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(ask, groups))
    got = np.vstack(answers)
    assert got.shape == reference.shape
    # Merged requests share model calls, and the int8 model's activations are quantized per
    # call, so values move by up to ~3e-2 with company; what must hold is that every client got
    # the vectors of its own texts, in its own order.
    similarity = got @ reference.T
    assert (similarity.argmax(axis=1) == np.arange(len(everything))).all()
    assert similarity.diagonal().min() > 0.95
    _, after = call(server.base, "/health")
    assert after["requests"] - before["requests"] == len(groups)
    assert after["batches"] - before["batches"] <= len(groups)


class _GatedEmbedder(Embedder):
    """Blocks its first call until released, recording what each call was given."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.entered = threading.Event()
        self.release = threading.Event()

    @property
    def model_id(self) -> str:
        return "test/gated"

    @property
    def dimensions(self) -> int:
        return 4

    def embed_documents(self, texts: Any) -> Vectors:
        self.calls.append(list(texts))
        self.entered.set()
        self.release.wait(10)
        return normalize(np.array([[len(t), 1.0, 0.0, 0.0] for t in texts], dtype=np.float32))


def test_waiting_requests_are_merged_into_one_call() -> None:
    from auditor.serve import _Batcher

    embedder = _GatedEmbedder()
    batcher = _Batcher(embedder, max_batch=10)
    first = batcher.submit(["a"])
    assert embedder.entered.wait(10)
    waiting = [batcher.submit([f"b{i}", f"c{i}"]) for i in range(6)]  # 12 texts, cap 10
    embedder.release.set()
    for future in [first, *waiting]:
        future.result(10)
    batcher.stop()
    assert embedder.calls == [
        ["a"],
        ["b0", "c0", "b1", "c1", "b2", "c2", "b3", "c3", "b4", "c4"],
        ["b5", "c5"],
    ]
    assert waiting[2].result().shape == (2, 4)
    assert batcher.requests == 7 and batcher.batches == 3


def test_a_taken_port_is_one_line_error() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "auditor.serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert time.monotonic() - started < 60


def test_without_the_extra_the_error_says_what_to_install() -> None:
    probe = (
        "import sys\n"
        "sys.modules['starlette'] = None  # as if the 'serve' extra were not installed\n"
        "try:\n"
        "    import auditor.serve\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == (
        "AuditorError auditor serve needs the 'serve' extra: pip install 'auditor[serve]'"
    )
