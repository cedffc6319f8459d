"""go/scanner and go/token's position tables, as go/parser drives them on a file's header.

A port of go/scanner/scanner.go (every token, every error message, ``//line`` directives) and of
the part of go/token/position.go that turns byte offsets into ``file:line:col``. Positions are
byte offsets into the source; tokens are go's ``Token.String()`` (``"IDENT"``, ``"STRING"``,
``"import"``, ``"("``, ``"EOF"``…); literals are the source text as ``surrogateescape`` strings.
"""

from __future__ import annotations

import posixpath
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from ._gounicode import is_digit as _unicode_is_digit
from ._gounicode import is_letter as _unicode_is_letter
from .gostrings import is_print_rune, quote_rune
from .modzip import go_path_clean

__all__ = ["Position", "SourceFile", "Scanner", "KEYWORDS", "LITERALS", "EOF_CH", "rune_format_u"]

EOF_CH = -1
_BOM = 0xFEFF
_RUNE_ERROR = 0xFFFD
_MAX_LINE_COL = 1 << 30

KEYWORDS = frozenset({
    "break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
    "for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
    "return", "select", "struct", "switch", "type", "var",
})
#: Token.IsLiteral: identifiers and basic literals.
LITERALS = frozenset({"IDENT", "INT", "FLOAT", "IMAG", "CHAR", "STRING"})


@dataclass(frozen=True, slots=True)
class Position:
    """token.Position."""

    filename: str
    offset: int
    line: int
    column: int

    def __str__(self) -> str:
        s = self.filename
        if self.line > 0:
            if s:
                s += ":"
            s += str(self.line)
            if self.column != 0:
                s += f":{self.column}"
        return s or "-"


class SourceFile:
    """token.File: the line table the scanner fills in as it goes, and ``//line`` infos."""

    def __init__(self, name: str, size: int) -> None:
        self.name = name
        self.size = size
        self.lines = [0]
        self.infos: list[tuple[int, str, int, int]] = []  # offset, filename, line, column

    def add_line(self, offset: int) -> None:
        if self.lines[-1] < offset < self.size:
            self.lines.append(offset)

    def add_line_column_info(self, offset: int, filename: str, line: int, column: int) -> None:
        if (not self.infos or self.infos[-1][0] < offset) and offset < self.size:
            self.infos.append((offset, filename, line, column))

    def position(self, offset: int, adjusted: bool = True) -> Position:
        offset = max(min(self.size, offset), 0)
        filename = self.name
        i = bisect_right(self.lines, offset) - 1
        line, column = i + 1, offset - self.lines[i] + 1
        if adjusted and self.infos:
            j = bisect_right([o for o, _, _, _ in self.infos], offset) - 1
            if j >= 0:
                alt_offset, filename, alt_line, alt_column = self.infos[j]
                k = bisect_right(self.lines, alt_offset) - 1
                d = line - (k + 1)
                line = alt_line + d
                if alt_column == 0:
                    column = 0
                elif d == 0:
                    column = alt_column + (offset - alt_offset)
        return Position(filename, offset, line, column)


def decode_rune(src: bytes, i: int) -> tuple[int, int]:
    """utf8.DecodeRune: (rune, width); (U+FFFD, 1) for anything that is not UTF-8."""
    c = src[i]
    if c < 0x80:
        return c, 1
    n = 2 if 0xC2 <= c <= 0xDF else 3 if 0xE0 <= c <= 0xEF else 4 if 0xF0 <= c <= 0xF4 else 0
    if n == 0 or i + n > len(src):
        return _RUNE_ERROR, 1
    try:
        ch = src[i:i + n].decode("utf-8")  # strict UTF-8 refuses what go refuses
    except UnicodeDecodeError:
        return _RUNE_ERROR, 1
    return ord(ch), n


def rune_format_u(r: int) -> str:
    """fmt's ``%#U``: ``U+0041 'A'``, without the quoted character when it is not printable."""
    s = f"U+{r:04X}"
    if 0 <= r <= 0x10FFFF and not 0xD800 <= r <= 0xDFFF and is_print_rune(chr(r)):
        s += f" '{chr(r)}'"
    return s


def _lower(ch: int) -> int:
    return 0x20 | ch


def _is_letter(ch: int) -> bool:
    return (0x61 <= _lower(ch) <= 0x7A or ch == 0x5F
            or (ch >= 0x80 and ch != _RUNE_ERROR and _unicode_is_letter(chr(ch))))


