"""The data-flow engine on the shipped rules: what reaches a sink, and what does not.

Each case is a small handler in the shape of real framework code; the verdict comes from the
rule's own taint spec (rules/*.yaml) and the shared source tables (rules/_sources/).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from auditor.evidence import confirm
from auditor.model import CodeUnit
from auditor.rules import load_rules, shipped_rules_dir
from tests.conftest import git, run_cli, write
from tests.sarif_check import validate_sarif

RULES = {rule.id: rule for rule in load_rules([shipped_rules_dir()])}


def lines(rule_id: str, code: str, language: str = "python") -> list[tuple[int, int]]:
    text = textwrap.dedent(code).strip("\n") + "\n"
    unit = CodeUnit("app.py", language, "view", "function", 1, text.count("\n"), text)
    return [(c.start_line, c.end_line) for c in confirm(RULES[rule_id], unit)]


def test_escaped_quotes_in_an_f_string_do_not_hide_the_query() -> None:
    code = r"""
        @app.route("/user")
        def user():
            bar = request.args.get("name")
            sql = f'SELECT username from USERS where password = \'{bar}\''
            cur.execute(sql)
    """
    assert lines("sql-injection", code) == [(5, 5)]


def test_two_injectable_queries_are_two_findings() -> None:
    code = """
        def purge(conn, user, table):
            conn.execute("DELETE FROM sessions WHERE user = '" + user + "'")
            conn.execute(f"DELETE FROM {table} WHERE owner = '{user}'")
    """
    assert lines("sql-injection", code) == [(2, 2), (3, 3)]


@pytest.mark.parametrize(
    "guard",
    [
        "if table not in allowed:\n        raise ValueError(table)",
        "if table not in ALLOWED_TABLES:\n        abort(400)",
        "if not re.fullmatch(r'[a-z_]+', table):\n        return None",
    ],
)
def test_an_allow_list_check_cleans_the_value(guard: str) -> None:
    code = f"""
def count_rows(conn, table):
    {guard}
    return conn.execute("SELECT COUNT(*) FROM " + table).fetchone()
"""
    assert lines("sql-injection", code) == []


@pytest.mark.parametrize(
    "middle",
    [
        'bar = "constant"',  # overwritten with a constant
        'm = {"a": bar, "b": "fixed"}\n    bar = m["b"]',  # a dict read under another key
        'num = 86\n    if (7 * 42) - num > 200:\n        bar = "always"',  # folds to true
        "bar = int(bar)",  # numeric conversion
        'values = ["safe", bar, "more"]\n    values.pop(1)\n    bar = values[1]',  # list index
    ],
)
def test_values_that_cannot_carry_the_input_are_quiet(middle: str) -> None:
    code = f"""
@app.route("/r")
def view():
    bar = request.args.get("q")
    {middle}
    cur.execute("SELECT * FROM t WHERE a = '" + str(bar) + "'")
