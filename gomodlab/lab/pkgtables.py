"""The package graph's frames as a reader gets them (:mod:`gomodlab.lab.formatting` tables).

:func:`weight_table` shows :func:`gomodlab.load.pkgquery.weight` (bytes in KiB/MiB, share in
percent, counts with separators); :func:`packages_table` shows
:meth:`gomodlab.load.packagegraph.PackageGraph.frame` with its tuples counted. Both give a
:class:`~gomodlab.lab.formatting.Table`: ``.text()`` for a terminal, HTML in a notebook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .formatting import Table, table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["weight_table", "packages_table"]


def weight_table(df: pd.DataFrame, caption: str = "") -> Table:
    """pkgquery.weight's frame: module, version, packages, files, bytes, share."""
    return table(df, units={"module": "code", "version": "code", "packages": "count", "files": "count",
                            "bytes": "bytes", "share": "percent"}, caption=caption)


def packages_table(df: pd.DataFrame, caption: str = "") -> Table:
    """PackageGraph.frame(): one row per package, its Go files and imports counted."""
    shown = df.assign(files=df["files"].map(len), imports=df["imports"].map(len),
                      test_imports=df["test_imports"].map(len))
    return table(shown, {"path": "package", "module": "module", "version": "version", "files": "files",
                         "imports": "imports", "test_imports": "test imports", "test_only": "test only",
                         "error": "error"},
                 units={"path": "code", "module": "code", "version": "code", "files": "count", "imports": "count",
                        "test_imports": "count"},
                 formatters={"test_only": lambda v: "yes" if v else "no"}, caption=caption)
