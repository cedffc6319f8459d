"""Quantities and tables as a reader sees them: units, rounding, "—" for missing, proxies by name.

Shared by the command line, the notebooks and the report page, so that a number reads the same
everywhere. Nothing here imports pandas at module load (``gomodlab scan`` must start fast); the
functions that take a DataFrame import it when called.

=========================  ======================================================================
function                   gives
=========================  ======================================================================
:func:`human_bytes`        ``1536`` → ``1.5 KiB`` (binary units, as ``du -h`` and go's own sizes)
:func:`human_seconds`      ``0.0163`` → ``16 ms``; ``75`` → ``1 min 15 s``
:func:`human_count`        ``12345`` → ``12,345``
:func:`human_percent`      ``0.3529`` → ``35%``
:func:`human_time`         a timestamp → ``2026-12-03 21:49:37 UTC``
:func:`human_days`         ``45.2`` → ``45 days``
:func:`proxy_name`         a GOPROXY entry → its URL, or ``lab proxy :7001`` for the demo's own
:func:`cell`               any value → its text (tuples joined, missing → ``—``), by unit
:class:`Table`             a DataFrame or rows → a reader's table: no index, every cell text,
                           ``.html()`` (wrapping, labelled for phones), ``.text()`` (a terminal)
=========================  ======================================================================
"""

from __future__ import annotations

import datetime as _dt
import html as _html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

__all__ = ["MISSING", "UNITS", "is_missing", "human_bytes", "human_seconds", "human_count", "human_percent",
           "human_time", "human_days", "proxy_name", "cell", "Table", "table"]

#: What an empty cell shows.
MISSING = "—"
#: Units :func:`cell` knows; numbers of the last four are right-aligned in tables.
UNITS = ("text", "code", "path", "lines", "bytes", "seconds", "percent", "count", "time", "days")
_NUMERIC = ("bytes", "seconds", "percent", "count", "days")
#: A word longer than this (a path, a hash) may break anywhere; shorter ones stay whole.
_LONG = 28


def is_missing(value: Any) -> bool:
    """None, NaN, pandas' NA and NaT, and the empty string: what a table shows as :data:`MISSING`."""
    if value is None or (isinstance(value, str) and value == ""):
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    # pandas.NA and NaT without importing pandas: both compare unequal to themselves or raise.
    kind = type(value).__name__
    return kind in ("NAType", "NaTType")


def human_bytes(n: float | None) -> str:
    """1536 → ``1.5 KiB``; bytes below 1 KiB exactly (``233 B``)."""
    if n is None or is_missing(n):
        return MISSING
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"  # pragma: no cover - the loop returns at TiB


