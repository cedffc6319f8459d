"""MVS: graph load + build list in-process, and ``gomodlab buildlist`` against ``go list -m all``.

A generated universe of 2,000 module versions (500 modules × 4 versions, mixed go lines so that
unpruned modules pull deep parts of the graph in) is written as a file:// GOPROXY; go fills a
module cache from it; then, on that warm cache, for two main go.mod files — the generated one
(whose roots go must update: two graph loads) and the one ``go list -m all`` writes back
(consistent roots, as ``go mod tidy`` leaves them):

- in-process: parse the main go.mod, read and parse every needed go.mod from the cache, load the
  pruned graph (with go's root update) and compute the build list — target under 100 ms; and the
  same with gomodlab's on-disk summary cache warm (what the CLI does from its second run on);
- wall time of ``gomodlab buildlist --modcache`` against ``go list -m all`` (GOFLAGS=-mod=mod,
  median of 9), three times: answering from the output memo (nothing changed since the last
  run: the usual case when a notebook or script asks again) — target: no slower than go;
  loading the graph (the go.mod summaries from the warm summary cache); and with gomodlab's own
  caches off (``GOMODLAB_CACHE=off``: every go.mod read and parsed, as on the very first run
  against a module cache) — target for both: within 1.5 times go, Python's start-up and
  imports included.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from gomodlab.load import gotool
from gomodlab.lab import universe
from gomodlab.lab.universe import ModuleSource

from benchmarks import best_of, gomodlab_command, gomodlab_env

N_MODULES = 500
VERSIONS = ("v1.0.0", "v1.1.0", "v1.2.0", "v1.3.0")
PREFIX = "example.com/bench"
RUNS = 9


def make_universe(seed: int = 1) -> tuple[list[ModuleSource], str]:
    """(module versions, main go.mod text): 500 modules × 4 versions, each requiring ~4 others."""
    rnd = random.Random(seed)
    mods = []
    for k in range(N_MODULES):
        path = f"{PREFIX}/m{k:03d}"
        for v in VERSIONS:
            reqs = [(f"{PREFIX}/m{j:03d}", rnd.choice(VERSIONS)) for j in rnd.sample(range(N_MODULES), 5) if j != k]
            go = rnd.choice(["1.16", "1.21", "1.21", "1.22", "1.19"])
            mods.append(ModuleSource(path, v, universe.gomod_text(path, go, reqs[:4])))
    main_reqs = [(f"{PREFIX}/m{j:03d}", rnd.choice(VERSIONS)) for j in sorted(rnd.sample(range(N_MODULES), 60))]
    return mods, universe.gomod_text(f"{PREFIX}/main", "1.22", main_reqs)


def _measure(work: Path, gomod: str, cache: Path, env: dict[str, str]) -> dict[str, float | str | int]:
    from gomodlab.load.gomod_summary import SummaryCache
    from gomodlab.load.main_module import MainModFile
    from gomodlab.load.modload import Loader
    from gomodlab.load.sources import ModCacheSource

    def in_process(summary_cache: bool) -> int:
        loader = Loader(MainModFile.read(work / "go.mod"), ModCacheSource(cache),
                        SummaryCache.for_modcache(cache) if summary_cache else None)
        n = len(loader.load().build_list())
        loader.save_cache()
        return n

    (work / "go.mod").write_text(gomod)
    n = in_process(True)
    cold, warm = best_of(lambda: in_process(False), RUNS), best_of(lambda: in_process(True), RUNS)
    go_times, go_out = [], ""
    for _ in range(RUNS):
        (work / "go.mod").write_text(gomod)
        r = gotool.run_go(["list", "-m", "all"], cwd=work, env=env).check()
        go_times.append(r.seconds)
        go_out = r.stdout
    cli_env = gomodlab_env()
    argv = [*gomodlab_command(), "buildlist", str(work), "--modcache", str(cache)]

    def cli(edit: bool, env: dict[str, str] = cli_env) -> tuple[float, str]:
        # edit=True changes the main go.mod (a comment line) so the output memo cannot be used:
        # every go.mod summary comes from the warm summary cache, the graph is loaded again.
        times, out = [], ""
        for i in range(RUNS):
            (work / "go.mod").write_text(gomod + (f"// run {i}\n" if edit else ""))
            t = time.perf_counter()
            out = subprocess.run(argv, capture_output=True, text=True, env=env).stdout
            times.append(time.perf_counter() - t)
        return statistics.median(times), out

    (work / "go.mod").write_text(gomod)
    subprocess.run(argv, capture_output=True, env=cli_env)  # fill the output memo
    memo, memo_out = cli(False)
    load, load_out = cli(True)
    nocache, nocache_out = cli(False, {**cli_env, "GOMODLAB_CACHE": "off"})
    (work / "go.mod").write_text(gomod)
    same = "same output" if memo_out == load_out == nocache_out == go_out else "OUTPUT DIFFERS"
    return {"n": n, "cold": cold, "warm": warm, "go": statistics.median(go_times), "memo": memo, "load": load,
            "nocache": nocache, "same": same}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench_mvs") as tmp:
        root = Path(tmp)
        os.environ["GOMODLAB_CACHE"] = str(root / "gomodlab-cache")
        mods, main_gomod = make_universe()
        proxy = universe.write_proxy(root / "proxy", mods)
        env = gotool.isolated_env(root / "goenv", proxy=universe.file_proxy_url(proxy), flags="-mod=mod")
        work = root / "main"
        work.mkdir()
        (work / "go.mod").write_text(main_gomod)
        gotool.run_go(["list", "-m", "all"], cwd=work, env=env).check()  # warm the module cache
        tidy_gomod = (work / "go.mod").read_text()  # go wrote back consistent roots
        cache = Path(env["GOMODCACHE"])
        print(f"universe: {len(mods)} module versions, {N_MODULES} modules, module cache warm")
        print(f"{'measure':<58}{'gomodlab':>10}{'go':>10}{'ratio':>7}")
        for label, gomod in (("generated go.mod (root update)", main_gomod), ("go.mod with consistent roots", tidy_gomod)):
            r = _measure(work, gomod, cache, env)
            print(f"{label}: build list of {r['n']} modules, {r['same']}")
            print(f"{'  in-process load + build list, parsing every go.mod':<58}{r['cold'] * 1000:>8.1f}ms"
                  f"{'':>10}{'':>7}  < 100 ms")
            print(f"{'  in-process load + build list, summary cache warm':<58}{r['warm'] * 1000:>8.1f}ms")
            for key, what, target in (("load", "graph loaded (summary cache warm)", "ratio <= 1.5"),
                                      ("memo", "inputs unchanged (output memo)", "ratio <= 1"),
                                      ("nocache", "gomodlab's caches off", "ratio <= 1.5")):
                print(f"{'  gomodlab buildlist, ' + what:<58}{r[key] * 1000:>8.1f}ms"
                      f"{r['go'] * 1000:>8.1f}ms{r[key] / r['go']:>7.2f}  {target}")


if __name__ == "__main__":
    main()
