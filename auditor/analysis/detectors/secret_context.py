"""Keyword context: a literal counts as a credential when what it is assigned to says so.

Each regex here finds a ``name`` (what the value is called) and a ``value``; secrets.py judges
the pair. The places a name can sit (detect-secrets calls these "keyword" filters and keeps one
regex per language family; we keep one per syntactic place instead, shared by all languages):

- assignments, keyword arguments, dict/JSON/YAML keys with a quoted value, possibly on the
  next line or in parentheses (``x =\\n  "..."``, ``x = (\\n "..."\\n)``);
- a quoted key followed by its value as the next argument (``headers.set("X-Api-Key", "...")``);
- APIs that take a user name and a password;
- ``Password=...;`` in a connection string;
- config lines with an unquoted value (``.env``, INI, properties, YAML, TOML, shell, Dockerfile);
- XML elements and attributes;
- command-line flags (``--password=...``, ``mysql -p...``, ``curl -u user:pass``).
"""

from __future__ import annotations

import re

from auditor.analysis.detectors.secret_formats import LazyRegex

# A name that says the value assigned to it is a credential.
SECRET_NAME = (
    r"(?:pass(?:word|wd|phrase|wort)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key"
    r"|private[_-]?key|client[_-]?secret|auth[_-]?(?:token|key|header)|authorization|credentials?"
    r"|(?:signing|encryption|jwt|hmac|session|master|cipher|aes|crypto|app|license|account)"
    r"[_-]?key|consumer[_-]?secret|webhook[_-]?secret|dsn|connection[_-]?string|conn[_-]?str"
    r"|appid|app[_-]?secret|\w{1,30}key)"
)
PASSWORD_NAME = re.compile(r"(?i)pass(?:word|wd|phrase|wort)?|pwd")

_QUOTED_VALUE = r"""
    (?P<quote>["'`])
    (?P<value>(?:(?!(?P=quote))[^\\\n]|\\.){1,300})
    (?P=quote)
"""

# name, optionally quoted (or a quoted key in a subscript) or a PHP variable, then = := : =>
# and a string literal, possibly on the next line, in parentheses, or wrapped in a conversion.
ASSIGNMENT = LazyRegex(
    r"""(?ix)
    (?<![\w.$@-])(?P<name>[$@]?[\w.-]{0,60}"""
    + SECRET_NAME
    + r"""[\w.-]{0,60})
    ["']?\]?[ \t]*
    (?: : [ \t]* [\w.<>\[\]|?]+ [ \t]* (?==) )?    # a type annotation: `apiKey: string = "..."`
    (?: :=  |  =>  |  (?<![=!<>:])=(?![=>])  |  : (?!:)  |  \|\|  |  \?\? )
    \s*
    (?: [(\[] \s* )?
    (?: (?-i:\[\]byte|Buffer\.from|bytes|String|SecretStr|GetBytes|getBytes|str|SecureString)
        \s* \( \s*
      | new \s+ String \s* \( \s* )?
    (?:[rbuRBU]{1,2}|@)?
    """
    + _QUOTED_VALUE,
)

# A quoted credential key followed by its literal value as the next argument:
# `props.put("mail.smtp.password", "...")`, `headers.set("X-Api-Key", "...")`.
KEYED_ARGUMENT = LazyRegex(
    r"""(?ix)
    (?P<q>["'])(?P<name>[\w.-]{0,60}"""
    + SECRET_NAME
    + r"""[\w.-]{0,60})(?P=q) [ \t]* , [ \t]*
    """
    + _QUOTED_VALUE
    + r"(?![ \t]*:)",  # a dict key after a value: {"password_validator", "OPTIONS": ...}
)

