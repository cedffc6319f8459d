"""Output helpers shared by the cache commands (scan, fix, hygiene, trim, triage): plain text
tables, JSON and CSV without importing pandas, so that ``gomodlab scan`` starts fast."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, TextIO

from ..lab.formatting import human_bytes

__all__ = ["human_bytes", "print_table", "print_records", "note"]


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], out: TextIO | None = None) -> None:
    """Left-aligned columns; the last column is never padded (details may be long)."""
    out = out or sys.stdout
    cells = [[str(c) for c in headers]] + [[str(c).replace("\n", " ") for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers) - 1)]
    for r in cells:
        line = "  ".join(c.ljust(w) for c, w in zip(r, widths))
        out.write((line + "  " + r[-1] if widths else r[-1]).rstrip() + "\n")


def print_records(fmt: str, headers: Sequence[str], records: Sequence[dict[str, Any]],
                  out: TextIO | None = None) -> None:
    """``json``: a list of objects; ``csv``: a header line then one row per record."""
    import csv
    import json

    out = out or sys.stdout
    if fmt == "json":
        json.dump(list(records), out, indent=2)
        out.write("\n")
        return
    w = csv.writer(out, lineterminator="\n")
    w.writerow(headers)
    for r in records:
        w.writerow([" ".join(v) if isinstance(v, (list, tuple)) else v for v in (r.get(h, "") for h in headers)])


def note(command: str, message: str) -> None:
    """One line on stderr, prefixed like the CLI's errors."""
    print(f"gomodlab {command}: {message}", file=sys.stderr)
