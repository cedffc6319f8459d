"""``gomodlab outdated``: for each module of the build list, the updates available and what they bring.

Argument parsing and printing only; the answers come from :mod:`gomodlab.load.updates`.
"""

from __future__ import annotations

import argparse
import sys

from .modgraph import _add_source_options, _dump, _load


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("outdated", help="list available updates: patch, latest, next major (/vN), retractions, "
                                        "deprecations, and what each update drags in",
                       description="For every module of the build list: the latest patch, the latest version "
                                   "('go list -m -u'), the latest major version's module path (/v2, /v3…), "
                                   "retractions and deprecations of the current version, and the modules each "
                                   "update would add or raise (go get's requirement edit).")
    _add_source_options(p, graph_text=False)
    p.add_argument("--no-drag", dest="drag", action="store_false",
                   help="skip working out what each update drags in (faster)")
    p.add_argument("--all", dest="show_all", action="store_true",
                   help="also list modules that are up to date")
    p.set_defaults(run=run_outdated)


_HEADERS = {"path": "module", "version": "version", "direct": "direct", "patch": "patch", "latest": "latest",
            "major": "next major", "retracted": "retracted", "deprecated": "deprecated",
            "patch_adds": "patch drags in", "latest_adds": "latest drags in", "major_adds": "major drags in"}


def run_outdated(args: argparse.Namespace) -> int:
    from ..load.updates import OUTDATED_COLUMNS, outdated

    rows = outdated(_load(args), drag=args.drag)
    errors = [e for r in rows for e in r.errors]
    if not args.show_all:
        rows = [r for r in rows if r.patch or r.latest or r.major or r.retracted or r.deprecated]
    if args.format == "json":
        _dump({"modules": [{c: getattr(r, c) for c in OUTDATED_COLUMNS} for r in rows], "errors": errors})
        return 0
    cols = [c for c in OUTDATED_COLUMNS if c in ("path", "version") or any(getattr(r, c) for r in rows)]
    table = [[_cell(getattr(r, c)) for c in cols] for r in rows]
    if not table:
        print("every module is at its latest allowed version")
    else:
        heads = [_HEADERS[c] for c in cols]
        widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(heads)]
        print("  ".join(h.ljust(w) for h, w in zip(heads, widths)).rstrip())
        for row in table:
            print("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())
    for e in errors:
        print(f"gomodlab outdated: {e}", file=sys.stderr)
    return 0


def _cell(v: object) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v) if v else "—"
