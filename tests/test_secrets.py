"""The secret detector and masking.

Every key-shaped value is assembled at run time, so that the repository itself never holds a
string that looks like a live credential.
"""

from __future__ import annotations

import json

import pytest

from auditor.analysis.detectors.masking import line_spans, mask_lines
from auditor.secrets import (
    GENERIC,
    find_secrets,
    is_placeholder,
    mask,
    mask_text,
    shannon_entropy,
)

AWS = "AKIA" + "Z3MQ4YW2PLX7VB6N"
ASIA = "ASIA" + "Q7W2E9R4T6Y1U3I8"
GITHUB = "ghp_" + "4fT9kLm2Qx7Rz8Wb3Nc6Vd1Hs5Jp0Ya2Ge7u"
GITHUB_PAT = (
    "github_pat_" + "11ABCDE2F0" + "x7Rz8Wb3Nc6Vd1Hs5Jp0Ya2Ge7uQx7Rz8Wb3Nc6Vd1Hs5Jp0Ya2Ge7u"
)
SLACK = "xoxb-" + "2817364510-9182736450-Zq8Xw7Cv6Bn5Ml4Kj3Hg2Fd"
STRIPE = "sk_live_" + "51Hx9QmT7vLp2KcR8wZy4NdA3"
GOOGLE = "AIza" + "SyD4k9Lm2Qx7Rz8Wb3Nc6Vd1Hs5Jp0Ya2Gx"
OPENAI = "sk-" + "proj-" + "Q7w2E9r4T6y1U3i8O5p0A2s4D6f8G1h3J5k7L9z"
JWT = (
    "eyJ" + "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJ" + "zdWIiOiI0MjEiLCJuYW1lIjoiQWxpY2UifQ"
    ".Zq8Xw7Cv6Bn5Ml4Kj3Hg2Fd1Sa0Po9Iu8Yt7Re6Wq5"
)
PEM_BODY = "MIIEpAIBAAKCAQEA7bq2L1v4n0XHlGbG5Yk9pU8w3zQ7w2E9r4T6y1U3i8O5p0A2s4D6"


def kinds(text: str, language: str = "python") -> list[str]:
    return [hit.kind for hit in find_secrets(text, language)]


# -- known formats -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (AWS, "aws-access-key-id"),
        (ASIA, "aws-access-key-id"),
        (GITHUB, "github-token"),
        (GITHUB_PAT, "github-token"),
        (SLACK, "slack-token"),
        (STRIPE, "stripe-key"),
        (GOOGLE, "google-api-key"),
        (OPENAI, "openai-key"),
        (JWT, "jwt"),
    ],
)
def test_known_formats_anywhere(value: str, kind: str) -> None:
    # Not assigned to a telling name: the shape alone is the evidence.
    (hit,) = find_secrets(f'client = Client("{value}")\n', "python")
    assert hit.kind == kind
    assert hit.value == value


def test_known_format_wins_over_generic_assignment() -> None:
    (hit,) = find_secrets(f'API_KEY = "{STRIPE}"\n', "python")
    assert hit.kind == "stripe-key"


def test_aws_documentation_example_is_rejected() -> None:
    assert kinds('key = "AKIA' + 'IOSFODNN7EXAMPLE"') == []


def test_stripe_test_key_is_rejected() -> None:
    assert kinds('STRIPE_KEY = "sk_test_' + '51Hx9QmT7vLp2KcR8wZy4NdA3"') == []


def test_pem_private_key_with_escaped_newlines() -> None:
    text = f'KEY = "-----BEGIN RSA PRIVATE KEY-----\\n{PEM_BODY}\\n-----END RSA PRIVATE KEY-----"'
    (hit,) = find_secrets(text, "python")
    assert hit.kind == "private-key"
    assert PEM_BODY in hit.value


def test_pem_private_key_across_lines() -> None:
    text = f'KEY = """\n-----BEGIN PRIVATE KEY-----\n{PEM_BODY}\n{PEM_BODY}\n"""\n'
    (hit,) = find_secrets(text, "python")
    assert hit.line == 1
    assert mask_text(text, "python").count(PEM_BODY) == 0


