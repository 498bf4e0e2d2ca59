"""Framework shapes the data-flow engine must read: route handlers' parameters, what a read
returns, argument arrays, constant conditions, escaping helpers and response chains.

Each case pairs a handler that must be reported with its safe twin, judged by the shipped
rules (rules/*.yaml) and the shared source tables (rules/_sources/).
"""

from __future__ import annotations

import textwrap

import pytest

from auditor.evidence import confirm
from auditor.model import CodeUnit
from auditor.rules import load_rules, shipped_rules_dir

RULES = {rule.id: rule for rule in load_rules([shipped_rules_dir()])}
PATHS = {"python": "app.py", "javascript": "app.js", "typescript": "app.ts", "java": "App.java"}


def found(rule_id: str, code: str, language: str = "python") -> list[tuple[int, str]]:
    """(line, detail) of each confirmation of ``rule_id`` in ``code``."""
    text = textwrap.dedent(code).strip("\n") + "\n"
    unit = CodeUnit(PATHS[language], language, "view", "function", 1, text.count("\n"), text)
    return [(c.start_line, c.detail) for c in confirm(RULES[rule_id], unit)]


def test_a_fastapi_route_parameter_is_request_data() -> None:
    code = """
        @router.post("/transform")
        async def transform(
            body: TransformRequest,
            db: Session = Depends(get_db),
        ):
            fn = eval("lambda record: " + body.mapper)
            return [fn(r) for r in db.records()]
    """
    assert found("code-injection", code) == [(6, "from line 3 request parameter body")]


def test_a_parameter_of_an_undecorated_function_stays_the_callers() -> None:
    code = """
        def transform(body):
            return eval(body.mapper)
    """
    assert found("code-injection", code) == []


def test_a_dependency_parameter_is_not_request_data() -> None:
    code = """
        @app.get("/run")
        def run(script: str = Depends(load_script)):
            return eval(script)
    """
    assert found("code-injection", code) == []


def test_spring_and_jaxrs_bound_parameters_are_request_data() -> None:
    code = """
        class HookController {
            @PostMapping("/hooks/test")
            public String runHook(@PathVariable long id, @RequestBody String hookSource) {
                GroovyShell shell = new GroovyShell(new Binding());
                return String.valueOf(shell.evaluate(hookSource));
            }
        }
    """
    assert [line for line, _ in found("code-injection", code, "java")] == [5]
    # GroovyShell.evaluate runs code: it is no XPath query, and String.valueOf is no dom4j node
    assert found("xpath-injection", code, "java") == []


def test_aiohttp_multipart_upload_is_request_data() -> None:
    code = """
        async def load_plugin(request):
            reader = await request.multipart()
            part = await reader.next()
            source = (await part.read()).decode("utf-8")
            exec(compile(source, part.filename, "exec"), {})
    """
    assert [line for line, _ in found("code-injection", code)] == [5]


def test_a_files_contents_are_not_its_name() -> None:
    code = """
        class Archive extends HttpServlet {
            public void doGet(HttpServletRequest request, HttpServletResponse response) {
                String name = request.getParameter("file");
                byte[] content = Files.readAllBytes(Paths.get(REPORT_ROOT, name));
                response.getOutputStream().write(content);
                response.getWriter().println("<p>" + name + "</p>");
            }
        }
    """
    # the path is the path rule's; the echoed name is XSS; the file's bytes are neither
    assert [line for line, _ in found("xss", code, "java")] == [6]


def test_an_argument_array_runs_no_shell() -> None:
    code = """
        class Lookup {
            void lookup(HttpServletRequest request) throws Exception {
                String host = request.getParameter("host");
                Runtime.getRuntime().exec(new String[] {"/usr/bin/nslookup", host});
                Runtime.getRuntime().exec(new String[] {"/bin/sh", "-c", "nslookup " + host});
                Runtime.getRuntime().exec(new String[] {host, "-v"});
            }
        }
    """
    assert [line for line, _ in found("command-injection", code, "java")] == [5, 6]


@pytest.mark.parametrize(("condition", "reported"), [("(500 / 42) + 196 > 300", False),
                                                     ("(7 / 2) * 2 == 6", True)])  # fmt: skip
def test_java_integer_division_folds(condition: str, reported: bool) -> None:
    code = f"""
        class Orders {{
            void handle(HttpServletRequest request) throws Exception {{
                String requested = request.getParameter("q");
                String entry = "catalog";
                if ({condition}) {{
                    entry = requested;
                }}
                statement.executeQuery("SELECT name FROM t WHERE d = '" + entry + "'");
            }}
        }}
    """
    assert bool(found("sql-injection", code, "java")) is reported


def test_an_escaping_tag_cleans_a_template_literal() -> None:
    code = """
        async function members(ctx) {
          const group = ctx.params.group;
          const escaped = ldapEscape.filter`(&(objectClass=groupOfNames)(cn=${group}))`;
          await client.search('ou=groups,dc=corp', { scope: 'sub', filter: escaped });
          const raw = `(&(objectClass=groupOfNames)(cn=${group}))`;
          await client.search('ou=groups,dc=corp', { scope: 'sub', filter: raw });
        }
    """
    assert [line for line, _ in found("ldap-injection", code, "javascript")] == [6]


def test_destructured_request_fields_are_request_data() -> None:
    code = """
        async function runUserScript(req, res) {
          const { script, input } = req.body;
          vm.runInContext(script, sandbox, { timeout: 1000 });
        }
    """
    assert found("code-injection", code, "javascript") == [(3, "from line 2 req.body")]