# A literal password handed to an API that takes a user name and a password (the password is
# the literal right after the user name's).
CREDENTIAL_CALL = LazyRegex(
    r"""(?x)
    (?: \b(?:PasswordAuthentication|NetworkCredential|UsernamePasswordCredentials
          |UsernamePasswordAuthenticationToken|HTTPBasicAuth|HTTPDigestAuth|BasicAuth|SetBasicAuth
          |basicAuth|PlainAuth|getConnection|PDO|mysqli_connect|mysqli|login|simple_bind_s
          |simple_bind|bind_s|ldap_bind|connect|authenticate|set_password|setPassword)\s*\(
      | \bauth\s*[=:]\s*[(\[] )
    (?:(?:"[^"\n]*"|'[^'\n]*'|[^;()\n"'])*?,)?\s*
    ["'][^"'\n]*["']\s*,\s*
    """
    + _QUOTED_VALUE,
)

# A literal key handed to a signing or MAC API: `Algorithm.HMAC256("...")`, `new
# SecretKeySpec("...".getBytes(), "HmacSHA256")`, `Keys.hmacShaKeyFor(...)`, jjwt's
# `signWith(SignatureAlgorithm.HS256, "...")`, `jwt.encode(payload, "...")` / `jwt.sign(...)`,
# `hmac.new(b"...", ...)`, `createHmac("sha256", "...")`.
SIGNING_CALL = LazyRegex(
    r"""(?x)
    (?: \bAlgorithm\.HMAC(?:256|384|512)\s*\(
      | \bnew\s+SecretKeySpec\s*\(
      | \bKeys\.hmacShaKeyFor\s*\(
      | \bsignWith\s*\(\s*SignatureAlgorithm\.\w+\s*,
      | \bjwt\.(?:encode|sign|verify|decode)\s*\((?:[^;()\n"'`]|\([^()\n]*\))*?,
      | \bhmac\.new\s*\(
      | \bcreateHmac\s*\(\s*["'][\w-]+["']\s*,
    )
    \s*(?:[rbuRBU]{1,2})?
    """
    + _QUOTED_VALUE,
)

# `Password=...;` inside an ADO.NET/ODBC style connection string.
KEY_VALUE_PASSWORD = LazyRegex(
    r"""(?ix)
    (?:server|data\s+source|host|user\s*id|uid|username|user|database|initial\s+catalog|dbname)
    \s*=[^;"'\n]*;[^"'\n]*?
    \b(?:password|pwd)\s*=\s*
    (?P<value>(?![{$%<])[^;"'`\s&{}()+]+)
    """
)

# A config line with an unquoted value: `.env`, INI, properties, YAML, TOML, shell, Dockerfile.
CONFIG_LINE = LazyRegex(
    r"""(?imx)
    ^[ \t]*(?:-[ \t]+)?(?:export[ \t]+|ENV[ \t]+|ARG[ \t]+|set[ \t]+|setx[ \t]+)?
    (?P<name>[\w.-]{0,60}"""
    + SECRET_NAME
    + r"""[\w.-]{0,60})
    [ \t]*(?:=|:)[ \t]*
    (?P<value>[^\s'"`#;,{}\[\]\\]+)[ \t]*(?:[#;].*|\\)?$
    """
)

# <password>...</password> and <add key="ApiKey" value="..."/> / name="password" value="..."
XML_ELEMENT = LazyRegex(
    r"(?i)<(?P<name>[\w.:-]{0,60}"
    + SECRET_NAME
    + r"[\w.:-]{0,60})(?:\s[^>]*)?>(?P<value>[^<\s]+)</"
)
XML_KEY_VALUE = LazyRegex(
    r"""(?ix)(?:key|name)\s*=\s*["'](?P<name>[\w.:-]{0,60}"""
    + SECRET_NAME
    + r"""[\w.:-]{0,60})["']\s+value\s*=\s*"""
    + _QUOTED_VALUE
)

