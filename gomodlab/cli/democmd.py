"""``gomodlab demo``: build the built-in scenario with the real go command and write its post-mortem.

What ``make demo`` runs. See :mod:`gomodlab.lab.demo` for what is built; this module only prints.
Exit status: 0 the report was written and its notebook ran, 1 the notebook failed (the page is
still written, with a red banner), 2 an error (go or git missing, a step of the scenario failed).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="build the demo scenario (real go, damaged cache, lab proxies) and its report",
                       description="Builds a module universe as a local GOPROXY, a project exercising MVS "
                                   "(diamond, pruning, exclude, replace), a module cache filled by the real go "
                                   "command and then damaged, a go mod download -x run through two fault-"
                                   "injecting lab proxies and go's failing output; then runs the post-mortem "
                                   "notebook on all of it. Offline: nothing leaves 127.0.0.1.")
    p.add_argument("--dir", default=".demo", help="where to build the scenario (default: .demo; replaced if present)")
    p.add_argument("--report", default=os.path.join("reports", "demo.html"), metavar="FILE",
                   help="the post-mortem page to write (default: reports/demo.html)")
    p.add_argument("--no-report", action="store_true", help="build the scenario only")
    p.add_argument("--seed", type=int, default=None, help="seed of the lab proxies' fault injection")
    p.add_argument("--samples", metavar="DIR",
                   help="also copy the small outputs (go.mod, go-x.log, go-error.txt, …) to DIR, e.g. data/demo")
    p.add_argument("--quiet", action="store_true", help="print only the summary")
    p.set_defaults(run=run)


def _rel(path: Path) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return rel if not rel.startswith("..") else str(path)


def run(args: argparse.Namespace) -> int:
    from ..lab import demo
    from ._cacheout import human_bytes

    def step(text: str) -> None:
        if not args.quiet:
            print(f"  - {text}", file=sys.stderr, flush=True)

    if not args.quiet:
        print(f"gomodlab demo: building the scenario in {args.dir} (real go, offline)", file=sys.stderr)
    res = demo.build(args.dir, seed=demo.DEFAULT_SEED if args.seed is None else args.seed,
                     report=not args.no_report, report_path=args.report, on_step=step)
    p = res.paths
    print(f"gomodlab demo: built in {res.seconds:.1f} s under {_rel(p.root)}")
    print(f"\nwhat go said ({_rel(p.go_error)}; gomodlab explain):")
    for i, (category, mv, _) in enumerate(res.diagnoses, 1):
        print(f"  {i}. {category:<20} {mv}")
    print(f"\nmodule cache findings ({_rel(p.modcache)}; gomodlab scan):")
    width = max((len(k) for k, _, _ in res.findings), default=0)
    for kind, what, detail in res.findings:
        where = _rel(Path(what)) if what.startswith("/") else what
        print(f"  {kind:<{width}}  {where}: {detail.splitlines()[0][:90]}")
    print("\nthe smallest fix (quarantine, never delete; gomodlab fix --restore undoes it):")
    for cmd in res.fix_commands:
        print(f"  {cmd}")
    print(f"  → moves {len(res.fix_entries)} entries ({human_bytes(res.fix_bytes)}) into quarantine; "
          f"go clean -modcache would throw away all {human_bytes(res.cache_bytes)}")
    if args.samples:
        written = demo.write_samples(p, args.samples)
        print(f"\nsamples: {len(written)} files in {_rel(Path(args.samples))}")
    if res.report is None:
        return 0
    print(f"\nreport: {_rel(res.report)} ({res.report_status}"
          + (f": {res.report_error}" if res.report_error else "") + ")")
    return 0 if res.report_status == "ok" else 1
