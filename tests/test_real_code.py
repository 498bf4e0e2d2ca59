"""Shapes met on mature code nobody here wrote (the standard library, requests, urllib3, werkzeug,
docker, h11, responses, pre-commit) that a reviewer does not count as findings, each beside the
true neighbour that must still be one. The shapes are written fresh here, not copied.
"""

from __future__ import annotations

import textwrap

import pytest

from auditor.analysis.detectors.secrets import find_secrets
from auditor.evidence import confirm
from auditor.model import CodeUnit
from auditor.rules import load_rules, shipped_rules_dir

RULES = {rule.id: rule for rule in load_rules([shipped_rules_dir()])}


def found(rule_id: str, code: str, language: str = "python") -> list[int]:
    text = textwrap.dedent(code).strip("\n") + "\n"
    unit = CodeUnit("lib.py", language, "f", "function", 1, text.count("\n"), text)
    return [c.start_line for c in confirm(RULES[rule_id], unit)]


def secrets(line: str) -> list[str]:
    return [hit.value for hit in find_secrets(line + "\n", "python")]


# -- sources: a command line is its user's -----------------------------------------------------


def test_a_cli_opening_the_file_its_user_named_is_not_path_traversal() -> None:
    cli = """
        def main():
            opts, args = getopt.getopt(sys.argv[1:], 'hd')
            with open(args[0], 'rb') as f:
                return f.read()
    """
    web = """
        def download():
            name = request.args["name"]
            with open("/srv/files/" + name, 'rb') as f:
                return f.read()
    """
    assert found("path-traversal", cli) == []
    assert found("path-traversal", web) == [3]


# -- parameters: what a library returns for the caller's value is not that value --------------


def test_a_parameter_through_a_plain_helper_or_a_string_method_is_still_followed() -> None:
    code = """
        def search(cur, term, column):
            clause = order_clause(column.strip().lower())
            cur.execute("SELECT id FROM items WHERE name = '" + term + "' " + clause)
    """
    assert found("sql-injection", code) == [3]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("os.system(pager + ' \"' + filename + '\"')", []),  # a pager: the command is the caller's
        ('os.system(f"{pager} {filename}")', []),
        ('os.system("less " + pager)', [3]),  # the code's own command, the caller's argument
        ('os.system(f"grep {pager} {filename}")', [3]),
    ],
)
def test_a_parameter_that_starts_the_command_line_is_the_command(
    code: str, expected: list[int]
) -> None:
    unit = f"""
        def page(text, pager):
            filename = os.path.join(tempdir, "out")
            {code}
    """
    assert found("command-injection", unit) == expected


def test_a_parameter_named_for_a_command_or_statement_is_the_callers_code() -> None:
    run_sql = """
        def _run_sql(self, sql, params):
            query = "SELECT session, line FROM history " + sql
            return self.db.execute(query, params)
    """
    pager = """
        def page(text, pager_cmd):
            line = "%s < %s" % (pager_cmd, tmppath)
            os.system(line)
    """
    data = """
        def grep(pattern, logfile):
            os.system("grep %s %s" % (pattern, logfile))
    """
    assert found("sql-injection", run_sql) == []
    assert found("command-injection", pager) == []
    assert found("command-injection", data) == [2]


def test_a_containment_check_before_writing_cleans_the_path() -> None:
    code = """
        def unzip(filename, location):
            archive = zipfile.ZipFile(filename)
            for info in archive.infolist():
                target = os.path.join(location, info.filename)
                if not {check}(location, target):
                    raise InstallationError(target)
                with open(target, "wb") as out:
                    out.write(archive.read(info))
    """
    assert found("path-traversal", code.format(check="is_within_directory")) == []
    assert found("path-traversal", code.format(check="os.path.exists")) == [7]


def test_a_header_read_under_a_constant_is_judged_by_the_constants_name() -> None:
    code = """
        def hook(request):
            value = request.headers.get({key})
            logger.debug("request %s", value)
    """
    assert found("sensitive-data-in-logs", code.format(key="X_AMZN_TRACE_ID")) == []
    assert found("sensitive-data-in-logs", code.format(key="AUTHORIZATION_HEADER")) == [3]


def test_a_callbacks_parameter_is_what_the_api_passes_in() -> None:
    callback = """
        function submit(e, command) {
          fetch(makeURL({cmd: command.value}))
            .then((res) => res.text())
            .then((data) => {
              const box = document.createElement("div");
              box.innerHTML = data;
            });
        }
    """
    direct = """
        function show(box, html) {
          box.innerHTML = html;
        }
    """
    assert found("xss", callback, "javascript") == []
    assert found("xss", direct, "javascript") == [2]


def test_the_name_of_a_credential_store_is_not_a_credential() -> None:
    store = """
        def resolve(self, registry):
            store_name = self.get_credential_store(registry)
            log.debug(f'Using credentials store "{store_name}"')
    """
    token = """
        def resolve(self, registry):
            token = self.get_credential(registry)
            log.debug(f"Using {token}")
    """
    assert found("sensitive-data-in-logs", store) == []
    assert found("sensitive-data-in-logs", token) == [3]
    switch = 'def dump():\n    print(f"implicit token: {constants.HF_DISABLE_IMPLICIT_TOKEN}")\n'
    assert found("sensitive-data-in-logs", switch) == []


def test_a_parameter_with_a_number_for_default_is_a_number() -> None:
    code = """
        def page(text, {start}):
            line = "less +" + get_start(start)
            os.system(line + " " + tmppath)
    """
    assert found("command-injection", code.format(start="start=0")) == []
    assert found("command-injection", code.format(start="start")) == [3]