"""
    assert lines("sql-injection", code) == []


def test_the_same_flows_through_a_container_still_report() -> None:
    code = """
        @app.route("/r")
        def view():
            m = {}
            m["a"] = request.form["x"]
            m["b"] = "const"
            cur.execute("SELECT * FROM t WHERE a = '" + m["a"] + "'")
    """
    assert lines("sql-injection", code) == [(6, 6)]


def test_code_in_strings_and_comments_is_not_code() -> None:
    code = '''
        def test_linter_flags_fstring_sql():
            # never call cursor.execute(f"SELECT ... {name}") here
            source = 'cursor.execute(f"SELECT * FROM t WHERE a = {request.args[0]}")'
            """os.system("rm -rf " + request.args["path"])"""
            assert lint(source)
    '''
    assert lines("sql-injection", code) == []
    assert lines("command-injection", code) == []


def test_java_servlet_through_a_list_and_a_string_builder() -> None:
    code = """
        public class Report extends HttpServlet {
            protected void doPost(HttpServletRequest request, HttpServletResponse response)
                    throws IOException {
                String param = request.getParameter("id");
                java.util.List<String> values = new java.util.ArrayList<>();
                values.add("safe");
                values.add(param);
                StringBuilder sb = new StringBuilder("SELECT * FROM t WHERE id = '");
                sb.append(values.get(1)).append("'");
                statement.executeQuery(sb.toString());
                values.remove(1);
                statement.executeQuery("SELECT * FROM t WHERE id = '" + values.get(1) + "'");
            }
        }
    """
    assert lines("sql-injection", code, "java") == [(10, 10)]


def test_javascript_template_literal_into_exec() -> None:
    code = """
        app.get("/ping", (req, res) => {
          const host = req.query.host;
          const cmd = `ping -c 1 ${host}`;
          exec(cmd, (err, out) => res.send(out));
        });
    """
    assert lines("command-injection", code, "javascript") == [(4, 4)]


def test_a_taint_finding_carries_its_path_in_sarif(
    repo: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(
        repo,
        "app.py",
        textwrap.dedent(
            """
            from flask import Flask, request

            app = Flask(__name__)


            @app.route("/orders")
            def orders():
                customer = request.args.get("customer", "")
                query = "SELECT id, total FROM orders WHERE customer = '" + customer + "'"
                rows = db.execute(query).fetchall()
                return {"orders": [dict(r) for r in rows]}
            """
        ).lstrip(),
    )
    git(repo, "add", ".")
    assert run_cli(repo, ["scan", "--all", "--format", "sarif"], shared_cache, monkeypatch) == 1
    doc = json.loads(capsys.readouterr().out)
    validate_sarif(doc)
    (result,) = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "sql-injection"]
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 10
    assert 0 < result["rank"] <= 100
    steps = result["codeFlows"][0]["threadFlows"][0]["locations"]
    rows = [s["location"]["physicalLocation"]["region"]["startLine"] for s in steps]
    assert rows == [8, 8, 9, 10]
    assert steps[0]["kinds"] == ["source"] and steps[-1]["kinds"] == ["sink"]
    assert "from line 8 request.args" in result["message"]["text"]


def test_tar_extraction_is_a_sink_and_zip_extraction_is_not() -> None:
    """tarfile's extractall writes where the entry names say; zipfile's strips '..' and
    absolute paths (its documentation), so only the first is path traversal."""
    tar = """
        def install_theme(archive, themes_dir):
            styles = [m for m in archive.getmembers() if m.name.endswith(".css")]
            archive.extractall(themes_dir, members=styles)
    """
    assert lines("path-traversal", tar) == [(3, 3)]
    zipped = """
        def install_theme(zipf, themes_dir):
            styles = [n for n in zipf.namelist() if n.endswith(".css")]
            zipf.extractall(themes_dir, members=styles)
    """
    assert lines("path-traversal", zipped) == []


def test_a_row_looked_up_by_request_data_is_not_the_request_data() -> None:
    """`Asset.findByPk(req.params.id)` returns a stored row; its fields are not the id."""
    code = """
        router.get('/assets/:id/thumb', async (req, res) => {
          const asset = await Asset.findByPk(req.params.id);
          const out = path.join(os.tmpdir(), `thumb-${asset.id}.jpg`);
          res.sendFile(out);
        });
    """
    assert lines("path-traversal", code, "javascript") == []
    direct = code.replace("`thumb-${asset.id}.jpg`", "req.params.id")
    assert lines("path-traversal", direct, "javascript") == [(4, 4)]


def test_each_element_of_a_request_array_reaches_the_callbacks_sink() -> None:
    code = """
        router.post('/photos', upload.array('photos'), async (req, res) => {
          await Promise.all(req.files.map(async (file) => {
            const target = path.resolve(MEDIA_ROOT, file.originalname);
            await fs.promises.writeFile(target, file.buffer);
          }));
          res.sendStatus(201);
        });
    """
    assert lines("path-traversal", code, "javascript") == [(4, 4)]
    safe = code.replace("file.originalname", "path.basename(file.originalname)")
    assert lines("path-traversal", safe, "javascript") == []


def test_an_allow_list_check_on_a_getter_cleans_what_the_getter_returns_there() -> None:
    code = """
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String theme = "light";
            for (Cookie c : req.getCookies()) {
                if ("ui_theme".equals(c.getName()) && THEMES.contains(c.getValue())) {
                    theme = c.getValue();
                }
            }
            resp.getWriter().printf("<body class=\\"theme-%s\\">", theme);
        }
    """
    assert lines("xss", code, "java") == []
    unchecked = code.replace(" && THEMES.contains(c.getValue())", "")
    assert lines("xss", unchecked, "java") == [(8, 8)]


def test_a_django_views_url_captures_are_request_data() -> None:
    code = """
        @login_required
        def invoice_pdf(request, filename):
            pdf = INVOICE_ROOT / str(request.user.account_id) / filename
            return FileResponse(pdf.open("rb"), content_type="application/pdf")
    """
    assert lines("path-traversal", code) == [(4, 4)]
    helper = code.replace("def invoice_pdf(request, filename)", "def _invoice_pdf(ctx, filename)")
    assert lines("path-traversal", helper) == []  # a helper's parameter is its caller's


def test_stored_content_written_into_a_page_is_xss() -> None:
    code = """
        def profile_card(request, username):
            user = get_object_or_404(User, username=username)
            return HttpResponse(mark_safe("<p>" + user.profile.bio + "</p>"))
    """
    assert lines("xss", code) == [(3, 3)]
    escaped = code.replace("user.profile.bio", "escape(user.profile.bio)")
    assert lines("xss", escaped) == []


def test_jquery_insertion_of_built_html_is_xss_and_of_an_element_is_not() -> None:
    code = """
        $(function () {
          const tags = new URLSearchParams(window.location.search).getAll('tag');
          tags.forEach(function (tag) {
            $('#filters').append('<span class="chip">' + tag + '</span>');
          });
        });
    """
    assert lines("xss", code, "javascript") == [(4, 4)]
    element = code.replace("'<span class=\"chip\">' + tag + '</span>'", "$('<span>').text(tag)")
    assert element != code
    assert lines("xss", element, "javascript") == []


def test_a_promisified_exec_runs_a_shell_and_stored_text_is_input_to_it() -> None:
    code = """
        const execAsync = promisify(exec);
        async function makeThumbnail(req, res) {
          const width = req.query.width || '320';
          await execAsync(`convert ${req.file.path} -resize ${width}x out.webp`);
        }
    """
    assert lines("command-injection", code, "javascript") == [(4, 4)]
    stored = """
        @shared_task
        def transcode(episode_id):
            ep = Episode.objects.get(pk=episode_id)
            os.system(f'ffmpeg -i in.wav -metadata title="{ep.title}" out.mp3')
    """
    assert lines("command-injection", stored) == [(4, 4)]


def test_an_allow_list_ternary_cleans_its_true_branch() -> None:
    code = """
        app.get('/login', async (request, reply) => {
          const { theme: rawTheme = '', lang: rawLang = '' } = request.query;
          const theme = THEMES.has(rawTheme) ? rawTheme : 'light';
          const lang = Object.hasOwn(LABELS, rawLang) ? rawLang : 'en';
          return reply.type('text/html').send(`<html lang="${lang}" data-theme="${theme}"></html>`);
        });
    """
    assert lines("xss", code, "javascript") == []
    unchecked = code.replace("THEMES.has(rawTheme) ? rawTheme : 'light'", "rawTheme || 'light'")
    assert lines("xss", unchecked, "javascript") == [(5, 5)]


def test_a_variable_named_for_a_token_holds_one_whatever_call_returned_it() -> None:
    code = """
        public RateQuote quote(Shipment shipment) {
            String accessToken = tokenProvider.currentToken();
            boolean hasToken = tokenProvider.isPresent();
            LOG.info("rates for {} with token {} ({})", shipment.getId(), accessToken, hasToken);
            return client.fetch(shipment, accessToken);
        }
    """
    assert lines("sensitive-data-in-logs", code, "java") == [(4, 4)]
    masked = code.replace("tokenProvider.currentToken()", "mask(tokenProvider.currentToken())")
    assert lines("sensitive-data-in-logs", masked, "java") == []


def test_a_modules_main_demo_printing_what_its_user_typed_is_not_a_log() -> None:
    code = """
        def demo():
            password = Prompt.ask("Enter password", password=True)
            if __name__ == "__main__":
                print(f"password={password!r}")
            print(f"password={password!r}")
    """
    assert lines("sensitive-data-in-logs", code) == [(5, 5)]
