"""Many caches or many logs at once: one Dask distributed task per input.

:func:`scan_fleet` runs :func:`gomodlab.cache.scan.scan` on every module cache and
:func:`parse_fleet` runs :func:`gomodlab.net.xlog.parse` on every log, each input as one task of a
``dask.distributed`` cluster: a :class:`~dask.distributed.LocalCluster` of worker processes on
this machine by default, or the cluster whose scheduler is at ``scheduler`` (``tcp://host:8786``).
A task reads its input and writes its own Parquet partitions (:mod:`gomodlab.fleet.dataset`); it
returns only a one-row summary. A failed input (not a cache, an unreadable log, a worker that
died on it) is recorded in the ``inputs`` table with its error and never stops the run.

Why this shape scales out: tasks are independent (no shared state, nothing sent back but the
summary), so the wall time is the inputs' total cost over the workers plus the scheduler's
per-task overhead (measured by ``benchmarks/bench_fleet.py``); adding workers adds throughput
until the shared storage the inputs and the output live on is the limit.

On a real cluster every worker must see the inputs and the output directory at the same paths
as the client (shared storage: NFS, a mounted bucket), and have gomodlab installed (and git,
for the ``cache/vcs`` checks of a scan).
"""

from __future__ import annotations

import glob
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import GomodlabError, SourceError
from . import dataset

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Input", "FleetRun", "expand_inputs", "scan_fleet", "parse_fleet", "scan_input", "parse_input"]


@dataclass(frozen=True, slots=True)
class Input:
    """One input of a fleet run: its ``source`` name (unique in the run) and its ``path``."""

    source: str
    path: str


@dataclass(frozen=True)
class FleetRun:
    """What a fleet run did: where it wrote, one row per input, how long it took (``seconds`` in
    all, ``tasks_seconds`` from the first task submitted to the last result: without starting the
    local cluster), on what."""

    out: str
    kind: str
    inputs: "pd.DataFrame"
    seconds: float
    tasks_seconds: float
    workers: int
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


def _record(inp: Input, status: str, error: str = "", notes: str = "", rows: int = 0, findings: int = 0,
            seconds: float = 0.0) -> dict[str, Any]:
    try:
        from distributed import get_worker

        worker = get_worker().address
    except (ImportError, ValueError):
        worker = ""
    return {"source": inp.source, "input": inp.path, "status": status, "error": error, "notes": notes,
            "rows": rows, "findings": findings, "seconds": seconds, "worker": worker}


def _failure(e: BaseException) -> str:
    if isinstance(e, GomodlabError):
        return str(e)
    if isinstance(e, OSError):
        return f"{e.filename}: {e.strerror}" if e.filename and e.strerror else str(e)
    return f"{type(e).__name__}: {e}"


def scan_input(inp: Input, out: str, part: int, gosum: Sequence[str] = ()) -> dict[str, Any]:
    """The task of a fleet scan: scan one cache (one process, no scan index: nothing is kept between
    runs outside the output), write its findings and inventory partitions, return its summary."""
    from ..cache.scan import scan

    start = time.perf_counter()
    try:
        res = scan(inp.path, gosum=list(gosum) or None, jobs=1, index=False, progress=False)
        inventory = res.inventory()
        findings = res.findings_frame()
        inventory.insert(0, "source", inp.source)
        findings.insert(0, "source", inp.source)
        dataset.write_partition(out, "findings", part, findings)
        dataset.write_partition(out, "inventory", part, inventory)
    except Exception as e:  # noqa: BLE001 - any input's failure is recorded, never fatal to the run
        return _record(inp, "failed", _failure(e), seconds=time.perf_counter() - start)
    return _record(inp, "ok", notes="; ".join((*res.errors, *res.notes)), rows=len(inventory),
                   findings=len(findings), seconds=time.perf_counter() - start)


def parse_input(inp: Input, out: str, part: int, base: str = "") -> dict[str, Any]:
    """The task of a fleet logs run: parse one log, write its requests partition, return its summary."""
    import pandas as pd

    from ..net import xlog

    start = time.perf_counter()
    try:
        with open(inp.path, "rb") as f:
            mtime = os.fstat(f.fileno()).st_mtime
            text = f.read()
        df = xlog.parse(text, base=base).rename(columns={"source": "log_format"})
        df.insert(0, "source", inp.source)
        df["log_mtime"] = pd.Timestamp(mtime, unit="s", tz="UTC")
        dataset.write_partition(out, "requests", part, df)
    except Exception as e:  # noqa: BLE001 - any input's failure is recorded, never fatal to the run
        return _record(inp, "failed", _failure(e), seconds=time.perf_counter() - start)
    notes = "" if len(df) else "found no go -x lines and no access-log lines"
    return _record(inp, "ok", notes=notes, rows=len(df), seconds=time.perf_counter() - start)


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
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=processes, dashboard_address=None,
                               silence_logs=logging.ERROR)
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


