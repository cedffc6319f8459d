"""go mod why in-process (gomodlab.load.modwhy, ``gomodlab why-pkg``) against the real go mod why.

Each world is a txtar archive in tests/data/why/ (the format of tests/data/tidy/hand/: the main
module's files, the proxy's module versions under ``proxy/<path>@<version>/``); every ``run:``
line of its comment is one ``go mod why`` command line, after ``NAME=value`` words that set go's
environment for that run (``GOFLAGS=-mod=vendor``; otherwise GOFLAGS is ``-mod=mod``). go tidies a
copy of the main module first (filling the module cache), then each run goes to go and to
``gomodlab why-pkg`` in the tidied module's directory, with the module cache (``--modcache``) and
with the proxy (``--proxy``; only this one where go fails, since go's message names the proxy it
read), given before the run's arguments (after them they would be packages for go, and after a
``--`` for gomodlab too): stdout, exit status and stderr must be the same. Below them, unit tests
of the pieces and the command line's own errors. Always run (``make test``).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from gomodlab.lab import universe
from gomodlab.load import gotool
from gomodlab.load.modwhy import WhyRecord, WhyRefused, why
from gomodlab.load.sources import ModCacheSource
from gomodlab.mod.pkgpattern import clean_patterns, match_pattern, tree_can_match

from .conftest import REAL_WORLD_DATA
from .test_tidy_hand_go import Case, read_case
from .clirun import run_cli
from .tidy_harness import in_go_env
from .tidy_oracle import comparable_stderr

pytestmark = pytest.mark.go

CASES_DIR = REAL_WORLD_DATA / "why"


@dataclass(frozen=True)
class Run:
    """One ``run:`` line: go mod why's arguments, and the variables it sets in go's environment."""

    args: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return shlex.join([f"{k}={v}" for k, v in self.env] + list(self.args))


@dataclass
class World:
    case: Case
    runs: list[Run]
    #: An ``as-is`` line: the main module is used as written, go mod tidy is not run on it.
    as_is: bool = False
    #: An ``in: DIR`` line: the runs happen in that directory of the main module.
    subdir: str = ""


def read_world(path: Path) -> World:
    w = World(read_case(path), [])
    for line in path.read_text(encoding="utf-8").split("\n-- ", 1)[0].splitlines():
        if line == "run:" or line.startswith("run: "):
            words = shlex.split(line[4:])
            env = []
            while words and re.match(r"[A-Z][A-Z0-9_]*=", words[0]):
                env.append(tuple(words.pop(0).split("=", 1)))
            w.runs.append(Run(tuple(words), tuple(env)))
        elif line == "as-is":
            w.as_is = True
        elif line.startswith("in: "):
            w.subdir = line[4:]
    return w


WORLDS = [read_world(p) for p in sorted(CASES_DIR.glob("*.txt"))]
RUNS = [pytest.param(w, i, id=f"{w.case.name}-{i}") for w in WORLDS for i in range(len(w.runs))]


@dataclass
class Tidied:
    """A world's module tidied by go, and the environment go ran in."""

    root: Path
    module: Path
    env: dict[str, str]
    proxy_url: str
    go_runs: dict[int, gotool.GoResult]


_TIDIED: dict[str, Tidied] = {}


def tidied(world: World, tmp_path_factory: pytest.TempPathFactory) -> Tidied:
    """go mod tidy on the world (once per session), the module cache filled (unless ``as_is``)."""
    got = _TIDIED.get(world.case.name)
    if got is None:
        root = tmp_path_factory.mktemp(f"why-{world.case.name}")
        proxy = universe.write_proxy(root / "proxy", world.case.modules)
        url = universe.file_proxy_url(proxy)
        env = gotool.isolated_env(root / "goenv", proxy=url, flags="-mod=mod")
        module = world.case.write_main(root / "m")
        if not world.as_is:
            res = gotool.run_go(["mod", "tidy"], cwd=module, env=env)
            assert res.returncode == 0, res.stderr
        got = _TIDIED[world.case.name] = Tidied(root, module, env, url, {})
    return got


