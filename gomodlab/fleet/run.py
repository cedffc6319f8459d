"""Many caches or many logs at once: Dask distributed tasks, each over a batch of inputs.

:func:`scan_fleet` runs :func:`gomodlab.cache.scan.scan` on every module cache and
:func:`parse_fleet` runs :func:`gomodlab.net.xlog.parse` on every log, as tasks of a
``dask.distributed`` cluster: a :class:`~dask.distributed.LocalCluster` of worker processes of one
thread each on this machine by default, or the cluster whose scheduler is at ``scheduler``
(``tcp://host:8786``). A task is a batch of consecutive inputs (:func:`batch_size`): it reads each
input, writes the batch's rows as one Parquet partition per table (:mod:`gomodlab.fleet.dataset`)
and returns only one summary row per input. A failed input (not a cache, an unreadable log) is
recorded in the ``inputs`` table with its error and never stops the run or its batch-mates; a
batch whose task fails as a whole (a worker lost on it) is run again one input per task, so only
the input that caused it fails.

Why this shape scales out: tasks are independent (no shared state, nothing sent back but the
summaries), so the wall time is the inputs' total cost over the workers plus a fixed cost per
task (the scheduler's round trip, one partition write), which batching spreads over many inputs
(measured by ``benchmarks/bench_fleet.py``); adding workers adds throughput until the shared
storage the inputs and the output live on is the limit.

On a real cluster every worker must see the inputs and the output directory at the same paths
as the client (shared storage: NFS, a mounted bucket), and have gomodlab installed (and git,
for the ``cache/vcs`` checks of a scan).
"""

from __future__ import annotations

import glob
import importlib
import math
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import GomodlabError, SourceError
from . import dataset

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["Input", "FleetRun", "expand_inputs", "batch_size", "scan_fleet", "parse_fleet", "scan_batch", "parse_batch"]

# Why batches: the generated fleet's inputs are tiny (a cache of ~21 versions scans in 9 ms of CPU,
# a log of ~48 requests parses in 2.4-3.0 ms, nearly all of it building its DataFrame), and one task
# per input paid its fixed costs on every input: the scheduler's round trip (4-10 ms per empty task
# on this 2-core machine), a partition of its own, a DataFrame per log. Measured with
# benchmarks/bench_fleet.py on one worker (under load, so loosely): one task per input used 1.98x
# (scan) and 3.07x (logs) the CPU per input of the input alone; in batches, 1.22x (the same as the
# batch code in-process, without Dask) and 0.10x (one LogBatch frame per batch). About
# TASKS_PER_WORKER tasks of equal size per worker keep the workers evenly busy to the end: on a
# quiet moment, 50 caches on 2 workers took 0.29 s in 8 tasks (1.63x one worker), 0.26 s in 4
# (1.94x), 0.24 s in 2 (1.98x); fewer tasks pay fewer round trips and writes, more tasks leave less
# idle at the end when the inputs' costs differ.
#: Tasks per worker the inputs are spread over (:func:`batch_size`).
TASKS_PER_WORKER = 2
#: At most this many inputs in one task: progress keeps moving and a lost worker redoes little.
MAX_BATCH = 500
#: A task writes its partitions early once it holds this many rows, so memory stays bounded.
FLUSH_ROWS = 200_000


@dataclass(frozen=True, slots=True)
class Input:
    """One input of a fleet run: its ``source`` name (unique in the run) and its ``path``."""

    source: str
    path: str


@dataclass(frozen=True)
class FleetRun:
    """What a fleet run did: where it wrote, one row per input, how long it took (``seconds`` in
    all; ``startup_seconds`` to start or reach the cluster and load the task code on its workers;
    ``tasks_seconds`` from the first task submitted to the last result), on what (``workers``,
    ``threads`` per worker), in how many ``tasks`` of at most ``batch`` inputs."""

    out: str
    kind: str
    inputs: "pd.DataFrame"
    seconds: float
    startup_seconds: float
    tasks_seconds: float
    workers: int
    threads: int
    tasks: int
    batch: int
    scheduler: str
    dashboard: str

    @property
    def failed(self) -> "pd.DataFrame":
        """The inputs that failed, with their errors."""
        return self.inputs[self.inputs["status"] == "failed"]


