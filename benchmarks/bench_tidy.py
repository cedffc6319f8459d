"""go mod tidy: ``gomodlab tidy`` (in-process, no toolchain) against ``go mod tidy``, warm cache.

A generated project: 300 modules of 10 packages each (3,000 packages, real Go files with
imports inside and across modules, a test file per module importing a test-only dependency, a
few build-tagged files), written as a file:// GOPROXY; go fills a module cache from it. The main
module imports the first package of 40 modules and requires only those: tidy must add every
module of the closure and the test dependencies' go.sum lines.

Then, on the warm cache (GOPROXY=off), with the main module reset to its untidy go.mod before each
run (its files rewritten: new mtimes, so no memo can answer): the wall time of ``go mod tidy`` and
of ``gomodlab tidy --modcache … --write`` — with gomodlab's caches off, and with its go.mod
summary cache warm — and of ``gomodlab tidy`` on a copy whose inputs are unchanged since the last
run (the output memo answers). ``RUNS`` rounds, each running go and then every variant, so that
load from the rest of the machine falls on both sides; the ratio is the median (min–max) of the
per-round ratios to go. Also the peak RSS of the gomodlab processes, the in-process ``tidy()``
time and the load average. Target: gomodlab ≤ 1.0× go, peak RSS < 500 MB; the outputs must be
byte-identical.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from gomodlab.lab import universe
from gomodlab.lab.universe import ModuleSource
from gomodlab.load import gotool

from benchmarks import gomodlab_command, gomodlab_env

N_MODULES = 300
PACKAGES = 10
PREFIX = "example.com/tb"
RUNS = 5


def _go(pkg: str, imports: list[str], tags: str = "") -> str:
    head = f"//go:build {tags}\n\n" if tags else ""
    body = "".join(f'\t_ "{i}"\n' for i in imports)
    return f"{head}// Package {pkg} is generated.\npackage {pkg}\n\nimport (\n{body})\n\nvar X = 1\n"


def make_project(seed: int = 7) -> tuple[list[ModuleSource], dict[str, str]]:
    """(module versions, main module files)."""
    rnd = random.Random(seed)
    mods = []
    for k in range(N_MODULES):
        path = f"{PREFIX}/m{k:03d}"
        deps = sorted(rnd.sample(range(k + 1, N_MODULES), min(3, N_MODULES - k - 1)))
        test_dep = rnd.randrange(N_MODULES)
        files: dict[str, str] = {}
        for i in range(PACKAGES):
            imports = [f"{path}/p{i + 1}"] if i + 1 < PACKAGES else []
            if i < len(deps):
                imports.append(f"{PREFIX}/m{deps[i]:03d}/p{rnd.randrange(PACKAGES)}")
            imports.append("fmt")
            files[f"p{i}/p{i}.go"] = _go(f"p{i}", imports)
        files["p0/p0_test.go"] = _go("p0", [f"{PREFIX}/m{test_dep:03d}/p9", "testing"])
        files["p1/p1_windows.go"] = _go("p1", ["os"])
        reqs = [(f"{PREFIX}/m{d:03d}", "v1.0.0") for d in deps]
        if test_dep != k:
            reqs.append((f"{PREFIX}/m{test_dep:03d}", "v1.0.0"))
        reqs = sorted(set(reqs))
        mods.append(ModuleSource(path, "v1.0.0", universe.gomod_text(path, rnd.choice(["1.21", "1.22", "1.23"]), reqs),
                                 files))
    direct = sorted(rnd.sample(range(N_MODULES), 40))
    main_files = {
        "go.mod": universe.gomod_text(f"{PREFIX}/main", "1.22", [(f"{PREFIX}/m{d:03d}", "v1.0.0") for d in direct]),
        "main.go": _go("main", [f"{PREFIX}/m{d:03d}/p0" for d in direct]),
        "main_test.go": _go("main", ["testing", f"{PREFIX}/m{direct[0]:03d}/p5"]),
    }
    return mods, main_files


def tidied_project(root: Path) -> tuple[Path, dict[str, str], dict[str, str]]:
    """The project under ``root``: its modules as a file:// GOPROXY, the main module in
    ``root/main`` tidied by go (which warms the module cache). Returns the main module's directory,
    go's environment and the main module's files as generated (before tidy)."""
    mods, main_files = make_project()
    proxy = universe.write_proxy(root / "proxy", mods)
    env = gotool.isolated_env(root / "goenv", proxy=universe.file_proxy_url(proxy))
    work = root / "main"
    work.mkdir()
    _reset(work, main_files)
    gotool.run_go(["mod", "tidy"], cwd=work, env=env).check()
    return work, env, main_files


def _reset(work: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (work / name).write_text(text)
    (work / "go.sum").unlink(missing_ok=True)


def _run_with_rss(argv: list[str], env: dict[str, str], cwd: Path | None = None) -> tuple[float, int, int, float]:
    """(wall seconds, exit status, peak RSS in bytes, CPU seconds: user + system) of one process."""
    t = time.perf_counter()
    p = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, p.returncode, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime


def _row(label: str, times: list[float], go_times: list[float], cpu: list[float]) -> str:
    """One table row: wall time median, min, max, the median (min–max) of the per-round ratios to
    go's run beside it, and the median CPU time (user + system)."""
    med = statistics.median(times)
    ratios = [t / g for t, g in zip(times, go_times)]
    return (f"{label:<50}{med * 1000:>6.0f}ms{min(times) * 1000:>6.0f}ms{max(times) * 1000:>6.0f}ms"
            f"{statistics.median(ratios):>7.2f} {min(ratios):.2f}–{max(ratios):.2f}"
            f"{statistics.median(cpu) * 1000:>7.0f}ms")


