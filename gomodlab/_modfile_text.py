"""Go's string helpers that modfile and go.sum reading rely on, with Go's idea of a space.

``strings.TrimSpace`` and ``strings.Fields`` use ``unicode.IsSpace``; Python's ``str.strip()`` and
``str.split()`` also treat U+001C..U+001F as spaces, which Go does not. Characters that are not
UTF-8 arrive as ``surrogateescape`` characters and count as U+FFFD, as Go decodes them.
"""

from __future__ import annotations

from ._gounicode import is_print

__all__ = ["SPACE_CHARS", "is_space", "is_print_rune", "trim_space", "fields"]

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
