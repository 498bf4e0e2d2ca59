"""The fuzzed bad-input suite: generated files in every language, scanned in every mode and format.

Hypothesis writes valid samples in each supported language and text format, mutated (truncated,
bytes flipped, random bytes, NULs, BOM, CRLF/CR, mixed encodings, deep nesting, long lines, bad
UTF-8) under odd names (spaces, newlines, unicode, bidi), with symlinks into and out of the
repository and files that vanish before reading, into a real git repository; auditor scans it
with --staged, --diff and --all, writing every format from each run. Properties: exit 0 or 1 (2
only with a one-line message), never a traceback or an internal error, SARIF schema-valid, no
planted secret ever in full in any output, the repository's files and index untouched.

A fixed number of examples keeps the run inside CI's budget (AUDITOR_FUZZ_EXAMPLES for more);
with CI=true the examples are derandomized; `pytest --hypothesis-seed=N` replays a run.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import random
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from auditor.cli import main
from auditor.report import Format
from tests import fuzz_inputs as fi
from tests.conftest import git
from tests.sarif_check import validate_sarif

EXAMPLES = int(os.environ.get("AUDITOR_FUZZ_EXAMPLES", "40"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the working tree
    derandomize=os.environ.get("CI", "").lower() == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
BASE_KEY = "AKIA" + "Q7RZ2M4XK9TB3WNP"  # the committed samples' key
OUTSIDE_KEY = "AKIA" + "H5VC8LD2JQ6YF3GS"  # in a file outside the repository, behind a link
FORMATS = [f for f in Format if f is not Format.TEXT]
# Twelve names, one per language in the all-mutations example.
ALL_NAMES = (
    "plain",
    "with space",
    "new\nline",
    "tab\there",
    "ünï",
    "漢字",
    "emoji 🙂",
    "\u202eevil",
    "quote'\"",
    "star*?",
    "-dash",
    "back\\slash",
)


@dataclass
class Outcome:
    code: int
    stderr: str
    outputs: dict[str, str]  # format -> what it wrote


def snapshot(repo: Path) -> dict[str, str]:
    """A hash of every file (a link by its target) under the repository, and of the index."""
    digests: dict[str, str] = {}
    for folder, dirs, files in os.walk(repo):
        dirs[:] = [d for d in dirs if not (folder == str(repo) and d == ".git")]
        for name in [*files, *(d for d in dirs if os.path.islink(os.path.join(folder, d)))]:
            path = os.path.join(folder, name)
            if os.path.islink(path):
                digests[path] = "link:" + os.readlink(path)
            else:
                digests[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    digests["<index>"] = hashlib.sha256((repo / ".git" / "index").read_bytes()).hexdigest()
    return digests


def scan(repo: Path, out: Path, cache: Path, *selection: str) -> Outcome:
    """One in-process run writing text to stdout and every other format to files."""
    out.mkdir(parents=True, exist_ok=True)
    files = {f.value: out / f"report.{f.value}" for f in FORMATS}
    args = ["scan", *selection, "--format", "text"]
    for fmt, path in files.items():
        args += ["--also", f"{fmt}:{path}"]
    environ = {"AUDITOR_CACHE_DIR": str(cache), "PATH": os.environ.get("PATH", "")}
    stdout, stderr = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    os.chdir(repo)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(args, environ)
    finally:
        os.chdir(previous)
    outputs = {"text": stdout.getvalue()}
    outputs.update({fmt: p.read_text(encoding="utf-8") for fmt, p in files.items() if p.exists()})
    for path in files.values():
        path.unlink(missing_ok=True)
    return Outcome(code, stderr.getvalue(), outputs)


def expected_files(repo: Path, selection: tuple[str, ...]) -> int:
    """How many files the selection must account for, scanned or skipped: nothing silently."""
    if selection[0] == "--all":
        return len([n for n in git(repo, "ls-files", "-z").split("\0") if n])
    args = ["--cached"] if selection[0] == "--staged" else ["HEAD~1", "HEAD"]
    out = git(repo, "diff", "--numstat", "-z", "--no-renames", "--diff-filter=ACMR", *args)
    records = [r.split("\t") for r in out.split("\0") if r]
    return sum(1 for added, *_ in records if added == "-" or int(added) > 0)


def check(outcome: Outcome, planted: list[str], expected: int, figures: Counter[str]) -> None:
    """Every property, on one run's outputs."""
    figures["scans run"] += 1
    err = outcome.stderr
    assert "Traceback" not in err and "internal error" not in err, err
    if outcome.code == 2:
        assert len(err.strip().splitlines()) == 1 and err.startswith("auditor: error:"), err
        figures["runs ending in a one-line error"] += 1
        return
    assert outcome.code in (0, 1), (outcome.code, err)
    assert set(outcome.outputs) == {"text", *(f.value for f in FORMATS)}
    sarif = json.loads(outcome.outputs["sarif"])
    validate_sarif(sarif)
    summary = json.loads(outcome.outputs["json"])["summary"]
    assert summary["files_scanned"] + summary["files_skipped"] == expected, summary
    for fmt, text in [*outcome.outputs.items(), ("stderr", err)]:
        figures["formats checked"] += fmt != "stderr"
        for key in planted:
            assert key not in text, f"{key} unmasked in {fmt}"
    figures["findings reported"] += len(sarif["runs"][0]["results"])


def write_bytes(repo: Path, name: str, data: bytes) -> None:
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def build_base(repo: Path) -> None:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "commit.gpgsign", "false")
    git(repo, "config", "core.autocrlf", "false")
    for ext, sample in fi.SAMPLES.items():
        write_bytes(repo, f"base/sample.{ext}", sample.format(key=BASE_KEY).encode())
    for name, text in fi.TEXT_FILES.items():
        write_bytes(repo, name, text.format(key=BASE_KEY).encode())
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")