def human_seconds(s: float | None) -> str:
    """Durations the way go's users think of them: ``0.4 ms``, ``16 ms``, ``1.3 s``, ``2 min 5 s``."""
    if s is None or is_missing(s):
        return MISSING
    s = float(s)
    if s < 0.001:
        return f"{s * 1000:.1f} ms" if s else "0 ms"
    if s < 1:
        return f"{s * 1000:.0f} ms"
    if s < 60:
        return f"{s:.1f} s"
    minutes, seconds = divmod(round(s), 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def human_count(n: float | None) -> str:
    """``12345`` → ``12,345``."""
    if n is None or is_missing(n):
        return MISSING
    return f"{int(n):,}"


def human_percent(x: float | None) -> str:
    """A fraction as a percentage: ``0.3529`` → ``35%``, ``0.004`` → ``0.4%``, ``0`` → ``0%``."""
    if x is None or is_missing(x):
        return MISSING
    pct = float(x) * 100
    if pct == 0 or pct >= 10:
        return f"{pct:.0f}%"
    return f"{pct:.1f}%"


def human_time(value: Any) -> str:
    """A timestamp (datetime, pandas Timestamp, or POSIX seconds) → ``2026-12-03 21:49:37 UTC``."""
    if value is None or is_missing(value):
        return MISSING
    if isinstance(value, (int, float)):
        value = _dt.datetime.fromtimestamp(float(value), _dt.timezone.utc)
    if getattr(value, "tzinfo", None) is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return value.astimezone(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def human_days(days: float | None) -> str:
    """Age in whole days: ``0.3`` → ``today``, ``1`` → ``1 day``, ``45.2`` → ``45 days``."""
    if days is None or is_missing(days):
        return MISSING
    d = int(round(float(days)))
    return "today" if d == 0 else f"{d} day" if d == 1 else f"{d} days"


def proxy_name(url: str | None, lab: Iterable[str] | Mapping[str, str] = ()) -> str:
    """A proxy as a reader knows it: its URL (``https://goproxy.io``, ``file:///srv/goproxy``), and
    ``lab proxy :PORT`` only for the loopback lab proxies named in ``lab`` (the demo's own, whose
    ports change on every run and mean nothing outside it)."""
    if url is None or is_missing(url):
        return MISSING
    url = str(url).rstrip("/")
    if url in {str(u).rstrip("/") for u in lab}:
        port = urlsplit(url).port
        return f"lab proxy :{port}" if port else "lab proxy"
    return url


def _number(v: float) -> str:
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"


def cell(value: Any, unit: str = "text") -> str:
    """The text of one table cell: missing → :data:`MISSING`; tuples and lists joined with ``, ``
    (never a ``(…,)`` repr); booleans ``yes``/``no``; numbers by ``unit`` (see :data:`UNITS`),
    other floats to three significant digits."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r} (want one of {', '.join(UNITS)})")
    if isinstance(value, (tuple, list, set, frozenset)):
        parts = [cell(v, unit) for v in value]
        parts = [p for p in parts if p != MISSING]
        return ", ".join(parts) if parts else MISSING
    if is_missing(value):
        return MISSING
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "yes" if value else "no"
    if unit == "bytes":
        return human_bytes(float(value))
    if unit == "seconds":
        return human_seconds(float(value))
    if unit == "percent":
        return human_percent(float(value))
    if unit == "count":
        return human_count(value)
    if unit == "days":
        return human_days(float(value))
    if unit == "time":
        return human_time(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, int) or type(value).__name__.startswith(("int", "uint")):
        return f"{int(value)}" if unit in ("code", "lines") else f"{int(value):,}"
    return str(value)


@dataclass(frozen=True)
class Table:
    """A table as a reader gets it: headers and rows of text, nothing left to pandas' repr.

    ``units`` maps a header to its unit (numbers right-aligned); ``code`` headers are set in a
    monospace font (module paths, versions, commands) and wrap anywhere, as do ``path`` cells.
    ``caption`` is said above the table. Build one with :func:`table`.
    """

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    units: Mapping[str, str] = field(default_factory=dict)
    caption: str = ""

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, header: str) -> list[str]:
        i = self.headers.index(header)
        return [r[i] for r in self.rows]

    def html(self) -> str:
        """An HTML table (no index column) whose cells carry their header as ``data-label``: the
        report's stylesheet stacks them as label/value pairs on a narrow screen. Cells holding a
        path or a word longer than 28 characters (a hash, a URL) are classed ``long``: they may
        break anywhere, so they never widen the table past the page; other words stay whole."""
        esc = _html.escape
        out = ['<div class="gml-table-wrap"><table class="gml-table">']
        if self.caption:
            out.append(f"<caption>{esc(self.caption)}</caption>")
        out.append("<thead><tr>" + "".join(f'<th scope="col">{esc(h)}</th>' for h in self.headers)
                   + "</tr></thead><tbody>")
        for row in self.rows:
            cells = []
            for h, v in zip(self.headers, row):
                unit = self.units.get(h, "text")
                cls = ["num"] if unit in _NUMERIC else []
                if unit in ("code", "path"):
                    cls.append(unit)
                    body = f"<code>{esc(v, quote=False)}</code>" if v != MISSING else MISSING
                else:
                    body = esc(v, quote=False)
                if v == MISSING:
                    cls.append("missing")
                elif unit == "path" or any(len(w) > _LONG for w in v.split()):
                    cls.append("long")
                attr = f' class="{" ".join(cls)}"' if cls else ""
                cells.append(f'<td data-label="{esc(h)}"{attr}>{body}</td>')
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</tbody></table></div>")
        return "".join(out)

    def _repr_html_(self) -> str:
        return self.html()

    def text(self) -> str:
        """Aligned columns for a terminal (numbers right-aligned); the last column is not padded."""
        grid = [list(self.headers)] + [[v.replace("\n", "; ") for v in r] for r in self.rows]
        widths = [max(len(r[i]) for r in grid) for i in range(len(self.headers))]
        lines = []
        for r in grid:
            parts = []
            for i, (h, v) in enumerate(zip(self.headers, r)):
                last = i == len(self.headers) - 1
                if self.units.get(h) in _NUMERIC:
                    parts.append(v.rjust(widths[i]))
                else:
                    parts.append(v if last else v.ljust(widths[i]))
            lines.append("  ".join(parts).rstrip())
        return "\n".join(([self.caption] if self.caption else []) + lines)

    def __str__(self) -> str:
        return self.text()


def table(data: Any, columns: Mapping[str, str] | Sequence[str] | None = None, *,
          units: Mapping[str, str] | None = None, caption: str = "",
          formatters: Mapping[str, Any] | None = None) -> Table:
    """A :class:`Table` from a DataFrame (or a list of dicts / of tuples with ``columns``).

    ``columns``: the columns to show, in order, as a list or as ``{column: header}``; default all.
    The index is never shown (reset it first if it holds data). ``units``: ``{column: unit}`` (see
    :data:`UNITS`). ``formatters``: ``{column: function(value) -> str}`` for what no unit says
    (a proxy's name, a status list); missing values stay :data:`MISSING` either way.
    """
    units = dict(units or {})
    formatters = dict(formatters or {})
    if hasattr(data, "to_dict") and hasattr(data, "columns"):
        records = data.to_dict("records")
        names = list(data.columns)
    else:
        rows = list(data)
        if rows and isinstance(rows[0], Mapping):
            records = [dict(r) for r in rows]
            names = list(rows[0])
        else:
            if columns is None:
                raise ValueError("rows given as tuples need columns")
            names = list(columns)
            records = [dict(zip(names, r)) for r in rows]
    if columns is None:
        mapping = {c: str(c) for c in names}
    elif isinstance(columns, Mapping):
        mapping = dict(columns)
    else:
        mapping = {c: str(c) for c in columns}
    missing = [c for c in mapping if c not in names]
    if missing:
        raise KeyError(f"no column {missing[0]!r} (have: {', '.join(map(str, names))})")
    out_rows = []
    for rec in records:
        row = []
        for c in mapping:
            v = rec.get(c)
            if c in formatters and not (is_missing(v) if not isinstance(v, (tuple, list)) else not v):
                text = formatters[c](v)
                row.append(MISSING if text in (None, "") else str(text))
            else:
                row.append(cell(v, units.get(c, "text")))
        out_rows.append(tuple(row))
    header_units = {mapping[c]: u for c, u in units.items() if c in mapping}
    return Table(tuple(mapping.values()), tuple(out_rows), header_units, caption)
