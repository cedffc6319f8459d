"""gomodlab fails where go fails, with go's words and exit status — and only there.

Each refusal case is a world in which the real go command fails (the cases of the Go team's own
script tests, src/cmd/go/testdata/script: mod_goline_too_new, gotoolchain_modcmds,
mod_unknown_block, mod_retract_fix_version, mod_sum_*, …). ``gomodlab buildlist`` is compared with
``go list -m all`` and ``gomodlab modgraph`` with ``go mod graph``: the same stderr, byte for
byte, and the same exit status (stdout too, where go still prints something). The success cases
are worlds go accepts — known godebug keys, valid retractions and tool paths, a complete go.sum
— hand-made and over generated universes (tests/mvs_universes.py), where gomodlab must not refuse.

gomodlab runs in-process with the same environment variables go had and the module directory
as its working directory (go names go.mod by its ShortPath).
"""

from __future__ import annotations

import os
import random
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from gomodlab.lab import universe
from gomodlab.lab.universe import ModuleSource, gomod_text
from gomodlab.load import gotool
from gomodlab.mod import godebugs, gover

from . import mvs_universes
from .conftest import REPO
from .clirun import run_cli

pytestmark = pytest.mark.go

SEED = int(os.environ.get("GOMODLAB_MVS_SEED", "20261123"))
#: Generated universes checked with a complete go.sum, then with one go.mod line of it corrupted.
SUM_UNIVERSES = int(os.environ.get("GOMODLAB_GOFAILS_UNIVERSES", "40"))

MODULES = [
    ModuleSource("example.com/g/a", "v1.0.0", gomod_text("example.com/g/a", "1.21", [("example.com/g/b", "v1.0.0")])),
    ModuleSource("example.com/g/b", "v1.0.0", gomod_text("example.com/g/b", "1.21")),
    ModuleSource("example.com/g/b", "v1.1.0", gomod_text("example.com/g/b", "1.16")),
    ModuleSource("example.com/g/f", "v1.0.0", gomod_text("example.com/g/f", "1.999")),
    ModuleSource("example.com/g/old", "v1.0.0", gomod_text("example.com/g/old", "1.16", [("example.com/g/f", "v1.0.0")])),
    ModuleSource("example.com/g/new", "v1.0.0", gomod_text("example.com/g/new", "1.21", [("example.com/g/f", "v1.0.0")])),
    ModuleSource("example.com/g/fork", "v1.0.0", gomod_text("example.com/g/fork", "1.21")),
    ModuleSource("example.com/g/noinfo", "v1.0.0", gomod_text("example.com/g/noinfo", "1.21")),
    ModuleSource("example.com/g/c", "v1.0.0", gomod_text("example.com/g/c", "1.21", [("example.com/g/noinfo", "v1.0.0")])),
]


@dataclass
class World:
    root: Path
    proxy: Path
    url: str
    sums: dict[str, str]  # "path version/go.mod" → the go.sum line go writes


def _gomod_sum(m: ModuleSource) -> str:
    from gomodlab.mod.dirhash import hash_gomod

    return f"{m.path} {m.version}/go.mod {hash_gomod(m.gomod_bytes())}\n"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, go_exe: str) -> World:
    root = tmp_path_factory.mktemp("gofails")
    proxy = universe.write_proxy(root / "proxy", MODULES)
    (proxy / "example.com/g/noinfo/@v/v1.0.0.info").unlink()  # the proxy cannot describe this version
    sums = {f"{m.path} {m.version}": _gomod_sum(m) for m in MODULES}
    return World(root, proxy, universe.file_proxy_url(proxy), sums)


@dataclass
class Run:
    rc: int
    out: str
    err: str


