"""tidy's rounds (gomodlab.load.tidyrounds, ``tidy(trace=True)``): what each round changes on hand
worlds, and the last round's go.mod and go.sum against what the real ``go mod tidy`` writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gomodlab.lab import universe
from gomodlab.load import gotool
from gomodlab.load.modtidy import tidy
from gomodlab.load.sources import source_for
from gomodlab.load.tidyrounds import STEPS, Found, Requirement

from .test_modtidy import WORLDS, _write_main

_BY_NAME = {w.name: w for w in WORLDS}


def _setup(tmp: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, str]]:
    w = _BY_NAME[name]
    proxy = universe.write_proxy(tmp / "proxy", w.modules)
    env = gotool.isolated_env(tmp / "goenv", proxy=universe.file_proxy_url(proxy))
    for k in ("GOTOOLCHAIN", "GOFLAGS", "GOPROXY", "GOSUMDB", "GOMODCACHE", "GOPATH"):
        monkeypatch.setenv(k, env[k])
    d = tmp / "ours" / "m"
    d.mkdir(parents=True)
    _write_main(d, w.main)
    return d, env


def _traced(tmp: Path, name: str, monkeypatch: pytest.MonkeyPatch):
    d, env = _setup(tmp, name, monkeypatch)
    return tidy(d, source_for(env["GOMODCACHE"], env["GOPROXY"]), modcache=env["GOMODCACHE"], trace=True,
                **_BY_NAME[name].kwargs)


def _mods(rows) -> list[str]:
    return [r.line() for r in rows if r.path not in ("go", "toolchain")]


def _check_chain(r) -> None:
    """The rounds start from go.mod as written, chain, and end at tidy's requirements."""
    assert r.rounds[0].step == "read" and [x.step for x in r.rounds[-3:]] == ["go", "layout", "gosum"]
    assert all(x.step in STEPS for x in r.rounds)
    for a, b in zip(r.rounds, r.rounds[1:]):
        assert a.after == b.before, (a.title, b.title)
    final = r.rounds[-1].after
    want = sorted((m.path, m.version) for m in r.roots if m.path not in ("go", "toolchain"))
    assert sorted((x.path, x.version) for x in final if x.path not in ("go", "toolchain")) == want
    assert {x.path for x in final if not x.indirect} - {"go", "toolchain"} == set(r.direct) - {"go", "toolchain"}
    assert r.rounds[-1].gomod == r.gomod


def test_trace_is_off_by_default(tmp_path, monkeypatch):
    d, env = _setup(tmp_path, "add-missing-and-drop-unused", monkeypatch)
    r = tidy(d, source_for(env["GOMODCACHE"], env["GOPROXY"]), modcache=env["GOMODCACHE"])
    assert r.rounds == ()
    traced = _traced(tmp_path / "again", "add-missing-and-drop-unused", monkeypatch)
    # Same answer either way.
    assert (traced.gomod, traced.gosum, traced.stderr) == (r.gomod, r.gosum, r.stderr)


def test_add_missing_and_drop_unused(tmp_path, monkeypatch):
    r = _traced(tmp_path, "add-missing-and-drop-unused", monkeypatch)
    _check_chain(r)
    assert [x.step for x in r.rounds] == ["read", "load", "query", "load", "consistent", "drop", "consistent",
                                          "indirect", "go", "layout", "gosum"]
    read, load1, query, load2, consistent, drop, raise_, indirect = r.rounds[:8]
    assert _mods(read.before) == ["example.com/c v1.0.0"] and read.after == read.before
    assert "example.com/a" in load1.summary and "not provided by any requirement" in load1.summary
    assert set(load1.packages) == {"example.com/m", "example.com/a", "fmt"}
    assert query.found == (Found("example.com/a", "example.com/a", "v1.0.0"),)
    assert [(c.path, c.kind) for c in query.changes()] == [("example.com/a", "added")]
    assert "example.com/b" in load2.packages and "every import found" in load2.summary
    assert [(c.path, c.kind) for c in consistent.changes()] == [("example.com/b", "added")]
    assert consistent.packages == ("example.com/b",)
    assert [(c.path, c.kind) for c in drop.changes()] == [("example.com/c", "dropped")]
    assert "no package in \"all\" comes from them: example.com/c" in drop.summary
    assert raise_.changes() == ()
    assert [(c.path, c.kind, c.after) for c in indirect.changes()] == [("example.com/a", "now direct", "v1.0.0")]
    assert Requirement("example.com/b", "v1.0.0", True) in indirect.after
    layout, gosum = r.rounds[-2:]
    assert "1 direct requirement(s) in one require block, the 1 indirect one(s) in a second" in layout.summary
    assert gosum.gosum_before == () and len(gosum.gosum_after) == 4 and "4 added, 0 dropped" in gosum.summary
    # Each round's go.mod is what go would write from its requirements.
    assert b"example.com/c" not in drop.gomod and b"example.com/c" in drop.before[-1].line().encode()
    assert b"require example.com/c v1.0.0" in read.gomod


def test_unpruned_raise_before_loading_and_implied_drop(tmp_path, monkeypatch):
    r = _traced(tmp_path, "unpruned-go116", monkeypatch)
    _check_chain(r)
    before = r.rounds[1]
    assert before.step == "consistent" and before.title.endswith("(before loading)")
    assert [(c.path, c.kind, c.before, c.after) for c in before.changes()] == [
        ("example.com/b", "raised", "v1.0.0", "v1.1.0")]
    drop = next(x for x in r.rounds if x.step == "drop")
    assert [(c.path, c.kind) for c in drop.changes()] == [("example.com/b", "dropped")]
    assert "through another requirement's go.mod" in drop.summary and drop.packages == ("example.com/b",)
    assert "go 1.16 < 1.17: one require block" in r.rounds[-2].summary


