"""Data-flow shapes found missing or wrong on corpus part K (fresh development data): each
violating file beside the twin a reviewer would accept.

Paths: a path made relative to its root and checked not to climb out (`path.relative` /
`filepath.Rel` + a `..` prefix test), `ROOT in candidate.parents`, `PurePath(name).name`, a Java
allow-list regex (`NAME.matcher(name).matches()`). Values: a TypeScript `as` cast keeps what it
casts, a Go call's `err` is not its result, a stored row's id is the database's. Sources: a
service's `find*` lookup, a Go store read, Micronaut `@QueryValue`, freshly made credentials
(`secrets.token_urlsafe`, `make_token`), `httputil.DumpRequest`. Sinks: fiber's `SendString`
after `c.Type("html")`; a DOM `evaluate` takes a context node, mathjs' does not.
"""

from __future__ import annotations

import textwrap

import pytest

from auditor.evidence import confirm
from auditor.extract import extract_units
from auditor.rules import load_rules, shipped_rules_dir

RULES = {rule.id: rule for rule in load_rules([shipped_rules_dir()])}


def lines(rule_id: str, code: str, path: str, language: str) -> list[int]:
    text = textwrap.dedent(code).strip("\n") + "\n"
    units, _ = extract_units(path, text, language)
    return sorted(c.start_line for u in units for c in confirm(RULES[rule_id], u))


KOA_LOGS = """
    const LOG_DIR = path.resolve(process.env.LOG_DIR || '/var/log/app');

    function resolveInside(root, name) {
      const fullPath = path.resolve(root, name);
      const rel = path.relative(root, fullPath);
      if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return null;
      return fullPath;
    }

    router.get('/download', async (ctx) => {
      const { file } = ctx.query;
      const fullPath = resolveInside(LOG_DIR, file);
      if (!fullPath) ctx.throw(400, 'invalid log name');
      ctx.body = fs.createReadStream(fullPath);
    });
"""

DJANGO_LOGS = """
    LOG_DIR = Path(settings.APP_LOG_DIR).resolve()

    def resolve_log(name):
        candidate = (LOG_DIR / name).resolve()
        if LOG_DIR not in candidate.parents or not candidate.is_file():
            raise Http404("no such log file")
        return candidate

    def log_tail(request):
        log_path = resolve_log(request.GET.get("file", "app.log"))
        with open(log_path) as fh:
            return JsonResponse({"lines": fh.read().splitlines()[-100:]})
"""

FASTAPI_NAME = """
    def plain_file_name(name: str) -> str:
        leaf = PurePath(name).name
        if leaf != name or leaf in {"", ".", ".."}:
            raise HTTPException(status_code=400)
        return leaf

    @router.delete("/attachments")
    async def remove_attachment(name: str = Query(...)):
        target = ATTACHMENT_ROOT / plain_file_name(name)
        target.unlink()
"""

JAXRS_TEMPLATE = """
    class MailTemplateResource {
        private static final Pattern TEMPLATE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

        @DELETE
        public Response delete(@QueryParam("name") String name) throws IOException {
            if (name == null || !TEMPLATE_NAME.matcher(name).matches()) {
                return Response.status(400).build();
            }
            Files.deleteIfExists(Paths.get(templatesDir, name + ".ftl"));
            return Response.noContent().build();
        }
    }
"""

PATH_CASES = [
    # (file, path, language, the check a reviewer accepts, the same code without it)
    (KOA_LOGS, "logs.js", "javascript", "rel.startsWith('..') || ", "false || "),
    (DJANGO_LOGS, "views.py", "python", "LOG_DIR not in candidate.parents or ", ""),
    (FASTAPI_NAME, "drafts.py", "python", "leaf = PurePath(name).name", "leaf = name"),
    (JAXRS_TEMPLATE, "Templates.java", "java", "!TEMPLATE_NAME.matcher(name).matches()", "false"),
]


@pytest.mark.parametrize(("code", "path", "language", "check", "without"), PATH_CASES)
def test_a_containment_or_allow_list_check_guards_the_path(
    code: str, path: str, language: str, check: str, without: str
) -> None:
    assert lines("path-traversal", code, path, language) == []
    assert lines("path-traversal", code.replace(check, without), path, language) != []


def test_a_relative_path_check_guards_only_a_path_made_relative() -> None:
    raw = """
        function send(req, res) {
          const name = req.query.name;
          if (name.startsWith('..')) return res.sendStatus(400);
          res.sendFile('/srv/files/' + name);
        }
    """
    assert lines("path-traversal", raw, "files.js", "javascript") == [4]  # `a/../../etc`


def test_a_typescript_cast_keeps_the_value() -> None:
    code = """
        async function poll(): Promise<void> {
          const res = await fetch('/api/logs');
          const page = (await res.json()) as LogPage;
          output.innerHTML += page.lines;
        }
    """
    assert lines("xss", code, "poll.ts", "typescript") == [4]