def _both(monkeypatch: pytest.MonkeyPatch, d: Path, env: dict[str, str], go_args: list[str],
          ours: list[str]) -> tuple[Run, Run]:
    """go (on a copy of ``d``: -mod=mod may write go.mod and go.sum) and gomodlab (on ``d``)."""
    gocopy = d.parent / (d.name + "-go")
    if gocopy.exists():
        shutil.rmtree(gocopy)
    shutil.copytree(d, gocopy)
    g = gotool.run_go(go_args, cwd=gocopy, env=env)
    with monkeypatch.context() as mp:
        for k in list(os.environ):
            if k.startswith("GO") and k not in ("GOMODLAB_GO",):
                mp.delenv(k)
        for k, v in env.items():
            mp.setenv(k, v)
        mp.setenv("GOMODLAB_CACHE", "off")
        mp.chdir(d)
        rc, out, err = run_cli(*ours)
    # go names the copy it ran in; gomodlab the original.
    return Run(g.returncode, g.stdout, g.stderr.replace(str(gocopy), str(d))), Run(rc, out, err)


def _module(tmp: Path, gomod: str, gosum: str | None = None, files: dict[str, str] | None = None) -> Path:
    d = tmp / "m"
    d.mkdir(parents=True, exist_ok=True)
    (d / "go.mod").write_text(gomod)
    if gosum is not None:
        (d / "go.sum").write_text(gosum)
    for name, text in (files or {}).items():
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        (d / name).write_text(text)
    return d


def _env(world: World, tmp: Path, **extra: str) -> dict[str, str]:
    """go's environment for a case: GOFLAGS=-mod=mod (what gomodlab models) unless the case says."""
    return gotool.isolated_env(tmp / "goenv", proxy=world.url, flags="-mod=mod", **extra)


def _compare(monkeypatch, world: World, d: Path, env: dict[str, str], commands=("buildlist", "modgraph"),
             source: list[str] | None = None) -> dict[str, tuple[Run, Run]]:
    src = source if source is not None else ["--proxy", world.url]
    go_cmd = {"buildlist": ["list", "-m", "all"], "modgraph": ["mod", "graph"]}
    runs = {}
    for c in commands:
        want, got = _both(monkeypatch, d, env, go_cmd[c], [c, ".", *src])
        assert (got.rc, got.err, got.out) == (want.rc, want.err, want.out), f"{c}:\n{(d / 'go.mod').read_text()}"
        runs[c] = (want, got)
    return runs


# ---------------------------------------------------------------------------------------------
# Where go refuses: each world below makes the real go fail.

_M = "module example.com/g/m\n\n"

