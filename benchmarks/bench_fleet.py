"""``gomodlab fleet scan`` / ``fleet logs`` on the generated fleet with 1, 2 and 4 workers.

The fleet is :func:`gomodlab.lab.fleetgen.generate`'s (default 50 caches filled by the real go,
2,000 go -x logs). What it measures, each row with the 1-minute load average while it ran (on a
machine busy with other work the wall times and speed-ups say little; the CPU times hold better):

* alone: each input by itself, in this process, as the single-input commands compute it
  (``scan(cache, jobs=1, index=False)``; reading a log and ``xlog.parse``, one DataFrame per
  log): wall and CPU time per input (mean over the inputs); in-process: the fleet's own task
  code (:func:`gomodlab.fleet.run.scan_batch` / ``parse_batch``) on every input at once in this
  process, no Dask; and, as whole processes the way a user runs them, ``go mod verify`` and
  ``gomodlab scan --no-index --jobs 1`` on a few caches, ``gomodlab logs`` on a few logs;
* fleet, N workers: a LocalCluster of N worker processes of one thread each, tasks of a batch of
  inputs (the default :func:`gomodlab.fleet.run.batch_size`, or ``--batch``), and the same with
  one input per task (batch 1, the earlier design) for the gain of batching. Per row: cluster
  start-up (including importing the task code on the workers) and the task phase (first submit
  to last result) apart; the speed-up of the task phase over one worker (target for 2 workers:
  ≥ 1.8×); the wall and CPU time per input inside the tasks (``time.process_time`` of the worker
  process, the partition writes shared out) against alone (target: within 10%); the fixed cost
  per task ((task phase × workers − wall inside tasks) / tasks: the scheduler's round trip and
  the workers' idle time at the end);
* scheduler: the cost of one empty task (2,000 of them on one worker process).

``--runs N`` (default 3) repeats every row (min/median/max); ``--caches``/``--logs`` size the
fleet; ``--keep DIR`` keeps the generated fleet there and reuses it; ``--no-unbatched`` skips the
one-input-per-task rows (the slowest part).
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
KINDS = ("scan", "logs")


def _noop(i: int) -> int:
    return i


def _load() -> float:
    return os.getloadavg()[0]


def _fleet(directory: Path, caches: int, logs: int):  # noqa: ANN202 - FleetPlan
    from gomodlab.lab import fleetgen

    plan_file = directory / "fleet" / "plan.json"
    if plan_file.is_file():
        plan = fleetgen.load_plan(directory / "fleet")
        if len(plan.caches) == caches and len(plan.logs) == logs + 1:
            return plan
    return fleetgen.generate(directory / "fleet", caches=caches, logs=logs)


def _alone(plan) -> dict[str, tuple[float, float, float]]:  # noqa: ANN001 - FleetPlan
    """Per kind: (mean wall s, mean CPU s per input, load average) of each input by itself, after
    one untimed input (the first call's imports are not an input's cost)."""
    from gomodlab.cache.scan import scan
    from gomodlab.errors import CacheError
    from gomodlab.net import xlog

    def one(kind: str, path: str) -> None:
        if kind == "scan":
            scan(path, gosum=[plan.gosum], jobs=1, index=False, progress=False)
        else:
            with open(path, "rb") as f:
                xlog.parse(f.read())

    out = {}
    for kind in KINDS:
        paths = plan.caches if kind == "scan" else plan.logs
        one(kind, paths[0])
        walls: list[float] = []
        cpus: list[float] = []
        load = _load()
        for path in paths:
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                one(kind, path)
            except (CacheError, OSError):
                continue  # the wiped runner, the rotated log: no cost to compare
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
        out[kind] = (statistics.mean(walls), statistics.mean(cpus), max(load, _load()))
    return out


def _in_process(plan, inputs, scratch: Path) -> dict[str, tuple[float, float, float]]:  # noqa: ANN001
    """Per kind: (wall s, CPU s per input, load average) of the fleet's own tasks called in this
    process on every input at once, no Dask: what the fleet costs per input without the cluster."""
    from gomodlab.fleet import dataset
    from gomodlab.fleet.run import parse_batch, scan_batch

    out = {}
    for kind in KINDS:
        root = str(dataset.prepare(scratch / f"in-process-{kind}.parquet", kind))
        load = _load()
        done = (scan_batch(inputs[kind], root, 0, (plan.gosum,)) if kind == "scan"
                else parse_batch(inputs[kind], root, 0))
        ok = [i for i, status in enumerate(done["status"]) if status == "ok"]
        out[kind] = (statistics.mean(done["seconds"][i] for i in ok), statistics.mean(done["cpu_seconds"][i] for i in ok),
                     max(load, _load()))
    return out


def _processes(plan, n: int = 5) -> dict[str, float]:  # noqa: ANN001 - FleetPlan
    """Median seconds per input of go mod verify and of the single-input commands, whole processes."""
    from gomodlab.lab import universe
    from gomodlab.load import gotool

    env = gomodlab_env()
    gm = gomodlab_command()
    times: dict[str, list[float]] = {"go mod verify": [], "gomodlab scan --no-index --jobs 1": [], "gomodlab logs": []}
    project = Path(plan.root) / "project"
    with tempfile.TemporaryDirectory() as tmp:
        for cache in plan.caches[:n]:
            go_env = gotool.isolated_env(tmp, proxy=universe.file_proxy_url(Path(plan.root) / "proxy"),
                                         GOMODCACHE=cache, GOFLAGS="-mod=mod")
            times["go mod verify"].append(gotool.run_go(["mod", "verify"], cwd=project, env=go_env).check().seconds)
            t = time.perf_counter()
            subprocess.run([*gm, "scan", cache, "--no-index", "--jobs", "1", "--gosum", plan.gosum, "--format", "csv"],
                           env=env, capture_output=True)
            times["gomodlab scan --no-index --jobs 1"].append(time.perf_counter() - t)
    for log in plan.logs[:n]:
        t = time.perf_counter()
        subprocess.run([*gm, "logs", log, "--format", "csv"], env=env, capture_output=True)
        times["gomodlab logs"].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items()}


def _overhead(n: int = 2000) -> tuple[float, float]:
    """(seconds per empty task on a one-process LocalCluster, submitted as the fleet submits, load average)."""
    import logging

    from distributed import Client, LocalCluster, as_completed

    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None, silence_logs=logging.ERROR,
                      scheduler_kwargs={"dashboard_address": ":0"}) as c, \
            Client(c) as client:
        client.submit(_noop, -1, pure=False).result()
        load = _load()
        t = time.perf_counter()
        futures = [client.submit(_noop, i, key=f"noop-{i:05d}", pure=False) for i in range(n)]
        for f in as_completed(futures):
            f.result()
        return (time.perf_counter() - t) / n, max(load, _load())


def _measure(run, load: float) -> dict[str, float]:  # noqa: ANN001 - FleetRun
    inputs = run.inputs
    ok = inputs[inputs["status"] == "ok"]
    return {"startup": run.startup_seconds, "tasks": run.tasks_seconds, "n_tasks": run.tasks, "batch": run.batch,
            "threads": run.threads, "wall_per_input": float(ok["seconds"].mean()),
            "cpu_per_input": float(ok["cpu_seconds"].mean()),
            "fixed_per_task": (run.tasks_seconds * run.workers - float(inputs["seconds"].sum())) / run.tasks,
            "load": max(load, _load())}


def _span(values: list[float], scale: float = 1.0, digits: int = 2) -> str:
    v = [x * scale for x in values]
    return f"{min(v):.{digits}f} {statistics.median(v):.{digits}f} {max(v):.{digits}f}"


def _loads(values: list[float]) -> str:
    return f"{min(values):.1f}-{max(values):.1f}"


def main(argv: list[str] | None = None) -> None:
    from gomodlab.fleet.run import expand_inputs, parse_fleet, scan_fleet

    ap = argparse.ArgumentParser(prog="python -m benchmarks fleet")
    ap.add_argument("--caches", type=int, default=50)
    ap.add_argument("--logs", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--keep", metavar="DIR", help="generate the fleet here (or reuse the one there)")
    ap.add_argument("--batch", type=int, metavar="N", help="inputs per task in the batched rows (default: the fleet's)")
    ap.add_argument("--no-unbatched", action="store_true", help="skip the one-input-per-task rows")
    args = ap.parse_args(argv or [])
    cpus = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as scratch:
        top = Path(args.keep) if args.keep else Path(scratch)
        top.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        plan = _fleet(top, args.caches, args.logs)
        print(f"fleet: {len(plan.caches)} caches, {len(plan.logs)} logs under {plan.root} "
              f"({time.perf_counter() - t:.1f} s to generate or reuse); {cpus} CPUs; load average now {_load():.1f}")
        inputs = {"scan": expand_inputs([f"{plan.root}/runners/*/pkg/mod"])[0],
                  "logs": expand_inputs([f"{plan.root}/logs/*/*.log"])[0]}
        configs = [(w, args.batch) for w in WORKERS] + ([] if args.no_unbatched or args.batch == 1 else [(1, 1), (2, 1)])
        alone: dict[str, list[tuple[float, float, float]]] = {k: [] for k in KINDS}
        local: dict[str, list[tuple[float, float, float]]] = {k: [] for k in KINDS}
        rows: dict[tuple[str, int, int | None], list[dict[str, float]]] = {}
        for _ in range(args.runs):
            for kind, a in _alone(plan).items():
                alone[kind].append(a)
            for kind, a in _in_process(plan, inputs, Path(scratch)).items():
                local[kind].append(a)
            for w, batch in configs:
                for kind in KINDS:
                    out = top / f"out-{kind}-{w}.parquet"
                    load = _load()
                    if kind == "scan":
                        run = scan_fleet(inputs[kind], out, gosum=[plan.gosum], workers=w, batch=batch, progress=False)
                    else:
                        run = parse_fleet(inputs[kind], out, workers=w, batch=batch, progress=False)
                    rows.setdefault((kind, w, batch), []).append(_measure(run, load))
        procs = _processes(plan)
        empty_task, empty_load = _overhead()

    def per_input(kind: str, table: dict[str, list[tuple[float, float, float]]]) -> tuple[float, float]:
        return statistics.median(a[0] for a in table[kind]), statistics.median(a[1] for a in table[kind])

    print()
    print("BASELINES, mean per input, min/median/max over the runs:")
    print("  alone: each input by itself in this process, what the single-input commands compute")
    print("  (scan(cache, jobs=1, index=False); xlog.parse of the log: one DataFrame per log);")
    print("  in-process: the fleet's own task code on every input at once in this process, no Dask")
    print("  (scans and logs gathered, one Arrow table and Parquet write for all: the fleet without the cluster)")
    print(f"{'':<18} {'inputs':>7} {'wall ms':>22} {'CPU ms':>22} {'load':>9}")
    for kind in KINDS:
        for what, table in (("alone", alone), ("in-process", local)):
            print(f"{kind + ' ' + what:<18} {len(inputs[kind]) - 1:>7} {_span([a[0] for a in table[kind]], 1e3):>22} "
                  f"{_span([a[1] for a in table[kind]], 1e3):>22} {_loads([a[2] for a in table[kind]]):>9}")
    print()
    print("ONE INPUT AS A PROCESS, as a user runs it (median of 5; interpreter and imports included)")
    for what, s in procs.items():
        print(f"  {what:<36} {s:>7.3f} s")
    print()
    print(f"FLEET: LocalCluster of N worker processes, 1 thread each; medians of {args.runs} run(s) "
          "(start-up and tasks: min median max)")
    print("  batch/tasks: inputs per task and tasks; start-up: cluster start + task code imported on the workers;")
    print("  tasks: first submit to last result; speed-up: tasks phase of 1 worker (same batching) / of N;")
    print("  wall, CPU /input: inside the tasks (CPU: time.process_time of the worker process), partition writes")
    print("  shared out, x = vs alone; fixed/task: (tasks phase x N - wall inside tasks) / tasks; load: 1-min average")
    print(f"{'kind':<5} {'N':>2} {'batch':>6} {'tasks':>5} {'start-up s':>17} {'tasks s':>17} {'speed-up':>9} "
          f"{'wall/input ms':>17} {'CPU/input ms':>17} {'fixed/task ms':>13} {'load':>9}")
    stats: dict[tuple[str, int, int | None], dict[str, float]] = {}
    for kind in KINDS:
        alone_wall, alone_cpu = per_input(kind, alone)
        for w, batch in configs:
            r, base = rows[(kind, w, batch)], rows[(kind, 1, batch)]
            st = {k: statistics.median(x[k] for x in r) for k in r[0]}
            st.update(speedup=statistics.median(x["tasks"] for x in base) / st["tasks"],
                      wall_ratio=st["wall_per_input"] / alone_wall, cpu_ratio=st["cpu_per_input"] / alone_cpu,
                      load=max(x["load"] for x in r))
            stats[(kind, w, batch)] = st
            print(f"{kind:<5} {w:>2} {int(st['batch']):>6} {int(st['n_tasks']):>5} {_span([x['startup'] for x in r]):>17} "
                  f"{_span([x['tasks'] for x in r]):>17} {st['speedup']:>8.2f}x "
                  f"{st['wall_per_input'] * 1e3:>9.2f} {st['wall_ratio']:>5.2f}x "
                  f"{st['cpu_per_input'] * 1e3:>9.2f} {st['cpu_ratio']:>5.2f}x "
                  f"{st['fixed_per_task'] * 1e3:>13.1f} {_loads([x['load'] for x in r]):>9}"
                  + ("" if all(x["threads"] == 1 for x in r) else "  (workers had >1 thread)"))
    print()
    print(f"SCHEDULER: {empty_task * 1e3:.2f} ms per empty task (2,000 on one worker process; load {empty_load:.1f})")
    print()
    print("TARGETS (batched rows):")
    for kind in KINDS:
        two, one = stats[(kind, 2, args.batch)], stats[(kind, 1, args.batch)]
        _, local_cpu = per_input(kind, local)
        print(f"  {kind}: 2 workers >= 1.8x one worker (tasks phase): {two['speedup']:.2f}x "
              f"{'met' if two['speedup'] >= 1.8 else 'MISSED'} (load {two['load']:.1f})")
        print(f"  {kind}: per-input cost within 10% of alone, 1 worker: CPU {one['cpu_ratio']:.2f}x "
              f"{'met' if one['cpu_ratio'] <= 1.10 else 'MISSED'}, wall {one['wall_ratio']:.2f}x "
              f"{'met' if one['wall_ratio'] <= 1.10 else 'MISSED'} (load {one['load']:.1f}); "
              f"CPU vs in-process {one['cpu_per_input'] / local_cpu:.2f}x (the cluster's own cost)")
    loads = [x["load"] for r in rows.values() for x in r]
    if max(loads) > cpus:
        print(f"  NOTE: the load average reached {max(loads):.1f} on {cpus} CPUs: other work shared the machine, so the "
              "wall times and speed-ups above are not quiet-machine figures (the CPU columns are less affected).")
