"""tidy-explain: each line go mod tidy changes attributed to its reason, from the in-process tidy
(the real go only behind ``--check``, which runs it on a scratch copy and compares)."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from gomodlab.load import gotool
from gomodlab.lab import universe
from gomodlab.cli import main as cli_main
from gomodlab.load.modtidy import TidyRefused
from gomodlab.load.tidy import REASONS, explain_tidy, go_tidy_in_scratch
from gomodlab.lab.universe import ModuleSource, gomod_text

pytestmark = pytest.mark.go

T = "example.com/t"


def _pkg(name: str, *imports: str) -> str:
    body = "".join(f'\t_ "{i}"\n' for i in imports)
    return f"package {name}\n\nimport (\n{body})\n" if imports else f"package {name}\n"


MODULES = [
    # a imports b/bp and requires d v1.2.0 (raising the main module's d v1.0.0).
    # a's test imports h, which a's go.mod does not require (tests of dependencies are not in "all").
    ModuleSource(f"{T}/a", "v1.0.0", gomod_text(f"{T}/a", "1.21", [(f"{T}/b", "v1.1.0"), (f"{T}/d", "v1.2.0")]),
                 {"a.go": _pkg("a", f"{T}/b/bp"), "a_test.go": _pkg("a", f"{T}/h")}),
    ModuleSource(f"{T}/h", "v1.0.0", gomod_text(f"{T}/h", "1.21"), {"h.go": _pkg("h")}),
    ModuleSource(f"{T}/b", "v1.0.0", gomod_text(f"{T}/b", "1.21"), {"bp/bp.go": _pkg("bp")}),
    ModuleSource(f"{T}/b", "v1.1.0", gomod_text(f"{T}/b", "1.21"), {"bp/bp.go": _pkg("bp")}),
    ModuleSource(f"{T}/c", "v1.0.0", gomod_text(f"{T}/c", "1.21"), {"c.go": _pkg("c")}),
    ModuleSource(f"{T}/d", "v1.0.0", gomod_text(f"{T}/d", "1.21"), {"d.go": _pkg("d")}),
    ModuleSource(f"{T}/d", "v1.2.0", gomod_text(f"{T}/d", "1.21"), {"d.go": _pkg("d")}),
    ModuleSource(f"{T}/e", "v1.0.0", gomod_text(f"{T}/e", "1.21"), {"e.go": _pkg("e")}),
    ModuleSource(f"{T}/f", "v1.0.0", gomod_text(f"{T}/f", "1.21"), {"f.go": _pkg("f")}),
    ModuleSource(f"{T}/g", "v1.0.0", gomod_text(f"{T}/g", "1.21", [(f"{T}/a", "v1.0.0")]), {"g.go": _pkg("g")}),
]

MAIN_GOMOD = f"""module {T}/m

go 1.21

require (
	{T}/a v1.0.0
	{T}/c v1.0.0
	{T}/d v1.0.0
	{T}/e v1.0.0 // indirect
	{T}/g v1.0.0
)
"""
MAIN_GO = f"""// Package m is the main module.
package m

import (
	"fmt" // standard library

	_ "{T}/a"
	d "{T}/d"
	/* e */ _ "{T}/e"
)

var _ = fmt.Sprint
var _ = d.X
"""
MAIN_TEST = f"""package m

import "testing"
import _ "{T}/f"

