"""The built-in model: offline, normalized, and the same vector for a text whatever its company."""

from __future__ import annotations

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