def test_pem_header_alone_is_not_a_key() -> None:
    text = 'if pem.startswith("-----BEGIN RSA PRIVATE KEY-----"):\n    kind = "rsa"\n'
    assert kinds(text) == []


@pytest.mark.parametrize(
    ("url", "password"),
    [
        ("postgres://app:S3cretPw9x@db.internal:5432/orders", "S3cretPw9x"),
        ("mongodb+srv://svc:Xk29slQw7p@cluster0.example.net/app", "Xk29slQw7p"),
        ("redis://:Zq8Xw7Cv6B@cache:6379/0", "Zq8Xw7Cv6B"),
    ],
)
def test_connection_string_password(url: str, password: str) -> None:
    (hit,) = find_secrets(f'DSN = "{url}"\n', "go")
    assert hit.kind == "connection-string-password"
    assert hit.value == password


@pytest.mark.parametrize(
    "url",
    [
        "postgres://postgres:postgres@localhost/app",  # user == password: a local default
        "postgres://user:password@localhost/app",
        "postgres://app:${DB_PASSWORD}@db/app",
        "postgres://app:<password>@db/app",
        "https://example.com/path",
    ],
)
def test_connection_string_placeholders(url: str) -> None:
    assert kinds(f'DSN = "{url}"\n') == []


# -- generic credential assignments ------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ('DB_PASSWORD = "Tr0ub4dor&3xQ"', "python"),
        ('password = "hunter22"', "python"),
        ('client_secret="9f8c2e71d4b05a6e3c1f7d92ab4e6c08"', "python"),
        ('{"api_key": "q7R2mZ9xLk4WvB8nT3pY6sJd"}', "python"),
        ('private static final String API_KEY = "q7R2mZ9xLk4WvB8nT3pY6sJd";', "java"),
        ('const apiKey: string = "q7R2mZ9xLk4WvB8nT3pY6sJd";', "typescript"),
        ("{ authToken: 'q7R2mZ9xLk4WvB8nT3pY6sJd' }", "javascript"),
        ('dbPassword := "Zq8Xw7Cv6Bn5"', "go"),
        ("$password = 'Pa55w0rd!x';", "php"),
        ("'secret_key' => 'q7R2mZ9xLk4WvB8nT3pY6sJd',", "php"),
        ('Password: "Zq8Xw7Cv6Bn5",', "go"),
    ],
)
def test_generic_assignment_is_detected(code: str, language: str) -> None:
    assert kinds(code, language) == [GENERIC]


@pytest.mark.parametrize(
    ("code", "language"),
    [
        (
            'static final Algorithm SIGNING = Algorithm.HMAC256("q8Zt3vN0rKx7LmB2pWc9YhF4sJd6");',
            "java",
        ),
        ('new SecretKeySpec("Zx81kLmn0Pq2Rs3Tu4Vw5Xy6".getBytes(UTF_8), "HmacSHA256")', "java"),
        ('token = jwt.encode(payload, "7fK2mQ9vL4xR8tZ1nB6cH3jW", algorithm="HS256")', "python"),
        (
            "const t = jwt.sign({ sub: id }, 'Hq3Lm9Xv2Kp7Rt4Wz8Ys1Nb6', { expiresIn: '1h' });",
            "javascript",
        ),
        ('sig = hmac.new(b"Zq8vN3kLm2Xp7Rt4", body, hashlib.sha256).hexdigest()', "python"),
    ],
)
def test_literal_signing_key_is_detected(code: str, language: str) -> None:
    """A literal handed to a signing or MAC API is its key, whatever the variable is called."""
    assert kinds(code, language) == [GENERIC]


@pytest.mark.parametrize(
    ("code", "language"),
    [
        (
            'static final Algorithm SIGNING = Algorithm.HMAC256(System.getenv("JWT_SECRET"));',
            "java",
        ),
        ("const t = jwt.sign({ sub: user.id }, process.env.JWT_SECRET);", "javascript"),
        ('token = jwt.encode(payload, "secret", algorithm="HS256")', "python"),
        ('claims = jwt.decode(token, "your-256-bit-secret", algorithms=["HS256"])', "python"),
    ],
)
def test_signing_key_from_config_or_placeholder(code: str, language: str) -> None:
    assert kinds(code, language) == []


