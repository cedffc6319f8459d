"""Workspaces (go.work) against the real go command.

Generated workspaces: each takes a module universe of :mod:`tests.mvs_universes` (its main module
is the first used module) and adds 1–3 more used modules with their own requirements, go lines,
replacements (versions and directories, relative to their own directory), excludes and go.sum
files, ``use`` lines and blocks with relative and absolute directories, go.work replacements
(some overriding a module's), a toolchain line and a go.work.sum holding unrelated lines.
``gomodlab buildlist``/``modgraph`` (module cache and proxy) and ``buildlist --format json`` must
print what ``go list -m all``, ``go mod graph`` and ``go list -m -json all`` print, and
``buildlist --work-sum`` the go.work.sum that ``go list -m all`` leaves. Hand cases: each error go
reports for a workspace, worded as go words it, with go's exit status; GOWORK=off, GOWORK=path,
a relative GOWORK; tidy and upgrade, which go runs without the workspace.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from gomodlab.lab import universe
from gomodlab.lab.universe import ModuleSource, gomod_text
from gomodlab.load import gotool
from gomodlab.load.sources import ProxySource
from gomodlab.load.workspace import Workspace, WorkspaceError, find_gowork, load_workspace, work_sum
from gomodlab.mod import modfile
from gomodlab.mod.dirhash import hash_gomod

from . import gojson, mvs_universes
from .clirun import run_cli

SEED = int(os.environ.get("GOMODLAB_WS_SEED", "20261204"))
COUNT = int(os.environ.get("GOMODLAB_WS_COUNT", "40"))

pytestmark = pytest.mark.go


@dataclass
class GenWorkspace:
    name: str
    files: dict[str, str] = field(default_factory=dict)   # path under the workspace dir → text
    absolute_use: list[str] = field(default_factory=list)  # use dirs written as absolute paths

    def write(self, directory: Path) -> Path:
        for rel, text in self.files.items():
            p = directory / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text.replace("@WS@", str(directory)))
        return directory


def _replaced_paths(gomod: str) -> set[str]:
    return {r.old_path for r in modfile.parse_gomod(gomod).replace}


def generate(seed: int, index: int) -> tuple[GenWorkspace, list[ModuleSource]]:
    """Workspace number ``index``: the files to write and the module versions its proxy serves."""
    rnd = random.Random(seed * 7919 + index)
    u = mvs_universes.generate(seed, index)
    prefix = f"example.com/s{seed}u{index}"
    ws = GenWorkspace(f"w{index}")
    published = sorted({m.path for m in u.modules})
    versions: dict[str, list[str]] = {}
    for m in u.modules:
        versions.setdefault(m.path, []).append(m.version)
    forks = [m for m in u.modules if "/fork" in m.path]
    by_pv = {(m.path, m.version): m for m in u.modules}

    ws.files["m0/go.mod"] = u.main_gomod
    for name, text in u.main_files.items():
        ws.files[f"m0/{name}"] = text
    taken = _replaced_paths(u.main_gomod)
    gos = [modfile.parse_gomod(u.main_gomod).go]
    dirs = ["m0"]
    for i in range(1, rnd.randint(2, 4)):
        d = rnd.choice([f"m{i}", f"nested/m{i}", f"m0/inner{i}"]) if i > 1 else f"m{i}"
        path = rnd.choice([f"{prefix}/ws{i}", f"{prefix}/Ws{i}/v2"])
        go = rnd.choice([None, "1.16", "1.17", "1.20", "1.21", "1.22", "1.22.3"])
        gos.append(go)
        cands = [p for p in published if p != u.main_path and "/fork" not in p]
        reqs = [(p, rnd.choice(versions[p])) for p in rnd.sample(cands, min(len(cands), rnd.randint(0, 4)))]
        if u.main_path in versions and rnd.random() < 0.5:
            reqs.append((u.main_path, versions[u.main_path][0]))  # requires another used module's path
        extra = []
        if reqs and rnd.random() < 0.3:
            p, v = rnd.choice(reqs)
            extra.append(f"exclude {p} {rnd.choice(versions[p])}\n")
        repl = []
        for p in rnd.sample(cands, min(len(cands), rnd.choice([0, 0, 1, 2]))):
            if p in taken:
                continue
            taken.add(p)
            if forks and rnd.random() < 0.5:
                f = rnd.choice(forks)
                repl.append(f"{p} => {f.path} {f.version}")
            else:
                ld = f"local{i}"
                ws.files[f"{d}/{ld}/go.mod"] = gomod_text(p, rnd.choice([None, "1.17", "1.21"]),
                                                          [(q, rnd.choice(versions[q])) for q in rnd.sample(cands, 1)])
                repl.append(f"{p} => ./{ld}")
        if repl:
            extra.append("replace (\n" + "".join(f"\t{r}\n" for r in repl) + ")\n")
        text = gomod_text(path, go, [(p, v) for p, v in reqs], "".join(extra))
        if rnd.random() < 0.3:
            text = text.replace(f"\t{reqs[0][0]} {reqs[0][1]}\n", f"\t{reqs[0][0]} {reqs[0][1]} // indirect\n") if reqs else text
        ws.files[f"{d}/go.mod"] = text
        dirs.append(d)
        if rnd.random() < 0.4:
            # A go.sum with the hashes of a few published go.mod files: go keeps them out of go.work.sum.
            picks = rnd.sample(list(by_pv.values()), min(3, len(by_pv)))
            ws.files[f"{d}/go.sum"] = "".join(f"{m.path} {m.version}/go.mod {hash_gomod(m.gomod_bytes())}\n"
                                              for m in sorted(picks, key=lambda m: (m.path, m.version)))
    # go.work: a go line at least every used module's (from 1.21 on go refuses a lower one).
    need = max((g for g in gos if g), key=lambda g: tuple(int(x) for x in g.split(".")), default=None)
    wgo = rnd.choice([None, "1.18", "1.21", "1.22", "1.23"])
    if need and tuple(int(x) for x in need.split(".")) >= (1, 21):
        if wgo is None or tuple(int(x) for x in wgo.split(".")) < tuple(int(x) for x in need.split(".")):
            wgo = rnd.choice([need, "1.23"]) if tuple(int(x) for x in need.split(".")) <= (1, 23) else need
    lines = [f"go {wgo}\n\n"] if wgo else []
    if wgo and rnd.random() < 0.25:
        lines.append(f"toolchain go{rnd.choice(['1.23.0', '1.22.3', '1.24.1'])}\n\n")
    if rnd.random() < 0.2:
        lines.append("godebug default=go1.21\n\n")
    shown = []
    for d in dirs:
        if rnd.random() < 0.2:
            shown.append("@WS@/" + d)
            ws.absolute_use.append(d)
        else:
            shown.append(rnd.choice(["./", ""]) + d)
    if rnd.random() < 0.5:
        lines.append("use (\n" + "".join(f"\t{s}\n" for s in shown) + ")\n")
    else:
        lines.extend(f"use {s}\n" for s in shown)
    wrepl = []
    for p in rnd.sample(published, min(len(published), rnd.choice([0, 0, 1, 2]))):
        if "/fork" in p or p == u.main_path:
            continue
        kind = rnd.random()
        if kind < 0.4 and forks:
            f = rnd.choice(forks)
            wrepl.append(f"{p} => {f.path} {f.version}")
        elif kind < 0.7 and len(versions[p]) > 1:
            a, b = rnd.sample(versions[p], 2)
            wrepl.append(f"{p} {a} => {p} {b}")
        else:
            ws.files[f"wsrepl/{len(wrepl)}/go.mod"] = gomod_text(p, "1.17")
            wrepl.append(f"{p} => ./wsrepl/{len(wrepl)}")
    if wrepl:
        lines.append("\nreplace (\n" + "".join(f"\t{r}\n" for r in wrepl) + ")\n")
    ws.files["go.work"] = "".join(lines)
    if rnd.random() < 0.3:
        ws.files["go.work.sum"] = "example.com/unrelated v1.0.0/go.mod h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydQ=\n"
    return ws, u.modules


@dataclass
class GoRun:
    list_rc: int
    list: str
    list_err: str
    graph: str
    json: str
    work_sum: str | None


@dataclass
class World:
    root: Path
    proxy_url: str
    modcache: Path
    workspaces: list[GenWorkspace]
    go: dict[str, GoRun]


def _run_go(ws: GenWorkspace, root: Path, env: dict[str, str]) -> GoRun:
    d = ws.write(root / ws.name / "go")
    g = gotool.run_go(["mod", "graph"], cwd=d, env=env)
    js = gotool.run_go(["list", "-m", "-json", "all"], cwd=d, env=env)
    shutil.rmtree(d)
    d = ws.write(root / ws.name / "go")
    ls = gotool.run_go(["list", "-m", "all"], cwd=d, env=env)
    s = d / "go.work.sum"
    return GoRun(ls.returncode, ls.stdout, ls.stderr, g.stdout, js.stdout, s.read_text() if s.exists() else None)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, go_exe: str) -> World:
    root = tmp_path_factory.mktemp("workspaces")
    gen = [generate(SEED, i) for i in range(COUNT)]
    proxy = universe.write_proxy(root / "proxy", [m for _, mods in gen for m in mods])
    url = universe.file_proxy_url(proxy)
    env = gotool.isolated_env(root / "goenv", proxy=url)
    wss = [w for w, _ in gen]
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(zip((w.name for w in wss), pool.map(lambda w: _run_go(w, root, env), wss)))
    for w in wss:
        w.write(root / w.name / "ours")
    return World(root, url, Path(env["GOMODCACHE"]), wss, runs)


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    for k in ("GOWORK", "GOFLAGS", "GOTOOLCHAIN", "GOROOT"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("GOTOOLCHAIN", "local")
    monkeypatch.setenv("GOMODLAB_CACHE", "off")
    monkeypatch.setenv("GOENV", "off")


def test_generated_workspaces_are_accepted_by_go(world: World) -> None:
    failed = [n for n, r in world.go.items() if r.list_rc]
    assert len(world.workspaces) >= 30 or COUNT < 30
    assert not failed, f"go rejected generated workspaces {failed[:5]}: {world.go[failed[0]].list_err}"
    # The generator reaches the features it claims to.
    texts = [w.files["go.work"] for w in world.workspaces]
    assert sum("replace" in t for t in texts) >= 5 and sum("use (" in t for t in texts) >= 5
    assert sum(bool(w.absolute_use) for w in world.workspaces) >= 3
    assert sum(len([k for k in w.files if k.endswith("go.mod") and "local" not in k and "wsrepl" not in k]) >= 3
               for w in world.workspaces) >= 5


@pytest.mark.parametrize("index", range(COUNT))
def test_workspace_matches_go(world: World, isolated: None, index: int) -> None:
    w = world.workspaces[index]
    want = world.go[w.name]
    d = world.root / w.name / "ours"
    for sub in (".", "m0"):
        for opts in (["--proxy", world.proxy_url], ["--modcache", str(world.modcache)]):
            rc, out, err = run_cli("buildlist", str(d / sub), *opts)
            assert (rc, out) == (0, want.list), f"{w.name} buildlist {opts[0]}\n{w.files['go.work']}\n{err}"
            rc, out, err = run_cli("modgraph", str(d / sub), *opts)
            assert (rc, out) == (0, want.graph), f"{w.name} modgraph {opts[0]}\n{w.files['go.work']}\n{err}"
    rc, out, err = run_cli("buildlist", str(d), "--proxy", world.proxy_url, "--work-sum")
    assert rc == 0, err
    assert out == (want.work_sum or ""), f"{w.name} go.work.sum\n{w.files['go.work']}"


_JSON_FIELDS = ("Path", "Version", "Main", "Indirect", "GoVersion", "Dir", "GoMod")


def test_buildlist_json_matches_go_list_json(world: World, isolated: None) -> None:
    for w in world.workspaces:
        go_dir, our_dir = str(world.root / w.name / "go"), str(world.root / w.name / "ours")
        want = []
        for o in gojson.objects(world.go[w.name].json):
            item = {k: o[k] for k in _JSON_FIELDS if k in o and not (k in ("Dir", "GoMod") and not o.get("Main"))}
            if "Replace" in o:
                item["Replace"] = {k: o["Replace"][k] for k in ("Path", "Version", "GoVersion") if k in o["Replace"]}
            for k in ("Dir", "GoMod"):
                if k in item:
                    item[k] = item[k].replace(go_dir, "@")
            want.append(item)
        rc, out, err = run_cli("buildlist", our_dir, "--proxy", world.proxy_url, "--format", "json")
        assert rc == 0, err
        got = json.loads(out)
        for item in got:
            for k in ("Dir", "GoMod"):
                if k in item:
                    item[k] = item[k].replace(our_dir, "@")
        assert got == want, f"{w.name}\n{w.files['go.work']}"


def test_why_starts_from_every_used_module(world: World, isolated: None) -> None:
    from gomodlab.load import graph as gg

    for w in world.workspaces[:10]:
        d = world.root / w.name / "ours"
        mg = load_workspace(find_gowork(d), ProxySource(world.proxy_url), cwd=d)
        for m in mg.build_list():
            if m.version and m.path not in ("go", "toolchain"):
                res = gg.why(mg, m.path)
                assert res.found and res.shortest[0][0] in mg.mains, (w.name, m)


# ---------------------------------------------------------------------------------------------
# Hand cases: go's errors, GOWORK, the commands go runs without the workspace.

HAND_MODULES = [
    ModuleSource("example.com/h/c", "v1.0.0", gomod_text("example.com/h/c", "1.17", [("example.com/h/d", "v1.1.0")])),
    ModuleSource("example.com/h/d", "v1.0.0", gomod_text("example.com/h/d", "1.17")),
    ModuleSource("example.com/h/d", "v1.1.0", gomod_text("example.com/h/d", "1.17", [("example.com/h/e", "v1.0.0")])),
    ModuleSource("example.com/h/d", "v1.2.0", gomod_text("example.com/h/d", "1.17", [("example.com/h/e", "v1.1.0")])),
    ModuleSource("example.com/h/e", "v1.0.0", gomod_text("example.com/h/e", "1.16")),
    ModuleSource("example.com/h/e", "v1.1.0", gomod_text("example.com/h/e", "1.17")),
    ModuleSource("example.com/h/f", "v1.0.0", gomod_text("example.com/h/f", "1.99")),
    ModuleSource("example.com/h/g", "v1.0.0", gomod_text("example.com/h/g", "1.16", [("example.com/h/f", "v1.0.0")])),
]
_A = "module example.com/h/a\n\ngo 1.21\n\nrequire example.com/h/c v1.0.0\n"
_B = "module example.com/h/b\n\ngo 1.17\n\nrequire example.com/h/d v1.2.0\n"
_W = "go 1.22\n\nuse ./a\nuse ./b\n"

#: name → (files, directory the command runs in, extra environment)
HAND_CASES: dict[str, tuple[dict[str, str], str, dict[str, str]]] = {
    "missing use directory": ({"go.work": "go 1.22\nuse ./a\nuse ./nope\n", "a/go.mod": _A}, ".", {}),
    "missing use directory, from a module": ({"go.work": "go 1.22\nuse ./a\nuse ./nope\n", "a/go.mod": _A}, "a", {}),
    "directory used twice": ({"go.work": "go 1.22\nuse ./a\nuse a\nuse ./b\n", "a/go.mod": _A, "b/go.mod": _B}, ".", {}),
    "module used twice": ({"go.work": _W, "a/go.mod": _A, "b/go.mod": _A}, ".", {}),
    "conflicting replacements": ({"go.work": _W, "a/go.mod": _A + "replace example.com/h/d => ../d1\n",
                                  "b/go.mod": _B + "replace example.com/h/d => ./d2\n"}, "a", {}),
    "conflicting versioned replacements": ({"go.work": _W, "a/go.mod": _A + "replace example.com/h/d v1.2.0 => example.com/h/d v1.0.0\n",
                                            "b/go.mod": _B + "replace example.com/h/d v1.2.0 => example.com/h/d v1.1.0\n"}, ".", {}),
    "go.work overrides a conflict": ({"go.work": _W + "replace example.com/h/d => example.com/h/d v1.1.0\n",
                                      "a/go.mod": _A + "replace example.com/h/d => ../d1\n",
                                      "b/go.mod": _B + "replace example.com/h/d => ./d2\n"}, ".", {}),
    "same replacement twice": ({"go.work": _W, "a/go.mod": _A + "replace example.com/h/d => example.com/h/d v1.1.0\n",
                                "b/go.mod": _B + "replace example.com/h/d => example.com/h/d v1.1.0\n"}, ".", {}),
    "module replacement relative to its module": ({"go.work": _W, "a/go.mod": _A + "replace example.com/h/e => ../e\n",
                                                   "b/go.mod": _B, "e/go.mod": "module example.com/h/e\n\ngo 1.17\n"}, ".", {}),
    "go.work older than a module": ({"go.work": "go 1.20\nuse ./a\nuse ./b\n", "a/go.mod": _A, "b/go.mod": _B}, "a", {}),
    "go.work without go line": ({"go.work": "use ./a\nuse ./b\n", "a/go.mod": _A, "b/go.mod": _B}, ".", {}),
    "go.work without go line, old modules": ({"go.work": "use ./b\n", "b/go.mod": _B}, ".", {}),
    "module too new": ({"go.work": _W, "a/go.mod": _A, "b/go.mod": "module example.com/h/b\n\ngo 1.99\n"}, ".", {}),
    # A GoRefusal deep in the graph: go's own words and exit status 1, as outside a workspace.
    "dependency too new": ({"go.work": "go 1.22\nuse ./a\n",
                            "a/go.mod": "module example.com/h/a\n\ngo 1.21\n\nrequire example.com/h/g v1.0.0\n"}, ".", {}),
    "go.work too new": ({"go.work": "go 1.999\nuse ./a\n", "a/go.mod": _A}, ".", {}),
    "used module replaced at all versions": ({"go.work": _W + "replace example.com/h/b => ./b\n", "a/go.mod": _A,
                                              "b/go.mod": _B}, ".", {}),
    "used module replaced at one version": ({"go.work": _W + "replace example.com/h/b v1.0.0 => ./b\n",
                                             "a/go.mod": _A, "b/go.mod": _B}, ".", {}),
    "go.work syntax errors": ({"go.work": "go 1.22\nuse ./a\nfoo bar\nuse\n", "a/go.mod": _A}, "a", {}),
    "unknown godebug": ({"go.work": "go 1.22\nuse ./a\ngodebug foo=1\n", "a/go.mod": _A}, ".", {}),
    "removed godebug at its old value": ({"go.work": "go 1.22\nuse ./a\ngodebug x509sha1=1\n", "a/go.mod": _A}, ".", {}),
    "godebug default too new": ({"go.work": "go 1.22\nuse ./a\ngodebug default=go1.99\n", "a/go.mod": _A}, ".", {}),
    "known godebugs": ({"go.work": "go 1.22\nuse ./a\ngodebug (\n\tdefault=go1.21\n\tpanicnil=1\n\tx509sha1=0\n)\n",
                        "a/go.mod": _A}, ".", {}),
    "used module syntax error": ({"go.work": _W, "a/go.mod": "module example.com/h/a\n\nrequire (\n", "b/go.mod": _B}, ".", {}),
    "used module without module line": ({"go.work": _W, "a/go.mod": "go 1.21\n", "b/go.mod": _B}, ".", {}),
    "used module with a bad path": ({"go.work": _W, "a/go.mod": "module example.com/h/A@v1\n\ngo 1.21\n", "b/go.mod": _B}, ".", {}),
    "replacements found conflicting": ({"go.work": _W, "a/go.mod": _A + "require example.com/h/d v1.1.0\n"
                                        "replace example.com/h/d => example.com/h/d v1.0.0\n",
                                        "b/go.mod": _B + "replace example.com/h/d v1.1.0 => example.com/h/d v1.2.0\n"}, ".", {}),
    "path-only then version-specific replacement agree": ({"go.work": _W, "a/go.mod": _A + "replace example.com/h/d => example.com/h/d v1.0.0\n",
                                                           "b/go.mod": _B + "replace example.com/h/d v1.2.0 => example.com/h/d v1.0.0\n"}, ".", {}),
    "version-specific then path-only replacement: the last wins": ({"go.work": _W, "a/go.mod": _A + "replace example.com/h/d v1.2.0 => example.com/h/d v1.0.0\n",
                                                                    "b/go.mod": _B + "replace example.com/h/d => example.com/h/d v1.1.0\n"}, ".", {}),
    "use ./...": ({"go.work": "go 1.22\nuse ./a\nuse ./...\n", "a/go.mod": _A}, ".", {}),
    "GOFLAGS=-mod=mod": ({"go.work": _W, "a/go.mod": _A, "b/go.mod": _B}, ".", {"GOFLAGS": "-mod=mod"}),
    "GOFLAGS=-mod=readonly": ({"go.work": _W, "a/go.mod": _A, "b/go.mod": _B}, ".", {"GOFLAGS": "-mod=readonly"}),
    "toolchain line": ({"go.work": "go 1.22\n\ntoolchain go1.23.4\n\nuse ./a\n", "a/go.mod": _A}, ".", {}),
    "outside every used module": ({"go.work": _W, "a/go.mod": _A, "b/go.mod": _B, "z/go.mod": "module example.com/h/z\n"}, "z", {}),
    "no used module": ({"go.work": "go 1.22\n"}, ".", {}),
    "GOWORK=off": ({"go.work": _W, "a/go.mod": _A, "b/go.mod": _B}, "a", {"GOWORK": "off", "GOFLAGS": "-mod=mod"}),
    "GOWORK relative": ({"go.work": _W, "a/go.mod": _A, "b/go.mod": _B}, "a", {"GOWORK": "go.work"}),
    "GOWORK missing file": ({"go.work": _W, "a/go.mod": _A, "b/go.mod": _B}, "a", {"GOWORK": "/nonexistent/go.work"}),
    "GOWORK elsewhere": ({"w/go.work": "go 1.22\nuse ../b\n", "a/go.mod": _A, "b/go.mod": _B}, "a",
                         {"GOWORK": "@ROOT@/w/go.work"}),
}


@pytest.fixture(scope="module")
def hand_world(tmp_path_factory: pytest.TempPathFactory, go_exe: str) -> tuple[Path, str, dict[str, str]]:
    root = tmp_path_factory.mktemp("ws_hand")
    url = universe.file_proxy_url(universe.write_proxy(root / "proxy", HAND_MODULES))
    return root, url, gotool.isolated_env(root / "goenv", proxy=url)


def _write_case(d: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (d / rel).parent.mkdir(parents=True, exist_ok=True)
        (d / rel).write_text(text)


@pytest.mark.parametrize("name", list(HAND_CASES))
def test_hand_case_matches_go(hand_world, isolated: None, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    root, url, env = hand_world
    files, sub, extra = HAND_CASES[name]
    d_go, d_us = root / name.replace(" ", "_") / "go", root / name.replace(" ", "_") / "ours"
    _write_case(d_go, files)
    _write_case(d_us, files)
    go_env = dict(env, **{k: v.replace("@ROOT@", str(d_go)) for k, v in extra.items()})
    for k, v in extra.items():
        monkeypatch.setenv(k, v.replace("@ROOT@", str(d_us)))
    for cmd, go_args in (("buildlist", ["list", "-m", "all"]), ("modgraph", ["mod", "graph"])):
        want = gotool.run_go(go_args, cwd=d_go / sub, env=go_env)
        rc, out, err = run_cli(cmd, ".", "--proxy", url, cwd=d_us / sub)
        go_err = want.stderr.replace(str(d_go), str(d_us))
        if want.returncode == 0:
            assert (rc, out) == (0, want.stdout), f"{name} {cmd}\n{err}"
        else:
            assert (rc, out) == (1, want.stdout), f"{name} {cmd}: go failed with\n{go_err}\nours: rc {rc}\n{err}"
            # A GoRefusal is go's stderr to the byte; gomodlab's own errors carry its prefix.
            assert err == go_err or err.removeprefix(f"gomodlab {cmd}: ") == _go_message(go_err), name


def _go_message(stderr: str) -> str:
    """go's error text without its "go: " prefix; a message go repeats (base.Errorf on each
    lookup, no prefix) once."""
    if stderr.startswith("go: "):
        return stderr.removeprefix("go: ")
    return "".join(line + "\n" for line in dict.fromkeys(stderr.splitlines()))


def test_every_error_case_is_an_error_in_go(hand_world, isolated: None) -> None:
    """The hand cases cover go's refusals (not only the loads that work)."""
    root, url, env = hand_world
    failing = 0
    for name, (files, sub, extra) in HAND_CASES.items():
        d = root / "census" / name.replace(" ", "_")
        _write_case(d, files)
        e = dict(env, **{k: v.replace("@ROOT@", str(d)) for k, v in extra.items()})
        failing += gotool.run_go(["list", "-m", "all"], cwd=d / sub, env=e).returncode != 0
    assert failing >= 18


