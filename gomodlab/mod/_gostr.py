"""Go's string quoting (strconv.Quote / QuoteRune), so messages read exactly like go's ``%q``."""

from __future__ import annotations

from ._gounicode import is_print

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
