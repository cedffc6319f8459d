"""Go's strings and strconv behaviours that go's parsers and messages depend on.

``strconv.Quote`` / ``QuoteRune`` (so messages read exactly like go's ``%q``), ``strconv.Unquote``, and
``strings.TrimSpace`` / ``strings.Fields`` with Go's idea of a space: ``unicode.IsSpace``.
Python's ``str.strip()`` and ``str.split()`` also treat U+001C..U+001F as spaces, which Go does
not. Characters that are not UTF-8 arrive as ``surrogateescape`` characters and count as U+FFFD,
as Go decodes them.
"""

from __future__ import annotations

from ._gounicode import is_print

__all__ = ["quote", "quote_rune", "unquote", "SPACE_CHARS", "is_space", "is_print_rune", "trim_space", "fields"]

_ESCAPES = {"\a": r"\a", "\b": r"\b", "\f": r"\f", "\n": r"\n", "\r": r"\r", "\t": r"\t", "\v": r"\v",
            "\\": "\\\\"}


def _quote_char(ch: str, quote: str) -> str:
    if ch == quote or ch == "\\":
        return "\\" + ch
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    o = ord(ch)
    if 0xDC80 <= o <= 0xDCFF:  # a byte that was not valid UTF-8 (surrogateescape)
        return f"\\x{o - 0xDC00:02x}"
    if is_print(ch):
        return ch
    if o < 0x20 or o == 0x7F:
        return f"\\x{o:02x}"
    if 0xD800 <= o <= 0xDFFF:  # lone surrogate: Go prints the replacement character
        return "\ufffd"
    if o < 0x10000:
        return f"\\u{o:04x}"
    return f"\\U{o:08x}"


def quote(s: str | bytes) -> str:
    """Go's ``strconv.Quote`` (``%q`` of a string). Bytes that are not UTF-8 come out as ``\\xNN``."""
    if isinstance(s, bytes):
        s = s.decode("utf-8", "surrogateescape")
    return '"' + "".join(_quote_char(c, '"') for c in s) + '"'


def quote_rune(ch: str) -> str:
    """Go's ``strconv.QuoteRune`` (``%q`` of a rune)."""
    return "'" + _quote_char(ch, "'") + "'"


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


_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
                   "\\": "\\"}
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def _is_invalid_byte(c: str) -> bool:
    return "\udc80" <= c <= "\udcff"


def unquote(s: str) -> str:
    """``strconv.Unquote`` of a Go string or rune literal; ValueError("invalid syntax") otherwise.

    Text that is not UTF-8 arrives and leaves as ``surrogateescape`` characters: a raw string
    keeps such bytes, an interpreted one turns each into U+FFFD (as go does), and a ``\\x``
    escape makes a single byte.
    """
    if len(s) < 2 or s[0] not in "`\"'" or s.find(s[0], 1) < 0:
        raise ValueError("invalid syntax")
    q = s[0]
    if q == "`":
        end = s.find("`", 1)
        if end != len(s) - 1:
            raise ValueError("invalid syntax")
        return s[1:end].replace("\r", "")
    out = bytearray()
    i, n = 1, len(s)
    while i < n and s[i] != q:
        c = s[i]
        if c == "\n":
            raise ValueError("invalid syntax")
        if c != "\\":
            out += ("\ufffd" if _is_invalid_byte(c) else c).encode("utf-8", "surrogatepass")
            i += 1
        else:
            if i + 1 >= n:
                raise ValueError("invalid syntax")
            e = s[i + 1]
            i += 2
            if e in _SIMPLE_ESCAPES:
                out += _SIMPLE_ESCAPES[e].encode()
            elif e in "xuU":
                width = {"x": 2, "u": 4, "U": 8}[e]
                digits = s[i:i + width]
                if len(digits) < width or not all(d in _HEX_DIGITS for d in digits):
                    raise ValueError("invalid syntax")
                i += width
                v = int(digits, 16)
                if e == "x":
                    out.append(v)  # one byte, possibly not UTF-8
                elif v > 0x10FFFF or 0xD800 <= v <= 0xDFFF:
                    raise ValueError("invalid syntax")
                else:
                    out += chr(v).encode("utf-8")
            elif "0" <= e <= "7":
                digits = s[i:i + 2]
                if len(digits) < 2 or not all("0" <= d <= "7" for d in digits) or int(e + digits, 8) > 255:
                    raise ValueError("invalid syntax")
                i += 2
                out.append(int(e + digits, 8))
            elif e in "'\"":
                if e != q:
                    raise ValueError("invalid syntax")
                out.append(ord(e))
            else:
                raise ValueError("invalid syntax")
        if q == "'":
            break  # a rune literal holds one character
    if i != n - 1 or s[i] != q:
        raise ValueError("invalid syntax")
    return out.decode("utf-8", "surrogateescape")