def run_example(
    root: Path,
    cache: Path,
    key: str,
    files: list[tuple[str, str, str, int]],
    specials: tuple[bool, bool, bool, bool],
    figures: Counter[str],
) -> None:
    figures["examples"] += 1
    repo, out = root / "repo", root / "out"
    repo.mkdir(parents=True)
    build_base(repo)
    planted = [key, BASE_KEY, OUTSIDE_KEY]
    names = []
    for i, (ext, stem, mutation, seed) in enumerate(files):
        data = fi.mutate(
            fi.SAMPLES[ext].format(key=key).encode(), ext, mutation, random.Random(seed)
        )
        name = f"f{i}/{stem}.{ext}"
        write_bytes(repo, name, data)
        names.append(name)
        figures[f"mutation {mutation}"] += 1
        figures["files generated"] += 1
        figures["names with a space or newline"] += any(c in stem for c in " \t\n")
        figures["names beyond ASCII"] += not stem.isascii()
    # A changed committed file, so --staged and --diff see changed lines in a known file.
    ext, _, mutation, seed = files[0]
    base = repo / f"base/sample.{ext}"
    base.write_bytes(fi.mutate(base.read_bytes(), ext, mutation, random.Random(seed + 1)))
    link_in, link_out, vanish, swap = specials
    if link_in:
        os.symlink("base/sample.py", repo / "link-in.py")
    if link_out:
        outside = root / "outside" / "secret.py"
        write_bytes(root, "outside/secret.py", fi.SAMPLES["py"].format(key=OUTSIDE_KEY).encode())
        os.symlink(outside, repo / "link-out.py")
        os.symlink(root / "outside", repo / "dir-out")
    git(repo, "add", "-A")

    def scanned(*selection: str) -> None:
        before = snapshot(repo)
        expected = expected_files(repo, selection)
        check(scan(repo, out, cache, *selection), planted, expected, figures)
        assert snapshot(repo) == before, "the scan changed the repository"

    scanned("--staged")
    git(repo, "commit", "-q", "--no-verify", "-m", "fuzzed")
    scanned("--diff", "HEAD~1...HEAD")
    if vanish:  # listed by git, gone from the work tree
        (repo / names[-1]).unlink()
    if swap:  # a tracked file that is now a directory
        (repo / "base/sample.rb").unlink()
        write_bytes(repo, "base/sample.rb/inner.py", b"x = 1\n")
    scanned("--all")
    figures["specials"] += sum(specials)


def test_fuzzed_inputs_keep_every_property(tmp_path: Path, shared_cache: Path) -> None:
    figures: Counter[str] = Counter()
    counter = iter(range(10**6))

    @FUZZ_SETTINGS
    @example(  # every mutation and language at least once, whatever the seed
        key="AKIA" + "Z8W4N2Q6R1T5Y3U7",
        files=[
            (ext, name, mutation, seed)
            for seed, (ext, name, mutation) in enumerate(
                zip(fi.EXTENSIONS, ALL_NAMES, fi.MUTATIONS, strict=True)
            )
        ],
        specials=(True, True, True, True),
    )
    @given(
        key=fi.keys,
        files=st.lists(fi.fuzzed_file, min_size=1, max_size=6),
        specials=st.tuples(st.booleans(), st.booleans(), st.booleans(), st.booleans()),
    )
    def fuzz_one(
        key: str, files: list[tuple[str, str, str, int]], specials: tuple[bool, bool, bool, bool]
    ) -> None:
        root = tmp_path / f"ex{next(counter)}"
        try:
            run_example(root, shared_cache, key, files, specials, figures)
        finally:
            shutil.rmtree(root, ignore_errors=True)

    fuzz_one()
    print("\nfuzz figures:", json.dumps(dict(sorted(figures.items())), indent=1))


def test_huge_inputs_keep_every_property(tmp_path: Path, shared_cache: Path) -> None:
    """A single 5 MB line and 100,000 tiny functions, in every mode and format."""
    figures: Counter[str] = Counter()
    repo, out = tmp_path / "repo", tmp_path / "out"
    repo.mkdir()
    build_base(repo)
    key = "AKIA" + "M3TQ8ZK2VX7RB5NW"
    line = f'aws_access_key_id = "{key}"; x = "' + "a" * 5_000_000 + '"\n'
    write_bytes(repo, "one_line.py", line.encode())
    write_bytes(repo, "one_line.js", ("var a=" + "1+" * 2_500_000 + "1;\n").encode())
    tiny = "".join(f"def f{i}():\n    pass\n" for i in range(100_000))
    write_bytes(repo, "tiny.py", tiny.encode())
    git(repo, "add", "-A")
    planted = [key, BASE_KEY]
    for selection in (("--staged",), ("--all",)):
        before = snapshot(repo)
        expected = expected_files(repo, selection)
        check(scan(repo, out, shared_cache, *selection), planted, expected, figures)
        assert snapshot(repo) == before
    skipped = json.loads(scan(repo, out, shared_cache, "--all").outputs["json"])["skipped"]
    reasons = {s["path"]: s["reason"] for s in skipped}
    assert reasons["one_line.py"] == reasons["one_line.js"] == reasons["tiny.py"] == "too large"
    # Under a raised limit the 5 MB lines are read, and recognised as minified.
    raised = scan(
        repo, out, shared_cache, "--all", "--max-file-bytes", "6000000", "--exclude", "tiny.py"
    )
    check(raised, planted, expected_files(repo, ("--all",)) - 1, figures)
    skipped = json.loads(raised.outputs["json"])["skipped"]
    reasons = {s["path"]: s["reason"] for s in skipped}
    assert reasons["one_line.py"] == reasons["one_line.js"] == "minified"
