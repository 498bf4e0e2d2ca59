"""Write the built-in model's vectors of the shipped rules' texts into the package.

    python tools/rule_vectors.py

Every rule's description (embedded as a query) and violating examples (as documents) are what
the gate compares code with; a fresh cache would embed them on its first run (about 150 texts,
3 s on 2 cores). They are computed here by the same model, one text at a time as always, and
stored under the same hashes as the vector cache uses, in
auditor/models/all-MiniLM-L6-v2/rule-vectors.npz. Run it after changing a shipped rule's
description or examples: `tests/test_local_embedder.py` fails until the file covers them all.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from auditor.embed.local import MODEL_DIR, SHIPPED_VECTORS, LocalEmbedder
from auditor.gate import text_hash
from auditor.rules import load_rules, shipped_rules_dir


def rule_texts() -> list[tuple[str, str, bool]]:
    """(hash, text, is a query) of every shipped rule's description and violating examples."""
    rules = load_rules([shipped_rules_dir()])
    out = [(text_hash("query", r.description), r.description, True) for r in rules]
    out += [(text_hash("doc", e.code), e.code, False) for r in rules for e in r.violating]
    return list({h: (h, t, q) for h, t, q in out}.values())


def main() -> int:
    embedder = LocalEmbedder()
    texts = rule_texts()
    vectors = np.vstack(
        [
            (embedder.embed_queries if query else embedder.embed_documents)([text])
            for _, text, query in texts
        ]
    ).astype(np.float32)
    target = MODEL_DIR / SHIPPED_VECTORS
    np.savez_compressed(target, hashes=np.array([h for h, _, _ in texts]), vectors=vectors)
    print(f"wrote {len(texts)} vectors to {target} ({target.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
