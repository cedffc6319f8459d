"""``gomodlab tidy-explain [DIR]``: every line ``go mod tidy`` changes, with its reason, computed in-process.

``--check`` also runs the real ``go mod tidy`` on a scratch copy and reports any difference from
the model (exit status 2 when they differ: a gomodlab bug).
"""

from __future__ import annotations

import argparse
import json
import sys

from ._modsource import add_source_options


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tidy-explain", help="every line 'go mod tidy' would change, with its reason (in-process)",
                       description="Computes go mod tidy in-process (nothing is written, no Go toolchain needed), "
                                   "reading modules from the module cache or the given proxy, and attributes each "
                                   "added, removed or changed go.mod / go.sum line to its reason. --check also runs "
                                   "the real go mod tidy on a scratch copy (your files are never touched) and "
                                   "reports any difference.")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="directory in the main module")
    add_source_options(p)
    p.add_argument("--sums", action="store_true", help="also list go.sum changes (one line per hash)")
    p.add_argument("--check", action="store_true",
                   help="also run the real go mod tidy on a scratch copy and compare (exit 2 if it differs)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..load.modtidy import TidyRefused
    from ..load.tidy import explain_tidy

    try:
        ex = explain_tidy(args.dir, modcache=args.modcache, proxy=args.proxy, check=args.check)
    except TidyRefused as e:  # go's words and go's exit status (2 where go panics)
        sys.stderr.write(e.stderr)
        return e.exit_status
    sys.stderr.write(ex.go_stderr)
    changes = [c for c in ex.changes if args.sums or c.file == "go.mod"]
    rc = 2 if ex.check else 1 if ex.changes else 0
    if args.format == "json":
        data = ex.to_json()
        data["changes"] = [c for c in data["changes"] if args.sums or c["file"] == "go.mod"]
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return rc
    _print_check(ex.check)
    if not ex.changes:
        print("go mod tidy changes nothing")
        return rc
    n_sum = sum(c.file == "go.sum" for c in ex.changes)
    for c in changes:
        sign = {"added": "+", "removed": "-", "changed": "~"}[c.change]
        text = c.new if c.change == "added" else c.old if c.change == "removed" else f"{c.old}  =>  {c.new}"
        print(f"{c.file} {sign} {text}")
        print(f"    [{c.reason}] {c.explanation}")
        for e in c.evidence:
            print(f"      {e}")
    if n_sum and not args.sums:
        print(f"(and {n_sum} go.sum line change(s); --sums lists them)")
    return rc


def _print_check(check: list[str] | None) -> None:
    if check is None:
        return
    if not check:
        print("checked: the real go mod tidy writes the same go.mod and go.sum")
        return
    for d in check:
        print(f"gomodlab tidy-explain: --check: {d}", file=sys.stderr)
