"""Template XSS sinks on template files on disk that nobody here wrote, listed for reading.

    python bench/templates.py [ROOT ...]

Walks each ROOT (default: the interpreter's lib directory and /usr/lib) for HTML and template
files (Jinja2/Django, EJS, Handlebars/Mustache, Pug, ERB, JSP, Vue), runs the template detector
on each, and prints every sink with its line, then the count per kind of sink and the time per
file. Generated HTML (rustdoc, Sphinx: a generator meta tag) is left out.
"""

from __future__ import annotations

import argparse
import sysconfig
import time
from collections import Counter
from pathlib import Path

from auditor.analysis.detectors.templates import find_template_sinks

SUFFIXES = (".html", ".htm", ".j2", ".jinja", ".jinja2", ".njk", ".ejs", ".hbs", ".handlebars",
            ".mustache", ".pug", ".jade", ".erb", ".jsp", ".vue")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = [Path(sysconfig.get_paths()["stdlib"]), Path("/usr/lib")]
    parser.add_argument("roots", nargs="*", type=Path, default=default)
    args = parser.parse_args()
    kinds: Counter[str] = Counter()
    files = 0
    started = time.perf_counter()
    for root in args.roots:
        for path in sorted(p for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file()):
            text = path.read_text(encoding="utf-8", errors="replace")
            if len(text) > 1_000_000 or '<meta name="generator"' in text[:4000]:
                continue
            files += 1
            for sink in find_template_sinks(text, str(path)):
                kinds[sink.what] += 1
                print(f"{path}:{sink.line + 1}: {sink.what}: {sink.text}")
    seconds = time.perf_counter() - started
    per_file = 1000 * seconds / max(files, 1)
    print(f"\n{sum(kinds.values())} sinks in {files} files ({per_file:.2f} ms per file)")
    for what, n in kinds.most_common():
        print(f"  {n:4}  {what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
