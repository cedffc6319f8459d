"""A checked-in workspace of five modules with replaces, and a vendored module, against real go.

``tests/data/workspace5`` (hand-written; README there) is the shape many repositories have: a
go.work using five modules (``use`` block and line), a go.work version replacement
(``example.com/lib v1.2.0 => example.com/fork/lib v1.1.1``) and a directory replacement of
every version (``example.com/logx => ./localfork/logx``) that overrides a module's own
replacement, a module directory replacement of a workspace module for builds without the
workspace, an exclude in one module that changes what another module's requirement selects, a
toolchain line; and ``vend``, vendored with ``GOWORK=off go mod vendor`` (vendor/ checked in).
Its dependencies are txtar archives in ``proxy/`` served as a file:// GOPROXY. Every command
answer is compared with what go 1.27.3 prints here, in the same run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gomodlab.lab import universe
from gomodlab.load import gotool

from .cmdgo_proxy import write_proxy
from .clirun import run_cli

pytestmark = pytest.mark.go

DATA = Path(__file__).parent / "data" / "workspace5"
MODULES = ("app", "core", "api", "tools", "vend")


class World:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.ws = root / "ws"
        shutil.copytree(DATA, self.ws, ignore=shutil.ignore_patterns("proxy", "README.md"))
        write_proxy(root / "proxy", DATA / "proxy")
        self.url = universe.file_proxy_url(root / "proxy")
        self.env = gotool.isolated_env(root / "goenv", proxy=self.url)
        self.modcache = self.env["GOMODCACHE"]

    def go(self, *argv: str, cwd: Path | None = None, **env: str) -> gotool.GoResult:
        return gotool.run_go(list(argv), cwd=cwd or self.ws, env=self.env | env)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, go_exe: str) -> World:
    w = World(tmp_path_factory.mktemp("workspace5"))
    # go list -m all writes go.work.sum; the build then fills the cache with the zips (and adds
    # their hashes), which go list -m -json all shows as Dir, Sum and GoModSum.
    w.listed = w.go("list", "-m", "all")
    w.work_sum = (w.ws / "go.work.sum").read_text()
    w.built = w.go("build", *(f"./{m}" for m in MODULES))
    w.json = w.go("list", "-m", "-json", "all")
    w.graph = w.go("mod", "graph")
    return w


@pytest.fixture
def isolated(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    for k in ("GOWORK", "GOFLAGS", "GOROOT"):
        monkeypatch.delenv(k, raising=False)
    for k in ("GOTOOLCHAIN", "GOENV", "GOPROXY", "GOSUMDB", "GOMODCACHE", "GOPATH"):
        monkeypatch.setenv(k, world.env[k])
    monkeypatch.setenv("GOMODLAB_CACHE", "off")


def test_go_accepts_the_workspace_and_builds_it(world: World) -> None:
    assert world.listed.returncode == 0, world.listed.stderr
    assert world.listed.stdout.splitlines()[:5] == sorted(f"example.com/ws/{m}" for m in MODULES)
    # The exclude in api drops vend's util v1.3.0; go.work's replacements win over core's.
    assert "example.com/util v1.0.0\n" in world.listed.stdout
    assert "example.com/logx v0.1.0 => ./localfork/logx\n" in world.listed.stdout
    assert world.built.returncode == 0, world.built.stderr


@pytest.mark.parametrize("where", [".", "app", "vend", "localfork/logx"])
@pytest.mark.parametrize("how", ["proxy", "modcache"])
def test_buildlist_and_modgraph_match_go(world: World, isolated: None, where: str, how: str) -> None:
    opts = ["--proxy", world.url] if how == "proxy" else ["--modcache", world.modcache]
    d = str(world.ws / where)
    assert run_cli("buildlist", d, *opts)[:2] == (0, world.listed.stdout)
    assert run_cli("modgraph", d, *opts)[:2] == (0, world.graph.stdout)


def test_excluded_edge_is_recorded_as_outside_a_workspace(world: World, isolated: None) -> None:
    """api's exclude drops vend's requirement on util v1.3.0 (go mod graph has no such line);
    the workspace graph records the dropped edge as a module's graph does (ModGraph.excluded_edges)."""
    from gomodlab.load.sources import ProxySource
    from gomodlab.load.workspace import load_workspace

    mg = load_workspace(world.ws / "go.work", ProxySource(world.url), cwd=world.ws)
    dropped = {(str(m), str(r)) for m, r in mg.excluded_edges}
    assert dropped == {("example.com/ws/vend", "example.com/util@v1.3.0")}
    assert "example.com/ws/vend example.com/util@v1.3.0\n" not in world.graph.stdout


@pytest.mark.parametrize("how", ["proxy", "modcache"])
def test_go_json_matches_go_list_json_byte_for_byte(world: World, isolated: None, how: str) -> None:
    assert world.json.returncode == 0, world.json.stderr
    opts = ["--proxy", world.url] if how == "proxy" else ["--modcache", world.modcache]
    rc, out, err = run_cli("buildlist", str(world.ws), "--format", "go-json", *opts)
    assert (rc, err) == (0, "")
    assert out == world.json.stdout


def test_work_sum_is_what_go_writes(world: World, isolated: None, tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(world.ws, ws, ignore=shutil.ignore_patterns("go.work.sum"))
    rc, out, err = run_cli("buildlist", str(ws), "--proxy", world.url, "--work-sum")
    assert rc == 0, err
    assert out == world.work_sum


@pytest.mark.parametrize("module", ["example.com/lib", "example.com/logx", "example.com/old", "example.com/util"])
def test_why_reaches_every_dependency_from_a_used_module(world: World, isolated: None, module: str) -> None:
    rc, out, err = run_cli("why", module, str(world.ws), "--proxy", world.url)
    assert rc == 0, err
    head, start = out.splitlines()[:2]
    assert head.startswith(f"# {module} (selected v") and start.startswith("example.com/ws/")


def test_workspace_off_is_the_vendored_module_alone(world: World, isolated: None,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    vend = world.ws / "vend"
    monkeypatch.setenv("GOWORK", "off")
    # go ≥ 1.14 with vendor/ defaults to -mod=vendor, where 'all' cannot be computed.
    listed = world.go("list", "-m", "all", cwd=vend, GOWORK="off")
    assert listed.returncode == 1
    assert run_cli("buildlist", str(vend)) == (1, "", listed.stderr)
    built = world.go("build", "./...", cwd=vend, GOWORK="off", GOPROXY="off")
    assert built.returncode == 0, built.stderr
    rc, out, err = run_cli("vendor-check", str(vend))
    assert rc == 0 and "vendor/modules.txt is consistent with go.mod" in out, err
    # With -mod=mod go reads the module graph instead of vendor/.
    listed = world.go("list", "-m", "all", cwd=vend, GOWORK="off", GOFLAGS="-mod=mod")
    monkeypatch.setenv("GOFLAGS", "-mod=mod")
    assert run_cli("buildlist", str(vend), "--proxy", world.url)[:2] == (0, listed.stdout)


def test_inconsistent_vendoring_is_reported_as_go_reports_it(world: World, isolated: None, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    vend = tmp_path / "vend"
    shutil.copytree(world.ws / "vend", vend)
    gomod = vend / "go.mod"
    gomod.write_text(gomod.read_text().replace("example.com/util v1.3.0", "example.com/util v1.0.0"))
    built = world.go("build", "./...", cwd=vend, GOWORK="off", GOPROXY="off")
    assert "inconsistent vendoring" in built.stderr
    monkeypatch.setenv("GOWORK", "off")
    assert run_cli("vendor-check", str(vend)) == (1, "", built.stderr)