def go_why(t: Tidied, world: World, i: int) -> gotool.GoResult:
    if i not in t.go_runs:
        d = t.root / f"go-{i}"
        shutil.copytree(t.module, d)
        run = world.runs[i]
        t.go_runs[i] = gotool.run_go(["mod", "why", *run.args], cwd=d / world.subdir, env={**t.env, **dict(run.env)})
    return t.go_runs[i]


def test_every_world_is_read() -> None:
    assert len(WORLDS) >= 18
    for w in WORLDS:
        assert w.case.description and "go.mod" in w.case.main_files and w.runs, w.case.name


@pytest.mark.parametrize("world,i", RUNS)
def test_why_pkg_matches_go_mod_why(world: World, i: int, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    t = tidied(world, tmp_path_factory)
    want = go_why(t, world, i)
    modcache = t.env["GOMODCACHE"]
    # Where go fails, its message names the source it read (the proxy): --modcache answers from
    # the cache go filled and names that instead, so failures are compared with --proxy only.
    for opts in (["--modcache", modcache], ["--proxy", t.proxy_url])[want.returncode != 0:]:
        d = tmp_path / opts[0].strip("-")
        shutil.copytree(t.module, d)
        run = world.runs[i]
        in_go_env(monkeypatch, {**t.env, **dict(run.env)}, d / world.subdir)
        rc, out, err = run_cli("why-pkg", *opts, *run.args)
        what = f"{world.case.name}: go mod why {run} ({opts[0]})"
        assert (rc, out) == (want.returncode, want.stdout), f"{what}\ngo:\n{want.stdout}{want.stderr}\ngomodlab:\n{out}{err}"
        assert comparable_stderr(err, work=d) == comparable_stderr(want.stderr, work=t.root / f"go-{i}"), what


def test_api_records_and_json(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    world = next(w for w in WORLDS if w.case.name == "imports-and-tests")
    t = tidied(world, tmp_path_factory)
    in_go_env(monkeypatch, t.env, t.module)
    res = why(["example.com/w/b", "example.com/w/at", "example.com/w/nowhere"], t.module,
              ModCacheSource(t.env["GOMODCACHE"]))
    assert [r.to_json() for r in res.records] == [
        {"package": "example.com/w/b", "path": ["example.com/w/m", "example.com/w/a", "example.com/w/b"],
         "needed": True},
        {"package": "example.com/w/at", "path": ["example.com/w/m", "example.com/w/a", "example.com/w/a.test",
                                                 "example.com/w/at"], "needed": True},
        {"package": "example.com/w/nowhere", "path": [], "needed": False},
    ]
    assert res.text().endswith("# example.com/w/nowhere\n(main module does not need package example.com/w/nowhere)\n")
    vendored = why(["example.com/w/at"], t.module, ModCacheSource(t.env["GOMODCACHE"]), vendor=True)
    assert vendored.text() == ("# example.com/w/at\n"
                               "(main module does not need to vendor package example.com/w/at)\n")
    mods = why(["example.com/w/a"], t.module, ModCacheSource(t.env["GOMODCACHE"]), modules=True)
    assert mods.records == (WhyRecord("example.com/w/a", "module", ("example.com/w/m", "example.com/w/a")),)
    rc, out, _ = run_cli("why-pkg", "-m", "example.com/w/a", "example.com/w/zz", "--format", "json",
                     "--modcache", t.env["GOMODCACHE"])
    assert rc == 0 and json.loads(out) == [
        {"module": "example.com/w/a", "path": ["example.com/w/m", "example.com/w/a"], "needed": True},
        {"module": "example.com/w/zz", "path": [], "needed": False}]
    monkeypatch.chdir(t.root)   # -C DIR: run there, as go -C DIR does
    rc, out, _ = run_cli("why-pkg", "-C", str(t.module), ".", "--modcache", t.env["GOMODCACHE"])
    assert (rc, out) == (0, "# example.com/w/m\nexample.com/w/m\n")


def test_refusals_carry_gos_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(WhyRefused) as e:
        why(["example.com/a@v1.0.0"], tmp_path, modules=True)
    assert e.value.stderr == "go: example.com/a@v1.0.0: 'go mod why' requires a module path, not a version query\n"
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path / "empty")
    rc, out, err = run_cli("why-pkg", "example.com/a")
    assert (rc, out) == (1, "")
    assert err == "go: go.mod file not found in current directory or any parent directory; see 'go help modules'\n"


def test_outside_a_module_matches_go(tmp_path: Path, go_exe: str) -> None:
    env = gotool.isolated_env(tmp_path / "goenv")
    (tmp_path / "empty").mkdir()
    res = gotool.run_go(["mod", "why", "example.com/a"], cwd=tmp_path / "empty", env=env)
    assert res.returncode == 1
    assert res.stderr == "go: go.mod file not found in current directory or any parent directory; see 'go help modules'\n"


def test_cli_usage_errors_are_clear(capsys: pytest.CaptureFixture[str]) -> None:
    from gomodlab.cli import main

    with pytest.raises(SystemExit) as e:
        main(["why-pkg", "x", "--proxy", "file:///p", "--modcache", "/c"])
    assert e.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["why-pkg", "x", "--format", "yaml"])
    assert "invalid choice: 'yaml'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:   # one before the packages, the other among them
        main(["why-pkg", "--modcache", "/c", "-m", "x", "--proxy", "file:///p"])
    assert e.value.code == 2
    assert "argument --modcache: not allowed with argument --proxy" in capsys.readouterr().err


