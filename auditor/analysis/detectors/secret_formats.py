"""Known credential formats: one table, recognized by shape wherever they occur.

Like gitleaks' rule list, each format is a regex with an optional ``value`` group (the secret;
the whole match otherwise) and a flag for whether the body is random enough to be checked for
entropy (a human-written look-alike is then rejected). Prefixes come from the issuers'
documentation; the list is the one place to add a format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    kind: str
    regex: re.Pattern[str]
    random: bool = True  # the body must look random (entropy, digits)


def _f(kind: str, pattern: str, *, random: bool = True) -> Format:
    return Format(kind, re.compile(pattern), random)


# A value in a URL query or a header stops at these.
_Q = r"[^\s&#'\"`<>;,(){}\[\]\\]"

FORMATS: tuple[Format, ...] = (
    _f(
        "aws-access-key-id",
        r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}"
        r"(?![A-Z0-9])",
    ),
    _f("github-token", r"(?<![\w])(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}(?![\w])"),
    _f("github-token", r"(?<![\w])github_pat_[A-Za-z0-9_]{50,}"),
    _f("gitlab-token", r"(?<![\w-])(?:glpat|gldt|glptt|glrt|gloas|glsoat)-[A-Za-z0-9_-]{20,}"),
    _f("gitlab-token", r"(?<![\w])GR1348941[A-Za-z0-9_-]{20,}"),
    _f("slack-token", r"(?<![\w-])xox[abposre]-[A-Za-z0-9-]{10,}"),
    _f(
        "slack-webhook",
        r"https://hooks\.slack\.com/(?:services|workflows)/(?P<value>T[A-Z0-9]+/[A-Z0-9]+/"
        r"[A-Za-z0-9]{16,})",
    ),
    _f("stripe-key", r"(?<![\w])(?:sk|rk)_live_[A-Za-z0-9]{16,}"),
    _f("stripe-webhook-secret", r"(?<![\w])whsec_[A-Za-z0-9]{24,}"),
    _f("google-api-key", r"(?<![\w-])AIza[0-9A-Za-z_-]{35}(?![\w-])"),
    _f("google-oauth-secret", r"(?<![\w-])GOCSPX-[A-Za-z0-9_-]{28}(?![\w-])"),
    _f("google-oauth-token", r"(?<![\w.-])ya29\.[A-Za-z0-9_-]{30,}"),
    _f("azure-storage-key", r"AccountKey=(?P<value>[A-Za-z0-9+/]{80,}={0,2})"),
    _f("azure-sas-signature", r"[?&]sig=(?P<value>[A-Za-z0-9%+/]{30,}(?:%3D|=){0,2})"),
    _f(
        "azure-client-secret",
        r"(?<![\w~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![\w~.-])",
    ),
    _f("twilio-api-key", r"(?<![\w])SK[0-9a-f]{32}(?![\w])"),
    _f("sendgrid-key", r"(?<![\w])SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![\w-])"),
    _f("npm-token", r"(?<![\w])npm_[A-Za-z0-9]{36}(?![\w])"),
    _f("npm-token", r"_authToken\s*=\s*(?P<value>[A-Za-z0-9_-]{20,})"),
    _f("npm-auth", r"(?m):?_(?:auth|password)\s*=\s*(?P<value>[A-Za-z0-9+/]{12,}={0,2})\s*$"),
    _f("vault-token", r"(?<![\w.])(?:hvs|hvb|hvr)\.[A-Za-z0-9_-]{24,}"),
    # base64 of "-----BEGIN ... PRIVATE KEY" (Kubernetes secrets, CI variables)
    _f(
        "private-key",
        r"LS0tLS1CRUdJTi(?:BQUklWQVRF|BSU0EgUFJJVkFURS|BFQyBQUklWQVRF|BPUEVOU1NIIFBSSVZBVEU"
        r"|BEU0EgUFJJVkFURS|BFTkNSWVBURUQgUFJJVkFURS)[A-Za-z0-9+/=]{20,}",
        random=False,
    ),
    # base64 of '{"auths":' : a Docker registry config with credentials
    _f("docker-config-auth", r"eyJhdXRocyI6[A-Za-z0-9+/=]{20,}", random=False),
    _f("pypi-token", r"(?<![\w-])pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}"),
    _f("openai-key", r"(?<![\w-])sk-(?:proj-|svcacct-|admin-|ant-api\d\d-)?[A-Za-z0-9_-]{20,}"),
    _f("huggingface-token", r"(?<![\w])hf_[A-Za-z]{34,}(?![\w])"),
    _f("digitalocean-token", r"(?<![\w])do[por]_v1_[a-f0-9]{64}(?![\w])"),
    _f("shopify-token", r"(?<![\w])shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}(?![\w])"),
    _f("square-token", r"(?<![\w-])(?:sq0atp|sq0csp|EAAA)[-_]?[A-Za-z0-9_-]{22,60}"),
    _f("mailchimp-key", r"(?<![\w-])[0-9a-f]{32}-us\d{1,2}(?![\w])"),
    _f("mailgun-key", r"(?<![\w-])key-[0-9a-f]{32}(?![\w])"),
    _f("telegram-bot-token", r"(?<![\w:])\d{8,10}:AA[A-Za-z0-9_-]{33}(?![\w-])"),
    _f(
        "private-key",
        r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----"
        r"(?:(?:\s|\\n|[\"'+,])*[A-Za-z0-9+/=:-]{16,})+",
        random=False,
    ),
    _f(
        "jwt",
        r"(?<![\w-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",
        random=False,
    ),
    # scheme://user:password@host; the user may be empty (redis://:pw@host).
    _f(
        "connection-string-password",
        r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,30}://(?P<user>[^\s:/@'\"`<>]*):"
        r"(?P<value>[^\s/@'\"`<>]+)@[^\s/'\"`@]+",
        random=False,
    ),
    # A credential in a URL query: ?access_token=...&oauth_token_secret=...
    _f(
        "url-query-token",
        r"(?i)[?&](?:access_token|oauth_token|oauth_token_secret|oauth_signature|api_?key|apikey"
        r"|client_secret|refresh_token|auth_token|token|secret|key|password|passwd|pwd)="
        r"(?P<value>" + _Q + r"{6,})",
        random=False,
    ),
    _f(
        "authorization-header",
        r"(?i)\b(?:bearer|token)[ \t]+(?P<value>[A-Za-z0-9_.~+/=-]{16,})",
    ),
    _f("authorization-header", r"(?i)\bbasic[ \t]+(?P<value>[A-Za-z0-9+/]{8,}={0,2})(?![\w+/=])"),
    # Basic auth built in code: base64.b64encode(b"user:pass"), btoa("user:pass").
    _f(
        "basic-auth-credentials",
        r"(?:b64encode|btoa|encodeToString|Base64\.encode\w*|base64_encode|strict_encode64)"
        r"\s*\(\s*[bB]?([\"'`])[^:\"'`\s]+:(?P<value>[^\"'`\s]{3,})\1",
        random=False,
    ),
)