# -- structural rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        # HTTP Digest auth: MD5 the protocol mandates, marked as not a security control
        (
            """
            def build_digest_header(self, username, password):
                def md5_utf8(x):
                    return hashlib.md5(x.encode(), usedforsecurity=False).hexdigest()
                return md5_utf8(f"{username}:{password}")
            """,
            [],
        ),
        (
            """
            def store(user, password):
                user.hash = hashlib.md5(password.encode()).hexdigest()
            """,
            [2],
        ),
        # PBKDF2's own HMAC keys: update() on objects the unit did not make with hashlib
        (
            """
            def pbkdf2_hmac(hash_name, password, salt):
                inner = new(hash_name)
                inner.update(password.translate(trans_36))
                return inner
            """,
            [],
        ),
        (
            """
            def store(user, password):
                digest = hashlib.sha256()
                digest.update(password.encode())
                user.hash = digest.hexdigest()
            """,
            [3],
        ),
    ],
)
def test_weak_password_hash_needs_a_security_digest(code: str, expected: list[int]) -> None:
    assert found("weak-password-hash", code) == expected


def test_a_constructor_giving_its_own_option_a_default_is_not_disabling_tls() -> None:
    default = """
        def __init__(self, protocol):
            self._ctx = Context(protocol)
            self.check_hostname = False
    """
    disabled = """
        def make_session(self):
            self.session = requests.Session()
            self.session.verify = False
    """
    assert found("tls-verification-disabled", default) == []
    assert found("tls-verification-disabled", disabled) == [3]


# -- secrets ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('__all__ = ["getpass", "getuser", "GetPassWarning"]', []),
        ('deprecated = ["assert_fired", "passthru_prefixes", "target"]', []),
        ('cmd = ["redis-server", "--requirepass", "QsO5GUpKeBRRdeJ71OH"]', ["QsO5GUpKeBRRdeJ71OH"]),
        ('os.environ.setdefault("DB_PASSWORD", "hunter2xyz")', ["hunter2xyz"]),
        ('token = r"[-!#$%&\'*+.^_`|~0-9a-zA-Z]+"', []),
        ('api_token = "Zq8v[N3]mKp2Lw9x"', ["Zq8v[N3]mKp2Lw9x"]),
        ('toolskey = "VS%0.f0COMNTOOLS" % version', []),
        ('raise E("--registry-password requires --registry-username.")', []),
        ('args = "tool --password s3cretPass9"', ["s3cretPass9"]),
        ('args = "mysql --password=hunterxyz"', ["hunterxyz"]),
    ],
)
def test_lists_of_names_regexes_and_formats_are_not_credentials(
    line: str, expected: list[str]
) -> None:
    assert secrets(line) == expected


# -- second round: the standard library and installed packages, shipped code ------------------


def test_a_run_of_quoted_names_is_no_name_and_value() -> None:
    assert secrets("    'finally', 'for', 'lambda', 'pass', 'raise', 'nonlocal', 'return',") == []
    assert secrets('    MovedAttribute("HTTPPasswordMgr", "urllib2", "urllib.request"),') == []
    assert secrets('config.set("db", "password", "Hunter2-Sekret")') == ["Hunter2-Sekret"]


def test_a_checksum_beside_a_signing_password_is_no_password_hash() -> None:
    upload = """
        def upload_file(self, filename, signer=None, sign_password=None):
            with open(filename, 'rb') as f:
                file_data = f.read()
            md5_digest = hashlib.md5(file_data).hexdigest()
    """
    login = """
        def check(password, stored):
            return hashlib.new("md5", password.encode()).hexdigest() == stored
    """
    assert found("weak-password-hash", upload) == []
    assert found("weak-password-hash", login) == [2]


def test_tls_defaults_of_a_context_class_and_opt_in_fallbacks() -> None:
    shim = """
        def __init__(self, protocol_version):
            self.protocol = protocol_version
            self.verify_mode = ssl.CERT_NONE
    """
    opt_in = """
        def _request_context():
            if insecure_setting():
                yield ssl._create_unverified_context()
    """
    always = """
        def fetch(url):
            return urlopen(url, context=ssl._create_unverified_context())
    """
    assert found("tls-verification-disabled", shim) == []
    assert found("tls-verification-disabled", opt_in) == []
    assert found("tls-verification-disabled", always) == [2]


def test_unpickling_its_own_file_or_its_callers_bytes_is_the_api() -> None:
    own_file = """
        def load(filename):
            with open(filename, "rb") as fp:
                return pickle.load(fp)
    """
    api = """
        def loads(self, pkl):
            self.__dict__.update(pickle.loads(pkl))
    """
    cookie = """
        def restore(request):
            raw = base64.b64decode(request.cookies["state"])
            return pickle.loads(raw)
    """
    assert found("unsafe-deserialization", own_file) == []
    assert found("unsafe-deserialization", api) == []
    assert found("unsafe-deserialization", cookie) == [3]
    assert found("unsafe-deserialization", "def f(data):\n    return marshal.loads(data)\n") == []


def test_a_lexical_token_is_no_credential_in_a_log() -> None:
    lexer = """
        def get_token(self):
            raw = self.read_token()
            if self.debug >= 1:
                print("shlex: token=" + repr(raw))
            return raw
    """
    auth = """
        def refresh(session):
            logger.info("refreshed %s", session.access_token)
    """
    assert found("sensitive-data-in-logs", lexer) == []
    assert found("sensitive-data-in-logs", auth) == [2]


def test_an_empty_literal_adds_no_space_a_shell_test_would_see() -> None:
    pipeline = """
        def open_r(self, file):
            cmd = self.makepipeline(file, '')
            return os.popen(cmd, 'r')
    """
    built = """
        def ping(host):
            return os.popen("ping -c 1 " + host)
    """
    assert found("command-injection", pipeline) == []
    assert found("command-injection", built) == [2]