def test_tidy_ignores_the_workspace(tmp_path: Path, hand_world, isolated: None) -> None:
    """go mod tidy runs in module mode even under a go.work: tidy-explain's module lookup agrees."""
    from gomodlab.load.locate import find_main_gomod

    _write_case(tmp_path, {"go.work": "go 1.22\nuse ./a\nuse ./nope\n", "a/go.mod": _A})
    root, url, env = hand_world
    assert gotool.run_go(["list", "-m", "all"], cwd=tmp_path / "a", env=env).returncode == 1
    (tmp_path / "a" / "a.go").write_text("package a\n")
    assert gotool.run_go(["mod", "tidy"], cwd=tmp_path / "a", env=env).returncode == 0
    assert find_main_gomod(tmp_path / "a") == str((tmp_path / "a" / "go.mod").resolve())


def test_upgrade_edits_the_module_and_checks_the_workspace(tmp_path: Path, hand_world, isolated: None) -> None:
    root, url, env = hand_world
    _write_case(tmp_path / "ok", {"go.work": _W, "a/go.mod": _A, "b/go.mod": _B})
    rc, out, err = run_cli("upgrade", "example.com/h/d@v1.1.0", str(tmp_path / "ok" / "a"), "--proxy", url)
    # Module mode: a's own graph (b's d v1.2.0 belongs to the workspace, not to a), as go get edits it.
    assert rc == 0 and "v1.2.0" not in out, err
    want = gotool.run_go(["get", "example.com/h/d@v1.1.0"], cwd=tmp_path / "ok" / "a", env=env)
    assert want.returncode == 0 and "example.com/h/d v1.1.0" in (tmp_path / "ok" / "a" / "go.mod").read_text()
    _write_case(tmp_path / "bad", {"go.work": "go 1.20\nuse ./a\nuse ./b\n", "a/go.mod": _A, "b/go.mod": _B})
    want = gotool.run_go(["get", "example.com/h/d@v1.2.0"], cwd=tmp_path / "bad" / "a", env=env)
    rc, out, err = run_cli("upgrade", "example.com/h/d@v1.2.0", ".", "--proxy", url, cwd=tmp_path / "bad" / "a")
    assert (want.returncode, rc) == (1, 1)
    ours = err.removeprefix("gomodlab upgrade: ")
    assert f"go: {ours}" in want.stderr, (want.stderr, err)


