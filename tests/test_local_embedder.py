"""The built-in model: offline, normalized, and the same vector for a text whatever its company."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from auditor.embed.local import DIMENSIONS, LocalEmbedder

CODE = [
    "def add(a, b):\n    return a + b",
    'cursor.execute(f"SELECT * FROM users WHERE id = {uid}")',
    "requests.get(url, verify=False)",
    "public int size() { return items.length; }\n" * 20,
]


def test_vectors_are_unit_length_and_sized() -> None:
    vectors = LocalEmbedder().embed_documents(CODE)
    assert vectors.shape == (len(CODE), DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_a_text_gets_the_same_vector_alone_or_in_a_batch() -> None:
    embedder = LocalEmbedder()
    together = embedder.embed_documents(CODE)
    for i, text in enumerate(CODE):
        alone = embedder.embed_documents([text])[0]
        assert np.array_equal(alone, together[i])


def test_similar_code_is_closer_than_unrelated_code() -> None:
    embedder = LocalEmbedder()
    sql = embedder.embed_documents(
        [
            'cur.execute("SELECT name FROM users WHERE id = %s" % user_id)',
            'db.query("SELECT * FROM orders WHERE customer = " + name)',
            "def area(r):\n    return 3.14159 * r * r",
        ]
    )
    assert float(sql[0] @ sql[1]) > float(sql[0] @ sql[2])


def test_the_shipped_rule_vectors_cover_the_shipped_rules_and_are_this_models() -> None:
    # Regenerate with `python tools/rule_vectors.py` after editing a shipped rule's texts.
    from auditor.embed.local import MODEL_DIR, SHIPPED_VECTORS, shipped_vectors
    from auditor.gate import text_hash
    from auditor.rules import load_rules, shipped_rules_dir

    rules = load_rules([shipped_rules_dir()])
    known = shipped_vectors(MODEL_DIR / SHIPPED_VECTORS)
    queries = {text_hash("query", r.description): r.description for r in rules}
    docs = {text_hash("doc", e.code): e.code for r in rules for e in r.violating}
    assert set(queries) | set(docs) <= set(known), "run tools/rule_vectors.py"
    embedder = LocalEmbedder()
    for digest, text in [*list(queries.items())[:2], *list(docs.items())[:3]]:
        fresh = (embedder.embed_queries if digest in queries else embedder.embed_documents)([text])
        assert float(fresh[0] @ known[digest]) > 0.99999


def test_a_fresh_cache_embeds_no_shipped_rule_text(tmp_path: Path) -> None:
    from auditor.cache import VectorCache
    from auditor.gate import rule_vectors
    from auditor.rules import load_rules, shipped_rules_dir

    cache = VectorCache(tmp_path, [])
    vectors, computed = rule_vectors(LocalEmbedder(), cache, load_rules([shipped_rules_dir()]))
    cache.close()
    assert computed == 0
    assert all(len(v) >= 2 for v in vectors.values())


def test_the_optimized_graph_saved_in_the_cache_gives_the_same_vectors(tmp_path: Path) -> None:
    import onnxruntime as ort

    from auditor.embed.local import MODEL_DIR, optimized_path

    shipped = LocalEmbedder().embed_documents(CODE)
    first = LocalEmbedder(cache_dir=tmp_path).embed_documents(CODE)  # optimizes and saves
    saved = optimized_path(tmp_path, MODEL_DIR / "model.int8.onnx", ort.__version__)
    assert saved is not None and saved.is_file()
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]  # no partial file left
    stamp = saved.stat().st_mtime_ns
    again = LocalEmbedder(cache_dir=tmp_path).embed_documents(CODE)  # loads the saved graph
    assert saved.stat().st_mtime_ns == stamp
    assert np.array_equal(first, shipped) and np.array_equal(again, shipped)


def test_a_damaged_saved_graph_is_made_again(tmp_path: Path) -> None:
    import onnxruntime as ort

    from auditor.embed.local import MODEL_DIR, optimized_path

    saved = optimized_path(tmp_path, MODEL_DIR / "model.int8.onnx", ort.__version__)
    assert saved is not None
    saved.parent.mkdir(parents=True)
    saved.write_bytes(b"\x14\x00\x00\x00ORTM" + b"\x00" * 64)
    vectors = LocalEmbedder(cache_dir=tmp_path).embed_documents(CODE[:2])
    assert np.array_equal(vectors, LocalEmbedder().embed_documents(CODE[:2]))
    assert saved.stat().st_size > 1_000_000


def test_an_unwritable_cache_still_runs_the_model(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    vectors = LocalEmbedder(cache_dir=blocker).embed_documents(CODE[:1])
    assert np.array_equal(vectors, LocalEmbedder().embed_documents(CODE[:1]))


def test_a_model_started_in_the_background_gives_the_same_vectors() -> None:
    embedder = LocalEmbedder()
    embedder.prepare()
    embedder.prepare()  # a second call starts nothing more
    vectors = embedder.embed_documents(CODE)
    embedder.close()
    assert np.array_equal(vectors, LocalEmbedder().embed_documents(CODE))


def test_a_background_start_that_fails_raises_where_the_model_is_needed(tmp_path: Path) -> None:
    import pytest

    from auditor.model import AuditorError

    embedder = LocalEmbedder(model_dir=tmp_path)
    embedder.prepare()
    with pytest.raises(AuditorError, match="built-in model file missing"):
        embedder.embed_documents(CODE[:1])
    embedder.close()
