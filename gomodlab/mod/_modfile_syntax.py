"""The go.mod / go.work syntax tree: lexer, parser, comment attachment and printer.

This is x/mod/modfile's ``read.go`` and ``print.go`` (the part shared by go.mod and go.work): text
becomes a tree of :class:`Line`, :class:`LineBlock` and :class:`CommentBlock` statements that keeps
every comment, and the printer turns a tree back into the canonical text ``go mod edit -fmt``
writes. What the directives mean is :mod:`gomodlab.mod.modfile`'s business.

Positions are character offsets into the decoded text (bytes that are not UTF-8 are decoded with
``surrogateescape``, one character per byte, exactly as Go counts runes); :meth:`Source.line_col`
turns one into go's ``line:column``.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left
from collections.abc import Sequence
from functools import cached_property

from .gostrings import is_print_rune, quote_rune, trim_space

__all__ = ["Comment", "CommentBlock", "Line", "LineBlock", "LParen", "RParen", "FileSyntax",
           "Source", "SyntaxFailure", "parse_syntax", "format_syntax", "cleanup_syntax"]


class SyntaxFailure(Exception):
    """A lexer or parser error at ``offset`` (internal; :mod:`gomodlab.mod.modfile` locates it)."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


class Source:
    """Decoded file text with go's line/column arithmetic."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        # line() is asked in file order while directives are read: counting newlines from the
        # last answer costs no table (a list of every newline offset is ~36 bytes a line).
        self._counted_to = 0
        self._counted_line = 1

    @cached_property
    def _newlines(self) -> list[int]:
        return [m.start() for m in re.finditer("\n", self.text)]

    def line(self, offset: int) -> int:
        """Position.Line of the position at ``offset`` (1 + newlines before it)."""
        if offset < self._counted_to:
            return bisect_left(self._newlines, offset) + 1
        self._counted_line += self.text.count("\n", self._counted_to, offset)
        self._counted_to = offset
        return self._counted_line

    def line_col(self, offset: int) -> tuple[int, int]:
        """(Line, LineRune) of the position at ``offset``; both start at 1."""
        i = bisect_left(self._newlines, offset)
        line_start = self._newlines[i - 1] + 1 if i else 0
        return i + 1, offset - line_start + 1


# ---------------------------------------------------------------------------------------------
# Syntax tree (read.go). Nodes are mutable: go's -fmt cleanup edits them in place.

class Comment:
    """One ``//`` comment; ``token == ""`` is the marker parseLineBlock leaves for a blank line."""

    __slots__ = ("start", "token", "suffix")

    def __init__(self, start: int, token: str, suffix: bool = False) -> None:
        self.start = start
        self.token = token
        self.suffix = suffix

    def __repr__(self) -> str:
        return f"Comment({self.start}, {self.token!r}, suffix={self.suffix})"


#: The comments of a node that has none. Most lines of a big go.mod have no comment: sharing one
#: empty tuple instead of three empty lists per line takes a third off the tree's memory.
_NO_COMMENTS: tuple[Comment, ...] = ()


class _Node:
    __slots__ = ("before", "suffix", "after")

    def __init__(self) -> None:
        # A node gets a list of its own only when a comment is attached to it.
        self.before: Sequence[Comment] = _NO_COMMENTS   # whole-line comments before the node
        self.suffix: Sequence[Comment] = _NO_COMMENTS   # end-of-line comments after it
        self.after: Sequence[Comment] = _NO_COMMENTS    # whole-line comments after a top-level node



class CommentBlock(_Node):
    """Top-level comments separated from any statement by a blank line."""

    __slots__ = ("start",)

    def __init__(self, start: int) -> None:
        super().__init__()
        self.start = start
        self.before: list[Comment] = []

    def span(self) -> tuple[int, int]:
        return self.start, self.start


