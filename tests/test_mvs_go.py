"""Differential tests: ``gomodlab buildlist`` / ``modgraph`` against ``go list -m all`` / ``go mod graph``.

At least 200 random module universes per run (``GOMODLAB_MVS_SEED`` picks the series, default
fixed; ``GOMODLAB_MVS_UNIVERSES`` the count). All universes share one file:// GOPROXY and one
GOMODCACHE (each has its own path prefix). go runs twice per universe, in parallel; gomodlab runs
in-process with no go command reachable, once reading the proxy and once reading the module cache
go filled.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from gomodlab.load import gotool
from gomodlab.lab import universe
from gomodlab.load.modload import graph_from_text, load
from gomodlab.load.sources import ModCacheSource, ProxySource
from gomodlab.lab.universe import ModuleSource, gomod_text

from . import gojson, mvs_universes
from .clirun import run_cli

SEED = int(os.environ.get("GOMODLAB_MVS_SEED", "20261123"))
COUNT = int(os.environ.get("GOMODLAB_MVS_UNIVERSES", "200"))
JSON_COUNT = 100  # universes also compared with go list -m -json all

pytestmark = pytest.mark.go


@dataclass
class GoRun:
    graph_rc: int
    graph: str
    graph_err: str
    list_rc: int
    list: str
    list_err: str
    list_json: str


@dataclass
class World:
    root: Path
    proxy_url: str
    modcache: Path
    universes: list[mvs_universes.Universe]
    go: dict[str, GoRun]

    def ours_dir(self, name: str) -> Path:
        return self.root / name / "ours"


def _run_go(u: mvs_universes.Universe, root: Path, env: dict[str, str]) -> GoRun:
    d = u.write_main(root / u.name / "go")
    # go mod graph never writes go.mod; go list -m all (-mod=mod) may, so it runs second.
    g = gotool.run_go(["mod", "graph"], cwd=d, env=env)
    ls = gotool.run_go(["list", "-m", "all"], cwd=d, env=env)
    js = ""
    if int(u.name.rpartition("u")[2]) < JSON_COUNT:
        # On a pristine copy: the run above may have rewritten go.mod (-mod=mod), and with it
        # the "// indirect" marks that -json reports.
        dj = u.write_main(root / u.name / "gojson")
        js = gotool.run_go(["list", "-m", "-json", "all"], cwd=dj, env=env).stdout
    return GoRun(g.returncode, g.stdout, g.stderr, ls.returncode, ls.stdout, ls.stderr, js)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, go_exe: str) -> World:
    root = tmp_path_factory.mktemp("mvs_universes")
    us = [mvs_universes.generate(SEED, i) for i in range(COUNT)]
    proxy = root / "proxy"
    universe.write_proxy(proxy, [m for u in us for m in u.modules])
    url = universe.file_proxy_url(proxy)
    env = gotool.isolated_env(root / "goenv", proxy=url, flags="-mod=mod")
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = dict(zip((u.name for u in us), pool.map(lambda u: _run_go(u, root, env), us)))
    for u in us:
        u.write_main(root / u.name / "ours")
    return World(root, url, Path(env["GOMODCACHE"]), us, runs)


@pytest.fixture
def no_go(monkeypatch: pytest.MonkeyPatch) -> None:
    """No go command reachable: PATH without go, GOMODLAB_GO pointing nowhere, run_go refusing."""
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("GOMODLAB_GO", "/nonexistent/go")
    monkeypatch.setenv("GOMODLAB_CACHE", "off")

    def refuse(*a, **k):
        raise AssertionError("the go command must not run")

    monkeypatch.setattr(gotool, "run_go", refuse)
    monkeypatch.setattr(gotool, "find_go", refuse)


def test_enough_universes(world: World) -> None:
    assert len(world.universes) >= 200 or COUNT < 200
    failed = [n for n, r in world.go.items() if r.graph_rc or r.list_rc]
    assert not failed, f"go rejected generated universes {failed[:5]}: {world.go[failed[0]].list_err}"


@pytest.mark.parametrize("index", range(COUNT))
def test_universe_matches_go(world: World, no_go: None, index: int) -> None:
    u = world.universes[index]
    want = world.go[u.name]
    d = str(world.ours_dir(u.name))
    for opts in (["--proxy", world.proxy_url], ["--modcache", str(world.modcache)]):
        rc, out, err = run_cli("modgraph", d, *opts)
        assert (rc, out) == (0, want.graph), f"{u.name} modgraph {opts[0]}\n{u.main_gomod}\n{err}"
        rc, out, err = run_cli("buildlist", d, *opts)
        assert (rc, out) == (0, want.list), f"{u.name} buildlist {opts[0]}\n{u.main_gomod}\n{err}"


_JSON_FIELDS = ("Path", "Version", "Main", "Indirect", "GoVersion", "Dir", "GoMod")


def test_buildlist_json_matches_go_list_json(world: World, no_go: None) -> None:
    for u in world.universes[:JSON_COUNT]:
        want = []
        for o in gojson.objects(world.go[u.name].list_json):
            item = {k: o[k] for k in _JSON_FIELDS if k in o and not (k in ("Dir", "GoMod") and not o.get("Main"))}
            if "Replace" in o:
                item["Replace"] = {k: o["Replace"][k] for k in ("Path", "Version", "GoVersion") if k in o["Replace"]}
            if item.get("Main"):
                item["Dir"] = item["GoMod"] = "(main)"
            want.append(item)
        rc, out, err = run_cli("buildlist", str(world.ours_dir(u.name)), "--proxy", world.proxy_url, "--format", "json")
        got = json.loads(out)
        got[0]["Dir"] = got[0]["GoMod"] = "(main)"
        assert got == want, f"{u.name}\n{u.main_gomod}"


def test_graph_text_roundtrip(world: World) -> None:
    """A graph rebuilt from go mod graph text prints the same text and selects the same versions."""
    for u in world.universes[:60]:
        want = world.go[u.name]
        mg = graph_from_text(want.graph)
        assert "".join(line + "\n" for line in mg.graph_lines()) == want.graph
        listed = [line.split(" => ")[0] for line in want.list.splitlines()]
        ours = [f"{m.path} {m.version}".strip() for m in mg.build_list() if m.path not in ("go", "toolchain")]
        assert ours == listed, u.name


def test_cli_subprocess_without_go(world: World, tmp_path: Path) -> None:
    """The real command line, in a process whose environment has no go at all."""
    u = world.universes[0]
    env = {"PATH": "/nonexistent", "GOMODLAB_GO": "/nonexistent/go", "GOMODLAB_CACHE": "off",
           "PYTHONPATH": os.pathsep.join(p for p in sys.path if p), "HOME": str(tmp_path)}
    p = subprocess.run([sys.executable, "-m", "gomodlab", "buildlist", str(world.ours_dir(u.name)),
                        "--proxy", world.proxy_url], capture_output=True, text=True, env=env)
    assert (p.returncode, p.stdout) == (0, world.go[u.name].list), p.stderr


# ---------------------------------------------------------------------------------------------
# Hand-made corner cases, each checked against go (including its error chains).

EDGE_MODULES = [
    ModuleSource("example.com/e/a", "v1.0.0", gomod_text("example.com/e/a", "1.21", [("example.com/e/b", "v1.0.0")])),
    ModuleSource("example.com/e/a", "v1.1.0", gomod_text("example.com/e/a", "1.16", [
        ("example.com/e/b", "v1.1.0"), ("example.com/e/m", "v1.0.0")])),
    ModuleSource("example.com/e/b", "v1.0.0", gomod_text("example.com/e/b", "1.17")),
    ModuleSource("example.com/e/b", "v1.1.0", gomod_text("example.com/e/b", "1.17", [("example.com/e/c", "v1.0.0")])),
    ModuleSource("example.com/e/c", "v1.0.0", gomod_text("example.com/e/c", "1.17")),
    ModuleSource("example.com/e/m", "v1.0.0", gomod_text("example.com/e/m", "1.17", [("example.com/e/a", "v1.0.0")])),
    ModuleSource("example.com/e/w", "v1.0.0", gomod_text("example.com/e/other", "1.17")),
    ModuleSource("example.com/e/q", "v1.0.0", gomod_text("example.com/e/q", "1.17", [("example.com/e/zz", "v1.0.0")])),
]

_M = "module example.com/e/m\n\n"
EDGE_CASES = {
    "duplicate roots, pruned": _M + "go 1.21\n\nrequire (\n\texample.com/e/a v1.1.0\n\texample.com/e/a v1.0.0\n)\n",
    "duplicate roots, unpruned": _M + "go 1.16\n\nrequire (\n\texample.com/e/a v1.1.0\n\texample.com/e/a v1.0.0\n)\n",
    "requires own path": _M + "go 1.21\n\nrequire (\n\texample.com/e/m v1.0.0\n\texample.com/e/b v1.0.0\n)\n",
    "own path, no go line": _M + "require example.com/e/m v1.0.0\n",
    "toolchain default": _M + "go 1.21\n\ntoolchain default\n\nrequire example.com/e/b v1.0.0\n",
    "go and toolchain": _M + "go 1.21.0\n\ntoolchain go1.22.3\n\nrequire example.com/e/a v1.0.0\n",
    "root below selected": _M + "go 1.21\n\nrequire (\n\texample.com/e/a v1.1.0\n\texample.com/e/b v1.0.0\n)\n",
    "missing root go.mod": _M + "go 1.21\n\nrequire (\n\texample.com/e/a v1.0.0\n\texample.com/e/zz v1.0.0\n)\n",
    "missing deep go.mod": _M + "go 1.16\n\nrequire example.com/e/q v1.0.0\n",
    "missing replacement": _M + "go 1.16\n\nrequire example.com/e/a v1.1.0\n\n"
                           "replace example.com/e/c => example.com/e/c v1.9.0\n",
    "replacement declares other path": _M + "go 1.21\n\nrequire example.com/e/b v1.0.0\n\n"
                                       "replace example.com/e/b => example.com/e/w v1.0.0\n",
    "missing replacement directory": _M + "go 1.21\n\nrequire example.com/e/b v1.0.0\n\n"
                                     "replace example.com/e/b => ./nowhere\n",
    "excluded root": _M + "go 1.21\n\nrequire (\n\texample.com/e/a v1.0.0\n\texample.com/e/b v1.1.0\n)\n\n"
                     "exclude example.com/e/b v1.1.0\n",
}


@pytest.fixture(scope="module")
def edge_world(tmp_path_factory: pytest.TempPathFactory, go_exe: str) -> tuple[Path, str, dict[str, str]]:
    root = tmp_path_factory.mktemp("mvs_edges")
    proxy = universe.write_proxy(root / "proxy", EDGE_MODULES)
    url = universe.file_proxy_url(proxy)
    return root, url, gotool.isolated_env(root / "goenv", proxy=url, flags="-mod=mod")


def _error_chain(text: str) -> list[str]:
    """The requirement chain of a build-list error, up to the failing module (the cause differs)."""
    out = []
    for line in text.strip().splitlines():
        head, sep, _ = line.removeprefix("go: ").strip().partition(": ")
        out.append(head)
        if sep:
            break
    return out


@pytest.mark.parametrize("name", list(EDGE_CASES))
def test_corner_cases_match_go(edge_world, name: str) -> None:
    root, url, env = edge_world
    gomod = EDGE_CASES[name]
    d_go, d_us = root / name / "go", root / name / "ours"
    for d in (d_go, d_us):
        d.mkdir(parents=True)
        (d / "go.mod").write_text(gomod)
    g = gotool.run_go(["mod", "graph"], cwd=d_go, env=env)
    ls = gotool.run_go(["list", "-m", "all"], cwd=d_go, env=env)
    for args, want in ((["modgraph"], g), (["buildlist"], ls)):
        rc, out, err = run_cli(*args, str(d_us), "--proxy", url)
        if want.returncode == 0:
            assert (rc, out) == (0, want.stdout), err
        else:
            assert rc == 2 and out == ""
            go_err = [line for line in want.stderr.splitlines() if ".info" not in line]
            assert _error_chain(err.removeprefix(f"gomodlab {args[0]}: ")) == _error_chain("\n".join(go_err))
            assert "module declares its path as" in err or "reading" in err


def test_missing_gomod_is_gos_error_and_keeps_every_place(tmp_path: Path, edge_world) -> None:
    """go reports the last proxy's "not exist" (TryProxies); the exception keeps every place looked."""
    root, url, env = edge_world
    d = tmp_path / "m"
    d.mkdir()
    (d / "go.mod").write_text(EDGE_CASES["missing root go.mod"])
    goproxy = f"file:///nonexistent/p1,{url}"
    want = gotool.run_go(["mod", "graph"], cwd=d, env={**env, "GOPROXY": goproxy})
    assert want.returncode == 1
    rc, out, err = run_cli("buildlist", str(d), "--proxy", goproxy)
    assert (rc, err) == (2, "gomodlab buildlist: " + want.stderr.removeprefix("go: "))
    assert err.endswith(f"example.com/e/zz@v1.0.0: reading {url}/example.com/e/zz/@v/v1.0.0.mod: "
                        "no such file or directory\n")
    with pytest.raises(Exception) as e:
        load(d, ProxySource(goproxy))
    assert e.value.err.places == ("file:///nonexistent/p1/example.com/e/zz/@v/v1.0.0.mod",
                                  f"{url}/example.com/e/zz/@v/v1.0.0.mod")
    empty_cache = tmp_path / "cache"
    (empty_cache / "cache" / "download").mkdir(parents=True)
    with pytest.raises(Exception) as e:
        load(d, ModCacheSource(empty_cache))
    f = empty_cache / "cache" / "download" / "example.com" / "e" / "a" / "@v" / "v1.0.0.mod"
    assert str(e.value) == f"example.com/e/a@v1.0.0: reading file://{f}: no such file or directory"


