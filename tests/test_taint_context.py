"""Request data a middleware of the file keeps on the request, response or context object
(analysis/context.py), read back by a handler or its helper; and sinks met on the way here:
NestJS text/html handlers, WebFlux bodyValue, method references as sanitizers."""

from __future__ import annotations

from tests.flagged import findings

FLASH_JS = """
    const express = require('express');
    const router = express.Router();

    function flashFromQuery(req, res, next) {
      res.locals.flash = typeof req.query.msg === 'string' ? req.query.msg : '';
      next();
    }

    function renderPage({ title, flash }) {
      return `<html><title>${title}</title><div class="flash">${flash}</div></html>`;
    }

    function sendPage(res, title) {
      res.type('html').send(renderPage({ title, flash: res.locals.flash }));
    }

    router.get('/done', flashFromQuery, (req, res) => sendPage(res, 'Thanks'));
"""


def test_what_a_middleware_keeps_on_res_locals_is_request_data() -> None:
    found = findings("xss", FLASH_JS, "javascript", "pages.js")
    assert found["sendPage"] == [14]
    constant = FLASH_JS.replace(
        "typeof req.query.msg === 'string' ? req.query.msg : ''", "'Saved.'"
    )
    assert findings("xss", constant, "javascript", "pages.js")["sendPage"] == []


LABEL_GO = """
    package checkout

    import (
        "context"
        "fmt"
        "net/http"
    )

    type labelKey struct{}

    func withLabel(next http.Handler) http.Handler {
        return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
            label := r.URL.Query().Get("label")
            next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), labelKey{}, label)))
        })
    }

    func returnLabel(ctx context.Context) string {
        s, _ := ctx.Value(labelKey{}).(string)
        return s
    }

    func placed(w http.ResponseWriter, r *http.Request) {
        w.Header().Set("Content-Type", "text/html")
        fmt.Fprintf(w, "<a href='/shop'>%s</a>", returnLabel(r.Context()))
    }
"""


def test_a_go_context_value_is_what_the_middleware_stored() -> None:
    assert findings("xss", LABEL_GO, "go", "checkout.go")["placed"] == [25]
    fixed = LABEL_GO.replace('r.URL.Query().Get("label")', '"Continue shopping"')
    assert findings("xss", fixed, "go", "checkout.go")["placed"] == []


WELCOME_TS = """
    import { Controller, Get, Header, Query } from '@nestjs/common';

    @Controller('onboarding')
    export class OnboardingController {
      @Get('welcome')
      @Header('Content-Type', 'text/html; charset=utf-8')
      welcome(@Query('team') team = ''): string {
        return `<h1>Welcome to ${team}</h1>`;
      }
    }
"""


def test_a_nestjs_handler_that_answers_html_returns_its_page() -> None:
    found = findings("xss", WELCOME_TS, "typescript", "welcome.ts")
    assert found["OnboardingController.welcome"] == [8]
    json = WELCOME_TS.replace("text/html; charset=utf-8", "application/json")
    assert findings("xss", json, "typescript", "welcome.ts")["OnboardingController.welcome"] == []


EMPTY_JAVA = """
    import org.springframework.http.MediaType;
    import org.springframework.web.reactive.function.server.ServerRequest;
    import org.springframework.web.reactive.function.server.ServerResponse;
    import reactor.core.publisher.Mono;

    public class EmptySearch {
        Mono<ServerResponse> emptyState(ServerRequest request) {
            String message = request.queryParam("q")
                    .map(q -> "<p>No products match <em>" + q + "</em></p>")
                    .orElse("<p>Type something.</p>");
            return ServerResponse.ok().contentType(MediaType.TEXT_HTML).bodyValue(message);
        }
    }
"""


def test_webflux_query_param_into_an_html_body() -> None:
    assert findings("xss", EMPTY_JAVA, "java", "Empty.java")["EmptySearch.emptyState"] == [11]
    escaped = EMPTY_JAVA.replace(
        '.map(q -> "<p>', '.map(HtmlUtils::htmlEscape)\n                    .map(q -> "<p>'
    )
    assert findings("xss", escaped, "java", "Empty.java")["EmptySearch.emptyState"] == []


