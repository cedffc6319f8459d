"""``gomodlab parse FILE``: read a go.mod, go.work or go.sum file the way the go command does.

``--json`` (the default) prints what ``go mod edit -json FILE`` prints (``go work edit -json`` for
go.work); ``--fmt`` prints what ``go mod edit -fmt -print FILE`` prints. A file go would reject
gives go's own stderr text and exit status 1. go.sum files print as a JSON list of
``{"Path", "Version", "Hash", "Line"}`` objects (go has no command that prints one).
"""

from __future__ import annotations

import argparse
import sys

from ..errors import GomodlabError
from ..load.locate import short_path  # cmd/go/internal/base.ShortPath, for the file name go shows

KINDS = ("gomod", "gowork", "gosum")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "parse", help="parse a go.mod, go.work or go.sum file exactly as go does (JSON, -fmt, errors)",
        description="Print FILE as `go mod edit -json` (go.work: `go work edit -json`) or `-fmt -print` "
                    "would; errors and exit status 1 as go's. The kind comes from the name: *.work is "
                    "go.work syntax, *.sum go.sum, anything else go.mod.")
    p.add_argument("file")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print go's -json view (the default)")
    out.add_argument("--fmt", action="store_true", help="print the file as go mod edit -fmt -print would")
    p.add_argument("--kind", choices=KINDS, help="file syntax, instead of guessing from the name")
    p.set_defaults(run=run)


def kind_of(path: str) -> str:
    """The syntax a file name implies: ``*.work`` go.work, ``*.sum`` go.sum, else go.mod."""
    if path.endswith(".work"):
        return "gowork"
    if path.endswith(".sum"):
        return "gosum"
    return "gomod"


def run(args: argparse.Namespace) -> int:
    from ..mod import modfile

    path: str = args.file
    kind = args.kind or kind_of(path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise GomodlabError(f"open {path}: {e.strerror.lower() if e.strerror else e}") from None
    shown = short_path(path)
    try:
        if kind == "gosum":
            if args.fmt:
                raise GomodlabError("--fmt: go has no formatter for go.sum files")
            out = modfile.gosum_json(data, path).encode()
        elif kind == "gowork":
            # go work edit reads the file under its short path (modload.ReadWorkFile).
            out = modfile.format_gowork(data, shown) if args.fmt else modfile.gowork_json(data, shown).encode()
        else:
            # go mod edit names the file in each error as given on its command line.
            out = modfile.format_gomod(data, path) if args.fmt else modfile.gomod_json(data, path).encode()
    except modfile.GoModSyntaxError as e:
        sys.stdout.flush()
        sys.stderr.buffer.write(e.go_stderr(shown).encode("utf-8", "surrogateescape"))
        sys.stderr.flush()
        return 1
    sys.stdout.buffer.write(out)
    sys.stdout.flush()
    return 0