_GLOB_CHARS = frozenset("*?[")


def expand_inputs(patterns: Iterable[str | os.PathLike[str]]) -> tuple[list[Input], list[str]]:
    """Paths and glob patterns (``**`` recursive) → inputs in sorted order, and the patterns that
    matched nothing. A plain path is an input whether it exists or not (a missing one fails as an
    input, with its error); a path named twice is one input.

    Source names are the paths without the folders all inputs share at either end:
    ``runners/a/pkg/mod`` and ``runners/b/pkg/mod`` are ``a`` and ``b``;
    ``logs/a/1.log`` and ``logs/b/7.log`` are ``a/1.log`` and ``b/7.log``.
    """
    paths: list[str] = []
    unmatched: list[str] = []
    for pattern in patterns:
        p = os.fspath(pattern)
        if _GLOB_CHARS & set(p):
            found = sorted(glob.glob(p, recursive=True))
            if not found:
                unmatched.append(p)
            paths.extend(found)
        else:
            paths.append(p)
    unique = list(dict.fromkeys(os.path.abspath(p) for p in paths))
    return [Input(s, p) for s, p in zip(_source_names(unique), unique)], unmatched


def _source_names(paths: Sequence[str]) -> list[str]:
    parts = [Path(p).parts for p in paths]
    if len(parts) <= 1:
        return [p[-1] for p in parts]
    shortest = min(len(p) for p in parts)
    lead = 0
    while lead < shortest - 1 and len({p[lead] for p in parts}) == 1:
        lead += 1
    trail = 0
    while trail < shortest - lead - 1 and len({p[-1 - trail] for p in parts}) == 1:
        trail += 1
    names = ["/".join(p[lead:len(p) - trail]) for p in parts]
    return names if len(set(names)) == len(names) else list(paths)


def batch_size(inputs: int, workers: int) -> int:
    """Inputs per task: the inputs spread over :data:`TASKS_PER_WORKER` tasks per worker, or over
    more rounds of one task per worker where a task would exceed :data:`MAX_BATCH` inputs, so that
    every worker gets as many tasks (50 caches on 2 workers: 13 a task; 2,001 logs: 334)."""
    w = max(1, workers)
    rounds = max(TASKS_PER_WORKER, math.ceil(inputs / (w * MAX_BATCH)))
    return max(1, math.ceil(inputs / (w * rounds)))


def _record(inp: Input, status: str, error: str = "", notes: str = "", rows: int = 0, findings: int = 0,
            seconds: float = 0.0, cpu_seconds: float = 0.0, worker: str = "") -> dict[str, Any]:
    return {"source": inp.source, "input": inp.path, "status": status, "error": error, "notes": notes,
            "rows": rows, "findings": findings, "seconds": seconds, "cpu_seconds": cpu_seconds, "worker": worker}


#: One summary per input, as columns (:data:`dataset.INPUT_COLUMNS` → a value per input): what a
#: task returns. A list of dicts costs the client ~5 ms per task of 334 inputs to receive, columns
#: next to nothing (measured: 6 tasks on 2 workers, 0.33 s against 0.28 s).
Summaries = dict[str, list[Any]]


def _summaries(records: list[dict[str, Any]]) -> Summaries:
    return {c: [r[c] for r in records] for c in dataset.INPUT_COLUMNS}


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return ""


def _failure(e: BaseException) -> str:
    if isinstance(e, GomodlabError):
        return str(e)
    if isinstance(e, OSError):
        return f"{e.filename}: {e.strerror}" if e.filename and e.strerror else str(e)
    return f"{type(e).__name__}: {e}"


class _Rows(Protocol):
    """The rows a task gathers before it writes them: ``add`` reads one input (raising what makes
    it fail) and says (rows, findings, notes); ``tables`` gives the partitions' Arrow tables."""

    def add(self, inp: Input) -> tuple[int, int, str]: ...

    def tables(self) -> dict[str, "pa.Table"]: ...