#: name → (main go.mod, go.sum or None, extra environment, expected refusal (regex on go's stderr)).
REFUSALS: dict[str, tuple[str, str | None, dict[str, str], str]] = {
    # mod_goline_too_new.txt, mod_unknown_block.txt
    "go line too new": (_M + "go 1.999\n", None, {},
                        r"^go: go.mod requires go >= 1.999 \(running go 1.27.3; GOTOOLCHAIN=local\)\n$"),
    "go line too new, unknown block": (_M + "go 1.999\n\nanewblock foo\n", None, {}, r"requires go >= 1.999"),
    "go line too new, toolchain line": (_M + "go 1.999\n\ntoolchain go1.999.1\n", None, {}, r"requires go >= 1.999"),
    "go line too new, GOTOOLCHAIN names go1.27.3": (_M + "go 1.28\n", None, {"GOTOOLCHAIN": "go1.27.3"},
                                                    r"GOTOOLCHAIN=go1.27.3\)"),
    # gotoolchain_modcmds.txt: a dependency's go line
    "dependency too new": (_M + "go 1.21\n\nrequire example.com/g/f v1.0.0\n", None, {},
                           r"module example.com/g/f@v1.0.0 requires go >= 1.999"),
    "dependency too new, deep": (_M + "go 1.16\n\nrequire example.com/g/old v1.0.0\n", None, {},
                                 r"old@v1.0.0 requires\n\texample.com/g/f@v1.0.0: module"),
    "dependency too new, below an unpruned root": (_M + "go 1.21\n\nrequire example.com/g/old v1.0.0\n", None, {},
                                                   r"old@v1.0.0 requires\n\texample.com/g/f@v1.0.0: module"),
    "dependency too new, replaced": (_M + "go 1.21\n\nrequire example.com/g/b v1.0.0\n\n"
                                     "replace example.com/g/b => example.com/g/f v1.0.0\n", None, {},
                                     r"module example.com/g/f@v1.0.0 requires go >= 1.999"),
    # modload CheckGodebug
    "unknown godebug": (_M + "go 1.21\n\ngodebug foo=1\n", None, {}, r'go.mod:5: unknown godebug "foo"'),
    "unknown godebugs in a block": (_M + "go 1.21\n\ngodebug (\n\tfoo=1\n\tpanicnil=1\n\tbar=2\n)\n", None, {},
                                    r'go.mod:6: unknown godebug "foo"\ngo: error loading go.mod:\ngo.mod:8:'),
    "removed godebug, old value": (_M + "go 1.21\n\ngodebug x509sha1=1\n", None, {}, r'removed GODEBUG "x509sha1"'),
    "removed godebug, one of two old values": (_M + "go 1.21\n\ngodebug asynctimerchan=2\n", None, {}, r"removed"),
    "godebug default too new": (_M + "go 1.21\n\ngodebug default=go1.999\n", None, {}, r"default=go1.999 too new"),
    "godebug default not a go version": (_M + "go 1.21\n\ngodebug default=1.21\n", None, {}, r"must be goVERSION"),
    "godebug before a too-new go line": (_M + "godebug foo=1\n\ngo 1.999\n", None, {}, r"requires go >= 1.999"),
    # mod_retract_fix_version.txt
    "retract v1 in a v2 module": ("module example.com/g/m/v2\n\ngo 1.21\n\nretract v1.0.0\n", None, {},
                                  r'retract example.com/g/m/v2: version "v1.0.0" invalid: should be v2, not v1'),
    "retract v3 in a v1 module": (_M + "go 1.21\n\nretract v3.0.1\n", None, {}, r"should be v0 or v1, not v3"),
    "retract interval ending in v2": (_M + "go 1.21\n\nretract [v1.0.0, v2.0.0]\n", None, {}, r'"v2.0.0" invalid'),
    "retract without module line": ("go 1.21\n\nretract v1.0.0\n", None, {},
                                    r"go.mod:3: no module directive found, so retract cannot be used"),
    "retract wrong major, second of two": (_M + "go 1.21\n\nretract (\n\tv1.0.0\n\tv2.0.0 // oops\n)\n", None, {},
                                           r"go.mod:7:2: retract"),
    # init.go makeMainModules
    "tool path with ..": (_M + "go 1.24\n\ntool ../x\n", None, {}, r'^go: malformed tool path "../x": invalid path'),
    "tool path, second bad": (_M + "go 1.24\n\ntool (\n\texample.com/g/ok\n\t\"example.com/g/a b\"\n)\n", None, {},
                              r"malformed tool path"),
    # modfetch readGoSum / checkModSum
    "malformed go.sum": (_M + "go 1.21\n\nrequire example.com/g/a v1.0.0\n",
                         "example.com/g/a v1.0.0/go.mod h1:x\n\nexample.com/g/b v1.0.0/go.mod\n", {},
                         r"^malformed go.sum:\n.*go.sum:3: wrong number of fields 2\n$"),
    "go.sum mismatch, root": (_M + "go 1.21\n\nrequire example.com/g/a v1.0.0\n",
                              "example.com/g/a v1.0.0/go.mod h1:AAAAbTK4wbh/zn2ky1WhEOIGrjbru9NrqO5Ou3nlNaA=\n", {},
                              r"^verifying example.com/g/a@v1.0.0/go.mod: checksum mismatch\n\tdownloaded: h1:"),
    "go.sum mismatch, replacement": (_M + "go 1.21\n\nrequire example.com/g/b v1.0.0\n\n"
                                     "replace example.com/g/b => example.com/g/fork v1.0.0\n",
                                     "example.com/g/fork v1.0.0/go.mod h1:AAAAbTK4wbh/zn2ky1WhEOIGrjbru9NrqO5Ou3nlNaA=\n",
                                     {}, r"verifying example.com/g/fork@v1.0.0/go.mod: checksum mismatch"),
    "go.sum mismatch, unloaded module (go list reads it)": (
        _M + "go 1.21\n\nrequire example.com/g/a v1.0.0\n",
        "example.com/g/b v1.0.0/go.mod h1:AAAAJkp/xiv8OktC5V16OuYntMeTjs1dkvTkFbgnZKw=\n", {}, r"SECURITY ERROR"),
    "go.sum mismatch before a matching line": (
        _M + "go 1.21\n\nrequire example.com/g/b v1.0.0\n",
        "example.com/g/b v1.0.0/go.mod h1:AAAAJkp/xiv8OktC5V16OuYntMeTjs1dkvTkFbgnZKw=\n"
        "example.com/g/b v1.0.0/go.mod {b}\n", {}, r"SECURITY ERROR"),
    # modload goModSummary in -mod=readonly
    "missing go.sum entry": (_M + "go 1.21\n\nrequire example.com/g/a v1.0.0\n", None, {"GOFLAGS": "-mod=readonly"},
                             r"^go: example.com/g/a@v1.0.0: missing go.sum entry for go.mod file; to add it:\n"
                             r"\tgo mod download example.com/g/a\n$"),
    "missing go.sum entry, deep": (_M + "go 1.16\n\nrequire example.com/g/a v1.0.0\n", "{a}",
                                   {"GOFLAGS": "-mod=readonly"}, r"a@v1.0.0 requires\n\texample.com/g/b@v1.0.0: missing"),
    "missing go.sum entry, replaced": (_M + "go 1.21\n\nrequire example.com/g/b v1.0.0\n\n"
                                       "replace example.com/g/b => example.com/g/fork v1.0.0\n", None,
                                       {"GOFLAGS": "-mod=readonly"}, r"\(replaced by example.com/g/fork@v1.0.0\)"),
    # modload moduleInfo: the .info of each listed version
    ".info missing from the proxy": (_M + "go 1.21\n\nrequire example.com/g/c v1.0.0\n", None, {},
                                     r"^go: example.com/g/noinfo@v1.0.0: reading file://.*/v1.0.0.info: "
                                     r"no such file or directory\n$"),
}