def test_patterns() -> None:
    assert match_pattern("x/...")("x") and match_pattern("x/...")("x/y/z") and not match_pattern("x/...")("xy")
    assert not match_pattern("...")("a/vendor/b") and match_pattern("a/vendor/...")("a/vendor/b")
    assert match_pattern(".../vendor/...")("a/vendor") and match_pattern("net/...")("net/http")
    assert tree_can_match("net/...")("net") and not tree_can_match("net/...")("ne")
    assert tree_can_match("example.com/a/...")("example.com") and not tree_can_match("example.com/a")("os")
    assert clean_patterns([]) == ["."]
    assert clean_patterns(["./a/../b", "./.", "a//b/", "x/y/@v1", "//a"]) == ["./b", ".", "a/b", "x/y@v1", "/a"]


def test_record_stanzas() -> None:
    r = WhyRecord("example.com/x", "package", ())
    assert not r.needed
    assert r.stanza() == "# example.com/x\n(main module does not need package example.com/x)\n"
    assert r.stanza(vendor=True) == "# example.com/x\n(main module does not need to vendor package example.com/x)\n"
    m = WhyRecord("example.com/x", "module", ("example.com/m", "example.com/m.test", "example.com/x/y"))
    assert m.needed and m.stanza() == "# example.com/x\nexample.com/m\nexample.com/m.test\nexample.com/x/y\n"


