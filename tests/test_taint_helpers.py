"""Calls into functions of the same file (analysis/summaries.py): what a helper returns and
which of its parameters reach a sink decide the caller's verdict; a helper elsewhere stays an
unknown call."""

from __future__ import annotations

import pickle
import textwrap

from auditor.evidence import confirm
from auditor.extract import extract_units
from auditor.rules import load_rules, shipped_rules_dir

RULES = {rule.id: rule for rule in load_rules([shipped_rules_dir()])}


def findings(rule_id: str, code: str, language: str, path: str) -> dict[str, list[int]]:
    """Lines each function of the file is flagged on, by short name."""
    text = textwrap.dedent(code).strip("\n") + "\n"
    units, _ = extract_units(path, text, language)
    return {
        unit.qualname.rsplit(".", 1)[-1]: [c.start_line for c in confirm(RULES[rule_id], unit)]
        for unit in units
        if unit.kind != "module"
    }


HELPER_SINK = """
    function compileFilter(expr) {
      const body = 'return (' + expr + ');';
      return new Function('row', body);
    }

    exports.filterRows = (req, res) => {
      const where = req.query.where || 'true';
      const predicate = compileFilter(where);
      res.json(rows.filter((r) => predicate(r)));
    };
"""


def test_request_data_handed_to_a_helper_that_evaluates_it_is_found_at_the_call() -> None:
    found = findings("code-injection", HELPER_SINK, "javascript", "filters.js")
    assert found == {"compileFilter": [], "filterRows": [8]}


def test_the_path_names_the_helper_and_its_sink() -> None:
    text = textwrap.dedent(HELPER_SINK).strip("\n") + "\n"
    units, _ = extract_units("filters.js", text, "javascript")
    caller = next(u for u in units if u.qualname == "filterRows")
    (confirmation,) = confirm(RULES["code-injection"], caller)
    assert confirmation.flow is not None
    steps = [step.text for step in confirmation.flow]
    assert steps[0] == "req.query"
    assert any("compileFilter() passes it to" in step for step in steps)


def test_a_helper_that_returns_only_constants_cleans_the_value() -> None:
    code = """
        public class Banner extends HttpServlet {
            protected void doGet(HttpServletRequest request, HttpServletResponse response) {
                String requested = request.getParameter("filter");
                String resolved = sizeClass(requested);
                response.getWriter().print("<div class=\\"" + resolved + "\\">x</div>");
            }

            private static String sizeClass(String value) {
                int n = value.length();
                if (n > 32) {
                    return "long";
                }
                return n > 8 ? "medium" : "short";
            }
        }
    """
    assert findings("xss", code, "java", "Banner.java") == {"doGet": [], "sizeClass": []}
    # the same call into a method of another file is an unknown call: its result is tainted
    alone = code.split("private static String sizeClass")[0] + "}\n"
    assert findings("xss", alone, "java", "Banner.java") == {"doGet": [5]}


def test_what_a_helper_builds_around_its_parameter_reaches_the_callers_sink() -> None:
    code = """
        import ldap from 'ldapjs';

        function buildFilter(criteria) {
          const parts = Object.entries(criteria).map(([k, v]) => `(${k}=${v})`);
          return `(&${parts.join('')})`;
        }

        export function find(req, res) {
          const filter = buildFilter({ department: req.query.dept });
          client.search('dc=corp', { scope: 'sub', filter }, () => res.end());
        }
    """
    assert findings("ldap-injection", code, "javascript", "find.js") == {
        "buildFilter": [],
        "find": [10],
    }


def test_a_helper_that_escapes_its_parameter_cleans_it() -> None:
    code = """
        def _safe(value):
            return escape(value)

        @app.route("/hello")
        def hello():
            name = request.args.get("name", "")
            return "<h1>Hello " + _safe(name) + "</h1>"
    """
    assert findings("xss", code, "python", "views.py") == {"_safe": [], "hello": []}
    unsafe = code.replace("return escape(value)", "return value.strip()")
    assert findings("xss", unsafe, "python", "views.py") == {"_safe": [], "hello": [7]}


def test_a_request_read_inside_a_helper_is_a_source_for_its_caller() -> None:
    code = """
        class Report:
            def _query(self):
                return request.args.get("q", "")

            def get(self, cursor):
                q = self._query()
                cursor.execute("SELECT * FROM items WHERE name = '" + q + "'")
    """
    assert findings("sql-injection", code, "python", "reports.py") == {"_query": [], "get": [7]}


def test_a_callers_own_parameter_keeps_the_callers_verdict() -> None:
    """A parameter counts where the unit itself builds it into the sink's text; a helper that
    joins it with a path or runs it does not make the caller's parameter input."""
    code = """
        def _run(line):
            os.system(line)

        def build(target):
            _run(target)
    """
    assert findings("command-injection", code, "python", "tool.py") == {"_run": [], "build": []}