def _fill(text: str | None, world: World) -> str | None:
    if text is None:
        return None
    return text.replace("{a}", world.sums["example.com/g/a v1.0.0"]).replace(
        "{b}", world.sums["example.com/g/b v1.0.0"].split()[-1])


@pytest.mark.parametrize("name", list(REFUSALS))
def test_refusal_matches_go(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    gomod, gosum, extra, expect = REFUSALS[name]
    d = _module(tmp_path, gomod, _fill(gosum, world))
    env = _env(world, tmp_path, **extra)
    runs = _compare(monkeypatch, world, d, env)
    want, got = runs["buildlist"]
    assert want.rc == 1 and re.search(expect, want.err), f"go did not refuse as the case says:\n{want.err}"
    assert got.rc == 1


def test_info_missing_from_module_cache_with_goproxy_off(world: World, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """go mod graph downloads .mod files only; go list -m all under GOPROXY=off then lacks .info."""
    d = _module(tmp_path, _M + "go 1.21\n\nrequire example.com/g/a v1.0.0\n")
    env = _env(world, tmp_path)
    gotool.run_go(["mod", "graph"], cwd=d, env=env).check()
    off = {**env, "GOPROXY": "off"}
    runs = _compare(monkeypatch, world, d, off, ["buildlist"], ["--modcache", env["GOMODCACHE"]])
    assert runs["buildlist"][0].rc == 1 and "GOPROXY=off" in runs["buildlist"][0].err
    # With the .info files there (go list -m all fetched them), the same cache answers.
    gotool.run_go(["list", "-m", "all"], cwd=d, env=env).check()
    runs = _compare(monkeypatch, world, d, off, ["buildlist", "modgraph"], ["--modcache", env["GOMODCACHE"]])
    assert runs["buildlist"][0].rc == 0


def test_gomod_at_gopath_root(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A go.mod at $GOPATH: go warns; go list -m carries on, go mod graph finds no main module."""
    d = _module(tmp_path, _M + "go 1.21\n\nrequire example.com/g/a v1.0.0\n")
    env = _env(world, tmp_path)
    Path(env["GOPATH"]).mkdir(parents=True, exist_ok=True)
    (Path(env["GOPATH"]) / "go.mod").write_text("module example.com/gopath\n")
    runs = _compare(monkeypatch, world, d, env)
    assert runs["buildlist"][0].rc == 0 and runs["buildlist"][0].err.startswith("go: warning: ignoring go.mod in $GOPATH")
    assert runs["modgraph"][0].rc == 1
    # Only GOPATH's first entry counts.
    runs = _compare(monkeypatch, world, d, {**env, "GOPATH": f"{tmp_path / 'elsewhere'}:{env['GOPATH']}"})
    assert runs["modgraph"][0].rc == 0 and runs["modgraph"][0].err == ""


def test_gomod_inside_gopath_src_is_a_module(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _env(world, tmp_path)
    d = _module(Path(env["GOPATH"]) / "src" / "example.com" / "g", _M + "go 1.21\n\nrequire example.com/g/a v1.0.0\n")
    runs = _compare(monkeypatch, world, d, env)
    assert runs["buildlist"][0].rc == 0 and runs["buildlist"][0].err == ""


def test_gomod_at_temp_root(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A go.mod in the system temp directory itself is ignored: no main module."""
    tmp_root = tmp_path / "tmproot"
    _module(tmp_root, "module example.com/t\n")
    shutil.move(tmp_root / "m" / "go.mod", tmp_root / "go.mod")
    sub = tmp_root / "m"
    env = _env(world, tmp_path, TMPDIR=str(tmp_root))
    runs = _compare(monkeypatch, world, sub, env)
    assert runs["buildlist"][0].rc == runs["modgraph"][0].rc == 1
    assert "system temp root" in runs["modgraph"][0].err


# ---------------------------------------------------------------------------------------------
# Where go accepts: no false refusal.

ACCEPTED: dict[str, tuple[str, str | None, dict[str, str]]] = {
    "every known godebug key": (_M + "go 1.21\n\ngodebug (\n" + "".join(
        f"\t{name}={old or '1'}\n" for name, _, _, old in godebugs.KNOWN) + ")\n", None, {}),
    "removed godebug set to its new value": (_M + "go 1.21\n\ngodebug (\n" + "".join(
        f"\t{name}={'0' if '1' in old else '1'}\n" for name, _, old in godebugs.REMOVED if name != "asynctimerchan")
        + "\tasynctimerchan=0\n)\n", None, {}),
    "godebug default": (_M + "go 1.21\n\ngodebug default=go1.21\n", None, {}),
    "godebug default, go's own release": (_M + "go 1.21\n\ngodebug default=go1.27.3\n", None, {}),
    "retractions of the module's major": ("module example.com/g/m/v2\n\ngo 1.21\n\nretract (\n\tv2.0.1\n"
                                          "\t[v2.1.0, v2.2.0-pre] // bad\n)\n", None, {}),
    "retractions in a v1 module": (_M + "go 1.21\n\nretract (\n\tv0.1.0\n\tv1.2.3-rc.1\n\tv2.0.0+incompatible\n)\n",
                                   None, {}),
    "valid tool paths": (_M + "go 1.24\n\ntool (\n\texample.com/g/a/cmd/x\n\texample.com/UPPER\n\tnodot\n)\n", None, {}),
    "go line of go's own release": (_M + "go 1.27.3\n\nrequire example.com/g/a v1.0.0\n", None, {}),
    "toolchain line newer than go (local ignores it)": (_M + "go 1.21\n\ntoolchain go1.999.1\n\n"
                                                        "require example.com/g/a v1.0.0\n", None, {}),
    "dependency too new, pruned out": (_M + "go 1.21\n\nrequire example.com/g/new v1.0.0\n", None, {}),
    "complete go.sum, readonly": (_M + "go 1.21\n\nrequire example.com/g/a v1.0.0\n", "{a}{bsum}",
                                  {"GOFLAGS": "-mod=readonly"}),
    "go.sum with an empty-go.mod hash and other algorithms": (
        _M + "go 1.21\n\nrequire example.com/g/a v1.0.0\n",
        "example.com/g/a v1.0.0/go.mod h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=\n"
        "example.com/g/a v1.0.0/go.mod h2:whatever\n{a}\n", {}),
    "go.sum lines for modules never read": (_M + "go 1.21\n\nrequire example.com/g/a v1.0.0\n",
                                            "example.com/g/zzz v9.0.0/go.mod h1:AAAA\n", {}),
    "directory replacement needs no go.sum line": (_M + "go 1.21\n\nrequire example.com/g/b v1.0.0\n\n"
                                                   "replace example.com/g/b => ./b\n", "{a}",
                                                   {"GOFLAGS": "-mod=readonly"}),
}


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_accepted_like_go(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    gomod, gosum, extra = ACCEPTED[name]
    if gosum is not None:
        gosum = _fill(gosum, world).replace("{bsum}", world.sums["example.com/g/b v1.0.0"])
    d = _module(tmp_path, gomod, gosum, {"b/go.mod": "module example.com/g/b\n\ngo 1.21\n"})
    env = _env(world, tmp_path, **extra)
    runs = _compare(monkeypatch, world, d, env)
    assert runs["buildlist"][0].rc == 0, runs["buildlist"][0].err


# ---------------------------------------------------------------------------------------------
# Generated universes: the go.sum go writes, then the same go.sum with one go.mod line corrupted.


@pytest.fixture(scope="module")
def sum_world(tmp_path_factory: pytest.TempPathFactory, go_exe: str):
    root = tmp_path_factory.mktemp("gofails_universes")
    us = [mvs_universes.generate(SEED + 7, i) for i in range(SUM_UNIVERSES)]
    proxy = universe.write_proxy(root / "proxy", [m for u in us for m in u.modules])
    url = universe.file_proxy_url(proxy)
    env = gotool.isolated_env(root / "goenv", proxy=url, flags="-mod=mod")
    for i, u in enumerate(us):
        if i % 2:
            # Directives go checks in a main module, in forms it accepts: no false refusal.
            key = godebugs.KNOWN[i % len(godebugs.KNOWN)][0]
            u.main_gomod += f"\ngodebug {key}=1\n\nretract [v0.0.1, v0.0.{i}] // generated\n"
        # -mod=mod: go writes go.sum (and may tidy the roots in go.mod): that is the module used below.
        d = u.write_main(root / u.name)
        gotool.run_go(["list", "-m", "all"], cwd=d, env=env).check()
    return root, url, env, us


@pytest.mark.slow
def test_universes_with_complete_gosum(sum_world, monkeypatch: pytest.MonkeyPatch) -> None:
    root, url, env, us = sum_world
    w = World(root, Path(), url, {})
    for u in us:
        d = root / u.name
        assert (d / "go.sum").exists() or "require" not in (d / "go.mod").read_text()
        _compare(monkeypatch, w, d, {**env, "GOFLAGS": "-mod=readonly"})
        _compare(monkeypatch, w, d, env, ["modgraph"])


@pytest.mark.slow
def test_universes_with_one_corrupted_gosum_line(sum_world, monkeypatch: pytest.MonkeyPatch) -> None:
    root, url, env, us = sum_world
    w = World(root, Path(), url, {})
    rnd = random.Random(SEED)
    refused = 0
    for u in us:
        d = root / u.name
        if not (d / "go.sum").exists():
            continue
        lines = (d / "go.sum").read_text().splitlines(keepends=True)
        gomod_lines = [i for i, ln in enumerate(lines) if "/go.mod " in ln]
        i = rnd.choice(gomod_lines)
        path, version, h = lines[i].split()
        lines[i] = f"{path} {version} h1:{'A' * 43}=\n"
        (d / "go.sum").write_text("".join(lines))
        for flags in ("-mod=mod", "-mod=readonly"):
            runs = _compare(monkeypatch, w, d, {**env, "GOFLAGS": flags})
            refused += runs["buildlist"][0].rc
        (d / "go.sum").write_text("".join(lines[:i]) + f"{path} {version} {h}\n" + "".join(lines[i + 1:]))
    assert refused, "no corrupted line made go refuse: the test checks nothing"


# ---------------------------------------------------------------------------------------------
# The copied data and the messages, without go.


def test_godebug_table_is_goroot_table() -> None:
    """gomodlab/mod/godebugs.py is a copy of the running toolchain's src/internal/godebugs/table.go."""
    from . import goracle

    src = (goracle.goroot() / "src" / "internal" / "godebugs" / "table.go").read_text()
    src = re.sub(r"(?m)^\s*//.*$", "", src)  # entries commented out of the table are not known
    all_part = src[src.index("var All = []Info{"):src.index("var Removed")]
    known = [(m[1], m[2], int(m[3] or 0), m[4] or "") for m in re.finditer(
        r'\{Name: "([^"]+)", Package: "([^"]+)"(?:, Changed: (\d+))?(?:, Old: "([^"]*)")?', all_part)]
    assert tuple(known) == godebugs.KNOWN
    removed_part = src[src.index("var Removed = []RemovedInfo{"):]
    # Old is a predicate: one("1"), zero("0"), or a func comparing with string literals.
    olds = {"one": ("1",), "zero": ("0",)}
    removed = {(m[1], int(m[2]), olds.get(m[3]) or tuple(re.findall(r'"([^"]*)"', m[3])))
               for m in re.finditer(r'\{Name: "([^"]+)", Removed: (\d+), Old: (one|zero|func.*?\}),?\s*\}', removed_part)}
    assert removed == set(godebugs.REMOVED)
    assert f"go{gover.LOCAL_GO_VERSION}" in gotool.go_version()


@pytest.mark.parametrize("key,value,message", [
    ("panicnil", "1", None),
    ("default", "go1.21", None),
    ("x509sha1", "0", None),
    ("foo", "1", 'unknown godebug "foo"'),
    ("a b", "1", "key contains space"),
    ("a", "1 2", "value contains space"),
    ("a,b", "1", "key contains comma"),
    ("panicnil", "1,2", "value contains comma"),
    ("default", "go1.999", "default=go1.999 too new (toolchain is go1.27.3)"),
    ("default", "1.21", "value for default= must be goVERSION"),
    ("asynctimerchan", "1", 'removed GODEBUG "asynctimerchan" set to old value "1" (https://go.dev/doc/godebug#go-127)'),
])
def test_check_godebug(key: str, value: str, message: str | None) -> None:
    assert godebugs.check_godebug("godebug", key, value) == message


def test_readme_lists_the_refusals() -> None:
    text = (REPO / "README.md").read_text()
    section = text[text.index("## Where gomodlab refuses, as go does"):]
    for word in ("GOTOOLCHAIN=local", "godebug", "retract", "tool", "go.sum", ".info", "$GOPATH"):
        assert word in section, word
