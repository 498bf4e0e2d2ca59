# ruff: noqa: E501 - each case is one handler on a line or two, as written
"""XSS: the escapers, sanitizers and content types real handlers use, each where the same
handler without it is a finding (the escaper as the file imports it: `from django.utils.html
import escape` is escaping, also once the import is spelled out)."""

from __future__ import annotations

import pytest

from tests.flagged import findings

PATHS = {"java": "A.java", "python": "a.py", "javascript": "a.js", "go": "a.go"}

SAFE = {
    "java": [
        (
            "guava",
            'class A { void h(HttpServletRequest req, HttpServletResponse resp) throws IOException { String q = req.getParameter("q"); resp.getWriter().print("<p>" + HtmlEscapers.htmlEscaper().escape(q) + "</p>"); } }',
        ),
        (
            "jsoup",
            'class A { void h(HttpServletRequest req, HttpServletResponse resp) throws IOException { String q = req.getParameter("q"); resp.getWriter().print("<p>" + Jsoup.clean(q, Safelist.basic()) + "</p>"); } }',
        ),
        (
            "owasp",
            'class A { static final PolicyFactory POLICY = Sanitizers.FORMATTING; void h(HttpServletRequest req, HttpServletResponse resp) throws IOException { String q = req.getParameter("q"); resp.getWriter().print("<p>" + POLICY.sanitize(q) + "</p>"); } }',
        ),
        (
            "springutils",
            'class A { void h(HttpServletRequest req, HttpServletResponse resp) throws IOException { String q = req.getParameter("q"); resp.getWriter().print("<p>" + StringEscapeUtils.escapeHtml4(q) + "</p>"); } }',
        ),
        (
            "intparse",
            'class A { void h(HttpServletRequest req, HttpServletResponse resp) throws IOException { int q = Integer.parseInt(req.getParameter("q")); resp.getWriter().print("<p>" + q + "</p>"); } }',
        ),
        (
            "textplain",
            'class A { void h(HttpServletRequest req, HttpServletResponse resp) throws IOException { resp.setContentType("text/plain"); String q = req.getParameter("q"); resp.getWriter().print("<p>" + q + "</p>"); } }',
        ),
        (
            "json",
            'class A { void h(HttpServletRequest req, HttpServletResponse resp) throws IOException { resp.setContentType("application/json"); String q = req.getParameter("q"); resp.getWriter().print(mapper.writeValueAsString(Map.of("q", q))); } }',
        ),
    ],
    "python": [
        (
            "saxutils",
            'from xml.sax.saxutils import escape\n@app.route("/x")\ndef h():\n    q = request.args.get("q")\n    return "<p>" + escape(q) + "</p>"\n',
        ),
        (
            "django_escape",
            'from django.utils.html import escape\ndef h(request):\n    q = request.GET.get("q")\n    return HttpResponse("<p>" + escape(q) + "</p>")\n',
        ),
        (
            "bleach",
            'import bleach\n@app.route("/x")\ndef h():\n    q = request.args.get("q")\n    return "<p>" + bleach.clean(q) + "</p>"\n',
        ),
        (
            "plain",
            '@app.route("/x")\ndef h():\n    q = request.args.get("q")\n    return Response("<p>" + q + "</p>", mimetype="text/plain")\n',
        ),
        (
            "jsonify",
            '@app.route("/x")\ndef h():\n    q = request.args.get("q")\n    return jsonify(message="<p>" + q + "</p>")\n',
        ),
        (
            "helper",
            'def _esc(s):\n    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")\n\n@app.route("/x")\ndef h():\n    q = request.args.get("q")\n    return "<p>" + _esc(q) + "</p>"\n',
        ),
        (
            "headers_ct",
            '@app.route("/x")\ndef h():\n    q = request.args.get("q")\n    return "<p>" + q + "</p>", 200, {"Content-Type": "text/plain"}\n',
        ),
    ],
    "javascript": [
        (
            "escape-html",
            "const escapeHtml = require('escape-html');\napp.get('/x', (req, res) => { res.send('<p>' + escapeHtml(req.query.q) + '</p>'); });\n",
        ),
        (
            "he",
            "const he = require('he');\napp.get('/x', (req, res) => { res.send('<p>' + he.encode(req.query.q) + '</p>'); });\n",
        ),
        (
            "textContent",
            "function show(){ const q = new URLSearchParams(location.search).get('q'); document.getElementById('o').textContent = q; }\n",
        ),
        (
            "json",
            "app.get('/x', (req, res) => { res.json({ q: '<p>' + req.query.q + '</p>' }); });\n",
        ),
        (
            "type_text",
            "app.get('/x', (req, res) => { res.type('text/plain').send('<p>' + req.query.q + '</p>'); });\n",
        ),
        (
            "helper",
            "function esc(s) { return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }\napp.get('/x', (req, res) => { res.send('<p>' + esc(req.query.q) + '</p>'); });\n",
        ),
        (
            "encodeURIComponent",
            "app.get('/x', (req, res) => { res.send('<a href=\"/s?q=' + encodeURIComponent(req.query.q) + '\">x</a>'); });\n",
        ),
        (
            "setheader_plain",
            "app.get('/x', (req, res) => { res.setHeader('Content-Type', 'text/plain'); res.send('<p>' + req.query.q + '</p>'); });\n",
        ),
    ],
    "go": [
        (
            "html.EscapeString",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) { q := r.URL.Query().Get("q"); fmt.Fprintf(w, "<p>%s</p>", html.EscapeString(q)) }\n',
        ),
        (
            "template.HTMLEscapeString",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) { q := r.URL.Query().Get("q"); fmt.Fprintf(w, "<p>%s</p>", template.HTMLEscapeString(q)) }\n',
        ),
        (
            "bluemonday",
            'package x\nvar policy = bluemonday.UGCPolicy()\nfunc h(w http.ResponseWriter, r *http.Request) { q := r.URL.Query().Get("q"); fmt.Fprintf(w, "<p>%s</p>", policy.Sanitize(q)) }\n',
        ),
        (
            "textplain",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) { w.Header().Set("Content-Type", "text/plain"); q := r.URL.Query().Get("q"); fmt.Fprintf(w, "<p>%s</p>", q) }\n',
        ),
        (
            "atoi",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) { n, _ := strconv.Atoi(r.URL.Query().Get("q")); fmt.Fprintf(w, "<p>%d</p>", n) }\n',
        ),
        (
            "json",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) { q := r.URL.Query().Get("q"); json.NewEncoder(w).Encode(map[string]string{"q": "<p>" + q}) }\n',
        ),
    ],
}

