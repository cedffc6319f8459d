"""``gomodlab fleet scan`` / ``fleet logs`` on the generated fleet with 1, 2 and 4 workers.

The fleet is :func:`gomodlab.lab.fleetgen.generate`'s (default 50 caches filled by the real go,
2,000 go -x logs). Rows:

* alone: each input by itself, in this process, as the single-input commands compute it
  (``scan(cache, jobs=1, index=False)``, ``xlog.parse``): the sum and the median per input; and,
  side by side, ``go mod verify`` on a few of the caches and the single-input commands
  (``gomodlab scan --no-index --jobs 1``, ``gomodlab logs``) as whole processes, as a user runs them;
* fleet, N workers: a LocalCluster of N worker processes; wall time in all (cluster start
  included) and of the tasks alone (first submit to last result), the speed-up of the tasks
  over one worker (target for 2 workers: ≥ 1.8×), and the median time inside a task against the
  median alone (target: within 10%);
* scheduler: the per-task overhead, from 2,000 empty tasks on one worker process and from the
  fleet runs themselves ((tasks wall × workers − time inside tasks) / inputs).

``--runs N`` (default 3) repeats each fleet row (min/median/max); ``--caches``/``--logs`` size the
fleet; ``--keep DIR`` keeps the generated fleet there and reuses it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks import gomodlab_command, gomodlab_env

WORKERS = (1, 2, 4)


def _noop(i: int) -> int:
    return i


def _fleet(directory: Path, caches: int, logs: int):  # noqa: ANN202 - FleetPlan
    from gomodlab.lab import fleetgen

    plan_file = directory / "fleet" / "plan.json"
    if plan_file.is_file():
        plan = fleetgen.load_plan(directory / "fleet")
        if len(plan.caches) == caches and len(plan.logs) == logs + 1:
            return plan
    return fleetgen.generate(directory / "fleet", caches=caches, logs=logs)


def _alone(plan) -> dict[str, list[float]]:  # noqa: ANN001 - FleetPlan
    from gomodlab.cache.scan import scan
    from gomodlab.errors import CacheError
    from gomodlab.net import xlog

    out: dict[str, list[float]] = {"scan": [], "logs": []}
    for cache in plan.caches:
        t = time.perf_counter()
        try:
            scan(cache, gosum=[plan.gosum], jobs=1, index=False, progress=False)
        except CacheError:
            continue  # the wiped runner: no cost to compare
        out["scan"].append(time.perf_counter() - t)
    for log in plan.logs:
        if log == plan.broken_log:
            continue
        t = time.perf_counter()
        with open(log, "rb") as f:
            xlog.parse(f.read())
        out["logs"].append(time.perf_counter() - t)
    return out


def _processes(plan, n: int = 5) -> dict[str, float]:  # noqa: ANN001 - FleetPlan
    """Median seconds per input of go mod verify and of the single-input commands, whole processes."""
    from gomodlab.lab import universe
    from gomodlab.load import gotool

    env = gomodlab_env()
    gm = gomodlab_command()
    times: dict[str, list[float]] = {"go mod verify": [], "gomodlab scan": [], "gomodlab logs": []}
    project = Path(plan.root) / "project"
    with tempfile.TemporaryDirectory() as tmp:
        for cache in plan.caches[:n]:
            go_env = gotool.isolated_env(tmp, proxy=universe.file_proxy_url(Path(plan.root) / "proxy"),
                                         GOMODCACHE=cache, GOFLAGS="-mod=mod")
            times["go mod verify"].append(gotool.run_go(["mod", "verify"], cwd=project, env=go_env).check().seconds)
            t = time.perf_counter()
            subprocess.run([*gm, "scan", cache, "--no-index", "--jobs", "1", "--gosum", plan.gosum, "--format", "csv"],
                           env=env, capture_output=True)
            times["gomodlab scan"].append(time.perf_counter() - t)
    for log in plan.logs[:n]:
        t = time.perf_counter()
        subprocess.run([*gm, "logs", log, "--format", "csv"], env=env, capture_output=True)
        times["gomodlab logs"].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items()}


def _overhead(n: int = 2000) -> float:
    """Seconds per empty task on a one-process LocalCluster, submitted as the fleet submits inputs."""
    import logging

    from distributed import Client, LocalCluster, as_completed

    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None, silence_logs=logging.ERROR) as c, \
            Client(c) as client:
        client.submit(_noop, -1, pure=False).result()
        t = time.perf_counter()
        futures = [client.submit(_noop, i, key=f"noop-{i:05d}", pure=False) for i in range(n)]
        for f in as_completed(futures):
            f.result()
        return (time.perf_counter() - t) / n


def _fmt(values: list[float]) -> str:
    return f"{min(values):6.2f} {statistics.median(values):6.2f} {max(values):6.2f}"


def main(argv: list[str] | None = None) -> None:
    from gomodlab.fleet.run import expand_inputs, parse_fleet, scan_fleet

    ap = argparse.ArgumentParser(prog="python -m benchmarks fleet")
    ap.add_argument("--caches", type=int, default=50)
    ap.add_argument("--logs", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", metavar="DIR")
    args = ap.parse_args(argv or [])
    with tempfile.TemporaryDirectory() as scratch:
        top = Path(args.keep) if args.keep else Path(scratch)
        top.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        plan = _fleet(top, args.caches, args.logs)
        print(f"fleet: {len(plan.caches)} caches, {len(plan.logs)} logs under {plan.root} "
              f"({time.perf_counter() - t:.1f} s to generate or reuse); {len(os.sched_getaffinity(0))} CPUs")
        alone = _alone(plan)
        procs = _processes(plan)
        inputs = {"scan": expand_inputs([f"{plan.root}/runners/*/pkg/mod"])[0],
                  "logs": expand_inputs([f"{plan.root}/logs/*/*.log"])[0]}
        walls: dict[tuple[str, int], list[float]] = {}
        tasks: dict[tuple[str, int], list[float]] = {}
        inside: dict[tuple[str, int], list[float]] = {}
        overheads: dict[tuple[str, int], list[float]] = {}
        for _ in range(args.runs):
            for w in WORKERS:
                for kind in ("scan", "logs"):
                    out = top / f"out-{kind}-{w}.parquet"
                    if kind == "scan":
                        run = scan_fleet(inputs[kind], out, gosum=[plan.gosum], workers=w, progress=False)
                    else:
                        run = parse_fleet(inputs[kind], out, workers=w, progress=False)
                    ok = run.inputs[run.inputs["status"] == "ok"]
                    key = (kind, w)
                    walls.setdefault(key, []).append(run.seconds)
                    tasks.setdefault(key, []).append(run.tasks_seconds)
                    inside.setdefault(key, []).append(float(ok["seconds"].median()))
                    overheads.setdefault(key, []).append(
                        (run.tasks_seconds * w - float(run.inputs["seconds"].sum())) / len(run.inputs))
        empty_task = _overhead()
    print()
    print(f"{'alone (this process)':<34} {'inputs':>7} {'sum s':>8} {'median ms':>10}")
    for kind in ("scan", "logs"):
        print(f"{kind:<34} {len(alone[kind]):>7} {sum(alone[kind]):>8.2f} {statistics.median(alone[kind]) * 1e3:>10.1f}")
    print()
    print(f"{'one input as a process (median of 5)':<40} {'seconds':>8}")
    for what, s in procs.items():
        print(f"{what:<40} {s:>8.3f}")
    print()
    print(f"{'fleet, workers':<16} {'wall s (min med max)':>22} {'tasks s (min med max)':>23} {'speed-up':>9} "
          f"{'in-task ms':>11} {'vs alone':>9} {'overhead ms/task':>17}")
    for kind in ("scan", "logs"):
        base = statistics.median(tasks[(kind, 1)])
        for w in WORKERS:
            key = (kind, w)
            med_inside = statistics.median(inside[key])
            ratio = med_inside / statistics.median(alone[kind])
            print(f"{kind + ', ' + str(w):<16} {_fmt(walls[key]):>22} {_fmt(tasks[key]):>23} "
                  f"{base / statistics.median(tasks[key]):>8.2f}x {med_inside * 1e3:>11.1f} {ratio:>8.2f}x "
                  f"{statistics.median(overheads[key]) * 1e3:>17.2f}")
    print()
    sp_scan = statistics.median(tasks[("scan", 1)]) / statistics.median(tasks[("scan", 2)])
    sp_logs = statistics.median(tasks[("logs", 1)]) / statistics.median(tasks[("logs", 2)])
    print(f"targets: 2 workers >= 1.8x one worker: scan {sp_scan:.2f}x {'met' if sp_scan >= 1.8 else 'MISSED'}, "
          f"logs {sp_logs:.2f}x {'met' if sp_logs >= 1.8 else 'MISSED'}; per-input cost within 10% of alone: "
          + ", ".join(f"{k} {statistics.median(inside[(k, 1)]) / statistics.median(alone[k]):.2f}x" for k in ("scan", "logs")))
    print(f"scheduler: {empty_task * 1e3:.2f} ms per empty task (2,000 on one worker process)")
