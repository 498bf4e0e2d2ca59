"""`auditor serve`: an OpenAI-compatible embeddings endpoint over the built-in model."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any


def add_parser(sub: Any) -> None:
    serve = sub.add_parser(
        "serve",
        help="serve the built-in model as an OpenAI-compatible /v1/embeddings endpoint",
        description="Share one CPU model across a team's hooks and CI jobs: POST /v1/embeddings, "
        "GET /v1/models. Concurrent requests are batched together. Needs auditor[serve].",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    serve.add_argument(
        "--max-inputs", type=int, default=2048, help="most inputs in one request (2048; more: 413)"
    )
    serve.add_argument(
        "--max-input-chars",
        type=int,
        default=100_000,
        help="longest input in characters (100000; longer: 413)",
    )
    serve.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace, environ: Mapping[str, str]) -> int:
    # Imported on use: starlette and uvicorn are the optional 'serve' extra.
    from auditor import serve

    return serve.run(
        args.host, args.port, max_inputs=args.max_inputs, max_input_chars=args.max_input_chars
    )
