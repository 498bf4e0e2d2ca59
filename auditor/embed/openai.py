"""The server backend: any OpenAI-compatible ``/v1/embeddings`` endpoint (SGLang, vLLM, TEI,
OpenAI itself, or ``auditor serve``), spoken to through the official ``openai`` client."""

from __future__ import annotations

import binascii
import re
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np

from auditor.embed.base import Embedder, Vectors, normalize
from auditor.embed.instructions import apply, templates_for
from auditor.model import AuditorError

if TYPE_CHECKING:
    import openai

PROBE_TEXT = "dimension probe"
# Self-hosted servers take no key, but the openai client refuses to start without one; "EMPTY"
# is the placeholder vLLM's and SGLang's docs use.
NO_KEY = "EMPTY"
_DETAIL_CHARS = 200


class OpenAIEmbedder(Embedder):
    """Embeds through an OpenAI-compatible server.

    Inputs go out in batches of ``batch_size``, up to ``concurrency`` requests at once, and come
    back in input order. Retries (429, 5xx, connection errors, timeouts) are the openai client's
    own, with exponential backoff, ``max_retries`` times; ``timeout`` bounds each attempt.

    ``dimensions`` set: vectors are cut to that length and re-normalized (Matryoshka models), or,
    with ``request_dimensions``, the server is asked for that length. A server answering with
    fewer, or with a length that differs from its first answer, is an error: sizes never mix.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str,
        dimensions: int | None = None,
        request_dimensions: bool = False,
        batch_size: int = 64,
        concurrency: int = 4,
        timeout: float = 30.0,
        max_retries: int = 3,
        instruction: str | None = None,
    ) -> None:
        if not re.match(r"https?://", base_url):
            raise AuditorError(f"base_url must start with http:// or https://, got {base_url!r}")
        if not model:
            raise AuditorError("the openai backend needs a model name (--model)")
        for name, value in (("batch_size", batch_size), ("concurrency", concurrency)):
            if value < 1:
                raise AuditorError(f"{name} must be at least 1, got {value}")
        if dimensions is not None and dimensions < 1:
            raise AuditorError(f"dimensions must be at least 1, got {dimensions}")
        if timeout <= 0:
            raise AuditorError(f"timeout must be positive, got {timeout}")
        if max_retries < 0:
            raise AuditorError(f"max_retries must be 0 or more, got {max_retries}")
        if request_dimensions and dimensions is None:
            raise AuditorError("request_dimensions needs dimensions to be set")
        self._url = base_url.rstrip("/")
        self._model = model
        self._api_key = api_key
        self._configured = dimensions
        self._request_dimensions = request_dimensions
        self._batch_size = batch_size
        self._concurrency = concurrency
        self._timeout = timeout
        self._max_retries = max_retries
        self._query_template, self._document_template = templates_for(model, instruction)
        self._native: int | None = None  # the length the server answers with, from its first answer
        self._lock = threading.Lock()
        self._client: openai.OpenAI | None = None

    def __repr__(self) -> str:  # the key stays out on purpose
        return (
            f"OpenAIEmbedder(base_url={self._url!r}, model={self._model!r}, "
            f"dimensions={self._configured!r})"
        )

    @property
    def model_id(self) -> str:
        return self._model

    @property
    def dimensions(self) -> int:
        """The configured ``dimensions``, else the length the server answers with.

        With nothing configured the length is unknown until the first answer, so reading this
        before any embedding sends one probe request (embedding ``"dimension probe"``).
        """
        if self._configured is not None:
            return self._configured
        if self._native is None:
            self._embed([PROBE_TEXT])
        if self._native is None:  # _embed either set it or raised
            raise AuditorError(f"embeddings server at {self._url} sent no vector to size")
        return self._native

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        return self._embed([apply(self._document_template, text) for text in texts])

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._embed([apply(self._query_template, text) for text in texts])

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
                self._client = None

    def _embed(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        # Batches of similar length: servers that pad a batch to its longest input (auditor
        # serve, TEI) then waste little; the rows are put back in input order below.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        size = self._batch_size
        batches = [
            [texts[i] for i in order[start : start + size]] for start in range(0, len(texts), size)
        ]
        if len(batches) == 1 or self._concurrency == 1:
            parts = [self._request(batch) for batch in batches]
        else:
            parts = self._request_concurrently(batches)
        vectors = np.vstack(parts)
        restored = np.empty_like(vectors)
        restored[order] = vectors
        return restored

    def _request_concurrently(self, batches: list[list[str]]) -> list[Vectors]:
        workers = min(self._concurrency, len(batches))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="auditor-embed") as pool:
            futures: list[Future[Vectors]] = [pool.submit(self._request, b) for b in batches]
            try:
                return [future.result() for future in futures]
            except BaseException:
                # The first failure decides; batches not yet sent are not worth the wait.
                for future in futures:
                    future.cancel()
                raise

    def _get_client(self) -> openai.OpenAI:
        with self._lock:
            if self._client is None:
                # Imported here: a scan whose vectors are all cached never pays for the import.
                import openai

                self._client = openai.OpenAI(
                    base_url=self._url,
                    api_key=self._api_key or NO_KEY,
                    timeout=self._timeout,
                    max_retries=self._max_retries,
                )
            return self._client

    def _request(self, batch: list[str]) -> Vectors:
        import openai

        client = self._get_client()
        extra: dict[str, Any] = {}
        if self._request_dimensions:
            extra["dimensions"] = self._configured
        try:
            # "float" on purpose: some servers (SGLang) ignore "base64" anyway; _decode takes both.
            response = client.embeddings.create(
                model=self._model, input=batch, encoding_format="float", **extra
            )
        except openai.OpenAIError as exc:
            raise self._explain(exc) from exc
        return self._parse(response, len(batch))

    def _parse(self, response: Any, count: int) -> Vectors:
        data = _field(response, "data")
        if not isinstance(data, list):
            raise self._unreadable("no 'data' list in the answer")
        if len(data) != count:
            raise self._fail(
                f"embeddings server at {self._url} returned {len(data)} vectors for {count} "
                "inputs; it may cap the batch size: lower batch_size"
            )
        rows: list[Vectors | None] = [None] * count
        for position, item in enumerate(data):
            index = _field(item, "index")
            index = position if index is None else index
            if not isinstance(index, int) or not 0 <= index < count or rows[index] is not None:
                raise self._unreadable(f"bad or repeated index {index!r}")
            rows[index] = self._decode(_field(item, "embedding"))
        vectors = [row for row in rows if row is not None]
        sizes = {len(row) for row in vectors}
        if len(sizes) != 1:
            raise self._unreadable(f"vectors of different lengths {sorted(sizes)} in one answer")
        size = sizes.pop()
        with self._lock:
            if self._native is None:
                self._native = size
            elif size != self._native:
                raise self._fail(
                    f"embeddings server at {self._url} returned {size}-dimensional vectors after "
                    f"{self._native}-dimensional ones; does every worker behind it serve the "
                    "same model?"
                )
        if self._configured is not None and size < self._configured:
            raise self._fail(
                f"embeddings server at {self._url} returned {size}-dimensional vectors for model "
                f"{self._model!r} but dimensions is {self._configured}; set dimensions to at "
                f"most {size}"
            )
        matrix = np.vstack(vectors)
        if not np.isfinite(matrix).all():
            raise self._fail(
                f"embeddings server at {self._url} returned NaN or infinite values for model "
                f"{self._model!r}; check the server's log and its dtype (float16 overflow?)"
            )
        if self._configured is not None and size > self._configured:
            # Matryoshka: the leading components are themselves an embedding once re-normalized.
            matrix = matrix[:, : self._configured]
        return normalize(matrix)

    def _decode(self, value: object) -> Vectors:
        if isinstance(value, str):
            # Some servers send base64 float32 whatever was asked.
            try:
                raw = binascii.a2b_base64(value)
            except (binascii.Error, ValueError):
                raise self._unreadable("an embedding string that is not base64") from None
            if len(raw) % 4:
                raise self._unreadable("a base64 embedding that is not float32")
            row = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        elif isinstance(value, list):
            try:
                row = np.asarray(value, dtype=np.float32)
            except (TypeError, ValueError):
                raise self._unreadable("an embedding that is not a list of numbers") from None
        else:
            raise self._unreadable(f"an embedding of type {type(value).__name__}")
        if row.ndim != 1 or row.size == 0:
            raise self._unreadable("an empty or nested embedding")
        return row

    def _explain(self, exc: openai.OpenAIError) -> AuditorError:
        import openai

        url = self._url
        tries = f"{self._max_retries + 1} attempt{'s' if self._max_retries else ''}"
        if isinstance(exc, openai.APITimeoutError):
            return self._fail(
                f"embeddings request to {url} timed out after {self._timeout:g}s ({tries}); the "
                "server may be overloaded or the batch too big: raise timeout or lower batch_size"
            )
        if isinstance(exc, openai.APIConnectionError):
            return self._fail(
                f"cannot reach embeddings server at {url}: {_connection_reason(exc)}; is it "
                "running? check --base-url"
            )
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            if status in (401, 403):
                # No server detail here: servers echo (parts of) the rejected key.
                return self._fail(
                    f"embeddings server at {url} refused the API key (HTTP {status}); check "
                    "AUDITOR_API_KEY or OPENAI_API_KEY"
                )
            detail = _server_detail(exc)
            if status == 404:
                return self._fail(
                    f"embeddings server at {url} answered 404 for model {self._model!r} "
                    f"({detail}); check the model name against GET {url}/models and that "
                    "base_url ends in /v1"
                )
            if status == 429:
                return self._fail(
                    f"embeddings server at {url} is rate limiting (HTTP 429) after {tries}; "
                    "lower concurrency or batch_size"
                )
            if status == 413:
                return self._fail(
                    f"embeddings server at {url} found the request too large (HTTP 413: "
                    f"{detail}); lower batch_size"
                )
            retried = f" after {tries}" if status >= 500 or status in (408, 409) else ""
            return self._fail(
                f"embeddings server at {url} answered HTTP {status}{retried}: {detail}"
            )
        return self._unreadable(str(exc))

    def _unreadable(self, what: str) -> AuditorError:
        return self._fail(
            f"embeddings server at {self._url} sent an answer auditor cannot read: {what}; is "
            "it an OpenAI-compatible /v1/embeddings endpoint?"
        )

    def _fail(self, message: str) -> AuditorError:
        message = " ".join(message.split())  # the CLI prints exactly one line
        if self._api_key and self._api_key != NO_KEY:
            message = message.replace(self._api_key, "***")
        return AuditorError(message)


def _field(obj: object, name: str) -> Any:
    # The client builds models without validation, so an odd answer may leave plain dicts behind.
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def _connection_reason(exc: BaseException) -> str:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    for error in seen:
        if isinstance(error, ConnectionRefusedError) or "refused" in str(error).lower():
            return "connection refused"
        if "name or service not known" in str(error).lower() or "getaddrinfo" in str(error):
            return "host name not found"
    innermost = str(seen[-1]).strip()
    return innermost[:_DETAIL_CHARS] if innermost else "connection failed"


def _server_detail(exc: openai.APIStatusError) -> str:
    body = exc.body
    detail: object = body
    if isinstance(body, dict):
        detail = body.get("message") or body.get("detail") or body
    text = " ".join(str(detail if detail is not None else exc.message).split())
    return text[:_DETAIL_CHARS] or "no message"
