"""The ``gomodlab`` command line.

One module per command group under ``gomodlab/cli/``; each has ``register(subparsers)`` (argparse
set-up, cheap) and puts its heavy imports (pandas, networkx) inside the function that runs it,
so ``gomodlab hash`` or ``gomodlab parse`` start fast.

Exit codes: 0 success, 1 the answer is "problems found" (or go would reject the input: an error
with ``exit_code = 1``, such as a workspace go refuses), 2 an error
(bad arguments, unreadable input): a one-line message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ..errors import GomodlabError, GoRefusal
from ..version import __version__

__all__ = ["main"]

#: Command name → the module under ``gomodlab/cli/`` that registers it, in ``--help`` order.
#: A run imports only its own command's module: importing and setting up every group (pathlib,
#: typing, json… for the commands that need them) takes about 25 ms, as long as a warm
#: ``gomodlab buildlist`` needs for the whole graph.
COMMANDS = {
    "doctor": "doctor", "hash": "hashcmd", "parse": "parse",
    "buildlist": "modgraph", "modgraph": "modgraph", "why": "modgraph", "upgrade": "modgraph",
    "outdated": "outdated", "queries": "outdated", "tidy": "tidycmd", "why-pkg": "whypkgcmd",
    "tidy-explain": "tidyexplain", "pkggraph": "pkggraph", "vendor-check": "vendorcmd",
    "scan": "scan", "fix": "fix", "triage": "triage", "hygiene": "hygiene", "trim": "hygiene",
    "logs": "logs", "proxy": "proxycmd", "explain": "explain", "report": "reportcmd", "demo": "democmd",
    "fleet": "fleet",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``command`` a known name, only that command's group is set up."""
    parser = argparse.ArgumentParser(prog="gomodlab",
                                     description="Investigate Go module problems the way the go command sees them.")
    parser.add_argument("--version", action="version", version=f"gomodlab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    modules = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in modules:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(argv[0] if argv else None).parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except GoRefusal as e:
        sys.stderr.write(e.stderr)  # go's own words, and go's exit status
        return 1
    except GomodlabError as e:
        print(f"gomodlab {args.command}: {e}", file=sys.stderr)
        # 1 where go itself fails on the input (its own wording), else 2.
        return int(getattr(e, "exit_code", 2))
    except BrokenPipeError:
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
