"""Parsing ``go -x`` logs: target 1,000,000 lines in under 5 seconds on one core.

Side by side with go: the real go command produces a trace (``go mod download -x`` against a lab
GOPROXY on loopback) and gomodlab parses it; then a log of at least a million lines, made by
varying that real trace (module paths, versions, proxies, interleaving, git commands and the noise
real CI logs carry), is parsed once, pinned to one CPU.
"""

from __future__ import annotations

import os
import random
import re
import tempfile
import time
from pathlib import Path

from gomodlab.load import gotool
from gomodlab.lab import universe
from gomodlab.net import xlog
from gomodlab.net.labproxy import LabProxy

TARGET_LINES = 1_000_000
TARGET_SECONDS = 5.0

NOISE = [
    "go: downloading github.com/org{i}/repo{j} v1.{v}.0",
    "go: finding module for package github.com/org{i}/repo{j}/pkg",
    "mkdir -p $WORK/b{j:03d}/",
    "cd /home/runner/work/app/app",
    "/opt/go/pkg/tool/linux_amd64/compile -o $WORK/b{j:03d}/_pkg_.a -trimpath \"$WORK/b{j:03d}=>\" -p main -lang=go1.21 ./main.go",
    "2024-05-01T12:00:{s:02d}.1234567Z ##[group]Run go mod download -x",
]
VCS_TEMPLATE = [
    "cd {vcs}; git ls-remote -q --end-of-options https://git.example.org/r{j}",
    "{t:.3f}s # cd {vcs}; git ls-remote -q --end-of-options https://git.example.org/r{j}",
    "cd {vcs}; git -c log.showsignature=false log --no-decorate -n1 '--format=format:%H %ct %D' --end-of-options v1.{v}.0 --",
    "{t:.3f}s # cd {vcs}; git -c log.showsignature=false log --no-decorate -n1 '--format=format:%H %ct %D' --end-of-options v1.{v}.0 --",
]


def real_trace(workdir: Path) -> tuple[str, float]:
    """A real ``go mod download -x`` trace against a lab proxy, and how long go took."""
    mods = [universe.ModuleSource(f"example.com/m{i:02d}", "v1.0.0", universe.gomod_text(f"example.com/m{i:02d}", "1.21"),
                                  {"x.go": "package x\n"}) for i in range(40)]
    root = universe.write_proxy(workdir / "proxy", mods)
    work = workdir / "work"
    work.mkdir()
    (work / "go.mod").write_text(universe.gomod_text("example.com/main", "1.21", [(m.path, m.version) for m in mods]))
    with LabProxy(root) as url:
        env = gotool.isolated_env(workdir / "env", proxy=f"{url}/nf,{url}", flags="-mod=mod -modcacherw")
        res = gotool.run_go(["mod", "download", "-x"], cwd=work, env=env).check()
    return res.stderr, res.seconds


def synthetic_log(trace: str, n_lines: int, seed: int = 1) -> str:
    """At least ``n_lines`` lines in go's formats, varied from a real trace."""
    rng = random.Random(seed)
    pairs = [(a, b) for a, b in zip(trace.splitlines(), trace.splitlines()[1:])
             if a.startswith("# get ") and b.startswith(a + ": ")]
    proxies = ["https://proxy.golang.org", "https://goproxy.corp.example/api/go/remote", "http://127.0.0.1:3000"]
    out: list[str] = []
    window: list[str] = []
    while len(out) < n_lines:
        # ~4000 modules at 30 versions behind 3 proxies: a big CI fleet's proxy traffic.
        i, j, v = rng.randrange(400), rng.randrange(10), rng.randrange(30)
        start, end = rng.choice(pairs)
        mod = f"github.com/org{i}/{'!repo' if j % 7 == 0 else 'repo'}{j}"
        new = re.sub(r"^# get http://[^/]+(?:/nf)?/example\.com/m\d\d/@v/v1\.0\.0", "", start)
        url = f"{rng.choice(proxies)}/{mod}/@v/v1.{v}.0{new.rsplit('v1.0.0', 1)[-1] if new else '.info'}"
        status = rng.choice(["200 OK"] * 12 + ["404 Not Found", "410 Gone", "500 Internal Server Error"])
        out.append(f"# get {url}")
        # Concurrent requests: the end line comes out a few lines later, among other requests.
        window.append(f"# get {url}: {status} ({rng.lognormvariate(-3.5, 0.8):.3f}s)")
        if len(window) > rng.randrange(1, 8):
            out.append(window.pop(rng.randrange(len(window))))
        r = rng.random()
        if r < 0.05:
            out.append(rng.choice(NOISE).format(i=i, j=j, v=v, s=rng.randrange(60)))
        elif r < 0.06:
            vcs = f"/home/runner/go/pkg/mod/cache/vcs/{rng.getrandbits(256):064x}"
            out.extend(x.format(vcs=vcs, j=j, v=v, t=rng.random()) for x in VCS_TEMPLATE)
    out.extend(window)
    return "\n".join(out) + "\n"


def _pin_one_cpu() -> set[int] | None:
    if not hasattr(os, "sched_setaffinity"):
        return None
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    return before


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        trace, go_s = real_trace(Path(tmp))
    reps = 50
    t = time.perf_counter()
    for _ in range(reps):
        small = xlog.parse(trace)
    parse_small = (time.perf_counter() - t) / reps
    big = synthetic_log(trace, TARGET_LINES)
    n_lines = big.count("\n")
    before = _pin_one_cpu()
    try:
        t = time.perf_counter()
        df = xlog.parse(big)
        parse_big = time.perf_counter() - t
    finally:
        if before is not None:
            os.sched_setaffinity(0, before)
    small_lines = trace.count("\n")
    print(f"{'what':<44} {'go':>10} {'gomodlab':>10} {'ratio':>8}")
    print(f"{f'go mod download -x, {small_lines} lines (go: run)':<44} {go_s:>9.3f}s {parse_small:>9.4f}s "
          f"{parse_small / go_s:>8.4f}")
    print(f"{f'parse {n_lines:,} lines, one core':<44} {'':>10} {parse_big:>9.3f}s "
          f"{parse_big / TARGET_SECONDS:>8.2f}")
    print(f"  {n_lines / parse_big:,.0f} lines/s; {len(df):,} rows ({len(small)} in the real trace); "
          f"target {TARGET_SECONDS:.0f} s: {'met' if parse_big < TARGET_SECONDS else 'MISSED'} "
          f"(ratio column of this row: parse time / target)")
