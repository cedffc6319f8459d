"""The package-graph queries (gomodlab.load.pkgquery, ``gomodlab pkggraph``) against the real go.

On generated multi-module worlds without import cycles (tests/pkggraph_worlds.py; tidied by go
first, so the graph tidy loads is the one go list sees):

- ``reach(X)`` against ``go list -deps X`` (every package of the build, from the ``Deps`` of
  ``go list -deps -json ./...``) and ``reach(X, tests=True)`` against ``go list -test -deps X``
  (test variants ``p [X.test]`` folded into ``p``, the ``X.test`` main and ``X_test`` dropped);
- ``weight``'s packages, files and bytes against ``go list -json``'s GoFiles/CgoFiles (sizes read
  from go's Dir);
- ``cut(M)`` (and ``cut(M, tests=True)``) against go after M is made to provide nothing: a
  directory replacement holding only M's go.mod (the module graph stays the same), then
  ``go list -mod=readonly -e -deps [-test] ./...``.

A package go fails on (an import cycle, a missing import: ``Error`` or ``DepsErrors``, whose
``Deps`` go truncates) is not compared; tidy's loader takes cycles as they are. Only non-standard
packages are compared: the loader does not follow the standard library's own
imports. go list sees one platform (linux/amd64 here, CGO_ENABLED=0) where tidy's loader sees
every GOOS/GOARCH and tag but ``ignore``: in worlds with build-tagged or cgo files go's answer is
a subset of ours (checked as such), and files go ignores on this platform (IgnoredGoFiles) are
counted by tidy unless tagged ``ignore``. Worlds without build tags are compared for equality.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from gomodlab.cli import main as cli_main
from gomodlab.lab import universe
from gomodlab.load import gotool, pkgquery
from gomodlab.load.modtidy import tidy
from gomodlab.load.sources import ProxySource
from tests import gojson, pkggraph_worlds

pytestmark = pytest.mark.go

WORLDS = range(pkggraph_worlds.COUNT)


def _is_std(path: str) -> bool:
    return "." not in path.split("/")[0]




class _World:
    def __init__(self, index: int, root: Path) -> None:
        self.world = pkggraph_worlds.generate(index)
        self.root = root
        self.proxy = universe.write_proxy(root / "proxy", self.world.modules)
        self.url = universe.file_proxy_url(self.proxy)
        self.main = self.world.write_main(root / "main")
        self.env = gotool.isolated_env(root / "goenv", proxy=self.url, flags="-mod=mod")
        gotool.run_go(["mod", "tidy"], cwd=self.main, env=self.env).check()
        self.graph = tidy(self.main, ProxySource(self.url), modcache=self.env["GOMODCACHE"]).packages
        fields = "ImportPath,Module,Standard,Deps,GoFiles,CgoFiles,IgnoredGoFiles,Dir,Error,DepsErrors"
        out = gotool.run_go(["list", "-e", "-deps", f"-json={fields}", "./..."], cwd=self.main, env=self.env).check()
        self.listed = {p["ImportPath"]: p for p in gojson.objects(out.stdout)}
        self.main_pkgs = sorted(p for p, j in self.listed.items() if (j.get("Module") or {}).get("Main"))

    def go(self, *args: str) -> list[str]:
        return gotool.run_go(list(args), cwd=self.main, env=self.env).check().stdout.splitlines()


@pytest.fixture(scope="module", params=WORLDS, ids=lambda i: pkggraph_worlds.generate(i).name)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, go_exe: str) -> _World:
    return _World(request.param, tmp_path_factory.mktemp(f"pkgq{request.param}"))


def _nonstd(paths) -> set[str]:
    return {p for p in paths if not _is_std(p)}


def _compare(w: _World, ours: set[str], gos: set[str]) -> None:
    if w.world.tagged:
        assert gos <= ours, f"go reaches what tidy's graph does not: {sorted(gos - ours)}"
    else:
        assert ours == gos


def test_reach_equals_go_list_deps(world: _World) -> None:
    checked = 0
    for path, j in world.listed.items():
        if _is_std(path) or j.get("Error") or j.get("DepsErrors"):
            continue
        gos = _nonstd([path, *j.get("Deps", ())])
        _compare(world, _nonstd(pkgquery.reach(world.graph, path)), gos)
        checked += 1
    assert checked >= 2
    if world.world.tagged:  # what only a _windows.go file imports is in tidy's graph, not in go's
        winonly = world.world.main_path.replace("/main", "/winonly")
        assert winonly in pkgquery.reach(world.graph, world.main_pkgs) and winonly not in world.listed


def test_reach_with_tests_equals_go_list_test_deps(world: _World) -> None:
    for path in world.main_pkgs:
        if world.listed[path].get("Error") or world.listed[path].get("DepsErrors"):
            continue
        gos = set()
        for line in world.go("list", "-e", "-test", "-deps", "-f", "{{.ImportPath}}", path):
            p = line.split(" [")[0]
            if p not in (path + ".test", path + "_test"):
                gos.add(p)
        _compare(world, _nonstd(pkgquery.reach(world.graph, path, tests=True)), _nonstd(gos))


def test_shared_is_what_both_go_lists_hold(world: _World) -> None:
    pkgs = [p for p in world.main_pkgs if not world.listed[p].get("Error") and not world.listed[p].get("DepsErrors")]
    if not pkgs:
        pytest.skip("go fails on every package of the main module (an import cycle)")
    x, y = pkgs[0], pkgs[-1]
    deps = {p: _nonstd([p, *world.listed[p].get("Deps", ())]) for p in (x, y)}
    _compare(world, _nonstd(pkgquery.shared(world.graph, x, y)), deps[x] & deps[y])


def test_weight_files_and_bytes_match_go_list(world: _World) -> None:
    df = pkgquery.weight(world.graph)
    got = {r.module: r for r in df.itertuples()}
    want_pkgs: dict[str, int] = {}
    for path, j in world.listed.items():
        mod = (j.get("Module") or {}).get("Path")
        if _is_std(path) or j.get("Error") or not mod:
            continue
        want_pkgs[mod] = want_pkgs.get(mod, 0) + 1
        built = set(j.get("GoFiles", ())) | set(j.get("CgoFiles", ()))
        ignored = {f for f in j.get("IgnoredGoFiles", ()) if not f.endswith("_test.go")}
        ours = world.graph.file_sizes(world.graph.package(path))
        if world.world.tagged:
            assert built <= set(ours) <= built | ignored, path
        else:
            assert set(ours) == built, path
        # Bytes: our sizes are the files' sizes in the directory go read them from.
        assert ours == {f: os.path.getsize(os.path.join(j["Dir"], f)) for f in ours}, path
    if not world.world.tagged:
        assert {m: r.packages for m, r in got.items()} == want_pkgs
    assert abs(df["share"].sum() - 1) < 1e-9 and list(df.columns) == list(pkgquery.WEIGHT_COLUMNS)


def _replaced(w: _World) -> set[str]:
    """The module paths the main go.mod replaces (a cut of those would stack two replacements)."""
    lines = (w.main / "go.mod").read_text().splitlines()
    return ({line.split()[1] for line in lines if line.strip().startswith("replace ") and len(line.split()) > 1}
            | {line.split()[0] for line in lines if "=>" in line and not line.strip().startswith("replace")})


def _cut_candidates(w: _World) -> list[tuple[str, str]]:
    replaced = _replaced(w)
    mods = {}
    for path, j in w.listed.items():
        m = j.get("Module") or {}
        if not _is_std(path) and not j.get("Error") and not m.get("Main") and m.get("Path") not in replaced \
                and not m.get("Replace"):
            mods[m["Path"]] = m["Version"]
    return sorted(mods.items())[:3]


def _listing(main: Path, env: dict[str, str], tests: bool) -> tuple[set[str], set[str], dict[str, str]]:
    """(packages go builds, packages it fails on, modules providing the built ones) for
    ``go list -mod=readonly -e -deps [-test] ./...``: non-standard packages, test variants
    ``p [X.test]`` folded into ``p``, the ``X.test`` mains and ``X_test`` packages left out."""
    args = ["list", "-mod=readonly", "-e", "-deps", *(["-test"] if tests else []), "-json=ImportPath,Module,Error", "./..."]
    kept: set[str] = set()
    failed: set[str] = set()
    mods: dict[str, str] = {}
    for j in gojson.objects(gotool.run_go(args, cwd=main, env=env).stdout):
        p = j["ImportPath"].split(" [")[0]
        if _is_std(p) or p.endswith(".test") or (p.endswith("_test") and (j.get("Module") or {}).get("Main")):
            continue
        if j.get("Error"):
            failed.add(p)
        else:
            kept.add(p)
            m = j.get("Module") or {}
            mods[m.get("Path")] = m.get("Version", "")
    return kept, failed - kept, mods


@pytest.mark.parametrize("tests", [False, True], ids=["build", "tests"])
def test_cut_equals_go_without_the_module(world: _World, tmp_path: Path, tests: bool) -> None:
    cands = _cut_candidates(world)
    if not cands:
        pytest.skip("every dependency of this world is replaced")
    full, _, mods_before = _listing(world.main, world.env, tests)
    if tests:  # and the modules only tests reach
        built = {m for m, _ in cands} | {(j.get("Module") or {}).get("Path") for j in world.listed.values()}
        cands += [(m, v) for m, v in sorted(mods_before.items()) if m not in built and v and m not in _replaced(world)]
    for mpath, version in cands:
        gomod = next(m.gomod for m in world.world.modules if m.path == mpath and m.version == version)
        if gomod is None:
            continue
        work = tmp_path / mpath.replace("/", "_")
        shutil.copytree(world.main, work / "main")
        empty = work / "empty"
        empty.mkdir()
        (empty / "go.mod").write_bytes(gomod.encode() if isinstance(gomod, str) else gomod)
        gotool.run_go(["mod", "edit", f"-replace={mpath}={empty}"], cwd=work / "main", env=world.env).check()
        kept, failed, mods_after = _listing(work / "main", world.env, tests)
        c = pkgquery.cut(world.graph, mpath, tests=tests)
        ours_full = _nonstd(pkgquery.reach(world.graph, world.main_pkgs, tests=tests))
        if world.world.tagged:
            assert kept <= ours_full - set(c.packages), mpath
        else:
            assert ours_full == full
            assert kept == full - set(c.packages), mpath
            assert failed <= set(c.packages), mpath
            assert {m.path for m in c.modules} == mods_before.keys() - mods_after.keys(), mpath
        assert c.modules[0].path == mpath


def test_cli_reach_matches_go(world: _World) -> None:
    pkgs = [p for p in world.main_pkgs if not world.listed[p].get("Error") and not world.listed[p].get("DepsErrors")]
    if not pkgs:
        pytest.skip("go fails on every package of the main module (an import cycle)")
    pkg = pkgs[0]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = cli_main(["pkggraph", "reach", pkg, "-C", str(world.main), "--proxy", world.url, "--format", "json"])
    assert rc == 0
    got = {r["path"] for r in json.loads(out.getvalue())}
    _compare(world, _nonstd(got), _nonstd([pkg, *world.listed[pkg].get("Deps", ())]))
