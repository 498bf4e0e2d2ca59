"""Texts embedded ahead in a forked child (auditor/embed/ahead.py): the same vectors to the bit,
and whatever goes wrong in the child, the parent embeds the texts itself."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from auditor.embed.ahead import Ahead
from auditor.embed.local import DIMENSIONS, LocalEmbedder
from auditor.model import AuditorError

QUERY = ["where do we open database connection pools and never close them"]
OTHER = ["def close(pool):\n    pool.dispose()\n"]
linux = pytest.mark.skipif(sys.platform != "linux", reason="the child is forked on Linux only")


@linux
def test_the_childs_vectors_are_the_models_own_and_the_parent_never_loads_it(
    tmp_path: Path,
) -> None:
    expected = LocalEmbedder().embed_documents(QUERY)
    embedder = LocalEmbedder(cache_dir=tmp_path)
    embedder.prepare(QUERY)
    vectors = embedder.embed_documents(QUERY)
    assert embedder._session is None  # the child made them
    embedder.close()
    assert np.array_equal(vectors, expected)


@linux
def test_other_texts_first_are_embedded_here_and_the_child_still_answers() -> None:
    embedder = LocalEmbedder()
    embedder.prepare(QUERY)
    other = embedder.embed_documents(OTHER)
    assert embedder._ahead is not None  # still waiting for its texts
    vectors = embedder.embed_documents(QUERY)
    assert embedder._ahead is None
    embedder.close()
    plain = LocalEmbedder()
    assert np.array_equal(other, plain.embed_documents(OTHER))
    assert np.array_equal(vectors, plain.embed_documents(QUERY))


def test_a_child_that_cannot_load_the_model_leaves_the_error_to_the_parent(
    tmp_path: Path,
) -> None:
    embedder = LocalEmbedder(model_dir=tmp_path)
    embedder.prepare(QUERY)
    with pytest.raises(AuditorError, match="built-in model file missing"):
        embedder.embed_documents(QUERY)
    embedder.close()


def _fails(texts: list[str]) -> np.ndarray:
    raise RuntimeError("no model here")


@linux
def test_a_child_that_fails_gives_no_vectors_and_is_reaped() -> None:
    ahead = Ahead.start(QUERY, _fails)
    assert ahead is not None
    pid = ahead._pid
    assert ahead.take(QUERY, DIMENSIONS) is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # already reaped: no zombie left


@linux
def test_a_child_never_asked_is_stopped_and_reaped_on_close() -> None:
    ahead = Ahead.start(QUERY, lambda texts: np.zeros((len(texts), DIMENSIONS), np.float32))
    assert ahead is not None
    pid = ahead._pid
    assert ahead.take(OTHER, DIMENSIONS) is None  # not the texts it embeds
    ahead.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)
    assert ahead.take(QUERY, DIMENSIONS) is None  # closed: nothing more to take


def test_no_child_is_forked_beside_another_thread() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert Ahead.start(QUERY, _fails) is None
    finally:
        stop.set()
        other.join()
