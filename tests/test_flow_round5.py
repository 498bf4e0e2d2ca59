"""Shapes from corpus part E (development data written by a helper who read neither the rules nor
the engine), each written fresh here beside the neighbour that must keep its verdict."""

from __future__ import annotations

import textwrap

from auditor.evidence import confirm
from auditor.model import CodeUnit
from auditor.rules import load_rules, shipped_rules_dir

RULES = {rule.id: rule for rule in load_rules([shipped_rules_dir()])}
EXT = {"python": "py", "javascript": "js", "tsx": "tsx", "java": "java"}


def found(rule_id: str, code: str, language: str = "python") -> list[int]:
    text = textwrap.dedent(code).strip("\n") + "\n"
    unit = CodeUnit(f"app.{EXT[language]}", language, "f", "function", 1, text.count("\n"), text)
    return [c.start_line for c in confirm(RULES[rule_id], unit)]


def test_a_path_checked_under_its_root_before_use_is_clean() -> None:
    commonpath = """
        @router.get("/docs/{doc_path:path}")
        async def read_doc(doc_path: str):
            root = os.path.realpath(DOCS_ROOT)
            candidate = os.path.realpath(os.path.join(root, doc_path))
            if os.path.commonpath([root, candidate]) != root:
                raise HTTPException(status_code=404)
            return FileResponse(candidate)
    """
    unchecked = commonpath.replace("!= root", "!= None")
    assert found("path-traversal", commonpath) == []
    assert found("path-traversal", unchecked) == [7]
    java = """
        class C {
            @GetMapping("/download")
            public ResponseEntity<byte[]> download(@RequestParam String file) throws IOException {
                File base = new File(dir).getCanonicalFile();
                File target = new File(base, file).getCanonicalFile();
                if (!target.getPath().startsWith(base.getPath() + File.separator)) {
                    return ResponseEntity.badRequest().build();
                }
                return ResponseEntity.ok().body(Files.readAllBytes(target.toPath()));
            }
        }
    """
    assert found("path-traversal", java, "java") == []
    assert found(
        "path-traversal", java.replace("!target.getPath()", "!base.getPath()"), "java"
    ) == [9]


def test_java_file_objects_are_sinks_where_they_are_used() -> None:
    served = """
        class S {
            @GET
            public Response download(@PathParam("name") String name) {
                File pdf = new File(DIR + name);
                if (!pdf.isFile()) {
                    return Response.status(404).build();
                }
                return Response.ok(pdf).build();
            }
        }
    """
    upload = """
        class A {
            @PostMapping("/avatars")
            public String upload(@RequestParam("file") MultipartFile file) throws IOException {
                Path target = root.resolve(file.getOriginalFilename());
                file.transferTo(target);
                return "ok";
            }
        }
    """
    assert found("path-traversal", served, "java") == [8]
    assert found("path-traversal", upload, "java") == [5]


def test_express_send_file_with_a_shorthand_root_is_not_a_sink() -> None:
    code = """
        router.get('/files', (req, res) => {
          const root = path.join(UPLOAD_ROOT, String(req.user.orgId));
          res.sendFile(String(req.query.name), { root, dotfiles: 'deny' });
        });
    """
    assert found("path-traversal", code, "javascript") == []
    assert found("path-traversal", code.replace("{ root, ", "{ "), "javascript") == [3]


def test_markup_format_and_percent_escape_what_they_insert() -> None:
    safe = """
        @bp.route("/search")
        def search():
            q = request.args.get("q", "")
            heading = Markup("<h2>Results for %s</h2>") % q
            rows = [Markup("<li>{}</li>").format(w) for w in q.split()]
            return Response(str(heading + Markup("").join(rows)), mimetype="text/html")
    """
    wrapped = """
        @bp.route("/search")
        def search():
            q = request.args.get("q", "")
            return Markup(f"<h2>Results for {q}</h2>")
    """
    assert found("xss", safe) == []
    assert found("xss", wrapped) == [4]


def test_array_map_keeps_what_the_callback_makes_of_each_element() -> None:
    escaped = """
        router.get('/search', async (req, res) => {
          const results = await products.search(String(req.query.q));
          const items = results.map((p) => `<li>${escapeHtml(p.name)}</li>`).join('');
          res.type('html').send(`<ul>${items}</ul>`);
        });
    """
    raw = escaped.replace("escapeHtml(p.name)", "p.name")
    assert found("xss", escaped, "javascript") == []
    assert found("xss", raw, "javascript") == [4]


