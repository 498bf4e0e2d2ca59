"""The ``secret`` detector: credentials written into source, and the masking of them in output.

Two kinds of evidence. Known key formats (AWS, GitHub, Slack, Stripe, Google, OpenAI, PEM private
keys, JWTs, passwords inside connection strings) are recognized by shape wherever they occur. Any
other literal counts only when it is assigned to a name that says it is a credential
(``password``, ``api_key``, ``client_secret``...) and looks random enough: Shannon entropy over
its characters, with a lower bar for hex (16 symbols) than for base64-like values (64 symbols).
Placeholders and test values are rejected in both cases.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

GENERIC = "generic-secret"


@dataclass(frozen=True)
class SecretHit:
    line: int  # 0-based line offset within the scanned text
    value: str
    kind: str  # e.g. "aws-access-key-id"; GENERIC for a credential-named assignment
    start: int  # character offsets of ``value`` in the scanned text
    end: int


# Each pattern's group "value" is the secret; without that group the whole match is.
_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "aws-access-key-id",
        re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])"),
    ),
    ("github-token", re.compile(r"(?<![\w])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}(?![\w])")),
    ("github-token", re.compile(r"(?<![\w])github_pat_[A-Za-z0-9_]{50,}")),
    ("slack-token", re.compile(r"(?<![\w-])xox[baprs]-[A-Za-z0-9-]{10,}")),
    ("stripe-key", re.compile(r"(?<![\w])(?:sk|rk)_live_[A-Za-z0-9]{16,}")),
    ("google-api-key", re.compile(r"(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])")),
    ("openai-key", re.compile(r"(?<![\w-])sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}")),
    (
        "private-key",
        re.compile(
            r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"
            r"(?:(?:\s|\\n|[\"'+,])*[A-Za-z0-9+/=]{16,})+"
        ),
    ),
    (
        "jwt",
        re.compile(r"(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ),
    (
        "connection-string-password",
        re.compile(
            r"\b[a-z][a-z0-9+.-]{1,30}://(?P<user>[^\s:/@'\"`]*):(?P<value>[^\s/@'\"`]+)@"
            r"[^\s/'\"`]+"
        ),
    ),
)

# A name that says the literal assigned to it is a credential.
_SECRET_NAME = (
    r"(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
    r"|private[_-]?key|client[_-]?secret|auth[_-]?(?:token|key|header)|authorization|credentials?"
    r"|(?:signing|encryption|jwt|hmac|session|master|cipher|aes|crypto)[_-]?key)"
)
_PASSWORD_NAME = re.compile(r"(?i)pass(?:word|wd|phrase)?|pwd")
# name, optionally quoted (or a quoted key in a subscript) or a PHP variable, then = := : =>
# and a string literal, possibly wrapped in a bytes/buffer conversion.
_ASSIGNMENT = re.compile(
    r"""(?ix)
    (?<![\w.$@-])(?P<name>[$@]?[\w.-]*"""
    + _SECRET_NAME
    + r"""[\w.-]*)
    ["']?\]?\s*
    (?: : \s* [\w.<>\[\]|]+ \s* (?==) )?    # a type annotation: `apiKey: string = "..."`
    (?: :=  |  =>  |  (?<![=!<>:])=(?![=>])  |  : (?!:)  |  \|\|  |  \?\? )
    \s*
    (?: (?-i:\[\]byte|Buffer\.from|bytes|String|SecretStr|GetBytes|getBytes) \s* \( \s*
      | new \s+ String \s* \( \s* )?
    (?:[rbuRBU]{1,2})?
    (?P<quote>["'`])
    (?P<value>(?:(?!(?P=quote))[^\\\n]|\\.){1,200})
    (?P=quote)
    """
)
# A quoted credential key followed by its literal value as the next argument:
# `props.put("mail.smtp.password", "...")`, `headers.set("X-Api-Key", "...")`.
_KEYED_ARGUMENT = re.compile(
    r"""(?ix)
    (?P<q>["'])(?P<name>[\w.-]*"""
    + _SECRET_NAME
    + r"""[\w.-]*)(?P=q) \s* , \s*
    (?P<quote>["'`])
    (?P<value>(?:(?!(?P=quote))[^\\\n]|\\.){1,200})
    (?P=quote)
    """
)
# A literal password handed to an API that takes a user name and a password (the password is
# the literal right after the user name's): `new PasswordAuthentication("bob", "...")`,
# `DriverManager.getConnection(url, "app", "...")`, `auth=("bob", "...")`.
_CREDENTIAL_CALL = re.compile(
    r"""(?x)
    (?: \b(?:PasswordAuthentication|NetworkCredential|UsernamePasswordCredentials
          |UsernamePasswordAuthenticationToken|HTTPBasicAuth|HTTPDigestAuth|BasicAuth|SetBasicAuth
          |basicAuth|PlainAuth|getConnection|PDO|mysqli_connect|mysqli|login|simple_bind_s
          |simple_bind|bind_s|ldap_bind)\s*\(
      | \bauth\s*[=:]\s*[(\[] )
    (?:(?:"[^"\n]*"|'[^'\n]*'|[^;()\n"'])*?,)?\s*
    ["'][^"'\n]*["']\s*,\s*
    (?P<quote>["'])
    (?P<value>(?:(?!(?P=quote))[^\\\n]|\\.){1,200})
    (?P=quote)
    """
)
# `Password=...;` inside an ADO.NET/ODBC style connection string, and `password=` in a URL query.
_KEY_VALUE_PASSWORD = re.compile(
    r"""(?ix)
    (?: (?:server|data\s+source|host|user\s*id|uid|username|user|database|initial\s+catalog|dbname)
        \s*=[^;"'\n]*;[^"'\n]*?
      | [?&] )
    \b(?:password|pwd)\s*=\s*
    (?P<value>(?![{$%<])[^;"'`\s&{}()+]+)
    """
)
_AUTH_SCHEME = re.compile(r"(?i)^(?:bearer|basic|token|bot)\s+")

# Names built from a credential word that hold something else.
_NOT_A_SECRET_NAME = re.compile(
    r"(?i)(?:_|-|^|\.)(?:name|names|type|kind|field|key_?name|header|url|uri|path|file|dir|"
    r"label|prompt|placeholder|pattern|regex|format|length|len|count|size|env|var|id|ids|"
    r"hash|column|param|attr|prefix|suffix|template|message|msg|error|hint|policy)$"
)

_PLACEHOLDER_WORDS = (
    "changeme",
    "change_me",
    "change-me",
    "example",
    "dummy",
    "test",
    "fake",
    "sample",
    "redacted",
    "placeholder",
    "your_",
    "your-",
    "yourapi",
    "yoursecret",
    "yourpassword",
    "xxxx",
    "****",
    "....",
    "insert",
    "replace",
    "todo",
    "fixme",
    "secret_here",
    "password_here",
    "not-a-secret",
    "notasecret",
    "mock",
    "foobar",
)
_TEMPLATE = re.compile(r"<[^>]*>|\$\{|\{\{|\{[\w.]*\}|%[sdr(]|\$\(|^\$\w+$|^\{\d*\}$|#\{")
_HEX = re.compile(r"[0-9a-fA-F]+")
_WORDS_ONLY = re.compile(r"[A-Za-z]+(?:[-_. ][A-Za-z]+)*")


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value``'s own character distribution."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def is_placeholder(value: str) -> bool:
    """True for values that stand in for a secret: empty, templated, example or test values."""
    stripped = value.strip()
    if len(stripped) < 4 or len(set(stripped.lower())) <= 2:
        return True
    lowered = stripped.lower()
    if any(word in lowered for word in _PLACEHOLDER_WORDS):
        return True
    if _TEMPLATE.search(stripped):
        return True
    return lowered in {"password", "passwd", "secret", "token", "pass", "admin", "root", "none"}


# Formats with a long free-form body, where a human-written look-alike is possible.
_RANDOM_FORMATS = frozenset(
    {
        "aws-access-key-id",
        "github-token",
        "slack-token",
        "stripe-key",
        "google-api-key",
        "openai-key",
    }
)


def _random_enough(value: str) -> bool:
    return shannon_entropy(value) >= 3.0 and any(c.isdigit() for c in value)


def _looks_random(name: str, value: str) -> bool:
    """Whether a literal assigned to a credential name is a credential rather than a label."""
    if any(c.isspace() for c in value) or "://" in value or value.startswith("/"):
        return False
    if _WORDS_ONLY.fullmatch(value):  # "bearer", "X-API-Key", "session_token"
        return False
    entropy = shannon_entropy(value)
    if _PASSWORD_NAME.search(name):
        # Human passwords are short and not very random; the name carries the evidence.
        return len(value) >= 6 and entropy >= 2.3
    if _HEX.fullmatch(value):
        return len(value) >= 16 and entropy >= 3.0
    return len(value) >= 12 and entropy >= 3.3 and any(c.isdigit() for c in value)


def find_secrets(text: str, language: str) -> list[SecretHit]:
    """Every credential-looking literal in ``text``, in order of position.

    ``language`` is accepted for symmetry with the other stages; the formats used here are the
    same in every language.
    """
    del language
    hits: list[SecretHit] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _FORMATS:
        for found in pattern.finditer(text):
            group = "value" if "value" in pattern.groupindex else 0
            value, start, end = found.group(group), found.start(group), found.end(group)
            if kind == "connection-string-password" and value == found.group("user"):
                continue
            if kind != "private-key" and is_placeholder(value):
                continue
            if kind in _RANDOM_FORMATS and not _random_enough(value):
                continue
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            hits.append(SecretHit(text.count("\n", 0, start), value, kind, start, end))
    named = [
        (found, found.group("name"))
        for regex in (_ASSIGNMENT, _KEYED_ARGUMENT)
        for found in regex.finditer(text)
    ]
    named += [
        (found, "password")
        for regex in (_CREDENTIAL_CALL, _KEY_VALUE_PASSWORD)
        for found in regex.finditer(text)
    ]
    for found, name in named:
        value, start, end = found.group("value"), found.start("value"), found.end("value")
        scheme = _AUTH_SCHEME.match(value)
        if scheme:  # "Bearer <token>": judge the token
            value, start = value[scheme.end() :], start + scheme.end()
        if any(start < t_end and t_start < end for t_start, t_end in taken):
            continue
        if _NOT_A_SECRET_NAME.search(name) or is_placeholder(value):
            continue
        if not _looks_random(name, value):
            continue
        taken.append((start, end))
        hits.append(SecretHit(text.count("\n", 0, start), value, GENERIC, start, end))
    hits.sort(key=lambda hit: hit.start)
    return hits


def mask(value: str) -> str:
    """A description of ``value`` that never contains all of it: ``AKIA…(20 chars)``.

    Values under 12 characters are starred out entirely; longer ones show at most their first
    four characters (for most key formats, the public prefix).
    """
    if len(value) < 12:
        return "*" * len(value)
    return f"{value[:4]}…({len(value)} chars)"


def mask_text(text: str, language: str) -> str:
    """``text`` with every detected secret replaced by its mask."""
    hits = find_secrets(text, language)
    if not hits:
        return text
    pieces: list[str] = []
    position = 0
    for hit in hits:
        pieces.append(text[position : hit.start])
        pieces.append(mask(hit.value))
        position = hit.end
    pieces.append(text[position:])
    return "".join(pieces)
