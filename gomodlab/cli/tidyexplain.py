"""``gomodlab tidy-explain [DIR]``: run the real ``go mod tidy`` on a scratch copy and explain each change."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tidy-explain", help="run 'go mod tidy' on a scratch copy and explain every changed line",
                       description="Copies the module to a scratch directory (your files are never touched), "
                                   "runs the real go mod tidy there reading modules only from the module cache "
                                   "or the given proxy (offline), and attributes each added, removed or changed "
                                   "go.mod / go.sum line to its reason.")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="directory in the main module")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--modcache", metavar="PATH", help="module cache to read from (default: go env GOMODCACHE)")
    src.add_argument("--proxy", metavar="URL", help="GOPROXY list to read from instead of a module cache")
    p.add_argument("--sums", action="store_true", help="also list go.sum changes (one line per hash)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..load.tidy import explain_tidy

    ex = explain_tidy(args.dir, modcache=args.modcache, proxy=args.proxy)
    changes = [c for c in ex.changes if args.sums or c.file == "go.mod"]
    if args.format == "json":
        data = ex.to_json()
        data["changes"] = [c for c in data["changes"] if args.sums or c["file"] == "go.mod"]
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 1 if ex.changes else 0
    if not ex.changes:
        print("go mod tidy changes nothing")
        return 0
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
    return 1
