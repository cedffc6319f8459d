"""The header of a .go file, read the two ways the go command reads it to find imports.

:func:`read_import_block` is cmd/go/internal/imports/read.go (``ReadImports``), a byte-level
reader that skips spaces, ``;`` and comments, reads ``package name`` and any ``import`` decls,
and stops at the first byte after them. It is deliberately loose (no semicolon rules, no escape
checks): ``imports.ScanDir`` relies on it, ignores the syntax errors it notices (keeping the
imports read before them) and fails only on a NUL byte. A leading UTF-8 BOM is dropped.

:func:`read_imports` is what go/build and the module index (cmd/go/internal/modindex,
``readGoInfo``) do instead: the same reader finds the header, then go/parser parses it in
``ImportsOnly`` mode. Any error go/parser reports (go's wording, ``file:line:col``, ``//line``
directives honoured, ``(and N more errors)``) means go records *no* imports for the file, and an
import path the spec forbids is an ``invalid import path`` error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ParseError
from ._goscanner import LITERALS, Position, Scanner, SourceFile
from ._gounicode import is_print
from .gostrings import SPACE_CHARS, unquote

__all__ = ["GoSourceError", "ImportBlock", "read_import_block", "ImportSpec", "GoFileHeader",
           "GoFileInfo", "read_go_info", "read_imports", "is_valid_import"]

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
                self.skip_line_comment()
            elif c == 0x2A:
                self.skip_block_comment()
            else:
                # Go reads one more byte after recording this error, without its NUL check.
                self.i = min(self.i + 1, len(self.data))
                raise _Syntax
            c = self.read_byte()
        self.peek = c
        return c

    def _skip_past(self, marker: bytes) -> bool:
        """Move past the next ``marker`` (or to EOF, setting ``eof``) as go reads, byte by byte: a
        NUL on the way stops it there. True when the marker was found."""
        data, start = self.data, self.i
        at = data.find(marker, start)
        stop = len(data) if at < 0 else at + len(marker)
        nul = data.find(b"\0", start, stop)
        if nul >= 0:
            self.i = nul + 1
            raise _Nul
        self.i = stop
        if at < 0:
            self.eof = True
        return at >= 0

    def skip_line_comment(self) -> None:
        """Go reads byte by byte up to and including the newline (or to EOF)."""
        self._skip_past(b"\n")

    def skip_block_comment(self) -> None:
        """Up to the first ``*/`` after the opening ``/*`` (whose ``*`` cannot close it); an
        unterminated comment is a syntax error at EOF."""
        if not self._skip_past(b"*/"):
            raise _Syntax

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


# -- the plain header, read without the byte loops ---------------------------------------------
#
# Nearly every Go file starts the same way: comments and blank lines, ``package name`` on a line
# of its own, import decls one spec per line, then a declaration. For that shape both readers
# above (the byte reader and go/parser) are bound to agree, so :func:`_plain_header` reads it
# with a few compiled regular expressions; anything else (``;``, a form feed, a raw-string or
# escaped path, a keyword or non-ASCII name, a ``//line`` directive, a BOM, a NUL, text that is
# not UTF-8, several specs on a line, a file whose next declaration starts with ``i``) returns
# None and takes the full readers. Measured on the tidy benchmark's 1,200 files: 90 ms → 9 ms
# (read_go_info), the same answers on every file of GOROOT/src (tests/test_gosource.py).

_WS = rb"(?:[ \t\r\n]|//[^\n]*\n|/\*[^*]*\*+(?:[^/*][^*]*\*+)*/)*"
_IDENT = rb"[A-Za-z_][A-Za-z0-9_]*(?![\x80-\xff])"
_EOL = rb"[ \t]*(?://[^\n]*)?\n"
# Spaces and comments are skipped by one pattern between the others (compiling it into each
# would cost ~1 ms of every start-up); a token never starts with a space or a "/", so the
# split reads exactly what one pattern would.
_PLAIN_SKIP = re.compile(_WS)
_PLAIN_PACKAGE = re.compile(rb"package[ \t]+(" + _IDENT + rb")" + _EOL)
_PLAIN_IMPORT = re.compile(rb"import(?![A-Za-z0-9_\x80-\xff])[ \t]*")
_PLAIN_OPEN = re.compile(rb"\(" + _EOL)
_PLAIN_SPEC = re.compile(rb"(?:(" + _IDENT + rb")[ \t]*|(\.)[ \t]*)?(\"[^\"\\\n]*\")" + _EOL)
_PLAIN_CLOSE = re.compile(rb"\)" + _EOL)
#: What may follow the imports: a declaration (``func``, ``var``, ``type``, ``const``…; not
#: ``import``), or the end of the file.
_PLAIN_NEXT = frozenset(b"abcdefghjklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_GO_KEYWORDS = frozenset(b"break case chan const continue default defer else fallthrough for func go goto if "
                         b"import interface map package range return select struct switch type var".split())