@pytest.mark.parametrize(
    "code",
    [
        'API_KEY = os.environ["API_KEY"]',
        'password = os.getenv("DB_PASSWORD")',
        "const apiKey = process.env.API_KEY;",
        'String token = System.getenv("TOKEN");',
        'API_KEY_HEADER = "X-API-Key"',
        'token_type = "bearer"',
        'PASSWORD_FIELD = "password_input"',
        'password_prompt = "Enter your password:"',
        'TOKEN_URL = "https://auth.example.com/oauth/token"',
        'secret_name = "prod/db/credentials"',
        'api_key = "abc123"',  # too short to be a key
        'token = "0123abcd"',  # short hex
        'if password == "hunter22":',  # a comparison, not an assignment
        'password_hash = "5f4dcc3b5aa765d61d8327deb882cf99"',
        'kind = "a9f8e7d6c5b4a3928171aa"',  # not a credential name
    ],
)
def test_not_a_secret(code: str) -> None:
    assert kinds(code) == []


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "changeme",
        "xxxxxxxxxxxxxxxx",
        "your_api_key_here",
        "<API_KEY>",
        "${API_KEY}",
        "{{ api_key }}",
        "%s",
        "example-key-123456",
        "dummy1234567890",
        "test-secret-12345",
        "fake_token_99999",
        "sample-9f8c2e71d4b0",
        "REDACTED",
        "aaaaaaaaaaaaaaaaaaaa",
        "0000000000000000",
        "placeholder-key-42",
        "$API_KEY",
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)
    assert kinds(f'password = "{value}"') == []
    assert kinds(f'api_key = "{value}"') == []


def test_real_values_are_not_placeholders() -> None:
    assert not is_placeholder("Tr0ub4dor&3xQ")
    assert not is_placeholder(AWS)


def test_entropy() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abab") == pytest.approx(1.0)
    assert shannon_entropy("0123456789abcdef") == pytest.approx(4.0)
    # Hex values need less entropy than base64-like values to count.
    assert kinds('token = "9f8c2e71d4b05a6e"') == [GENERIC]  # 16 hex chars
    assert kinds('token = "abababababababab12"') == []  # long but repetitive


def test_hits_carry_line_and_offsets() -> None:
    text = f'import os\n\nKEY = "{AWS}"\nx = 1\nTOKEN = "{GITHUB}"\n'
    hits = find_secrets(text, "python")
    assert [(h.line, h.kind) for h in hits] == [(2, "aws-access-key-id"), (4, "github-token")]
    for hit in hits:
        assert text[hit.start : hit.end] == hit.value


# -- masking -------------------------------------------------------------------------------------


def test_mask_format() -> None:
    assert mask(AWS) == "AKIA…(20 chars)"
    assert mask("hunter22") == "…(8 chars)"  # one style: no character shown
    assert mask("") == ""


@pytest.mark.parametrize(
    "value", [AWS, GITHUB, SLACK, STRIPE, GOOGLE, OPENAI, JWT, "hunter22", "abcdefghijkl", "x" * 5]
)
def test_mask_never_reveals_the_value(value: str) -> None:
    masked = mask(value)
    assert value not in masked
    assert len(masked.split("…")[0]) <= 4 or set(masked) == {"*"}


def test_mask_text_masks_every_secret_and_keeps_the_rest() -> None:
    text = (
        f'AWS_KEY = "{AWS}"\n'
        f'DSN = "postgres://app:S3cretPw9x@db:5432/app"\n'
        f'headers = {{"Authorization": "Bearer {JWT}"}}\n'
        "timeout = 30\n"
    )
    masked = mask_text(text, "python")
    for value in (AWS, "S3cretPw9x", JWT):
        assert value not in masked
    assert 'AWS_KEY = "AKIA…(20 chars)"' in masked
    assert "postgres://app:…(10 chars)@db:5432/app" in masked
    assert masked.endswith("timeout = 30\n")
    assert masked.count("\n") == text.count("\n")  # line numbers survive


