# ruff: noqa: E501 - each case is one small file, as written
"""Code injection, second round: the evaluators real handlers reach besides eval/exec (pandas'
query and eval, numexpr, Mako and Jinja templates, Handlebars, Velocity, FreeMarker, BeanShell,
JShell, vm2, yaegi, text/template), beside their lookalikes (an expression with a bound
variable, literal_eval, allow-listed plugins, templates read from files). Loading a module or a
class by a name from the request (importlib, require, Class.forName) is CWE-470, not text
evaluated as code: not probed here."""

from __future__ import annotations

import pytest

from tests.flagged import flagged_anywhere, probes

RULE = "code-injection"

EVALUATED = {
    "python": [
        (
            "pandas query",
            "@app.get('/rows')\ndef rows():\n    q = request.args['filter']\n    return df.query(q).to_json()\n",
        ),
        (
            "pandas eval",
            "@app.get('/calc')\ndef calc():\n    return str(pd.eval(request.args['expr']))\n",
        ),
        (
            "exec compile",
            "@app.post('/run')\ndef run():\n    src = request.form['src']\n    exec(compile(src, '<user>', 'exec'), {})\n    return 'ok'\n",
        ),
        (
            "numexpr",
            "@app.get('/ne')\ndef ne():\n    return str(numexpr.evaluate(request.args['e']))\n",
        ),
        (
            "mako template",
            "from mako.template import Template\n@app.post('/preview')\ndef preview():\n    return Template(request.form['tpl']).render(user=current_user)\n",
        ),
    ],
    "javascript": [
        (
            "function return",
            "function calc(req, res) {\n  const fn = new Function('return ' + req.body.expr);\n  res.json({ value: fn() });\n}\n",
        ),
        (
            "vm2",
            "function run(req, res) {\n  const vm = new NodeVM({ timeout: 1000 });\n  res.json(vm.run(req.body.code));\n}\n",
        ),
        (
            "handlebars compile",
            "function preview(req, res) {\n  const tpl = Handlebars.compile(req.body.template);\n  res.send(tpl({ user: req.user }));\n}\n",
        ),
    ],
    "java": [
        (
            "velocity evaluate",
            'class P {\n  @PostMapping("/preview")\n  String preview(@RequestParam String template) {\n    StringWriter out = new StringWriter();\n    Velocity.evaluate(new VelocityContext(), out, "preview", template);\n    return out.toString();\n  }\n}\n',
        ),
        (
            "freemarker from string",
            'class P {\n  @PostMapping("/preview")\n  String preview(@RequestBody String body) throws Exception {\n    Template t = new Template("preview", new StringReader(body), cfg);\n    StringWriter out = new StringWriter();\n    t.process(model, out);\n    return out.toString();\n  }\n}\n',
        ),
        (
            "beanshell",
            'class P {\n  @PostMapping("/bsh")\n  Object run(@RequestParam String code) throws Exception {\n    Interpreter bsh = new Interpreter();\n    return bsh.eval(code);\n  }\n}\n',
        ),
        (
            "jshell",
            'class P {\n  @PostMapping("/jshell")\n  String run(@RequestBody String snippet) {\n    try (JShell js = JShell.create()) {\n      return js.eval(snippet).toString();\n    }\n  }\n}\n',
        ),
    ],
    "go": [
        (
            "yaegi",
            'package x\n\nfunc Run(w http.ResponseWriter, r *http.Request) {\n\ti := interp.New(interp.Options{})\n\tv, _ := i.Eval(r.FormValue("src"))\n\tfmt.Fprint(w, v)\n}\n',
        ),
        (
            "text template parse",
            'package x\n\nfunc Preview(w http.ResponseWriter, r *http.Request) {\n\tt, _ := template.New("p").Parse(r.FormValue("tpl"))\n\tt.Execute(w, nil)\n}\n',
        ),
    ],
}

SAFE = {
    "python": [
        (
            "pandas query constant",
            "@app.get('/rows')\ndef rows():\n    min_age = int(request.args['min_age'])\n    return df.query('age >= @min_age').to_json()\n",
        ),
        (
            "import allow-list",
            "PLUGINS = {'csv': 'app.plugins.csv', 'pdf': 'app.plugins.pdf'}\n@app.post('/plugin')\ndef plugin():\n    name = request.json['module']\n    if name not in PLUGINS:\n        abort(400)\n    mod = importlib.import_module(PLUGINS[name])\n    return mod.run()\n",
        ),
        (
            "literal_eval",
            "@app.post('/cfg')\ndef cfg():\n    return jsonify(ast.literal_eval(request.form['value']))\n",
        ),
    ],
    "javascript": [
        (
            "require allow-list",
            "const PLUGINS = { csv: './plugins/csv', pdf: './plugins/pdf' };\nfunction h(req, res) {\n  const path = PLUGINS[req.query.name];\n  if (!path) return res.sendStatus(404);\n  res.json(require(path).info());\n}\n",
        ),
        (
            "handlebars file template",
            "const tpl = Handlebars.compile(fs.readFileSync('views/preview.hbs', 'utf8'));\nfunction preview(req, res) {\n  res.send(tpl({ name: req.body.name }));\n}\n",
        ),
    ],
    "java": [
        (
            "velocity merge",
            'class P {\n  @PostMapping("/preview")\n  String preview(@RequestParam String name) {\n    VelocityContext ctx = new VelocityContext();\n    ctx.put("name", name);\n    StringWriter out = new StringWriter();\n    Velocity.getTemplate("preview.vm").merge(ctx, out);\n    return out.toString();\n  }\n}\n',
        ),
        (
            "class allow-list",
            'class P {\n  private static final Map<String, Class<? extends Handler>> HANDLERS = Map.of("csv", CsvHandler.class);\n  @GetMapping("/handler")\n  Object run(@RequestParam String type) throws Exception {\n    Class<? extends Handler> c = HANDLERS.get(type);\n    if (c == null) throw new IllegalArgumentException(type);\n    return c.getDeclaredConstructor().newInstance();\n  }\n}\n',
        ),
    ],
    "go": [
        (
            "template from file",
            'package x\n\nvar page = template.Must(template.ParseFiles("preview.tmpl"))\n\nfunc Preview(w http.ResponseWriter, r *http.Request) {\n\tpage.Execute(w, r.FormValue("name"))\n}\n',
        ),
    ],
}


@pytest.mark.parametrize(("rule", "language", "code"), probes(RULE, EVALUATED))
def test_flagged(rule: str, language: str, code: str) -> None:
    assert flagged_anywhere(rule, code, language)


@pytest.mark.parametrize(("rule", "language", "code"), probes(RULE, SAFE))
def test_not_flagged(rule: str, language: str, code: str) -> None:
    assert not flagged_anywhere(rule, code, language)