def test_direct_is_refused_with_advice(tmp_path: Path) -> None:
    d = tmp_path / "m"
    d.mkdir()
    (d / "go.mod").write_text(_M + "go 1.21\n\nrequire example.com/e/a v1.0.0\n")
    with pytest.raises(Exception) as e:
        load(d, ProxySource("direct"))
    assert "example.com/e/a@v1.0.0" in str(e.value) and "--modcache" in str(e.value)
    rc, out, err = run_cli("buildlist", str(d), "--proxy", "off")
    assert rc == 2 and "GOPROXY=off" in err


# ---------------------------------------------------------------------------------------------
# The worked example of research.swtch.com/vgo-mvs (mvs_test.go's "blog" scenario) as real
# modules: letters are module paths, N the version v1.N.0; no go lines, as in 2018.

BLOG = "A: B1 C2; B1: D3; C1: D2; C2: D4; C3: D5; C4: G1; D2: E1; D3: E2; D4: E2 F1; D5: E2; G1: C4; A2: B1 C4 D4; E1:; F1:"


def _blog_path(letter: str) -> str:
    return f"example.com/blog/{letter.lower()}"


def _blog_modules() -> tuple[list[ModuleSource], dict[str, list[tuple[str, str]]]]:
    from gomodlab.load.mvs import MapReqs

    reqs = MapReqs.parse(BLOG)
    mods, mains = [], {}
    for m, rs in reqs.graph.items():
        deps = [(_blog_path(r.path), f"v1.{r.version}.0") for r in rs]
        if m.path == "A":
            mains[m.version] = deps
        else:
            mods.append(ModuleSource(_blog_path(m.path), f"v1.{m.version}.0", gomod_text(_blog_path(m.path), None, deps)))
    return mods, mains


