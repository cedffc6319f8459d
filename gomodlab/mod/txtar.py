"""txtar archives (golang.org/x/tools/txtar): a comment, then files as ``-- name --`` sections.

The format go's own tests keep module trees in; gomodlab ships small worlds in it (a main module
and, under ``proxy/``, the module versions its GOPROXY serves).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Archive", "parse"]


@dataclass(frozen=True, slots=True)
class Archive:
    """``comment`` (the text before the first file) and ``files``: (name, data) in order."""

    comment: str
    files: tuple[tuple[str, str], ...]


def _marker(line: str) -> str | None:
    s = line.rstrip("\r\n")
    if s.startswith("-- ") and s.endswith(" --") and len(s) > 6:
        return s[3:-3].strip()
    return None


def parse(text: str) -> Archive:
    """txtar.Parse: every line ``-- NAME --`` starts a file; each file's data ends with a newline
    (txtar.Format adds one where the text had none)."""
    comment: list[str] = []
    files: list[tuple[str, str]] = []
    name: str | None = None
    buf: list[str] = comment
    for line in text.splitlines(keepends=True):
        got = _marker(line)
        if got is not None:
            if name is not None:
                files.append((name, "".join(buf)))
            name, buf = got, []
            continue
        buf.append(line)
    if name is not None:
        files.append((name, "".join(buf)))
    return Archive("".join(comment), tuple(files))