def main() -> None:
    from gomodlab.load.modtidy import tidy
    from gomodlab.load.sources import source_for

    with tempfile.TemporaryDirectory(prefix="bench_tidy") as tmp:
        root = Path(tmp)
        work, env, main_files = tidied_project(root)
        want_mod, want_sum = (work / "go.mod").read_bytes(), (work / "go.sum").read_bytes()
        offline = {**env, "GOPROXY": "off"}
        cache = env["GOMODCACHE"]
        n_pkgs = N_MODULES * PACKAGES
        mod_lines, sum_lines = want_mod.count(b"\n"), want_sum.count(b"\n")
        print(f"project: {N_MODULES} modules, {n_pkgs} packages; go.mod after tidy: {mod_lines} lines, "
              f"go.sum {sum_lines} lines; module cache warm")
        cli_env = gomodlab_env(**{k: v for k, v in offline.items() if k.startswith("GO")},
                               GOMODLAB_CACHE=str(root / "gomodlab-cache"))
        argv = [*gomodlab_command(), "tidy", str(work), "--modcache", cache]
        # The memo row reads a copy of the untidy module that no run resets (its inputs unchanged).
        still = root / "still"
        still.mkdir()
        _reset(still, main_files)
        memo_argv = [*gomodlab_command(), "tidy", str(still), "--modcache", cache]
        # A warm cache is one filled a while ago: gomodlab indexes no file younger than a second
        # (gomodlab.load.dirindex). One run fills its caches, as go's warm-up filled GOCACHE.
        time.sleep(1.1)
        subprocess.run(memo_argv, env=cli_env, capture_output=True, check=True)
        variants = (
            ("gomodlab tidy --write, gomodlab's caches off", [*argv, "--write"], {"GOMODLAB_CACHE": "off"}, True),
            ("gomodlab tidy --write (gomodlab's caches warm)", [*argv, "--write"], {}, True),
            ("gomodlab tidy, inputs unchanged (output memo)", memo_argv, {}, False))
        go_times: list[float] = []
        times: dict[str, list[float]] = {label: [] for label, *_ in variants}
        cpu: dict[str, list[float]] = {label: [] for label in ("go", *times)}
        rss = 0
        same = True
        load_before = os.getloadavg()
        # Side by side: each round runs go, then every gomodlab variant, so a load spike from the
        # rest of the machine falls on both; the ratio column is the median of per-round ratios.
        for _ in range(RUNS):
            _reset(work, main_files)
            t, rc, _, c = _run_with_rss([gotool.find_go(), "mod", "tidy"], offline, cwd=work)
            assert rc == 0, "go mod tidy failed"
            go_times.append(t)
            cpu["go"].append(c)
            for label, args, env_extra, reset in variants:
                if reset:
                    _reset(work, main_files)
                t, rc, peak, c = _run_with_rss(args, {**cli_env, **env_extra})
                times[label].append(t)
                cpu[label].append(c)
                rss = max(rss, peak)
                if reset:
                    same = same and rc == 0 and (work / "go.mod").read_bytes() == want_mod \
                        and (work / "go.sum").read_bytes() == want_sum
        load_after = os.getloadavg()
        printed = subprocess.run(memo_argv, env=cli_env, capture_output=True).stdout
        same = same and printed == want_mod
        _reset(work, main_files)
        old = {k: os.environ.get(k) for k in ("GOTOOLCHAIN", "GOFLAGS", "GOMODLAB_CACHE")}
        os.environ.update(GOTOOLCHAIN="local", GOFLAGS="", GOMODLAB_CACHE=cli_env["GOMODLAB_CACHE"])
        t = time.perf_counter()
        r = tidy(work, source_for(cache), modcache=cache)
        in_proc = time.perf_counter() - t
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        same = same and r.gomod == want_mod and r.gosum == want_sum
        print(f"outputs: {'byte-identical to go' if same else 'DIFFER FROM GO'}; {RUNS} rounds; load average "
              f"{load_before[0]:.1f} before, {load_after[0]:.1f} after ({os.cpu_count()} CPUs)")
        print(f"{'wall time (warm module cache, GOPROXY=off)':<50}{'median':>8}{'min':>8}{'max':>8}"
              f"{'ratio (min–max)':>17}{'CPU':>9}")
        print(_row("go mod tidy", go_times, go_times, cpu["go"]))
        for label, *_ in variants:
            print(_row(label, times[label], go_times, cpu[label]))
        print(f"{'tidy() in-process, caches warm':<52}{in_proc * 1000:>7.0f}ms")
        print(f"target: ratio <= 1.0; peak RSS gomodlab {rss / 1e6:.0f} MB (target < 500 MB); "
              f"this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB")
