"""Go's string helpers that modfile and go.sum reading rely on, with Go's idea of a space, and
modfile's checks of ``go`` and ``toolchain`` line values.

``strings.TrimSpace`` and ``strings.Fields`` use ``unicode.IsSpace``; Python's ``str.strip()`` and
``str.split()`` also treat U+001C..U+001F as spaces, which Go does not. Characters that are not
UTF-8 arrive as ``surrogateescape`` characters and count as U+FFFD, as Go decodes them.

Nothing here imports re: modload's go.mod fast path uses these checks on `gomodlab buildlist`'s
start-up path, where importing re alone would cost about 6 ms.
"""

from __future__ import annotations

from ._gounicode import is_print

__all__ = ["SPACE_CHARS", "is_space", "is_print_rune", "trim_space", "fields", "go_version_ok", "toolchain_ok"]

#: unicode.IsSpace: the Latin-1 spaces plus the White_Space property (the same in every Unicode).
SPACE_CHARS = ("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
               "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_SPACE_SET = frozenset(SPACE_CHARS)
_PY_ONLY_SPACES = "\x1c\x1d\x1e\x1f"


def is_space(ch: str) -> bool:
    """``unicode.IsSpace`` of one character."""
    return ch in _SPACE_SET


def is_print_rune(ch: str) -> bool:
    """``unicode.IsPrint`` of the rune Go decodes here: a non-UTF-8 byte is U+FFFD, printable."""
    return "\udc80" <= ch <= "\udcff" or is_print(ch)


def trim_space(s: str) -> str:
    """``strings.TrimSpace``."""
    return s.strip(SPACE_CHARS)


def fields(s: str) -> list[str]:
    """``strings.Fields``: the substrings between runs of ``unicode.IsSpace`` characters."""
    if s.isascii() and not any(c in s for c in _PY_ONLY_SPACES):
        return s.split()
    out: list[str] = []
    start = -1
    for i, c in enumerate(s):
        if c in _SPACE_SET:
            if start >= 0:
                out.append(s[start:i])
                start = -1
        elif start < 0:
            start = i
    if start >= 0:
        out.append(s[start:])
    return out


_DIGITS = "0123456789"


def _number_end(s: str, i: int) -> int:
    """Index after ``0|[1-9][0-9]*`` at s[i:], or -1."""
    if i >= len(s) or s[i] not in _DIGITS:
        return -1
    if s[i] == "0":
        return i + 1
    i += 1
    while i < len(s) and s[i] in _DIGITS:
        i += 1
    return i


def go_version_ok(v: str) -> bool:
    """modfile.GoVersionRE ``[1-9][0-9]*\\.(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?``: a valid
    ``go`` line version such as ``1.21``, ``1.22.3``, ``1.23rc1``."""
    i = _number_end(v, 0)
    if i < 0 or v[0] == "0" or i == len(v) or v[i] != ".":
        return False
    i = _number_end(v, i + 1)
    if i > 0 and i < len(v) and v[i] == ".":
        i = _number_end(v, i + 1)
    if i < 0:
        return False
    letters = v[i:].rstrip(_DIGITS)
    if len(letters) == len(v) - i:  # no trailing digits: nothing may follow the numbers
        return i == len(v)
    return letters != "" and all("a" <= c <= "z" for c in letters)


def toolchain_ok(name: str) -> bool:
    """modfile.ToolchainRE: ``default``, or a name starting ``go1`` followed by the end or ``.``."""
    return name == "default" or name == "go1" or name.startswith("go1.")
