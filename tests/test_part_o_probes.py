# ruff: noqa: E501 - each case is one small file, as written
"""Part O's lessons as probes, each beside its lookalike: generators held in fields and module
names (a SecureRandom field named `random`, `new BigInteger(130, random)`, nanoid's non-secure
build, `secrets.SystemRandom()` used from a helper), interpreters fed data (the standard
library's `code` module, `vm.compileFunction`, Jakarta EL), and a JAX-RS request entity that
carries only bean-validation annotations; stored rows through Flask-SQLAlchemy queries into
dominate's `raw` and Django's `SafeString`; Trusted Types policies that sanitize; zod schemas."""

from __future__ import annotations

import pytest

from tests.flagged import flagged_anywhere

FLAGGED = [
    (
        "insecure-randomness",
        "java",
        "big integer from a Random field",
        "public class Tokens {\n    private final Random random = new Random();\n    public String issue() {\n        String token = new BigInteger(130, random).toString(32);\n        return token;\n    }\n}\n",
    ),
    (
        "insecure-randomness",
        "javascript",
        "nanoid non-secure generator",
        "const { customAlphabet } = require('nanoid/non-secure');\nconst makeSecret = customAlphabet('0123456789abcdef', 40);\nfunction createKey(req, res) {\n  const secret = makeSecret();\n  res.json({ apiKey: secret });\n}\n",
    ),
    (
        "insecure-randomness",
        "python",
        "module Random used from a helper",
        "import random\n_rng = random.Random()\n\ndef _code():\n    return ''.join(_rng.sample(ALPHABET, 10))\n\ndef issue_voucher(db):\n    voucher_code = _code()\n    db.add(Voucher(code=voucher_code))\n    return {'code': voucher_code}\n",
    ),
    (
        "code-injection",
        "python",
        "interactive interpreter",
        "import code\n\nasync def console(websocket):\n    interp = code.InteractiveInterpreter(locals={})\n    while True:\n        line = await websocket.receive_text()\n        interp.runsource(line, '<console>', 'single')\n",
    ),
    (
        "code-injection",
        "javascript",
        "vm.compileFunction",
        "const vm = require('node:vm');\nfunction preview(req, res) {\n  const fn = vm.compileFunction(req.body.source, ['event']);\n  res.json(fn(req.body.event));\n}\n",
    ),
    (
        "code-injection",
        "java",
        "Jakarta EL from a validated entity",
        '@Path("/labels")\npublic class LabelResource {\n    @POST\n    public String preview(@Valid PreviewRequest request) {\n        ELProcessor el = new ELProcessor();\n        return String.valueOf(el.eval(request.line()));\n    }\n}\n',
    ),
    (
        "xss",
        "python",
        "dominate raw of a stored bio",
        "from dominate.util import raw\nfrom .models import Member\n\ndef page(member):\n    return div(raw(member.bio), cls='bio').render()\n\ndef show(handle):\n    member = Member.query.filter_by(handle=handle, active=True).first()\n    return page(member)\n",
    ),
    (
        "xss",
        "python",
        "SafeString of a stored review",
        "from django.utils.safestring import SafeString\nfrom .models import Review\n\ndef rows(listing):\n    return [SafeString(r.body.replace('\\n', '<br>')) for r in Review.objects.filter(listing=listing)]\n",
    ),
    (
        "xss",
        "javascript",
        "Trusted Types policy that passes markup through",
        "const policy = trustedTypes.createPolicy('inbox', { createHTML: (d) => d });\nfunction render(el, m) {\n  el.innerHTML = policy.createHTML(m.html);\n}\nexport async function load(el) {\n  const res = await fetch('/api/inbox');\n  const { messages } = await res.json();\n  messages.forEach((m) => render(el, m));\n}\n",
    ),
    (
        "unvalidated-json-input",
        "typescript",
        "request JSON written unchecked",
        "export async function PATCH(req: Request) {\n  const body = await req.json();\n  await prisma.subscription.update({ where: { id: 1 }, data: body });\n  return NextResponse.json({ ok: true });\n}\n",
    ),
    (
        "xss",
        "typescript",
        "lit unsafeHTML of fetched markup",
        "import { unsafeHTML } from 'lit/directives/unsafe-html.js';\nexport async function show(el: HTMLElement) {\n  const res = await fetch('/api/answers');\n  const data = await res.json();\n  render(html`<section>${unsafeHTML(data.body)}</section>`, el);\n}\n",
    ),
]