class Line(_Node):
    """A statement's tokens (in a block: without the block's verb)."""

    # The length, not the end offset, is stored: a line's length is a small int that Python
    # shares, where an end offset would be one more int object for every line of a big file.
    __slots__ = ("start", "token", "in_block", "length")

    def __init__(self, start: int, token: list[str], end: int, in_block: bool = False) -> None:
        super().__init__()
        self.start = start
        self.token = token
        self.length = end - start
        self.in_block = in_block

    @property
    def end(self) -> int:
        return self.start + self.length

    def span(self) -> tuple[int, int]:
        return self.start, self.start + self.length

    def __repr__(self) -> str:
        return f"Line({self.token!r})"


class LParen(_Node):
    __slots__ = ("pos",)

    def __init__(self, pos: int) -> None:
        super().__init__()
        self.pos = pos

    def span(self) -> tuple[int, int]:
        return self.pos, self.pos + 1


class RParen(LParen):
    __slots__ = ()


class LineBlock(_Node):
    """``verb ( ... )`` with one :class:`Line` per entry."""

    __slots__ = ("start", "token", "lparen", "lines", "rparen")

    def __init__(self, start: int, token: list[str], lparen: int) -> None:
        super().__init__()
        self.start = start
        self.token = token
        self.lparen = LParen(lparen)
        self.lines: list[Line] = []
        self.rparen = RParen(0)

    def span(self) -> tuple[int, int]:
        return self.start, self.rparen.pos + 1

    def __repr__(self) -> str:
        return f"LineBlock({self.token!r}, {self.lines!r})"


Stmt = CommentBlock | Line | LineBlock


class FileSyntax(_Node):
    """A whole file: its statements and the source they came from."""

    __slots__ = ("source", "stmt")

    def __init__(self, source: Source) -> None:
        super().__init__()
        self.source = source
        self.stmt: list[Stmt] = []
        self.before: list[Comment] = []

    @property
    def name(self) -> str:
        return self.source.name


# ---------------------------------------------------------------------------------------------
# Lexer

_EOF, _EOLCOMMENT, _IDENT, _STRING, _COMMENT = "EOF", "EOLCOMMENT", "IDENT", "STRING", "COMMENT"
_EOL_KINDS = frozenset((_EOF, _EOLCOMMENT, "\n"))
_PUNCT = frozenset("\n()[]{},")


# read.go's isIdent: printable, not a space, not one of " ()[]{},". This class is the ASCII part
# plus every non-ASCII character; a run with non-ASCII characters is then cut at the first one
# that is not printable (or is a space, like U+00A0) — rare enough to check one by one. Written
# as what it excludes: the same set, but compiled in 0.03 ms instead of 2 ms (the range up to
# U+10FFFF made re build a full table at every start-up).
_IDENT_RUN = re.compile(r"[^\x00-\x20\x28\x29\x2c\x5b\x5d\x7b\x7d\x7f]+")


def _ident_end(text: str, i: int, e: int) -> int:
    """Where the identifier run text[i:e] really ends, once non-printable characters count."""
    run = text[i:e]
    if run.isascii():
        return e
    for k, ch in enumerate(run):
        if ch > "\x7f" and not is_print_rune(ch):  # every non-ASCII space is also non-printable
            return i + k
    return e


_SPACES = re.compile("[ \t\r]*")
_DQ_BODY = re.compile(r'"(?:[^"\\\n]|\\[\s\S])*')
_BQ_BODY = re.compile(r"`[^`\n]*")
_NO_SLASH_STAR = "mod files must use // comments (not /* */ comments)"


class _Token:
    __slots__ = ("kind", "start", "end", "text")

    def __init__(self, kind: str, start: int, end: int, text: str) -> None:
        self.kind = kind
        self.start = start
        self.end = end
        self.text = text