def _run(kind: str, task: Callable[..., dict[str, Any]], inputs: Sequence[Input], out: str | os.PathLike[str],
         extra: tuple[Any, ...], scheduler: str | None, workers: int | None, processes: bool,
         progress: bool | None, on_start: Callable[[str], None] | None) -> FleetRun:
    import pandas as pd
    from distributed import as_completed

    if not inputs:
        raise SourceError(f"fleet {kind}: no inputs")
    dataset.check_out(out)
    start = time.perf_counter()
    client, cluster = _client(scheduler, workers, processes)
    records: dict[int, dict[str, Any]] = {}
    try:
        # Only once the cluster is there: a scheduler that cannot be reached leaves an earlier run alone.
        root = str(dataset.prepare(out, kind))
        n_workers = len(client.scheduler_info(n_workers=-1)["workers"])
        dashboard = client.dashboard_link if scheduler else ""
        if on_start is not None:
            on_start(f"{len(inputs)} input(s) on {n_workers} worker(s) of "
                     f"{scheduler or 'a local cluster'}" + (f"; dashboard {dashboard}" if dashboard else ""))
        submitted = time.perf_counter()
        futures = [client.submit(task, inp, root, i, *extra, key=f"{kind}-{i:05d}", pure=False)
                   for i, inp in enumerate(inputs)]
        index = {f.key: i for i, f in enumerate(futures)}
        bar = _progress(len(inputs), progress, f"fleet {kind}")
        try:
            for fut in as_completed(futures):
                i = index[fut.key]
                try:
                    records[i] = fut.result()
                except Exception as e:  # noqa: BLE001 - a worker lost on an input fails that input only
                    records[i] = _record(inputs[i], "failed", f"the task failed on the cluster: {_failure(e)}")
                fut.release()
                if bar is not None:
                    bar.update(1)
            tasks_seconds = time.perf_counter() - submitted
        finally:
            if bar is not None:
                bar.close()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    rows = [records[i] for i in range(len(inputs))]
    dataset.write_inputs(root, rows)
    return FleetRun(root, kind, pd.DataFrame(rows, columns=list(dataset.INPUT_COLUMNS)), time.perf_counter() - start,
                    tasks_seconds, n_workers, scheduler or "local", dashboard)


def scan_fleet(inputs: Sequence[Input], out: str | os.PathLike[str], *, gosum: Sequence[str | os.PathLike[str]] = (),
               scheduler: str | None = None, workers: int | None = None, processes: bool = True,
               progress: bool | None = None, on_start: Callable[[str], None] | None = None) -> FleetRun:
    """Scan every cache of ``inputs`` (see :func:`expand_inputs`) into the run directory ``out``.

    ``gosum``: go.sum files every cache must agree with (on shared storage for a real cluster).
    ``scheduler``: a Dask scheduler address; else a LocalCluster of ``workers`` (default: the
    CPUs this process may use) worker processes, or threads with ``processes=False`` (quick to
    start for a few small inputs, but the GIL keeps them from running in parallel). ``progress``:
    a tqdm bar on stderr (None: when stderr is a terminal). ``on_start`` receives a line saying
    where the tasks run.
    """
    sums = tuple(os.path.abspath(os.fspath(g)) for g in gosum)
    return _run("scan", scan_input, inputs, out, (sums,), scheduler, workers, processes, progress, on_start)


def parse_fleet(inputs: Sequence[Input], out: str | os.PathLike[str], *, base: str = "",
                scheduler: str | None = None, workers: int | None = None, processes: bool = True,
                progress: bool | None = None, on_start: Callable[[str], None] | None = None) -> FleetRun:
    """Parse every log of ``inputs`` into the run directory ``out`` (options as :func:`scan_fleet`;
    ``base``: the proxy URL access logs' paths are relative to)."""
    return _run("logs", parse_input, inputs, out, (base,), scheduler, workers, processes, progress, on_start)
