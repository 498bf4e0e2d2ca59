"""The confirmation stage: every shipped example, the planted problems and their look-alikes."""

from __future__ import annotations

import textwrap

import pytest

from auditor import evidence
from auditor.model import CodeUnit, Confirmation, Evidence, Example, Pattern, Rule, Severity
from auditor.rules import load_rules, shipped_rules_dir


def confirm(rule: Rule, unit: CodeUnit) -> Confirmation | None:
    """The first confirmation (these tests pin one region per unit), or None."""
    found = evidence.confirm(rule, unit)
    return found[0] if found else None


RULES = {rule.id: rule for rule in load_rules([shipped_rules_dir()])}
# Assembled at run time so the repository never holds a live-looking key.
STRIPE_KEY = "sk_live_" + "51Hx9QmT7vLp2KcR8wZy4NdA3"
AWS_KEY_ID = "AKIA" + "Z3MQ4YW2PLX7VB6N"


def unit(code: str, language: str, start_line: int = 1, kind: str = "function") -> CodeUnit:
    text = textwrap.dedent(code).strip("\n")
    return CodeUnit(
        path=f"example.{language}",
        language=language,
        qualname="f" if kind != "module" else "<module>",
        kind=kind,
        start_line=start_line,
        end_line=start_line + text.count("\n"),
        text=text,
    )


def example_cases(kind: str) -> list[tuple[str, int, Example]]:
    cases = []
    for rule in RULES.values():
        examples = rule.violating if kind == "violating" else rule.safe
        for index, example in enumerate(examples):
            if rule.evidence_for(example.language) is not None:
                cases.append((rule.id, index, example))
    return cases


def case_id(case: tuple[str, int, Example]) -> str:
    return f"{case[0]}[{case[1]}]-{case[2].language}"


# -- every example of the shipped pack ------------------------------------------------------------


@pytest.mark.parametrize("case", example_cases("violating"), ids=case_id)
def test_violating_example_is_confirmed_on_a_few_lines(case: tuple[str, int, Example]) -> None:
    rule_id, _, example = case
    found = confirm(RULES[rule_id], unit(example.code, example.language, start_line=40))
    assert found is not None
    assert 40 <= found.start_line <= found.end_line
    assert found.end_line - found.start_line <= 2  # the offending line(s), not the function


@pytest.mark.parametrize("case", example_cases("safe"), ids=case_id)
def test_safe_example_is_not_confirmed(case: tuple[str, int, Example]) -> None:
    rule_id, _, example = case
    assert confirm(RULES[rule_id], unit(example.code, example.language)) is None


# -- the planted problems, with the exact line of the region --------------------------------------


def lines_of(rule_id: str, code: str, language: str, start_line: int = 1, kind: str = "function"):
    found = confirm(RULES[rule_id], unit(code, language, start_line, kind))
    return None if found is None else (found.start_line, found.end_line)


def test_python_fstring_sql() -> None:
    code = """
        def find_user(conn, name):
            cursor = conn.cursor()
            cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
            return cursor.fetchone()
    """
    assert lines_of("sql-injection", code, "python", start_line=9) == (11, 11)


def test_python_verify_false() -> None:
    code = """
        def fetch(url):
            response = requests.get(url, verify=False)
            return response.json()
    """
    assert lines_of("tls-verification-disabled", code, "python", start_line=15) == (16, 16)


@pytest.mark.parametrize(
    ("language", "code", "key_line"),
    [
        ("python", f'import requests\n\nAPI_KEY = "{STRIPE_KEY}"\n', 3),
        ("python", f'AWS_ACCESS_KEY_ID = "{AWS_KEY_ID}"\n', 1),
        ("javascript", f'const x = require("express");\n\nconst apiKey = "{AWS_KEY_ID}";\n', 3),
        (
            "java",
            f'class Billing {{\n    private static final String API_KEY = "{STRIPE_KEY}";\n}}',
            2,
        ),
    ],
)
def test_live_looking_key(language: str, code: str, key_line: int) -> None:
    found = confirm(RULES["hardcoded-secret"], unit(code, language, start_line=1, kind="module"))
    assert found is not None
    assert (found.start_line, found.end_line) == (key_line, key_line)
    assert found.detail.startswith("secret ")
    assert STRIPE_KEY not in found.detail
    assert AWS_KEY_ID not in found.detail


