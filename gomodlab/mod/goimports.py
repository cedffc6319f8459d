"""The header of a .go file, read the way the go command reads it to find imports.

:func:`read_import_block` is cmd/go/internal/imports/read.go (``ReadImports``), a byte-level
reader that skips spaces, ``;`` and comments, reads ``package name`` and any ``import`` decls,
and stops at the first byte after them. It is deliberately loose (no semicolon rules, no escape
checks): ``imports.ScanDir`` relies on it, ignores the syntax errors it notices (keeping the
imports read before them) and fails only on a NUL byte. A leading UTF-8 BOM is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ParseError

__all__ = ["GoSourceError", "ImportBlock", "read_import_block"]

_BOM = b"\xef\xbb\xbf"
_SPACES = frozenset(b" \f\t\r\n;")  # the reader treats ";" as space


class GoSourceError(ParseError):
    """A Go source file go refuses to read: ``str()`` is go's message (with ``file:line:col:``
    when go gives a position)."""


@dataclass(frozen=True, slots=True)
class ImportBlock:
    """What imports.ReadImports returns for one file.

    ``header`` is the text go evaluates build constraints on: the file up to the end of its
    imports, or the whole file when the reader stopped at a syntax error. ``quoted`` holds the
    import paths as written, quotes included (``"C"`` is go's cgo test; a raw string is not);
    text that is not UTF-8 is kept as ``surrogateescape`` characters.
    """

    header: bytes
    quoted: tuple[str, ...]
    syntax_error: bool


def _is_ident(c: int) -> bool:
    return (0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A or 0x30 <= c <= 0x39 or c == 0x5F
            or c >= 0x80)


class _Syntax(Exception):
    """errSyntax, raised where the Go reader records it (nothing after it is read)."""


class _Nul(Exception):
    """errNUL: "unexpected NUL in input"."""


class _ImportReader:
    """importReader over bytes. ``i`` is how much of ``data`` go's ``buf`` holds; ``peek`` is
    go's ``r.peek`` (0 for none: a NUL byte is an error before it could be peeked)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.i = 0
        self.peek = 0
        self.eof = False

    def read_byte(self) -> int:
        if self.i >= len(self.data):
            self.eof = True
            return 0
        c = self.data[self.i]
        self.i += 1
        if c == 0:
            raise _Nul
        return c

    def peek_byte(self, skip_space: bool) -> int:
        c = self.peek or self.read_byte()
        while not self.eof and skip_space:
            if c in _SPACES:
                c = self.read_byte()
                continue
            if c != 0x2F:  # "/"
                break
            c = self.read_byte()
            if c == 0x2F:
                while c != 0x0A and not self.eof:
                    c = self.read_byte()
            elif c == 0x2A:
                c1 = 0
                while c != 0x2A or c1 != 0x2F:
                    if self.eof:
                        raise _Syntax
                    c, c1 = c1, self.read_byte()
            else:
                # Go reads one more byte after recording this error, without its NUL check.
                self.i = min(self.i + 1, len(self.data))
                raise _Syntax
            c = self.read_byte()
        self.peek = c
        return c

    def next_byte(self, skip_space: bool) -> int:
        c = self.peek_byte(skip_space)
        self.peek = 0
        return c

    def read_keyword(self, kw: bytes) -> None:
        self.peek_byte(True)
        for k in kw:
            if self.next_byte(False) != k:
                raise _Syntax
        if _is_ident(self.peek_byte(False)):
            raise _Syntax

    def read_ident(self) -> None:
        if not _is_ident(self.peek_byte(True)):
            raise _Syntax
        while _is_ident(self.peek_byte(False)):
            self.peek = 0

    def read_string(self, save: list[str]) -> None:
        q = self.next_byte(True)
        start = self.i - 1
        if q == 0x60:  # `
            while self.next_byte(False) != 0x60:
                if self.eof:
                    raise _Syntax
        elif q == 0x22:  # "
            while True:
                c = self.next_byte(False)
                if c == 0x22:
                    break
                if self.eof or c == 0x0A:
                    raise _Syntax
                if c == 0x5C:
                    self.next_byte(False)
        else:
            raise _Syntax
        save.append(self.data[start:self.i].decode("utf-8", "surrogateescape"))

    def read_import(self, save: list[str]) -> None:
        c = self.peek_byte(True)
        if c == 0x2E:  # "."
            self.peek = 0
        elif _is_ident(c):
            self.read_ident()
        self.read_string(save)

    def read_imports(self, save: list[str]) -> None:
        self.read_keyword(b"package")
        self.read_ident()
        while self.peek_byte(True) == 0x69:  # "i"
            self.read_keyword(b"import")
            if self.peek_byte(True) == 0x28:  # "("
                self.next_byte(False)
                while self.peek_byte(True) != 0x29:  # ")"
                    self.read_import(save)
                self.next_byte(False)
            else:
                self.read_import(save)


def read_import_block(content: bytes) -> ImportBlock:
    """imports.ReadImports(f, false, &list): the imports of a file and the header go reads.

    Raises :class:`GoSourceError` ``unexpected NUL in input`` when a NUL byte is among the
    bytes go reads (after a syntax error, that is the whole file).
    """
    data = content[3:] if content.startswith(_BOM) else content
    r = _ImportReader(data)
    quoted: list[str] = []
    try:
        try:
            r.read_imports(quoted)
        except _Syntax:
            # Go then reads the rest of the file, byte by byte, so a NUL anywhere still fails.
            if b"\0" in data[r.i:]:
                raise _Nul from None
            return ImportBlock(data, tuple(quoted), True)
    except _Nul:
        raise GoSourceError("unexpected NUL in input") from None
    if r.eof:
        # At EOF the peeked "byte" was never read: the header is everything read.
        return ImportBlock(data[:r.i], tuple(quoted), False)
    return ImportBlock(data[:r.i - 1], tuple(quoted), False)