func TestX(t *testing.T) {{}}
"""


@pytest.fixture(scope="module")
def tidy_world(tmp_path_factory: pytest.TempPathFactory, go_exe: str) -> tuple[Path, str, Path]:
    root = tmp_path_factory.mktemp("tidy")
    mods = [m if m.path != f"{T}/d" else ModuleSource(m.path, m.version, m.gomod, {"d.go": "package d\n\nvar X = 1\n"})
            for m in MODULES]
    proxy = universe.write_proxy(root / "proxy", mods)
    d = root / "m"
    d.mkdir()
    (d / "go.mod").write_text(MAIN_GOMOD)
    (d / "m.go").write_text(MAIN_GO)
    (d / "m_test.go").write_text(MAIN_TEST)
    # A module cache filled by go from the proxy (for the --modcache run).
    warm = root / "warm"
    shutil.copytree(d, warm)
    env = gotool.isolated_env(root / "goenv", proxy=universe.file_proxy_url(proxy), flags="-mod=mod")
    gotool.run_go(["mod", "tidy"], cwd=warm, env=env).check()
    gotool.run_go(["mod", "download", "all"], cwd=warm, env=env).check()
    return d, universe.file_proxy_url(proxy), Path(env["GOMODCACHE"])


def _by(ex, module: str, file: str = "go.mod"):
    return [c for c in ex.changes if c.module == module and c.file == file]


def test_explain_with_proxy(tidy_world) -> None:
    d, url, _ = tidy_world
    before = {p.name: p.read_bytes() for p in d.iterdir()}
    ex = explain_tidy(d, proxy=url)
    assert {p.name: p.read_bytes() for p in d.iterdir()} == before, "the user's files must not change"
    assert "b v1.1.0 // indirect" in ex.gomod_after and f"{T}/c" not in ex.gomod_after
    assert all(c.reason in REASONS for c in ex.changes)

    (b,) = _by(ex, f"{T}/b")
    assert (b.change, b.reason) == ("added", "indirect-import")
    assert b.evidence and f"{T}/b/bp" in b.evidence[0] and f"{T}/a" in b.evidence[0]

    (c,) = _by(ex, f"{T}/c")
    assert (c.change, c.reason) == ("removed", "unused")

    (dd,) = _by(ex, f"{T}/d")
    assert (dd.change, dd.reason, dd.new) == ("changed", "version-raised", f"{T}/d v1.2.0")
    assert f"{T}/a@v1.0.0 requires {T}/d@v1.2.0" in dd.evidence

    (e,) = _by(ex, f"{T}/e")
    assert (e.change, e.reason) == ("changed", "became-direct")
    assert e.evidence == (f'm.go:9: import "{T}/e"',)

    (f,) = _by(ex, f"{T}/f")
    assert (f.change, f.reason) == ("added", "direct-import")
    assert f.evidence == (f'm_test.go:4: test import "{T}/f"',)

    (g,) = _by(ex, f"{T}/g")
    assert (g.change, g.reason) == ("removed", "unused")

    (h,) = _by(ex, f"{T}/h")
    assert (h.change, h.reason) == ("added", "dependency-test")
    assert h.evidence == (f"{T}/m > {T}/a > {T}/a.test > {T}/h",)

    sums = [c for c in ex.changes if c.file == "go.sum"]
    assert sums and {c.reason for c in sums} <= {"gomod-hash", "zip-hash"}
    assert any(c.reason == "zip-hash" and c.module == f"{T}/b" for c in sums)
    df = ex.frame()
    assert list(df.columns) == ["file", "change", "module", "old", "new", "reason", "explanation", "evidence"]


def test_explain_offline_from_module_cache(tidy_world, monkeypatch: pytest.MonkeyPatch) -> None:
    d, _, cache = tidy_world
    monkeypatch.setenv("GOPROXY", "off")
    ex = explain_tidy(d, modcache=str(cache))
    assert {(c.module, c.reason) for c in ex.changes if c.file == "go.mod"} == {
        (f"{T}/b", "indirect-import"), (f"{T}/c", "unused"), (f"{T}/d", "version-raised"),
        (f"{T}/e", "became-direct"), (f"{T}/f", "direct-import"), (f"{T}/g", "unused"),
        (f"{T}/h", "dependency-test")}


def test_cli(tidy_world) -> None:
    d, url, _ = tidy_world
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = cli_main(["tidy-explain", str(d), "--proxy", url])
    assert rc == 1
    text = out.getvalue()
    assert f"{T}/b v1.1.0 // indirect\n    [indirect-import]" in text
    assert "[version-raised]" in text and "go.sum line change(s)" in text
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli_main(["tidy-explain", str(d), "--proxy", url, "--format", "json", "--sums"])
    data = json.loads(out.getvalue())
    assert any(c["file"] == "go.sum" for c in data["changes"])


def test_tidy_failure_is_reported(tmp_path: Path, tidy_world) -> None:
    """Where tidy fails, tidy-explain prints go's own stderr (the model's, equal to go's) and exits 1."""
    _, url, _ = tidy_world
    (tmp_path / "go.mod").write_text(f"module {T}/broken\n\ngo 1.21\n")
    (tmp_path / "x.go").write_text('package x\n\nimport _ "example.com/nowhere/pkg"\n')
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        rc = cli_main(["tidy-explain", str(tmp_path), "--proxy", url])
    go = go_tidy_in_scratch(tmp_path, proxy=url)
    assert rc == go.returncode == 1 and "example.com/nowhere" in err.getvalue()
    assert err.getvalue() == go.stderr
    assert sorted(os.listdir(tmp_path)) == ["go.mod", "x.go"]
    with pytest.raises(TidyRefused):
        explain_tidy(tmp_path, proxy=url, check=True)


