"""A few texts embedded ahead by the built-in model in a forked child, while this process works.

A warm search with a new query spends most of its time starting the model (importing numpy,
onnxruntime and tokenizers, loading the session: ~0.2 s on 2 cores) and the rest importing the
index and ranking code and refreshing the index (~0.2 s). A thread cannot overlap the two: both
are mostly Python holding the GIL (measured: a thread loading the model beside a Python loop
took 0.47-0.57 s, against 0.24 + 0.2 s one after the other). A child process runs on the other
core. A new interpreter would first pay its own start and numpy's import again (~0.13 s, which
ate the gain: measured no faster than the thread), so the child is forked, early, before numpy,
any thread or the model is loaded. It runs the same LocalEmbedder code, so its vectors are the
parent's to the bit (tests/test_ahead.py), writes them to a pipe and leaves without
any cleanup (os._exit: nothing of the parent's, such as its SQLite connection, is touched).

Linux only, and only while the process has no other thread (a thread could hold a lock the
child would copy). macOS forbids much after fork() in a process that may have loaded system
frameworks, and Windows has no fork; there, and whenever something fails (no child, a short
answer), the parent embeds the texts itself, as it would have without the child.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auditor.embed.base import Vectors


class Ahead:
    """The child embedding ``texts``; ``take`` collects its vectors, once."""

    def __init__(self, texts: Sequence[str], pid: int, pipe: int) -> None:
        self.texts = list(texts)
        self._pid = pid
        self._pipe: int | None = pipe

    @classmethod
    def start(cls, texts: Sequence[str], embed: Callable[[list[str]], Vectors]) -> Ahead | None:
        """The child, forked to run ``embed(texts)``; None where it cannot be."""
        if sys.platform != "linux" or threading.active_count() > 1:
            return None  # forking beside other threads could copy a lock one of them holds
        try:
            read, write = os.pipe()
        except OSError:
            return None
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return None
        if pid == 0:  # the child: never returns
            os.close(read)
            _child(list(texts), embed, write)
        os.close(write)
        return cls(texts, pid, read)

    def take(self, texts: Sequence[str], dimensions: int) -> Vectors | None:
        """The child's vectors if it embedded exactly ``texts`` and answered in full."""
        if self._pipe is None or list(texts) != self.texts:
            return None  # other texts (the index's new code, say): the child keeps going
        size = 4 * dimensions * len(self.texts)
        chunks: list[bytes] = []
        got = 0
        with contextlib.suppress(OSError):
            while got < size:
                chunk = os.read(self._pipe, size - got)
                if not chunk:
                    break  # the child ended early: it failed
                chunks.append(chunk)
                got += len(chunk)
        self.close()
        if got != size:
            return None
        import numpy as np

        vectors: Vectors = np.frombuffer(b"".join(chunks), dtype=np.float32)
        return vectors.reshape(-1, dimensions).copy()

    def close(self) -> None:
        """Stop the child if it still runs, and reap it."""
        if self._pipe is None:
            return
        os.close(self._pipe)
        self._pipe = None
        with contextlib.suppress(OSError):
            os.kill(self._pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(self._pid, 0)


def _child(texts: list[str], embed: Callable[[list[str]], Vectors], pipe: int) -> None:
    code = 1
    try:
        # Ctrl-C reaches the whole process group: the child just ends; the parent speaks.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        import numpy as np

        data = np.ascontiguousarray(embed(texts), dtype=np.float32).tobytes()
        view = memoryview(data)
        while view:
            view = view[os.write(pipe, view) :]
        code = 0
    except BaseException:  # the parent sees a short answer and embeds the texts itself
        pass
    finally:
        os._exit(code)
