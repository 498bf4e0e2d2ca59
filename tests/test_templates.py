"""XSS sinks in template files: each template language in its own syntax, comments skipped,
literals and encoded values left alone; and end to end, a template in a real repository gives a
finding on the sink's line with a schema-valid SARIF result."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from auditor.analysis.detectors.templates import find_template_sinks
from auditor.filekinds import text_kind
from tests.conftest import git, run_cli, write
from tests.sarif_check import validate_sarif


def sinks(path: str, text: str) -> list[tuple[int, str]]:
    body = textwrap.dedent(text).strip("\n") + "\n"
    return [(s.line + 1, s.what) for s in find_template_sinks(body, path)]


def test_template_files_are_their_own_kind() -> None:
    for name in ("page.jinja2", "a.j2", "v.ejs", "x.hbs", "y.handlebars", "z.jsp", "q.pug",
                 "r.html.erb", "c.vue", "t.njk"):  # fmt: skip
        assert text_kind(name, b"x") == "template", name
    assert text_kind("index.html", b"<p>") == "html"


def test_jinja_and_django() -> None:
    page = """
        {# {{ never|safe }} #}
        <div>{{ post.body|safe }}</div>
        <p>{{ "<br>"|safe }}</p>
        <p>{{ post.title }}</p>
        <div>{{ data|tojson|safe }}</div>
        {% autoescape false %}{{ raw }}{% endautoescape %}
        {% comment %}{{ x|safe }}{% endcomment %}
        <a href="{{ user.website }}">site</a>
        <a href="/u/{{ user.id }}">me</a>
        <a href="{{ url_for('index') }}">home</a>
        <img src="{{ STATIC_URL }}logo.png">
        <button onclick="select('{{ item.name }}')">x</button>
        <script>var n = {{ count }}; var cfg = {{ cfg|tojson }};</script>
        <script src="/app.js"></script>
    """
    assert sinks("templates/post.html", page) == [
        (2, "unescaped output"),
        (6, "auto-escaping turned off"),
        (8, "value at the start of a URL attribute"),
        (12, "value in an event handler attribute"),
        (13, "value in a <script> block"),
    ]


def test_ejs_handlebars_pug_erb() -> None:
    ejs = """
        <%- include('partials/header') %>
        <h1><%= title %></h1>
        <div><%- comment.body %></div>
        <%# <%- old %> %>
    """
    assert sinks("views/show.ejs", ejs) == [(3, "unescaped output")]
    hbs = """
        {{!-- {{{ old }}} --}}
        <p>{{ name }}</p>
        <div>{{{ bio }}}</div>
    """
    assert sinks("views/user.hbs", hbs) == [(3, "unescaped output")]
    pug = """
        h1= title
        div!= post.html
        p Hello !{name}
        //- div!= old
    """
    assert sinks("views/post.pug", pug) == [(2, "unescaped output"), (3, "unescaped output")]
    erb = """
        <h1><%= @post.title %></h1>
        <div><%== @post.body %></div>
        <p><%= raw @post.summary %></p>
        <p><%= @post.note.html_safe %></p>
    """
    assert sinks("app/views/posts/show.html.erb", erb) == [
        (2, "unescaped output"),
        (3, "unescaped output"),
        (4, "unescaped output"),
    ]


def test_jsp_thymeleaf_vue() -> None:
    jsp = """
        <%@ taglib prefix="c" uri="http://java.sun.com/jsp/jstl/core" %>
        <c:if test="${not empty param.q}">
          <p>Results for <c:out value="${param.q}"/></p>
          <p>You searched ${param.q}</p>
          <p><%= request.getParameter("q") %></p>
          <a href="<%= request.getContextPath() %>/home">home</a>
          <c:out value="${comment}" escapeXml="false"/>
        </c:if>
    """
    assert sinks("WEB-INF/search.jsp", jsp) == [
        (4, "unescaped output"),
        (5, "unescaped output"),
        (7, "escaping turned off"),
    ]
    thymeleaf = """
        <p th:text="${user.name}">name</p>
        <div th:utext="${user.bio}">bio</div>
        <p>[[${user.name}]] and [(${user.note})]</p>
    """
    assert sinks("templates/user.html", thymeleaf) == [
        (2, "unescaped output"),
        (3, "unescaped output"),
    ]
    vue = """
        <template>
          <p>{{ message }}</p>
          <div v-html="message"></div>
        </template>
    """
    assert sinks("src/components/Note.vue", vue) == [(3, "raw HTML binding")]


def test_a_template_in_a_repository_is_scanned(
    tmp_path: Path,
    shared_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    write(repo, "templates/profile.html",
          "{% extends 'base.html' %}\n{% block content %}\n<h1>{{ user.name }}</h1>\n"
          "<div>{{ user.bio|safe }}</div>\n{% endblock %}\n")  # fmt: skip
    write(repo, "templates/plain.html", "<p>{{ user.name }}</p>\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "t")
    sarif = tmp_path / "out.sarif"
    args = ["scan", "--all", "--also", f"sarif:{sarif}"]
    assert run_cli(repo, args, shared_cache, monkeypatch) == 1
    out = capsys.readouterr().out
    assert "templates/profile.html:4: warning xss" in out
    assert "plain.html:" not in out
    doc = json.loads(sarif.read_text())
    validate_sarif(doc)
    results = doc["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results] == [4]