def test_mask_text_without_secrets_is_unchanged() -> None:
    text = "def area(r):\n    return 3.14159 * r * r\n"
    assert mask_text(text, "python") == text


# -- more formats and places (issue 9) -------------------------------------------------------

GITLAB = "glpat-" + "Zq8Xw7Cv6Bn5Ml4Kj3Hg"
SENDGRID = "SG." + "Zq8Xw7Cv6Bn5Ml4Kj3Hg2F" + "." + "q7R2mZ9xLk4WvB8nT3pY6sJdZq8Xw7Cv6Bn5Ml4Kj3H"
NPM = "npm_" + "Zq8Xw7Cv6Bn5Ml4Kj3Hg2Fd1Sa0Po9Iu8Yt7"
TWILIO = "SK" + "9f8c2e71d4b05a6e3c1f7d92ab4e6c08"
GOOGLE_SECRET = "GOCSPX-" + "Zq8Xw7Cv6Bn5Ml4Kj3Hg2Fd1Sa0P"


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        (GITLAB, "gitlab-token"),
        (SENDGRID, "sendgrid-key"),
        (NPM, "npm-token"),
        (TWILIO, "twilio-api-key"),
        (GOOGLE_SECRET, "google-oauth-secret"),
    ],
)
def test_more_known_formats(value: str, kind: str) -> None:
    (hit,) = find_secrets(f"run({value!r})\n", "python")
    assert (hit.kind, hit.value) == (kind, value)


@pytest.mark.parametrize(
    ("text", "language", "value"),
    [
        (
            'client.post("/login", json={"user": "bob", "password": "pygmalion"})',
            "python",
            "pygmalion",
        ),
        ('connect(password="radio7")', "python", "radio7"),
        ("    'Password': 'hunter2',", "python", "hunter2"),
        (
            '"refreshToken": "iG2kBGIjcXaRE4xmTVUnv7xwxX7XMcWC"',
            "json",
            "iG2kBGIjcXaRE4xmTVUnv7xwxX7XMcWC",
        ),
        ("'dsn': 'postgres://user3:123123@localhost:5555/db'", "python", "123123"),
        ("u = 'https://x.io/a?oauth_token_secret=ks9D2kdlsK3ls'", "python", "ks9D2kdlsK3ls"),
        ("h = base64.b64encode(b'admin:s3cr3tpw')", "python", "s3cr3tpw"),
        (
            "const invalidToken =\n  'q8ZfLm2Pw8Rt5Xv3Kc9Jd1';",
            "javascript",
            "q8ZfLm2Pw8Rt5Xv3Kc9Jd1",
        ),
        ('db_password = (\n    "Zx9qW3rT7yP2"\n)', "python", "Zx9qW3rT7yP2"),
        ("DB_PASSWORD=Sup3rS3cret!\n", "dotenv", "Sup3rS3cret!"),
        ("db:\n  password: hunter2x\n", "yaml", "hunter2x"),
        ("[db]\npassword = Tr0ub4dor3\n", "ini", "Tr0ub4dor3"),
        ("spring.datasource.password=Tr0ub4dor3\n", "properties", "Tr0ub4dor3"),
        ("<password>Tr0ub4dor3</password>\n", "xml", "Tr0ub4dor3"),
        ('<add key="ApiKey" value="q7R2mZ9xLk4WvB8nT3pY6sJd"/>', "xml", "q7R2mZ9xLk4WvB8nT3pY6sJd"),
        ("ENV DB_PASSWORD=Tr0ub4dor3\n", "dockerfile", "Tr0ub4dor3"),
        ("mysql -uroot -pTr0ub4dor3 db\n", "shell", "Tr0ub4dor3"),
        ("curl -u admin:Tr0ub4dor3 https://x\n", "shell", "Tr0ub4dor3"),
        ("./run --password=Tr0ub4dor3\n", "shell", "Tr0ub4dor3"),
        ("Authorization: Basic YWRtaW46VHIwdWI0ZG9yMw==\n", "text", "YWRtaW46VHIwdWI0ZG9yMw=="),
    ],
)
def test_keyword_context_and_config_places(text: str, language: str, value: str) -> None:
    assert [hit.value for hit in find_secrets(text, language)] == [value]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("password: ${DB_PASSWORD}\ntoken: '{{ vault_token }}'\n", "yaml"),
        ("password = <your-password>\n", "ini"),
        ("API_TOKEN=\nSECRET_KEY=$SECRET_KEY\n", "dotenv"),
        ("PASSWORD = settings.DB_PASSWORD\ntoken = get_token()\n", "python"),
        ('sha256 = "' + "9f8c2e71d4b05a6e" * 4 + '"\n', "python"),
        ('"integrity": "sha512-' + "Zq8Xw7Cv6Bn5Ml4Kj3Hg2Fd1" * 3 + '"', "json"),
        ("password = get_password()  # code: a call, not a value\n", "python"),
        ("Authorization: Basic bm90LWJhc2U2NA\n", "text"),  # decodes to no user:pass
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", "ini"),
    ],
)
def test_config_placeholders_lookups_and_hashes(text: str, language: str) -> None:
    assert find_secrets(text, language) == []