#: One import of a plain header: (name or "", its offset or -1, the quoted path, its offset).
_PlainSpec = tuple[str, int, str, int]


def _plain_header(data: bytes) -> tuple[int, str, list[_PlainSpec]] | None:
    """(where the header ends, the package name, the imports) of a file in the plain shape
    (see above), or None."""
    skip = _PLAIN_SKIP.match
    m = _PLAIN_PACKAGE.match(data, skip(data).end())
    if m is None or m[1] in _GO_KEYWORDS:
        return None
    package = m[1]
    raw: list[re.Match[bytes]] = []
    while True:
        at = skip(data, m.end()).end()
        if (m := _PLAIN_IMPORT.match(data, at)) is None:
            break
        group = _PLAIN_OPEN.match(data, m.end())
        if group is None:
            if (m := _PLAIN_SPEC.match(data, m.end())) is None:
                return None
            raw.append(m)
            continue
        m = group
        while (spec := _PLAIN_SPEC.match(data, at := skip(data, m.end()).end())) is not None:
            raw.append(m := spec)
        if (m := _PLAIN_CLOSE.match(data, at)) is None:
            return None
    end = at
    if end < len(data) and data[end] not in _PLAIN_NEXT:
        return None
    header = data[:end]
    if b"\0" in header or b"//line" in header or b"/*line" in header:
        return None
    try:
        text = header.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\ufeff" in text:
        return None  # go/scanner: illegal byte order mark
    specs: list[_PlainSpec] = []
    for s in raw:
        name = s[1] or s[2] or b""
        if name in _GO_KEYWORDS:
            return None
        specs.append((name.decode("ascii"), s.start(1) if s[1] else s.start(2) if s[2] else -1,
                      s[3].decode("utf-8"), s.start(3)))
    return end, package.decode("ascii"), specs


def _read_block(content: bytes, *, nul_check_after_error: bool) -> ImportBlock:
    data = content[3:] if content.startswith(_BOM) else content
    plain = _plain_header(data)
    if plain is not None:
        return ImportBlock(data[:plain[0]], tuple(s[2] for s in plain[2]), False)
    r = _ImportReader(data)
    quoted: list[str] = []
    try:
        try:
            r.read_imports(quoted)
        except _Syntax:
            # imports.ReadImports then reads the rest byte by byte, so a NUL anywhere still
            # fails; modindex's readRest reads it raw.
            if nul_check_after_error and b"\0" in data[r.i:]:
                raise _Nul from None
            return ImportBlock(data, tuple(quoted), True)
    except _Nul:
        raise GoSourceError("unexpected NUL in input") from None
    if r.eof:
        # At EOF the peeked "byte" was never read: the header is everything read.
        return ImportBlock(data[:r.i], tuple(quoted), False)
    return ImportBlock(data[:r.i - 1], tuple(quoted), False)


def read_import_block(content: bytes) -> ImportBlock:
    """imports.ReadImports(f, false, &list): the imports of a file and the header go reads.

    Raises :class:`GoSourceError` ``unexpected NUL in input`` when a NUL byte is among the
    bytes go reads (after a syntax error, that is the whole file).
    """
    return _read_block(content, nul_check_after_error=True)


# ---------------------------------------------------------------------------------------------
# go/parser in ImportsOnly mode, and readGoInfo (go/build/read.go, modindex/build_read.go)

@dataclass(frozen=True, slots=True)
class ImportSpec:
    """One import: its path (unquoted), where go places it (the name's position when there is
    one, else the path's; ``//line`` directives applied) and its name (``""``, ``_``, ``.``, …)."""

    path: str
    line: int
    col: int
    name: str = ""


@dataclass(frozen=True, slots=True)
class GoFileHeader:
    """A file's package clause and imports as go/build records them; ``header`` is the text
    its build constraints are read from."""

    package: str
    imports: tuple[ImportSpec, ...]
    header: bytes


class _Bailout(Exception):
    """go/parser's bailout: more than 10 errors."""