def _blog_list(tokens: str) -> str:
    out = ["example.com/blog/a"]
    out += [f"{_blog_path(t[0])} v1.{t[1:]}.0" for t in tokens.split()[1:]]
    return "".join(line + "\n" for line in out)


def test_blog_article_with_go(tmp_path: Path, go_exe: str) -> None:
    from gomodlab.load.get import plan_get

    mods, mains = _blog_modules()
    url = universe.file_proxy_url(universe.write_proxy(tmp_path / "proxy", mods))
    env = gotool.isolated_env(tmp_path / "goenv", proxy=url, flags="-mod=mod")

    def main_dir(name: str, deps: list[tuple[str, str]]) -> Path:
        d = tmp_path / name
        d.mkdir()
        (d / "go.mod").write_text(gomod_text("example.com/blog/a", None, deps))
        return d

    def go_list(d: Path) -> str:
        return gotool.run_go(["list", "-m", "all"], cwd=d, env=env).check().stdout

    # Algorithm 1, the build list of A1: A B1 C2 D4 E2 F1.
    d = main_dir("build", mains[""])
    assert go_list(d) == _blog_list("A B1 C2 D4 E2 F1") == "".join(
        line + "\n" for line in load(d, ProxySource(url)).list_lines())
    # Algorithm 3, upgrade one module: go get c@v1.4.0 gives A B1 C4 D4 E2 F1 G1.
    d = main_dir("upgrade", mains[""])
    plan = plan_get(load(d, ProxySource(url)), _blog_path("C"), "v1.4.0")
    gotool.run_go(["get", f"{_blog_path('C')}@v1.4.0"], cwd=d, env=env).check()
    assert go_list(d) == _blog_list("A B1 C4 D4 E2 F1 G1") == "".join(line + "\n" for line in plan.after.list_lines())
    # Algorithm 4, downgrade: from A2 (B1 C4 D4), go get d@v1.2.0 drops B (B1 needs D3): A C4 D2 E2 F1 G1.
    d = main_dir("downgrade", mains["2"])
    plan = plan_get(load(d, ProxySource(url)), _blog_path("D"), "v1.2.0")
    gotool.run_go(["get", f"{_blog_path('D')}@v1.2.0"], cwd=d, env=env).check()
    assert go_list(d) == "".join(line + "\n" for line in plan.after.list_lines())
    assert go_list(d) == _blog_list("A C4 D2 E2 F1 G1")