def test_goroot_scans_are_indexed_between_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GOROOT/src is indexed as a module-cache directory is (gomodlab.load.dirindex): a scan is
    reused while its directory and the files it read are unchanged, made again for another way of
    scanning or after a change, and never stored while a file it read had changed less than a
    second before (a same-size edit in that tick keeps the file's stat key)."""
    from gomodlab.load.dirindex import DirIndex
    from gomodlab.load.modfiles import StdLib, scan_in_tree
    from gomodlab.mod import goscan
    from gomodlab.mod.buildconstraint import ANY_TAGS, Tags, tags

    monkeypatch.setenv("GOMODLAB_CACHE", str(tmp_path / "cache"))
    src = tmp_path / "goroot" / "src"
    for pkg, imp in (("fmt", "os"), ("os", "errors")):
        (src / pkg).mkdir(parents=True)
        (src / pkg / f"{pkg}.go").write_text(f'package {pkg}\n\nimport "{imp}"\n')
    old = time.time_ns() - 3600 * 10**9
    for p in (src / "fmt" / "fmt.go", src / "fmt", src / "os"):
        os.utime(p, ns=(old, old))
    time.sleep(1.05)  # utime set their ctimes to now: racy for a second
    racy = time.time_ns()
    os.utime(src / "os" / "os.go", ns=(racy, racy))  # os.go just edited, its directory not
    scanned: list[str] = []
    real = goscan.scan_dir

    def counting(entries, how, *, directory: str = "", index: bool = False):  # noqa: ANN001, ANN202
        scanned.append(os.path.basename(directory))
        return real(entries, how, directory=directory, index=index)

    monkeypatch.setattr(goscan, "scan_dir", counting)

    def run(how: Tags = ANY_TAGS) -> dict[str, tuple[str, ...]]:
        scanned.clear()
        std = StdLib(str(src.parent), indexed=True)
        got = {rel: scan_in_tree(std.tree, rel, std.dir_of(rel), how, True).imports for rel in ("fmt", "os")}
        std.save_index()
        return got

    assert run() == {"fmt": ("os",), "os": ("errors",)} and scanned == ["fmt", "os"]
    stored = DirIndex(DirIndex.directory_for(str(tmp_path / "cache"), str(src)), str(src)).scans
    assert [rel for rel, _ in stored] == ["fmt"]                              # the racy one is not
    (src / "os" / "os.go").write_text('package os\n\nimport "unsafe"\n')     # same size, same tick
    os.utime(src / "os" / "os.go", ns=(racy, racy))
    assert run() == {"fmt": ("os",), "os": ("unsafe",)} and scanned == ["os"]
    assert run(tags("linux", goos="linux"))["fmt"] == ("os",) and scanned == ["fmt", "os"]  # another way of scanning
    os.utime(src / "fmt" / "fmt.go", ns=(old + 1, old + 1))                  # a file changed: scanned again
    run()
    assert scanned[0] == "fmt"
    monkeypatch.setenv("GOMODLAB_CACHE", "off")
    assert StdLib(str(src.parent), indexed=True).tree.index is None


def test_go_mod_missing_from_the_module_cache_is_gos_error(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """``--modcache`` reads the cache as go reads ``GOPROXY=file://$GOMODCACHE/cache/download``: a
    go.mod missing there is go's error naming that file (the proxy's case: the world runs)."""
    world = next(w for w in WORLDS if w.case.name == "missing-gomod-unpruned")
    t = tidied(world, tmp_path_factory)
    modcache = t.env["GOMODCACHE"]
    gotool.run_go(["mod", "why", "example.com/w/a"], cwd=t.module, env=t.env)   # the cache gets a's go.mod
    env = {**t.env, "GOPROXY": f"file://{modcache}/cache/download"}
    want = gotool.run_go(["mod", "why", "example.com/w/a"], cwd=t.module, env=env)
    assert want.returncode == 1 and "example.com/w/gone@v1.0.0: reading file://" in want.stderr
    in_go_env(monkeypatch, env, t.module)
    assert run_cli("why-pkg", "example.com/w/a", "--modcache", modcache) == (1, "", want.stderr)


def test_go_mod_why_never_vendors(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    """The vendor worlds are what they say, for the go commands that do vendor: go list (vendor mode
    by default) sees the vendored copy's import of example.com/w/c, and refuses the inconsistent
    vendor directory, while go mod why (the world runs) answers from the modules. -mod is not a flag
    of go mod why: go and why-pkg refuse it alike."""
    from gomodlab.cli import main

    t = tidied(next(w for w in WORLDS if w.case.name == "vendor-ignored"), tmp_path_factory)
    env = {**t.env, "GOFLAGS": ""}
    listed = gotool.run_go(["list", "-deps", "./..."], cwd=t.module, env=env)
    assert listed.returncode == 0 and "example.com/w/c" in listed.stdout.split()
    for args in (["-mod=vendor", "example.com/w/a"], ["-m", "--mod", "mod", "example.com/w/a"]):
        want = gotool.run_go(["mod", "why", *args], cwd=t.module, env=env)
        assert want.returncode == 2 and want.stderr.startswith("flag provided but not defined: -mod\n")
        in_go_env(monkeypatch, env, t.module)
        with pytest.raises(SystemExit) as e:
            main(["why-pkg", *args])
        assert (e.value.code, capsys.readouterr()) == (2, ("", want.stderr))
    t = tidied(next(w for w in WORLDS if w.case.name == "vendor-inconsistent"), tmp_path_factory)
    listed = gotool.run_go(["list", "./..."], cwd=t.module, env={**t.env, "GOFLAGS": ""})
    assert listed.returncode == 1 and listed.stderr.startswith("go: inconsistent vendoring in ")