def _run_batch(inputs: Sequence[Input], out: str, first: int, new_rows: Callable[[], _Rows]) -> Summaries:
    """Read every input of a batch (``first`` is the first one's number in the run) into
    ``new_rows()``, write them as partitions, and return a summary per input; ``seconds`` and
    ``cpu_seconds`` (the worker process's CPU) are its own plus an equal share of the writes."""
    worker = _worker_address()
    records: list[dict[str, Any]] = []
    rows = new_rows()
    held: list[int] = []  # the records whose rows ``rows`` holds
    held_rows = 0
    part = first

    def flush() -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            for table, data in rows.tables().items():
                dataset.write_partition(out, table, part, data)
        except Exception as e:  # noqa: BLE001 - rows that cannot be written fail their inputs, not the run
            for i in held:
                records[i].update(status="failed", error=_failure(e), notes="", rows=0, findings=0)
        wall, cpu = (time.perf_counter() - wall) / len(held), (time.process_time() - cpu) / len(held)
        for i in held:
            records[i]["seconds"] += wall
            records[i]["cpu_seconds"] += cpu

    for n, inp in enumerate(inputs, first):
        if not held:
            part = n
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            count, findings, notes = rows.add(inp)
        except Exception as e:  # noqa: BLE001 - any input's failure is recorded, never fatal to the run
            records.append(_record(inp, "failed", _failure(e), seconds=time.perf_counter() - wall,
                                   cpu_seconds=time.process_time() - cpu, worker=worker))
            continue
        records.append(_record(inp, "ok", notes=notes, rows=count, findings=findings,
                               seconds=time.perf_counter() - wall, cpu_seconds=time.process_time() - cpu,
                               worker=worker))
        held.append(len(records) - 1)
        held_rows += count
        if held_rows >= FLUSH_ROWS:
            flush()
            rows, held, held_rows = new_rows(), [], 0
    if held:
        flush()
    return _summaries(records)


class _ScanRows:
    """A fleet scan's rows: each cache scanned as ``gomodlab scan --no-index --jobs 1`` does (one
    process, no scan index: nothing is kept between runs outside the output)."""

    def __init__(self, gosum: Sequence[str]) -> None:
        self.gosum = list(gosum) or None
        self.findings: list[tuple[str, Sequence[Any]]] = []
        self.entries: list[tuple[str, Sequence[Any]]] = []

    def add(self, inp: Input) -> tuple[int, int, str]:
        from ..cache.scan import scan

        res = scan(inp.path, gosum=self.gosum, jobs=1, index=False, progress=False)
        self.findings.append((inp.source, res.findings))
        self.entries.append((inp.source, res.entries))
        return len(res.entries), len(res.findings), "; ".join((*res.errors, *res.notes))

    def tables(self) -> dict[str, "pa.Table"]:
        return {"findings": dataset.findings_table(self.findings), "inventory": dataset.inventory_table(self.entries)}


def scan_batch(inputs: Sequence[Input], out: str, first: int, gosum: Sequence[str] = ()) -> Summaries:
    """The task of a fleet scan: scan each cache of a batch, write their findings and inventory
    partitions, return a summary per cache (as columns)."""
    return _run_batch(inputs, out, first, lambda: _ScanRows(gosum))


class _LogRows:
    """A fleet logs run's rows: every log parsed into one :class:`~gomodlab.net.xlog.LogBatch`
    (one DataFrame per batch, not one per log: building it costs more than parsing a small log)."""

    def __init__(self, base: str) -> None:
        from ..net import xlog

        self.logs = xlog.LogBatch(base=base)
        self.sources: list[str] = []
        self.mtimes: list[int] = []

    def add(self, inp: Input) -> tuple[int, int, str]:
        import pandas as pd

        with open(inp.path, "rb") as f:
            mtime = os.fstat(f.fileno()).st_mtime
            text = f.read()
        count = self.logs.add(text)
        self.sources.append(inp.source)
        self.mtimes.append(pd.Timestamp(mtime, unit="s", tz="UTC").value)
        return count, 0, "" if count else "found no go -x lines and no access-log lines"

    def tables(self) -> dict[str, "pa.Table"]:
        return {"requests": dataset.requests_table(self.logs.frame(), self.sources, self.mtimes, self.logs.counts)}


