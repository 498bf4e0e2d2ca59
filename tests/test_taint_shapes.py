"""Shapes of real handlers the data-flow engine reads (each with its twin): helpers passed to
``map`` by name and the helpers they call, Java's ``%d``, statically imported escapers, an LDAP
sink only where an LDAP API is, a Go store read by context, archive entries, and a path checked
as ``p === root || p.startsWith(root + sep)``.
"""

from __future__ import annotations

from tests.test_file_context import found

FRAGMENT = """
    const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
    const esc = (value) => String(value ?? '').replace(/[&<>"]/g, (ch) => ENTITIES[ch]);
    const dateFmt = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium' });

    function commentItem(c) {
      return `<li><b>${AUTHOR}</b> ${dateFmt.format(c.createdAt)}</li>`;
    }

    router.get('/:id/comments', async (ctx) => {
      const comments = await Comment.findAll({ where: { postId: Number(ctx.params.id) } });
      ctx.body = `<ul>${comments.map(commentItem).join('')}</ul>`;
    });
"""


def test_a_helper_mapped_by_name_and_the_escaper_it_calls_are_followed() -> None:
    assert found("xss", FRAGMENT.replace("AUTHOR", "${c.authorName}"), "javascript") == [
        ("<module>", 11)
    ]
    escaped = FRAGMENT.replace("AUTHOR", "${esc(c.authorName)}")
    assert found("xss", escaped, "javascript") == []


SEARCH_SERVLET = """
    public class SearchServlet extends HttpServlet {
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            String q = req.getParameter("q");
            List<Article> hits = index.search(q, req.getParameter("section"), 20);
            PrintWriter out = resp.getWriter();
            for (Article a : hits) {
                out.printf("<li><a href=\\"/kb/%d\\">%s</a></li>%n", a.getId(), TITLE);
            }
        }
    }
"""


def test_javas_format_prints_d_as_a_number_and_escapers_may_be_imported_statically() -> None:
    code = SEARCH_SERVLET.replace("TITLE", "a.getTitle()")
    assert found("xss", code, "java") == [("SearchServlet.doGet", 7)]
    assert found("xss", SEARCH_SERVLET.replace("TITLE", "escapeHtml4(a.getTitle())"), "java") == []


def test_a_search_call_is_an_ldap_sink_only_where_the_file_uses_an_ldap_api() -> None:
    code = SEARCH_SERVLET.replace("TITLE", '""')
    assert found("ldap-injection", code, "java") == []
    ldap = """
        public class Lookup {
            NamingEnumeration<SearchResult> find(DirContext ctx, HttpServletRequest req) {
                String filter = "(uid=" + req.getParameter("user") + ")";
                return ctx.search("ou=people", filter, new SearchControls());
            }
        }
    """
    assert found("ldap-injection", ldap, "java") == [("Lookup.find", 4)]


POSTER = """
    package media

    func (s *Server) poster(w http.ResponseWriter, r *http.Request) {
        video, err := s.videos.Get(r.Context(), r.PathValue("id"))
        if err != nil {
            return
        }
        http.ServeFile(w, r, filepath.Join(s.posterDir, NAME+".jpg"))
    }
"""


def test_a_go_store_read_with_a_context_returns_the_stored_row_not_its_key() -> None:
    assert found("path-traversal", POSTER.replace("NAME", "video.ID"), "go") == []
    request = POSTER.replace("NAME", 'r.URL.Query().Get("name")')
    assert found("path-traversal", request, "go") == [("Server.poster", 8)]


UNZIP = """
    const AdmZip = require('adm-zip');

    function extract(archivePath, destDir) {
      const root = path.resolve(destDir);
      for (const entry of new AdmZip(archivePath).getEntries()) {
        const out = path.resolve(root, entry.entryName);
        CHECK
        fs.writeFileSync(out, entry.getData());
      }
    }
"""


def test_archive_entry_names_reach_the_file_written_unless_checked_under_the_root() -> None:
    assert found("path-traversal", UNZIP.replace("CHECK", ""), "javascript") == [("extract", 8)]
    check = "if (out !== root && !out.startsWith(root + path.sep)) throw new Error('escapes');"
    assert found("path-traversal", UNZIP.replace("CHECK", check), "javascript") == []
    go = """
        package importer

        func unpack(zr *zip.Reader, dest string) error {
            for _, f := range zr.File {
                out, err := os.Create(filepath.Join(dest, f.Name))
                if err != nil {
                    return err
                }
                out.Close()
            }
            return nil
        }
    """
    assert found("path-traversal", go, "go") == [("unpack", 5)]


TRACE_FILTER = """
    public class TraceFilter extends OncePerRequestFilter {
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response) {
            String auth = SCHEME(request.getHeader("Authorization"));
            log.debug("--> {} auth={}", request.getRequestURI(), auth);
        }

        private static String authScheme(String header) {
            int space = header == null ? -1 : header.indexOf(' ');
            return space > 0 ? header.substring(0, space) : "none";
        }
    }
"""


def test_a_credential_named_result_of_the_files_own_helper_is_judged_by_its_body() -> None:
    unknown = TRACE_FILTER.replace("SCHEME", "headers.first")
    assert found("sensitive-data-in-logs", unknown, "java") == [("TraceFilter.doFilterInternal", 4)]
    helper = TRACE_FILTER.replace("SCHEME", "authScheme")
    assert found("sensitive-data-in-logs", helper, "java") == []


def test_a_camel_case_child_logger_is_a_logger() -> None:
    code = """
        router.post('/login', async (req, res) => {
          const reqLog = log.child({ route: 'login' });
          reqLog.info({ password: req.body.password }, 'login attempt');
        });
    """
    assert found("sensitive-data-in-logs", code, "javascript") == [("<module>", 3)]
    dialog = code.replace("reqLog.info", "dialog.info").replace("const reqLog", "const dialog")
    assert found("sensitive-data-in-logs", dialog, "javascript") == []