def test_dependency_raises_the_go_line(tmp_path, monkeypatch):
    r = _traced(tmp_path, "dependency-raises-go", monkeypatch)
    _check_chain(r)
    raised = [x for x in r.rounds if x.step == "consistent" and x.changes()]
    assert [(c.path, c.before, c.after) for x in raised for c in x.changes()] == [("go", "1.21", "1.23")]
    assert [x.step for x in r.rounds].count("load") == 2, "a new go line loads again"
    assert "go 1.21 → go 1.23" in next(x for x in r.rounds if x.step == "go").summary


def test_build_tags_and_tests_in_the_load_round(tmp_path, monkeypatch):
    r = _traced(tmp_path, "test-only-and-tags", monkeypatch)
    _check_chain(r)
    load = next(x for x in r.rounds if x.step == "load")
    # Every GOOS and tag but ignore: the _windows.go file's import counts, ign.go's does not; tests count.
    assert {"example.com/w", "example.com/z", "example.com/a"} <= set(load.packages)
    assert "example.com/i" not in load.packages


def test_no_go_line_and_toolchain(tmp_path, monkeypatch):
    r = _traced(tmp_path / "a", "no-go-line", monkeypatch)
    _check_chain(r)
    assert "it has no go line, so tidy starts from go" in r.rounds[0].summary
    assert r.rounds[0].before == () and r.rounds[0].after[0].path == "go"
    assert "go.mod had no go line: tidy writes go" in r.rounds[-3].summary
    r = _traced(tmp_path / "b", "toolchain-line-kept-and-dropped", monkeypatch)
    _check_chain(r)
    assert r.rounds[0].before[:2] == (Requirement("go", "1.21"), Requirement("toolchain", "go1.21"))
    assert [x.path for x in r.rounds[0].after] == ["go", "example.com/a"], "go1.21 repeats the go line"
    assert "the toolchain go1.21 line goes" in r.rounds[-3].summary


DIFF = ["add-missing-and-drop-unused", "test-only-and-tags", "unpruned-go116", "go117-compat",
        "replace-dir-and-exclude", "no-go-line", "query-adds-latest", "go-flag-upgrade-1.16-to-1.21",
        "go115-closes-over-tests", "dependency-raises-go", "versioned-replace", "toolchain-line-kept-and-dropped"]


@pytest.mark.go
@pytest.mark.parametrize("name", DIFF)
def test_last_round_is_what_go_writes(tmp_path, monkeypatch, name):
    w = _BY_NAME[name]
    d, env = _setup(tmp_path, name, monkeypatch)
    go_dir = tmp_path / "go" / "m"
    go_dir.mkdir(parents=True)
    _write_main(go_dir, w.main)
    res = gotool.run_go(["mod", "tidy", *w.flags], cwd=go_dir, env=env)
    assert res.returncode == 0, res.stderr
    r = tidy(d, source_for(env["GOMODCACHE"], env["GOPROXY"]), modcache=env["GOMODCACHE"], trace=True, **w.kwargs)
    _check_chain(r)
    last = r.rounds[-1]
    assert last.gomod == (go_dir / "go.mod").read_bytes()
    gosum = go_dir / "go.sum"
    assert "".join(x + "\n" for x in last.gosum_after) == (gosum.read_text() if gosum.exists() else "")
    assert not os.path.exists(d / "go.sum"), "tracing writes nothing"


def _outcome(d: Path, env: dict[str, str], kw: dict, trace: bool):
    try:
        return tidy(d, source_for(env["GOMODCACHE"], env["GOPROXY"]), modcache=env["GOMODCACHE"], trace=trace, **kw)
    except Exception as e:  # noqa: BLE001 - whatever tidy does without the trace, it must do with it
        return type(e).__name__, str(e)


@pytest.mark.parametrize("index", range(0, 217, 7))
def test_trace_changes_nothing_on_generated_worlds(tmp_path, monkeypatch, index):
    """On a sample of the generated tidy worlds (tests/tidy_worlds.py): the same answer with the
    trace as without, and rounds that chain to it."""
    from . import tidy_worlds

    w = tidy_worlds.generate(index)
    env = gotool.isolated_env(tmp_path / "goenv", proxy=universe.file_proxy_url(
        universe.write_proxy(tmp_path / "proxy", w.modules)))
    for k in ("GOTOOLCHAIN", "GOFLAGS", "GOPROXY", "GOSUMDB", "GOMODCACHE", "GOPATH"):
        monkeypatch.setenv(k, env[k])
    d = w.write_main(tmp_path / "main")
    kw = tidy_worlds.tidy_kwargs(w.tidy_args)
    plain, traced = _outcome(d, env, kw, False), _outcome(d, env, kw, True)
    if isinstance(plain, tuple):
        assert traced == plain
        return
    assert (traced.gomod, traced.gosum, traced.stderr, traced.changes) == (plain.gomod, plain.gosum, plain.stderr,
                                                                          plain.changes)
    _check_chain(traced)
    assert "".join(x + "\n" for x in traced.rounds[-1].gosum_after) == traced.gosum.decode()