def _is_decimal(ch: int) -> bool:
    return 0x30 <= ch <= 0x39


def _is_digit(ch: int) -> bool:
    return _is_decimal(ch) or (ch >= 0x80 and _unicode_is_digit(chr(ch)))


def _is_hex(ch: int) -> bool:
    return _is_decimal(ch) or 0x61 <= _lower(ch) <= 0x66


def _digit_val(ch: int) -> int:
    if _is_decimal(ch):
        return ch - 0x30
    if 0x61 <= _lower(ch) <= 0x66:
        return _lower(ch) - 0x61 + 10
    return 16


def _litname(prefix: str) -> str:
    return {"x": "hexadecimal literal", "o": "octal literal", "0": "octal literal",
            "b": "binary literal"}.get(prefix, "decimal literal")


def _invalid_sep(x: str) -> int:
    """invalidSep: the index of the first misplaced ``_`` in a number literal, or -1."""
    x1 = " "
    d = "."
    i = 0
    if len(x) >= 2 and x[0] == "0":
        x1 = x[1].lower() if x[1].isascii() else x[1]
        if x1 in "xob":
            d = "0"
            i = 2
    while i < len(x):
        p = d
        d = x[i]
        if d == "_":
            if p != "0":
                return i
        elif "0" <= d <= "9" or (x1 == "x" and d in "abcdefABCDEF"):
            d = "0"
        else:
            if p == "_":
                return i - 1
            d = "."
        i += 1
    return len(x) - 1 if d == "_" else -1


_SIMPLE_ESCAPES = frozenset(b"abfnrtv\\")
_OPERATORS_2 = {  # ch: (tok0, tok1 for "=")
    ":": (":", ":="), "*": ("*", "*="), "%": ("%", "%="), "^": ("^", "^="), "=": ("=", "=="),
    "!": ("!", "!="),
}
_SINGLE = {",": ",", "(": "(", "[": "[", "{": "{", "~": "~"}
_CLOSERS = {")": ")", "]": "]", "}": "}"}


