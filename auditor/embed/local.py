"""The built-in backend: all-MiniLM-L6-v2 as int8 ONNX, run on the CPU by onnxruntime."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from auditor.embed.base import Embedder, Vectors, normalize
from auditor.model import AuditorError

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "all-MiniLM-L6-v2"
MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
MAX_TOKENS = 256
DIMENSIONS = 384


class LocalEmbedder(Embedder):
    """Mean pooling over the attention mask, L2-normalized, truncated at 256 tokens."""

    def __init__(self, model_dir: Path = MODEL_DIR, batch_size: int = 32, threads: int = 0) -> None:
        self._model_dir = model_dir
        self._batch_size = batch_size
        self._threads = threads
        self._session: Any = None
        self._tokenizer: Any = None

    @property
    def model_id(self) -> str:
        return MODEL_ID

    @property
    def dimensions(self) -> int:
        return DIMENSIONS

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
        options = ort.SessionOptions()
        options.log_severity_level = 3
        # EXTENDED builds the session in ~50 ms instead of ~130 ms for ALL, and runs this
        # quantized graph no slower (bench/precommit.py): it matters for the hook.
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        if self._threads:
            options.intra_op_num_threads = self._threads
        try:
            self._session = ort.InferenceSession(
                str(model), sess_options=options, providers=["CPUExecutionProvider"]
            )
            tokenizer = Tokenizer.from_file(str(vocab))
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise AuditorError(
                f"cannot load the built-in model {model}: {exc}; reinstall auditor"
            ) from exc
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.no_padding()
        self._tokenizer = tokenizer

    def embed_documents(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        if self._session is None:
            self._load()
        encodings = self._tokenizer.encode_batch(list(texts))
        # Sort by length so each batch pads to its own longest text, not the corpus's.
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            chunk = order[start : start + self._batch_size]
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                seq = encodings[i].ids
                ids[row, : len(seq)] = seq
                mask[row, : len(seq)] = 1
            (hidden,) = self._session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out[chunk] = pooled
        return normalize(out)
