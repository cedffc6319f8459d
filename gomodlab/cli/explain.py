"""``gomodlab explain FILE|-``: diagnose what the go command printed, with the smallest fix.

Exit codes: 0 at least one problem was recognised (and printed), 1 nothing was recognised (every
diagnosis is ``unknown``, or go's output holds no error), 2 the input cannot be read, is empty or
binary, or is not go output at all.
"""

from __future__ import annotations

import argparse
import json
import re
import sys

from ..errors import GomodlabError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("explain", help="diagnose go command error output (category, module@version, fix)",
                       description="Read what go printed (a file, or - for stdin: paste, CI log, -x trace) and "
                                   "print one diagnosis per problem, the primary one first: category, "
                                   "module@version, evidence line numbers and the commands that fix it.")
    p.add_argument("file", metavar="FILE|-", help="the go command's output; - reads stdin")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(run=run)


def _read(name: str) -> str:
    try:
        data = sys.stdin.buffer.read() if name == "-" else open(name, "rb").read()
    except OSError as e:
        raise GomodlabError(f"{name}: {e.strerror or e}") from None
    # Logs are mostly UTF-8, sometimes Windows code pages: never fail on a stray byte.
    return data.decode("utf-8", errors="replace")


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
    text = _read(args.file)
    if not text.strip():
        raise GomodlabError(f"{name}: empty: found no go output; {_NEXT}")
    if _looks_binary(text):
        raise GomodlabError(f"{name}: binary data, not go output; {_NEXT}")
    diagnoses = explain.explain(text)
    if args.format == "json":
        print(json.dumps([d.to_dict() for d in diagnoses], indent=2))
    elif diagnoses:
        print(_table(diagnoses))
    elif re.search(r"(?m)^\S*go(?: [\w-]+)*: |\bgo(?:\.mod|\.sum| mod| get| build)\b", text):
        print("no go command errors found")
    else:
        raise GomodlabError(f"{name}: found no go output in it; {_NEXT}")
    return 0 if any(d.category != "unknown" for d in diagnoses) else 1
