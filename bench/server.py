"""Throughput through an embeddings server, beside the built-in model in-process.

By default starts ``python -m auditor.serve --port 0`` and compares, on the same machine in the
same run, functions/s of the in-process LocalEmbedder against OpenAIEmbedder through the server
at several client concurrencies and batch sizes. ``--base-url`` targets an external server
instead (SGLang on a GPU: see bench/gpu_server.sh). Snippets are functions from the Python
standard library on disk, cut out with ``ast``. Each figure is the median of ``--runs`` runs.

    python bench/server.py
    python bench/server.py --base-url http://127.0.0.1:30000/v1 --no-local
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import statistics
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from auditor.embed.base import Embedder
from auditor.embed.openai import OpenAIEmbedder


def stdlib_functions(count: int, min_chars: int = 80, max_chars: int = 4000) -> list[str]:
    """``count`` function definitions spread evenly over the standard library's modules."""
    root = Path(sysconfig.get_paths()["stdlib"])
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        if any(part in {"test", "tests", "idlelib", "site-packages"} for part in path.parts):
            continue
        try:
            source = path.read_text(encoding="utf-8")
            tree = ast.parse(source)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        # Whole lines by line number: ast.get_source_segment re-splits the file on every call.
        lines = source.splitlines(keepends=True)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                text = "".join(lines[node.lineno - 1 : node.end_lineno])
                if min_chars <= len(text) <= max_chars:
                    found.append(text)
    if len(found) < count:
        raise SystemExit(f"only {len(found)} functions found under {root}")
    step = len(found) / count
    return [found[int(i * step)] for i in range(count)]


def median_rate(run: Callable[[], object], items: int, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return items / statistics.median(times)


def start_auditor_serve() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "auditor.serve", "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        match = re.search(r"listening on (http://\S+/v1)", line)
        if match:
            # Keep draining stderr so a chatty server never blocks on a full pipe.
            threading.Thread(target=process.stderr.read, daemon=True).start()
            return process, match.group(1)
    process.wait()
    raise SystemExit(f"auditor serve did not start (exit {process.returncode})")


def served_model(base_url: str, api_key: str) -> str:
    import openai

    client = openai.OpenAI(base_url=base_url, api_key=api_key or "EMPTY", max_retries=0)
    try:
        return next(iter(client.models.list())).id
    except (openai.OpenAIError, StopIteration) as exc:
        raise SystemExit(f"cannot list models at {base_url}/models: {exc}; pass --model") from exc
    finally:
        client.close()


def parse_ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="an external server's /v1 URL (default: auditor serve)")
    parser.add_argument("--model", help="model name at --base-url (default: its GET /v1/models)")
    parser.add_argument("--dimensions", type=int, help="cut vectors to this length")
    parser.add_argument("--snippets", type=int, default=400)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=parse_ints, default=[1, 4, 16])
    parser.add_argument("--batch-sizes", type=parse_ints, default=[64, 16])
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--no-local", action="store_true", help="skip the in-process row")
    args = parser.parse_args(argv)

    texts = stdlib_functions(args.snippets)
    api_key = os.environ.get("AUDITOR_API_KEY") or os.environ.get("OPENAI_API_KEY") or ""
    process = None
    if args.base_url:
        base_url = args.base_url.rstrip("/")
        model = args.model or served_model(base_url, api_key)
        where = f"external server {base_url}"
    else:
        process, base_url = start_auditor_serve()
        model = "sentence-transformers/all-MiniLM-L6-v2"
        where = f"auditor serve subprocess at {base_url}"

    chars = sum(map(len, texts)) / len(texts)
    print(f"{len(texts)} stdlib functions (mean {chars:.0f} chars), median of {args.runs} runs")
    print(f"{os.cpu_count()} CPUs; server: {where}; model: {model}")
    if args.base_url and not args.no_local:
        print("in-process row: the built-in all-MiniLM-L6-v2 on this CPU, a smaller model")
    rows: list[tuple[str, str, str, float]] = []
    try:
        if not args.no_local:
            from auditor.embed.local import LocalEmbedder

            local = LocalEmbedder()
            # One untimed pass: onnxruntime keeps growing its arenas over the first few calls.
            local.embed_documents(texts)
            rate = median_rate(lambda: local.embed_documents(texts), len(texts), args.runs)
            rows.append(("in-process LocalEmbedder", "32", "-", rate))
            local.close()
        warm = OpenAIEmbedder(base_url, model, api_key, dimensions=args.dimensions, timeout=120)
        warm.embed_documents(texts)  # the same untimed pass for the server
        warm.close()
        for batch in args.batch_sizes:
            for concurrency in args.concurrency:
                remote: Embedder = OpenAIEmbedder(
                    base_url,
                    model,
                    api_key,
                    dimensions=args.dimensions,
                    batch_size=batch,
                    concurrency=concurrency,
                    timeout=args.timeout,
                )
                remote.embed_documents(texts[:batch])  # connect and warm outside the timing
                rate = median_rate(
                    lambda e=remote: e.embed_documents(texts),  # type: ignore[misc]
                    len(texts),
                    args.runs,
                )
                rows.append(("OpenAIEmbedder -> server", str(batch), str(concurrency), rate))
                remote.close()
    finally:
        if process is not None:
            process.terminate()
            process.wait(10)

    baseline = rows[0][3] if not args.no_local else None
    header = f"| {'backend':<26} | batch | concurrency | functions/s | vs in-process |"
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for name, batch, concurrency, rate in rows:
        ratio = f"{rate / baseline:.2f}x" if baseline else "-"
        print(f"| {name:<26} | {batch:>5} | {concurrency:>11} | {rate:>11.1f} | {ratio:>13} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
