"""Data flow learned from corpus part N: each violating file beside a twin that must not be
flagged (template placeholders left unescaped, records received as parameters, what a token's
getters and a redacting helper give, rows looked up through an import, moves and renames)."""

from __future__ import annotations

from tests.flagged import findings

FLASK_PAGE = '''
    from flask import render_template_string, request

    PAGE = """<p>{{ sale.number }}</p><div class="memo">{{ memo MARK }}</div>"""

    @app.get("/print")
    def print_receipt():
        memo = request.args.get("memo", "")
        return render_template_string(PAGE, sale=load(), memo=memo)
'''


def test_a_template_argument_counts_only_where_the_template_writes_it_raw() -> None:
    raw = findings("xss", FLASK_PAGE.replace("MARK", "|safe"), "python", "app.py")
    assert raw == {"print_receipt": [8]}
    escaped = findings("xss", FLASK_PAGE.replace("MARK", ""), "python", "app.py")
    assert escaped == {"print_receipt": []}


KYC = """
    from pydantic import BaseModel

    class IdentityCheck(BaseModel):
        legal_name: str
        ssn: str

    @router.post("/identity")
    async def submit(check: IdentityCheck):
        details = check.model_dump(DUMP)
        log.info("identity check details=%s", details)
"""


def test_a_record_received_as_a_parameter_prints_its_fields_unless_excluded() -> None:
    assert findings("sensitive-data-in-logs", KYC.replace("DUMP", ""), "python", "k.py") == {
        "submit": [10]
    }
    masked = KYC.replace("DUMP", 'exclude={"ssn"}')
    assert findings("sensitive-data-in-logs", masked, "python", "k.py") == {"submit": []}


JWT = """
    class Audit {
        void onSuccess(JwtAuthenticationToken jwtAuth) {
            Jwt jwt = jwtAuth.getToken();
            log.debug("sub={} iss={}", jwt.GETTER(), jwt.getIssuer());
        }
    }
"""


def test_a_tokens_claims_are_not_the_token() -> None:
    claims = findings(
        "sensitive-data-in-logs", JWT.replace("GETTER", "getSubject"), "java", "A.java"
    )
    assert claims == {"Audit.onSuccess": []}
    value = findings(
        "sensitive-data-in-logs", JWT.replace("GETTER", "getTokenValue"), "java", "A.java"
    )
    assert value == {"Audit.onSuccess": [4]}


GRPC = """
    package server

    func loggable(md metadata.MD) map[string][]string {
        out := make(map[string][]string, len(md))
        for k, v := range md {
            if hidden[k] {
                out[k] = []string{MARKER}
                continue
            }
            out[k] = v
        }
        return out
    }

    func logCall(logger *slog.Logger) grpc.UnaryServerInterceptor {
        return func(ctx context.Context, req any) (any, error) {
            md, _ := metadata.FromIncomingContext(ctx)
            logger.Info("call", slog.Any("metadata", loggable(md)))
            return nil, nil
        }
    }
"""


def test_a_helper_that_writes_a_redaction_marker_gives_no_secret() -> None:
    kept = findings("sensitive-data-in-logs", GRPC.replace("MARKER", '"x"'), "go", "s.go")
    assert kept["logCall"] == [18]
    redacted = findings(
        "sensitive-data-in-logs", GRPC.replace("MARKER", '"[redacted]"'), "go", "s.go"
    )
    assert redacted["logCall"] == []


DJANGO_DOWNLOAD = """
    from django.http import FileResponse
    from django.shortcuts import get_object_or_404

    def download(request, number):
        invoice = LOOKUP
        return FileResponse(invoice.pdf.open("rb"))
"""


def test_a_row_looked_up_by_the_request_is_not_the_request_even_through_an_import() -> None:
    row = DJANGO_DOWNLOAD.replace("LOOKUP", "get_object_or_404(Invoice, number=number)")
    assert findings("path-traversal", row, "python", "v.py") == {"download": []}
    raw = DJANGO_DOWNLOAD.replace("LOOKUP", "request.GET['file']").replace(".pdf.open", ".open")
    assert findings("path-traversal", raw, "python", "v.py") == {"download": [6]}


RENAME = """
    import os

    @bp.post("/rename")
    def rename_file():
        body = request.get_json()
        os.rename(os.path.join(ROOT, "a"), os.path.join(ROOT, TARGET))
"""


def test_a_move_writes_where_its_target_says() -> None:
    assert findings(
        "path-traversal", RENAME.replace("TARGET", 'body["name"]'), "python", "r.py"
    ) == {"rename_file": [6]}
    assert findings("path-traversal", RENAME.replace("TARGET", '"b"'), "python", "r.py") == {
        "rename_file": []
    }


UPLOAD = """
    import { rename } from 'node:fs/promises';

    export async function save(ctx) {
      const file = ctx.request.files.file;
      await rename(file.filepath, path.join(DIR, NAME));
    }
"""


def test_an_uploads_client_name_is_the_clients_its_temporary_path_is_not() -> None:
    client = UPLOAD.replace("NAME", "file.originalFilename")
    assert findings("path-traversal", client, "javascript", "u.js") == {"save": [5]}
    server = UPLOAD.replace("NAME", "file.newFilename")
    assert findings("path-traversal", server, "javascript", "u.js") == {"save": []}


