"""A generated fleet of CI runners: module caches filled by the real go command, and go -x logs.

:func:`generate` writes, under one directory, what a platform team would collect from its runners
(the fleet notebook, the fleet tests and ``benchmarks/bench_fleet.py`` use it)::

    proxy/                        the GOPROXY every runner should have used (file://)
    mirror/                       a mirror serving other bytes for the corrupted versions
    project/go.mod, go.sum        the project the runners build; go.sum written by ``go mod tidy``
    runners/runner-NN/pkg/mod     one module cache per runner (a GOMODCACHE)
    logs/runner-NN/build-NNNN.log the runners' ``go mod download -x`` traces (stderr)
    plan.json                     what was planted (:class:`FleetPlan`), for checking an analysis

How it is made. The real go fills one cache through ``go mod tidy`` and ``go mod download`` from
the file:// proxy, and a second one from the mirror (GOSUMDB off, so go accepts the mirror's
bytes and writes its own ``.ziphash`` for them). Each runner's cache is a copy of the first with
a few versions left out; runners that went through the mirror (the first ones) get the second
cache's copy of the corrupted versions (the same bad bytes on several runners: an upstream
problem), and the last three healthy runners get local damage of their own (a file edited in an extracted directory, a zip rewritten,
a zip truncated). One runner's cache was wiped (an empty directory: not a module cache), so a
fleet scan has one input that fails.

The logs come from one real ``go mod download -x`` through a loopback lab proxy
(:class:`gomodlab.net.labproxy.LabProxy`): each log is that trace with the proxy named as the
runner's own proxy, the modules a build needed, and durations drawn per proxy and day. One proxy
(:data:`SLOW_PROXY`) turns slow from :data:`SLOW_FROM` on (about 15× the others' latency, and
some requests time out). A log's modification time is the day it was written (``-x`` traces
carry no clock). One log is a dangling symbolic link (rotated away), the logs' failing input.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import stat
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..load import gotool
from ..mod import modpath
from . import universe

__all__ = ["default_dir", "PROXIES", "SLOW_PROXY", "SLOW_FROM", "FIRST_DAY", "DAYS", "FleetPlan", "fleet_modules", "generate",
           "load_plan"]

#: The runners' proxies: runner ``i`` uses ``PROXIES[i % 3]``.
PROXIES = ("https://proxy-a.corp.example", "https://proxy-b.corp.example", "https://proxy-c.corp.example")
#: The proxy that turns slow, and the first day it is slow.
SLOW_PROXY = PROXIES[1]
FIRST_DAY = datetime(2026, 11, 23, tzinfo=timezone.utc)
DAYS = 7
SLOW_FROM = FIRST_DAY + timedelta(days=4)
#: Versions the mirror serves with other bytes, and how many runners fetched each through it.
_UPSTREAM = (("example.com/yaml", "v1.4.0", 6), ("example.com/grpcish", "v0.9.1", 4))
_NAMES = ("yaml", "grpcish", "logrus", "cobra", "testify", "uuid", "errors", "zap", "sqlx", "redis", "jwt", "toml")


@dataclass
class FleetPlan:
    """What :func:`generate` wrote and planted (``plan.json``)."""

    root: str
    caches: list[str] = field(default_factory=list)     # runners/runner-NN/pkg/mod, the broken one included
    logs: list[str] = field(default_factory=list)       # every log path, the dangling link included
    gosum: str = ""                                     # project/go.sum
    #: [module, version, [runner names]] served corrupted by the mirror.
    upstream: list[list] = field(default_factory=list)
    #: [runner, module, version, what was done] local damage.
    local: list[list] = field(default_factory=list)
    broken_cache: str = ""                              # the runner whose cache is not a cache
    broken_log: str = ""                                # the dangling log
    slow_proxy: str = SLOW_PROXY
    slow_from: str = SLOW_FROM.date().isoformat()
    proxies: list[str] = field(default_factory=lambda: list(PROXIES))


def default_dir() -> Path:
    """Where the fleet notebook writes its generated fleet and outputs: ``.fleet`` beside the demo's ``.demo``."""
    from .demo import default_dir as demo_dir

    return demo_dir().parent / ".fleet"


def load_plan(directory: str | os.PathLike[str]) -> FleetPlan:
    """The plan a :func:`generate` run wrote in ``directory``."""
    return FleetPlan(**json.loads((Path(directory) / "plan.json").read_text()))


