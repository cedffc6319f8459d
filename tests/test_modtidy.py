"""go mod tidy in-process (gomodlab.load.modtidy) against the real go mod tidy, on hand-written worlds.

Each world is a file:// GOPROXY of modules with real Go source and a main module. gomodlab runs
first on a cold module cache (zips read in memory from the proxy), then go runs, then gomodlab
again on the cache go filled (extracted directories): go.mod, go.sum, exit status and stderr
(without go's ``go: downloading`` lines) must be the same.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gomodlab.lab import universe
from gomodlab.lab.universe import ModuleSource, gomod_text
from gomodlab.load import gotool
from gomodlab.load.modtidy import TidyRefused, tidy
from gomodlab.load.sources import source_for

pytestmark = pytest.mark.go

X = "example.com"


def gofile(pkg: str, *imports: str, tags: str = "") -> str:
    head = f"//go:build {tags}\n\n" if tags else ""
    body = "".join(f'\t_ "{i}"\n' for i in imports)
    return head + (f"package {pkg}\n\nimport (\n{body})\n" if imports else f"package {pkg}\n")


@dataclass
class World:
    name: str
    modules: list[ModuleSource]
    main: dict[str, str]
    flags: tuple[str, ...] = ()
    kwargs: dict = field(default_factory=dict)


def _mod(path: str, version: str, go: str | None, requires=(), files=None, extra: str = "") -> ModuleSource:
    return ModuleSource(path, version, gomod_text(path, go, list(requires), extra), files or {})


WORLDS = [
    World("add-missing-and-drop-unused", [
        _mod(f"{X}/a", "v1.0.0", "1.21", [(f"{X}/b", "v1.0.0")], {"a.go": gofile("a", f"{X}/b")}),
        _mod(f"{X}/b", "v1.0.0", "1.21", files={"b.go": gofile("b")}),
        _mod(f"{X}/c", "v1.0.0", "1.21", files={"c.go": gofile("c")}),
    ], {
        "go.mod": f"module {X}/m\n\ngo 1.21\n\nrequire {X}/c v1.0.0\n",
        "m.go": gofile("m", f"{X}/a", "fmt"),
    }),
    World("test-only-and-tags", [
        _mod(f"{X}/a", "v1.0.0", "1.22", [(f"{X}/t", "v1.0.0")],
             {"a.go": gofile("a"), "a_test.go": gofile("a", f"{X}/t")}),
        _mod(f"{X}/t", "v1.0.0", "1.22", files={"t.go": gofile("t")}),
        _mod(f"{X}/w", "v1.0.0", "1.22", files={"w.go": gofile("w")}),
        _mod(f"{X}/i", "v1.0.0", "1.22", files={"i.go": gofile("i")}),
        _mod(f"{X}/z", "v1.0.0", "1.22", files={"z.go": gofile("z")}),
    ], {
        "go.mod": f"module {X}/m\n\ngo 1.22\n\nrequire (\n\t{X}/a v1.0.0\n\t{X}/w v1.0.0\n)\n",
        "m.go": gofile("m", f"{X}/a"),
        "m_windows.go": gofile("m", f"{X}/w"),
        "ign.go": gofile("m", f"{X}/i", tags="ignore"),
        "m_test.go": gofile("m_test", f"{X}/z"),
    }),
    World("unpruned-go116", [
        _mod(f"{X}/a", "v1.0.0", None, [(f"{X}/b", "v1.1.0")], {"a.go": gofile("a", f"{X}/b")}),
        _mod(f"{X}/b", "v1.0.0", None, files={"b.go": gofile("b")}),
        _mod(f"{X}/b", "v1.1.0", None, files={"b.go": gofile("b")}),
    ], {
        "go.mod": f"module {X}/m\n\ngo 1.16\n\nrequire (\n\t{X}/a v1.0.0\n\t{X}/b v1.0.0\n)\n",
        "m.go": gofile("m", f"{X}/a"),
    }),
    World("go117-compat", [
        _mod(f"{X}/a", "v1.0.0", "1.17", [(f"{X}/b", "v1.1.0")], {"a.go": gofile("a", f"{X}/b")}),
        _mod(f"{X}/b", "v1.1.0", "1.17", files={"b.go": gofile("b")}),
    ], {
        "go.mod": f"module {X}/m\n\ngo 1.17\n",
        "m.go": gofile("m", f"{X}/a"),
    }),
    World("replace-dir-and-exclude", [
        _mod(f"{X}/a", "v1.0.0", "1.21", files={"a.go": gofile("a")}),
        _mod(f"{X}/a", "v1.1.0", "1.21", files={"a.go": gofile("a")}),
    ], {
        "go.mod": (f"module {X}/m\n\ngo 1.21\n\nrequire {X}/a v1.1.0\n\nexclude {X}/a v1.1.0\n\n"
                   f"replace {X}/r => ./r\n"),
        "m.go": gofile("m", f"{X}/a", f"{X}/r/p"),
        "r/go.mod": f"module {X}/r\n\ngo 1.21\n",
        "r/p/p.go": gofile("p"),
    }),
    World("ambiguous-import", [
        _mod(f"{X}/a", "v1.0.0", "1.21", files={"sub/s.go": gofile("sub")}),
        _mod(f"{X}/a/sub", "v1.0.0", "1.21", files={"s.go": gofile("sub")}),
    ], {
        "go.mod": f"module {X}/m\n\ngo 1.21\n\nrequire (\n\t{X}/a v1.0.0\n\t{X}/a/sub v1.0.0\n)\n",
        "m.go": gofile("m", f"{X}/a/sub"),
    }),
    World("missing-everywhere", [], {
        "go.mod": f"module {X}/m\n\ngo 1.21\n",
        "m.go": gofile("m", f"{X}/nowhere/p"),
    }),
    World("no-go-line", [
        _mod(f"{X}/a", "v1.0.0", "1.20", files={"a.go": gofile("a")}),
    ], {
        "go.mod": f"module {X}/m\n",
        "m.go": gofile("m", f"{X}/a"),
    }),
    World("query-adds-latest", [
        _mod(f"{X}/q", "v1.0.0", "1.21", files={"p/p.go": gofile("p")}),
        _mod(f"{X}/q", "v1.2.0", "1.21", [(f"{X}/r", "v1.0.0")], {"p/p.go": gofile("p", f"{X}/r")}),
        _mod(f"{X}/r", "v1.0.0", "1.21", files={"r.go": gofile("r")}),
    ], {
        "go.mod": f"module {X}/m\n\ngo 1.21\n",
        "m.go": gofile("m", f"{X}/q/p"),
    }),
    World("query-package-not-in-module", [
        _mod(f"{X}/q", "v1.0.0", "1.21", files={"p/p.go": gofile("p")}),
    ], {
        "go.mod": f"module {X}/m\n\ngo 1.21\n",
        "m.go": gofile("m", f"{X}/q/nope"),
    }),
    World("allow-errors", [
        _mod(f"{X}/a", "v1.0.0", "1.21", files={"a.go": gofile("a")}),
    ], {
        "go.mod": f"module {X}/m\n\ngo 1.21\n",
        "m.go": gofile("m", f"{X}/a", f"{X}/gone/p"),
    }, ("-e",), {"allow_errors": True}),
    World("std-missing-is-silent", [], {
        "go.mod": f"module {X}/m\n\ngo 1.21\n",
        "m.go": gofile("m", "fmt", "notstd/x"),
    }),
    World("go-flag-upgrade-1.16-to-1.21", [
        _mod(f"{X}/a", "v1.0.0", "1.16", [(f"{X}/b", "v1.0.0")], {"a.go": gofile("a", f"{X}/b")}),
        _mod(f"{X}/b", "v1.0.0", "1.16", files={"b.go": gofile("b"), "b_test.go": gofile("b", f"{X}/c")}),
        _mod(f"{X}/c", "v1.0.0", "1.16", files={"c.go": gofile("c")}),
    ], {
        "go.mod": f"module {X}/m\n\ngo 1.16\n\nrequire {X}/a v1.0.0\n",
        "m.go": gofile("m", f"{X}/a"),
    }, ("-go=1.21",), {"go_version": "1.21"}),
    World("go115-closes-over-tests", [
        _mod(f"{X}/a", "v1.0.0", "1.15", files={"a.go": gofile("a"), "a_test.go": gofile("a", f"{X}/c")}),
        _mod(f"{X}/c", "v1.0.0", "1.15", files={"c.go": gofile("c")}),
    ], {
        "go.mod": f"module {X}/m\n\ngo 1.15\n\nrequire {X}/a v1.0.0\n",
        "m.go": gofile("m", f"{X}/a"),
    }),
    World("dependency-raises-go", [
        _mod(f"{X}/a", "v1.0.0", "1.23", files={"a.go": gofile("a")}),
    ], {
        "go.mod": f"module {X}/m\n\ngo 1.21\n\nrequire {X}/a v1.0.0\n",
        "m.go": gofile("m", f"{X}/a"),
    }),
    World("versioned-replace", [
        _mod(f"{X}/a", "v1.0.0", "1.21", files={"a.go": gofile("a")}),
        _mod(f"{X}/fork", "v1.5.0", "1.21", files={"a.go": gofile("a")}),
    ], {
        "go.mod": f"module {X}/m\n\ngo 1.21\n\nrequire {X}/a v1.0.0\n\nreplace {X}/a v1.0.0 => {X}/fork v1.5.0\n",
        "m.go": gofile("m", f"{X}/a"),
    }),
    World("invalid-import", [], {
        "go.mod": f"module {X}/m\n\ngo 1.21\n",
        "m.go": gofile("m", f"{X}/a@v1"),
    }),
    World("toolchain-line-kept-and-dropped", [
        _mod(f"{X}/a", "v1.0.0", "1.21", files={"a.go": gofile("a")}),
    ], {
        "go.mod": f"module {X}/m\n\ngo 1.21\n\ntoolchain go1.21\n\nrequire {X}/a v1.0.0\n",
        "m.go": gofile("m", f"{X}/a"),
    }),
    World("compat-1.16-mismatch", [
        _mod(f"{X}/a", "v1.0.0", "1.17", [(f"{X}/b", "v1.0.0"), (f"{X}/c", "v1.0.0")], {"a.go": gofile("a", f"{X}/b")}),
        _mod(f"{X}/b", "v1.0.0", "1.17", files={"b.go": gofile("b")}),
        _mod(f"{X}/b", "v1.1.0", "1.17", files={"b.go": gofile("b")}),
        _mod(f"{X}/c", "v1.0.0", "1.17", [(f"{X}/d", "v1.0.0")], {"c.go": gofile("c")}),
        _mod(f"{X}/d", "v1.0.0", "1.17", [(f"{X}/b", "v1.1.0")], {"d.go": gofile("d")}),
    ], {
        "go.mod": f"module {X}/m\n\ngo 1.17\n\nrequire {X}/a v1.0.0\n",
        "m.go": gofile("m", f"{X}/a"),
    }),
]


def _write_main(d: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        p = d / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def _read(p: Path) -> bytes:
    return p.read_bytes() if p.exists() else b""


def _stderr(text: str) -> str:
    """stderr without go's ``go: downloading`` lines, each run of ``go: finding module`` lines
    sorted (go looks modules up in parallel and prints them in any order)."""
    out: list[str] = []
    run: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("go: downloading "):
            continue
        if line.startswith("go: finding module for package "):
            run.append(line)
            continue
        out.extend(sorted(run))
        run = []
        out.append(line)
    return "".join(out + sorted(run))


def run_world(tmp: Path, w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = universe.write_proxy(tmp / "proxy", w.modules)
    url = universe.file_proxy_url(proxy)
    env = gotool.isolated_env(tmp / "goenv", proxy=url)
    for k in ("GOTOOLCHAIN", "GOFLAGS", "GOPROXY", "GOSUMDB", "GOMODCACHE", "GOPATH"):
        monkeypatch.setenv(k, env[k])
    modcache = env["GOMODCACHE"]
    ours_dir, go_dir = tmp / "ours" / "m", tmp / "go" / "m"
    for d in (ours_dir, go_dir):
        d.mkdir(parents=True)
        _write_main(d, w.main)

    def ours() -> tuple[int, bytes, bytes, str]:
        try:
            r = tidy(ours_dir, source_for(modcache, url), modcache=modcache, **w.kwargs)
        except TidyRefused as e:
            return e.exit_status, _read(ours_dir / "go.mod"), _read(ours_dir / "go.sum"), _stderr(e.stderr)
        return 0, r.gomod, r.gosum, _stderr(r.stderr)

    cold = ours()
    res = gotool.run_go(["mod", "tidy", *w.flags], cwd=go_dir, env=env)
    want = (res.returncode, _read(go_dir / "go.mod"), _read(go_dir / "go.sum"), _stderr(res.stderr))
    assert cold == want, f"cold cache:\n ours={cold}\n go={want}"
    warm = ours()
    assert warm == want, f"warm cache:\n ours={warm}\n go={want}"


@pytest.mark.parametrize("w", WORLDS, ids=[w.name for w in WORLDS])
def test_tidy_matches_go(tmp_path: Path, w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    run_world(tmp_path, w, monkeypatch)


def test_unused_sums_are_dropped_and_kept_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = WORLDS[0]
    run_world(tmp_path / "first", w, monkeypatch)
    # A tidy module stays byte-identical (go.sum untouched too).
    d = tmp_path / "first" / "go" / "m"
    again = tmp_path / "again"
    shutil.copytree(d, again / "m")
    env = gotool.isolated_env(tmp_path / "first" / "goenv", proxy=universe.file_proxy_url(tmp_path / "first" / "proxy"))
    r = tidy(again / "m", source_for(env["GOMODCACHE"], env["GOPROXY"]), modcache=env["GOMODCACHE"])
    assert not r.changed


DIFF_WORLDS = [w for w in WORLDS if w.name in (
    "add-missing-and-drop-unused", "test-only-and-tags", "unpruned-go116", "go117-compat", "versioned-replace",
    "toolchain-line-kept-and-dropped", "query-adds-latest")]


def _cli(argv: list[str]) -> tuple[int, bytes, str]:
    import contextlib
    import io
    import sys

    from gomodlab.cli import main

    out, err = io.BytesIO(), io.StringIO()
    wrapper = io.TextIOWrapper(out, encoding="utf-8")
    with contextlib.redirect_stderr(err):
        old = sys.stdout
        sys.stdout = wrapper
        try:
            rc = main(argv)
        finally:
            wrapper.flush()
            sys.stdout = old
    return rc, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("w", DIFF_WORLDS, ids=[w.name for w in DIFF_WORLDS])
def test_cli_diff_matches_go_mod_tidy_diff(tmp_path: Path, w: World, monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = universe.write_proxy(tmp_path / "proxy", w.modules)
    url = universe.file_proxy_url(proxy)
    env = gotool.isolated_env(tmp_path / "goenv", proxy=url)
    for k in ("GOTOOLCHAIN", "GOFLAGS", "GOPROXY", "GOSUMDB", "GOMODCACHE", "GOPATH"):
        monkeypatch.setenv(k, env[k])
    ours_dir, go_dir = tmp_path / "ours" / "m", tmp_path / "go" / "m"
    for d in (ours_dir, go_dir):
        d.mkdir(parents=True)
        _write_main(d, w.main)
    res = gotool.run_go(["mod", "tidy", "-diff", *w.flags], cwd=go_dir, env=env)
    flags = [f"--{f.lstrip('-').replace('=', ' ').split()[0]}" for f in w.flags]
    extra = [a for f in w.flags for a in (["--go", f.split("=")[1]] if f.startswith("-go=") else [])]
    assert not [f for f in flags if f not in ("--go",)]
    rc, out, err = _cli(["tidy", str(ours_dir), "--diff", "--modcache", env["GOMODCACHE"], *extra])
    assert (rc, out.decode()) == (res.returncode, res.stdout)
    # Nothing was written by either.
    assert (ours_dir / "go.mod").read_text() == w.main["go.mod"] == (go_dir / "go.mod").read_text()


def test_cli_prints_writes_and_go_sum(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = WORLDS[0]
    run_world(tmp_path, w, monkeypatch)
    go_dir = tmp_path / "go" / "m"
    d = tmp_path / "ours" / "m"
    modcache = gotool.isolated_env(tmp_path / "goenv")["GOMODCACHE"]
    rc, out, err = _cli(["tidy", str(d), "--modcache", modcache])
    assert (rc, out) == (0, (go_dir / "go.mod").read_bytes())
    assert "go: finding module for package example.com/a" in err
    rc, out, _ = _cli(["tidy", str(d), "--modcache", modcache, "--go-sum"])
    assert (rc, out) == (0, (go_dir / "go.sum").read_bytes())
    assert (d / "go.mod").read_text() == w.main["go.mod"] and not (d / "go.sum").exists()
    rc, out, _ = _cli(["tidy", str(d), "--modcache", modcache, "--write"])
    assert rc == 0 and out == b""
    assert (d / "go.mod").read_bytes() == (go_dir / "go.mod").read_bytes()
    assert (d / "go.sum").read_bytes() == (go_dir / "go.sum").read_bytes()
    rc, out, _ = _cli(["tidy", str(d), "--modcache", modcache, "--diff"])
    assert (rc, out) == (0, b"")
    rc, out, _ = _cli(["tidy", str(d), "--modcache", modcache, "--format", "json"])
    import json

    data = json.loads(out)
    assert rc == 0 and data["gomod_changed"] is False and data["changes"] == []


def test_cli_failure_is_gos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = next(w for w in WORLDS if w.name == "missing-everywhere")
    run_world(tmp_path, w, monkeypatch)
    env = gotool.isolated_env(tmp_path / "goenv", proxy=universe.file_proxy_url(tmp_path / "proxy"))
    res = gotool.run_go(["mod", "tidy"], cwd=tmp_path / "go" / "m", env=env)
    rc, out, err = _cli(["tidy", str(tmp_path / "ours" / "m"), "--proxy", env["GOPROXY"]])
    assert (rc, out, err) == (res.returncode, b"", res.stderr)
