"""Go data flow on the shipped rules: small handlers, each with a look-alike that is safe.

The verdict comes from the rule's own taint spec (rules/*.yaml) and the shared Go source table
(rules/_sources/go.yaml): net/http, gorilla/mux, chi, gin and echo request data.
"""

from __future__ import annotations

import textwrap

import pytest

from auditor.evidence import confirm
from auditor.model import CodeUnit
from auditor.rules import load_rules, shipped_rules_dir

RULES = {rule.id: rule for rule in load_rules([shipped_rules_dir()])}


def lines(rule_id: str, code: str) -> list[tuple[int, int]]:
    text = textwrap.dedent(code).strip("\n") + "\n"
    unit = CodeUnit("app.go", "go", "handler", "function", 1, text.count("\n"), text)
    return [(c.start_line, c.end_line) for c in confirm(RULES[rule_id], unit)]


# (rule, violating handler, its finding's lines, a look-alike where the data never gets there)
PAIRS = [
    (
        "sql-injection",
        """
        func orders(w http.ResponseWriter, r *http.Request) {
            customer := r.URL.Query().Get("customer")
            q := "SELECT id FROM orders WHERE customer = '" + customer + "'"
            rows, err := db.Query(q)
            _ = rows
            _ = err
        }
        """,
        [(4, 4)],
        """
        func orders(w http.ResponseWriter, r *http.Request) {
            customer := r.URL.Query().Get("customer")
            q := "SELECT id FROM orders WHERE customer = $1"
            rows, err := db.Query(q, customer)
            _ = rows
            _ = err
        }
        """,
    ),
    (
        "command-injection",
        """
        func ping(c *gin.Context) {
            host := c.Query("host")
            out, _ := exec.Command("sh", "-c", "ping -c 1 "+host).Output()
            c.String(200, string(out))
        }
        """,
        [(3, 3)],
        """
        func ping(c *gin.Context) {
            host := c.Query("host")
            out, _ := exec.Command("ping", "-c", "1", "--", host).Output()
            c.String(200, string(out))
        }
        """,
    ),
    (
        "path-traversal",
        """
        func download(w http.ResponseWriter, r *http.Request) {
            name := mux.Vars(r)["name"]
            data, err := os.ReadFile(filepath.Join(baseDir, name))
            if err != nil {
                return
            }
            w.Write(data)
        }
        """,
        [(3, 3)],
        """
        func download(w http.ResponseWriter, r *http.Request) {
            name := filepath.Base(mux.Vars(r)["name"])
            data, err := os.ReadFile(filepath.Join(baseDir, name))
            if err != nil {
                return
            }
            w.Write(data)
        }
        """,
    ),
    (
        "xss",
        """
        func hello(w http.ResponseWriter, r *http.Request) {
            name := r.FormValue("name")
            fmt.Fprintf(w, "<h1>Hello %s</h1>", name)
        }
        """,
        [(3, 3)],
        """
        func hello(w http.ResponseWriter, r *http.Request) {
            name := html.EscapeString(r.FormValue("name"))
            fmt.Fprintf(w, "<h1>Hello %s</h1>", name)
        }
        """,
    ),
    (
        "ldap-injection",
        """
        func lookup(conn *ldap.Conn, r *http.Request) (*ldap.SearchResult, error) {
            user := r.FormValue("user")
            req := ldap.NewSearchRequest(baseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
                0, 0, false, "(&(objectClass=person)(uid="+user+"))", []string{"dn"}, nil)
            return conn.Search(req)
        }
        """,
        [(3, 4)],
        """
        func lookup(conn *ldap.Conn, r *http.Request) (*ldap.SearchResult, error) {
            user := ldap.EscapeFilter(r.FormValue("user"))
            req := ldap.NewSearchRequest(baseDN, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
                0, 0, false, "(&(objectClass=person)(uid="+user+"))", []string{"dn"}, nil)
            return conn.Search(req)
        }
        """,
    ),
    (
        "xpath-injection",
        """
        func find(w http.ResponseWriter, r *http.Request) {
            id := r.URL.Query().Get("id")
            node := xmlquery.FindOne(doc, "//book[@id='"+id+"']")
            fmt.Fprint(w, node.InnerText())
        }
        """,
        [(3, 3)],
        """
        func find(w http.ResponseWriter, r *http.Request) {
            id, err := strconv.Atoi(r.URL.Query().Get("id"))
            if err != nil {
                return
            }
            node := xmlquery.FindOne(doc, fmt.Sprintf("//book[@id='%d']", id))
            fmt.Fprint(w, node.InnerText())
        }
        """,
    ),
    (
        "code-injection",
        """
        func render(c echo.Context) error {
            body := c.FormValue("template")
            t, err := template.New("page").Parse(body)
            if err != nil {
                return err
            }
            return t.Execute(c.Response(), nil)
        }
        """,
        [(3, 3)],
        """
        func render(c echo.Context) error {
            title := c.FormValue("title")
            t, err := template.New("page").Parse(pageTemplate)
            if err != nil {
                return err
            }
            return t.Execute(c.Response(), map[string]string{"Title": title})
        }
        """,
    ),
    (
        "insecure-randomness",
        """
        func issueReset(u *User) {
            resetToken := strconv.Itoa(rand.Intn(1000000))
            u.ResetToken = resetToken
        }
        """,
        [(2, 2), (3, 3)],
        """
        func shuffleCards(cards []Card) {
            retryDelay := rand.Intn(100)
            time.Sleep(time.Duration(retryDelay) * time.Millisecond)
            rand.Shuffle(len(cards), func(i, j int) { cards[i], cards[j] = cards[j], cards[i] })
        }
        """,
    ),
    (
        "sensitive-data-in-logs",
        """
        func login(w http.ResponseWriter, r *http.Request) {
            username := r.FormValue("username")
            password := r.FormValue("password")
            log.Printf("login attempt user=%s password=%s", username, password)
        }
        """,
        [(4, 4)],
        """
        func login(w http.ResponseWriter, r *http.Request) {
            username := r.FormValue("username")
            password := r.FormValue("password")
            log.Printf("login attempt user=%s password_len=%d", username, len(password))
        }
        """,
    ),
]


