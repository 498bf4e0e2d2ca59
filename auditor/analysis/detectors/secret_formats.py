"""Known credential formats: one table, recognized by shape wherever they occur.

Like gitleaks' rule list, each format is a regex with an optional ``value`` group (the secret;
the whole match otherwise) and a flag for whether the body is random enough to be checked for
entropy (a human-written look-alike is then rejected). Prefixes come from the issuers'
documentation; the list is the one place to add a format.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass


class LazyRegex:
    """A regex compiled on first use: the hook imports the detector on every commit, and most
    formats never meet text that holds their needles."""

    __slots__ = ("_compiled", "_pattern")

    def __init__(self, pattern: str) -> None:
        self._pattern = pattern
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._pattern)
        return self._compiled

    @property
    def groupindex(self) -> Mapping[str, int]:
        return self.compiled.groupindex

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text)


@dataclass(frozen=True)
class Format:
    kind: str
    regex: LazyRegex
    random: bool = True  # the body must look random (entropy, digits)
    # Lower-case strings one of which every match contains: the regex runs only on text that
    # holds one (a substring test is far cheaper than a regex that starts with a lookbehind).
    needles: tuple[str, ...] = ()


def _f(kind: str, pattern: str, *needles: str, random: bool = True) -> Format:
    return Format(kind, LazyRegex(pattern), random, needles)


# A value in a URL query or a header stops at these.
_Q = r"[^\s&#'\"`<>;,(){}\[\]\\]"

FORMATS: tuple[Format, ...] = (
    _f(
        "aws-access-key-id",
        r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}"
        r"(?![A-Z0-9])",
        *("akia", "asia", "abia", "acca", "agpa", "aida", "aroa", "aipa", "anpa", "anva", "apka"),
    ),
    _f(
        "github-token",
        r"(?<![\w])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}(?![\w])",
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
    ),
    _f("github-token", r"(?<![\w])github_pat_[A-Za-z0-9_]{50,}", "github_pat_"),
    _f(
        "gitlab-token",
        r"(?<![\w-])(?:glpat|gldt|glptt|glrt|gloas|glsoat)-[A-Za-z0-9_-]{20,}",
        "glpat-",
        "gldt-",
        "glptt-",
        "glrt-",
        "gloas-",
        "glsoat-",
    ),
    _f("gitlab-token", r"(?<![\w])GR1348941[A-Za-z0-9_-]{20,}", "gr1348941"),
    _f("slack-token", r"(?<![\w-])xox[abposre]-[A-Za-z0-9-]{10,}", "xox"),
    _f(
        "slack-webhook",
        r"https://hooks\.slack\.com/(?:services|workflows)/(?P<value>T[A-Z0-9]+/[A-Z0-9]+/"
        r"[A-Za-z0-9]{16,})",
        "hooks.slack.com",
    ),
    _f("stripe-key", r"(?<![\w])(?:sk|rk)_live_[A-Za-z0-9]{16,}", "_live_"),
    _f("stripe-webhook-secret", r"(?<![\w])whsec_[A-Za-z0-9]{24,}", "whsec_"),
    _f("google-api-key", r"(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])", "aiza"),
    _f("google-oauth-secret", r"(?<![\w-])GOCSPX-[A-Za-z0-9_-]{28}(?![\w-])", "gocspx-"),
    _f("google-oauth-token", r"(?<![\w.-])ya29\.[A-Za-z0-9_-]{30,}", "ya29."),
    _f("azure-storage-key", r"AccountKey=(?P<value>[A-Za-z0-9+/]{80,}={0,2})", "accountkey="),
    _f("azure-sas-signature", r"[?&]sig=(?P<value>[A-Za-z0-9%+/]{30,}(?:%3D|=){0,2})", "sig="),
    _f(
        "azure-client-secret",
        r"(?<![\w~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![\w~.-])",
        "q~",
    ),
    _f("twilio-api-key", r"(?<![\w])SK[0-9a-f]{32}(?![\w])", "sk"),
    _f("sendgrid-key", r"(?<![\w])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![\w-])", "sg."),
    _f("npm-token", r"(?<![\w])npm_[A-Za-z0-9]{36}(?![\w])", "npm_"),
    _f("npm-token", r"_authToken\s*=\s*(?P<value>[A-Za-z0-9_-]{20,})", "_authtoken"),
    _f(
        "npm-auth",
        r"(?m):?_(?:auth|password)\s*=\s*(?P<value>[A-Za-z0-9+/]{12,}={0,2})\s*$",
        "_auth",
        "_password",
    ),
    _f("vault-token", r"(?<![\w.])(?:hvs|hvb|hvr)\.[A-Za-z0-9_-]{24,}", "hvs.", "hvb.", "hvr."),
    # base64 of "-----BEGIN ... PRIVATE KEY" (Kubernetes secrets, CI variables)
    _f(
        "private-key",
        r"LS0tLS1CRUdJTi(?:BQUklWQVRF|BSU0EgUFJJVkFURS|BFQyBQUklWQVRF|BPUEVOU1NIIFBSSVZBVEU"
        r"|BEU0EgUFJJVkFURS|BFTkNSWVBURUQgUFJJVkFURS)[A-Za-z0-9+/=]{20,}",
        "ls0tls1crudjti",
        random=False,
    ),
    # base64 of '{"auths":' : a Docker registry config with credentials
    _f("docker-config-auth", r"eyJhdXRocyI6[A-Za-z0-9+/=]{20,}", "eyjhdxrocyi6", random=False),
    _f("pypi-token", r"(?<![\w-])pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}", "pypi-ageichlwas5vcmc"),
    _f(
        "openai-key",
        r"(?<![\w-])sk-(?:proj-|svcacct-|admin-|ant-api\d\d-)?[A-Za-z0-9_-]{20,}",
        "sk-",
    ),
    _f("huggingface-token", r"(?<![\w])hf_[A-Za-z]{34,}(?![\w])", "hf_"),
    _f("digitalocean-token", r"(?<![\w])do[por]_v1_[a-f0-9]{64}(?![\w])", "_v1_"),
    _f(
        "shopify-token",
        r"(?<![\w])shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}(?![\w])",
        "shpat_",
        "shpss_",
        "shpca_",
        "shppa_",
    ),
    _f(
        "square-token",
        r"(?<![\w-])(?:sq0atp|sq0csp|EAAA)[-_]?[A-Za-z0-9_-]{22,60}",
        "sq0atp",
        "sq0csp",
        "eaaa",
    ),
    _f("mailchimp-key", r"(?<![\w-])[0-9a-f]{32}-us\d{1,2}(?![\w])", "-us"),
    _f("mailgun-key", r"(?<![\w-])key-[0-9a-f]{32}(?![\w])", "key-"),
    _f("telegram-bot-token", r"(?<![\w:])\d{8,10}:AA[A-Za-z0-9_-]{33}(?![\w-])", ":aa"),
    _f(
        "private-key",
        r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"
        r"(?:(?:\s|\\n|[\"'+,])*[A-Za-z0-9+/=:-]{16,})+",
        "private key",
        random=False,
    ),
    _f(
        "jwt",
        r"(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        "eyj",
        random=False,
    ),
    # scheme://user:password@host; the user may be empty (redis://:pw@host).
    _f(
        "connection-string-password",
        r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,30}://(?P<user>[^\s:/@'\"`<>]*):"
        r"(?P<value>[^\s/@'\"`<>]+)@[^\s/'\"`@]+",
        "://",
        random=False,
    ),
    # A credential in a URL query: ?access_token=...&oauth_token_secret=...
    _f(
        "url-query-token",
        r"(?i)[?&](?:access_token|oauth_token|oauth_token_secret|oauth_signature|api_?key|apikey"
        r"|client_secret|refresh_token|auth_token|token|secret|key|password|passwd|pwd)="
        r"(?P<value>" + _Q + r"{6,})",
        *("token=", "signature=", "key=", "secret=", "password=", "passwd=", "pwd="),
        random=False,
    ),
    _f(
        "authorization-header",
        r"(?i)\b(?:bearer|token)[ \t]+(?P<value>[A-Za-z0-9_.~+/=-]{16,})",
        "bearer",
        "token",
    ),
    _f(
        "authorization-header",
        r"(?i)\bbasic[ \t]+(?P<value>[A-Za-z0-9+/]{8,}={0,2})(?![\w+/=])",
        "basic",
    ),
    # Basic auth built in code: base64.b64encode(b"user:pass"), btoa("user:pass").
    _f(
        "basic-auth-credentials",
        r"(?:b64encode|btoa|encodeToString|Base64\.encode\w*|base64_encode|strict_encode64)"
        r"\s*\(\s*[bB]?([\"'`])[^:\"'`\s]+:(?P<value>[^\"'`\s]{3,})\1",
        *("b64encode", "btoa", "encodetostring", "base64", "strict_encode64"),
        random=False,
    ),
)
