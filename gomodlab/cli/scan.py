"""``gomodlab scan [CACHE]``: every damaged entry of a module cache, read-only.

Exit status: 0 clean, 1 findings (damage, or entries it could not check: ``unverified`` while go holds
a lock, ``permission-denied``), 2 errors (an unreadable cache, a go.sum that does not parse).
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
                    "cache/vcs checkouts. A version whose lock a running go holds is waited for up to "
                    "--lock-timeout seconds, then reported 'unverified'; a file this user may not read "
                    "is reported 'permission-denied', with its owner and mode. Neither is damage, and "
                    "neither is ever repaired. Nothing in the cache is ever written.")
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
    p.add_argument("--lock-timeout", type=float, default=0.0, metavar="SECONDS",
                   help="wait this long for a running go to release a version's lock (default 0: report "
                        "it unverified at once)")
    p.set_defaults(run=run)


def scan_from_args(args: argparse.Namespace):  # noqa: ANN201 - returns ScanResult
    """Run the scan the shared options describe (also used by ``gomodlab fix``)."""
    from ..cache.scan import scan as scan_cache

    index: bool | str = False if args.no_index else (args.index or True)
    return scan_cache(args.cache, gosum=args.gosum or None, jobs=args.jobs, index=index,
                      progress=False if args.no_progress else None, lock_timeout=args.lock_timeout)


def report_errors(command: str, result) -> None:  # noqa: ANN001
    """What the scan could not look at, one note each (versions a go holds are findings)."""
    from ._cacheout import note

    for err in (*result.errors, *result.notes):
        note(command, err)


def _memo(args: argparse.Namespace):  # noqa: ANN202 - _scanmemo.ScanMemo | None
    """The output memo for this scan, or None when the answer must be computed afresh."""
    if args.no_index or args.inventory:
        return None
    from ..load.locate import default_modcache
    from ..cache.scan_memo import ScanMemo

    root = os.path.realpath(args.cache or default_modcache())
    if not os.path.isdir(root):
        return None
    try:
        return ScanMemo.beside_index(args.index, root, (args.format,), args.gosum)
    except OSError:
        return None  # a go.sum that cannot be read: the scan reports it


def run(args: argparse.Namespace) -> int:
    import time

    start = time.perf_counter()
    memo = _memo(args)
    hit = memo.lookup() if memo is not None else None
    if hit is not None:
        answer, summary, code = hit
        sys.stdout.write(answer)
        if summary:
            print(f"{summary} checked in {time.perf_counter() - start:.2f}s: unchanged since the last scan "
                  "(scan index)")
        return code
    started_ns = time.time_ns()
    result = scan_from_args(args)
    report_errors("scan", result)
    code = 2 if result.errors else (1 if result.findings else 0)
    if args.inventory:
        _print_inventory(result, args.format)
        return code
    answer, summary = _render(result, args.format)
    sys.stdout.write(answer)
    if summary:
        s = result.stats
        print(f"{summary} scanned in {s.seconds:.2f}s"
              + (f", {s.index_hits} results from the scan index" if s.index_hits else "")
              + (f", {len(result.in_progress)} held by a running go" if result.in_progress else ""))
    if memo is not None and not result.in_progress and not result.errors:
        memo.store(started_ns, answer, summary, code)
    return code


def _print_inventory(result, fmt: str) -> None:  # noqa: ANN001 - ScanResult
    df = result.inventory()
    if fmt == "table":
        cols = ["module", "version", "status", "kinds", "bytes", "zip_bytes", "dir_files", "ziphash"]
        print(df[cols].to_string(index=False) if len(df) else "(empty cache)")
    elif fmt == "json":
        print(df.to_json(orient="records", date_format="iso", indent=2))
    else:
        df.to_csv(sys.stdout, index=False)


def _render(result, fmt: str) -> tuple[str, str]:  # noqa: ANN001 - ScanResult
    """(the findings as printed, the table's summary line without its timing)."""
    import io

    from ._cacheout import human_bytes, print_records, print_table

    out = io.StringIO()
    if fmt != "table":
        headers = ["kind", "module", "version", "path", "detail", "want", "got", "remote", "modules"]
        print_records(fmt, headers, [f.to_dict() for f in result.findings], out=out)
        return out.getvalue(), ""
    root = result.root
    rows = [(f.kind, f"{f.module}@{f.version}" if f.version else (f.module or "-"),
             os.path.relpath(f.path, root) if f.path.startswith(root) else f.path, f.detail)
            for f in result.findings]
    if rows:
        print_table(("KIND", "MODULE", "PATH", "DETAIL"), rows, out=out)
    versions = {(f.module, f.version) for f in result.findings}
    held = sum(e.bytes for e in result.entries) + sum(v.bytes for v in result.vcs)
    summary = (f"{len(result.findings)} finding(s) in {len(versions)} entr{'y' if len(versions) == 1 else 'ies'}; "
               f"{result.stats.versions} module versions and {len(result.vcs)} vcs checkouts ({human_bytes(held)})")
    return out.getvalue(), summary
