"""What a function's verdict needs from the rest of its file: the text constants it formats
(``TEMPLATE = "<html>..."``), the module-level setup that makes a call a sink (a Jinja
Environment without auto-escaping, Go's text/template), and stored data read back (a Spring
Data finder, a fetch() response). Each violating file has a safe twin.
"""

from __future__ import annotations

import textwrap

from tree_sitter import Parser

from auditor.analysis.constants import file_constants
from auditor.evidence import confirm
from auditor.extract import extract_units
from auditor.languages import grammar
from auditor.rules import load_rules, shipped_rules_dir

RULES = {rule.id: rule for rule in load_rules([shipped_rules_dir()])}
PATHS = {
    "python": "app.py",
    "javascript": "app.js",
    "typescript": "app.ts",
    "java": "App.java",
    "go": "app.go",
}


def found(rule_id: str, code: str, language: str) -> list[tuple[str, int]]:
    """(qualified name, line in the file) of each confirmation of ``rule_id`` in the file."""
    text = textwrap.dedent(code).strip("\n") + "\n"
    units, _ = extract_units(PATHS[language], text, language)
    return [(unit.qualname, c.start_line) for unit in units for c in confirm(RULES[rule_id], unit)]


def constants(code: str, language: str) -> dict[str, str]:
    text = textwrap.dedent(code).encode()
    return dict(file_constants(Parser(grammar(language).language).parse(text).root_node))


def test_text_constants_are_literals_bound_once_outside_functions() -> None:
    python = """
        PAGE = ("<html>"
                "<b>%s</b>")
        QUERY = "SELECT * " + "FROM users"
        TWICE = "a"
        TWICE = "b"
        COMPUTED = f"{PAGE}!"
        lower = "<p>"

        class View:
            TEMPLATE = '''<p>{}</p>'''

        def handler():
            LOCAL = "<i>"
    """
    assert constants(python, "python") == {
        "PAGE": "<html><b>%s</b>",
        "QUERY": "SELECT * FROM users",
        "TEMPLATE": "<p>{}</p>",
    }
    java = """
        class A {
            static final String PAGE = "<h2>" + "%s</h2>";
            static final int LIMIT = 3;
            void f() { String INNER = "<b>"; }
        }
    """
    assert constants(java, "java") == {"PAGE": "<h2>%s</h2>"}
    assert constants("const PAGE = `<div>${x}</div>`; const TPL = '<p>' + 'q';", "javascript") == {
        "TPL": "<p>q"
    }


JAX_RS = """
    package shop.web;

    @Path("/signed-out")
    public class SignedOutPage {
        private static final String TEMPLATE = "<html><body>"
                + "<h2>Goodbye, %s</h2>"
                + "</body></html>";

        @GET
        @Produces(MediaType.TEXT_HTML)
        public String page(@QueryParam("name") String name) {
            return String.format(TEMPLATE, NAME_FILTER);
        }
    }
"""


def test_a_request_value_formatted_into_a_class_constant_html_template_is_xss() -> None:
    code = JAX_RS.replace("NAME_FILTER", "name")
    assert found("xss", code, "java") == [("SignedOutPage.page", 12)]
    escaped = JAX_RS.replace("NAME_FILTER", "HtmlUtils.htmlEscape(name)")
    assert found("xss", escaped, "java") == []


GO_TEXT_TEMPLATE = """
    package web

    import (
        "net/http"
        "PACKAGE"
    )

    var page = template.Must(template.New("p").Parse(`<p>You searched for: {{.}}</p>`))

    func Search(w http.ResponseWriter, r *http.Request) {
        q := r.FormValue("q")
        w.Header().Set("Content-Type", "text/html")
        page.Execute(w, q)
    }
"""


def test_executing_a_package_level_text_template_with_request_data_is_xss() -> None:
    code = GO_TEXT_TEMPLATE.replace("PACKAGE", "text/template")
    assert found("xss", code, "go") == [("Search", 13)]
    escaping = GO_TEXT_TEMPLATE.replace("PACKAGE", "html/template")
    assert found("xss", escaping, "go") == []


JINJA_MODULE = """
    from jinja2 import Environment

    _env = Environment(autoescape=ESCAPE)
    _BODY = _env.from_string("<h2>New enquiry from {{ name }}</h2>")


    class ContactView(FormView):
        def form_valid(self, form):
            html = _BODY.render(**form.cleaned_data)
            send_html_mail(html)
            return super().form_valid(form)
"""


def test_a_module_level_environment_without_escaping_makes_render_a_sink() -> None:
    code = JINJA_MODULE.replace("ESCAPE", "False")
    assert found("xss", code, "python") == [("ContactView.form_valid", 9)]
    assert found("xss", JINJA_MODULE.replace("ESCAPE", "True"), "python") == []


SPRING_DATA = """
    package forum.web;

    @Controller
    public class ThreadController {
        private final CommentRepository comments;

        @GetMapping("/threads/{id}/comments")
        public ResponseEntity<String> thread(@PathVariable long id) {
            StringBuilder page = new StringBuilder("<section>");
            for (Comment c : comments.findTop50ByThreadIdOrderByCreatedAtAsc(id)) {
                page.append("<p>").append(BODY).append("</p>");
                page.append("<span>").append(c.getState().name()).append("</span>");
            }
            return ResponseEntity.ok()
                    .contentType(MediaType.TEXT_HTML)
                    .body(page.append("</section>").toString());
        }
    }
"""