def parse_batch(inputs: Sequence[Input], out: str, first: int, base: str = "") -> Summaries:
    """The task of a fleet logs run: parse each log of a batch, write their requests partition,
    return a summary per log (as columns)."""
    return _run_batch(inputs, out, first, lambda: _LogRows(base))


#: What the tasks import, the scan and the parser lazily: loaded on every worker while the cluster
#: starts, so that the first task on a worker does not pay for it (30 ms of a 7-cache batch's 100).
_TASK_MODULES = ("gomodlab.cache.scan", "gomodlab.mod.modfile", "gomodlab.mod.dirhash", "gomodlab.mod.modzip",
                 "gomodlab.net.xlog", "pandas", "pyarrow.parquet", "pyarrow.pandas_compat")


def _load_task_modules() -> None:
    for name in _TASK_MODULES:
        importlib.import_module(name)


def _probe(scheduler: str) -> None:
    """Fail at once on a TCP scheduler address nothing listens on (the client would retry for its
    whole timeout before saying so)."""
    import socket
    from urllib.parse import urlsplit

    u = urlsplit(scheduler if "://" in scheduler else f"tcp://{scheduler}")
    if u.scheme not in ("tcp", "tls") or not u.hostname or not u.port:
        return
    try:
        socket.create_connection((u.hostname, u.port), timeout=10).close()
    except OSError as e:
        raise SourceError(f"cannot reach the Dask scheduler at {scheduler}: {e.strerror or e}") from None


def _client(scheduler: str | None, workers: int | None, processes: bool) -> tuple[Any, Any]:
    """(client, cluster): connected to ``scheduler``, or to a new LocalCluster (cluster not None)."""
    import logging

    from distributed import Client, LocalCluster

    if scheduler:
        _probe(scheduler)
        try:
            return Client(scheduler, timeout="10s"), None
        except (OSError, TimeoutError) as e:
            raise SourceError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from None
    n = workers or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    try:
        # No dashboard, and the scheduler's HTTP endpoints on a free port: a second run at the same
        # time would otherwise warn that 8787 is taken.
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=processes, dashboard_address=None,
                               scheduler_kwargs={"dashboard_address": ":0"}, silence_logs=logging.ERROR)
    except (RuntimeError, OSError) as e:
        raise SourceError(f"cannot start a local Dask cluster of {n} worker(s): {e}") from None
    return Client(cluster), cluster


def _progress(total: int, enabled: bool | None, desc: str) -> Any:
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="input", file=sys.stderr)