def test_a_name_defined_twice_is_not_followed() -> None:
    code = """
        class A:
            def pick(self, value):
                return "fixed"

        class B:
            def pick(self, value):
                return value

            def get(self, cursor):
                q = self.pick(request.args["q"])
                cursor.execute("SELECT * FROM t WHERE a = '" + q + "'")
    """
    assert findings("sql-injection", code, "python", "two.py")["get"] == [11]


def test_units_keep_their_siblings_through_pickling() -> None:
    text = "def f(x):\n    return g(x)\n\ndef g(y):\n    return 1\n"
    units, _ = extract_units("a.py", text, "python")
    again = pickle.loads(pickle.dumps(units))
    assert [u.siblings for u in again] == [u.siblings for u in units]
    assert again[1].siblings is not None and again[1].siblings.text_of("g") is not None
    assert units[0] == again[0]  # siblings are not part of a unit's identity


def test_module_level_route_handlers_follow_the_files_helpers() -> None:
    code = """
        function renderResults(query, hits) {
          return `<h2>${hits.length} results for "${query}"</h2>`;
        }

        router.get('/search', async (ctx) => {
          const q = String(ctx.query.q || '').trim();
          ctx.type = 'html';
          ctx.body = renderResults(q, []);
        });
    """
    found = findings("xss", code, "javascript", "search.js")
    text = textwrap.dedent(code).strip("\n") + "\n"
    units, _ = extract_units("search.js", text, "javascript")
    module = next(u for u in units if u.kind == "module")
    assert [c.start_line for c in confirm(RULES["xss"], module)] == [8]
    assert found == {"renderResults": []}


def test_a_name_inside_a_helper_does_not_name_the_callers_variables() -> None:
    """docker's parse_auth: `username, password = decode_auth(...)` then logging the username;
    decode_auth's own `pwd` is a password there, the caller's `username` is not one."""
    code = """
        def decode_auth(auth):
            login, pwd = base64.b64decode(auth).split(b":", 1)
            return login.decode(), pwd.decode()

        def parse_auth(entry):
            username, password = decode_auth(entry["auth"])
            log.debug(f"found entry (username={username!r})")
            log.debug(f"found entry (password={password!r})")
    """
    found = findings("sensitive-data-in-logs", code, "python", "auth.py")
    assert found == {"decode_auth": [], "parse_auth": [8]}


def test_a_go_result_named_for_a_token_is_one() -> None:
    code = """
        package tokens

        func issue(c *gin.Context) {
            uid := c.GetString("userID")
            jwt, err := signer.Sign(uid)
            if err != nil {
                return
            }
            logger.Debug("issued token", zap.String("user", uid), zap.String("jwt", jwt))
        }
    """
    assert findings("sensitive-data-in-logs", code, "go", "tokens.go") == {"issue": [9]}


GO_BUILDER = """
    package web

    func (h *Handler) Widget(c *gin.Context) {
        entries, _ := h.Store.Recent(7, 50)
        var b strings.Builder
        for _, e := range entries {
            writeEntry(&b, e)
        }
        c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(b.String()))
    }

    func writeEntry(b *strings.Builder, e Entry) {
        fmt.Fprintf(b, `<li><strong>%s</strong></li>`, e.Author)
    }
"""

JAVA_BUILDER = """
    class Reviews {
        @GetMapping(value = "/reviews", produces = MediaType.TEXT_HTML_VALUE)
        @ResponseBody
        public String page(@RequestParam String q) {
            StringBuilder html = new StringBuilder("<div>");
            appendQuery(html, q);
            return html.append("</div>").toString();
        }

        private void appendQuery(StringBuilder html, String q) {
            html.append("<h2>Results for ").append(q).append("</h2>");
        }
    }
"""


def test_a_helper_that_appends_to_a_builder_hands_back_what_it_appended() -> None:
    go = findings("xss", GO_BUILDER, "go", "web.go")
    assert go["Widget"] == [9]
    escaped = GO_BUILDER.replace("e.Author)", "html.EscapeString(e.Author))")
    assert findings("xss", escaped, "go", "web.go")["Widget"] == []
    java = findings("xss", JAVA_BUILDER, "java", "Reviews.java")
    assert java["page"] == [7]
    escaped = JAVA_BUILDER.replace(".append(q)", ".append(HtmlUtils.htmlEscape(q))")
    assert findings("xss", escaped, "java", "Reviews.java")["page"] == []


TWO_LEVELS = """
    function renderSummary(term) {
      $summary.html(`<mark>${term}</mark>`);
    }

    function run(term) {
      $.getJSON('/api/search', { q: term }).done(function () {
        renderSummary(term);
      });
    }

    function start() {
      run(new URLSearchParams(window.location.search).get('q'));
    }
"""


def test_a_sink_two_helpers_away_is_reached_from_a_unit_without_sinks() -> None:
    assert findings("xss", TWO_LEVELS, "javascript", "search.js")["start"] == [12]
    escaped = TWO_LEVELS.replace("<mark>${term}</mark>", "<mark>${escapeHtml(term)}</mark>")
    assert findings("xss", escaped, "javascript", "search.js")["start"] == []