# ---------------------------------------------------------------------------------------------
# go.work parsing and checking, without go.

@pytest.mark.parametrize("text, message", [
    ("go 1.22\nuse ./a\nfoo bar\n", "errors parsing go.work:\ngo.work:3: unknown directive: foo"),
    ("go 1.22\nuse\n", "errors parsing go.work:\ngo.work:2: usage: use local/dir"),
    ("go 1.22\ngo 1.23\n", "errors parsing go.work:\ngo.work:2: repeated go statement"),
    ("go one\n", "errors parsing go.work:\ngo.work:1: invalid go version 'one': must match format 1.23.0"),
    ("module example.com/x\n", "errors parsing go.work:\ngo.work:1: unknown directive: module"),
    ("use (\n", "errors parsing go.work:\ngo.work:2: syntax error (unterminated block started at go.work:1:1)"),
    ("go 1.22\nuse ./a\nuse ./a/\n", "error loading go.work:\ngo.work:3: path @/a appears multiple times in workspace"),
    ("go 1.22\ngodebug foo=1\n", "error loading go.work:\ngo.work:2: unknown godebug \"foo\""),
    ("go 1.22\ngodebug default=1.21\n", "error loading go.work:\ngo.work:2: value for default= must be goVERSION"),
    ("go 1.22\ngodebug tls10server=1\n", "error loading go.work:\ngo.work:2: removed GODEBUG \"tls10server\" set to old "
                                          "value \"1\" (https://go.dev/doc/godebug#go-127)"),
    ("go 1.999\n", "go.work requires go >= 1.999 (running go 1.27.3; GOTOOLCHAIN=local)"),
])
def test_go_work_errors(tmp_path: Path, isolated: None, text: str, message: str) -> None:
    (tmp_path / "go.work").write_text(text)
    with pytest.raises(WorkspaceError) as e:
        Workspace(str(tmp_path / "go.work"), tmp_path, load_modules=False)
    assert str(e.value) == message.replace("@", str(tmp_path.resolve()))


