"""``gomodlab fix [CACHE] [--plan | --apply | --restore SESSION]``: evict damaged entries into a quarantine.

``--plan`` (the default) prints what would move; ``--apply`` moves it under go's locks into a
quarantine session outside the cache (``--refetch``: then ``go mod download`` each version again);
``--restore SESSION`` puts a session back. Exit status: plan 0 nothing to do / 1 actions planned;
apply 0 everything done / 1 something skipped or a refetch failed; restore 0; 2 on errors.
"""

from __future__ import annotations

import argparse
import os

from .scan import report_errors, scan_from_args


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "fix", help="move damaged module cache entries into a quarantine (and back)",
        description="Plan (default) or apply the eviction of every entry 'gomodlab scan' finds damaged: "
                    "each version's zip/ziphash/.partial/temp files and extracted directory (or its bad "
                    ".mod/.info, or a broken cache/vcs checkout) move, under go's own lock, into a "
                    "quarantine session outside the cache with a journal and a manifest. Nothing is "
                    "ever deleted; --restore puts everything back.")
    p.add_argument("cache", nargs="?", help="module cache directory (default: go env GOMODCACHE)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--plan", action="store_true", help="print the actions (default)")
    mode.add_argument("--apply", action="store_true", help="carry the actions out")
    mode.add_argument("--restore", metavar="SESSION", help="put a quarantine session back into the cache")
    p.add_argument("--module", action="append", default=[], metavar="PATH[@VERSION]",
                   help="act only on this module (every version, or one); repeatable. A broken "
                        "cache/vcs checkout is selected by a module path that uses it")
    p.add_argument("--path", action="append", default=[], metavar="DIR",
                   help="act only on the entry at DIR (an extracted module dir or a cache/vcs checkout); repeatable")
    p.add_argument("--refetch", action="store_true",
                   help="after --apply, run 'go mod download' for each evicted version")
    p.add_argument("--gosum", action="append", default=[], metavar="FILE",
                   help="a go.sum the cache must agree with (repeatable)")
    p.add_argument("--quarantine", metavar="DIR",
                   help="where sessions go (default: <cache>.quarantine, beside the cache)")
    p.add_argument("--lock-timeout", type=float, default=30.0, metavar="SECONDS",
                   help="how long to wait for a running go to release a version's lock (default 30)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--jobs", type=int, metavar="N")
    p.add_argument("--no-index", action="store_true")
    p.add_argument("--index", metavar="PATH")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(run=run)


def print_plan(plan, fmt: str) -> None:  # noqa: ANN001 - repair.Plan
    from ._cacheout import human_bytes, print_records, print_table

    rows = [{"module": a.module, "version": a.version, "reason": a.reason, "kinds": ",".join(a.kinds),
             "path": m.src, "type": m.type, "bytes": m.bytes, "refetch": a.refetch}
            for a in plan.actions for m in a.moves]
    if fmt != "table":
        print_records(fmt, ["module", "version", "reason", "kinds", "path", "type", "bytes", "refetch"], rows)
        return
    if rows:
        print_table(("MODULE", "KINDS", "BYTES", "PATH"),
                    [(f"{r['module']}@{r['version']}" if r["version"] else (r["module"] or "(vcs)"),
                      r["kinds"] or r["reason"], human_bytes(r["bytes"]), r["path"]) for r in rows])
    entries = f"{len(plan.actions)} entr{'y' if len(plan.actions) == 1 else 'ies'}"
    print(f"plan: move {len(rows)} file(s)/dir(s) of {entries} ({human_bytes(plan.bytes)}) into quarantine; "
          f"{human_bytes(plan.cache_bytes - plan.bytes)} stay in the cache "
          f"(go clean -modcache would throw away all {human_bytes(plan.cache_bytes)})")


def print_applied(res, fmt: str) -> None:  # noqa: ANN001 - repair.ApplyResult
    from ._cacheout import human_bytes, print_records, print_table

    rows = [{"module": r.action.module, "version": r.action.version, "state": r.state,
             "kinds": ",".join(r.action.kinds), "moved": sum(m.bytes for m in r.moves if m.state == "moved"),
             "detail": r.detail} for r in res.actions]
    fetched = {(f.module, f.version): f for f in res.refetched}
    for row in rows:
        f = fetched.get((row["module"], row["version"]))
        row["refetch"] = "" if f is None else ("ok" if f.ok else "failed: " + f.detail.splitlines()[0])
    if fmt != "table":
        print_records(fmt, ["module", "version", "state", "kinds", "moved", "refetch", "detail"], rows)
        return
    if rows:
        print_table(("MODULE", "STATE", "MOVED", "REFETCH", "DETAIL"),
                    [(f"{r['module']}@{r['version']}" if r["version"] else (r["module"] or "(vcs)"), r["state"],
                      human_bytes(r["moved"]), r["refetch"] or "-", r["detail"] or r["kinds"]) for r in rows])
    for s in res.resumed:
        print(f"finished the interrupted session {s}")
    if not res.session:
        print("nothing to move: no damaged entries")
        return
    print(f"moved {human_bytes(res.bytes_moved)} into {res.session}; kept {human_bytes(res.bytes_kept)} in the cache "
          f"(go clean -modcache would have thrown away all {human_bytes(res.cache_bytes)})")
    print(f"undo with: gomodlab fix --restore {res.session}")


def run(args: argparse.Namespace) -> int:
    from ..cache import quarantine, repair
    from ._cacheout import note

    if args.restore:
        r = quarantine.restore(args.restore, lock_timeout=args.lock_timeout)
        for p in r.displaced:
            note("fix", f"{p}: the cache had a newer copy; it was moved to {os.path.join(r.session, 'displaced')}")
        for p in r.skipped:
            note("fix", f"{p}: not restored (still locked by a running go, or missing from the quarantine)")
        print(f"restored {len(r.restored)} file(s)/dir(s) from {r.session}")
        return 1 if r.skipped else 0
    if args.apply:
        # Finish a crashed apply before looking at the cache, so the scan sees its complete result.
        from ..cache.layout import default_cache_root

        root = os.path.realpath(args.cache or default_cache_root())
        base = args.quarantine or quarantine.default_quarantine_base(root)
        for s in quarantine.pending_sessions(base, root):
            actions = repair.resume_session(s, lock_timeout=args.lock_timeout)
            note("fix", f"finished the interrupted session {s}")
            if args.refetch:
                for a in actions:
                    if a.refetch and a.version:
                        r = repair.refetch(root, a.module, a.version)
                        note("fix", f"refetch {a.module}@{a.version}: " + ("ok" if r.ok else r.detail))
        args.cache = root
    result = scan_from_args(args)
    report_errors("fix", result)
    plan = repair.select_actions(repair.plan_repair(result), args.module, args.path)
    if not args.apply:
        print_plan(plan, args.format)
        if result.errors:
            return 2
        return 1 if plan.actions else 0
    res = repair.apply(plan, quarantine=args.quarantine, refetch_after=args.refetch, lock_timeout=args.lock_timeout)
    print_applied(res, args.format)
    if result.errors:
        return 2
    return 0 if res.ok else 1