def test_a_components_destructured_props_reach_raw_html() -> None:
    code = """
        function CommentBody({ comment, author: who }) {
          return <div dangerouslySetInnerHTML={{ __html: comment.text }} title={who} />;
        }
    """
    assert [line for line, _ in found("xss", code, "javascript")] == [2]
    constant = 'function Note() { return <p dangerouslySetInnerHTML={{ __html: "<b>3</b>" }} />; }'
    assert found("xss", constant, "javascript") == []


def test_a_chained_response_send_is_a_sink() -> None:
    code = """
        router.get('/invoices/:ref', async (req, res) => {
          res.status(404).type('html').send(`<h1>Invoice ${req.params.ref} not found</h1>`);
        });
    """
    assert [line for line, _ in found("xss", code, "javascript")] == [2]


def test_a_handler_that_produces_html_returns_a_page() -> None:
    code = """
        public class Unsubscribe {
            @GET
            @Produces(MediaType.TEXT_HTML)
            public String confirm(@QueryParam("email") String email) {
                return "<p>" + email + " will no longer receive mail.</p>";
            }
            @GET
            @Produces(MediaType.APPLICATION_JSON)
            public String status(@QueryParam("email") String email) {
                return "<p>" + email + "</p>";
            }
        }
    """
    assert [line for line, _ in found("xss", code, "java")] == [5]


def test_res_send_file_with_a_root_resolves_under_it() -> None:
    code = """
        app.get("/files/:name", (req, res) => {
          res.sendFile(req.params.name, { root: UPLOADS, dotfiles: "deny" });
          res.sendFile(req.params.name, { dotfiles: "deny" });
        });
    """
    assert [line for line, _ in found("path-traversal", code, "javascript")] == [3]


def test_new_file_for_its_name_only_opens_nothing() -> None:
    code = """
        class Tail {
            void handle(@PathVariable("sort") String userValue) throws IOException {
                String leaf = new File(userValue).getName();
                Files.deleteIfExists(Paths.get("/var/app/tmp", leaf));
                Files.deleteIfExists(Paths.get("/var/app/tmp", userValue));
            }
        }
    """
    assert [line for line, _ in found("path-traversal", code, "java")] == [5]


def test_an_xpath_literal_helper_quotes_the_value() -> None:
    code = """
        def find_by_title(doc, title):
            doc.xpath("//article[title=" + xpath_literal(title) + "]")
            return doc.xpath("//article[title='" + title + "']")
    """
    assert [line for line, _ in found("xpath-injection", code)] == [3]


def test_a_pickle_round_trip_revives_only_the_functions_own_objects() -> None:
    code = """
        def test_round_trip(self):
            data = pickle.dumps(self.obj, proto)
            copy = pickle.loads(data)
            again = pickle.loads(pickle.dumps(copy))
            return pickle.loads(blob)
    """
    assert [line for line, _ in found("unsafe-deserialization", code)] == [5]


def test_a_class_method_cut_out_of_its_class_keeps_its_parameters() -> None:
    code = """
        @Post('lookup')
        async lookup(@Body() dto: DigDto, @Query('q') q: string, other: string) {
          exec(`dig +short ${dto.domain}`);
          exec(`dig +short ${q}`);
          exec(other);
        }
    """
    assert found("command-injection", code, "typescript") == [
        (3, "from line 2 request parameter dto"),
        (4, "from line 2 request parameter q"),
    ]


def test_an_api_key_header_read_by_its_name_is_sensitive() -> None:
    code = """
        export default async function handler(req: NextApiRequest, res: NextApiResponse) {
          const apiKey = req.headers['x-api-key'];
          const agent = req.headers['user-agent'];
          console.warn('unknown partner key', { apiKey, agent });
          console.warn('agent', agent);
        }
    """
    assert [line for line, _ in found("sensitive-data-in-logs", code, "typescript")] == [4]


def test_stripping_a_prefix_does_not_mask_a_token() -> None:
    code = """
        function requireAuth(req, res, next) {
          const token = req.get('Authorization').replace(/^Bearer\\s+/i, '');
          logger.warn(`rejected token ${token}`);
          logger.warn(`rejected token ${token.replace(/.(?=.{4})/g, '*')}`);
        }
    """
    assert [line for line, _ in found("sensitive-data-in-logs", code, "javascript")] == [3]


def test_a_password_set_from_weak_randomness() -> None:
    code = """
        def reset_to_temporary_password(user):
            temp = "".join(random.choices(string.ascii_letters, k=14))
            user.set_password(temp)
            user.set_password(secrets.token_urlsafe(14))
    """
    assert [line for line, _ in found("insecure-randomness", code)] == [3]


def test_a_chain_of_hundreds_of_assignments_is_followed() -> None:
    chain = " = ".join(f"a{i}" for i in range(900))  # deeper than Python's recursion limit
    code = (
        f"def f(request):\n    {chain} = request.args['q']\n"
        "    cur.execute('SELECT * FROM t WHERE x = ' + a3)\n    a5 = 'x'\n"
        "    cur.execute('SELECT * FROM t WHERE x = ' + a5)\n"
    )
    assert found("sql-injection", code) == [(3, "from line 2 request.args")]


def test_code_nested_past_the_stack_gives_no_flow_and_no_error() -> None:
    nested = "(" * 1200 + "request.args['q']" + ")" * 1200
    code = f"def f(request):\n    cur.execute('SELECT * FROM t WHERE x = ' + {nested})\n"
    assert found("sql-injection", code) == []
