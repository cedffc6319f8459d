"""gomodlab's command line run inside the test process, its streams captured."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path


def run_cli(*argv: str, cwd: Path | None = None) -> tuple[int, str, str]:
    """``gomodlab ARGV`` in-process (in ``cwd`` if given): exit status, stdout, stderr.

    Text and bytes writes both land, as a terminal's streams take them (a command may write go.mod
    bytes to ``sys.stdout.buffer``); bytes that are not UTF-8 come back as surrogate escapes.
    """
    from gomodlab.cli import main as cli_main

    bufs = io.BytesIO(), io.BytesIO()
    out, err = (io.TextIOWrapper(b, encoding="utf-8", errors="surrogateescape", newline="", write_through=True)
                for b in bufs)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
            (contextlib.chdir(cwd) if cwd else contextlib.nullcontext()):
        rc = cli_main(list(argv))
    return rc, *(b.getvalue().decode("utf-8", "surrogateescape") for b in bufs)