class _Parser:
    """read.go's ``input``: a one-token-lookahead lexer and the recursive-descent parser.

    Lexer errors surface when the parser advances onto the bad token (as in Go, where ``lex``
    reads the next token eagerly), so the first error reported is the one go reports.
    """

    def __init__(self, source: Source) -> None:
        self.source = source
        self.text = source.text
        self.off = 0
        self.suffix_comments: list[Comment] = []
        self.file = FileSyntax(source)
        self.tok = self._read_token()

    # -- lexer -------------------------------------------------------------------------------

    def _read_token(self) -> _Token:
        text = self.text
        i = _SPACES.match(text, self.off).end()
        if text.startswith("//", i):
            # A comment alone on its line is a token the grammar handles; one after other
            # tokens is an end-of-line comment, attached to the syntax later.
            nl = text.rfind("\n", 0, i)
            suffix = trim_space(text[nl + 1:i]) != ""
            j = text.find("\n", i)
            end = j + 1 if j >= 0 else len(text)
            body = text[i:end]
            if body.endswith("\r\n"):
                body = body[:-2]
            elif body.endswith("\n"):
                body = body[:-1]
            self.off = end
            if not suffix:
                return _Token(_COMMENT, i, end, body)
            # Most end-of-line comments of a big go.mod are the same "// indirect": one string.
            body = sys.intern(body)
            self.suffix_comments.append(Comment(i, body, True))
            return _Token(_EOLCOMMENT, i, end, body)
        if text.startswith("/*", i):
            raise SyntaxFailure(i, _NO_SLASH_STAR)
        if i >= len(text):
            self.off = i
            return _Token(_EOF, i, i, "")
        c = text[i]
        if c in _PUNCT:
            self.off = i + 1
            return _Token(c, i, i + 1, c)
        if c == '"' or c == "`":
            m = (_DQ_BODY if c == '"' else _BQ_BODY).match(text, i)
            e = m.end()
            if e >= len(text) or text[e] == "\\":  # a lone backslash can only be at EOF
                raise SyntaxFailure(i, "unexpected EOF in string")
            if text[e] == "\n":
                raise SyntaxFailure(e, "unexpected newline in string")
            self.off = e + 1
            return _Token(_STRING, i, e + 1, text[i:e + 1])
        m = _IDENT_RUN.match(text, i)
        e = _ident_end(text, i, m.end()) if m else i
        if e == i:
            raise SyntaxFailure(i, f"unexpected input character {quote_rune(c)}")
        # An identifier stops before "//"; "/*" inside one is an error.
        k = text.find("/", i + 1, e)
        while k >= 0 and k + 1 < len(text):
            nxt = text[k + 1]
            if nxt == "/":
                e = k
                break
            if nxt == "*":
                raise SyntaxFailure(k, _NO_SLASH_STAR)
            k = text.find("/", k + 1, e)
        self.off = e
        return _Token(_IDENT, i, e, text[i:e])

    def lex(self) -> _Token:
        tok = self.tok
        self.tok = self._read_token()
        return tok

    def peek(self) -> str:
        return self.tok.kind

    def error(self, message: str) -> SyntaxFailure:
        # in.pos is where the lexer stands: just after the token being peeked at.
        return SyntaxFailure(self.tok.end, message)

    # -- parser ------------------------------------------------------------------------------

    def parse_file(self) -> FileSyntax:
        stmts = self.file.stmt
        cb: CommentBlock | None = None
        while True:
            kind = self.peek()
            if kind == "\n":
                self.lex()
                if cb is not None:
                    stmts.append(cb)
                    cb = None
            elif kind == _COMMENT:
                tok = self.lex()
                if cb is None:
                    cb = CommentBlock(tok.start)
                cb.before.append(Comment(tok.start, tok.text))
            elif kind == _EOF:
                if cb is not None:
                    stmts.append(cb)
                return self.file
            else:
                self.parse_stmt()
                if cb is not None:
                    stmts[-1].before = cb.before
                    cb = None

    def parse_stmt(self) -> None:
        tok = self.lex()
        start, end = tok.start, tok.end
        tokens = [tok.text]
        while True:
            tok = self.lex()
            if tok.kind in _EOL_KINDS:
                self.file.stmt.append(Line(start, tokens, end))
                return
            if tok.kind == "(":
                nxt = self.peek()
                if nxt in _EOL_KINDS:
                    self.file.stmt.append(self.parse_line_block(start, tokens, tok))
                    return
                if nxt == ")":
                    rparen = self.lex()
                    if self.peek() in _EOL_KINDS:  # empty block
                        self.lex()
                        block = LineBlock(start, tokens, tok.start)
                        block.rparen.pos = rparen.start
                        self.file.stmt.append(block)
                        return
                    tokens += [tok.text, rparen.text]  # "( )" in the middle of a line
                else:
                    tokens.append(tok.text)
                # read.go does not move the line's end for a "(" token.
            else:
                tokens.append(tok.text)
                end = tok.end

    def parse_line_block(self, start: int, tokens: list[str], lparen: _Token) -> LineBlock:
        block = LineBlock(start, tokens, lparen.start)
        comments: list[Comment] = []
        while True:
            kind = self.peek()
            if kind == _EOLCOMMENT:
                self.lex()
            elif kind == "\n":
                self.lex()
                # Keep a blank line as an empty comment (not at the top of the block, not twice).
                if (not comments and block.lines) or (comments and comments[-1].token != ""):
                    comments.append(Comment(0, ""))
            elif kind == _COMMENT:
                tok = self.lex()
                comments.append(Comment(tok.start, tok.text))
            elif kind == _EOF:
                line, col = self.source.line_col(block.start)
                raise self.error(f"syntax error (unterminated block started at {self.source.name}:{line}:{col})")
            elif kind == ")":
                rparen = self.lex()
                if len(comments) == 1 and comments[0].token == "":
                    comments = []  # a blank line before ")" is not kept
                block.rparen.before = comments
                block.rparen.pos = rparen.start
                if self.peek() not in _EOL_KINDS:
                    raise self.error("syntax error (expected newline after closing paren)")
                self.lex()
                return block
            else:
                line = self.parse_line()
                block.lines.append(line)
                if comments:
                    line.before = comments
                    comments = []

    def parse_line(self) -> Line:
        tok = self.lex()
        start, end = tok.start, tok.end
        tokens = [tok.text]
        while True:
            tok = self.lex()
            if tok.kind in _EOL_KINDS:
                # tokens[:] is sized to fit, where the appended list has room to spare.
                return Line(start, tokens[:], end, in_block=True)
            tokens.append(tok.text)
            end = tok.end

    # -- comment assignment -----------------------------------------------------------------

    def assign_comments(self) -> None:
        """Attach each end-of-line comment to the single-line node ending just before it.

        Whole-line comments were placed by the parser; read.go's preorder pass never sees any.
        """
        if not self.suffix_comments:
            return
        post: list[LParen | Line | LineBlock | CommentBlock] = []
        for stmt in self.file.stmt:
            if isinstance(stmt, LineBlock):
                post.append(stmt.lparen)
                post.extend(stmt.lines)
                post.append(stmt.rparen)
            post.append(stmt)
        suffix = self.suffix_comments
        text = self.text
        for x in reversed(post):
            if not suffix:
                break
            start, end = x.span()
            # Not to something that starts on an earlier line: in "x ( y \n z ) // c" the
            # comment belongs to z.
            if text.find("\n", start, end) >= 0:
                continue
            mine = []
            while suffix and end <= suffix[-1].start:
                mine.append(suffix.pop())
            if mine:
                x.suffix = tuple(reversed(mine))
        self.file.before.extend(suffix)


