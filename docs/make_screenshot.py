"""Render a realistic HTML report and take the screenshot shown in the docs (docs/report.png).

    python docs/make_screenshot.py                 # writes docs/report.png
    python docs/make_screenshot.py -o shot.png --html report.html

Needs Chromium (Debian: ``apt-get install chromium``). The findings are made up but typical:
real rule metadata from the shipped pack, plausible paths, functions and code, secrets masked
as auditor masks them. The first finding is shown expanded, as a reader would open it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from auditor import __version__
from auditor.model import CodeUnit, Finding, ScanResult, Skip
from auditor.report import Format, get_reporter
from auditor.report.base import ReportContext
from auditor.rules import load_rules, shipped_rules_dir

HERE = Path(__file__).resolve().parent
WIDTH, HEIGHT = 1280, 1720

# Opens the first finding, as if clicked, before the screenshot is taken.
EXPAND_FIRST = """<script>
document.querySelector("tr.finding") && document.querySelector("tr.finding").click();
</script>
"""

# (rule id, path, qualified name, first line, code, finding offset, lines, score, confirmed)
SAMPLES: tuple[tuple[str, str, str, int, str, int, int, float, bool], ...] = (
    (
        "sql-injection",
        "src/shop/orders/repository.py",
        "OrderRepository.find_by_customer",
        41,
        "def find_by_customer(self, customer_id, status=None):\n"
        '    query = f"SELECT id, total, created_at FROM orders WHERE customer_id = '
        "'{customer_id}'\"\n"
        "    if status:\n"
        "        query += f\" AND status = '{status}'\"\n"
        "    with self.pool.connection() as conn:\n"
        "        return conn.execute(query).fetchall()\n",
        1,
        3,
        0.71,
        True,
    ),
    (
        "hardcoded-secret",
        "config/settings/production.py",
        "<module>",
        1,
        'AWS_ACCESS_KEY_ID = "AKIA************MPLE"\n',
        0,
        0,
        0.66,
        True,
    ),
    (
        "tls-verification-disabled",
        "src/shop/billing/gateway.py",
        "PaymentGateway.capture",
        88,
        "def capture(self, charge_id, amount):\n"
        '    url = f"{self.base_url}/charges/{charge_id}/capture"\n'
        '    resp = requests.post(url, json={"amount": amount}, verify=False, timeout=10)\n'
        "    resp.raise_for_status()\n"
        "    return resp.json()\n",
        2,
        2,
        0.64,
        True,
    ),
    (
        "command-injection",
        "scripts/deploy.py",
        "restart_service",
        23,
        "def restart_service(host, service):\n"
        '    subprocess.run(f"ssh {host} sudo systemctl restart {service}", shell=True, '
        "check=True)\n",
        1,
        1,
        0.62,
        True,
    ),
    (
        "unsafe-deserialization",
        "src/shop/cache/session_store.py",
        "SessionStore.load",
        57,
        "def load(self, session_id):\n"
        '    raw = self.redis.get(f"session:{session_id}")\n'
        "    return pickle.loads(raw) if raw else None\n",
        2,
        2,
        0.59,
        True,
    ),
    (
        "xss",
        "web/src/components/CommentBody.tsx",
        "CommentBody",
        12,
        "export function CommentBody({ comment }: Props) {\n"
        '  return <div className="comment"'
        " dangerouslySetInnerHTML={{ __html: comment.body }} />;\n"
        "}\n",
        1,
        1,
        0.57,
        True,
    ),
    (
        "path-traversal",
        "internal/api/files.go",
        "Server.download",
        134,
        "func (s *Server) download(w http.ResponseWriter, r *http.Request) {\n"
        '\tname := r.URL.Query().Get("name")\n'
        "\thttp.ServeFile(w, r, filepath.Join(s.uploadDir, name))\n"
        "}\n",
        1,
        2,
        0.55,
        True,
    ),
    (
        "weak-password-hash",
        "src/shop/auth/passwords.py",
        "hash_password",
        9,
        "def hash_password(password, salt):\n"
        '    return hashlib.md5((salt + password).encode("utf-8")).hexdigest()\n',
        1,
        1,
        0.53,
        True,
    ),
    (
        "insecure-randomness",
        "src/shop/auth/tokens.py",
        "new_reset_token",
        17,
        "def new_reset_token(length=32):\n"
        "    alphabet = string.ascii_letters + string.digits\n"
        '    return "".join(random.choice(alphabet) for _ in range(length))\n',
        2,
        2,
        0.49,
        True,
    ),
    (
        "sensitive-data-in-logs",
        "src/shop/api/views/login.py",
        "LoginView.post",
        30,
        "def post(self, request):\n"
        '    logger.info("login attempt user=%s password=%s", request.data["user"],'
        ' request.data["password"])\n',
        1,
        1,
        0.47,
        True,
    ),
    (
        "unused-connection-pool",
        "src/shop/reports/export.py",
        "export_monthly",
        62,
        "def export_monthly(month):\n"
        "    pool = psycopg_pool.ConnectionPool(settings.REPORTS_DSN, max_size=4)\n"
        "    rows = fetch_rows(month)\n"
        "    return write_csv(rows)\n",
        1,
        1,
        0.44,
        False,
    ),
    (
        "sql-injection",
        "src/shop/catalog/search.py",
        "search_products",
        18,
        "def search_products(db, term, sort):\n"
        '    sql = "SELECT id, name, price FROM products WHERE name LIKE \'%" + term + "%\'"\n'
        '    sql += " ORDER BY " + sort\n'
        "    return db.execute(sql).fetchall()\n",
        1,
        2,
        0.68,
        True,
    ),
    (
        "sql-injection",
        "internal/store/users.go",
        "UserStore.ByEmail",
        77,
        "func (s *UserStore) ByEmail(ctx context.Context, email string) (*User, error) {\n"
        "\tq := fmt.Sprintf(\"SELECT id, name FROM users WHERE email = '%s'\", email)\n"
        "\trow := s.db.QueryRowContext(ctx, q)\n"
        "\treturn scanUser(row)\n"
        "}\n",
        1,
        2,
        0.6,
        True,
    ),
    (
        "hardcoded-secret",
        "deploy/docker/entrypoint.py",
        "<module>",
        1,
        'STRIPE_API_KEY = "sk_live_********************3xQ9"\n',
        0,
        0,
        0.58,
        True,
    ),
    (
        "xss",
        "src/shop/api/views/search.py",
        "search_page",
        44,
        "def search_page(request):\n"
        '    q = request.GET.get("q", "")\n'
        '    return HttpResponse(f"<h1>Results for {q}</h1>")\n',
        2,
        2,
        0.52,
        True,
    ),
)

SKIPPED = (
    Skip("web/public/logo.png", "binary"),
    Skip("web/public/favicon.ico", "binary"),
    Skip("web/dist/app.min.js", "minified"),
    Skip("src/shop/migrations/0042_auto.py", "generated"),
    Skip("third_party/vendor/jquery.js", "vendored"),
    Skip("data/fixtures/catalog.sql", "too large"),
)


def sample_result() -> ScanResult:
    """A scan of a made-up shop service, with one finding per common rule."""
    rules = {rule.id: rule for rule in load_rules([shipped_rules_dir()])}
    findings = []
    for rule_id, path, qualname, first, code, offset, last, score, confirmed in SAMPLES:
        language = _language(path)
        kind = "module" if qualname == "<module>" else "function"
        end = first + code.count("\n") - 1
        unit = CodeUnit(path, language, qualname, kind, first, end, code)
        start = first + offset
        stop = first + last
        findings.append(
            Finding(
                rule=rules[rule_id],
                unit=unit,
                score=score,
                start_line=start,
                end_line=stop,
                confirmed=confirmed,
                snippet=unit.lines(start, stop),
                detail=_masked(code) if rule_id == "hardcoded-secret" else "",
            )
        )
    return ScanResult(
        findings=tuple(findings),
        rules=tuple(rules.values()),
        units_scanned=1843,
        files_scanned=212,
        skipped=SKIPPED,
        embedded=96,
        model="sentence-transformers/all-MiniLM-L6-v2@384",
    )


def _masked(code: str) -> str:
    return code.split('"')[1]


def _language(path: str) -> str:
    suffix = Path(path).suffix
    return {".py": "python", ".go": "go", ".tsx": "tsx"}.get(suffix, "python")


def render_html(result: ScanResult) -> str:
    context = ReportContext(repo_root="/src/shop", tool_version=__version__, category="full")
    return get_reporter(Format.HTML).render(result, context)


def screenshot(html_path: Path, png_path: Path, width: int = WIDTH, height: int = HEIGHT) -> None:
    """Have headless Chromium load ``html_path`` and save the viewport as ``png_path``."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("chromium not found (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="auditor-chromium-") as profile:
        subprocess.run(
            [
                browser,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "--virtual-time-budget=2000",
                f"--screenshot={png_path}",
                html_path.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=HERE / "report.png")
    parser.add_argument("--html", type=Path, help="also keep the rendered report here")
    args = parser.parse_args(argv)
    page = render_html(sample_result())
    shown = page.replace("</body>", EXPAND_FIRST + "</body>", 1)
    with tempfile.TemporaryDirectory(prefix="auditor-shot-") as tmp:
        html_path = Path(tmp) / "report.html"
        html_path.write_text(shown, encoding="utf-8")
        screenshot(html_path, args.output)
    if args.html:
        args.html.write_text(page, encoding="utf-8")
    size = args.output.stat().st_size
    print(f"wrote {args.output} ({size // 1024} KB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
