"""Which files and lines a selection reads, on real git repositories."""

from __future__ import annotations

from pathlib import Path

from auditor import git
from tests.conftest import git as run_git
from tests.conftest import write


def _commit(repo: Path) -> None:
    run_git(repo, "add", "-A")
    run_git(repo, "commit", "-q", "-m", "c")


def test_a_named_file_without_a_staged_change_is_read_whole_from_the_index(repo: Path) -> None:
    write(repo, "a.py", "def f():\n    return 1\n")
    write(repo, "b.py", "def g():\n    return 2\n")
    _commit(repo)
    write(repo, "a.py", "def f():\n    return 3\n")  # unstaged: the index still says 1
    targets = git.staged(repo, ["a.py", "b.py"])
    assert [(t.path, t.data, t.changed) for t in targets] == [
        ("a.py", b"def f():\n    return 1\n", None),
        ("b.py", b"def g():\n    return 2\n", None),
    ]
    assert git.staged(repo) == []  # no names: the staged change only, which is empty


def test_a_staged_file_keeps_its_changed_lines_even_when_named(repo: Path) -> None:
    write(repo, "a.py", "def f():\n    return 1\n\n\ndef g():\n    return 2\n")
    _commit(repo)
    write(repo, "a.py", "def f():\n    return 1\n\n\ndef g():\n    return 5\n")
    run_git(repo, "add", "a.py")
    (target,) = git.staged(repo, ["a.py"])
    assert target.changed == frozenset({6})


def test_a_staged_deletion_of_lines_is_not_a_whole_file(repo: Path) -> None:
    write(repo, "a.py", "def f():\n    return 1\n# note\n")
    _commit(repo)
    write(repo, "a.py", "def f():\n    return 1\n")
    run_git(repo, "add", "a.py")
    assert git.staged(repo, ["a.py"]) == []


def test_a_directory_only_limits_the_staged_change(repo: Path) -> None:
    write(repo, "src/a.py", "def f():\n    return 1\n")
    _commit(repo)
    assert git.staged(repo, ["src"]) == []


def test_a_staged_name_with_a_newline_is_read(repo: Path) -> None:
    write(repo, "odd\nname.py", "def f():\n    return 1\n")
    write(repo, "plain.py", "def g():\n    return 1\n")
    run_git(repo, "add", "-A")
    targets = git.staged(repo)
    assert sorted(t.path for t in targets) == ["odd\nname.py", "plain.py"]
    assert all(t.data.startswith(b"def ") for t in targets)


def test_a_name_with_a_newline_does_not_shift_the_other_files_of_a_diff(repo: Path) -> None:
    write(repo, "a.py", "x = 1\n")
    _commit(repo)
    write(repo, "odd\nname.py", "def f():\n    return 1\n")
    write(repo, "zz.py", "def g():\n    return 2\n")
    _commit(repo)
    targets = {t.path: t.data for t in git.between(repo, "HEAD~1...HEAD")}
    assert targets == {
        "odd\nname.py": b"def f():\n    return 1\n",
        "zz.py": b"def g():\n    return 2\n",
    }


def test_a_changed_binary_file_is_a_target_so_it_is_counted(repo: Path) -> None:
    write(repo, "a.py", "x = 1\n")
    _commit(repo)
    (repo / "blob.py").write_bytes(b"\0\1\2 binary")
    (repo / "logo.png").write_bytes(b"\x89PNG\0\0" * 1000)
    run_git(repo, "add", "-A")
    staged = {t.path: (t.data, t.changed) for t in git.staged(repo)}
    assert staged == {"blob.py": (b"\0\1\2 binary", None), "logo.png": (b"", None)}
    _commit(repo)
    assert {t.path for t in git.between(repo, "HEAD~1")} == {"blob.py", "logo.png"}


def test_links_and_vanished_files_are_counted_not_dropped(repo: Path) -> None:
    write(repo, "a.py", "x = 1\n")
    write(repo, "gone.py", "x = 2\n")
    (repo / "link.py").symlink_to("a.py")
    _commit(repo)
    (repo / "gone.py").unlink()
    marks = {t.path: t.marked for t in git.read_worktree(repo, git.tracked(repo))}
    assert marks == {"a.py": None, "gone.py": "not in the work tree", "link.py": "symlink"}


def test_staged_names_with_spaces_and_unicode_keep_their_changed_lines(repo: Path) -> None:
    # git ends such a name with a TAB in the diff header (and quotes the non-ASCII one)
    write(repo, "with space.py", "x = 1\ny = 2\n")
    write(repo, "emoji \U0001f642.py", "z = 3\n")
    run_git(repo, "add", "-A")
    staged = {t.path: t.changed for t in git.staged(repo)}
    assert staged == {"with space.py": frozenset({1, 2}), "emoji \U0001f642.py": frozenset({1})}
