"""``gomodlab hygiene`` (sizes, ages, unused versions, orphans) and ``gomodlab trim`` (evict them safely)."""

from __future__ import annotations

import argparse


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("cache", nargs="?", help="module cache directory (default: go env GOMODCACHE)")
    p.add_argument("--gosum", action="append", default=[], metavar="FILE",
                   help="go.sum of a project whose versions count as used (repeatable)")
    p.add_argument("--build-list", action="append", default=[], metavar="FILE",
                   help="'go list -m all' output of a project (repeatable)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--no-progress", action="store_true")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("hygiene", help="module cache sizes, ages, unused versions and orphans",
                       description="Sizes by module and version, age (mtime of .info/.zip), versions that no "
                                   "given go.sum or build list uses, and orphaned entries.")
    _common(p)
    p.add_argument("--top", type=int, default=20, metavar="N", help="modules to list (table format)")
    p.set_defaults(run=run_hygiene)
    t = sub.add_parser("trim", help="evict unused versions and orphans into a quarantine (plan or apply)",
                       description="A safe alternative to 'go clean -modcache': only versions no given project "
                                   "uses (and orphans) move, under go's locks, into a quarantine session; "
                                   "'gomodlab fix --restore SESSION' brings them back.")
    _common(t)
    t.add_argument("--older-than", type=float, metavar="DAYS", help="only versions downloaded at least DAYS ago")
    t.add_argument("--mod-only-zips", action="store_true",
                   help="also evict zips and directories of versions whose go.mod alone is used")
    t.add_argument("--no-orphans", action="store_true", help="leave orphaned entries alone")
    mode = t.add_mutually_exclusive_group()
    mode.add_argument("--plan", action="store_true", help="print the plan (default)")
    mode.add_argument("--apply", action="store_true", help="carry it out")
    t.add_argument("--quarantine", metavar="DIR", help="where sessions go (default: <cache>.quarantine)")
    t.add_argument("--lock-timeout", type=float, default=30.0, metavar="SECONDS")
    t.set_defaults(run=run_trim)


def _report(args: argparse.Namespace):  # noqa: ANN202
    from ..cache import hygiene
    from ..cache.scan import scan as scan_cache

    result = scan_cache(args.cache, index=True, verify=False, progress=False if args.no_progress else None)
    return result, hygiene.report(result, gosum=args.gosum, build_lists=args.build_list)


def run_hygiene(args: argparse.Namespace) -> int:
    import sys

    from ._cacheout import human_bytes, print_table

    _, rep = _report(args)
    if args.format == "json":
        import json

        print(json.dumps({"root": rep.root, "total_bytes": rep.total_bytes,
                          "modules": json.loads(rep.modules.to_json(orient="records")),
                          "versions": json.loads(rep.versions.to_json(orient="records", date_format="iso")),
                          "orphans": json.loads(rep.orphans.to_json(orient="records"))}, indent=2))
        return 0
    if args.format == "csv":
        rep.versions.to_csv(sys.stdout, index=False)
        return 0
    mods = rep.modules.sort_values("bytes", ascending=False).head(args.top)
    print_table(("MODULE", "VERSIONS", "SIZE", "UNUSED", "UNUSED SIZE", "NEWEST", "AGE (DAYS)"),
                [(r.module, r.versions, human_bytes(r.bytes), r.unused_versions if rep.used_known else "?",
                  human_bytes(r.unused_bytes) if rep.used_known else "?", r.newest_version, f"{r.age_days:.0f}")
                 for r in mods.itertuples(index=False)])
    if len(rep.orphans):
        print()
        print_table(("ORPHAN", "SIZE", "PATH"), [(r.what, human_bytes(r.bytes), r.path)
                                                 for r in rep.orphans.itertuples(index=False)])
    unused = rep.versions[rep.versions["usage"] == "unused"]
    print(f"\n{len(rep.versions)} module versions, {human_bytes(rep.total_bytes)} in {rep.root}"
          + (f"; {len(unused)} unused ({human_bytes(int(unused['bytes'].sum()))})" if rep.used_known
             else "; pass --gosum/--build-list to find unused versions")
          + (f"; {len(rep.orphans)} orphans" if len(rep.orphans) else ""))
    return 0


def run_trim(args: argparse.Namespace) -> int:
    from ..cache import hygiene, repair
    from .fix import print_applied, print_plan

    result, rep = _report(args)
    plan = hygiene.plan_trim(result, rep, older_than_days=args.older_than, mod_only_zips=args.mod_only_zips,
                             orphans=not args.no_orphans)
    if not args.apply:
        print_plan(plan, args.format)
        return 1 if plan.actions else 0
    res = repair.apply(plan, quarantine=args.quarantine, lock_timeout=args.lock_timeout)
    print_applied(res, args.format)
    return 0 if res.ok else 1
