"""A fleet run's output: a directory of Parquet tables, one partition file per batch of inputs.

Layout of ``DIR.parquet`` (:func:`table_path`)::

    _fleet.json                    {"kind": "scan" | "logs", "format": 1}: what wrote it
    inputs.parquet                 one row per input (:data:`INPUT_COLUMNS`), written at the end
    findings/part-00000.parquet    fleet scan: ScanResult.findings_frame() of inputs 0…, + source
    inventory/part-00000.parquet   fleet scan: ScanResult.inventory() of inputs 0…, + source
    requests/part-00000.parquet    fleet logs: xlog.parse() of inputs 0…, + source, log_mtime

A partition holds the rows of consecutive inputs (one task's batch, see :mod:`gomodlab.fleet.run`)
and is named for the first of them, so reading the partitions in number order gives the rows in
input order. Each task writes its own partitions (through a temporary name, then a rename): the
scheduler never moves rows, tasks share nothing, and a run that dies keeps what it finished.
Every partition has its table's full schema (:func:`findings_table`, :func:`inventory_table`,
:func:`requests_table` build them straight from the scan's and the parser's values), so the
tables read back with the single-input dtypes (:func:`read_table`).

Columns beyond the single-input frames: ``source`` (the input's name, first column) in every
table; in ``requests`` the parser's own ``source`` column (``x`` or ``access``) is renamed
``log_format`` to make room, and ``log_mtime`` is the log file's modification time (a -x trace
carries no clock, so it is the day a log belongs to).

``inputs`` columns: ``source``, ``input`` (the path), ``status`` (``ok`` or ``failed``),
``error`` (why it failed, ``""`` when it did not), ``notes`` (what a scan could not list, or a
log with no trace lines), ``rows`` (inventory or request rows), ``findings`` (fleet scan),
``seconds`` and ``cpu_seconds`` (wall and CPU time of the worker process inside the task on this
input, with an equal share of writing its partition), ``worker`` (the Dask worker that ran it).
"""

from __future__ import annotations

import json
import operator
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SourceError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from ..cache.scan import Finding, VersionEntry

__all__ = ["TABLES", "INPUT_COLUMNS", "table_path", "check_out", "prepare", "findings_table", "inventory_table",
           "requests_table", "write_partition", "write_inputs", "read_table", "read_inputs", "kind_of"]

#: The tables each kind of run writes (besides ``inputs``).
TABLES = {"scan": ("findings", "inventory"), "logs": ("requests",)}
INPUT_COLUMNS = ("source", "input", "status", "error", "notes", "rows", "findings", "seconds", "cpu_seconds", "worker")
_MARKER = "_fleet.json"
_FORMAT = 1


def _schemas() -> dict[str, "pa.Schema"]:
    import pyarrow as pa

    from ..cache.scan import Finding, VersionEntry
    from ..net.xlog import COLUMNS

    s, ts = pa.string(), pa.timestamp("ns", tz="UTC")
    findings = [("source", s)] + [(c, s) for c in Finding.__slots__]  # type: ignore[attr-defined]
    inventory = [("source", s)]
    for c in VersionEntry.__slots__:  # type: ignore[attr-defined]
        if c.startswith("has_"):
            inventory.append((c, pa.bool_()))
        elif c.endswith("_mtime"):
            inventory.append((c, ts))
        elif c in ("tmp_files", "info_bytes", "mod_bytes", "zip_bytes", "zip_files", "zip_uncompressed",
                   "dir_files", "dir_bytes", "bytes"):
            inventory.append((c, pa.int64()))
        else:
            inventory.append((c, s))
    types = {"status_code": pa.int64(), "duration_s": pa.float64(), "finished": pa.bool_(), "start_line": pa.int64(),
             "end_line": pa.int64(), "time": ts, "argv": pa.list_(s), "exit_status": pa.int64(),
             "bytes": pa.int64(), "delay_s": pa.float64()}
    requests = [("source", s)] + [("log_format" if c == "source" else c, types.get(c, s)) for c in COLUMNS]
    requests.append(("log_mtime", ts))
    inputs = [("source", s), ("input", s), ("status", s), ("error", s), ("notes", s), ("rows", pa.int64()),
              ("findings", pa.int64()), ("seconds", pa.float64()), ("cpu_seconds", pa.float64()), ("worker", s)]
    return {name: pa.schema(cols) for name, cols in
            (("findings", findings), ("inventory", inventory), ("requests", requests), ("inputs", inputs))}


