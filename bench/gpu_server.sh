#!/usr/bin/env bash
# Throughput of auditor's openai backend against SGLang serving Qwen3-Embedding on an NVIDIA GPU.
#
#   bench/gpu_server.sh [MODEL_PATH]
#
# Starts `python -m sglang.launch_server --is-embedding` on 127.0.0.1, waits for /health, runs
# bench/server.py against it (OpenAIEmbedder at concurrency 1/4/16, batch 64 and 16, beside the
# built-in CPU model in-process when onnxruntime is importable), prints the table and stops the
# server. A machine without internet access takes a local model directory as MODEL_PATH.
#
# Environment:
#   MODEL_PATH   model id or local directory (default Qwen/Qwen3-Embedding-4B); $1 wins
#   PORT         SGLang's port (default 30000)
#   PYTHON       interpreter with (or to receive) sglang (default python3)
#   WAIT_S       seconds to wait for /health (default 900: first runs download and compile)
#   SGLANG_ARGS  extra launch flags, e.g. "--mem-fraction-static 0.6"
#   BENCH_ARGS   extra bench/server.py flags, e.g. "--dimensions 1024 --snippets 800"
#   LOG          SGLang's log file (default /tmp/sglang-embedding.log)
#   SEARCH       non-empty: then run bench/search.py against the server too (SEARCH_ARGS: flags)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
model_path="${1:-${MODEL_PATH:-Qwen/Qwen3-Embedding-4B}}"
port="${PORT:-30000}"
python="${PYTHON:-python3}"
wait_s="${WAIT_S:-900}"
log="${LOG:-/tmp/sglang-embedding.log}"

if ! "$python" -c "import sglang" 2>/dev/null; then
  echo "gpu_server.sh: installing sglang with pip" >&2
  "$python" -m pip install sglang
fi
# The client side needs only numpy and openai, both sglang dependencies: run auditor from this
# checkout rather than installing it.
export PYTHONPATH="$repo${PYTHONPATH:+:$PYTHONPATH}"

# setsid: SGLang starts scheduler and detokenizer processes; its own process group lets the trap
# below stop all of them.
# shellcheck disable=SC2086  # SGLANG_ARGS is split into flags on purpose
setsid "$python" -m sglang.launch_server \
  --model-path "$model_path" --is-embedding --host 127.0.0.1 --port "$port" \
  ${SGLANG_ARGS:-} >"$log" 2>&1 &
server=$!

stop() {
  kill -TERM -- "-$server" 2>/dev/null || true
  for _ in $(seq 30); do
    kill -0 "$server" 2>/dev/null || return 0
    sleep 1
  done
  kill -KILL -- "-$server" 2>/dev/null || true
}
trap stop EXIT

echo "gpu_server.sh: waiting for SGLang ($model_path) on port $port; log: $log" >&2
deadline=$((SECONDS + wait_s))
until "$python" -c '
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/health", timeout=5)
' "$port" 2>/dev/null; do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "gpu_server.sh: SGLang exited; the end of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  if ((SECONDS > deadline)); then
    echo "gpu_server.sh: SGLang not healthy after ${wait_s}s; see $log" >&2
    exit 1
  fi
  sleep 5
done

local_row="--no-local"
if "$python" -c "import onnxruntime, tokenizers" 2>/dev/null; then
  local_row=""
fi
# The model name comes from the server's GET /v1/models.
# shellcheck disable=SC2086
"$python" "$here/server.py" --base-url "http://127.0.0.1:$port/v1" $local_row ${BENCH_ARGS:-}

# SEARCH=1: also the retrieval tables of bench/search.py (needs auditor's dependencies here:
# pip install .), with the served model; SEARCH_ARGS adds flags, e.g. "--dimensions 1024".
if [[ -n "${SEARCH:-}" ]]; then
  # shellcheck disable=SC2086
  "$python" "$here/search.py" --backend openai --base-url "http://127.0.0.1:$port/v1" \
    --model "$model_path" ${SEARCH_ARGS:-}
fi
