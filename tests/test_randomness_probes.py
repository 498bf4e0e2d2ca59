# ruff: noqa: E501 - each case is one small function, as written
"""Insecure randomness: what real code does with random numbers that is no secret (jitter, a
sample, a pick, a seeded simulation, an element picked from a list into a variable called
token), and the tokens, codes and cookies made from a predictable generator or the clock."""

from __future__ import annotations

import pytest

from tests.flagged import flagged_anywhere, probes

SAFE = {
    "python": [
        (
            "secrets",
            "import secrets\ndef make_reset_token():\n    return secrets.token_urlsafe(32)\n",
        ),
        (
            "sysrandom",
            "import random\n_rng = random.SystemRandom()\ndef new_password():\n    return ''.join(_rng.choice(ALPHABET) for _ in range(16))\n",
        ),
        (
            "jitter",
            "import random, time\ndef retry(fn):\n    for attempt in range(5):\n        try:\n            return fn()\n        except IOError:\n            delay = min(30, 2 ** attempt) + random.uniform(0, 1)\n            time.sleep(delay)\n",
        ),
        (
            "sample",
            "import random\ndef pick_reviewers(team, n=2):\n    return random.sample(team, n)\n",
        ),
        ("uuid4", "import uuid\ndef new_session_id():\n    return uuid.uuid4().hex\n"),
        (
            "shuffle quiz",
            "import random\ndef build_quiz(questions):\n    order = list(questions)\n    random.shuffle(order)\n    return order[:10]\n",
        ),
        (
            "ab bucket",
            "import random\ndef assign_variant(user):\n    variant = 'b' if random.random() < 0.5 else 'a'\n    user.variant = variant\n    return variant\n",
        ),
        (
            "token from secrets in dict",
            "import secrets, random\ndef issue(user):\n    token = secrets.token_hex(16)\n    wait = random.randint(1, 5)\n    return {'token': token, 'retry_after': wait}\n",
        ),
    ],
    "javascript": [
        (
            "randomUUID",
            "const crypto = require('crypto');\nfunction createSessionId() { return crypto.randomUUID(); }\n",
        ),
        (
            "getRandomValues",
            "function newState() { const a = new Uint8Array(16); crypto.getRandomValues(a); return Array.from(a, b => b.toString(16).padStart(2, '0')).join(''); }\n",
        ),
        (
            "jitter",
            "async function retry(fn) { for (let i = 0; i < 5; i++) { try { return await fn(); } catch (e) { const delay = 2 ** i * 100 + Math.random() * 100; await sleep(delay); } } }\n",
        ),
        (
            "color",
            "function avatarColor() { const hue = Math.floor(Math.random() * 360); return `hsl(${hue}, 70%, 50%)`; }\n",
        ),
        (
            "nanoid",
            "const { nanoid } = require('nanoid');\nfunction inviteCode() { return nanoid(12); }\n",
        ),
        (
            "element id",
            'function uid() { return \'el-\' + Math.random().toString(36).slice(2); }\nfunction render() { const id = uid(); return `<label for="${id}">x</label><input id="${id}">`; }\n',
        ),
    ],
    "java": [
        (
            "securerandom",
            "class T { private static final SecureRandom RNG = new SecureRandom(); String newToken() { byte[] b = new byte[32]; RNG.nextBytes(b); return Base64.getUrlEncoder().encodeToString(b); } }",
        ),
        ("uuid", "class T { String newSessionId() { return UUID.randomUUID().toString(); } }"),
        (
            "jitter",
            "class T { long backoff(int attempt) { return (1L << attempt) * 100 + ThreadLocalRandom.current().nextInt(100); } }",
        ),
        (
            "shuffle",
            "class T { List<Question> quiz(List<Question> all) { List<Question> copy = new ArrayList<>(all); Collections.shuffle(copy, new Random()); return copy.subList(0, 10); } }",
        ),
        (
            "random secure alphanumeric",
            "class T { String newApiKey() { return RandomStringUtils.secure().nextAlphanumeric(40); } }",
        ),
    ],
    "go": [
        (
            "crypto",
            'package x\nimport (\n\t"crypto/rand"\n\t"encoding/hex"\n)\nfunc newToken() string {\n\tb := make([]byte, 16)\n\trand.Read(b)\n\treturn hex.EncodeToString(b)\n}\n',
        ),
        (
            "jitter",
            'package x\nimport (\n\t"math/rand"\n\t"time"\n)\nfunc backoff(attempt int) time.Duration {\n\treturn time.Duration(1<<attempt)*time.Second + time.Duration(rand.Intn(1000))*time.Millisecond\n}\n',
        ),
        (
            "pick server",
            'package x\nimport "math/rand"\nfunc pick(servers []string) string {\n\treturn servers[rand.Intn(len(servers))]\n}\n',
        ),
        (
            "uuid",
            'package x\nimport "github.com/google/uuid"\nfunc newSessionID() string {\n\treturn uuid.NewString()\n}\n',
        ),
    ],
}