@pytest.mark.parametrize(("rule_id", "bad", "found", "good"), PAIRS, ids=[p[0] for p in PAIRS])
def test_go_violation_and_its_safe_look_alike(
    rule_id: str, bad: str, found: list[tuple[int, int]], good: str
) -> None:
    assert lines(rule_id, bad) == found
    assert lines(rule_id, good) == []


def test_a_constant_overwrite_and_multiple_assignment_clean_the_query() -> None:
    code = """
        func report(w http.ResponseWriter, r *http.Request) {
            q, order := r.FormValue("q"), "name"
            q = "SELECT id FROM users ORDER BY "
            db.Exec(q + order)
            var where string = "SELECT id FROM users WHERE name = '" + r.FormValue("q") + "'"
            db.Exec(where)
        }
        """
    assert lines("sql-injection", code) == [(6, 6)]


def test_if_with_an_init_statement_and_switch_cases_carry_the_value() -> None:
    code = """
        func search(w http.ResponseWriter, r *http.Request) {
            if name := r.PostFormValue("name"); name != "" {
                db.Exec("DELETE FROM t WHERE name = '" + name + "'")
            }
            switch r.Method {
            case "POST":
                db.Exec(fmt.Sprintf("UPDATE t SET v = '%s'", r.FormValue("v")))
            }
        }
        """
    assert lines("sql-injection", code) == [(3, 3), (7, 7)]


def test_range_loops_builders_and_buffers_build_the_text() -> None:
    code = """
        func bulk(w http.ResponseWriter, r *http.Request) {
            var sb strings.Builder
            sb.WriteString("DELETE FROM t WHERE id IN (")
            for _, id := range r.URL.Query()["id"] {
                sb.WriteString("'" + id + "',")
            }
            db.Exec(sb.String())
            var buf bytes.Buffer
            fmt.Fprintf(&buf, "SELECT * FROM t WHERE tag = '%s'", r.Header.Get("X-Tag"))
            db.Query(buf.String())
            db.Query(strings.Join([]string{"SELECT * FROM t WHERE a =", "1"}, " "))
        }
        """
    assert lines("sql-injection", code) == [(7, 7), (10, 10)]


def test_parameters_share_a_type_and_numbers_carry_no_text() -> None:
    code = """
        func find(db *sql.DB, first, last string, limit int) {
            db.Query("SELECT id FROM t WHERE last = '" + last + "' LIMIT " + strconv.Itoa(limit))
        }
        """
    assert lines("sql-injection", code) == [(2, 2)]
    numeric = """
        func page(db *sql.DB, offset, limit int) {
            db.Query(fmt.Sprintf("SELECT id FROM people LIMIT %d OFFSET %d", limit, offset))
        }
        """
    assert lines("sql-injection", numeric) == []