def _run(kind: str, task: Callable[..., Summaries], inputs: Sequence[Input], out: str | os.PathLike[str],
         extra: tuple[Any, ...], scheduler: str | None, workers: int | None, processes: bool, batch: int | None,
         progress: bool | None, on_start: Callable[[str], None] | None) -> FleetRun:
    import pandas as pd
    from distributed import as_completed

    if not inputs:
        raise SourceError(f"fleet {kind}: no inputs")
    if batch is not None and batch < 1:
        raise SourceError(f"batch {batch}: need at least 1 input per task")
    dataset.check_out(out)
    start = time.perf_counter()
    client, cluster = _client(scheduler, workers, processes)
    done: dict[int, Summaries] = {}  # by the first input of each task that finished
    try:
        try:
            client.run(_load_task_modules)
        except Exception as e:  # noqa: BLE001 - whatever a worker raised: gomodlab missing there, most likely
            raise SourceError(f"the Dask workers cannot load gomodlab's fleet {kind} tasks: {_failure(e)}") from None
        # Only once the cluster is there: a scheduler that cannot be reached leaves an earlier run alone.
        root = str(dataset.prepare(out, kind))
        info = client.scheduler_info(n_workers=-1)["workers"]
        n_workers = len(info)
        threads = max((w.get("nthreads", 1) for w in info.values()), default=1)
        size = batch or batch_size(len(inputs), n_workers)
        # Batches of equal size (50 inputs in tasks of up to 13: 12 or 13 each), so that no worker
        # draws a larger share at the end.
        n_tasks = math.ceil(len(inputs) / size)
        bounds = [len(inputs) * t // n_tasks for t in range(n_tasks + 1)]
        dashboard = client.dashboard_link if scheduler else ""
        startup_seconds = time.perf_counter() - start
        if on_start is not None:
            on_start(f"{len(inputs)} input(s) in {n_tasks} task(s) of up to {size} on {n_workers} worker(s) of "
                     f"{scheduler or 'a local cluster'}" + (f"; dashboard {dashboard}" if dashboard else "")
                     + (f"; {threads} threads per worker share one interpreter lock: start the workers with "
                        "--nthreads 1" if threads > 1 else ""))
        submitted = time.perf_counter()
        spans: dict[str, tuple[int, int]] = {}

        def submit(first: int, stop: int) -> Any:
            fut = client.submit(task, list(inputs[first:stop]), root, first, *extra, pure=False,
                                key=f"{kind}-{first:05d}-{stop:05d}")
            spans[fut.key] = (first, stop)
            return fut

        futures = as_completed([submit(first, stop) for first, stop in zip(bounds, bounds[1:])])
        bar = _progress(len(inputs), progress, f"fleet {kind}")
        try:
            for fut in futures:
                first, stop = spans[fut.key]
                try:
                    done[first] = fut.result()
                except Exception as e:  # noqa: BLE001 - a lost worker fails its task, not the run
                    if stop - first > 1:
                        # Again one input per task: only the input that brought the task down fails.
                        for i in range(first, stop):
                            futures.add(submit(i, i + 1))
                    else:
                        done[first] = _summaries([_record(inputs[first], "failed",
                                                          f"the task failed on the cluster: {_failure(e)}")])
                fut.release()
                if bar is not None and first in done:
                    bar.update(len(done[first]["source"]))
            tasks_seconds = time.perf_counter() - submitted
        finally:
            if bar is not None:
                bar.close()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    summaries = {c: [v for first in sorted(done) for v in done[first][c]] for c in dataset.INPUT_COLUMNS}
    dataset.write_inputs(root, summaries)
    return FleetRun(root, kind, pd.DataFrame(summaries, columns=list(dataset.INPUT_COLUMNS)), time.perf_counter() - start,
                    startup_seconds, tasks_seconds, n_workers, threads, len(spans), size, scheduler or "local",
                    dashboard)


def scan_fleet(inputs: Sequence[Input], out: str | os.PathLike[str], *, gosum: Sequence[str | os.PathLike[str]] = (),
               scheduler: str | None = None, workers: int | None = None, processes: bool = True,
               batch: int | None = None, progress: bool | None = None,
               on_start: Callable[[str], None] | None = None) -> FleetRun:
    """Scan every cache of ``inputs`` (see :func:`expand_inputs`) into the run directory ``out``.

    ``gosum``: go.sum files every cache must agree with (on shared storage for a real cluster).
    ``scheduler``: a Dask scheduler address; else a LocalCluster of ``workers`` (default: the
    CPUs this process may use) worker processes of one thread, or threads with ``processes=False``
    (quick to start for a few small inputs, but the GIL keeps them from running in parallel).
    ``batch``: inputs per task (default :func:`batch_size`). ``progress``: a tqdm bar on stderr
    (None: when stderr is a terminal). ``on_start`` receives a line saying where the tasks run.
    """
    sums = tuple(os.path.abspath(os.fspath(g)) for g in gosum)
    return _run("scan", scan_batch, inputs, out, (sums,), scheduler, workers, processes, batch, progress, on_start)


def parse_fleet(inputs: Sequence[Input], out: str | os.PathLike[str], *, base: str = "",
                scheduler: str | None = None, workers: int | None = None, processes: bool = True,
                batch: int | None = None, progress: bool | None = None,
                on_start: Callable[[str], None] | None = None) -> FleetRun:
    """Parse every log of ``inputs`` into the run directory ``out`` (options as :func:`scan_fleet`;
    ``base``: the proxy URL access logs' paths are relative to)."""
    return _run("logs", parse_batch, inputs, out, (base,), scheduler, workers, processes, batch, progress, on_start)
