"""A fleet run's output: a directory of Parquet tables, one partition file per input.

Layout of ``DIR.parquet`` (:func:`table_path`)::

    _fleet.json                    {"kind": "scan" | "logs", "format": 1}: what wrote it
    inputs.parquet                 one row per input (:data:`INPUT_COLUMNS`), written at the end
    findings/part-00000.parquet    fleet scan: ScanResult.findings_frame() of input 0, + source
    inventory/part-00000.parquet   fleet scan: ScanResult.inventory() of input 0, + source
    requests/part-00000.parquet    fleet logs: xlog.parse() of input 0, + source, log_mtime

Each task writes its own input's partitions (through a temporary name, then a rename): the
scheduler never moves rows, tasks share nothing, and a run that dies keeps what it finished.
Every partition has its table's full schema, so an input with no findings has an empty file and
the tables read back with the single-input dtypes (:func:`read_table`).

Columns beyond the single-input frames: ``source`` (the input's name, first column) in every
table; in ``requests`` the parser's own ``source`` column (``x`` or ``access``) is renamed
``log_format`` to make room, and ``log_mtime`` is the log file's modification time (a -x trace
carries no clock, so it is the day a log belongs to).

``inputs`` columns: ``source``, ``input`` (the path), ``status`` (``ok`` or ``failed``),
``error`` (why it failed, ``""`` when it did not), ``notes`` (what a scan could not list, or a
log with no trace lines), ``rows`` (inventory or request rows), ``findings`` (fleet scan),
``seconds`` (time inside the task), ``worker`` (the Dask worker that ran it).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SourceError

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["TABLES", "INPUT_COLUMNS", "table_path", "check_out", "prepare", "write_partition", "write_inputs", "read_table",
           "read_inputs", "kind_of"]

#: The tables each kind of run writes (besides ``inputs``).
TABLES = {"scan": ("findings", "inventory"), "logs": ("requests",)}
INPUT_COLUMNS = ("source", "input", "status", "error", "notes", "rows", "findings", "seconds", "worker")
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
              ("findings", pa.int64()), ("seconds", pa.float64()), ("worker", s)]
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


def _to_arrow(df: "pd.DataFrame", table: str) -> "pa.Table":
    import pyarrow as pa

    schema = _schema(table)
    if table == "requests":
        import pandas as pd

        df = df.assign(argv=pd.Series([list(a) if isinstance(a, tuple) else None for a in df["argv"]], index=df.index,
                                      dtype=object))
    return pa.Table.from_pandas(df[schema.names], schema=schema, preserve_index=False)


def write_partition(out: str | os.PathLike[str], table: str, part: int, df: "pd.DataFrame") -> Path:
    """Write one input's rows of ``table`` as ``part-NNNNN.parquet`` (a rename makes it appear whole)."""
    import pyarrow.parquet as pq

    path = table_path(out, table) / f"part-{part:05d}.parquet"
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(_to_arrow(df, table), tmp)
    os.replace(tmp, path)
    return path


def write_inputs(out: str | os.PathLike[str], rows: list[dict[str, Any]]) -> Path:
    """The ``inputs`` table, one row per input in input order."""
    import pandas as pd
    import pyarrow.parquet as pq

    path = table_path(out, "inputs")
    df = pd.DataFrame(rows, columns=list(INPUT_COLUMNS))
    pq.write_table(_to_arrow(df, "inputs"), path)
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

    parts = sorted(path.glob("part-*.parquet"))
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