def parse_syntax(source: Source) -> FileSyntax:
    """Parse ``source`` into a syntax tree; raises :class:`SyntaxFailure` at the first error."""
    parser = _Parser(source)
    parser.parse_file()
    parser.assign_comments()
    return parser.file


# ---------------------------------------------------------------------------------------------
# FileSyntax.Cleanup (read.go)

def cleanup_syntax(fs: FileSyntax) -> None:
    """Drop removed lines and empty blocks; turn one-line blocks into single lines.

    A removed line has ``token == []``. As in Go, a collapsed block keeps the comments before
    it and after its line, but its "(" and ")" suffix comments are lost.
    """
    out: list[Stmt] = []
    for stmt in fs.stmt:
        if isinstance(stmt, Line):
            if not stmt.token:
                continue
        elif isinstance(stmt, LineBlock):
            stmt.lines = [ln for ln in stmt.lines if ln.token]
            if not stmt.lines:
                continue
            if len(stmt.lines) == 1 and not stmt.rparen.before:
                only = stmt.lines[0]
                line = Line(0, stmt.token + only.token, 0)
                line.before = [*stmt.before, *only.before]
                line.suffix = [*only.suffix, *stmt.suffix]
                line.after = [*only.after, *stmt.after]
                out.append(line)
                continue
        out.append(stmt)
    fs.stmt = out


