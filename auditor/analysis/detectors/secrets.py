"""The ``secret`` detector: credentials written into source and config files.

The one place where secrets are matched (masking.py is the one place they are hidden). The
structure follows detect-secrets and gitleaks: detectors propose (value, span) pairs, then a
shared allow-list drops what stands in for a secret.

1. Known formats (secret_formats.py) by shape, anywhere in the text.
2. Keyword context (secret_context.py): a value assigned to, keyed by or passed as a name that
   says credential; judged by character classes and Shannon entropy, with a lower bar for
   passwords (the name carries the evidence) than for keys and tokens.
3. The allow-list: placeholders, templates and environment lookups, documented example keys,
   hashes and identifiers held in names that say so.

``find_secrets`` takes the whole unit or file: the keyword that makes a value a secret may sit
on the line before it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass

from auditor.analysis.detectors import secret_context as ctx
from auditor.analysis.detectors.secret_formats import FORMATS

GENERIC = "generic-secret"


@dataclass(frozen=True)
class SecretHit:
    line: int  # 0-based line offset within the scanned text
    value: str
    kind: str  # e.g. "aws-access-key-id"; GENERIC for a keyword-context hit
    start: int  # character offsets of ``value`` in the scanned text
    end: int

    @property
    def precise(self) -> bool:
        """A known format (not a keyword-context guess)."""
        return self.kind != GENERIC


def secret_key(hit: SecretHit) -> str:
    """A one-way digest of the secret that tells two secrets of one unit apart in a fingerprint.

    Like detect-secrets' ``hashed_secret``: stable across line moves, and the value cannot be
    read back from a baseline file.
    """
    digest = hashlib.sha256(f"{hit.kind}\0{hit.value}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


# Names built from a credential word that hold something else.
_NOT_A_SECRET_NAME = re.compile(
    r"(?i)(?:_|-|^|\.)(?:name|names|type|kind|field|key_?name|header|url|uri|path|file|dir|"
    r"label|prompt|placeholder|pattern|regex|format|length|len|count|size|env|var|id|ids|"
    r"hash|hashed|digest|column|param|attr|prefix|suffix|template|message|msg|error|hint|policy|"
    r"endpoint|expiry|expires|expiration|ttl|timeout|uri|method|scope|scopes|mode|enabled|"
    r"required|min|max|regexp|validation|validator|reset|changed|confirm|class|store|provider|"
    r"cookie|location|source|ref|arn|version|sha\d*|md5|checksum|fingerprint|algorithm|alg|"
    r"attribute|attributes|primary_?key|sort_?key|foreign_?key|partition_?key|cache_?key|"
    r"keys?_?id|lookup_?key|hotkey|monkey|turkey|whiskey)$"
    r"|(?i:^(?:public|publishable)|[_.-](?:public|publishable)[_.-])"
)

_PLACEHOLDER_WORDS = (
    "changeme",
    "change_me",
    "change-me",
    "example",
    "dummy",
    "fake",
    "sample",
    "redacted",
    "placeholder",
    "your_",
    "your-",
    "yourapi",
    "yoursecret",
    "yourpassword",
    "yourtoken",
    "xxxx",
    "****",
    "....",
    "insert",
    "replace",
    "todo",
    "fixme",
    "secret_here",
    "password_here",
    "key_here",
    "token_here",
    "not-a-secret",
    "notasecret",
    "not_a_real",
    "mock",
    "foobar",
    "lorem",
    "abcdef",
    "123456789",
    "changeit",
)
_TEST_WORD = re.compile(r"(?i)(?:^|[^a-z])test(?:[^a-z]|$)|^test|test$")
# Templates and lookups: <your-key>, ${VAR}, {{ var }}, {var}, %s, $(cmd), $VAR, #{x},
# os.environ[...], process.env.X, getenv(...), settings.X, ENV["X"], vault:..., !Ref
_TEMPLATE = re.compile(
    r"<[^>]*>|\$\{|\{\{|\{%|\{[\w.]*\}|%[sdr(]|%\w+%|\$\(|^\$\w+$|^\{\d*\}$|#\{|^@\w+@$|"
    r"environ|getenv|process\.env|System\.getenv|ENV\[|^env\(|secretKeyRef|^vault:|^!Ref|"
    r"^ssm:|^arn:|^\*+$|^\.\.\.|^&\w+$|\{[\w.:-]*\}|^\{.*\}$"
    r"|%[-+ #0]*\d*\.\d*[fdeg]|%0\d+[dxs]"  # printf directives: "VS%0.f0COMNTOOLS" % version
)
# A regular expression held in a name that says token/key (an HTTP grammar's token = r"[-!#...]+"):
# a character class with a quantifier, a class escape, a group construct.
_REGEX_LIKE = re.compile(r"\[[^\]]+\][+*?{]|\\[dwsDWS][+*?{]|\(\?(?:[:=!]|P<)")
_HEX = re.compile(r"[0-9a-fA-F]+")
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_WORDS_ONLY = re.compile(r"[A-Za-z]+(?:[-_. /:][A-Za-z]+)*")
_IDENTIFIER_PATH = re.compile(r"[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)+(?:\(\))?")
# Code, a host and port, or escape sequences only: text a test feeds in, not a credential.
_NOT_CREDENTIAL_TEXT = re.compile(
    r"[A-Za-z_]\w*(?:\.\w+)*\(.*\)|[\w.-]+:\d{1,5}|(?:\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4})+"
)
_COMMON = frozenset(
    {
        "password",
        "passwd",
        "secret",
        "token",
        "pass",
        "admin",
        "root",
        "none",
        "null",
        "true",
        "false",
        "undefined",
        "required",
        "optional",
        "string",
        "empty",
        "default",
        "hidden",
        "bearer",
        "basic",
    }
)
# Formats that use (part of) a documented example value.
_EXAMPLE_KEYS = (
    "EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG",
    # jwt.io's sample token (sub 1234567890, John Doe)
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIi",
    # Azurite / the Azure storage emulator's published account key (devstoreaccount1)
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq",
)
# Publishable keys are public by design: Stripe pk_live_/pk_test_, Mapbox pk.
_PUBLIC_VALUE = re.compile(r"^pk[._]")


_NAME_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_CLASS_NAME = re.compile(r"(?:[A-Z][a-z]+|[A-Z]{2,}(?=[A-Z][a-z]|$))+")
_CREDENTIAL_PART = re.compile(r"Pass(?:word)?|Token|Secret|Auth|Key|Credential")


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
    if any(word in lowered for word in _PLACEHOLDER_WORDS) or _TEST_WORD.search(stripped):
        return True
    if any(example in stripped for example in _EXAMPLE_KEYS):
        return True
    if _TEMPLATE.search(stripped) or _PUBLIC_VALUE.match(stripped):
        return True
    return lowered in _COMMON


def _random_enough(kind: str, value: str) -> bool:
    # An AWS key id's body may be letters only; its prefix is evidence enough of the format.
    digits = any(c.isdigit() for c in value) or kind == "aws-access-key-id"
    return shannon_entropy(value) >= 3.0 and digits


_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
_CREDENTIAL_WORD = re.compile(r"PASS|PWD|TOKEN|SECRET|AUTH|KEY|CREDENTIAL")


def _looks_random(name: str, value: str) -> bool:
    """Whether a value held in a credential name is a credential rather than a label."""
    parts = {p.lower() for p in _NAME_PARTS.findall(name)}
    if value.lower() in parts:  # _PassArg.context: "context" names itself
        return False
    if _CLASS_NAME.fullmatch(value) and _CREDENTIAL_PART.search(value):
        return False  # "HTTPPasswordMgrWithDefaultRealm": a class name, not a password
    if _ENV_NAME.fullmatch(value) and _CREDENTIAL_WORD.search(value):
        return False  # envSMTPPassword = "SMTP_PASSWORD": the variable's name, not its value
    if any(c.isspace() for c in value) or "://" in value or value.startswith(("/", "./", "~")):
        return False
    if _REGEX_LIKE.search(value):
        return False
    if _UUID.fullmatch(value) and not ctx.PASSWORD_NAME.search(name):
        # Request, trace and idempotency ids are UUIDs; so are some API keys (Heroku).
        return any(word in name.lower() for word in ("secret", "api", "token", "auth"))
    if _IDENTIFIER_PATH.fullmatch(value) or _NOT_CREDENTIAL_TEXT.fullmatch(value):
        return False  # settings.SECRET_KEY, config.get(), runf(), localhost:22, '\\xa1\\xa2'
    entropy = shannon_entropy(value)
    if ctx.PASSWORD_NAME.search(name):
        if _HEX.fullmatch(value) and len(value) in (64, 128):
            return False  # a password's digest (SHA-256, SHA-512), not the password
        # Human passwords are short and not very random; the name carries the evidence.
        return len(value) >= 5 and entropy >= 2.0 and value.lower() not in _COMMON
    if _WORDS_ONLY.fullmatch(value):  # "bearer", "X-API-Key", "session_token"
        return False
    if _HEX.fullmatch(value):
        return len(value) >= 16 and entropy >= 3.0
    return len(value) >= 12 and entropy >= 3.3 and any(c.isdigit() for c in value)


def _valid_format(kind: str, value: str, found: re.Match[str]) -> bool:
    if kind == "connection-string-password":
        return value != found.group("user") and not is_placeholder(value)
    if kind == "authorization-header" and found.group(0)[:5].lower() == "basic":
        try:
            decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
        except (binascii.Error, ValueError):
            return False
        user, colon, password = decoded.decode("latin-1").partition(":")
        return bool(colon and user) and not is_placeholder(password)
    if kind in ("private-key", "jwt"):
        return not any(example in value for example in _EXAMPLE_KEYS)
    if kind == "url-query-token" and _WORDS_ONLY.fullmatch(value):
        return False  # `?key=STRINGS`, `?token=your_token`: a word, not a credential
    if is_placeholder(value):
        return False
    return not (_format_random(kind) and not _random_enough(kind, value))


def _format_random(kind: str) -> bool:
    return next(f.random for f in FORMATS if f.kind == kind)


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < t_end and t_start < end for t_start, t_end in taken)


# Every keyword-context regex needs one of these words on the value's line or up to three
# lines above it (gitleaks' "keywords" prefilter): the regexes then run on those lines only.
_KEYWORD = re.compile(
    r"(?i)pass|pwd|secret|token|key|auth|credential|dsn|conn|appid|login|bind|mysql|curl"
    r"|sshpass|redis-cli|chpasswd|pdo|hmac|jwt|signwith|secretkeyspec"
)
_CONTEXT_LINES = 3


def _keyword_chunks(text: str) -> list[tuple[int, int]]:
    """Merged (start, end) spans of whole lines from a keyword's line to three lines below."""
    chunks: list[tuple[int, int]] = []
    for found in _KEYWORD.finditer(text):
        begin = text.rfind("\n", 0, found.start()) + 1
        end = found.end()
        for _ in range(_CONTEXT_LINES + 1):
            end = text.find("\n", end) + 1 or len(text)
            if end >= len(text):
                break
        if chunks and begin <= chunks[-1][1]:
            chunks[-1] = (chunks[-1][0], end)
        else:
            chunks.append((begin, end))
    return chunks