def test_rows_from_a_spring_data_finder_in_an_html_response_entity_are_xss() -> None:
    code = SPRING_DATA.replace("BODY", "c.getBody()")
    assert found("xss", code, "java") == [("ThreadController.thread", 14)]
    # the enum constant's name alone (getState().name()) is the program's own word
    escaped = SPRING_DATA.replace("BODY", "HtmlUtils.htmlEscape(c.getBody())")
    assert found("xss", escaped, "java") == []


FETCHED = """
    export async function loadComments(postId: string): Promise<void> {
      const resp = await fetch(`/api/posts/${encodeURIComponent(postId)}/comments`);
      const comments: Comment[] = await resp.json();
      const list = document.querySelector('#comments')!;
      for (const c of comments) {
        SHOW
      }
    }
"""


def test_a_fetch_responses_json_written_as_html_is_xss() -> None:
    code = FETCHED.replace("SHOW", "list.insertAdjacentHTML('beforeend', `<li>${c.text}</li>`);")
    assert found("xss", code, "typescript") == [("loadComments", 6)]
    text = "const li = document.createElement('li'); li.textContent = c.text; list.append(li);"
    assert found("xss", FETCHED.replace("SHOW", text), "typescript") == []


def test_a_token_the_client_sent_is_a_credential_in_a_log_line() -> None:
    code = """
        class ResetConfirm(viewsets.GenericViewSet):
            def create(self, request):
                serializer = self.get_serializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                token = serializer.validated_data["token"]
                logger.warning("reset rejected token=%s", TOKEN)
                return Response(status=400)
    """
    assert found("sensitive-data-in-logs", code.replace("TOKEN", "token"), "python") == [
        ("ResetConfirm.create", 6)
    ]
    assert found("sensitive-data-in-logs", code.replace("TOKEN", "len(token)"), "python") == []
    # a lexer's token, not read from the request, is no credential
    lexer = 'def show(tokens):\n    for token in tokens:\n        logger.debug("tok %s", token)\n'
    assert found("sensitive-data-in-logs", lexer, "python") == []


PINO = """
    const pino = require('pino');
    const log = pino({ level: 'info'REDACT });

    module.exports = async function accessLog(ctx, next) {
      await next();
      log.info({ path: ctx.path, headers: ctx.request.headers }, 'request');
    };
"""


def test_a_file_whose_pino_logger_redacts_is_trusted_to_redact() -> None:
    assert found("sensitive-data-in-logs", PINO.replace("REDACT", ""), "typescript") == [
        ("exports", 6)
    ]
    redacting = PINO.replace("REDACT", ", redact: ['headers.authorization', 'headers.cookie']")
    assert found("sensitive-data-in-logs", redacting, "typescript") == []


FILTERED = """
    import logging

    FILTER
    logger = logging.getLogger("gateway.access")
    ATTACH

    class AccessLog:
        def __call__(self, request):
            logger.info("%s", request.path, extra={"headers": dict(request.headers)})
"""


def test_a_file_that_attaches_a_logging_filter_is_trusted_to_redact() -> None:
    plain = FILTERED.replace("FILTER", "").replace("ATTACH", "")
    assert found("sensitive-data-in-logs", plain, "python") == [("AccessLog.__call__", 9)]
    redacting = FILTERED.replace("FILTER", "class Redact(logging.Filter): pass").replace(
        "ATTACH", "logger.addFilter(Redact())"
    )
    assert found("sensitive-data-in-logs", redacting, "python") == []


STRUCTLOG = """
    import structlog

    def _mask(_logger, _method, event):
        for key in {"access_token", "refresh_token"} & event.keys():
            event[key] = "***"
        return event

    structlog.configure(processors=[PROCESSORS structlog.processors.JSONRenderer()])
    logger = structlog.get_logger()

    class Connector:
        def refresh(self):
            payload = httpx.post(TOKEN_URL).json()
            access_token = payload["access_token"]
            logger.info("token_refreshed", access_token=access_token)
"""


def test_a_file_that_gives_structlog_a_masking_processor_is_trusted_to_redact() -> None:
    plain = STRUCTLOG.replace("PROCESSORS", "")
    assert found("sensitive-data-in-logs", plain, "python") == [("Connector.refresh", 15)]
    masking = STRUCTLOG.replace("PROCESSORS", "_mask,")
    assert found("sensitive-data-in-logs", masking, "python") == []


GO_TOKENS = """
    package verify

    import (
        "encoding/hex"
        "RAND"
    )

    func newToken() (string, error) {
        buf := make([]byte, 20)
        if _, err := rand.Read(buf); err != nil {
            return "", err
        }
        return hex.EncodeToString(buf), nil
    }
"""


def test_go_rand_read_is_weak_where_the_file_imports_math_rand() -> None:
    # The file's imports and functions only: no module unit of its own, yet the import counts.
    weak = GO_TOKENS.replace("RAND", "math/rand")
    assert found("insecure-randomness", weak, "go") == [("newToken", 13)]
    assert found("insecure-randomness", GO_TOKENS.replace("RAND", "crypto/rand"), "go") == []


def test_text_template_counts_where_the_file_is_only_imports_and_functions() -> None:
    code = """
        package web

        import (
            "net/http"
            "TEMPLATE"
        )

        func search(w http.ResponseWriter, r *http.Request) {
            page, _ := template.New("p").Parse("<p>{{.}}</p>")
            page.Execute(w, r.FormValue("q"))
        }
    """
    assert found("xss", code.replace("TEMPLATE", "text/template"), "go") == [("search", 10)]
    assert found("xss", code.replace("TEMPLATE", "html/template"), "go") == []
