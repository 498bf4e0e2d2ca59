# ruff: noqa: E501 - each case is one small file, as written
"""Part P's misses, fixed at the engine: a Python dataclass made with positional or keyword
arguments keeps its fields apart (an escaped field is no XSS because another field is
tainted), and what a callback does to the enclosing function's variables is seen after it
(`headers.forEach((k, v) -> sb.append(v))`); and the loggers and request parts part P used:
Tornado's `self.request.body`, JAX-RS `ctx.getHeaders()` logged with JBoss `infof`, fiber's
`c.GetReqHeaders()`, Azure Functions' `context.warn` of `Object.fromEntries(request.headers)`."""

from __future__ import annotations

from tests.flagged import findings, flagged_anywhere

RECORD = """
from dataclasses import dataclass
from litestar import Controller, MediaType, Response, get

@dataclass(frozen=True)
class Rendered:
    plugin: str
    html: str

class C(Controller):
    @get("/{plugin:str}", media_type=MediaType.HTML)
    async def show(self, plugin: str) -> Response[str]:
        rendered = Rendered(ARGS)
        page = "<p>{body}</p>".format(body=rendered.FIELD)
        return Response(page, media_type=MediaType.HTML)
"""


def _record(args: str, field: str) -> bool:
    code = RECORD.replace("ARGS", args).replace("FIELD", field)
    return flagged_anywhere("xss", code, "python")


def test_record_fields_apart_by_keyword() -> None:
    assert not _record('plugin=plugin, html=""', "html")
    assert _record('plugin=plugin, html=""', "plugin")


def test_record_fields_apart_by_position() -> None:
    assert not _record('plugin, ""', "html")
    assert _record('plugin, ""', "plugin")


JAVA_HEADERS = """
class A {
    private static final Logger LOG = Logger.getLogger(A.class);
    public void filter(ContainerRequestContext ctx) {
        StringBuilder sb = new StringBuilder();
        ctx.getHeaders().forEach((name, values) -> {
            sb.append(name).append('=').append(String.join(",", VALUES));
        });
        LOG.infof("headers=[%s]", sb.toString());
    }
}
"""


def test_callback_mutation_reaches_the_caller() -> None:
    assert flagged_anywhere(
        "sensitive-data-in-logs", JAVA_HEADERS.replace("VALUES", "values"), "java"
    )


def test_callback_constant_mutation_stays_clean() -> None:
    code = JAVA_HEADERS.replace(
        "ctx.getHeaders().forEach((name, values)", 'java.util.List.of("a").forEach((name)'
    ).replace("VALUES", '"x"')
    assert not flagged_anywhere("sensitive-data-in-logs", code, "java")


def test_js_foreach_appends_to_outer_string() -> None:
    code = "function h(req, res) {\n  let out = '';\n  [1, 2].forEach((i) => { out += req.query.q; });\n  res.send(out);\n}\n"
    assert findings("xss", code, "javascript", "a.jsx")["h"]


TORNADO = """
import logging
import tornado.web
log = logging.getLogger("auth")

class TokenHandler(tornado.web.RequestHandler):
    def on_finish(self) -> None:
        log.warning("failed status=%s body=%r", self.get_status(), self.request.WHAT)
"""


def test_tornado_request_body_logged() -> None:
    assert flagged_anywhere("sensitive-data-in-logs", TORNADO.replace("WHAT", "body"), "python")
    assert not flagged_anywhere(
        "sensitive-data-in-logs", TORNADO.replace("WHAT", "remote_ip"), "python"
    )


AZURE = """
export async function hook(request: HttpRequest, context: InvocationContext) {
  const headers = Object.fromEntries(request.headers.entries());
  context.warn("rejected webhook", { invocationId: context.invocationId, WHAT });
  return { status: 401 };
}
"""


def test_azure_context_logs_headers() -> None:
    assert flagged_anywhere(
        "sensitive-data-in-logs", AZURE.replace("WHAT", "headers"), "typescript"
    )
    assert not flagged_anywhere(
        "sensitive-data-in-logs", AZURE.replace("WHAT", "count: 1"), "typescript"
    )


FIBER = """package middleware

import (
	"github.com/gofiber/fiber/v2"
	"go.uber.org/zap"
)

func AccessLog(log *zap.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		err := c.Next()
		log.Info("request", zap.String("path", c.Path()), WHAT)
		return err
	}
}
"""


def test_fiber_request_headers_logged() -> None:
    assert flagged_anywhere(
        "sensitive-data-in-logs",
        FIBER.replace("WHAT", 'zap.Any("headers", c.GetReqHeaders())'),
        "go",
    )
    assert not flagged_anywhere(
        "sensitive-data-in-logs",
        FIBER.replace("WHAT", 'zap.Int("n", len(c.GetReqHeaders()))'),
        "go",
    )
