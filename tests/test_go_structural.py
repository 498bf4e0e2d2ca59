"""Go evidence on the syntax tree: TLS verification turned off and a weak password digest are
structural patterns (precise: the gate does not veto them), so a comment or a string that
spells the same code is not a finding.
"""

from __future__ import annotations

import textwrap

from auditor import evidence
from auditor.model import CodeUnit
from auditor.rules import load_rules, shipped_rules_dir

RULES = {rule.id: rule for rule in load_rules([shipped_rules_dir()])}


def found(rule_id: str, code: str) -> list[int]:
    text = textwrap.dedent(code).strip("\n") + "\n"
    unit = CodeUnit("main.go", "go", "f", "function", 1, text.count("\n"), text)
    return [c.start_line for c in evidence.confirm(RULES[rule_id], unit)]


def test_go_tls_and_weak_hash_evidence_is_precise() -> None:
    assert evidence.precise(RULES["tls-verification-disabled"], "go")
    assert evidence.precise(RULES["weak-password-hash"], "go")


def test_insecure_skip_verify_in_code_not_in_comments_or_strings() -> None:
    code = """
        func client(cfg *tls.Config) *http.Client {
            // InsecureSkipVerify: true is never set here
            note := "InsecureSkipVerify: true"
            cfg.InsecureSkipVerify = false
            log.Print(note)
            config := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: true}
            return &http.Client{Transport: &http.Transport{TLSClientConfig: config}}
        }
    """
    assert found("tls-verification-disabled", code) == [6]
    assigned = """
        func relax(cfg *tls.Config) {
            cfg.InsecureSkipVerify = true
        }
    """
    assert found("tls-verification-disabled", assigned) == [2]


def test_go_password_digests() -> None:
    summed = """
        func digest(password string) [16]byte {
            return md5.Sum([]byte(password))
        }
    """
    written = """
        func digest(u *User) []byte {
            h := sha256.New()
            h.Write([]byte(u.Password))
            return h.Sum(nil)
        }
    """
    checksum = """
        func checksum(data []byte) [16]byte {
            // not a password: a file's checksum
            return md5.Sum(data)
        }
    """
    salted_md5 = """
        func digest(password, salt string) [16]byte {
            return md5.Sum([]byte(salt + password))
        }
    """
    assert found("weak-password-hash", summed) == [2]
    assert found("weak-password-hash", written) == [3]
    assert found("weak-password-hash", checksum) == []
    assert found("weak-password-hash", salted_md5) == [2]