def test_javascript_exec_concatenation() -> None:
    code = """
        app.get("/list", (req, res) => {
          exec("ls " + req.query.dir, (err, stdout) => {
            res.send(stdout);
          });
        });
    """
    assert lines_of("command-injection", code, "javascript", start_line=6) == (7, 7)


def test_java_md5_password() -> None:
    code = """
        public String hashPassword(String password) throws NoSuchAlgorithmException {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            byte[] hash = digest.digest(password.getBytes(StandardCharsets.UTF_8));
            return String.format("%032x", new BigInteger(1, hash));
        }
    """
    assert lines_of("weak-password-hash", code, "java", start_line=9) == (10, 10)


# -- the look-alikes ---------------------------------------------------------------------------


LOOKALIKES = [
    (
        "sql-injection",
        "python",
        """
        def find_user(cursor, uid):
            cursor.execute("SELECT id, name FROM users WHERE id = %s", (uid,))
            return cursor.fetchone()
        """,
    ),
    (
        "tls-verification-disabled",
        "python",
        """
        def fetch(url):
            return requests.get(url, verify="/etc/ssl/ca.pem", timeout=5).json()
        """,
    ),
    ("hardcoded-secret", "python", 'API_KEY = os.environ["API_KEY"]\n'),
    (
        "command-injection",
        "javascript",
        """
        function list(dir, res) {
          if (!ALLOWED.includes(dir)) throw new Error("bad dir");
          execFile("ls", [dir], (err, out) => res.send(out));
        }
        """,
    ),
    (
        "weak-password-hash",
        "python",
        """
        def hash_password(password, salt):
            return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)
        """,
    ),
    (
        "weak-password-hash",
        "python",
        """
        def checksum(path):
            with open(path, "rb") as fh:
                return hashlib.sha256(fh.read()).hexdigest()
        """,
    ),
    (
        "insecure-randomness",
        "python",
        """
        def new_session_token():
            return secrets.token_urlsafe(32)
        """,
    ),
    (
        "insecure-randomness",
        "python",
        """
        def deal(deck, seed):
            random.Random(seed).shuffle(deck)
            return deck
        """,
    ),
]


@pytest.mark.parametrize(("rule_id", "language", "code"), LOOKALIKES)
def test_lookalike_is_not_confirmed(rule_id: str, language: str, code: str) -> None:
    assert lines_of(rule_id, code, language) is None


# -- comments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_id", "language", "code"),
    [
        (
            "sql-injection",
            "python",
            """
            def f(cursor, uid):
                # was: cursor.execute(f"SELECT * FROM users WHERE id = {uid}")
                cursor.execute("SELECT * FROM users WHERE id = %s", (uid,))
            """,
        ),
        (
            "tls-verification-disabled",
            "python",
            '''
            def f(url):
                """Never use ssl._create_unverified_context() here."""
                return requests.get(url, timeout=5)
            ''',
        ),
        (
            "tls-verification-disabled",
            "python",
            """
            def f(url):
                return requests.get(url, timeout=5)  # not ssl._create_unverified_context()
            """,
        ),
        (
            "command-injection",
            "javascript",
            """
            function f(dir) {
              // exec("ls " + dir) was unsafe
              /* exec("rm " + dir)
               * exec("cat " + dir)
               */
              return execFile("ls", [dir]);
            }
            """,
        ),
        (
            "tls-verification-disabled",
            "go",
            """
            func f() *tls.Config {
                // InsecureSkipVerify: true  (never)
                return &tls.Config{MinVersion: tls.VersionTLS12}
            }
            """,
        ),
        (
            "weak-password-hash",
            "java",
            """
            public String hash(String password) {
                // MessageDigest.getInstance("MD5") is not allowed for passwords
                return encoder.encode(password);
            }
            """,
        ),
    ],
)
def test_matches_in_comments_do_not_confirm(rule_id: str, language: str, code: str) -> None:
    assert lines_of(rule_id, code, language) is None


