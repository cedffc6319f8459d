"""``gomodlab parse``: stdout, stderr and exit status side by side with the real go command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gomodlab.cli import main
from gomodlab.cli.parse import kind_of, short_path

from ._modfile_gorun import go_env

REPO = Path(__file__).resolve().parent.parent

GOOD_MOD = b"module example.com/m\n\ngo 1.22\n\nrequire (\n\tb.example/b v1.2 // indirect\n\ta.example/a v1.0.0\n)\n"
BAD_MOD = b"module example.com/m\n\nrequire (\n\tb.example/b\n)\nfoo bar\n"
GOOD_WORK = b"go 1.23\n\nuse ./a\ngodebug x=y\n"
BAD_WORK = b"go 1.23\nuse\n"
GOSUM = b"a.example/a v1.0.0 h1:AAA=\na.example/a v1.0.0/go.mod h1:BBB=\n"


def _gomodlab(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "gomodlab", "parse", *args], cwd=cwd, env=env,
                          capture_output=True, timeout=60)


def _go(go_exe: str, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([go_exe, *args], cwd=cwd, env=go_env(cwd / ".goenv"), capture_output=True, timeout=60)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    for name, data in {"go.mod": GOOD_MOD, "bad.mod": BAD_MOD, "go.work": GOOD_WORK, "bad.work": BAD_WORK,
                       "go.sum": GOSUM, "bad.sum": b"a b\n"}.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


@pytest.mark.go
@pytest.mark.parametrize(("ours", "theirs"), [
    (["go.mod"], ["mod", "edit", "-json", "go.mod"]),
    (["go.mod", "--json"], ["mod", "edit", "-json", "go.mod"]),
    (["go.mod", "--fmt"], ["mod", "edit", "-fmt", "-print", "go.mod"]),
    (["bad.mod", "--json"], ["mod", "edit", "-json", "bad.mod"]),
    (["bad.mod", "--fmt"], ["mod", "edit", "-fmt", "-print", "bad.mod"]),
    (["./sub/../bad.mod"], ["mod", "edit", "-json", "./sub/../bad.mod"]),
    (["{abs}/bad.mod"], ["mod", "edit", "-json", "{abs}/bad.mod"]),
    (["go.work"], ["work", "edit", "-json", "go.work"]),
    (["go.work", "--fmt"], ["work", "edit", "-fmt", "-print", "go.work"]),
    (["bad.work"], ["work", "edit", "-json", "bad.work"]),
    (["{abs}/bad.work"], ["work", "edit", "-json", "{abs}/bad.work"]),
    (["go.work", "--kind", "gomod"], ["mod", "edit", "-json", "go.work"]),
    (["bad.mod", "--kind", "gowork"], ["work", "edit", "-json", "bad.mod"]),
])
def test_parse_matches_go(workdir: Path, go_exe: str, ours: list[str], theirs: list[str]) -> None:
    (workdir / "sub").mkdir()
    abs_dir = str(workdir)
    got = _gomodlab(workdir, *(a.replace("{abs}", abs_dir) for a in ours))
    want = _go(go_exe, workdir, *(a.replace("{abs}", abs_dir) for a in theirs))
    assert (got.stdout, got.stderr, got.returncode) == (want.stdout, want.stderr, want.returncode)


def test_gosum_json(workdir: Path, monkeypatch: pytest.MonkeyPatch,
        capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    monkeypatch.chdir(workdir)
    assert main(["parse", "go.sum"]) == 0
    out = capfdbinary.readouterr().out
    assert json.loads(out) == [
        {"Path": "a.example/a", "Version": "v1.0.0", "Hash": "h1:AAA=", "Line": 1},
        {"Path": "a.example/a", "Version": "v1.0.0/go.mod", "Hash": "h1:BBB=", "Line": 2},
    ]
    assert out.startswith(b'[\n\t{\n\t\t"Path": "a.example/a",\n')


def test_gosum_errors_and_usage_errors(workdir: Path, monkeypatch: pytest.MonkeyPatch,
        capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    monkeypatch.chdir(workdir)
    assert main(["parse", "bad.sum"]) == 1
    assert capfdbinary.readouterr().err == b"malformed go.sum:\nbad.sum:1: wrong number of fields 2\n"
    assert main(["parse", "go.sum", "--fmt"]) == 2
    assert b"go has no formatter for go.sum" in capfdbinary.readouterr().err
    assert main(["parse", "missing.mod"]) == 2
    assert capfdbinary.readouterr().err == b"gomodlab parse: open missing.mod: no such file or directory\n"
    assert main(["parse", "go.sum", "--kind", "gomod"]) == 1
    assert capfdbinary.readouterr().err.startswith(
        b"go: errors parsing go.sum:\ngo.sum:1: unknown directive: a.example/a\n")


def test_non_utf8_errors_are_written_as_bytes(workdir: Path, monkeypatch: pytest.MonkeyPatch,
        capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    (workdir / "x.mod").write_bytes(b"module m\n\xff\xfe x\n")
    monkeypatch.chdir(workdir)
    assert main(["parse", "x.mod"]) == 1
    assert capfdbinary.readouterr().err == b"go: errors parsing x.mod:\nx.mod:2: unknown directive: \xff\xfe\n"


def test_helpers(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert [kind_of(p) for p in ("go.mod", "a/go.work", "hugo.work", "vendor.sum", "x.mod", "go.sum")] == [
        "gomod", "gowork", "gowork", "gosum", "gomod", "gosum"]
    monkeypatch.chdir(workdir)
    assert short_path("go.mod") == "go.mod"
    assert short_path(str(workdir / "go.mod")) == "go.mod"
    assert short_path("/") == "/"
