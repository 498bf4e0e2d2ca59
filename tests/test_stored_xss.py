"""Stored XSS shapes: what a component or a template helper shows was saved earlier by a user.

React state a promise filled (``fetch(...).then(r => r.json()).then(setProfile)`` and the
component's ``dangerouslySetInnerHTML``), a Django template filter's argument and an admin
column's ``obj``, ``format_html`` handed an f-string, a Jinja Environment left at its default
(no auto-escaping), a repository read. Each violating file has a safe twin.
"""

from __future__ import annotations

import textwrap

from auditor.evidence import confirm
from auditor.extract import extract_units
from auditor.rules import load_rules, shipped_rules_dir

RULES = {rule.id: rule for rule in load_rules([shipped_rules_dir()])}


def found(code: str, path: str, language: str) -> list[tuple[str, int]]:
    text = textwrap.dedent(code).strip("\n") + "\n"
    units, _ = extract_units(path, text, language)
    return [(unit.qualname, c.start_line) for unit in units for c in confirm(RULES["xss"], unit)]


PROFILE_CARD = """
    import { useEffect, useState } from 'react';

    export function ProfileCard({ handle }) {
      const [profile, setProfile] = useState(null);
      useEffect(() => {
        fetch(`/api/users/${encodeURIComponent(handle)}`)
          .then((r) => (r.ok ? r.json() : Promise.reject(new Error(String(r.status)))))
          .then((p) => { setProfile(p); })
          .catch(() => setProfile(null));
      }, [handle]);
      if (!profile) return <div className="loading" />;
      return <div className="bio" dangerouslySetInnerHTML={{ __html: profile.bio }} />;
    }
"""


def test_react_state_set_from_a_fetched_body_is_stored_data() -> None:
    assert found(PROFILE_CARD, "card.jsx", "javascript") == [("ProfileCard", 12)]
    safe = PROFILE_CARD.replace("__html: profile.bio", "__html: DOMPurify.sanitize(profile.bio)")
    assert found(safe, "card.jsx", "javascript") == []
    # what the promise holds is the component's own constant: nothing a user wrote
    constant = PROFILE_CARD.replace(
        ".then((p) => { setProfile(p); })", ".then(() => setProfile(NOTE))"
    )
    assert found(constant, "card.jsx", "javascript") == []


def test_a_promise_callback_gets_what_the_promise_holds() -> None:
    code = """
        function loadNotice() {
          fetch('/api/notice').then((r) => r.text()).then((html) => {
            document.querySelector('#notice').innerHTML = html;
          });
          fetch('/api/notice').then((r) => r.json()).then((data) => {
            document.querySelector('#notice').textContent = data.text;
          });
        }
    """
    # r.text() is no stored source; r.json() is, and only the textContent twin reads it
    assert found(code.replace("r.text()", "r.json()"), "notice.js", "javascript") == [
        ("loadNotice", 3)
    ]
    assert found(code, "notice.js", "javascript") == []


DJANGO_FILTER = """
    from django import template
    from django.utils.safestring import mark_safe

    register = template.Library()

    @register.filter(name="render_bio")
    def render_bio(profile):
        paragraphs = [p.strip() for p in (profile.bio or "").split("\\n\\n") if p.strip()]
        return mark_safe("".join(f"<p>{p}</p>" for p in paragraphs))
"""


def test_a_django_filter_argument_is_the_page_data() -> None:
    assert found(DJANGO_FILTER, "tags.py", "python") == [("render_bio", 9)]
    safe = DJANGO_FILTER.replace('f"<p>{p}</p>"', 'f"<p>{escape(p)}</p>"')
    assert found(safe, "tags.py", "python") == []


ADMIN = """
    from django.contrib import admin
    from django.utils.html import format_html

    class ReviewAdmin(admin.ModelAdmin):
        def author_link(self, obj):
            url = reverse("admin:user_change", args=[obj.author_id])
            return format_html(f'<a href="{{}}">{obj.author.display_name}</a>', url)
"""


def test_format_html_escapes_its_arguments_not_an_f_string_format() -> None:
    assert found(ADMIN, "admin.py", "python") == [("ReviewAdmin.author_link", 7)]
    safe = ADMIN.replace(
        "format_html(f'<a href=\"{{}}\">{obj.author.display_name}</a>', url)",
        "format_html('<a href=\"{}\">{}</a>', url, obj.author.display_name)",
    )
    assert found(safe, "admin.py", "python") == []


JINJA = """
    import jinja2

    env = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES), trim_blocks=True)

    async def ticket_detail(request):
        repo = request.app["ticket_repo"]
        ticket = await repo.get(int(request.match_info["id"]))
        html = await env.get_template("ticket.html").render_async(ticket=ticket)
        return web.Response(text=html, content_type="text/html")
"""


def test_a_jinja_environment_at_its_default_does_not_escape() -> None:
    assert [line for _, line in found(JINJA, "views.py", "python")] == [8]
    for fixed in ("autoescape=True", "autoescape=jinja2.select_autoescape()"):
        safe = JINJA.replace("trim_blocks=True", f"trim_blocks=True, {fixed}")
        assert found(safe, "views.py", "python") == []
