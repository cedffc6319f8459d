"""The ``gomodlab`` command line.

One module per command group under ``gomodlab/cli/``; each has ``register(subparsers)`` (argparse
set-up, cheap) and puts its heavy imports (pandas, networkx) inside the function that runs it,
so ``gomodlab hash`` or ``gomodlab parse`` start fast.

Exit codes: 0 success, 1 the answer is "problems found" (or go would reject the input), 2 an error
(bad arguments, unreadable input): a one-line message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ..errors import GomodlabError

__all__ = ["main"]

#: Command-group modules, in the order ``gomodlab --help`` lists them.
COMMAND_MODULES = ("doctor", "hashcmd", "parse", "modgraph", "tidyexplain", "scan", "fix", "triage", "hygiene",
                   "logs", "proxycmd", "explain", "reportcmd", "democmd")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gomodlab",
                                     description="Investigate Go module problems the way the go command sees them.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except GomodlabError as e:
        print(f"gomodlab {args.command}: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