def _named_candidates(text: str, language: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of every keyword-context value."""
    out: list[tuple[str, int, int]] = []
    for begin, end in _keyword_chunks(text):
        out += [(n, begin + s, begin + e) for n, s, e in _named_in(text[begin:end], language)]
    return out


def _named_in(text: str, language: str) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    regexes = [ctx.ASSIGNMENT, ctx.KEYED_ARGUMENT, ctx.CLI_FLAG, ctx.XML_KEY_VALUE, ctx.HEADER]
    regexes += [ctx.NAME_VALUE]
    if language in ctx.CONFIG_KINDS or language not in _CODE_LANGUAGES:
        regexes.append(ctx.CONFIG_LINE)
    if language in ctx.XML_KINDS or language not in _CODE_LANGUAGES:
        regexes.append(ctx.XML_ELEMENT)
    for regex in regexes:
        for found in regex.finditer(text):
            name = found.group("name")
            # ["getpass", "getuser"]: a list of names, not a pair (an argv list's
            # ["--requirepass", "..."] is a flag and its value)
            keyed = regex is ctx.KEYED_ARGUMENT
            listed = keyed and ctx.in_list(text, found.start())
            if listed and not name.startswith("-"):
                continue
            if keyed and _MORE_STRINGS.match(text, found.end("value") + 1):
                # 'pass', 'raise', 'nonlocal' (a keyword table), MovedAttribute("HTTPPasswordMgr",
                # "urllib2", "urllib.request"): a run of names, not a name and its value
                continue
            between = text[found.end("name") : found.start("value")]
            spaced = regex is ctx.CLI_FLAG and "=" not in between
            if spaced and found.group("value").isalpha():
                continue  # prose about a flag: "--registry-password requires --registry-user"
            out.append((name, found.start("value"), found.end("value")))
    for found in ctx.FALLBACK.finditer(text):
        name = found.group("name") or found.group("name2")
        out.append((name, found.start("value"), found.end("value")))
    for regex in (ctx.CREDENTIAL_CALL, ctx.KEY_VALUE_PASSWORD):
        for found in regex.finditer(text):
            out.append(("password", found.start("value"), found.end("value")))
    for found in ctx.SIGNING_CALL.finditer(text):
        out.append(("signing_key", found.start("value"), found.end("value")))
    for found in ctx.CLI_SHORT.finditer(text):
        for group in ("value", "v2", "v3", "v4", "v5", "v6"):
            if found.group(group):
                out.append(("password", found.start(group), found.end(group)))
    return out


_CODE_LANGUAGES = frozenset(
    {"python", "javascript", "typescript", "tsx", "java", "go", "rust", "c", "cpp", "ruby"}
    | {"php", "csharp"}
)
_MORE_STRINGS = re.compile(r"""[ \t]*,\s*(?:\\\n\s*)?["']""")
_AUTH_SCHEME = re.compile(r"(?i)^(?:bearer|basic|token|bot)\s+")


def find_secrets(text: str, language: str) -> list[SecretHit]:
    """Every credential-looking value in ``text``, in order of position.

    ``language`` is a code language or a file kind (``dotenv``, ``yaml``...): unquoted config
    values count only in config-like files, where a bare word after ``key =`` is a value.
    """
    if language == "notebook":
        return _find_in_notebook(text)
    return _find(text, language)


_JSON_STRING_LINE = re.compile(r'[ \t]*"((?:[^"\\]|\\.)*)",?[ \t]*')


def _find_in_notebook(text: str) -> list[SecretHit]:
    """A Jupyter notebook: its JSON as is, and its cells' source lines decoded.

    nbformat writes one source line per JSON string, so decoding each such line keeps line
    numbers; a hit in the decoded code is mapped back to its escaped form in the raw line.
    """
    hits = _find(text, "json")
    rows = text.split("\n")
    decoded: list[str] = []
    for row in rows:
        found = _JSON_STRING_LINE.fullmatch(row)
        try:
            line = json.loads(f'"{found.group(1)}"') if found else ""
        except json.JSONDecodeError:
            line = ""
        decoded.append(line.rstrip("\n").replace("\n", " "))
    starts = [0]
    for row in rows:
        starts.append(starts[-1] + len(row) + 1)
    code = "\n".join(decoded)
    for hit in _find(code, "python"):
        escaped = json.dumps(hit.value)[1:-1]
        column = rows[hit.line].find(escaped)
        if column < 0:
            continue
        start = starts[hit.line] + column
        end = start + len(escaped)
        if not any(start < h.end and h.start < end for h in hits):
            hits.append(SecretHit(hit.line, hit.value, hit.kind, start, end))
    hits.sort(key=lambda hit: hit.start)
    return hits


def _find(text: str, language: str) -> list[SecretHit]:
    hits: list[SecretHit] = []
    taken: list[tuple[int, int]] = []
    lowered = text.lower()
    for fmt in FORMATS:
        if fmt.needles and not any(needle in lowered for needle in fmt.needles):
            continue
        group: str | int = "value" if "value" in fmt.regex.groupindex else 0
        for found in fmt.regex.finditer(text):
            value, start, end = found.group(group), found.start(group), found.end(group)
            if _overlaps(taken, start, end) or not _valid_format(fmt.kind, value, found):
                continue
            taken.append((start, end))
            hits.append(SecretHit(text.count("\n", 0, start), value, fmt.kind, start, end))
    for name, start, end in _named_candidates(text, language):
        value = text[start:end]
        scheme = _AUTH_SCHEME.match(value)
        if scheme:  # "Bearer <token>": judge the token
            value, start = value[scheme.end() :], start + scheme.end()
        if _overlaps(taken, start, end):
            continue
        if _NOT_A_SECRET_NAME.search(name) or is_placeholder(value):
            continue
        if not _looks_random(name, value):
            continue
        taken.append((start, end))
        hits.append(SecretHit(text.count("\n", 0, start), value, GENERIC, start, end))
    hits.sort(key=lambda hit: hit.start)
    return hits
