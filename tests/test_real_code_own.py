"""Second real-code round: shapes from the standard library and installed packages (shelve, rich,
_osx_support, email, docker, pip, huggingface_hub, pre-commit) that a reviewer does not count,
each beside the true neighbour that must still be one. Written fresh here, not copied.
"""

from __future__ import annotations

import textwrap

from auditor.evidence import confirm
from auditor.model import CodeUnit
from auditor.rules import load_rules, shipped_rules_dir

RULES = {rule.id: rule for rule in load_rules([shipped_rules_dir()])}


def found(rule_id: str, code: str) -> list[int]:
    text = textwrap.dedent(code).strip("\n") + "\n"
    unit = CodeUnit("lib.py", "python", "f", "function", 1, text.count("\n"), text)
    return [c.start_line for c in confirm(RULES[rule_id], unit)]


def test_unpickling_the_objects_own_store_is_not_untrusted_data() -> None:
    store = """
        def get(self, key):
            f = io.BytesIO(self.records[key.encode()])
            return pickle.Unpickler(f).load()
    """
    unpacked = """
        def first(self):
            (key, blob) = self.records.first()
            f = io.BytesIO(blob)
            return key, pickle.Unpickler(f).load()
    """
    field = """
        def meta(self):
            return {} if self._meta is None else pickle.loads(self._meta)
    """
    socket_server = """
        def handle(self):
            data = self.request.recv(65536)
            return pickle.loads(data)
    """
    wrapped_channel = """
        def receive(self):
            f = io.BytesIO(self.sock.recv(4096))
            return pickle.Unpickler(f).load()
    """
    assert found("unsafe-deserialization", store) == []
    assert found("unsafe-deserialization", unpacked) == []
    assert found("unsafe-deserialization", field) == []
    assert found("unsafe-deserialization", socket_server) == [3]
    assert found("unsafe-deserialization", wrapped_channel) == [3]


def test_a_value_quoted_with_the_posix_idiom_is_not_a_shell_injection() -> None:
    quoted = """
        def probe(config):
            return os.system("'%s' -v >/dev/null 2>&1" % config['CC'].replace("'", "'\\"'\\"'"))
    """
    backslash = """
        def probe(cc):
            return os.system("'%s' -v" % cc.replace("'", "'\\\\''"))
    """
    stripped = """
        def probe(cc):
            return os.system("'%s' -v" % cc.replace('"', ''))
    """
    assert found("command-injection", quoted) == []
    assert found("command-injection", backslash) == []
    assert found("command-injection", stripped) == [2]


def test_a_random_value_named_token_in_a_boundary_maker_is_not_a_secret() -> None:
    boundary = """
        def _make_boundary(cls, text=None):
            token = random.randrange(sys.maxsize)
            return '=' * 15 + (_fmt % token) + '=='
    """
    reset = """
        def issue_reset(user):
            token = random.randrange(sys.maxsize)
            user.reset_token = token
    """
    assert found("insecure-randomness", boundary) == []
    assert 2 in found("insecure-randomness", reset)


def test_logging_the_keys_of_a_credentials_mapping_is_not_logging_the_credentials() -> None:
    keys = """
        def send(self, headers):
            auth_data = self.store.get_all_credentials()
            log.debug("Sending auth config (%s)", ', '.join(repr(k) for k in auth_data))
    """
    values = """
        def send(self, headers):
            auth_data = self.store.get_all_credentials()
            log.debug("Sending auth config (%s)", ', '.join(repr(v) for v in auth_data.values()))
    """
    assert found("sensitive-data-in-logs", keys) == []
    assert found("sensitive-data-in-logs", values) == [3]


def test_an_http_clients_outgoing_request_is_not_a_web_request() -> None:
    adapter = """
        def send(self, request: PreparedRequest, stream: bool = False):
            pathname = url_to_path(request.url)
            return open(pathname, "rb")
    """
    view = """
        def download():
            pathname = url_to_path(request.url)
            return open(pathname, "rb")
    """
    assert found("path-traversal", adapter) == []
    assert found("path-traversal", view) == [3]


def test_an_archive_entry_name_checked_by_a_validator_call_is_clean() -> None:
    checked = """
        def index(path):
            entries = {}
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    _validate_entry_name(info.filename)
                    entries[info.filename] = Entry(info.filename, offset(zf, info))
            return entries["index.json"].read_text()
    """
    extracted = """
        def install(path, target):
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    out = os.path.join(target, info.filename)
                    with zf.open(info) as src, open(out, "wb") as dst:
                        dst.write(src.read())
    """
    assert found("path-traversal", checked) == []
    assert found("path-traversal", extracted) == [5]


def test_a_documents_own_contents_are_not_the_path_it_was_read_from() -> None:
    own = """
        def tool_id(prefix):
            with zipfile.ZipFile(os.path.join(prefix, "pkg.nupkg")) as f:
                with f.open("pkg.nuspec") as spec:
                    tree = ElementTree.parse(spec)
            namespace = re.match(r'{.*}', tree.getroot().tag)
            return tree.find(f'.//{namespace[0]}id')
    """
    asked = """
        def lookup(tree):
            name = request.args["name"]
            return tree.find(f".//user[@name='{name}']")
    """
    assert found("xpath-injection", own) == []
    assert found("xpath-injection", asked) == [3]


def test_an_archive_name_rebuilt_without_its_dot_dot_parts_is_clean() -> None:
    filtered = """
        def extract(self, member, target):
            name = member.filename.replace('/', os.path.sep)
            name = os.path.sep.join(x for x in name.split(os.path.sep) if x not in ('', '..'))
            with open(os.path.join(target, name), "wb") as out:
                out.write(self.read(member))
    """
    unfiltered = """
        def extract(self, member, target):
            name = member.filename.replace('/', os.path.sep)
            with open(os.path.join(target, name), "wb") as out:
                out.write(self.read(member))
    """
    assert found("path-traversal", filtered) == []
    assert found("path-traversal", unfiltered) == [3]


def test_test_inputs_beside_credential_words_are_not_secrets() -> None:
    from auditor.analysis.detectors.secrets import find_secrets

    def values(line: str) -> list[str]:
        return [hit.value for hit in find_secrets(line + "\n", "python")]

    assert values("""cases = {'pass': ["runf()", "runf(1)"]}""") == []
    assert values("""    ('http', 'user/name', 'password', 'localhost:22'),""") == []
    assert values("""    ("topic?key=STRINGS", "Pydoc: TOPIC STRINGS"),""") == []
    assert values("""check(netrc_text, 'password', '\\xa1\\xa2')""") == []
    assert values('url = "https://api.example.org/v1?access_token=Ab3dE5fG7hJ9kL1m"') != []
    assert values('password = "Xk9#mQ2$vL"') == ["Xk9#mQ2$vL"]


def test_a_mapping_named_keys_is_not_a_key() -> None:
    keys = """
        def test_max(data):
            keys = dict((elem, random.randrange(50)) for elem in data)
            return max(data, key=keys.__getitem__)
    """
    key = """
        def make_key():
            key = random.getrandbits(128)
            return key
    """
    assert found("insecure-randomness", keys) == []
    assert 2 in found("insecure-randomness", key)