def test_decoded_and_bound_request_bodies_fill_their_pointers() -> None:
    code = """
        func create(w http.ResponseWriter, r *http.Request) {
            var req CreateRequest
            if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
                return
            }
            db.Exec("INSERT INTO t (name) VALUES ('" + req.Name + "')")
        }
        """
    assert lines("sql-injection", code) == [(6, 6)]
    gin = """
        func create(c *gin.Context) {
            var form Form
            if err := c.ShouldBindJSON(&form); err != nil {
                return
            }
            exec.Command("bash", "-c", "tar xf "+form.Archive).Run()
        }
        """
    assert lines("command-injection", gin) == [(6, 6)]


def test_a_prefix_check_on_the_joined_path_guards_it() -> None:
    code = """
        func serve(w http.ResponseWriter, r *http.Request) {
            p := filepath.Join(root, r.URL.Path)
            if !strings.HasPrefix(p, root) {
                http.Error(w, "bad path", 400)
                return
            }
            http.ServeFile(w, r, p)
        }
        """
    assert lines("path-traversal", code) == []


def test_database_results_are_stored_text_not_request_text() -> None:
    code = """
        func profile(w http.ResponseWriter, r *http.Request) {
            var bio string
            db.QueryRow("SELECT bio FROM users WHERE id = $1", r.FormValue("id")).Scan(&bio)
            fmt.Fprintf(w, "<p>%s</p>", r.FormValue("greeting"))
            io.WriteString(w, "<p>"+bio+"</p>")
        }
        """
    assert lines("xss", code) == [(4, 4), (5, 5)]
    text = textwrap.dedent(code).strip("\n") + "\n"
    unit = CodeUnit("app.go", "go", "handler", "function", 1, text.count("\n"), text)
    stored = confirm(RULES["xss"], unit)[1]
    # the bio is what a user saved earlier (stored XSS), not the id it was looked up by
    assert stored.flow[0].text.startswith("db.QueryRow("), stored.flow


def test_placeholders_printed_as_numbers_carry_no_text() -> None:
    code = """
        func bySKU(db *sql.DB, r *http.Request) (*sql.Rows, error) {
            skus := r.URL.Query()["sku"]
            marks := make([]string, len(skus))
            args := make([]any, len(skus))
            for i, s := range skus {
                marks[i] = fmt.Sprintf("$%d", i+1)
                args[i] = s
            }
            q := "SELECT name FROM products WHERE sku IN (" + strings.Join(marks, ",") + ")"
            db.Query(fmt.Sprintf("SELECT name FROM products WHERE sku = '%s'", skus[0]))
            return db.Query(q, args...)
        }
        """
    assert lines("sql-injection", code) == [(10, 10)]


def test_zip_entry_names_reach_the_file_they_create() -> None:
    code = """
        func unpack(src, dest string) error {
            zr, err := zip.OpenReader(src)
            if err != nil {
                return err
            }
            for _, f := range zr.File {
                out, err := os.Create(filepath.Join(dest, f.Name))
                if err != nil {
                    return err
                }
                out.Close()
                os.Chmod(filepath.Join(baseDir, filepath.Base(f.Name)), 0o644)
            }
            return nil
        }
        """
    assert lines("path-traversal", code) == [(7, 7)]


def test_text_template_writes_request_data_unescaped() -> None:
    code = """
        package web

        import (
            "net/http"
            "%s"
        )

        func search(w http.ResponseWriter, r *http.Request) {
            page.Execute(w, r.FormValue("q"))
        }
        """
    assert lines("xss", code % "text/template") == [(9, 9)]
    assert lines("xss", code % "html/template") == []


def test_math_rand_fills_a_buffer_crypto_rand_does_not() -> None:
    code = """
        package session

        import (
            "encoding/hex"
            "%s"
        )

        func newSessionID() string {
            buf := make([]byte, 16)
            rand.Read(buf)
            return hex.EncodeToString(buf)
        }
        """
    assert lines("insecure-randomness", code % "math/rand") == [(11, 11)]
    assert lines("insecure-randomness", code % "crypto/rand") == []


def test_structured_loggers_and_tokens_built_with_sprintf() -> None:
    code = """
        func login(logger *zap.Logger, r *http.Request) {
            password := r.PostFormValue("password")
            user := r.PostFormValue("user")
            slog.Info("login", "user", user, "password", password)
            logger.Info("login", zap.String("user", user))
            logger.Sugar().Infow("login", "secret", password)
            fmt.Println("user", user)
        }
        """
    assert lines("sensitive-data-in-logs", code) == [(4, 4), (6, 6)]
    code = """
        func sendLoginCode(phone string) {
            code := rand.Intn(1000000)
            sms.Send(phone, fmt.Sprintf("Your login code is %06d", code))
        }
        """
    assert lines("insecure-randomness", code) == [(2, 2), (3, 3)]
