"""OpenAIEmbedder against a real `auditor serve` process and against a stub server that fails
on purpose, both on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import json
import math
import socket
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pytest

from auditor.embed.base import normalize
from auditor.embed.instructions import TASK, templates_for
from auditor.embed.local import MODEL_ID, LocalEmbedder
from auditor.embed.openai import OpenAIEmbedder
from auditor.model import AuditorError
from tests.servers import Server, start_server, stop_server

pytest.importorskip("starlette")
uvicorn = pytest.importorskip("uvicorn")

from starlette.applications import Starlette  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

KEY = "sk-test-0123456789abcdef-do-not-print"
STUB_DIMS = 32


# --- the real server --------------------------------------------------------------------------


@dataclass
class Served:
    server: Server

    @property
    def base(self) -> str:
        return f"{self.server.base}/v1"

    def posts(self) -> int:  # the access log is how requests are counted
        return sum("POST /v1/embeddings" in line for line in list(self.server.lines))


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    server = start_server()
    yield Served(server)
    stop_server(server)


@pytest.fixture(scope="module")
def local() -> LocalEmbedder:
    return LocalEmbedder()


def snippets(count: int) -> list[str]:
    return [
        f"def handler_{i}(request):\n    return render(request, {i} * {{}})" for i in range(count)
    ]


def wait_for_posts(served: Served, expected: int) -> int:
    deadline = time.monotonic() + 5  # the access log line may trail the response a little
    while served.posts() < expected and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)
    return served.posts()


def test_500_inputs_in_order_in_ceil_500_over_64_requests(
    served: Served, local: LocalEmbedder
) -> None:
    texts = snippets(500)
    embedder = OpenAIEmbedder(served.base, MODEL_ID, "", batch_size=64, concurrency=4)
    before = served.posts()
    got = embedder.embed_documents(texts)
    assert wait_for_posts(served, before + 8) - before == math.ceil(500 / 64)
    assert got.shape == (500, 384)
    # With 4 requests in flight the server merges them into shared model calls, and the int8
    # model's values move with company (up to ~3e-2), so order is checked by nearest neighbour.
    reference = local.embed_documents(texts)
    similarity = got @ reference.T
    assert (similarity.argmax(axis=1) == np.arange(500)).all()
    assert similarity.diagonal().min() > 0.95
    embedder.close()


def test_one_request_at_a_time_equals_the_in_process_model(
    served: Served, local: LocalEmbedder
) -> None:
    # Equal lengths, so the client's length-sorting keeps input order and the batches are known.
    texts = [f"def handler_{i:03d}(request):\n    return {i:03d}" for i in range(100)]
    embedder = OpenAIEmbedder(served.base, "all-MiniLM-L6-v2", "", batch_size=40, concurrency=1)
    got = embedder.embed_documents(texts)
    expected = np.vstack([local.embed_documents(texts[i : i + 40]) for i in range(0, 100, 40)])
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_dimensions_are_probed_once_and_matryoshka_cut(
    served: Served, local: LocalEmbedder
) -> None:
    probing = OpenAIEmbedder(served.base, MODEL_ID, "")
    before = served.posts()
    assert probing.dimensions == 384
    assert probing.dimensions == 384
    assert wait_for_posts(served, before + 1) - before == 1
    assert probing.key == f"{MODEL_ID}@384"
    texts = snippets(10)
    expected = normalize(local.embed_documents(texts)[:, :128].copy())
    for ask in (False, True):
        cut = OpenAIEmbedder(served.base, MODEL_ID, "", dimensions=128, request_dimensions=ask)
        assert cut.key == f"{MODEL_ID}@128"
        np.testing.assert_allclose(cut.embed_documents(texts), expected, atol=1e-5)


# --- the stub server --------------------------------------------------------------------------


def fake_vector(text: str, dims: int = STUB_DIMS) -> list[float]:
    rng = np.random.default_rng(zlib.crc32(text.encode()))
    vector = rng.standard_normal(dims)
    return [float(x) for x in vector / np.linalg.norm(vector)]


@dataclass
class Stub:
    base: str
    calls: dict[str, list[tuple[float, dict[str, object]]]] = field(default_factory=dict)
    inflight: int = 0
    max_inflight: int = 0

    def url(self, scenario: str) -> str:
        return f"{self.base}/{scenario}/v1"


def _answer(rows: list[object], status: int = 200) -> Response:
    data = [{"object": "embedding", "index": i, "embedding": row} for i, row in enumerate(rows)]
    data.reverse()  # out of order on purpose: the client must sort by index
    body = {"object": "list", "data": data, "model": "m", "usage": {"prompt_tokens": 1}}
    # json.dumps rather than JSONResponse: the NaN case needs allow_nan.
    return Response(json.dumps(body), status_code=status, media_type="application/json")


def _error(status: int, message: str) -> Response:
    body = {"error": {"message": message, "type": "error", "param": None, "code": status}}
    return Response(json.dumps(body), status_code=status, media_type="application/json")


def build_stub(stub: Stub) -> Starlette:
    async def embeddings(request: Request) -> Response:
        scenario = request.path_params["scenario"]
        body = json.loads(await request.body())
        calls = stub.calls.setdefault(scenario, [])
        calls.append((time.monotonic(), body))
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        dims = body.get("dimensions") or STUB_DIMS
        if scenario == "ok":
            stub.inflight += 1
            stub.max_inflight = max(stub.max_inflight, stub.inflight)
            await asyncio.sleep(0.05)
            stub.inflight -= 1
            return _answer([fake_vector(t, dims) for t in texts])
        if scenario == "b64":
            encoded = [
                base64.b64encode(np.array(fake_vector(t), dtype="<f4").tobytes()).decode()
                for t in texts
            ]
            return _answer(list(encoded))
        if scenario == "flaky":
            if len(calls) <= 2:
                return _error(503, "warming up")
            return _answer([fake_vector(t) for t in texts])
        if scenario == "slow":
            await asyncio.sleep(1.0)
            return _answer([fake_vector(t) for t in texts])
        if scenario == "shrink":
            return _answer([fake_vector(t, STUB_DIMS if len(calls) == 1 else 16) for t in texts])
        if scenario == "fewer":
            return _answer([fake_vector(t) for t in texts[:-1]])
        if scenario == "nan":
            rows = [fake_vector(t) for t in texts]
            rows[0][3] = math.nan
            return _answer(list(rows))
        if scenario == "notfound":
            return _error(404, f"The model `{body['model']}` does not exist.")
        if scenario == "unauthorized":
            return _error(401, f"Incorrect API key provided: {request.headers['authorization']}")
        if scenario == "boom":
            return _error(500, f"CUDA out of memory; key was {request.headers['authorization']}")
        if scenario == "html":
            return Response("<html>bad gateway</html>", media_type="text/html")
        return _error(400, "unknown scenario")

    return Starlette(routes=[Route("/{scenario}/v1/embeddings", embeddings, methods=["POST"])])


@pytest.fixture(scope="module")
def stub() -> Iterator[Stub]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    state = Stub(f"http://127.0.0.1:{sock.getsockname()[1]}")
    config = uvicorn.Config(build_stub(state), log_level="warning", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    yield state
    server.should_exit = True
    thread.join(5)
    sock.close()


def embedder(stub: Stub, scenario: str, **options: object) -> OpenAIEmbedder:
    settings: dict[str, object] = {"timeout": 5.0, "max_retries": 0, **options}
    return OpenAIEmbedder(stub.url(scenario), "test-model", KEY, **settings)  # type: ignore[arg-type]


def failure(stub: Stub, scenario: str, texts: list[str] | None = None, **options: object) -> str:
    with pytest.raises(AuditorError) as caught:
        embedder(stub, scenario, **options).embed_documents(texts or ["a", "b", "c"])
    message = str(caught.value)
    assert KEY not in message and "\n" not in message
    return message


def test_batches_run_concurrently_and_come_back_in_order(stub: Stub) -> None:
    texts = [f"text {i}" for i in range(40)]
    got = embedder(stub, "ok", batch_size=4, concurrency=4).embed_documents(texts)
    np.testing.assert_allclose(got, np.array([fake_vector(t) for t in texts]), atol=1e-6)
    assert len(stub.calls["ok"]) == 10
    assert 1 < stub.max_inflight <= 4


def test_base64_answers_are_decoded(stub: Stub) -> None:
    got = embedder(stub, "b64").embed_documents(["x", "y"])
    np.testing.assert_allclose(got, np.array([fake_vector("x"), fake_vector("y")]), atol=1e-6)
    assert stub.calls["b64"][0][1]["encoding_format"] == "float"


def test_longer_vectors_are_cut_and_renormalized(stub: Stub) -> None:
    got = embedder(stub, "ok", dimensions=16).embed_documents(["x"])
    expected = normalize(np.array([fake_vector("x")[:16]], dtype=np.float32))
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert "dimensions" not in stub.calls["ok"][-1][1]
    asked = embedder(stub, "ok", dimensions=16, request_dimensions=True).embed_documents(["x"])
    assert stub.calls["ok"][-1][1]["dimensions"] == 16
    assert asked.shape == (1, 16)


def test_queries_carry_the_model_instruction_and_documents_do_not(stub: Stub) -> None:
    qwen = OpenAIEmbedder(stub.url("ok"), "Qwen/Qwen3-Embedding-4B", KEY, max_retries=0)
    code = "def f(x): return {x: 1}"
    qwen.embed_documents([code])
    assert stub.calls["ok"][-1][1]["input"] == [code]
    qwen.embed_queries(["SQL built by string formatting"])
    sent = stub.calls["ok"][-1][1]["input"]
    assert sent == [f"Instruct: {TASK}\nQuery:SQL built by string formatting"]


def test_retries_with_exponential_backoff(stub: Stub) -> None:
    got = embedder(stub, "flaky", max_retries=3).embed_documents(["x"])
    assert got.shape == (1, STUB_DIMS)
    times = [at for at, _ in stub.calls["flaky"]]
    assert len(times) == 3
    # The openai client waits 0.5 s then 1 s, each less up to 25% jitter.
    first, second = times[1] - times[0], times[2] - times[1]
    assert 0.35 <= first < 1.0
    assert second >= 0.7 and second > first


def test_a_timeout_names_the_url_and_the_setting(stub: Stub) -> None:
    started = time.monotonic()
    message = failure(stub, "slow", timeout=0.3)
    assert time.monotonic() - started < 0.9
    assert "timed out after 0.3s" in message and stub.url("slow") in message


def test_a_server_that_changes_size_is_an_error(stub: Stub) -> None:
    changing = embedder(stub, "shrink")
    assert changing.embed_documents(["x"]).shape == (1, STUB_DIMS)
    with pytest.raises(AuditorError, match="16-dimensional vectors after 32-dimensional"):
        changing.embed_documents(["y"])


def test_fewer_dimensions_than_configured_is_an_error(stub: Stub) -> None:
    message = failure(stub, "ok", dimensions=64)
    assert "32-dimensional" in message and "dimensions is 64" in message


def test_fewer_vectors_than_inputs_is_an_error(stub: Stub) -> None:
    assert "returned 2 vectors for 3 inputs" in failure(stub, "fewer")


def test_non_finite_values_are_an_error(stub: Stub) -> None:
    assert "NaN or infinite" in failure(stub, "nan")


def test_unknown_model_suggests_listing_models(stub: Stub) -> None:
    message = failure(stub, "notfound")
    assert "404" in message and "'test-model'" in message
    assert f"GET {stub.url('notfound')}/models" in message


def test_a_rejected_key_is_never_echoed(stub: Stub) -> None:
    message = failure(stub, "unauthorized")
    assert "401" in message and "AUDITOR_API_KEY" in message
    assert "0123456789abcdef" not in message


def test_other_http_errors_give_status_and_server_message(stub: Stub) -> None:
    message = failure(stub, "boom")
    assert "HTTP 500 after 1 attempt: CUDA out of memory" in message
    assert "***" in message  # the echoed key was redacted


def test_an_answer_that_is_not_json_is_an_error(stub: Stub) -> None:
    assert "cannot read" in failure(stub, "html")


def test_connection_refused_names_the_url() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below, so nothing listens there
    url = f"http://127.0.0.1:{port}/v1"
    closed = OpenAIEmbedder(url, "m", KEY, max_retries=0, timeout=2)
    with pytest.raises(AuditorError) as caught:
        closed.embed_documents(["x"])
    message = str(caught.value)
    assert message.startswith(f"cannot reach embeddings server at {url}: connection refused")
    assert "check --base-url" in message and KEY not in message
    assert KEY not in repr(closed)


def test_empty_input_sends_nothing(stub: Stub) -> None:
    before = len(stub.calls.get("ok", []))
    got = embedder(stub, "ok", dimensions=8).embed_documents([])
    assert got.shape == (0, 8)
    assert len(stub.calls.get("ok", [])) == before


@pytest.mark.parametrize(
    ("options", "wording"),
    [
        ({"batch_size": 0}, "batch_size"),
        ({"concurrency": 0}, "concurrency"),
        ({"dimensions": 0}, "dimensions"),
        ({"timeout": 0}, "timeout"),
        ({"max_retries": -1}, "max_retries"),
        ({"request_dimensions": True}, "request_dimensions"),
    ],
)
def test_bad_settings_are_refused_early(options: dict[str, object], wording: str) -> None:
    with pytest.raises(AuditorError, match=wording):
        OpenAIEmbedder("http://127.0.0.1:1/v1", "m", KEY, **options)  # type: ignore[arg-type]
    with pytest.raises(AuditorError, match="http://"):
        OpenAIEmbedder("127.0.0.1:1/v1", "m", KEY)


@pytest.mark.parametrize(
    ("model", "query", "document"),
    [
        ("Qwen/Qwen3-Embedding-4B", f"Instruct: {TASK}\nQuery:{{text}}", "{text}"),
        ("/models/qwen3-embedding-0.6b", f"Instruct: {TASK}\nQuery:{{text}}", "{text}"),
        ("Alibaba-NLP/gte-Qwen2-7B-instruct", f"Instruct: {TASK}\nQuery:{{text}}", "{text}"),
        ("intfloat/e5-large-v2", "query: {text}", "passage: {text}"),
        ("intfloat/multilingual-e5-base", "query: {text}", "passage: {text}"),
        (
            "BAAI/bge-large-en-v1.5",
            "Represent this sentence for searching relevant passages: {text}",
            "{text}",
        ),
        ("BAAI/bge-m3", "{text}", "{text}"),
        ("nomic-ai/nomic-embed-text-v1.5", "search_query: {text}", "search_document: {text}"),
        ("sentence-transformers/all-MiniLM-L6-v2", "{text}", "{text}"),
        ("text-embedding-3-small", "{text}", "{text}"),
    ],
)
def test_templates_by_model_family(model: str, query: str, document: str) -> None:
    assert templates_for(model, None) == (query, document)


def test_instruction_overrides() -> None:
    assert templates_for("intfloat/e5-base", "") == ("{text}", "passage: {text}")
    assert templates_for("any", "Find {text} now") == ("Find {text} now", "{text}")
    assert templates_for("Qwen/Qwen3-Embedding-8B", "Find bugs") == (
        "Instruct: Find bugs\nQuery:{text}",
        "{text}",
    )