# --password=..., --api-key ..., -p<pw> for mysql, curl -u user:pw, sshpass -p pw
CLI_FLAG = LazyRegex(
    r"""(?ix)
    (?<![\w-])--?(?P<name>[\w-]{0,60}"""
    + SECRET_NAME
    + r"""[\w-]{0,60})(?:=|[ \t]+)
    (?P<quote>["']?)(?P<value>(?![-$%{<])[^\s"'`;|&)]+)(?P=quote)
    """
)
CLI_SHORT = LazyRegex(
    r"""(?x)
    (?:\bmysql(?:dump|admin)?\b[^\n]*?\s-p(?P<value>[^\s"'`;|&$-][^\s"'`;|&]*)
      | \bsshpass\s+-p\s*["']?(?P<v2>[^\s"'`;|&$]+)
      | \bcurl\b[^\n]*?\s(?:-u|--user)\s+["']?[^\s:"']+:(?P<v3>[^\s"'`;|&$@]+)
      | ["']-u["']\s*,\s*["'][^\s:"']+:(?P<v4>[^\s"'`$@]+)["']
      | \bredis-cli\b[^\n]*?\s-a\s+["']?(?P<v5>[^\s"'`;|&$]+)
      | \becho\s+["']?[\w.-]+:(?P<v6>[^\s"'`;|&$]+)["']?\s*\|\s*(?:sudo\s+)?chpasswd)
    """
)

# A credential-named header with its value: "X-Api-Key: ...", "Private-Token: ...".
HEADER = LazyRegex(
    r"(?i)(?<![\w-])(?P<name>[A-Za-z]+(?:-[A-Za-z]+)*-(?:api-?key|token|auth|secret|key)"
    r"(?:-[A-Za-z]+)*|authorization)[ \t]*:[ \t]*(?P<value>[A-Za-z0-9_.~+/=-]{12,})"
)
# A default given where a value is looked up: os.environ.get("SECRET_KEY", "..."),
# getenv("TOKEN") or "...", process.env.API_KEY || "...".
FALLBACK = LazyRegex(
    r"""(?ix)
    (?:getenv|environ\.get|env\.get|ENV\.fetch|process\.env)
    (?: \(\s*["'](?P<name>[\w.-]{0,60}"""
    + SECRET_NAME
    + r"""[\w.-]{0,60})["']\s*(?:,\s*|\)\s*(?:or|\|\||\?\?)\s*)
      | \.(?P<name2>\w{0,60}"""
    + SECRET_NAME
    + r"""\w*)\s*(?:\|\||\?\?)\s* )
    """
    + _QUOTED_VALUE
)
# name: API_KEY / value: ... pairs (Kubernetes env lists, Terraform, CI variables).
NAME_VALUE = LazyRegex(
    r"""(?ix)
    \b(?:name|key)[ \t]*[:=][ \t]*["']?[\w./-]{0,80}?(?P<name>"""
    + SECRET_NAME
    + r"""[\w.-]{0,60})["']?[ \t]*[,\n](?:[^\n]*\n){0,2}?[ \t]*(?:-[ \t]*)?value[ \t]*[:=][ \t]*
    (?P<quote>["']?)
    (?P<value>(?![$%{<])[^\s"',}]+)(?P=quote)
    """
)

# Kinds of files where a bare word after `key =` is a value (in code it is an identifier).
CONFIG_KINDS = frozenset(
    {
        "dotenv",
        "ini",
        "properties",
        "yaml",
        "toml",
        "shell",
        "dockerfile",
        "text",
        "makefile",
        "conf",
        "netrc",
        "npmrc",
        "markdown",
        "terraform",
    }
)
XML_KINDS = frozenset({"xml", "html", "csharp", "java", "text", "markdown"})


_OPENERS = {"(": ")", "[": "]", "{": "}"}


def in_list(text: str, position: int) -> bool:
    """Whether ``position`` sits directly in a ``[...]`` or ``{...}`` literal opened on its
    line (a list or set of strings), rather than in a call's arguments or a tuple."""
    begin = text.rfind("\n", 0, position) + 1
    stack: list[str] = []
    quote = ""
    for char in text[begin:position]:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'`":
            quote = char
        elif char in _OPENERS:
            stack.append(char)
        elif stack and char == _OPENERS[stack[-1]]:
            stack.pop()
    return bool(stack) and stack[-1] in "[{"
