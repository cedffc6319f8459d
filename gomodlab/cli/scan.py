"""``gomodlab scan [CACHE]``: every damaged entry of a module cache, read-only.

Exit status: 0 clean, 1 findings, 2 errors (an unreadable cache, a go.sum that does not parse).
"""

from __future__ import annotations

import argparse
import os
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scan", help="find damaged entries in a module cache (read-only)",
        description="Check every module version in the module cache the way the go command would use it: "
                    "zips (readable as that module's zip, hash as recorded in .ziphash), extracted "
                    "directories, .partial and temp leftovers, .mod/.info files, go.sum agreement, and "
                    "cache/vcs checkouts. Versions that a running go is downloading (its lock is held) "
                    "are reported as in progress. Nothing in the cache is ever written.")
    p.add_argument("cache", nargs="?", help="module cache directory (default: go env GOMODCACHE)")
    p.add_argument("--gosum", action="append", default=[], metavar="FILE",
                   help="a go.sum the cache must agree with (repeatable)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--jobs", type=int, metavar="N", help="hashing processes (default: available CPUs)")
    p.add_argument("--no-index", action="store_true",
                   help="hash everything afresh (ignore the scan index kept outside the cache)")
    p.add_argument("--index", metavar="PATH",
                   help="scan index file (default: under $GOMODLAB_INDEX_DIR or ~/.cache/gomodlab)")
    p.add_argument("--inventory", action="store_true",
                   help="print the inventory (one row per module version) instead of the findings")
    p.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    p.set_defaults(run=run)


def scan_from_args(args: argparse.Namespace):  # noqa: ANN201 - returns cache.ScanResult
    """Run the scan the shared options describe (also used by ``gomodlab fix``)."""
    from .. import cache

    index: bool | str = False if args.no_index else (args.index or True)
    return cache.scan(args.cache, gosum=args.gosum or None, jobs=args.jobs, index=index,
                      progress=False if args.no_progress else None)


def report_in_progress(command: str, result) -> None:  # noqa: ANN001
    from ._cacheout import note

    for what in result.in_progress:
        note(command, f"in progress, not checked: {what} (a running go command holds its lock)")
    for err in result.errors:
        note(command, err)


def run(args: argparse.Namespace) -> int:
    from ._cacheout import human_bytes, print_records, print_table

    result = scan_from_args(args)
    report_in_progress("scan", result)
    if args.inventory:
        df = result.inventory()
        if args.format == "table":
            cols = ["module", "version", "status", "kinds", "bytes", "zip_bytes", "dir_files", "ziphash"]
            print(df[cols].to_string(index=False) if len(df) else "(empty cache)")
        elif args.format == "json":
            print(df.to_json(orient="records", date_format="iso", indent=2))
        else:
            df.to_csv(sys.stdout, index=False)
    elif args.format == "table":
        root = result.root
        rows = [(f.kind, f"{f.module}@{f.version}" if f.version else (f.module or "-"),
                 os.path.relpath(f.path, root) if f.path.startswith(root) else f.path, f.detail)
                for f in result.findings]
        if rows:
            print_table(("KIND", "MODULE", "PATH", "DETAIL"), rows)
        versions = {(f.module, f.version) for f in result.findings}
        held = sum(e.bytes for e in result.entries) + sum(v.bytes for v in result.vcs)
        s = result.stats
        print(f"{len(result.findings)} finding(s) in {len(versions)} entr{'y' if len(versions) == 1 else 'ies'}; "
              f"{s.versions} module versions and {len(result.vcs)} vcs checkouts ({human_bytes(held)}) "
              f"scanned in {s.seconds:.2f}s" + (f", {s.index_hits} results from the scan index" if s.index_hits else "")
              + (f", {len(result.in_progress)} in progress" if result.in_progress else ""))
    else:
        headers = ["kind", "module", "version", "path", "detail", "want", "got", "remote", "modules"]
        print_records(args.format, headers, [f.to_dict() for f in result.findings])
    if result.errors:
        return 2
    return 1 if result.findings else 0