ARCHIVE_PY = """
    from django.contrib import admin
    from django.utils.safestring import mark_safe


    class PostAdmin(admin.ModelAdmin):
        def archive(self, request, queryset):
            updated = queryset.update(status="archived")
            self.message_user(request, mark_safe(f"<b>{updated}</b> posts archived"))
"""


def test_an_update_returns_no_text() -> None:
    assert findings("xss", ARCHIVE_PY, "python", "admin.py")["PostAdmin.archive"] == []
    titles = ARCHIVE_PY.replace('queryset.update(status="archived")', "queryset.first().title")
    assert findings("xss", titles, "python", "admin.py")["PostAdmin.archive"] == [8]


SETTINGS_PY = """
    import logging
    from dataclasses import dataclass, field

    from flask import request

    log = logging.getLogger(__name__)


    @dataclass
    class MailSettings:
        host: str
        password: str

        @classmethod
        def parse(cls, data: dict) -> "MailSettings":
            return cls(host=str(data["host"]), password=str(data["password"]))


    def update():
        settings = MailSettings.parse(request.get_json())
        log.info("mail settings changed: %s", settings)
        log.info("mail host now %s", settings.host)
"""


def test_logging_a_dataclass_logs_what_its_repr_prints() -> None:
    assert findings("sensitive-data-in-logs", SETTINGS_PY, "python", "mail.py")["update"] == [21]
    hidden = SETTINGS_PY.replace("    password: str\n", "    password: str = field(repr=False)\n")
    assert findings("sensitive-data-in-logs", hidden, "python", "mail.py")["update"] == []


AUTH_JAVA = """
    import lombok.Builder;
    import lombok.ToString;
    import lombok.Value;
    import org.slf4j.Logger;
    import org.slf4j.LoggerFactory;

    public class Payments {
        private static final Logger log = LoggerFactory.getLogger(Payments.class);

        record Credentials(String username, String password) {}

        @Value
        @Builder
        static class Charge {
            String merchantRef;
            @ToString.Exclude
            String cvv;
        }

        void charge(Form form) {
            Charge charge = Charge.builder().merchantRef(form.getRef()).cvv(form.getCvv()).build();
            log.info("charging {} for {}", charge, charge.getMerchantRef());
        }

        void login(String username, String password) {
            Credentials creds = new Credentials(username, password);
            log.info("login {}", creds.username());
            log.debug("login {}", creds);
        }
    }
"""


def test_java_records_and_lombok_classes_print_their_fields() -> None:
    found = findings("sensitive-data-in-logs", AUTH_JAVA, "java", "Payments.java")
    assert found["Payments.charge"] == []  # the cvv is left out of toString()
    assert found["Payments.login"] == [28]  # the record prints its password
    shown = AUTH_JAVA.replace("            @ToString.Exclude\n", "")
    found = findings("sensitive-data-in-logs", shown, "java", "Payments.java")
    assert found["Payments.charge"] == [21]


TOKEN_GO = """
    package oauth

    import (
        "log/slog"

        "github.com/labstack/echo/v4"
    )

    func Token(log *slog.Logger) echo.HandlerFunc {
        return func(c echo.Context) error {
            form, _ := c.FormParams()
            if err := authenticate(form.Get("client_id"), form.Get("client_secret")); err != nil {
                log.Warn("client authentication failed", "form", form)
            }
            return nil
        }
    }
"""


def test_logging_a_form_after_reading_a_secret_out_of_it() -> None:
    assert findings("sensitive-data-in-logs", TOKEN_GO, "go", "token.go")["Token"] == [13]
    client = TOKEN_GO.replace('"form", form)', '"client", form.Get("client_id"))')
    assert findings("sensitive-data-in-logs", client, "go", "token.go")["Token"] == []