def test_go_work_error_messages_match_go(tmp_path: Path, go_env: dict[str, str], isolated: None) -> None:
    """The parse and load errors above, as the real go prints them."""
    cases = ["go 1.22\nuse ./a\nfoo bar\n", "go 1.22\nuse\n", "go 1.22\ngo 1.23\n", "go one\n",
             "use (\n", "go 1.22\nuse ./a\nuse ./a/\n", "go 1.22\ngodebug foo=1\n", "go 1.22\ngodebug tls10server=1\n"]
    for i, text in enumerate(cases):
        d = tmp_path / str(i)
        _write_case(d, {"go.work": text, "a/go.mod": _A})
        want = gotool.run_go(["list", "-m", "all"], cwd=d, env=go_env)
        with pytest.raises(WorkspaceError) as e:
            Workspace(str(d / "go.work"), d)
        assert want.returncode == 1
        assert f"go: {e.value}\n" == want.stderr, text


def test_find_gowork(tmp_path: Path, isolated: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_case(tmp_path, {"go.work": "go 1.22\n", "a/b/go.mod": "module x\n"})
    assert find_gowork(tmp_path / "a" / "b") == str((tmp_path / "go.work").resolve())
    monkeypatch.setenv("GOWORK", "off")
    assert find_gowork(tmp_path / "a") is None
    monkeypatch.setenv("GOWORK", "rel/go.work")
    with pytest.raises(WorkspaceError, match="^invalid GOWORK: not an absolute path$"):
        find_gowork(tmp_path)
    monkeypatch.setenv("GOWORK", "auto")
    monkeypatch.setenv("GOROOT", str(tmp_path))
    assert find_gowork(tmp_path / "a") is None  # findWorkspaceFile never crosses GOROOT


def test_work_sum_keeps_lines_and_drops_what_modules_list(tmp_path: Path, hand_world, isolated: None) -> None:
    root, url, env = hand_world
    d = hash_gomod(HAND_MODULES[3].gomod_bytes())
    files = {"go.work": _W, "a/go.mod": _A, "b/go.mod": _B,
             "b/go.sum": f"example.com/h/d v1.2.0/go.mod {d}\n",
             "go.work.sum": f"example.com/h/d v1.2.0/go.mod {d}\nexample.com/zz v1.0.0 h1:abc=\n"}
    for side in ("go", "ours"):
        _write_case(tmp_path / side, files)
    assert gotool.run_go(["list", "-m", "all"], cwd=tmp_path / "go", env=env).returncode == 0
    mg = load_workspace(tmp_path / "ours" / "go.work", ProxySource(url), cwd=tmp_path / "ours")
    got = work_sum(mg)
    assert got.writes and got.text == (tmp_path / "go" / "go.work.sum").read_text()
    assert "example.com/zz v1.0.0 h1:abc=" in got.text and "h/d v1.2.0" not in got.text


_WORK_LINES = ["go 1.22", "go 1.17", "go 1.999", "go x", "toolchain go1.23.0", "use ./a", "use ./b", "use a",
               "use /nonexistent", "use", "use (", ")", "replace example.com/h/a => ./b",
               "replace example.com/h/d v1.0.0 => example.com/h/d v1.1.0", "replace x =>", "godebug panicnil=1",
               "godebug foo=1", "godebug default=go1.21", "module m", "// comment", "\"quoted", ""]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_WORK_LINES), max_size=8))
def test_any_go_work_loads_or_is_a_workspace_error(tmp_path: Path, lines: list[str]) -> None:
    """Whatever the go.work says, loading it gives a workspace or go's error, never a traceback."""
    d = tmp_path / "w"
    _write_case(d, {"go.work": "\n".join(lines) + "\n", "a/go.mod": _A, "b/go.mod": _B})
    try:
        ws = Workspace(str(d / "go.work"), d)
    except WorkspaceError as e:
        assert str(e) and "Traceback" not in str(e)
    else:
        assert [mf.path for mf in ws.modules] == [{"a": "example.com/h/a", "b": "example.com/h/b"}[os.path.basename(r)]
                                                  for r in ws.roots]
