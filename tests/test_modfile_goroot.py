"""Every go.mod, go.work and go.sum in the go toolchain's GOROOT, compared with the real go command.

GOROOT holds a few dozen real files (src/go.mod, src/cmd/go.mod, vendored modules' go.sum, test
modules) and, inside txtar archives, about eighteen hundred more: the go command's own script tests
(src/cmd/go/testdata/script/*.txt, many deliberately malformed) and its module proxy fixtures
(src/cmd/go/testdata/mod/*.txt, whose ``.mod`` sections are go.mod files). Every distinct
go.mod/go.work text goes through ``go mod edit -json``/``-fmt -print`` (``go work edit`` for
go.work) and gomodlab must print the same bytes, the same errors and the same exit status.
go.sum texts have no go command that prints them; they must parse, with the fields go's
``readGoSum`` splits out.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from gomodlab.mod import modfile

from . import goracle
from ._modfile_gorun import go_env, mismatches, run_go_edit

_TXTAR_FILE = re.compile(rb"^-- (.+?) --$", re.M)
_NAME_KINDS = (("go.work", "gowork"), (".work", "gowork"), ("go.sum", "gosum"), (".sum", "gosum"),
               ("go.mod", "gomod"), (".mod", "gomod"))


def _kind(name: str) -> str | None:
    for suffix, kind in _NAME_KINDS:
        if name.endswith(suffix):
            return kind
    return None


def _txtar_files(data: bytes):
    """(name, content) of each file in a txtar archive (golang.org/x/tools/txtar format)."""
    marks = list(_TXTAR_FILE.finditer(data))
    for m, nxt in zip(marks, marks[1:] + [None]):
        start = m.end() + 1
        end = nxt.start() if nxt else len(data)
        yield m.group(1).decode("utf-8", "replace").strip(), data[start:end]


def goroot_files() -> list[tuple[str, str, bytes]]:
    """(where, kind, content) of every go.mod/go.work/go.sum text in GOROOT, distinct contents only."""
    root = goracle.goroot()
    seen: set[bytes] = set()
    out = []

    def add(where: str, kind: str, data: bytes) -> None:
        digest = hashlib.sha256(kind.encode() + data).digest()
        if digest not in seen:
            seen.add(digest)
            out.append((where, kind, data))

    for path in sorted(root.rglob("*")):
        if not path.is_file() or "pkg" == path.relative_to(root).parts[0]:
            continue
        kind = _kind(path.name)
        if kind and path.suffix in (".mod", ".work", ".sum") and path.name != "fips140.sum":
            add(str(path.relative_to(root)), kind, path.read_bytes())
        elif path.suffix in (".txt", ".txtar") and "testdata" in path.parts:
            data = path.read_bytes()
            if b"\n-- " not in data and not data.startswith(b"-- "):
                continue
            for name, content in _txtar_files(data):
                kind = _kind(name)
                if kind:
                    add(f"{path.relative_to(root)}:{name}", kind, content)
    return out


@pytest.fixture(scope="module")
def files() -> list[tuple[str, str, bytes]]:
    return goroot_files()


def test_goroot_has_all_kinds(files) -> None:
    kinds = {kind for _, kind, _ in files}
    assert kinds == {"gomod", "gowork", "gosum"}
    assert len(files) > 1000
    assert any(where.startswith("src/go.mod") for where, _, _ in files)


@pytest.mark.go
@pytest.mark.slow
def test_goroot_gomod_and_gowork_match_go(files, tmp_path: Path, go_exe: str) -> None:
    cases = [(f"f{i:04d}.{'work' if kind == 'gowork' else 'mod'}", data, kind)
             for i, (where, kind, data) in enumerate(files) if kind != "gosum"]
    where = {f"f{i:04d}": w for i, (w, _, _) in enumerate(files)}
    results = run_go_edit(go_exe, go_env(tmp_path / "env"), tmp_path / "files", cases)
    diffs = []
    rejected = 0
    for name, data, kind in cases:
        rejected += results[name].json_rc != 0
        d = mismatches(name, data, kind, results[name])
        if d:
            diffs.append(f"(from {where[name[:5]]})")
            diffs += d
    assert not diffs, "\n".join(diffs[:80])
    assert rejected >= 15  # the script tests' deliberately broken files are in the set


def test_goroot_gosum_files_parse(files) -> None:
    n = 0
    for where, kind, data in files:
        if kind != "gosum":
            continue
        try:
            lines = modfile.parse_gosum(data, where)
        except modfile.GoModSyntaxError as e:
            # readGoSum's rule: a non-blank line without three fields. Check that is what we saw.
            bad = data.split(b"\n")[e.line - 1].split()
            assert len(bad) != 3 and bad, (where, str(e))
            continue
        expect = [f for f in (ln.split() for ln in data.split(b"\n")) if f]
        assert [(s.path, s.version, s.hash) for s in lines] == [tuple(x.decode() for x in f) for f in expect], where
        n += 1
    assert n > 10