def fleet_modules(mirror: bool = False) -> list[universe.ModuleSource]:
    """The module versions of the fleet's project (two versions of each path); ``mirror``: the
    mirror's copy, whose corrupted versions carry other bytes."""
    out = []
    bad = {(p, v) for p, v, _ in _UPSTREAM}
    fixed = {"yaml": ("v1.3.0", "v1.4.0"), "grpcish": ("v0.9.0", "v0.9.1")}
    for i, name in enumerate(_NAMES):
        path = f"example.com/{name}"
        major = (i // 2) % 2
        versions = fixed.get(name, (f"v{major}.{3 + i % 4}.0", f"v{major}.{4 + i % 4}.{i % 3}"))
        for j, version in enumerate(versions):
            body = f"package {name}\n\n// Version is the module's version.\nconst Version = \"{version}\"\n"
            if mirror and (path, version) in bad:
                # What a broken mirror might serve: the same files, one of them changed.
                body += "\nfunc init() { println(\"patched by the mirror\") }\n"
            files = {f"{name}.go": body, "internal/util.go": f"package internal\n\nconst N = {i * 7 + j}\n",
                     "README.md": f"# {path}\n\n" + "Documentation. " * (40 + 10 * i)}
            out.append(universe.ModuleSource(path, version, universe.gomod_text(path, "1.21"), files))
    return out


def _project(directory: Path, mods: Sequence[universe.ModuleSource]) -> None:
    latest: dict[str, str] = {}
    for m in mods:
        latest[m.path] = m.version
    directory.mkdir(parents=True, exist_ok=True)
    req = "".join(f"\t{p} {v}\n" for p, v in latest.items())
    (directory / "go.mod").write_text(f"module example.com/ci\n\ngo 1.21\n\nrequire (\n{req})\n")
    imports = "".join(f'\t_ "{p}"\n' for p in latest)
    (directory / "main.go").write_text(f"package ci\n\nimport (\n{imports})\n")


def _fill(top: Path, proxy: Path, cache: Path, project: Path | None, versions: Sequence[str]) -> None:
    """Fill ``cache`` with the real go: ``go mod tidy`` in the project, then ``go mod download``."""
    env = gotool.isolated_env(top, proxy=universe.file_proxy_url(proxy), GOMODCACHE=str(cache))
    if project is not None:
        gotool.run_go(["mod", "tidy"], cwd=project, env=env).check()
    gotool.run_go(["mod", "download", *versions], cwd=top, env=env).check()


def _writable(root: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        os.chmod(dirpath, os.stat(dirpath).st_mode | stat.S_IWUSR)
        for n in filenames:
            p = os.path.join(dirpath, n)
            if not os.path.islink(p):
                os.chmod(p, os.stat(p).st_mode | stat.S_IWUSR)


def _version_paths(cache: Path, module: str, version: str) -> tuple[list[Path], Path]:
    """The download files of a version and its extracted directory."""
    vdir = cache / "cache" / "download" / modpath.escape_path(module) / "@v"
    ev = modpath.escape_version(version)
    files = [vdir / f"{ev}.{s}" for s in ("info", "mod", "zip", "ziphash", "lock")]
    return files, cache / f"{modpath.escape_path(module)}@{ev}"


def _remove_version(cache: Path, module: str, version: str) -> None:
    files, xdir = _version_paths(cache, module, version)
    for f in files:
        f.unlink(missing_ok=True)
    if xdir.exists():
        shutil.rmtree(xdir)


def _copy_version(src: Path, dst: Path, module: str, version: str) -> None:
    _remove_version(dst, module, version)
    sfiles, sxdir = _version_paths(src, module, version)
    dfiles, dxdir = _version_paths(dst, module, version)
    for s, d in zip(sfiles, dfiles):
        if s.exists():
            shutil.copy2(s, d)
    shutil.copytree(sxdir, dxdir)


def _rewrite_zip(zpath: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(zpath) as z:
        entries = {i.filename: z.read(i) for i in z.infolist()}
    entries[name] = data
    tmp = zpath.with_suffix(".rewrite")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in entries.items():
            z.writestr(zipfile.ZipInfo(n, (2024, 1, 1, 0, 0, 0)), d)
    tmp.replace(zpath)


def _local_damage(cache: Path, module: str, version: str, how: str) -> None:
    files, xdir = _version_paths(cache, module, version)
    name = module.rsplit("/", 1)[1]
    if how == "edited a file in the extracted directory":
        (xdir / f"{name}.go").write_text("package broken\n")
    elif how == "rewrote the zip":
        _rewrite_zip(files[2], f"{module}@{version}/README.md", b"overwritten on this runner\n")
    else:
        data = files[2].read_bytes()
        files[2].write_bytes(data[: len(data) // 2])


_GET_END_RE = re.compile(r"^(# get (\S+?)): (\d{3} [^(]*)\((\d+\.\d+)s\)$")


def _template(top: Path, proxy: Path, versions: Sequence[str]) -> tuple[list[str], str]:
    """One real ``go mod download -x`` through a loopback lab proxy: its lines and the proxy URL."""
    from ..net.labproxy import LabProxy

    with LabProxy(proxy, seed=0) as url:
        env = gotool.isolated_env(top / "template", proxy=url)
        res = gotool.run_go(["mod", "download", "-x", *versions], cwd=top, env=env)
    res.check()
    return res.stderr.splitlines(), str(url)


def _synth_log(lines: list[str], lab: str, proxy: str, modules: set[str], day: datetime,
               rng: random.Random) -> str:
    """The template trace as one runner's build would have printed it."""
    slow = proxy == SLOW_PROXY and day >= SLOW_FROM
    out = []
    for line in lines:
        line = line.replace(lab, proxy)
        if line.startswith("# get ") or line.startswith("go: downloading "):
            mod = line.split()[2] if line.startswith("go: ") else line[6:].split("/@v/")[0].replace(proxy + "/", "")
            if modpath.unescape_path(mod) not in modules:
                continue
        m = _GET_END_RE.match(line)
        if m:
            if slow:
                if rng.random() < 0.04:
                    out.append(f"{m.group(1)}: net/http: timeout awaiting response headers")
                    continue
                seconds = rng.lognormvariate(-0.4, 0.6)
            else:
                seconds = rng.lognormvariate(-3.3 if proxy != PROXIES[2] else -3.0, 0.5)
            line = f"{m.group(1)}: {m.group(3)}({seconds:.3f}s)"
        out.append(line)
    return "\n".join(out) + "\n"


def generate(directory: str | os.PathLike[str], *, caches: int = 50, logs: int = 2000, seed: int = 1) -> FleetPlan:
    """Write a fleet of ``caches`` runners and ``logs`` go -x logs under ``directory`` (replacing
    an earlier one there); returns what was planted. Needs the real go (about a second, plus
    copying the caches)."""
    if caches < 8:
        raise ValueError(f"caches={caches}: a fleet needs at least 8 runners (the planted damage spans 7, "
                         "plus a broken one)")
    top = Path(directory).resolve()
    if top.exists():
        _writable(top)
        shutil.rmtree(top)
    top.mkdir(parents=True)
    rng = random.Random(seed)
    good, bad = fleet_modules(), fleet_modules(mirror=True)
    proxy = universe.write_proxy(top / "proxy", good)
    mirror = universe.write_proxy(top / "mirror", bad)
    project = top / "project"
    _project(project, good)
    every = [f"{m.path}@{m.version}" for m in good]
    base = top / "build" / "good"
    _fill(top / "build", proxy, base, project, every)
    upstream_versions = [f"{p}@{v}" for p, v, _ in _UPSTREAM]
    from_mirror = top / "build" / "mirror"
    _fill(top / "build", mirror, from_mirror, None, upstream_versions)
    _writable(base)
    _writable(from_mirror)

    names = [f"runner-{i:02d}" for i in range(1, caches + 1)]
    plan = FleetPlan(str(top), gosum=str(project / "go.sum"))
    optional = [(m.path, m.version) for m in good if (m.path, m.version) not in {(p, v) for p, v, _ in _UPSTREAM}]
    broken = names[-1]
    healthy = names[:-1]
    # The first runners went through the mirror (one took both corrupted versions); the last three
    # healthy ones have local damage. A small fleet gets fewer mirror runners.
    counts = [n if len(healthy) >= 13 else n // 3 + 1 for _, _, n in _UPSTREAM]
    picks = {(p, v): healthy[start:start + n] for (p, v, _), n, start in zip(_UPSTREAM, counts, (0, counts[0] - 1))}
    latest = {m.path: m.version for m in good}
    local = [(healthy[-3], "example.com/cobra", latest["example.com/cobra"], "edited a file in the extracted directory"),
             (healthy[-2], "example.com/zap", latest["example.com/zap"], "rewrote the zip"),
             (healthy[-1], "example.com/uuid", latest["example.com/uuid"], "truncated the zip")]
    keep_local = {(m, v) for _, m, v, _ in local}
    for name in names:
        cache = top / "runners" / name / "pkg" / "mod"
        plan.caches.append(str(cache))
        if name == broken:
            cache.mkdir(parents=True)
            continue
        shutil.copytree(base, cache, symlinks=True)
        for p, v in rng.sample([o for o in optional if o not in keep_local], 3):
            _remove_version(cache, p, v)
        for (p, v), runners in picks.items():
            if name in runners:
                _copy_version(from_mirror, cache, p, v)
    for (p, v), runners in picks.items():
        plan.upstream.append([p, v, list(runners)])
    for name, p, v, how in local:
        _local_damage(top / "runners" / name / "pkg" / "mod", p, v, how)
        plan.local.append([name, p, v, how])
    plan.broken_cache = broken

    lines, lab = _template(top / "build", proxy, every)
    paths = sorted({m.path for m in good})
    for k in range(logs):
        runner = k % caches
        name = names[runner]
        day = FIRST_DAY + timedelta(days=k * DAYS // max(logs, 1), hours=rng.randrange(6, 20),
                                    minutes=rng.randrange(60))
        needed = set(rng.sample(paths, rng.randrange(4, len(paths) + 1)))
        text = _synth_log(lines, lab, PROXIES[runner % 3], needed, day, rng)
        path = top / "logs" / name / f"build-{k:04d}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        os.utime(path, (day.timestamp(), day.timestamp()))
        plan.logs.append(str(path))
    dangling = top / "logs" / names[0] / f"build-{logs:04d}.log"
    dangling.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(top / "rotated" / dangling.name, dangling)
    plan.logs.append(str(dangling))
    plan.broken_log = str(dangling)
    _writable(top / "build")
    shutil.rmtree(top / "build")
    (top / "plan.json").write_text(json.dumps(asdict(plan), indent=1) + "\n")
    return plan