def test_json_bodies_no_schema_checks() -> None:
    asserted = """
        export default async function changePlan(req: NextApiRequest, res: NextApiResponse) {
          const body = req.body as ChangePlanBody;
          await prisma.subscription.update({ where: { id: 1 }, data: { plan: body.plan } });
          res.status(200).end();
        }
    """
    checked = asserted.replace(
        "const body = req.body as ChangePlanBody;", "const body = PlanSchema.parse(req.body);"
    )
    assert found("unvalidated-json-input", asserted, "tsx") != []
    assert found("unvalidated-json-input", checked, "tsx") == []
    koa = """
        router.post('/transfer', async (ctx) => {
          const { to, amount } = ctx.request.body;
          await ledgerClient.post('/transfers', { to, amount });
        });
    """
    assert found("unvalidated-json-input", koa, "javascript") != []
    java = """
        class R {
            @PostMapping("/refunds")
            public Receipt refund(@RequestBody String raw) throws IOException {
                JsonNode node = mapper.readTree(raw);
                return refunds.issue(node.path("amount").decimalValue());
            }
        }
    """
    assert found("unvalidated-json-input", java, "java") != []
    fastapi = """
        @router.post("/orders/{order_id}/refund")
        async def refund(order_id: int, payload: dict = Body(...)):
            db.add(Refund(order_id=order_id, amount=payload.get("amount")))
            await db.commit()
    """
    assert found("unvalidated-json-input", fastapi) != []
    assert (
        found("unvalidated-json-input", fastapi.replace("payload: dict", "payload: RefundIn")) == []
    )


def test_sensitive_headers_and_verbs_that_do_not_return_secrets() -> None:
    header = """
        class F {
            protected void doFilter(HttpServletRequest request, HttpServletResponse response) {
                String authHeader = request.getHeader(HttpHeaders.AUTHORIZATION);
                LOG.debug("status={} authorization=" + authHeader, response.getStatus());
            }
        }
    """
    changed = """
        class P {
            public void change(PasswordChange body, Principal principal) {
                boolean changed = accounts.changePassword(principal.getName(), body.getNext());
                log.info("password change user={} success={}", principal.getName(), changed);
            }
        }
    """
    assert found("sensitive-data-in-logs", header, "java") == [4]
    assert found("sensitive-data-in-logs", changed, "java") == []


def test_a_session_id_assigned_from_math_random() -> None:
    code = """
        function sessions(store) {
          return async (ctx, next) => {
            let sid = ctx.cookies.get('sid');
            if (!sid) {
              sid = Date.now().toString(16) + Math.floor(Math.random() * 0xffffffff).toString(16);
            }
            await next();
          };
        }
    """
    assert found("insecure-randomness", code, "javascript") == [5]
    assert (
        found(
            "insecure-randomness",
            code.replace("Math.random()", "crypto.randomInt(2 ** 32)"),
            "javascript",
        )
        == []
    )


# -- part F ------------------------------------------------------------------------------------


def test_a_token_after_its_scheme_is_still_the_token() -> None:
    code = """
        class F {
            protected void filter(HttpServletRequest request) {
                String header = request.getHeader("Authorization");
                if (header == null || !header.startsWith("Bearer ")) {
                    return;
                }
                String bearer = header.substring(7);
                LOG.warn("Rejected bearer token " + bearer);
                LOG.warn("Rejected token " + bearer.substring(0, 6) + "...");
            }
        }
    """
    assert found("sensitive-data-in-logs", code, "java") == [8]


def test_the_last_four_digits_and_the_logging_context() -> None:
    code = """
        class P {
            public Receipt charge(String cardNumber, long cents) {
                String lastFour = cardNumber.substring(cardNumber.length() - 4);
                log.info("charging {} to card ending {}", cents, lastFour);
                MDC.put("partnerKey", props.getApiKey());
                return gateway.charge(cardNumber, cents);
            }
        }
    """
    assert found("sensitive-data-in-logs", code, "java") == [5]


def test_destructured_fields_are_judged_by_their_names() -> None:
    code = """
        router.post('/signup', async (req, res) => {
          const { email, password } = req.body;
          console.log('new signup: ' + email + ' (password: ***)');
          console.log('signup ' + email + ' ' + password);
        });
    """
    assert found("sensitive-data-in-logs", code, "javascript") == [4]


def test_session_ids_are_credentials_and_redacted_headers_are_not() -> None:
    session = """
        export default async function handler(req: NextApiRequest, res: NextApiResponse) {
          const sessionId = req.cookies['sid'];
          console.warn(`unknown session id ${sessionId}`);
        }
    """
    assert found("sensitive-data-in-logs", session, "tsx") == [3]
    redacted = """
        def __call__(self, request):
            headers = {
                k: ("[REDACTED]" if k.lower() in SENSITIVE_HEADERS else v)
                for k, v in request.headers.items()
            }
            self.log.info("incoming request", extra={"headers": headers})
    """
    assert found("sensitive-data-in-logs", redacted) == []
    assert found("sensitive-data-in-logs", redacted.replace('"[REDACTED]" if', "v if")) == [6]


