"""``gomodlab why-pkg [-C DIR] [-m] [-vendor] [-modfile FILE] PKG…``: what ``go mod why`` prints, computed in-process.

A command of its own rather than a mode of ``gomodlab why`` (which explains a *module*'s place in
the requirement graph, from go.mod files alone): ``why-pkg`` loads packages and answers with import
chains, byte for byte as go mod why does. Where go mod why fails the command prints go's stderr
and exits with go's status.

The command line is read as go's flag package reads it: go's flags (``-m``, ``-vendor``, ``-C``,
``-modfile``, also spelled with ``--``) only before the first package, which ends them (a ``--``
there ends them too and is dropped), so ``why-pkg pkg -m`` asks about the packages ``pkg`` and
``-m``, as ``go mod why pkg -m`` does. argparse does this with a REMAINDER positional. gomodlab's
own options (``--format``, ``--modcache``/``--proxy``), which go does not have, are read anywhere
up to a ``--``: the REMAINDER is parsed again for them alone (parse_known_args; what it leaves are
the packages, in order). ``-mod``, which go mod why does not define, is refused in go's words.
"""

from __future__ import annotations

import argparse
import json
import sys

from ._modsource import add_source_options, source_of

_DESCRIPTION = (
    "Loads the main module's \"all\" packages as go mod why does and prints, for each package (module with -m), "
    "the shortest import chain from the main module, or that the main module does not need it. The command line "
    "is read as go reads it: go's flags (-C, -m, -vendor, -modfile) only before the first package, so "
    "'why-pkg pkg -m' asks about a package named -m, as 'go mod why pkg -m' does; gomodlab's own options "
    "(--format, --modcache, --proxy) are taken anywhere before a '--'. GOFLAGS's -m, -vendor and -modfile are "
    "honoured as go honours them. go mod why never vendors: it has no -mod flag (refused in go's words; "
    "GOFLAGS=-mod=... is ignored, as go ignores it), and a vendor directory, consistent or not, changes nothing.")


_USAGE = ("%(prog)s [-C DIR] [-m] [-vendor] [-modfile FILE] [--modcache PATH | --proxy URL] "
          "[--format {text,json}] [PKG ...]")


class _RefuseModFlag(argparse.Action):
    """``-mod``: not a flag of go mod why, which never vendors (it always runs as -mod=mod); refused
    with go's words and exit status, as the flag people bring from ``go build -mod=vendor``."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: object,
                 option_string: str | None = None) -> None:
        from ..load.goswitch import usage_error

        parser.exit(2, usage_error("mod why", "flag provided but not defined: -mod").text + "\n")


def _add_own_options(p: argparse.ArgumentParser) -> None:
    """gomodlab's options, which go mod why does not have (so no package argument is taken for one)."""
    add_source_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="json: a list of {package|module, path, needed}")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("why-pkg", help="why packages or modules are needed, as 'go mod why' prints it (in-process)",
                       usage=_USAGE, description=_DESCRIPTION, allow_abbrev=False)
    p.add_argument("-C", "--C", dest="dir", default=".", metavar="DIR", help="run in DIR (as go mod why -C DIR)")
    p.add_argument("-m", "--m", dest="modules", action="store_true", default=None,
                   help="the arguments are modules (go mod why -m)")
    p.add_argument("-vendor", "--vendor", dest="vendor", action="store_true", default=None,
                   help="exclude tests of dependencies (go mod why -vendor)")
    p.add_argument("-modfile", "--modfile", dest="modfile", metavar="FILE",
                   help="read FILE instead of the module root's go.mod (go's -modfile)")
    p.add_argument("-mod", "--mod", nargs="?", action=_RefuseModFlag, help=argparse.SUPPRESS)
    _add_own_options(p)
    p.add_argument("targets", nargs=argparse.REMAINDER, metavar="PKG",
                   help="package patterns (module paths with -m); none: '.' (-m: the main module)")
    p.set_defaults(run=run)


def _read_late_options(args: argparse.Namespace) -> None:
    """gomodlab's options among the packages, into ``args``; ``args.targets`` left the packages."""
    if args.targets[:1] == ["--"]:
        # The "--" that ends go's flags, which argparse keeps in a REMAINDER and go drops: all
        # that follows are packages.
        args.targets = args.targets[1:]
        return
    late = argparse.ArgumentParser(prog="gomodlab why-pkg", usage=_USAGE, add_help=False, allow_abbrev=False)
    _add_own_options(late)
    _, args.targets = late.parse_known_args(args.targets, namespace=args)
    if args.modcache and args.proxy:   # one before the packages, the other after them
        late.error("argument --modcache: not allowed with argument --proxy")


def run(args: argparse.Namespace) -> int:
    from ..load.modwhy import WhyRefused, why

    _read_late_options(args)
    try:
        result = why(args.targets, args.dir, source_of(args), modules=args.modules, vendor=args.vendor,
                     modcache=args.modcache, modfile=args.modfile)
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
