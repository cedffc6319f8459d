"""``gomodlab tidy [DIR]``: what ``go mod tidy`` would write, computed in-process (no Go toolchain).

Prints the go.mod (``--go-sum``: the go.sum) tidy writes, and on stderr what go prints on the way
(``go: finding module for package …``); writes nothing unless ``--write``. ``--diff`` prints what
``go mod tidy -diff`` prints and exits 1 when the module is not tidy. Where go mod tidy fails the
command prints go's stderr and exits with go's status.
"""

from __future__ import annotations

import argparse
import json
import os
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tidy", help="the go.mod and go.sum 'go mod tidy' would write, computed in-process",
                       description="Loads the main module's packages and their imports over the module graph "
                                   "as go mod tidy does (build tags ignored, tests included, missing imports "
                                   "looked up), and prints the go.mod it would write. Nothing is written "
                                   "unless --write.")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="directory in the main module")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--modcache", metavar="PATH", help="module cache to read from (default: go env GOMODCACHE)")
    src.add_argument("--proxy", metavar="URL", help="GOPROXY list to read modules from (zips read in memory)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--go-sum", action="store_true", help="print the go.sum instead of the go.mod")
    out.add_argument("--diff", action="store_true", help="print the changes as 'go mod tidy -diff' does; exit 1 if any")
    out.add_argument("--format", choices=("text", "json"), default="text",
                     help="json: go.mod, go.sum, whether they change and each requirement change with its reason")
    p.add_argument("--write", action="store_true", help="write go.mod and go.sum, as go mod tidy does")
    p.add_argument("-e", dest="allow_errors", action="store_true", help="proceed despite errors (go mod tidy -e)")
    p.add_argument("--go", metavar="VERSION", help="set the go line (go mod tidy -go=VERSION)")
    p.add_argument("--compat", metavar="VERSION", help="keep what go VERSION needs (go mod tidy -compat=VERSION)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..load.modtidy import TidyRefused, tidy
    from ..load.sources import ProxySource, source_for

    source = ProxySource(args.proxy) if args.proxy else source_for(args.modcache)
    try:
        result = tidy(args.dir, source, go_version=args.go, compat=args.compat, allow_errors=args.allow_errors,
                      modcache=args.modcache)
    except TidyRefused as e:
        sys.stderr.write(e.stderr)
        return e.exit_status
    sys.stderr.write(result.stderr)
    if args.diff:
        text = result.diff()
        sys.stdout.buffer.write(text)
        return 1 if text else 0
    if args.write:
        _write(result.gomod_file, result.gomod, result.gomod_before)
        _write(os.path.join(os.path.dirname(result.gomod_file), "go.sum"), result.gosum, result.gosum_before)
    if args.format == "json":
        json.dump({
            "gomod": result.gomod.decode("utf-8", "replace"), "gosum": result.gosum.decode("utf-8", "replace"),
            "gomod_changed": result.gomod_changed, "gosum_changed": result.gosum_changed,
            "changes": [vars(c) for c in result.changes],
        }, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if not args.write:
        sys.stdout.buffer.write(result.gosum if args.go_sum else result.gomod)
    return 0


def _write(path: str, data: bytes, before: bytes) -> None:
    """Replace ``path`` with ``data`` when it changes (atomically; a go.sum that would stay empty
    and did not exist is not created, as go does not create it)."""
    if data == before:
        return
    tmp = path + ".gomodlab-tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