def test_a_prefix_check_cleans_a_path_not_a_shell_line() -> None:
    shell = """
        export default function handler(req: NextApiRequest, res: NextApiResponse) {
          const url = typeof req.query.url === 'string' ? req.query.url : '';
          if (!url.startsWith('https://')) {
            return res.status(400).end();
          }
          execSync(`chromium --headless --screenshot=/tmp/x.png "${url}"`);
        }
    """
    path = """
        router.get('/f', (req, res) => {
          const target = path.resolve(ROOT, String(req.query.name));
          if (!target.startsWith(ROOT + path.sep)) {
            return res.status(400).end();
          }
          fs.createReadStream(target).pipe(res);
        });
    """
    assert found("command-injection", shell, "tsx") == [6]
    assert found("path-traversal", path, "javascript") == []


def test_a_jax_rs_entity_parameter_is_the_request_body() -> None:
    code = """
        class ScriptResource {
            @POST
            @Path("/run")
            public Response run(String body, @QueryParam("lang") String lang) {
                ScriptEngine engine = manager.getEngineByName("nashorn");
                return Response.ok(String.valueOf(engine.eval(body))).build();
            }
        }
    """
    assert found("code-injection", code, "java") == [6]
    assert found("code-injection", code.replace("@POST", "@GET"), "java") == []


def test_json_written_by_jackson_is_not_html() -> None:
    code = """
        class R extends HttpServlet {
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
                String column = req.getParameter("column");
                resp.getWriter().write(mapper.writeValueAsString(Map.of("column", column)));
                resp.getWriter().write("<p>" + column + "</p>");
            }
        }
    """
    assert found("xss", code, "java") == [5]


def test_use_memo_is_the_value_its_callback_returns() -> None:
    purified = """
        export function CommentItem({ comment }: { comment: Comment }) {
          const rendered = useMemo(() => DOMPurify.sanitize(toHtml(comment.body)), [comment.body]);
          return <div dangerouslySetInnerHTML={{ __html: rendered }} />;
        }
    """
    raw = purified.replace("DOMPurify.sanitize(toHtml(comment.body))", "toHtml(comment.body)")
    assert found("xss", purified, "tsx") == []
    assert found("xss", raw, "tsx") == [3]


# -- part G ------------------------------------------------------------------------------------


def test_destructuring_with_defaults_binds_every_name() -> None:
    code = """
        router.get('/preview', async (ctx) => {
          const { title = 'Untitled', body: text = '' } = ctx.query;
          const doc = ['<html><body>', `<h1>${title}</h1>`, '</body></html>'].join('\\n');
          ctx.type = 'text/html';
          ctx.body = doc;
          ctx.body = `<p>${text}</p>`;
        });
    """
    assert found("xss", code, "javascript") == [5, 6]


def test_a_jinja_template_without_autoescape_is_an_xss_sink() -> None:
    raw = """
        @app.route("/notice")
        def notice():
            msg = request.args.get("msg")
            env = jinja2.Environment(autoescape=False)
            return env.from_string("<div>{{ message }}</div>").render(message=msg)
    """
    assert found("xss", raw) == [5]
    assert found("xss", raw.replace("autoescape=False", "autoescape=True")) == []


def test_an_uploads_client_name_is_a_source_and_multers_own_path_is_not() -> None:
    named = """
        router.post('/attachments', upload.single('file'), async (req, res) => {
          const dest = path.join(dir, req.file.originalname);
          await fs.promises.writeFile(dest, req.file.buffer);
        });
    """
    own = """
        router.post('/import', upload.single('file'), (req, res) => {
          const source = fs.readFileSync(req.file.path, 'utf8');
          fs.unlinkSync(req.file.path);
        });
    """
    assert found("path-traversal", named, "javascript") == [3]
    assert found("path-traversal", own, "javascript") == []


def test_header_names_and_tax_ids() -> None:
    names = """
        class P {
            public String fetch(String partnerId) throws Exception {
                HttpRequest request = builder.header("X-Api-Key", apiKey).build();
                LOG.fine(String.format("headers=%s", request.headers().map().keySet()));
                LOG.fine(String.format("headers=%s", request.headers().map()));
                return partnerId;
            }
        }
    """
    assert found("sensitive-data-in-logs", names, "java") == [5]
    tax = """
        def reject(submission):
            tax_id = submission.tax_id
            logger.error("malformed tax id %s", tax_id)
    """
    assert found("sensitive-data-in-logs", tax) == [3]