class Scanner:
    """scanner.Scanner in ScanComments mode. ``error(offset, msg)`` receives each error."""

    def __init__(self, file: SourceFile, src: bytes, error: Callable[[Position, str], None]) -> None:
        self.file = file
        self.dir = posixpath.split(file.name)[0] + "/" if "/" in file.name else ""
        self.src = src
        self.err = error
        self.ch = 0x20
        self.offset = 0
        self.rd_offset = 0
        self.line_offset = 0
        self.insert_semi = False
        self.nl_pos = -1
        self.next()
        if self.ch == _BOM:
            self.next()  # a BOM is allowed as the very first character

    def error(self, offset: int, msg: str) -> None:
        self.err(self.file.position(offset), msg)

    def next(self) -> None:
        src = self.src
        if self.rd_offset < len(src):
            self.offset = self.rd_offset
            if self.ch == 0x0A:
                self.line_offset = self.offset
                self.file.add_line(self.offset)
            r, w = src[self.rd_offset], 1
            if r == 0:
                self.error(self.offset, "illegal character NUL")
            elif r >= 0x80:
                r, w = decode_rune(src, self.rd_offset)
                if r == _RUNE_ERROR and w == 1:
                    rest = src[self.rd_offset:]
                    if self.offset == 0 and len(rest) >= 2 and rest[:2] in (b"\xff\xfe", b"\xfe\xff"):
                        self.error(self.offset, "illegal UTF-8 encoding (got UTF-16)")
                        self.rd_offset += len(rest)  # consume all input to avoid an error cascade
                    else:
                        self.error(self.offset, "illegal UTF-8 encoding")
                elif r == _BOM and self.offset > 0:
                    self.error(self.offset, "illegal byte order mark")
            self.rd_offset += w
            self.ch = r
        else:
            self.offset = len(src)
            if self.ch == 0x0A:
                self.line_offset = self.offset
                self.file.add_line(self.offset)
            self.ch = EOF_CH

    def peek(self) -> int:
        return self.src[self.rd_offset] if self.rd_offset < len(self.src) else 0

    def _text(self, start: int, end: int) -> str:
        return self.src[start:end].decode("utf-8", "surrogateescape")

    # -- comments and //line directives -------------------------------------------------------

    def scan_comment(self) -> int:
        """The comment's first newline offset (0 if none); the initial ``/`` is consumed."""
        offs = self.offset - 1
        nxt = -1
        num_cr = 0
        nl_offset = 0
        if self.ch == 0x2F:
            self.next()
            while self.ch != 0x0A and self.ch >= 0:
                if self.ch == 0x0D:
                    num_cr += 1
                self.next()
            nxt = self.offset + (1 if self.ch == 0x0A else 0)
        else:
            self.next()
            while self.ch >= 0:
                ch = self.ch
                if ch == 0x0D:
                    num_cr += 1
                elif ch == 0x0A and nl_offset == 0:
                    nl_offset = self.offset
                self.next()
                if ch == 0x2A and self.ch == 0x2F:
                    self.next()
                    nxt = self.offset
                    break
            else:
                self.error(offs, "comment not terminated")
        lit = self.src[offs:self.offset]
        if num_cr > 0 and len(lit) >= 2 and lit[1] == 0x2F and lit[-1] == 0x0D:
            lit = lit[:-1]
        if nxt >= 0 and (lit[1] == 0x2A or offs == self.line_offset) and lit[2:].startswith(b"line "):
            self._update_line_info(nxt, offs, lit)
        return nl_offset

    def _update_line_info(self, nxt: int, offs: int, text: bytes) -> None:
        if text[1] == 0x2A:
            text = text[:-2]
        text = text[7:]
        offs += 7
        i, n, ok = _trailing_digits(text)
        if i == 0:
            return
        if not ok:
            self.error(offs + i, "invalid line number: " + text[i:].decode("utf-8", "surrogateescape"))
            return
        i2, n2, ok2 = _trailing_digits(text[:i - 1])
        if ok2:
            i, i2 = i2, i
            line, col = n2, n
            if col == 0 or col > _MAX_LINE_COL:
                self.error(offs + i2, "invalid column number: " + text[i2:].decode("utf-8", "surrogateescape"))
                return
            text = text[:i2 - 1]
        else:
            line, col = n, 0
        if line == 0 or line > _MAX_LINE_COL:
            self.error(offs + i, "invalid line number: " + text[i:].decode("utf-8", "surrogateescape"))
            return
        filename = text[:i - 1].decode("utf-8", "surrogateescape")
        if filename == "" and ok2:
            filename = self.file.position(offs).filename
        elif filename != "":
            filename = go_path_clean(filename)
            if not filename.startswith("/"):
                filename = go_path_clean(self.dir + "/" + filename) if self.dir else filename
        self.file.add_line_column_info(nxt, filename, line, col)

    # -- literals ------------------------------------------------------------------------------

    def scan_identifier(self) -> str:
        offs = self.offset
        while _is_letter(self.ch) or _is_digit(self.ch):
            self.next()
        return self._text(offs, self.offset)

    def _digits(self, base: int, invalid: list[int]) -> int:
        digsep = 0
        if base <= 10:
            top = 0x30 + base
            while _is_decimal(self.ch) or self.ch == 0x5F:
                ds = 1
                if self.ch == 0x5F:
                    ds = 2
                elif self.ch >= top and invalid[0] < 0:
                    invalid[0] = self.offset
                digsep |= ds
                self.next()
        else:
            while _is_hex(self.ch) or self.ch == 0x5F:
                digsep |= 2 if self.ch == 0x5F else 1
                self.next()
        return digsep

    def scan_number(self) -> tuple[str, str]:
        offs = self.offset
        tok = "ILLEGAL"
        base, prefix, digsep = 10, "", 0
        invalid = [-1]
        if self.ch != 0x2E:
            tok = "INT"
            if self.ch == 0x30:
                self.next()
                low = chr(_lower(self.ch)) if 0 <= self.ch < 0x80 else ""
                if low in ("x", "o", "b"):
                    self.next()
                    base, prefix = {"x": 16, "o": 8, "b": 2}[low], low
                else:
                    base, prefix = 8, "0"
                    digsep = 1  # the leading 0
            digsep |= self._digits(base, invalid)
        if self.ch == 0x2E:
            tok = "FLOAT"
            if prefix in ("o", "b"):
                self.error(self.offset, "invalid radix point in " + _litname(prefix))
            self.next()
            digsep |= self._digits(base, invalid)
        if digsep & 1 == 0:
            self.error(self.offset, _litname(prefix) + " has no digits")
        e = _lower(self.ch) if self.ch >= 0 else -1
        if e in (0x65, 0x70):  # e, p
            if e == 0x65 and prefix not in ("", "0"):
                self.error(self.offset, f"{quote_rune(chr(self.ch))} exponent requires decimal mantissa")
            elif e == 0x70 and prefix != "x":
                self.error(self.offset, f"{quote_rune(chr(self.ch))} exponent requires hexadecimal mantissa")
            self.next()
            tok = "FLOAT"
            if self.ch in (0x2B, 0x2D):
                self.next()
            ds = self._digits(10, [0])
            digsep |= ds
            if ds & 1 == 0:
                self.error(self.offset, "exponent has no digits")
        elif prefix == "x" and tok == "FLOAT":
            self.error(self.offset, "hexadecimal mantissa requires a 'p' exponent")
        if self.ch == 0x69:  # i
            tok = "IMAG"
            self.next()
        lit = self._text(offs, self.offset)
        if tok == "INT" and invalid[0] >= 0:
            bad = chr(self.src[invalid[0]])
            self.error(invalid[0], f"invalid digit {quote_rune(bad)} in {_litname(prefix)}")
        if digsep & 2:
            i = _invalid_sep(lit)
            if i >= 0:
                self.error(offs + i, "'_' must separate successive digits")
        return tok, lit

    def scan_escape(self, quote: int) -> bool:
        offs = self.offset
        ch = self.ch
        if ch in _SIMPLE_ESCAPES or ch == quote:
            self.next()
            return True
        if 0x30 <= ch <= 0x37:
            n, base, top = 3, 8, 255
        elif ch in (0x78, 0x75, 0x55):  # x u U
            self.next()
            n, base, top = {0x78: (2, 16, 255), 0x75: (4, 16, 0x10FFFF), 0x55: (8, 16, 0x10FFFF)}[ch]
        else:
            self.error(offs, "escape sequence not terminated" if ch < 0 else "unknown escape sequence")
            return False
        x = 0
        while n > 0:
            d = _digit_val(self.ch) if self.ch >= 0 else 16
            if d >= base:
                msg = ("escape sequence not terminated" if self.ch < 0
                       else f"illegal character {rune_format_u(self.ch)} in escape sequence")
                self.error(self.offset, msg)
                return False
            x = x * base + d
            self.next()
            n -= 1
        if x > top or 0xD800 <= x < 0xE000:
            self.error(offs, "escape sequence is invalid Unicode code point")
            return False
        return True

    def scan_rune(self) -> str:
        offs = self.offset - 1
        valid = True
        n = 0
        while True:
            ch = self.ch
            if ch == 0x0A or ch < 0:
                if valid:
                    self.error(offs, "rune literal not terminated")
                    valid = False
                break
            self.next()
            if ch == 0x27:
                break
            n += 1
            if ch == 0x5C and not self.scan_escape(0x27):
                valid = False
        if valid and n != 1:
            self.error(offs, "illegal rune literal")
        return self._text(offs, self.offset)

    def scan_string(self) -> str:
        offs = self.offset - 1
        while True:
            ch = self.ch
            if ch == 0x0A or ch < 0:
                self.error(offs, "string literal not terminated")
                break
            self.next()
            if ch == 0x22:
                break
            if ch == 0x5C:
                self.scan_escape(0x22)
        return self._text(offs, self.offset)

    def scan_raw_string(self) -> str:
        offs = self.offset - 1
        while True:
            ch = self.ch
            if ch < 0:
                self.error(offs, "raw string literal not terminated")
                break
            self.next()
            if ch == 0x60:
                break
        return self._text(offs, self.offset).replace("\r", "")

    # -- tokens --------------------------------------------------------------------------------

    def _switch2(self, tok0: str, tok1: str) -> str:
        if self.ch == 0x3D:
            self.next()
            return tok1
        return tok0

    def _switch3(self, tok0: str, tok1: str, ch2: int, tok2: str) -> str:
        if self.ch == 0x3D:
            self.next()
            return tok1
        if self.ch == ch2:
            self.next()
            return tok2
        return tok0

    def _switch4(self, tok0: str, tok1: str, ch2: int, tok2: str, tok3: str) -> str:
        if self.ch == 0x3D:
            self.next()
            return tok1
        if self.ch == ch2:
            self.next()
            if self.ch == 0x3D:
                self.next()
                return tok3
            return tok2
        return tok0

    def scan(self) -> tuple[int, str, str]:
        """Scan(): (offset, token, literal). Comments come back as ``COMMENT`` tokens."""
        if self.nl_pos >= 0:
            pos, self.nl_pos = self.nl_pos, -1
            return pos, ";", "\n"
        while self.ch in (0x20, 0x09, 0x0D) or (self.ch == 0x0A and not self.insert_semi):
            self.next()
        pos = self.offset
        insert_semi = False
        ch = self.ch
        lit = ""
        if _is_letter(ch):
            lit = self.scan_identifier()
            if len(lit) > 1 and lit in KEYWORDS:
                tok = lit
                insert_semi = lit in ("break", "continue", "fallthrough", "return")
            else:
                tok = "IDENT"
                insert_semi = True
        elif _is_decimal(ch) or (ch == 0x2E and _is_decimal(self.peek())):
            insert_semi = True
            tok, lit = self.scan_number()
        else:
            self.next()  # always make progress
            c = chr(ch) if 0 <= ch < 0x80 else ""
            if ch == EOF_CH:
                if self.insert_semi:
                    self.insert_semi = False
                    return pos, ";", "\n"
                tok = "EOF"
            elif c == "\n":
                self.insert_semi = False
                return pos, ";", "\n"
            elif c == '"':
                insert_semi, tok, lit = True, "STRING", self.scan_string()
            elif c == "'":
                insert_semi, tok, lit = True, "CHAR", self.scan_rune()
            elif c == "`":
                insert_semi, tok, lit = True, "STRING", self.scan_raw_string()
            elif c in _OPERATORS_2:
                tok = self._switch2(*_OPERATORS_2[c])
            elif c == ".":
                tok = "."
                if self.ch == 0x2E and self.peek() == 0x2E:
                    self.next()
                    self.next()
                    tok = "..."
            elif c == ";":
                tok, lit = ";", ";"
            elif c in _SINGLE:
                tok = _SINGLE[c]
            elif c in _CLOSERS:
                insert_semi, tok = True, _CLOSERS[c]
            elif c == "+":
                tok = self._switch3("+", "+=", 0x2B, "++")
                insert_semi = tok == "++"
            elif c == "-":
                tok = self._switch3("-", "-=", 0x2D, "--")
                insert_semi = tok == "--"
            elif c == "/":
                if self.ch in (0x2F, 0x2A):
                    nl_offset = self.scan_comment()
                    if self.insert_semi and nl_offset != 0:
                        # A /*...*/ comment holding a newline: COMMENT, then ";" at that newline.
                        self.nl_pos = nl_offset
                        self.insert_semi = False
                    else:
                        insert_semi = self.insert_semi
                    tok, lit = "COMMENT", self._text(pos, self.offset)
                else:
                    tok = self._switch2("/", "/=")
            elif c == "<":
                if self.ch == 0x2D:
                    self.next()
                    tok = "<-"
                else:
                    tok = self._switch4("<", "<=", 0x3C, "<<", "<<=")
            elif c == ">":
                tok = self._switch4(">", ">=", 0x3E, ">>", ">>=")
            elif c == "&":
                if self.ch == 0x5E:
                    self.next()
                    tok = self._switch2("&^", "&^=")
                else:
                    tok = self._switch3("&", "&=", 0x26, "&&")
            elif c == "|":
                tok = self._switch3("|", "|=", 0x7C, "||")
            else:
                if ch != _BOM:  # next() has reported a misplaced BOM already
                    if ch in (0x201C, 0x201D):
                        self.error(pos, f"curly quotation mark {quote_rune(chr(ch))} (use neutral '\"')")
                    else:
                        self.error(pos, "illegal character " + rune_format_u(ch))
                insert_semi = self.insert_semi
                tok = "ILLEGAL"
                lit = chr(ch)
        self.insert_semi = insert_semi
        return pos, tok, lit


def _trailing_digits(text: bytes) -> tuple[int, int, bool]:
    i = text.rfind(b":")
    if i < 0:
        return 0, 0, False
    digits = text[i + 1:]
    ok = digits.isdigit() and digits.isascii() and int(digits) < 1 << 64
    return i + 1, int(digits) if ok else 0, ok
