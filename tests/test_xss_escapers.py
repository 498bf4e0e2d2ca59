# ruff: noqa: E501 - each case is one handler on a line or two, as written
"""XSS: the escapers, sanitizers and content types real handlers use, each where the same
handler without it is a finding (the escaper as the file imports it: `from django.utils.html
import escape` is escaping, also once the import is spelled out)."""

from __future__ import annotations

import pytest

from tests.flagged import flagged_anywhere, probes

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

# what the frameworks escape or do not serve as HTML: JSX text, templates, JSON, redirects
FRAMEWORKS = {
    "javascript": [
        (
            "react text",
            "function Greeting() { const name = new URLSearchParams(location.search).get('name'); return <h1>Hello {name}</h1>; }\n",
        ),
        (
            "react attr",
            "function Link() { const url = new URLSearchParams(location.search).get('next'); return <a title={url}>back</a>; }\n",
        ),
        (
            "dompurify",
            "function Preview({ html }) { return <div dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(html) }} />; }\n",
        ),
        (
            "innerText",
            "function show() { const q = new URLSearchParams(location.search).get('q'); document.querySelector('#out').innerText = q; }\n",
        ),
        (
            "createTextNode",
            "function show() { const q = location.hash.slice(1); el.appendChild(document.createTextNode(q)); }\n",
        ),
        (
            "setAttribute data",
            "function show() { const q = location.hash.slice(1); el.setAttribute('data-q', q); }\n",
        ),
        ("res.render", "function page(req, res) { res.render('search', { q: req.query.q }); }\n"),
        (
            "res.json html",
            "function api(req, res) { res.json({ html: `<b>${req.query.q}</b>` }); }\n",
        ),
        (
            "escape lodash",
            "function page(req, res) { res.send('<p>' + _.escape(req.query.q) + '</p>'); }\n",
        ),
        (
            "sanitize-html",
            "const sanitizeHtml = require('sanitize-html');\nfunction page(req, res) { res.send('<div>' + sanitizeHtml(req.body.bio) + '</div>'); }\n",
        ),
        (
            "number",
            "function page(req, res) { const n = parseInt(req.query.n, 10); res.send(`<p>${n}</p>`); }\n",
        ),
        (
            "redirect",
            "function go(req, res) { res.redirect('/search?q=' + encodeURIComponent(req.query.q)); }\n",
        ),
        (
            "send status",
            "function page(req, res) { if (!req.query.q) return res.status(400).send('missing q'); res.send('ok'); }\n",
        ),
        (
            "vue text",
            "export default { data() { return { q: new URLSearchParams(location.search).get('q') }; }, template: '<p>{{ q }}</p>' };\n",
        ),
        (
            "textContent template",
            "function row(item) { const li = document.createElement('li'); li.textContent = item.name; return li; }\nfunction render(items) { items.forEach(i => list.appendChild(row(i))); }\n",
        ),
        (
            "innerHTML constant",
            "function clear() { document.getElementById('list').innerHTML = ''; }\nfunction spinner() { el.innerHTML = '<span class=\"spin\"></span>'; }\n",
        ),
        (
            "innerHTML escaped helper",
            "function esc(s) { return s.replace(/[&<>\"']/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','\"':'&quot;',\"'\":'&#39;'}[c])); }\nfunction show(q) { out.innerHTML = '<b>' + esc(q) + '</b>'; }\n",
        ),
        (
            "header set",
            "function api(req, res) { res.set('X-Request', req.query.id); res.send('ok'); }\n",
        ),
    ],
    "typescript": [
        (
            "next api json",
            "export default function handler(req: NextApiRequest, res: NextApiResponse) { res.status(200).json({ q: req.query.q }); }\n",
        ),
        (
            "angular text",
            "@Component({ selector: 'x', template: '<p>{{ q }}</p>' })\nexport class X { q = new URLSearchParams(location.search).get('q'); }\n",
        ),
        (
            "nest json",
            "@Controller('s')\nexport class S { @Get() find(@Query('q') q: string) { return { results: [], q }; } }\n",
        ),
    ],
    "python": [
        (
            "render_template",
            "@app.route('/s')\ndef s():\n    return render_template('s.html', q=request.args.get('q'))\n",
        ),
        (
            "django render",
            "def s(request):\n    return render(request, 's.html', {'q': request.GET.get('q')})\n",
        ),
        (
            "format_html",
            "def s(request):\n    return HttpResponse(format_html('<p>{}</p>', request.GET.get('q')))\n",
        ),
        (
            "escape markupsafe",
            "from markupsafe import escape\n@app.route('/s')\ndef s():\n    return f\"<p>{escape(request.args.get('q'))}</p>\"\n",
        ),
        (
            "jsonresponse",
            "def s(request):\n    return JsonResponse({'q': '<b>' + request.GET.get('q', '') + '</b>'})\n",
        ),
        (
            "redirect",
            "@app.route('/go')\ndef go():\n    return redirect(url_for('search', q=request.args.get('q')))\n",
        ),
        (
            "plain text return",
            "@app.route('/s')\ndef s():\n    q = request.args.get('q')\n    return f'You searched for {q}', 200, {'Content-Type': 'text/plain; charset=utf-8'}\n",
        ),
        ("fastapi dict", "@app.get('/s')\ndef s(q: str):\n    return {'message': f'<b>{q}</b>'}\n"),
        (
            "fastapi plain",
            "@app.get('/s', response_class=PlainTextResponse)\ndef s(q: str):\n    return f'<b>{q}</b>'\n",
        ),
        (
            "int",
            "@app.route('/p')\ndef p():\n    page = int(request.args.get('page', 1))\n    return f'<p>Page {page}</p>'\n",
        ),
        (
            "abort",
            "@app.route('/p')\ndef p():\n    q = request.args.get('q')\n    if not q:\n        abort(400, 'missing q')\n    return render_template('p.html', q=q)\n",
        ),
    ],
    "java": [
        (
            "thymeleaf model",
            'class C { @GetMapping("/s") String s(@RequestParam String q, Model model) { model.addAttribute("q", q); return "search"; } }',
        ),
        (
            "restcontroller",
            '@RestController class C { @GetMapping("/s") Map<String, String> s(@RequestParam String q) { return Map.of("q", "<b>" + q + "</b>"); } }',
        ),
        (
            "responseentity json",
            '@RestController class C { @GetMapping("/s") ResponseEntity<String> s(@RequestParam String q) { return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body("{\\"q\\":\\"" + q + "\\"}"); } }',
        ),
        (
            "escaped writer",
            'class S extends HttpServlet { protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException { String q = req.getParameter("q"); resp.getWriter().write("<p>" + Encode.forHtml(q) + "</p>"); } }',
        ),
        (
            "int",
            'class S extends HttpServlet { protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException { int n = Integer.parseInt(req.getParameter("n")); resp.getWriter().write("<p>" + n + "</p>"); } }',
        ),
        (
            "redirect",
            'class C { @GetMapping("/go") String go(@RequestParam String q) { return "redirect:/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8); } }',
        ),
    ],
    "go": [
        (
            "html/template",
            'package x\nimport "html/template"\nvar t = template.Must(template.ParseFiles("s.html"))\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tt.Execute(w, map[string]string{"q": r.URL.Query().Get("q")})\n}\n',
        ),
        (
            "json",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tjson.NewEncoder(w).Encode(map[string]string{"q": r.URL.Query().Get("q")})\n}\n',
        ),
        (
            "gin json",
            'package x\nfunc h(c *gin.Context) {\n\tc.JSON(200, gin.H{"q": "<b>" + c.Query("q") + "</b>"})\n}\n',
        ),
        (
            "gin html template",
            'package x\nfunc h(c *gin.Context) {\n\tc.HTML(200, "s.tmpl", gin.H{"q": c.Query("q")})\n}\n',
        ),
        (
            "http.Error",
            'package x\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tq := r.URL.Query().Get("q")\n\tif q == "" {\n\t\thttp.Error(w, "missing q", 400)\n\t\treturn\n\t}\n\tfmt.Fprint(w, "ok")\n}\n',
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
            "fastapi html",
            'from fastapi import FastAPI\nfrom fastapi.responses import HTMLResponse\n@app.get("/s", response_class=HTMLResponse)\ndef s(q: str):\n    return f"<b>{q}</b>"\n',
        ),
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


@pytest.mark.parametrize(("rule", "language", "code"), probes("xss", SAFE, FRAMEWORKS))
def test_escaped_or_not_html(rule: str, language: str, code: str) -> None:
    assert not flagged_anywhere(rule, code, language)


@pytest.mark.parametrize(("rule", "language", "code"), probes("xss", FLAGGED))
def test_the_same_handlers_unescaped_as_html(rule: str, language: str, code: str) -> None:
    assert flagged_anywhere(rule, code, language)
