"""JSON exactly as Go's encoding/json writes it: ``json.MarshalIndent`` and ``time.Time`` values.

What differs from Python's :mod:`json`: strings escape ``<``, ``>``, ``&`` (``\\u003c``…),
U+2028/U+2029 and control characters the way encode.go ``appendString`` does (``\\b``, ``\\f``,
``\\n``, ``\\r``, ``\\t``, else ``\\u00XX``), leave other non-ASCII as UTF-8, and write invalid UTF-8
(here: surrogate-escaped bytes) as ``\\ufffd``; ``MarshalIndent`` puts ``{}``/``[]`` for empty
containers and ``": "`` after keys. Times are RFC 3339 with nanoseconds, trailing zeros dropped
(time.RFC3339Nano), ``Z`` for UTC.
"""

from __future__ import annotations

import re

__all__ = ["marshal_indent", "quote", "format_time"]

_HEX = "0123456789abcdef"
_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile("[\\x00-\\x1f\"\\\\<>&\u2028\u2029\udc80-\udcff]")


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    short = _SHORT.get(c)
    if short is not None:
        return short
    o = ord(c)
    if 0xDC80 <= o <= 0xDCFF:
        return "\\ufffd"  # a byte that was not UTF-8 (surrogateescape)
    return "\\u" + "".join(_HEX[(o >> s) & 0xF] for s in (12, 8, 4, 0))


def quote(s: str) -> str:
    """A JSON string as encoding/json writes it (HTML-safe, as json.Marshal's default)."""
    return '"' + _NEEDS_ESCAPE.sub(_escape, s) + '"'


def _encode(v: object, indent: str, depth: int, out: list[str]) -> None:
    if isinstance(v, str):
        out.append(quote(v))
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif v is None:
        out.append("null")
    elif isinstance(v, int):
        out.append(str(v))
    elif isinstance(v, dict):
        if not v:
            out.append("{}")
            return
        inner = "\n" + indent * (depth + 1)
        out.append("{")
        for i, (k, x) in enumerate(v.items()):
            out.append(("," if i else "") + inner + quote(k) + ": ")
            _encode(x, indent, depth + 1, out)
        out.append("\n" + indent * depth + "}")
    elif isinstance(v, (list, tuple)):
        if not v:
            out.append("[]")
            return
        inner = "\n" + indent * (depth + 1)
        out.append("[")
        for i, x in enumerate(v):
            out.append(("," if i else "") + inner)
            _encode(x, indent, depth + 1, out)
        out.append("\n" + indent * depth + "]")
    else:
        raise TypeError(f"cannot encode {type(v).__name__} as Go JSON")


def marshal_indent(v: object, prefix: str = "", indent: str = "\t") -> str:
    """json.MarshalIndent(v, prefix, indent) for str, bool, int, None, dict (keys in order) and list."""
    out: list[str] = []
    _encode(v, indent, 0, out)
    text = "".join(out)
    return text.replace("\n", "\n" + prefix) if prefix else text


_RFC3339 = re.compile(r"(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)\Z")


def format_time(text: str) -> str:
    """A time.Time parsed from JSON (RFC 3339) and written back by MarshalJSON (RFC3339Nano).

    Raises ValueError for text time.Time's UnmarshalJSON would reject.
    """
    m = _RFC3339.match(text)
    if m is None:
        raise ValueError(f"parsing time {text!r} as RFC 3339")
    y, mo, d, h, mi, s, frac, zone = m.groups()
    if not ("01" <= mo <= "12" and "01" <= d <= "31" and h <= "23" and mi <= "59" and s <= "59"):
        raise ValueError(f"parsing time {text!r}: out of range")
    ns = (frac[1:] + "000000000")[:9] if frac else ""
    ns = ns.rstrip("0")
    if zone in ("Z", "z") or zone[1:] == "00:00":
        zone = "Z"
    return f"{y}-{mo}-{d}T{h}:{mi}:{s}" + (f".{ns}" if ns else "") + zone