def test_explain_runs_no_go_without_check(tidy_world, monkeypatch: pytest.MonkeyPatch) -> None:
    d, url, _ = tidy_world

    def no_go(*args, **kw):
        raise AssertionError("tidy-explain ran go without --check")

    monkeypatch.setattr(gotool, "run_go", no_go)
    ex = explain_tidy(d, proxy=url)
    assert ex.check is None and {c.module for c in ex.changes if c.file == "go.mod"} >= {f"{T}/b", f"{T}/h"}


def test_check_compares_with_the_real_go(tidy_world, monkeypatch: pytest.MonkeyPatch) -> None:
    d, url, _ = tidy_world
    before = {p.name: p.read_bytes() for p in d.iterdir()}
    ex = explain_tidy(d, proxy=url, check=True)
    assert ex.check == [] and ex.to_json()["check"] == {"agrees": True, "differences": []}
    assert {p.name: p.read_bytes() for p in d.iterdir()} == before
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = cli_main(["tidy-explain", str(d), "--proxy", url, "--check"])
    assert rc == 1 and out.getvalue().startswith("checked: the real go mod tidy writes the same go.mod and go.sum\n")
    # A difference is reported, with exit status 2 (here: go's go.mod edited after the fact).
    from gomodlab.load import tidy as tidy_mod

    real = tidy_mod.go_tidy_in_scratch
    monkeypatch.setattr(tidy_mod, "go_tidy_in_scratch",
                        lambda *a, **k: dataclasses.replace(real(*a, **k), gomod="module x\n"))
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        rc = cli_main(["tidy-explain", str(d), "--proxy", url, "--check"])
    assert rc == 2 and "--check: go.mod differs from what go mod tidy writes:\n--- go/go.mod" in err.getvalue()


O = "example.com/o"
OLD_MODULES = [
    ModuleSource(f"{O}/a", "v1.0.0", gomod_text(f"{O}/a", "1.16", [(f"{O}/b", "v1.0.0")]),
                 {"a.go": _pkg("a", f"{O}/b"), "a_test.go": _pkg("a", f"{O}/h")}),
    ModuleSource(f"{O}/b", "v1.0.0", gomod_text(f"{O}/b", "1.16"), {"b.go": _pkg("b")}),
    ModuleSource(f"{O}/h", "v1.0.0", gomod_text(f"{O}/h", "1.16"), {"h.go": _pkg("h")}),
]


def test_unpruned_module(tmp_path: Path, go_exe: str) -> None:
    """A go 1.16 module: tidy drops requirements other requirements imply, and (with -compat 1.15's
    'all') adds what tests of dependencies import."""
    proxy = universe.write_proxy(tmp_path / "proxy", OLD_MODULES)
    d = tmp_path / "m"
    d.mkdir()
    (d / "go.mod").write_text(f"module {O}/m\n\ngo 1.16\n\nrequire (\n\t{O}/a v1.0.0\n\t{O}/b v1.0.0 // indirect\n)\n")
    (d / "m.go").write_text(f'package m\n\nimport _ "{O}/a"\n')
    ex = explain_tidy(d, proxy=universe.file_proxy_url(proxy))
    got = {(c.module, c.change, c.reason) for c in ex.changes if c.file == "go.mod"}
    assert got == {(f"{O}/b", "removed", "implied"), (f"{O}/h", "added", "dependency-test")}
    (b,) = _by(ex, f"{O}/b")
    assert "mvs Req" in b.explanation and b.evidence == (f"{O}/a@v1.0.0 requires {O}/b@v1.0.0",)


def test_scratch_env_defaults_to_gos_module_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --modcache or --proxy, tidy-explain serves go's own GOMODCACHE as a file:// proxy."""
    from gomodlab.load.tidy import _go_env

    monkeypatch.setenv("GOMODCACHE", str(tmp_path / "gomodcache"))
    env = _go_env(tmp_path / "scratch", None, None)
    assert env["GOPROXY"] == (tmp_path / "gomodcache" / "cache" / "download").resolve().as_uri()
    assert _go_env(tmp_path / "scratch", None, "off")["GOPROXY"] == "off"