def test_a_go_calls_error_is_not_its_result() -> None:
    code = """
        package x

        func dump(w http.ResponseWriter, r *http.Request) {
            dump, err := httputil.DumpRequest(r, true)
            if err != nil {
                log.Printf("dump request: %v", err)
            }
            log.Printf("%s", dump)
        }
    """
    assert lines("sensitive-data-in-logs", code, "dump.go", "go") == [8]
    redacted = code.replace("DumpRequest(r, true)", "DumpRequest(redactedCopy(r), false)")
    assert lines("sensitive-data-in-logs", redacted, "dump.go", "go") == []


def test_a_stored_rows_id_is_not_user_text() -> None:
    code = """
        router.get('/tags', async (ctx) => {
          const posts = await Post.findByTags(tags);
          const rows = posts.map((p) => `<li><a href="/p/${p.id}">${escapeHtml(p.title)}</a></li>`);
          ctx.type = 'html';
          ctx.body = `<ul>${rows.join('')}</ul>`;
        });
    """
    assert lines("xss", code, "tags.js", "javascript") == []
    unescaped = code.replace("${escapeHtml(p.title)}", "${p.title}")
    assert lines("xss", unescaped, "tags.js", "javascript") == [5]


def test_a_services_find_lookup_is_stored_data() -> None:
    code = """
        router.get('/invites/:code', async (req, res) => {
          const invite = await invites.findActive(req.params.code);
          res.type('html').send(`<h1>${invite.inviterName} invited you</h1>`);
        });
    """
    assert lines("xss", code, "invites.js", "javascript") == [3]
    array = code.replace("await invites.findActive(req.params.code)", "INVITES.find((i) => i.ok)")
    assert lines("xss", array, "invites.js", "javascript") == []


def test_fiber_sends_html_after_setting_its_type() -> None:
    code = """
        package logs

        func (h *Handler) search(c *fiber.Ctx) error {
            q := c.Query("q")
            c.Type("html", "utf-8")
            return c.SendString("<p>results for " + q + "</p>")
        }
    """
    assert lines("xss", code, "logs.go", "go") == [6]
    text = code.replace('c.Type("html", "utf-8")', 'c.Type("txt")')
    assert lines("xss", text, "logs.go", "go") == []


def test_micronaut_query_values_are_request_data() -> None:
    code = """
        @Controller("/newsletter")
        public class UnsubscribeController {
            @Get("/unsubscribed")
            @Produces(MediaType.TEXT_HTML)
            public String unsubscribed(@QueryValue("list") String listName) {
                return "<p>You left <em>" + listName + "</em>.</p>";
            }
        }
    """
    assert lines("xss", code, "Unsubscribe.java", "java") == [6]
    escaped = code.replace("+ listName +", "+ HtmlUtils.htmlEscape(listName) +")
    assert lines("xss", escaped, "Unsubscribe.java", "java") == []


def test_a_credential_the_code_just_made_is_sensitive() -> None:
    code = """
        def new_raw_key() -> str:
            return "ak_" + secrets.token_urlsafe(32)

        async def issue_key(org_id: int):
            raw = new_raw_key()
            logger.info("issued api key %s for org %s", raw, org_id)
            return raw
    """
    assert lines("sensitive-data-in-logs", code, "keys.py", "python") == [6]
    prefix = code.replace(
        '"issued api key %s for org %s", raw,', '"issued api key %s for org %s", raw[:7],'
    )
    assert lines("sensitive-data-in-logs", prefix, "keys.py", "python") == []


def test_an_expression_librarys_evaluate_is_no_xpath() -> None:
    code = """
        app.post('/preview', async (req, reply) => {
          const expression = compile(req.body.formula);
          const xml = new DOMParser().parseFromString(doc, 'text/xml');
          const hit = xml.evaluate("//item[@name='" + req.body.name + "']", xml, null, 9, null);
          return { values: rows.map((row) => expression.evaluate({ ...row, q: req.body.q })) };
        });
    """
    assert lines("xpath-injection", code, "preview.js", "javascript") == [4]


# -- found on corpus part L ------------------------------------------------------------------

SETTINGS = """
    def _settings_from(payload):
        api_key = payload.get("api_key")
        if not isinstance(api_key, str):
            abort(400)
        return {"provider": payload.get("provider"), "api_key": api_key}

    @bp.put("/<int:workspace_id>")
    def save_integration(workspace_id):
        settings = _settings_from(request.get_json())
        log.info("integration updated: %s", json.dumps(settings))
"""


def test_a_helpers_returned_dict_keeps_its_keys() -> None:
    assert lines("sensitive-data-in-logs", SETTINGS, "views.py", "python") == [10]
    masked = SETTINGS.replace(
        "json.dumps(settings)",
        'json.dumps(dict(settings, api_key=settings["api_key"][:4] + "****"))',
    )
    assert lines("sensitive-data-in-logs", masked, "views.py", "python") == []
    provider = SETTINGS.replace("json.dumps(settings)", 'settings["provider"]')
    assert lines("sensitive-data-in-logs", provider, "views.py", "python") == []


