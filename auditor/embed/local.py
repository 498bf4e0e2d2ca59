"""The built-in backend: all-MiniLM-L6-v2 as int8 ONNX, run on the CPU by onnxruntime."""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.embed.base import Embedder, normalize
from auditor.errors import AuditorError

if TYPE_CHECKING:
    from auditor.embed.ahead import Ahead
    from auditor.embed.base import Vectors

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "all-MiniLM-L6-v2"
MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
MAX_TOKENS = 256
DIMENSIONS = 384
# This model's vectors of the shipped rules' descriptions and examples (tools/rule_vectors.py).
SHIPPED_VECTORS = "rule-vectors.npz"


@functools.cache
def shipped_vectors(path: Path) -> Mapping[str, Vectors]:
    """``{text hash: vector}`` from ``path``; empty when it is missing or unreadable."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as data:
            return dict(zip(data["hashes"].tolist(), data["vectors"], strict=True))
    except (OSError, ValueError, KeyError):
        return {}


def optimized_path(cache_dir: Path | None, model: Path, version: str) -> Path | None:
    """Where the optimized graph of ``model`` for onnxruntime ``version`` is kept, if anywhere."""
    if cache_dir is None:
        return None
    try:
        info = model.stat()
    except OSError:
        return None
    stem = f"{model.parent.name}-ort{version}-{info.st_size}-{info.st_mtime_ns}"
    return cache_dir / "models" / f"{stem}.ort"


class LocalEmbedder(Embedder):
    """Mean pooling over the tokens, L2-normalized, truncated at 256 tokens.

    Each text runs alone, so there is no padding and the mean over its tokens is exactly the
    attention-masked mean pooling of sentence-transformers.
    """

    def __init__(
        self, model_dir: Path = MODEL_DIR, threads: int = 0, cache_dir: Path | None = None
    ) -> None:
        self._model_dir = model_dir
        self._threads = threads
        self._cache_dir = cache_dir
        self._session: Any = None
        self._tokenizer: Any = None
        self._loader: threading.Thread | None = None
        self._load_error: BaseException | None = None
        self._ahead: Ahead | None = None

    @property
    def model_id(self) -> str:
        return MODEL_ID

    @property
    def dimensions(self) -> int:
        return DIMENSIONS

    def prepare(self, texts: Sequence[str] = ()) -> None:
        """Have ``texts`` embedded by a forked child (embed/ahead.py) while the caller does
        other work; without texts, or where no child starts, load the model in a thread."""
        if self._session is not None or self._loader is not None or self._ahead is not None:
            return
        if texts:
            from auditor.embed.ahead import Ahead

            child = LocalEmbedder(self._model_dir, 1, self._cache_dir)
            self._ahead = Ahead.start(texts, child.embed_documents)
            if self._ahead is not None:
                return
        self._loader = threading.Thread(target=self._load_in_background, daemon=True)
        self._loader.start()

    def close(self) -> None:
        if self._ahead is not None:
            self._ahead.close()
            self._ahead = None
        if self._loader is not None:  # never leave the interpreter while a thread loads
            self._loader.join()
            self._loader = None

    def _load_in_background(self) -> None:
        try:
            self._load()
        except BaseException as exc:  # raised again where the model is needed
            self._load_error = exc

    def _ready(self) -> None:
        if self._loader is not None:
            self._loader.join()
            self._loader = None
            error, self._load_error = self._load_error, None
            if error is not None:
                raise error
        if self._session is None:
            self._load()

    def _load(self) -> None:
        # Imported here on purpose: a warm scan whose vectors are all cached never pays for
        # onnxruntime's import and session start.
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model = self._model_dir / "model.int8.onnx"
        vocab = self._model_dir / "tokenizer.json"
        for path in (model, vocab):
            if not path.is_file():
                raise AuditorError(
                    f"built-in model file missing: {path}; reinstall auditor (pip install "
                    "--force-reinstall auditor)"
                )
        try:
            self._session = self._start(ort, model)
            tokenizer = Tokenizer.from_file(str(vocab))
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise AuditorError(
                f"cannot load the built-in model {model}: {exc}; reinstall auditor"
            ) from exc
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.no_padding()
        self._tokenizer = tokenizer

    def _options(self, ort: Any, level: Any) -> Any:
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.graph_optimization_level = level
        if self._threads:
            options.intra_op_num_threads = self._threads
        return options

    def _start(self, ort: Any, model: Path) -> Any:
        """A session on the optimized graph saved in the cache, saving it on the first start.

        Optimizing the graph is most of a session's start (bench/search.py's new query): ~0.23 s
        against ~0.1 s to load the saved result in ORT format with no optimization left to do.
        The saved graph is what EXTENDED makes of this model, so the vectors are the same to the
        bit (tests/test_local_embedder.py). It is keyed by onnxruntime's version and the model
        file's size and time; one that fails to load is made again.
        """
        providers = ["CPUExecutionProvider"]
        # EXTENDED builds the session in ~50 ms instead of ~130 ms for ALL, and runs this
        # quantized graph no slower (bench/precommit.py): it matters for the hook.
        extended = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        saved = optimized_path(self._cache_dir, model, ort.__version__)
        if saved is None:
            return ort.InferenceSession(
                str(model), sess_options=self._options(ort, extended), providers=providers
            )
        if saved.is_file():
            options = self._options(ort, ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
            options.add_session_config_entry("session.load_model_format", "ORT")
            with contextlib.suppress(Exception):  # damaged or foreign: made again below
                return ort.InferenceSession(str(saved), sess_options=options, providers=providers)
        partial = saved.with_name(f"{saved.name}.{os.getpid()}.partial")
        options = self._options(ort, extended)
        options.optimized_model_filepath = str(partial)
        options.add_session_config_entry("session.save_model_format", "ORT")
        try:
            saved.parent.mkdir(parents=True, exist_ok=True)
            session = ort.InferenceSession(str(model), sess_options=options, providers=providers)
            partial.replace(saved)
        except Exception:  # an unwritable cache: run from the model as shipped
            with contextlib.suppress(OSError):
                partial.unlink()
            options = self._options(ort, extended)
            session = ort.InferenceSession(str(model), sess_options=options, providers=providers)
        return session

    def known_vectors(self) -> Mapping[str, Vectors]:
        return shipped_vectors(self._model_dir / SHIPPED_VECTORS)

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        import numpy as np

        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        if self._ahead is not None:
            ahead = self._ahead.take(texts, DIMENSIONS)
            if ahead is not None:
                self._ahead = None
                return ahead
        self._ready()
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        # One text per run, on purpose. Dynamic int8 quantization scales activations by the
        # whole input tensor, so a text embedded beside others (and their padding) gets a
        # slightly different vector (measured: up to 0.023 per component). Alone, a text always
        # gets the same vector, in the hook, in a full audit and through `auditor serve`; and on
        # the CPU it is also the fastest way (bench: 51 texts/s alone vs 69 batched-but-unstable,
        # fp32 46 alone / 36 in batches of 32).
        for row, encoding in enumerate(self._tokenizer.encode_batch(list(texts))):
            ids = np.asarray([encoding.ids], dtype=np.int64)
            mask = np.ones_like(ids)
            (hidden,) = self._session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )
            out[row] = hidden[0].mean(axis=0)
        return normalize(out)
