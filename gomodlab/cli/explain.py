"""``gomodlab explain FILE|-``: diagnose what the go command printed, with the smallest fix.

Exit codes: 0 at least one problem was recognised (and printed), 1 nothing was recognised (every
diagnosis is ``unknown``, or go's output holds no error), 2 the input cannot be read, is empty or
binary, or is not go output at all.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from typing import BinaryIO

from ..errors import GomodlabError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("explain", help="diagnose go command error output (category, module@version, fix)",
                       description="Read what go printed (a file, or - for stdin: paste, CI log, -x trace) and "
                                   "print one diagnosis per problem, the primary one first: category, "
                                   "module@version, evidence line numbers and the commands that fix it.")
    p.add_argument("file", metavar="FILE|-", help="the go command's output; - reads stdin")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(run=run)


def _open(name: str) -> BinaryIO:
    """The input as a seekable binary file: explain reads it twice, a piece at a time. Standard
    input is spooled (in memory while small, then to a temporary file)."""
    try:
        if name != "-":
            return open(name, "rb")
        spool = tempfile.SpooledTemporaryFile(max_size=8 << 20)
        shutil.copyfileobj(sys.stdin.buffer, spool)
        spool.seek(0)
        return spool
    except OSError as e:
        raise GomodlabError(f"{name}: {e.strerror or e}") from None


def _table(diagnoses: list) -> str:
    rows = [("#", "CATEGORY", "MODULE@VERSION", "LINES", "FIX")]
    for i, d in enumerate(diagnoses, 1):
        if d.module:
            mv = f"{d.module}@{d.version}" if d.version else d.module
        else:
            mv = f"go {d.version}" if d.category == "toolchain" and d.version else d.version or "-"
        fixes = list(d.fix) or ["-"]
        rows.append((str(i), d.category, mv, d.line_ranges, fixes[0]))
        rows.extend(("", "", "", "", f) for f in fixes[1:])
    widths = [max(len(r[k]) for r in rows) for k in range(4)]
    text = ["  ".join(r[k].ljust(widths[k]) for k in range(4)) + "  " + r[4] for r in rows]
    text.append("")
    text.extend(f"{i}. {d.summary}" + (" (primary)" if i == 1 and len(diagnoses) > 1 else "")
                for i, d in enumerate(diagnoses, 1))
    return "\n".join(line.rstrip() for line in text)


_NEXT = "pass what the failing go command printed, e.g. `go mod tidy 2>&1 | gomodlab explain -`"


def _looks_binary(text: str) -> bool:
    """NUL bytes, or more than 1% of the bytes (and more than a few) not text: never echo such input
    back. A Windows code-page byte or two in a log is text."""
    return "\x00" in text or text.count("\ufffd") > max(8, len(text) / 100)


def run(args: argparse.Namespace) -> int:
    from ..diagnose import explain

    name = "standard input" if args.file == "-" else args.file
    with _open(args.file) as file:
        # Empty and binary input is told from the start of the file (never echoed back).
        head = file.read(1 << 20).decode("utf-8", errors="replace")
        if not head.strip() and not file.read(1):
            raise GomodlabError(f"{name}: empty: found no go output; {_NEXT}")
        if _looks_binary(head):
            raise GomodlabError(f"{name}: binary data, not go output; {_NEXT}")
        diagnoses = explain.explain_file(file)
        go_output = bool(diagnoses) or _mentions_go(file)
    if args.format == "json":
        print(json.dumps([d.to_dict() for d in diagnoses], indent=2))
    elif diagnoses:
        print(_table(diagnoses))
    elif go_output:
        print("no go command errors found")
    else:
        raise GomodlabError(f"{name}: found no go output in it; {_NEXT}")
    return 0 if any(d.category != "unknown" for d in diagnoses) else 1


_GO_OUTPUT = re.compile(rb"(?m)^\S*go(?: [\w-]+)*: |\bgo(?:\.mod|\.sum| mod| get| build)\b")


def _mentions_go(file: BinaryIO) -> bool:
    """Whether the file shows any go output (read a line at a time: bounded memory)."""
    file.seek(0)
    return any(_GO_OUTPUT.search(line) for line in file)