def test_a_hash_inside_a_string_is_not_a_comment() -> None:
    code = """
        def f(cursor, tag):
            cursor.execute(f"SELECT * FROM posts WHERE tag = '#{tag}'")
    """
    assert lines_of("sql-injection", code, "python") == (2, 2)


def test_non_ascii_text_before_a_match_keeps_lines_and_comments() -> None:
    code = """
        def f(url):
            # café: ünïcode comment, verify=False mentioned here
            label = "naïve"
            return requests.get(url, verify=False)
    """
    assert lines_of("tls-verification-disabled", code, "python", start_line=3) == (6, 6)


def test_generic_secret_in_a_comment_is_ignored_but_a_known_key_is_not() -> None:
    rule = RULES["hardcoded-secret"]
    assert confirm(rule, unit('# password = "Tr0ub4dor&3xQ"\nx = 1\n', "python")) is None
    found = confirm(rule, unit(f"# leaked: {AWS_KEY_ID}\nx = 1\n", "python"))
    assert found is not None
    assert found.start_line == 1


def test_php_unit_without_open_tag() -> None:
    code = """
        function fetch($url) {
            // CURLOPT_SSL_VERIFYPEER, false would be wrong
            curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false);
        }
    """
    assert lines_of("tls-verification-disabled", code, "php", start_line=20) == (22, 22)


# -- evidence semantics, with a hand-made rule -------------------------------------------------


def make_rule(**evidence: Evidence) -> Rule:
    return Rule(
        id="t",
        title="t",
        description="t",
        severity=Severity.WARNING,
        cwe=(),
        message="t",
        help="t",
        threshold=0.3,
        evidence=tuple(evidence.items()),
    )


def test_requires_and_unless() -> None:
    rule = make_rule(
        python=Evidence(
            match=(Pattern("regex", r"danger\("),),
            requires=(Pattern("regex", r"context"),),
            unless=(Pattern("regex", r"guard\("),),
        )
    )
    assert confirm(rule, unit("danger(x)\n", "python")) is None  # requires fails
    assert confirm(rule, unit("context = 1\ndanger(x)\n", "python")) is not None
    assert confirm(rule, unit("context = 1\nguard(x)\ndanger(x)\n", "python")) is None
    assert confirm(rule, unit("context = 1\n# guard(x)\ndanger(x)\n", "python")) is not None


def test_first_matching_pattern_pins_and_named_group_narrows() -> None:
    rule = make_rule(
        python=Evidence(
            match=(
                Pattern("regex", r"never"),
                Pattern("regex", r"start\n(?P<match>middle)\nend"),
            )
        )
    )
    found = confirm(rule, unit("a\nstart\nmiddle\nend\n", "python", start_line=10))
    assert found is not None
    assert (found.start_line, found.end_line) == (12, 12)


def test_query_capture_pins_its_node() -> None:
    query = '((call function: (identifier) @fn) @match (#eq? @fn "danger"))'
    rule = make_rule(python=Evidence(match=(Pattern("query", query),)))
    found = confirm(rule, unit("x = 1\ny = danger(\n    x,\n)\n", "python", start_line=5))
    assert found is not None
    assert (found.start_line, found.end_line) == (6, 8)
    assert confirm(rule, unit("y = safe(x)\n", "python")) is None


def test_typescript_falls_back_to_javascript_evidence() -> None:
    code = 'function f(d: string) {\n  exec("ls " + d);\n}\n'
    assert lines_of("command-injection", code, "typescript") == (2, 2)
    assert lines_of("command-injection", code, "tsx") == (2, 2)


def test_no_evidence_for_the_language_is_gate_only() -> None:
    rule = RULES["unsafe-deserialization"]
    assert rule.evidence_for("go") is None
    assert confirm(rule, unit("func f() {}\n", "go")) is None


def test_language_without_grammar_uses_comment_lines() -> None:
    rule = make_rule(any=Evidence(match=(Pattern("regex", r"danger"),)))
    assert confirm(rule, unit("-- danger\nsafe\n", "sql")) is None
    found = confirm(rule, unit("-- note\ndanger\n", "sql", start_line=3))
    assert found is not None
    assert found.start_line == 4