_SCHEMAS: dict[str, "pa.Schema"] = {}


def _schema(table: str) -> "pa.Schema":
    if not _SCHEMAS:
        _SCHEMAS.update(_schemas())
    return _SCHEMAS[table]


def table_path(out: str | os.PathLike[str], table: str) -> Path:
    """Where ``table`` lives in the run directory ``out`` (a folder of partitions, or ``inputs.parquet``)."""
    return Path(out) / ("inputs.parquet" if table == "inputs" else table)


def kind_of(out: str | os.PathLike[str]) -> str:
    """``scan`` or ``logs``: what wrote the run directory ``out`` (SourceError when nothing did)."""
    marker = Path(out) / _MARKER
    try:
        return str(json.loads(marker.read_text())["kind"])
    except (OSError, ValueError, KeyError, TypeError):
        raise SourceError(f"{out}: not the output of gomodlab fleet scan or fleet logs (no readable {_MARKER})") \
            from None


def check_out(out: str | os.PathLike[str]) -> Path:
    """SourceError unless ``out`` may be a run directory: absent, empty, or a fleet run's output."""
    root = Path(out)
    if root.exists():
        if not root.is_dir():
            raise SourceError(f"{root}: exists and is not a directory; choose another --out")
        if any(root.iterdir()) and not (root / _MARKER).is_file():
            raise SourceError(f"{root}: a directory that is not a fleet run's output (no {_MARKER}); "
                              "choose another --out, or an empty or new directory")
    return root


def prepare(out: str | os.PathLike[str], kind: str) -> Path:
    """Make ``out`` an empty run directory of ``kind``: created, or an earlier fleet run's output
    (of either kind) cleared. Anything else already there is left alone: SourceError."""
    root = check_out(out)
    if root.exists():
        for entry in root.iterdir():
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    try:
        root.mkdir(parents=True, exist_ok=True)
        for table in TABLES[kind]:
            table_path(root, table).mkdir()
        (root / _MARKER).write_text(json.dumps({"kind": kind, "format": _FORMAT}) + "\n")
    except OSError as e:
        raise SourceError(f"{root}: {e.strerror or e}") from None
    return root


def findings_table(parts: Sequence[tuple[str, Sequence["Finding"]]]) -> "pa.Table":
    """The ``findings`` rows of (source, findings) pairs, as ScanResult.findings_frame() has them."""
    import pyarrow as pa

    from ..cache.scan import Finding

    schema = _schema("findings")
    cols = list(Finding.__slots__)  # type: ignore[attr-defined]
    rows = [(source, *(" ".join(f.modules) if c == "modules" else getattr(f, c) for c in cols))
            for source, findings in parts for f in findings]
    columns = list(zip(*rows)) if rows else [()] * len(schema)
    return pa.Table.from_arrays([pa.array(v, pa.string()) for v in columns], schema=schema)