NOT_FLAGGED = [
    (
        "insecure-randomness",
        "java",
        "SecureRandom field named random",
        "public class Tokens {\n    private final SecureRandom random = new SecureRandom();\n    public String issue() {\n        String token = Long.toHexString(random.nextLong());\n        return token;\n    }\n}\n",
    ),
    (
        "insecure-randomness",
        "javascript",
        "nanoid secure generator",
        "const { customAlphabet } = require('nanoid');\nconst makeSecret = customAlphabet('0123456789abcdef', 40);\nfunction createKey(req, res) {\n  const secret = makeSecret();\n  res.json({ apiKey: secret });\n}\n",
    ),
    (
        "insecure-randomness",
        "python",
        "module SystemRandom used from a helper",
        "import secrets\n_rng = secrets.SystemRandom()\n\ndef _code():\n    return ''.join(_rng.sample(ALPHABET, 10))\n\ndef issue_voucher(db):\n    voucher_code = _code()\n    db.add(Voucher(code=voucher_code))\n    return {'code': voucher_code}\n",
    ),
    (
        "code-injection",
        "python",
        "interpreter on a constant",
        "import code\n\ndef warm_up():\n    interp = code.InteractiveInterpreter(locals={})\n    interp.runsource('import json', '<warmup>', 'single')\n",
    ),
    (
        "code-injection",
        "javascript",
        "vm.compileFunction of a constant",
        "const vm = require('node:vm');\nconst SOURCE = 'return event.title';\nfunction preview(req, res) {\n  const fn = vm.compileFunction(SOURCE, ['event']);\n  res.json(fn(req.body.event));\n}\n",
    ),
    (
        "code-injection",
        "java",
        "Jakarta EL of a constant",
        '@Path("/labels")\npublic class LabelResource {\n    @POST\n    public String preview(@Valid PreviewRequest request) {\n        ELProcessor el = new ELProcessor();\n        el.defineBean("order", request.order());\n        return String.valueOf(el.eval("order.number"));\n    }\n}\n',
    ),
    (
        "xss",
        "python",
        "dominate escapes text",
        "from dominate.util import raw\nfrom .models import Member\n\ndef page(member):\n    return div(member.bio, cls='bio').render()\n\ndef show(handle):\n    member = Member.query.filter_by(handle=handle, active=True).first()\n    return page(member)\n",
    ),
    (
        "xss",
        "python",
        "a row's id looked up by request text",
        "from flask import request\nfrom .models import Member\n\ndef show():\n    member = Member.query.filter_by(handle=request.args['h']).first()\n    return Markup('<a href=/m/%d>profile</a>' % member.id)\n",
    ),
    (
        "xss",
        "javascript",
        "Trusted Types policy that sanitizes",
        "const policy = trustedTypes.createPolicy('inbox', { createHTML: (d) => DOMPurify.sanitize(d) });\nfunction render(el, m) {\n  el.innerHTML = policy.createHTML(m.html);\n}\nexport async function load(el) {\n  const res = await fetch('/api/inbox');\n  const { messages } = await res.json();\n  messages.forEach((m) => render(el, m));\n}\n",
    ),
    (
        "unvalidated-json-input",
        "typescript",
        "zod schema safeParse",
        "const SeatChange = z.object({ seats: z.number().int().min(1) }).strict();\nexport async function PATCH(req: Request) {\n  const parsed = SeatChange.safeParse(await req.json());\n  if (!parsed.success) return NextResponse.json({ error: 'bad' }, { status: 400 });\n  await prisma.subscription.update({ where: { id: 1 }, data: { seats: parsed.data.seats } });\n  return NextResponse.json({ ok: true });\n}\n",
    ),
    (
        "xss",
        "typescript",
        "lit escapes text",
        "export async function show(el: HTMLElement) {\n  const res = await fetch('/api/answers');\n  const data = await res.json();\n  render(html`<section>${data.body}</section>`, el);\n}\n",
    ),
]


@pytest.mark.parametrize(("rule", "language", "name", "code"), FLAGGED, ids=[c[2] for c in FLAGGED])
def test_flagged(rule: str, language: str, name: str, code: str) -> None:
    assert flagged_anywhere(rule, code, language)


@pytest.mark.parametrize(
    ("rule", "language", "name", "code"), NOT_FLAGGED, ids=[c[2] for c in NOT_FLAGGED]
)
def test_not_flagged(rule: str, language: str, name: str, code: str) -> None:
    assert not flagged_anywhere(rule, code, language)