FLAGGED = {
    "java": [
        (
            "plain print",
            'class A { void h(HttpServletRequest req, HttpServletResponse resp) throws IOException { String q = req.getParameter("q"); resp.getWriter().print("<p>" + q + "</p>"); } }',
        ),
        (
            "html ct",
            'class A { void h(HttpServletRequest req, HttpServletResponse resp) throws IOException { resp.setContentType("text/html"); String q = req.getParameter("q"); resp.getWriter().print("<p>" + q + "</p>"); } }',
        ),
        (
            "replace only amp",
            'class A { void h(HttpServletRequest req, HttpServletResponse resp) throws IOException { String q = req.getParameter("q").replace("&", "&amp;"); resp.getWriter().print("<p>" + q + "</p>"); } }',
        ),
    ],
    "python": [
        (
            "html mimetype",
            '@app.route("/x")\ndef h():\n    q = request.args.get("q")\n    return Response("<p>" + q + "</p>", mimetype="text/html")\n',
        ),
        (
            "tuple html",
            '@app.route("/x")\ndef h():\n    q = request.args.get("q")\n    return "<p>" + q + "</p>", 200, {"Content-Type": "text/html"}\n',
        ),
        (
            "replace amp only",
            'def _esc(s):\n    return s.replace("&", "&amp;")\n\n@app.route("/x")\ndef h():\n    q = request.args.get("q")\n    return "<p>" + _esc(q) + "</p>"\n',
        ),
    ],
    "go": [
        (
            "html ct",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) { w.Header().Set("Content-Type", "text/html"); q := r.URL.Query().Get("q"); fmt.Fprintf(w, "<p>%s</p>", q) }\n',
        ),
        (
            "no ct",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) { q := r.URL.Query().Get("q"); fmt.Fprintf(w, "<p>%s</p>", q) }\n',
        ),
    ],
}


@pytest.mark.parametrize(
    ("language", "code"),
    [
        pytest.param(lang, code, id=f"{lang}-{name}")
        for lang, items in SAFE.items()
        for name, code in items
    ],
)
def test_escaped_or_not_html(language: str, code: str) -> None:
    assert not any(findings("xss", code, language, PATHS[language]).values())


@pytest.mark.parametrize(
    ("language", "code"),
    [
        pytest.param(lang, code, id=f"{lang}-{name}")
        for lang, items in FLAGGED.items()
        for name, code in items
    ],
)
def test_the_same_handlers_unescaped_as_html(language: str, code: str) -> None:
    assert any(findings("xss", code, language, PATHS[language]).values())