def inventory_table(parts: Sequence[tuple[str, Sequence["VersionEntry"]]]) -> "pa.Table":
    """The ``inventory`` rows of (source, scan entries) pairs, as ScanResult.inventory() has them."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from ..cache.scan import VersionEntry

    schema = _schema("inventory")
    get = operator.attrgetter(*VersionEntry.__slots__)  # type: ignore[attr-defined]
    rows = [(source, *get(e)) for source, entries in parts for e in entries]
    columns = list(zip(*rows)) if rows else [()] * len(schema)
    arrays = []
    for field, values in zip(schema, columns):
        if pa.types.is_timestamp(field.type):
            # pandas' own float-seconds conversion, as inventory() makes it (None → NaT).
            values = pd.to_datetime(np.array(values, dtype="float64"), unit="s", utc=True)
        arrays.append(pa.array(values, field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def requests_table(parsed: "pd.DataFrame", sources: Sequence[str], mtimes: Sequence[int],
                   counts: Sequence[int]) -> "pa.Table":
    """The ``requests`` rows of logs parsed one after another (``xlog.LogBatch.frame()``): each
    log's ``source``, its ``counts`` rows and its mtime (ns since the epoch)."""
    import numpy as np
    import pyarrow as pa

    schema = _schema("requests")
    parser_columns = pa.schema([f.with_name("source") if f.name == "log_format" else f for f in schema][1:-1])
    body = pa.Table.from_pandas(parsed, schema=parser_columns, preserve_index=False)
    names = pa.array(np.repeat(np.array(sources, dtype=object), counts), pa.string())
    times = pa.array(np.repeat(np.array(mtimes, dtype=np.int64), counts)).cast(schema.field("log_mtime").type)
    return pa.Table.from_arrays([names, *body.columns, times], schema=schema)


def write_partition(out: str | os.PathLike[str], table: str, part: int, data: "pa.Table") -> Path:
    """Write rows of ``table`` as ``part-NNNNN.parquet`` (a rename makes it appear whole); ``part``
    is the number of the first input whose rows it holds."""
    import pyarrow.parquet as pq

    path = table_path(out, table) / f"part-{part:05d}.parquet"
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(data, tmp)
    os.replace(tmp, path)
    return path


def write_inputs(out: str | os.PathLike[str], columns: dict[str, list[Any]]) -> Path:
    """The ``inputs`` table from its columns (:data:`INPUT_COLUMNS`), one value per input in input order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = table_path(out, "inputs")
    pq.write_table(pa.Table.from_pydict(columns, schema=_schema("inputs")), path)
    return path


def _restore(df: "pd.DataFrame", table: str) -> "pd.DataFrame":
    """The single-input frames' dtypes: scan's inventory keeps its strings as object, the parser's
    argv is a tuple (Parquet gives arrays back)."""
    if table == "inventory":
        for c in df.columns:
            if df[c].dtype == "str":
                df[c] = df[c].astype(object)
    elif table == "requests" and "argv" in df:
        df["argv"] = [tuple(a) if a is not None else None for a in df["argv"]]
    return df


def read_table(out: str | os.PathLike[str], table: str, columns: list[str] | None = None) -> "pd.DataFrame":
    """One table of a run as a pandas DataFrame (every partition, in input order).

    For a fleet too big for memory, read the same folder with dask.dataframe instead:
    ``dask.dataframe.read_parquet(table_path(out, "requests"))``.
    """
    import pandas as pd
    import pyarrow.parquet as pq

    kind_of(out)
    path = table_path(out, table)
    if table == "inputs":
        return pd.read_parquet(path)
    import pyarrow as pa

    # In number order, not name order: part-100000 comes after part-99999.
    parts = sorted(path.glob("part-*.parquet"), key=lambda p: int(p.stem.removeprefix("part-")))
    schema = _schema(table)
    arrow = (pq.ParquetDataset([str(p) for p in parts], schema=schema).read(columns=columns) if parts
             else schema.empty_table() if columns is None else schema.empty_table().select(columns))
    # The parser's integer columns are nullable (Int64) and ``finished`` is a nullable boolean.
    nullable = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()} if table == "requests" else {}
    df = arrow.to_pandas(types_mapper=nullable.get)
    return _restore(df.reset_index(drop=True), table)


def read_inputs(out: str | os.PathLike[str]) -> "pd.DataFrame":
    """The ``inputs`` table of a run."""
    return read_table(out, "inputs")
