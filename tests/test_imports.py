"""Guards on how auditor's native dependencies load together."""

from __future__ import annotations

import subprocess
import sys


def test_usearch_then_onnxruntime_does_not_crash() -> None:
    # The scan imports usearch first and onnxruntime only when a vector is missing; some usearch
    # releases (2.26.2+) segfault in exactly that order, so the pin in pyproject.toml matters.
    code = "import usearch.index\nimport onnxruntime\nprint('ok')"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_importing_the_cli_loads_no_model_runtime() -> None:
    # A warm hook run should not pay for onnxruntime or the openai client at import time.
    code = (
        "import sys, auditor.cli\n"
        "print(sorted(m for m in ('onnxruntime', 'openai', 'starlette') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "[]"
