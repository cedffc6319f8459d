"""MVS: graph load + build list in-process, and ``gomodlab buildlist`` against ``go list -m all``.

A generated universe of 2,000 module versions (500 modules × 4 versions, mixed go lines so that
unpruned modules pull in deep parts of the graph) is written as a file:// GOPROXY; go fills a
module cache from it; then, on that warm cache:

- in-process: parse the main go.mod, read every needed go.mod from the cache, load the pruned
  graph (with go's root update) and compute the build list — target under 100 ms;
- wall time of ``gomodlab buildlist --modcache`` versus ``go list -m all`` (GOFLAGS=-mod=mod) —
  target: gomodlab no slower than go.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gomodlab import gotool, universe
from gomodlab.universe import ModuleSource

N_MODULES = 500
VERSIONS = ("v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0")
PREFIX = "example.com/bench"


def make_universe(seed: int = 1) -> tuple[list[ModuleSource], str]:
    """(module versions, main go.mod text): 500 modules × 4 versions, each requiring ~4 others."""
    rnd = random.Random(seed)
    mods = []
    for k in range(N_MODULES):
        path = f"{PREFIX}/m{k:03d}"
        for v in VERSIONS:
            reqs = []
            for j in rnd.sample(range(N_MODULES), 5):
                if j != k:
                    reqs.append((f"{PREFIX}/m{j:03d}", rnd.choice(VERSIONS)))
            go = rnd.choice(["1.16", "1.21", "1.21", "1.22", "1.19"])
            mods.append(ModuleSource(path, v, universe.gomod_text(path, go, reqs[:4])))
    main_reqs = [(f"{PREFIX}/m{j:03d}", rnd.choice(VERSIONS)) for j in sorted(rnd.sample(range(N_MODULES), 60))]
    return mods, universe.gomod_text(f"{PREFIX}/main", "1.22", main_reqs)


def _best(f, n: int = 5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    from gomodlab.modload import Loader, MainModFile
    from gomodlab.sources import ModCacheSource

    with tempfile.TemporaryDirectory(prefix="bench_mvs") as tmp:
        root = Path(tmp)
        mods, main_gomod = make_universe()
        proxy = universe.write_proxy(root / "proxy", mods)
        env = gotool.isolated_env(root / "goenv", proxy=universe.file_proxy_url(proxy), flags="-mod=mod")
        work = root / "main"
        work.mkdir()
        (work / "go.mod").write_text(main_gomod)
        gotool.run_go(["list", "-m", "all"], cwd=work, env=env).check()  # warm the cache
        (work / "go.mod").write_text(main_gomod)
        cache = Path(env["GOMODCACHE"])

        def in_process() -> int:
            mf = MainModFile.read(work / "go.mod")
            mg = Loader(mf, ModCacheSource(cache)).load()
            return len(mg.build_list())

        n_selected = in_process()
        t_inproc = _best(in_process, 7)

        go_times, go_out = [], ""
        for _ in range(5):
            (work / "go.mod").write_text(main_gomod)
            r = gotool.run_go(["list", "-m", "all"], cwd=work, env=env).check()
            go_times.append(r.seconds)
            go_out = r.stdout
        (work / "go.mod").write_text(main_gomod)
        cli_env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        argv = [sys.executable, "-m", "gomodlab", "buildlist", str(work), "--modcache", str(cache)]
        our_times, our_out = [], ""
        for _ in range(5):
            t = time.perf_counter()
            p = subprocess.run(argv, capture_output=True, text=True, env=cli_env)
            our_times.append(time.perf_counter() - t)
            our_out = p.stdout
        same = "same output" if our_out == go_out else "OUTPUT DIFFERS"
        loaded = len(go_out.splitlines())
        print(f"universe: {len(mods)} module versions, {N_MODULES} modules; build list {n_selected} entries "
              f"({loaded} lines from go list -m all, {same})")
        print(f"{'measure':<46}{'gomodlab':>12}{'go':>12}{'ratio':>9}")
        print(f"{'in-process graph load + build list (best of 7)':<46}{t_inproc * 1000:>10.1f}ms{'':>12}"
              f"{'':>9}  target < 100 ms")
        g, o = statistics.median(go_times), statistics.median(our_times)
        print(f"{'buildlist CLI vs go list -m all (median of 5)':<46}{o * 1000:>10.1f}ms{g * 1000:>10.1f}ms"
              f"{o / g:>9.2f}  target ratio <= 1")
        shutil.rmtree(root / "goenv", ignore_errors=True)


if __name__ == "__main__":
    main()