SIGNUP = """
    function readSignup(body) {
      const { email, password } = body || {};
      if (typeof password !== 'string') return null;
      return { email: email.toLowerCase(), password };
    }

    router.post('/signup', async (req, res) => {
      const signup = readSignup(req.body);
      const event = { ...signup, ip: req.ip };
      logger.info(`signup received ${JSON.stringify(event)}`);
    });
"""


def test_a_spread_object_keeps_its_keys_and_one_can_be_overwritten() -> None:
    assert lines("sensitive-data-in-logs", SIGNUP, "signup.js", "javascript") == [10]
    redacted = SIGNUP.replace(
        "const event = { ...signup, ip: req.ip };",
        "const event = { ...signup, ip: req.ip };\n  event.password = '[redacted]';",
    )
    assert lines("sensitive-data-in-logs", redacted, "signup.js", "javascript") == []


def test_a_go_struct_a_helper_returns_keeps_its_fields_names() -> None:
    code = """
        package x

        func clientFrom(r *http.Request) clientInfo {
            return clientInfo{APIKey: r.Header.Get("X-Api-Key"), RemoteIP: r.RemoteAddr}
        }

        func logRequest(logger zerolog.Logger, r *http.Request) {
            logger.Info().Interface("client", clientFrom(r)).Msg("request")
        }
    """
    assert lines("sensitive-data-in-logs", code, "log.go", "go") == [8]
    agent = code.replace('APIKey: r.Header.Get("X-Api-Key")', "Agent: r.UserAgent()")
    assert lines("sensitive-data-in-logs", agent, "log.go", "go") == []


def test_a_schemas_parsed_data_is_the_body() -> None:
    code = """
        export default async function handler(req, res) {
          const parsed = CardPayment.safeParse(req.body);
          const payment = parsed.data;
          console.error('card payment failed', { ...payment, reason: 'declined' });
        }
    """
    assert lines("sensitive-data-in-logs", code, "pay.ts", "typescript") == [4]


def test_a_go_method_called_on_its_receiver_is_the_files_own() -> None:
    code = """
        package x

        func (a *Admin) entryPath(key string) (string, bool) {
            base := filepath.Join(a.Root, "entries")
            target := filepath.Join(base, key)
            rel, err := filepath.Rel(base, target)
            if err != nil || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
                return "", false
            }
            return target, true
        }

        func (a *Admin) Purge(c echo.Context) error {
            target, _ := a.entryPath(c.QueryParam("key"))
            return os.RemoveAll(target)
        }
    """
    assert lines("path-traversal", code, "admin.go", "go") == []
    unchecked = code.replace('strings.HasPrefix(rel, ".."+string(filepath.Separator))', "false")
    assert lines("path-traversal", unchecked, "admin.go", "go") == [15]


def test_next_search_params_and_a_promisified_exec() -> None:
    page = """
        export default function SearchResults() {
          const params = useSearchParams();
          const notice = `No match for <strong>${params.get('q')}</strong>`;
          return <p dangerouslySetInnerHTML={{ __html: notice }} />;
        }
    """
    assert lines("xss", page, "page.jsx", "javascript") == [4]
    dig = """
        const run = promisify(exec);
        router.get('/dns', async (ctx) => {
          const { stdout } = await run(['dig', '+short', ctx.query.name].join(' '));
          ctx.body = stdout;
        });
    """
    assert lines("command-injection", dig, "dns.js", "javascript") == [3]
    no_shell = dig.replace("promisify(exec)", "promisify(execFile)")
    assert lines("command-injection", no_shell, "dns.js", "javascript") == []


def test_a_stream_copied_into_a_checked_path_is_no_path() -> None:
    code = """
        class BlobResource {
            @PUT
            public Response put(@PathParam("key") String key, InputStream body) throws IOException {
                java.nio.file.Path file = ROOT.resolve(key).normalize();
                if (!file.startsWith(ROOT)) {
                    throw new BadRequestException("invalid key");
                }
                Files.copy(body, file, StandardCopyOption.REPLACE_EXISTING);
                return Response.status(201).build();
            }
        }
    """
    assert lines("path-traversal", code, "Blobs.java", "java") == []
    unchecked = code.replace("!file.startsWith(ROOT)", "false")
    assert lines("path-traversal", unchecked, "Blobs.java", "java") == [8]


def test_a_constant_table_read_checked_truthy_allow_lists_the_key() -> None:
    code = """
        function crumbs(requestPath) {
          let href = '/docs';
          const items = [];
          for (const seg of requestPath.split('/')) {
            const label = SECTION_TITLES.get(seg);
            if (!label) break;
            href += `/${seg}`;
            items.push(`<li><a href="${href}">${label}</a></li>`);
          }
          return items;
        }

        router.get('/*', (req, res) => {
          res.type('html').send(`<nav>${crumbs(req.path).join('')}</nav>`);
        });
    """
    assert lines("xss", code, "docs.js", "javascript") == []
    # a name checked truthy says nothing of its value
    truthy = code.replace("const label = SECTION_TITLES.get(seg);", "const label = seg;")
    assert lines("xss", truthy, "docs.js", "javascript") == [14]