def test_unquoted_value_counts_only_in_config_files() -> None:
    assert find_secrets("password = hunter2x\n", "ini")
    assert find_secrets("password = hunter2x\n", "python") == []  # an identifier in code


def test_masking_from_spans_covers_a_value_on_its_own_line() -> None:
    text = "const invalidToken =\n  'q8ZfLm2Pw8Rt5Xv3Kc9Jd1';\nfoo();\n"
    spans = line_spans(text, find_secrets(text, "javascript"), first_line=10)
    # The snippet is line 11 alone: no keyword in it, and still masked.
    assert mask_lines(["  'q8ZfLm2Pw8Rt5Xv3Kc9Jd1';"], 11, spans) == "  'q8Zf…(22 chars)';"
    assert mask_lines(["foo();"], 12, spans) == "foo();"


def test_multi_line_key_is_starred_on_its_continuation_lines() -> None:
    text = f'KEY = """\n-----BEGIN PRIVATE KEY-----\n{PEM_BODY}\n{PEM_BODY}\n"""\n'
    masked = mask_text(text, "python")
    assert PEM_BODY[:8] not in masked
    assert masked.count("\n") == text.count("\n")


def test_notebook_cells_are_decoded_and_lines_kept() -> None:
    value = "q7R2mZ9xLk4Wv" + "B8nT3pY6sJd"
    source = ["import openai\n", f'openai.api_key = "{value}"\n', "x = 1\n"]
    notebook = {"cells": [{"cell_type": "code", "source": source, "outputs": []}], "nbformat": 4}
    text = json.dumps(notebook, indent=1)
    (hit,) = find_secrets(text, "notebook")
    assert text.split("\n")[hit.line].strip().startswith('"openai.api_key')
    assert text[hit.start : hit.end] == value
    assert value not in mask_text(text, "notebook")


@pytest.mark.parametrize(
    "code",
    [
        'PASS_ARGS = {_PassArg.context: "context", _PassArg.env: "environment"}\n',
        "__all__ = ['HTTPPasswordMgr', 'HTTPPasswordMgrWithDefaultRealm',\n"
        "           'AbstractBasicAuthHandler']\n",
    ],
)
def test_names_and_labels_are_not_secrets(code: str) -> None:
    # Seen in the standard library and jinja2: a value naming its own key, class names.
    assert find_secrets(code, "python") == []


def test_the_name_of_an_environment_variable_is_not_its_value() -> None:
    code = 'const (\n\tenvSMTPPassword = "SMTP_PASSWORD"\n)\n'
    assert find_secrets(code, "go") == []
    assert [h.value for h in find_secrets('smtpPassword = "Vx7#qLm29!kd"\n', "go")] == [
        "Vx7#qLm29!kd"
    ]