_STMT_START = frozenset({"break", "const", "continue", "defer", "fallthrough", "for", "go", "goto",
                         "if", "return", "select", "switch", "type", "var"})
_EXPR_END = frozenset({",", ":", ";", ")", "]", "}"})


@dataclass(frozen=True, slots=True)
class _Spec:
    name: str
    name_pos: int  # -1 without a name
    path_lit: str
    path_pos: int


class _Parser:
    """The part of go/parser that ``parser.ImportsOnly`` runs: package clause, import decls."""

    def __init__(self, filename: str, src: bytes) -> None:
        self.file = SourceFile(filename, len(src))
        self.errors: list[tuple[Position, str]] = []
        self.scanner = Scanner(self.file, src, lambda pos, msg: self.errors.append((pos, msg)))
        self.pos, self.tok, self.lit = -1, "ILLEGAL", ""
        self.sync_pos, self.sync_cnt = -1, 0
        self.next()

    def next(self) -> None:
        # Comments only make lead/line comment groups, which no error depends on.
        while True:
            self.pos, self.tok, self.lit = self.scanner.scan()
            if self.tok != "COMMENT":
                return

    def error(self, pos: int, msg: str) -> None:
        epos = self.file.position(pos)
        if self.errors and self.errors[-1][0].line == epos.line:
            return  # go discards a second error on the line of the last one
        if len(self.errors) > 10:
            raise _Bailout
        self.errors.append((epos, msg))

    def error_expected(self, pos: int, msg: str) -> None:
        msg = "expected " + msg
        if pos == self.pos:
            if self.tok == ";" and self.lit == "\n":
                msg += ", found newline"
            elif self.tok in LITERALS:
                msg += ", found " + self.lit
            else:
                msg += ", found '" + self.tok + "'"
        self.error(pos, msg)

    def expect(self, tok: str) -> int:
        pos = self.pos
        if self.tok != tok:
            self.error_expected(pos, "'" + tok + "'")
        self.next()
        return pos

    def expect_semi(self) -> None:
        if self.tok in (")", "}"):
            return
        if self.tok == ",":
            self.error_expected(self.pos, "';'")
            self.next()
        elif self.tok == ";":
            self.next()
        else:
            self.error_expected(self.pos, "';'")
            self.advance(_STMT_START)

    def advance(self, to: frozenset[str]) -> None:
        while self.tok != "EOF":
            if self.tok in to:
                if self.pos == self.sync_pos and self.sync_cnt < 10:
                    self.sync_cnt += 1
                    return
                if self.pos > self.sync_pos:
                    self.sync_pos, self.sync_cnt = self.pos, 0
                    return
            self.next()

    def parse_ident(self) -> str:
        if self.tok == "IDENT":
            name = self.lit
            self.next()
            return name
        self.expect("IDENT")
        return "_"

    def parse_import_spec(self, specs: list[_Spec]) -> None:
        name, name_pos = "", -1
        if self.tok == "IDENT":
            name_pos = self.pos
            name = self.parse_ident()
        elif self.tok == ".":
            name, name_pos = ".", self.pos
            self.next()
        pos = self.pos
        path = ""
        if self.tok == "STRING":
            path = self.lit
            self.next()
        elif self.tok in LITERALS:
            self.error(pos, "import path must be a string")
            self.next()
        else:
            self.error(pos, "missing import path")
            self.advance(_EXPR_END)
        self.expect_semi()
        specs.append(_Spec(name, name_pos, path, pos))

    def parse_import_decl(self, specs: list[_Spec]) -> None:
        self.expect("import")
        if self.tok == "(":
            self.next()
            while self.tok not in (")", "EOF"):
                self.parse_import_spec(specs)
            self.expect(")")
            self.expect_semi()
        else:
            self.parse_import_spec(specs)

    def parse_file(self) -> tuple[str, list[_Spec]]:
        specs: list[_Spec] = []
        if self.errors:
            return "", specs  # errors scanning the first token: not Go at all
        self.expect("package")
        package = self.parse_ident()
        self.expect_semi()
        if self.errors:
            return package, specs
        while self.tok == "import":
            self.parse_import_decl(specs)
        return package, specs

    def error_text(self) -> str:
        """ErrorList.Error() after Sort: the first error, and how many more."""
        errs = sorted(self.errors, key=lambda e: (_go_bytes(e[0].filename), e[0].line, e[0].column,
                                                  _go_bytes(e[1])))
        first = f"{errs[0][0]}: {errs[0][1]}" if errs[0][0].filename or errs[0][0].line > 0 else errs[0][1]
        return first if len(errs) == 1 else f"{first} (and {len(errs) - 1} more errors)"