# ---------------------------------------------------------------------------------------------
# Printer (print.go)

class _Printer:
    __slots__ = ("buf", "comment", "margin")

    def __init__(self) -> None:
        self.buf = bytearray()
        self.comment: list[Comment] = []   # pending end-of-line comments
        self.margin = 0                   # indent, in tabs

    def write(self, s: str) -> None:
        self.buf += s.encode("utf-8", "surrogateescape")

    def trim(self) -> None:
        b = self.buf
        n = len(b)
        while n > 0 and b[n - 1] in (9, 32):
            n -= 1
        del b[n:]

    def newline(self) -> None:
        if self.comment:
            self.write(" ")
            for i, com in enumerate(self.comment):
                if i > 0:
                    self.trim()
                    self.write("\n" + "\t" * self.margin)
                self.write(trim_space(com.token))
            self.comment = []
        self.trim()
        b = self.buf
        # No blank line at the top of the file or after a blank line.
        if b and not (len(b) >= 2 and b[-1] == 10 and b[-2] == 10):
            b += b"\n"
        b += b"\t" * self.margin

    def file(self, f: FileSyntax) -> None:
        for com in f.before:
            self.write(trim_space(com.token))
            self.newline()
        for i, stmt in enumerate(f.stmt):
            self.expr(stmt)
            if not isinstance(stmt, CommentBlock):
                self.newline()
            for com in stmt.after:
                self.write(trim_space(com.token))
                self.newline()
            if i + 1 < len(f.stmt):
                self.newline()

    def expr(self, x: _Node) -> None:
        if x.before:
            # Line comments start a line of their own, at the margin.
            self.trim()
            b = self.buf
            if b and b[-1] != 10:
                self.write("\n")
            self.write("\t" * self.margin)
            for com in x.before:
                self.write(trim_space(com.token))
                self.newline()
        if isinstance(x, RParen):
            self.write(")")
        elif isinstance(x, LParen):
            self.write("(")
        elif isinstance(x, Line):
            self.tokens(x.token)
        elif isinstance(x, LineBlock):
            self.tokens(x.token)
            self.write(" ")
            self.expr(x.lparen)
            self.margin += 1
            for ln in x.lines:
                self.newline()
                self.expr(ln)
            self.margin -= 1
            self.newline()
            self.expr(x.rparen)
        self.comment.extend(x.suffix)

    def tokens(self, tokens: list[str]) -> None:
        out = []
        sep = ""
        for t in tokens:
            if t in (",", ")", "]", "}"):
                sep = ""
            out.append(sep)
            out.append(t)
            sep = "" if t in ("(", "[", "{") else " "
        self.write("".join(out))


def format_syntax(fs: FileSyntax) -> bytes:
    """print.go's Format: the file in canonical layout, without trailing blank lines."""
    pr = _Printer()
    pr.file(fs)
    b = pr.buf
    while b and b[-1] == 10 and (len(b) == 1 or b[-2] == 10):
        del b[-1]
    return bytes(b)