ARCHIVE = """
    class Archive {
        ResponseEntity<Resource> download(@RequestParam("file") String name) throws IOException {
            File report = new File(dir, name).getCanonicalFile();
            if (CHECK || !report.isFile()) {
                return ResponseEntity.notFound().build();
            }
            return ResponseEntity.ok(new InputStreamResource(new FileInputStream(report)));
        }
    }
"""


def test_a_canonical_file_checked_under_its_root_through_to_path() -> None:
    checked = ARCHIVE.replace("CHECK", "!report.toPath().startsWith(dir.toPath())")
    assert findings("path-traversal", checked, "java", "A.java") == {"Archive.download": []}
    unchecked = ARCHIVE.replace("CHECK", "report.isHidden()")
    assert findings("path-traversal", unchecked, "java", "A.java") == {"Archive.download": [7]}


GO_PAGE = """
    package web

    func confirm(w http.ResponseWriter, r *http.Request) {
        page := strings.NewReplacer("{{email}}", r.URL.Query().Get("email")).Replace(confirmedPage)
        w.Header().Set("Content-Type", "TYPE")
        w.Write([]byte(page))
    }
"""


def test_a_go_body_declared_html_is_a_page_whatever_holds_its_markup() -> None:
    html = findings("xss", GO_PAGE.replace("TYPE", "text/html; charset=utf-8"), "go", "w.go")
    assert html == {"confirm": [6]}
    assert findings("xss", GO_PAGE.replace("TYPE", "text/plain"), "go", "w.go") == {"confirm": []}


JAVALIN = """
    class Pages {
        void show(Context ctx) {
            String code = ctx.pathParam("code");
            ctx.status(404).html("<p>No parcel <b>" + SHOWN + "</b></p>");
        }
    }
"""


def test_javalin_path_parameters_reach_its_html_responses() -> None:
    assert findings("xss", JAVALIN.replace("SHOWN", "code"), "java", "P.java") == {
        "Pages.show": [4]
    }
    escaped = JAVALIN.replace("SHOWN", "HtmlUtils.htmlEscape(code)")
    assert findings("xss", escaped, "java", "P.java") == {"Pages.show": []}


JANINO = """
    class Preview {
        double preview(@RequestBody Formula body) throws Exception {
            ExpressionEvaluator ee = new ExpressionEvaluator();
            ee.cook(SOURCE);
            return (Double) ee.evaluate(new Object[0]);
        }
    }
"""


def test_janino_compiles_what_it_is_given() -> None:
    assert findings(
        "code-injection", JANINO.replace("SOURCE", "body.formula()"), "java", "P.java"
    ) == {"Preview.preview": [4]}
    assert findings("code-injection", JANINO.replace("SOURCE", '"a + b"'), "java", "P.java") == {
        "Preview.preview": []
    }


SLIP = """
    const ejs = require('ejs');

    const SLIP = `<h1>Order <%= order.number %></h1><aside><%TAG giftNote %></aside>`;
    const renderSlip = ejs.compile(SLIP);

    function packingSlip(req, res) {
      const giftNote = req.query.note || '';
      res.type('html').send(renderSlip({ order: req.order, giftNote }));
    }
"""


def test_a_compiled_template_that_escapes_what_it_writes_is_no_sink() -> None:
    assert findings("xss", SLIP.replace("TAG", "="), "javascript", "s.js") == {"packingSlip": []}
    raw = findings("xss", SLIP.replace("TAG", "-"), "javascript", "s.js")
    assert raw == {"packingSlip": [8]}


DJANGO_EMPTY = """
    from django.http import HttpResponse
    from django.template import engines

    NO_RESULTS = engines["django"].from_string("<h2>No match for {{ term MARK }}</h2>")

    def search(request):
        term = request.GET.get("q", "")
        html = NO_RESULTS.render({"term": term}, request)
        return HttpResponse(html)
"""


def test_a_django_template_escapes_unless_it_marks_a_value_safe() -> None:
    assert findings("xss", DJANGO_EMPTY.replace("MARK", ""), "python", "v.py") == {"search": []}
    raw = findings("xss", DJANGO_EMPTY.replace("MARK", "|safe"), "python", "v.py")
    assert raw == {"search": [9]}


FASTAPI_LISTING = """
    from fastapi import APIRouter
    from markupsafe import Markup

    def render_description(text):
        return WRAP

    @router.get("/listings/{listing_id}")
    def listing_detail(listing_id: int, request: Request):
        listing = db.get(Listing, listing_id)
        shown = {"d": render_description(listing.description)}
        return templates.TemplateResponse(request, "l.html", shown)
"""


def test_a_helpers_sink_counts_where_the_file_rules_out_the_units_own() -> None:
    # FastAPI returns JSON, so the route's own `return` is no page; its helper's Markup is
    marked = FASTAPI_LISTING.replace("WRAP", "Markup(text)")
    assert findings("xss", marked, "python", "l.py")["listing_detail"] == [10]  # the call
    plain = FASTAPI_LISTING.replace("WRAP", "text")
    assert findings("xss", plain, "python", "l.py")["listing_detail"] == []
