"""Package-graph queries: ``gomodlab pkggraph`` against ``go list -deps``, warm cache.

The project of bench_tidy (300 modules, 3,000 packages), tidied by go, module cache warm,
GOPROXY=off. Side by side, median of ``RUNS`` (min and max shown):

- ``go list -deps ./...`` and ``go list -test -deps ./...`` (what reach over the main module's
  packages answers) against ``gomodlab pkggraph reach MAIN-PKG`` / ``--tests`` (the whole command:
  start-up, the in-process load of the package graph, the query);
- in-process, on one loaded graph: the load itself (``tidy()``), then each query alone —
  ``reach`` of the main package, ``shared`` of two modules' roots, ``cut`` of the module the main
  package imports first, ``weight`` (reads the size of every file of the build).

The answers are checked against go's: reach's non-standard packages equal go list's.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from gomodlab.load import gotool

from benchmarks import gomodlab_command, gomodlab_env
from benchmarks.bench_tidy import N_MODULES, PACKAGES, PREFIX, tidied_project

RUNS = 5


def _timed(fn, runs: int = RUNS) -> list[float]:  # noqa: ANN001 - any callable
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def _nonstd(lines) -> set[str]:  # noqa: ANN001
    return {p.split(" [")[0] for p in lines if "." in p.split("/")[0] and not p.endswith(".test")}


def main() -> None:
    from gomodlab.load import pkgquery
    from gomodlab.load.modtidy import tidy
    from gomodlab.load.sources import source_for

    with tempfile.TemporaryDirectory(prefix="bench_pkggraph") as tmp:
        root = Path(tmp)
        work, env, _ = tidied_project(root)
        offline = {**env, "GOPROXY": "off"}
        cache = env["GOMODCACHE"]
        main_pkg = f"{PREFIX}/main"

        go_deps = gotool.run_go(["list", "-deps", "./..."], cwd=work, env=offline).check().stdout.split()
        go_test_deps = gotool.run_go(["list", "-test", "-deps", "./..."], cwd=work, env=offline).check().stdout.splitlines()
        rows = [
            ("go list -deps ./...", _timed(lambda: gotool.run_go(["list", "-deps", "./..."], cwd=work, env=offline))),
            ("go list -test -deps ./...",
             _timed(lambda: gotool.run_go(["list", "-test", "-deps", "./..."], cwd=work, env=offline))),
        ]
        cli_env = gomodlab_env(**{k: v for k, v in offline.items() if k.startswith("GO")},
                               GOMODLAB_CACHE=str(root / "gomodlab-cache"))
        argv = [*gomodlab_command(), "pkggraph", "reach", main_pkg, "-C", str(work), "--modcache", cache]
        for label, extra in (("gomodlab pkggraph reach MAIN", []), ("gomodlab pkggraph reach MAIN --tests", ["--tests"])):
            rows.append((label, _timed(lambda: subprocess.run([*argv, *extra], env=cli_env, capture_output=True,
                                                              check=True))))
        cli_out = subprocess.run(argv, env=cli_env, capture_output=True, check=True).stdout.decode().split()
        cli_test_out = subprocess.run([*argv, "--tests"], env=cli_env, capture_output=True,
                                      check=True).stdout.decode().split()

        os.environ.update(GOTOOLCHAIN="local", GOFLAGS="")
        graph = None

        def load() -> None:
            nonlocal graph
            graph = tidy(work, source_for(cache), modcache=cache).packages

        in_proc = [("load the package graph (tidy())", _timed(load))]
        assert graph is not None
        first = sorted(d.path for d in graph.package(main_pkg).imports if "." in d.path.split("/")[0])
        cut_mod = graph.package(first[0]).mod.path
        in_proc += [
            ("reach(MAIN)", _timed(lambda: pkgquery.reach(graph, main_pkg))),
            ("reach(MAIN, tests=True)", _timed(lambda: pkgquery.reach(graph, main_pkg, tests=True))),
            ("shared(two imported packages)", _timed(lambda: pkgquery.shared(graph, first[0], first[-1]))),
            (f"cut({cut_mod.rsplit('/', 1)[-1]})", _timed(lambda: pkgquery.cut(graph, cut_mod))),
            ("weight()", _timed(lambda: pkgquery.weight(graph))),
        ]
        same = (_nonstd(cli_out) == _nonstd(go_deps) == _nonstd(pkgquery.reach(graph, main_pkg))
                and _nonstd(cli_test_out) == _nonstd(go_test_deps))
        n_build = len(_nonstd(go_deps))
        print(f"project: {N_MODULES} modules, {N_MODULES * PACKAGES} packages; the build of {main_pkg}: {n_build} "
              f"non-standard packages; answers {'equal go list' if same else 'DIFFER FROM GO LIST'}")
        go_med = statistics.median(rows[0][1])
        print(f"{'measure (warm module cache, GOPROXY=off)':<46}{'median':>9}{'min':>9}{'max':>9}{'ratio':>7}")
        for label, times in rows:
            med = statistics.median(times)
            print(f"{label:<46}{med * 1000:>7.0f}ms{min(times) * 1000:>7.0f}ms{max(times) * 1000:>7.0f}ms"
                  f"{med / go_med:>7.2f}")
        print("in-process, one loaded graph:")
        for label, times in in_proc:
            med = statistics.median(times)
            print(f"  {label:<44}{med * 1000:>7.1f}ms{min(times) * 1000:>7.1f}ms{max(times) * 1000:>7.1f}ms")
        print("ratio: against go list -deps ./...; a query on a loaded graph is the figure a notebook pays")