def _go_bytes(s: str) -> bytes:
    return s.encode("utf-8", "surrogateescape")


_ILLEGAL_IMPORT_CHARS = frozenset('!"#$%&\'()*,:;<=>?[\\]^{|}`\ufffd')
_SPACE_SET = frozenset(SPACE_CHARS)


# An ASCII path has only graphic characters when each is in ! … ~ (no space, no DEL): checking
# that with one regular expression instead of a unicode category per character takes
# is_valid_import from 9 to 0.5 µs a path.
_VALID_ASCII_IMPORT = re.compile(r"[^\x00-\x20\x7f!\"#$%&'()*,:;<=>?\[\\\]^{|}`]+")


def is_valid_import(path: str) -> bool:
    """isValidImport (modindex/build_read.go): non-empty, only graphic non-space characters, none
    of ``!"#$%&'()*,:;<=>?[\\]^{|}`` or a backquote, and valid UTF-8."""
    if path.isascii():
        return _VALID_ASCII_IMPORT.fullmatch(path) is not None
    for c in path:
        if "\udc80" <= c <= "\udcff" or c in _ILLEGAL_IMPORT_CHARS or c in _SPACE_SET or not is_print(c):
            return False
    return path != ""


@dataclass(frozen=True, slots=True)
class GoFileInfo:
    """readGoInfo's record of a file: when ``parse_error`` is set (go/parser's message, or an
    ``invalid import path``), go keeps no imports for the file; its constraints still count."""

    package: str
    imports: tuple[ImportSpec, ...]
    header: bytes
    parse_error: str | None


def read_go_info(content: bytes, filename: str) -> GoFileInfo:
    """readGoInfo (go/build/read.go, modindex/build_read.go) of a .go file. ``filename`` is the
    name go/parser puts in positions (go uses the full path).

    Raises :class:`GoSourceError` where readGoInfo itself fails, in go's words: ``read FILE:
    unexpected NUL in input`` (a NUL before the end of the imports or before the first syntax
    error the byte reader meets).
    """
    data = content[3:] if content.startswith(_BOM) else content
    plain = _plain_header(data)
    if plain is not None:
        end, package, plain_specs = plain
        header = data[:end]
        imports: list[ImportSpec] = []
        for name, name_at, lit, lit_at in plain_specs:
            path = lit[1:-1]  # no escapes in a plain path
            if not is_valid_import(path):
                break  # go's error and its position: the full reader below
            at = name_at if name_at >= 0 else lit_at
            line_start = header.rfind(b"\n", 0, at) + 1
            imports.append(ImportSpec(path, header.count(b"\n", 0, at) + 1, at - line_start + 1, name))
        else:
            return GoFileInfo(package, tuple(imports), header, None)
    try:
        block = _read_block(content, nul_check_after_error=False)
    except GoSourceError as err:
        raise GoSourceError(f"read {filename}: {err}") from None
    parser = _Parser(filename, block.header)
    try:
        package, specs = parser.parse_file()
    except _Bailout:
        package, specs = "", []
    if parser.errors:
        return GoFileInfo(package, (), block.header, parser.error_text())
    imports = []
    for spec in specs:
        try:
            path = unquote(spec.path_lit)
        except ValueError:
            raise GoSourceError(f"read {filename}: parser returned invalid quoted string: "
                                f"<{spec.path_lit}>") from None
        at = parser.file.position(spec.name_pos if spec.name_pos >= 0 else spec.path_pos)
        if not is_valid_import(path):
            return GoFileInfo(package, (), block.header, f"{at}: invalid import path: {path}")
        imports.append(ImportSpec(path, at.line, at.column, spec.name))
    return GoFileInfo(package, tuple(imports), block.header, None)


def read_imports(content: bytes, filename: str) -> GoFileHeader:
    """The package name and imports of a .go file, as go/build and the module index read them.

    Raises :class:`GoSourceError`: ``read a.go: unexpected NUL in input``, or go/parser's
    errors, e.g. ``a.go:3:9: missing import path``, or ``a.go:2:8: invalid import path: a b``.
    """
    info = read_go_info(content, filename)
    if info.parse_error is not None:
        raise GoSourceError(info.parse_error)
    return GoFileHeader(info.package, info.imports, info.header)