ALSO_SAFE = {
    "python": [
        (
            "lexer token",
            "import random\ndef mutate(tokens):\n    token = random.choice(tokens)\n    return tokens + [token]\n",
        ),
        (
            "dict key",
            "import random\ndef pick_entry(table):\n    key = random.choice(list(table))\n    return table[key]\n",
        ),
        (
            "cache bust",
            "import random\ndef asset_url(path):\n    return f'{path}?v={random.randint(0, 10**6)}'\n",
        ),
        (
            "test data",
            "import random\ndef make_user(**kw):\n    return User(name=random.choice(NAMES), age=random.randint(18, 90), **kw)\n",
        ),
        (
            "seeded sim",
            "import random\ndef simulate(seed):\n    rng = random.Random(seed)\n    return [rng.gauss(0, 1) for _ in range(100)]\n",
        ),
        (
            "port",
            "import random\ndef free_port():\n    port = random.randint(20000, 30000)\n    return port\n",
        ),
        (
            "retry code",
            "import random\ndef backoff_code(attempt):\n    code = random.random()\n    return min(60, 2 ** attempt * code)\n",
        ),
    ],
    "javascript": [
        (
            "key react",
            "function List({ items }) { return items.map(i => <li key={Math.random()}>{i}</li>); }\n",
        ),
        (
            "random delay",
            "function schedule(job) { const delayMs = Math.random() * 1000; setTimeout(job, delayMs); }\n",
        ),
        (
            "pick tip",
            "function randomTip(tips) { const index = Math.floor(Math.random() * tips.length); return tips[index]; }\n",
        ),
    ],
    "java": [
        (
            "sampling",
            "class T { boolean sampled() { return ThreadLocalRandom.current().nextDouble() < 0.01; } }",
        ),
        (
            "pick",
            "class T { String pick(List<String> hosts) { return hosts.get(new Random().nextInt(hosts.size())); } }",
        ),
    ],
}

WEAK = {
    "python": [
        (
            "choices token",
            "import random, string\ndef make_reset_token():\n    return ''.join(random.choices(string.ascii_letters + string.digits, k=32))\n",
        ),
        (
            "otp randint",
            "import random\ndef send_code(user):\n    code = str(random.randint(100000, 999999))\n    sms.send(user.phone, code)\n    cache.set(f'otp:{user.id}', code, 300)\n",
        ),
        (
            "getrandbits session",
            "import random\ndef start_session(resp, user):\n    sid = '%032x' % random.getrandbits(128)\n    store[sid] = user.id\n    resp.set_cookie('sid', sid)\n",
        ),
        (
            "temp password",
            "import random\ndef reset_password(user):\n    temp = ''.join(random.choice(ALPHABET) for _ in range(10))\n    user.set_password(temp)\n    mail(user.email, temp)\n",
        ),
        (
            "md5 time token",
            "import hashlib, time\ndef make_reset_token(email):\n    return hashlib.md5(f'{email}{time.time()}'.encode()).hexdigest()\n",
        ),
    ],
    "javascript": [
        (
            "toString36",
            "function createSessionId() { return Math.random().toString(36).slice(2); }\n",
        ),
        (
            "otp",
            "function sendOtp(user) { const otp = Math.floor(100000 + Math.random() * 900000); sms.send(user.phone, `Your code is ${otp}`); return otp; }\n",
        ),
        (
            "cookie",
            "function routes(app) {\n  app.post('/login', (req, res) => { const sid = Math.random().toString(16).slice(2); sessions.set(sid, req.user.id); res.cookie('sid', sid, { httpOnly: true }); });\n}\n",
        ),
        (
            "apikey",
            "function generateApiKey() { let key = ''; for (let i = 0; i < 32; i++) key += CHARS[Math.floor(Math.random() * CHARS.length)]; return key; }\n",
        ),
    ],
    "java": [
        (
            "random otp",
            'class T { String otp() { return String.format("%06d", new Random().nextInt(1000000)); } }',
        ),
        (
            "randomstringutils",
            "class T { String newApiKey() { return RandomStringUtils.randomAlphanumeric(40); } }",
        ),
        (
            "math random token",
            "class T { String resetToken() { return Long.toHexString(Double.doubleToLongBits(Math.random())); } }",
        ),
        (
            "cookie",
            'class T { void login(HttpServletResponse resp) { String value = Long.toString(new Random().nextLong(), 36); resp.addCookie(new Cookie("remember_me", value)); } }',
        ),
    ],
    "go": [
        (
            "otp",
            'package x\nimport (\n\t"fmt"\n\t"math/rand"\n)\nfunc newOTP() string {\n\treturn fmt.Sprintf("%06d", rand.Intn(1000000))\n}\n',
        ),
        (
            "token letters",
            'package x\nimport "math/rand"\nfunc newToken() string {\n\tb := make([]byte, 32)\n\tfor i := range b {\n\t\tb[i] = letters[rand.Intn(len(letters))]\n\t}\n\treturn string(b)\n}\n',
        ),
        (
            "cookie",
            'package x\nimport (\n\t"math/rand"\n\t"net/http"\n\t"strconv"\n)\nfunc login(w http.ResponseWriter, r *http.Request) {\n\tsid := strconv.FormatInt(rand.Int63(), 36)\n\thttp.SetCookie(w, &http.Cookie{Name: "sid", Value: sid})\n}\n',
        ),
    ],
}


@pytest.mark.parametrize(
    ("rule", "language", "code"), probes("insecure-randomness", SAFE, ALSO_SAFE)
)
def test_no_secret_made_here(rule: str, language: str, code: str) -> None:
    assert not flagged_anywhere(rule, code, language)


@pytest.mark.parametrize(("rule", "language", "code"), probes("insecure-randomness", WEAK))
def test_a_secret_from_a_predictable_generator(rule: str, language: str, code: str) -> None:
    assert flagged_anywhere(rule, code, language)
