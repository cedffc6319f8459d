"""``gomodlab outdated`` and ``gomodlab queries``: updates available, and version queries in go.mod.

``outdated``: for each module of the build list, the updates available and what they bring
(:mod:`gomodlab.load.updates`). ``queries``: the version queries of the main go.mod (``v1.5``,
``latest``, a commit) as go resolves them, and the go.mod go writes (:mod:`gomodlab.load.gomod_queries`).
Argument parsing and printing only.
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

    p = sub.add_parser("queries", help="resolve version queries in go.mod (v1.5, latest, a commit hash) as go "
                                       "does, and print the go.mod go would write",
                       description="Non-canonical versions in the main go.mod's require, exclude and replace "
                                   "lines are queries go answers from the proxy and writes back (with "
                                   "-mod=mod). Prints each query, what it resolves to, and the rewritten go.mod; "
                                   "go.mod itself is never written.")
    _add_source_options(p, graph_text=False)
    p.set_defaults(run=run_queries)


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


def run_queries(args: argparse.Namespace) -> int:
    from ..load.gomod_queries import resolve_gomod_queries
    from ..load.sources import ModCacheSource, ProxySource

    source = ProxySource(args.proxy) if args.proxy else ModCacheSource(args.modcache)
    rw = resolve_gomod_queries(args.dir, source)
    if args.format == "json":
        _dump({"gomod": rw.gomod, "queries": [{"path": r.path, "query": r.query, "version": r.version}
                                              for r in rw.resolutions],
               "changed": rw.changed, "gomod_after": rw.gomod_after.decode("utf-8", "replace"),
               "build_list": rw.graph.list_lines()})
        return 0
    sys.stdout.write(rw.text())
    return 0
