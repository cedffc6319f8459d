"""``gomodlab why-pkg PKG… [-m] [-vendor]``: what ``go mod why`` prints, computed in-process.

A command of its own rather than a mode of ``gomodlab why`` (which explains a *module*'s place in
the requirement graph, from go.mod files alone): ``why-pkg`` loads packages and answers with import
chains, byte for byte as go mod why does, go's flags spelled as go spells them. Where go mod why
fails the command prints go's stderr and exits with go's status.
"""

from __future__ import annotations

import argparse
import json
import sys

from ._modsource import add_source_options, source_of


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("why-pkg", help="why packages or modules are needed, as 'go mod why' prints it (in-process)",
                       description="Loads the main module's \"all\" packages as go mod why does and prints, for "
                                   "each package (module with -m), the shortest import chain from the main module, "
                                   "or that the main module does not need it. Run in (or give -C) the module's "
                                   "directory.")
    p.add_argument("targets", nargs="*", metavar="PKG", help="package patterns (module paths with -m); none: '.' (-m: the main module)")
    p.add_argument("-m", dest="modules", action="store_true", help="the arguments are modules (go mod why -m)")
    p.add_argument("-vendor", "--vendor", dest="vendor", action="store_true",
                   help="exclude tests of dependencies (go mod why -vendor)")
    p.add_argument("-C", dest="dir", default=".", metavar="DIR", help="run in DIR (as go -C DIR)")
    add_source_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="json: a list of {package|module, path, needed}")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..load.modwhy import WhyRefused, why

    try:
        result = why(args.targets, args.dir, source_of(args), modules=args.modules, vendor=args.vendor,
                     modcache=args.modcache)
    except WhyRefused as e:
        sys.stderr.write(e.stderr)
        return e.exit_status
    sys.stderr.write(result.stderr)
    if args.format == "json":
        json.dump([r.to_json() for r in result.records], sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(result.text())
    return 0
