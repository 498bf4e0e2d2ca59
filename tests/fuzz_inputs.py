"""Inputs for the fuzzed bad-input suite: a valid sample per language, mutations, odd names.

Every sample assigns a planted AWS access key id (a format the secrets detector finds anywhere)
and holds a few functions, one of them a finding, so masking is tested in snippets too.
"""

from __future__ import annotations

import codecs
import random
import string

from hypothesis import strategies as st

from auditor.secrets import find_secrets

KEY_ALPHABET = string.ascii_uppercase + string.digits

SAMPLES: dict[str, str] = {
    "py": """import subprocess

aws_access_key_id = "{key}"


def run(request):
    return subprocess.check_output("ls " + request.args["dir"], shell=True)


class Store:
    def load(self, path):
        return open(path).read()
""",
    "js": """const {{ exec }} = require("child_process");
const aws_access_key_id = "{key}";

function list(req, res) {{
  exec("ls " + req.query.dir, (err, out) => res.send(out));
}}

module.exports = {{ list }};
""",
    "ts": """import {{ exec }} from "child_process";
export const aws_access_key_id: string = "{key}";

export function list(req: any, res: any): void {{
  exec("ls " + req.query.dir, (err: Error, out: string) => res.send(out));
}}
""",
    "tsx": """export const aws_access_key_id = "{key}";

export function Banner(props: {{ html: string }}) {{
  return <div dangerouslySetInnerHTML={{{{ __html: props.html }}}} />;
}}
""",
    "java": """package demo;

class Keys {{
    static final String aws_access_key_id = "{key}";

    String find(java.sql.Statement st, String name) throws Exception {{
        return st.executeQuery("SELECT * FROM users WHERE name = '" + name + "'").toString();
    }}
}}
""",
    "go": """package demo

import "os/exec"

var aws_access_key_id = "{key}"

func List(dir string) ([]byte, error) {{
	return exec.Command("sh", "-c", "ls "+dir).Output()
}}
""",
    "rs": """const AWS_ACCESS_KEY_ID: &str = "{key}";

fn list(dir: &str) -> std::process::Output {{
    std::process::Command::new("sh").arg("-c").arg(format!("ls {{}}", dir)).output().unwrap()
}}
""",
    "c": """#include <stdlib.h>

static const char *aws_access_key_id = "{key}";

int list(const char *dir) {{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "ls %s", dir);
    return system(cmd);
}}
""",
    "cpp": """#include <string>

static const std::string aws_access_key_id = "{key}";

int list(const std::string &dir) {{
    return std::system(("ls " + dir).c_str());
}}
""",
    "rb": """aws_access_key_id = "{key}"

def list(dir)
  `ls #{{dir}}`
end
""",
    "php": """<?php
$aws_access_key_id = "{key}";

function find($db, $name) {{
    return $db->query("SELECT * FROM users WHERE name = '" . $name . "'");
}}
""",
    "cs": """class Keys {{
    const string aws_access_key_id = "{key}";

    string Find(System.Data.IDbCommand cmd, string name) {{
        cmd.CommandText = "SELECT * FROM users WHERE name = '" + name + "'";
        return cmd.ExecuteScalar().ToString();
    }}
}}
""",
}
EXTENSIONS = tuple(SAMPLES)
# Text formats auditor does not parse: skipped, counted, never read for findings.
TEXT_FILES = {
    "README.md": "# Demo\n\naws_access_key_id = {key}\n",
    "config.yaml": "aws:\n  aws_access_key_id: {key}\n",
    "data.json": '{{"aws_access_key_id": "{key}"}}\n',
    "notes.txt": "key {key}\n",
}
# One nesting construct per language family, valid wherever an expression may stand.
NESTING = {
    "py": "deep = {open}1{close}\n",
    "rb": "deep = {open}1{close}\n",
    "js": "const deep = {open}1{close};\n",
    "ts": "const deep = {open}1{close};\n",
    "tsx": "const deep = {open}1{close};\n",
    "php": "$deep = {open}1{close};\n",
}


def detected(key: str) -> bool:
    return any(hit.value == key for hit in find_secrets(f'aws_access_key_id = "{key}"\n', "python"))


keys = st.text(KEY_ALPHABET, min_size=16, max_size=16).map(lambda s: "AKIA" + s).filter(detected)

_NAME_CHARS = st.sampled_from(list("abcXYZ019 _-.,;:'\"*?[]!#$%&()+=~\\\t\né漢字ñ🙂\u202e\u00a0"))
names = (
    st.text(_NAME_CHARS, min_size=1, max_size=24)
    .map(lambda s: s.replace("/", "_"))
    .filter(lambda s: s.strip(". ") != "" and not s.startswith(".git"))
)

MUTATIONS = (
    "none",
    "truncate",
    "byte_flips",
    "random_bytes",
    "nuls",
    "bom",
    "crlf",
    "cr",
    "mixed_encoding",
    "deep_nesting",
    "long_line",
    "surrogates",
)


def mutate(data: bytes, ext: str, mutation: str, rng: random.Random) -> bytes:
    """``data`` changed the way ``mutation`` says; the same rng gives the same bytes."""
    if mutation == "truncate":
        return data[: rng.randrange(len(data) + 1)]
    if mutation == "byte_flips":
        out = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(out))
            out[i] ^= rng.randrange(1, 256)
        return bytes(out)
    if mutation == "random_bytes":
        return rng.randbytes(rng.randint(0, 4096))
    if mutation == "nuls":
        i = rng.randrange(len(data) + 1)
        return data[:i] + b"\0" * rng.randint(1, 4) + data[i:]
    if mutation == "bom":
        return codecs.BOM_UTF8 + data
    if mutation == "crlf":
        return data.replace(b"\n", b"\r\n")
    if mutation == "cr":
        return data.replace(b"\n", b"\r")
    if mutation == "mixed_encoding":
        extra = "# café résumé\n".encode("latin-1") + "x = 'ü'\n".encode("utf-16")
        return data + extra
    if mutation == "deep_nesting":
        depth = rng.choice([50, 500, 3000])
        template = NESTING.get(ext, "/* {open}1{close} */\n")
        return data + template.format(open="(" * depth, close=")" * depth).encode()
    if mutation == "long_line":
        return data + b"x = '" + b"a" * rng.choice([5_000, 60_000]) + b"'\n"
    if mutation == "surrogates":
        i = rng.randrange(len(data) + 1)
        return data[:i] + b"\xed\xa0\x80\xc3\x28" + data[i:]
    return data


fuzzed_file = st.tuples(
    st.sampled_from(EXTENSIONS), names, st.sampled_from(MUTATIONS), st.integers(0, 2**32 - 1)
)
