"""Build constraints as the go command applies them when it decides which files to read.

Ports go/build/constraint (the ``//go:build`` and ``// +build`` expression syntax) and the
tag logic of cmd/go/internal/imports/build.go (``ShouldBuild``, ``MatchFile``, ``matchTag``,
``eval``). The go command copies that logic instead of using go/build because of one special
case: ``imports.AnyTags()`` is the tag set ``{"*"}``, under which every tag but ``ignore`` is
*both* true and false (``eval`` carries a ``prefer`` flag that flips under ``!``), so
``linux && !linux`` holds while ``ignore``, ``!`` and a bare ``// +build`` do not. ``go mod tidy``,
``go mod why`` and ``go mod vendor`` load packages with :data:`ANY_TAGS`.

Rules worth knowing (each tested against go's own code):

- a ``//go:build`` line, wherever it is in the leading comment block, decides alone; two of them
  make the file unbuildable; one that does not parse makes it unbuildable;
- ``// +build`` lines count only in the leading run of ``//`` comments and blank lines, and only
  up to the last blank line before the first other line (so not in the package's doc comment);
  every such line must hold; a line too complex to parse (over 100 operators) is ignored;
- in ``// +build``, a term that is ``!``, starts with ``!!`` or is not a valid tag means the tag
  ``ignore`` (false under every tag set go uses), and an empty line means ``ignore`` too;
- file names: ``x_GOOS``, ``x_GOARCH``, ``x_GOOS_GOARCH`` (each optionally ``_test``) before the
  first ``.`` restrict the file, with go's lists of known systems; under :data:`ANY_TAGS` every
  name matches.

Expression trees can be 1000 levels deep (go's limit), more than Python's stack, so parsing,
printing and evaluation here use explicit stacks, never recursion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from ..errors import ParseError
from ._gounicode import is_digit, is_letter
from .gostrings import fields, trim_space

__all__ = [
    "Tags", "ANY_TAGS", "tags", "KNOWN_OS", "KNOWN_ARCH", "UNIX_OS",
    "Expr", "TagExpr", "NotExpr", "AndExpr", "OrExpr", "BuildConstraintError",
    "parse", "is_go_build", "is_plus_build", "evaluate", "match_tag", "constraint_lines",
    "constraints_hold", "should_build", "match_file",
]

#: internal/syslist.KnownOS: every GOOS go recognises in a file name (past, present and future).
KNOWN_OS = frozenset({
    "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux",
    "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos",
})
#: internal/syslist.UnixOS: the GOOS values for which the ``unix`` tag is true.
UNIX_OS = frozenset({
    "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "linux",
    "netbsd", "openbsd", "solaris",
})
#: internal/syslist.KnownArch: every GOARCH go recognises in a file name.
KNOWN_ARCH = frozenset({
    "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips", "mipsle",
    "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv",
    "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm",
})


@dataclass(frozen=True, slots=True)
class Tags:
    """A tag set, go's ``map[string]bool`` of true tags.

    ``"*"`` among the names is go's AnyTags marker. ``goos`` is ``cfg.BuildContext.GOOS``, which
    go consults for the ``unix`` tag instead of the set itself.
    """

    names: frozenset[str]
    goos: str = ""

    @property
    def any(self) -> bool:
        return "*" in self.names


#: imports.AnyTags(): every tag except ``ignore`` is both true and false.
ANY_TAGS = Tags(frozenset({"*"}))


def tags(*names: str, goos: str = "") -> Tags:
    """An explicit tag set, e.g. ``tags("linux", "amd64", "gc", "cgo", goos="linux")``."""
    return Tags(frozenset(names), goos)


class BuildConstraintError(ParseError):
    """A build constraint line that does not parse; ``str()`` is go's message, e.g.
    ``unexpected end of expression``. ``offset`` is go's byte offset in the expression."""

    def __init__(self, message: str, offset: int = 0) -> None:
        self.offset = offset
        super().__init__(message)


# ---------------------------------------------------------------------------------------------
# Expressions (go/build/constraint/expr.go). eq and repr are identity-based and non-recursive.

class _Printed:
    """str() and repr() of an expression are its //go:build text (go's String methods)."""

    __slots__ = ()

    def __str__(self) -> str:
        return _format(self)

    __repr__ = __str__


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class TagExpr(_Printed):
    tag: str


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class NotExpr(_Printed):
    x: Expr


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class AndExpr(_Printed):
    x: Expr
    y: Expr


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class OrExpr(_Printed):
    x: Expr
    y: Expr


Expr = Union[TagExpr, NotExpr, AndExpr, OrExpr]


def _format(x: Expr) -> str:
    """Expr.String(): the //go:build form, with go's parenthesisation."""
    out: list[str] = []
    # Work items are expressions to print or literal text to emit.
    work: list[Expr | str] = [x]
    while work:
        item = work.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, TagExpr):
            out.append(item.tag)
        elif isinstance(item, NotExpr):
            if isinstance(item.x, (AndExpr, OrExpr)):
                work += [")", item.x, "!("]
            else:
                work += [item.x, "!"]
        else:
            op, wrap = (" && ", OrExpr) if isinstance(item, AndExpr) else (" || ", AndExpr)
            work += _wrapped(item.y, wrap) + [op] + _wrapped(item.x, wrap)
    return "".join(out)


def _wrapped(x: Expr, wrap: type) -> list[Expr | str]:
    # Pushed in reverse (the work list is a stack).
    return [")", x, "("] if isinstance(x, wrap) else [x]


_MAX_SIZE = 1000  # go's maxSize: not() calls in one //go:build expression
_MAX_OLD_SIZE = 100  # && and || operators in one // +build line


def _split_go_build(line: str) -> str | None:
    if line.endswith("\n"):
        line = line[:-1]
    if "\n" in line or not line.startswith("//go:build"):
        return None
    line = trim_space(line)[len("//go:build"):]
    trim = trim_space(line)
    if len(line) == len(trim) and line != "":
        return None
    return trim


def _split_plus_build(line: str) -> str | None:
    if line.endswith("\n"):
        line = line[:-1]
    if "\n" in line or not line.startswith("//"):
        return None
    line = trim_space(line[2:])  # "//+build" counts too
    if not line.startswith("+build"):
        return None
    line = line[len("+build"):]
    trim = trim_space(line)
    if len(line) == len(trim) and line != "":
        return None
    return trim


def is_go_build(line: str) -> bool:
    """constraint.IsGoBuild: the line has the ``//go:build`` prefix (the expression may not parse)."""
    return _split_go_build(line) is not None


def is_plus_build(line: str) -> bool:
    """constraint.IsPlusBuild."""
    return _split_plus_build(line) is not None


def parse(line: str) -> Expr:
    """constraint.Parse of one ``//go:build`` or ``// +build`` line (text that was not UTF-8
    arrives as ``surrogateescape`` characters, which go decodes as U+FFFD)."""
    text = _split_go_build(line)
    if text is not None:
        return _parse_expr(text)
    text = _split_plus_build(line)
    if text is not None:
        return _parse_plus_build(text)
    raise BuildConstraintError("not a build constraint")


def _is_tag_char(c: str) -> bool:
    # A surrogate escape is a byte go decodes as U+FFFD: neither a letter nor a digit.
    return c == "_" or c == "." or is_letter(c) or is_digit(c)


class _Lexer:
    """exprParser's lexer; ``pos`` and error offsets are byte offsets, as go reports them."""

    def __init__(self, s: str) -> None:
        self.s = s
        self.i = 0
        self.tok = ""
        self.is_tag = False
        self.pos = 0

    def offset(self, i: int) -> int:
        return len(self.s[:i].encode("utf-8", "surrogateescape"))

    def fail(self, i: int, msg: str) -> BuildConstraintError:
        return BuildConstraintError(msg, self.offset(i))

    def lex(self) -> None:
        s, n = self.s, len(self.s)
        self.is_tag = False
        while self.i < n and s[self.i] in " \t":
            self.i += 1
        if self.i >= n:
            self.tok, self.pos = "", self.i
            return
        c = s[self.i]
        if c in "()!":
            self.pos = self.i
            self.i += 1
            self.tok = c
            return
        if c in "&|":
            if self.i + 1 >= n or s[self.i + 1] != c:
                raise self.fail(self.i, "invalid syntax at " + c)
            self.pos = self.i
            self.i += 2
            self.tok = c + c
            return
        j = self.i
        while j < n and _is_tag_char(s[j]):
            j += 1
        if j == self.i:
            bad = "\ufffd" if "\udc80" <= c <= "\udcff" else c
            raise self.fail(self.i, "invalid syntax at " + bad)
        self.pos, self.i = self.i, j
        self.tok = s[self.pos:j]
        self.is_tag = True


@dataclass(slots=True)
class _Group:
    """One parenthesised level of the explicit-stack parser: its ``||`` terms so far, the
    ``&&`` terms of the current term, and the ``!`` and ``(`` that opened it."""

    ors: Expr | None
    ands: Expr | None
    negated: bool
    open_pos: int


def _parse_expr(text: str) -> Expr:
    """parseExpr: go's recursive descent (or → and → not → atom), run on an explicit stack.

    Errors are go's, including the rewrite of "unexpected end of expression" inside
    parentheses into "missing close paren".
    """
    p = _Lexer(text)
    size = 0
    stack: list[_Group] = []
    ors: Expr | None = None
    ands: Expr | None = None
    while True:
        # not(): one operand, possibly negated.
        size += 1
        if size > _MAX_SIZE:
            raise p.fail(p.pos, "build expression too large")
        p.lex()
        negated = False
        if p.tok == "!":
            p.lex()
            if p.tok == "!":
                raise p.fail(p.pos, "double negation not allowed")
            negated = True
        # atom()
        if p.tok == "(":
            stack.append(_Group(ors, ands, negated, p.pos))
            ors = ands = None
            continue
        if not p.is_tag:
            if p.tok == "":
                raise p.fail(p.pos, "missing close paren" if stack else "unexpected end of expression")
            raise p.fail(p.pos, "unexpected token " + p.tok)
        x: Expr = TagExpr(p.tok)
        p.lex()
        while True:
            if negated:
                x = NotExpr(x)
            ands = x if ands is None else AndExpr(ands, x)
            if p.tok == "&&":
                break
            ors = ands if ors is None else OrExpr(ors, ands)
            ands = None
            if p.tok == "||":
                break
            if not stack:
                if p.tok != "":
                    raise p.fail(p.pos, "unexpected token " + p.tok)
                return ors
            # The end of a parenthesised or(): back in the enclosing atom().
            group = stack.pop()
            if p.tok != ")":
                raise p.fail(group.open_pos, "missing close paren")
            p.lex()
            x, negated = ors, group.negated
            ors, ands = group.ors, group.ands


def _parse_plus_build(text: str) -> Expr:
    """parsePlusBuildExpr: space-separated ORs of comma-separated ANDs of optionally negated tags."""
    size = 0
    x: Expr | None = None
    for clause in fields(text):
        y: Expr | None = None
        for lit in clause.split(","):
            z: Expr
            if lit.startswith("!!") or lit == "!":
                z = TagExpr("ignore")
            else:
                neg = lit.startswith("!")
                if neg:
                    lit = lit[1:]
                z = TagExpr(lit if lit and all(_is_tag_char(c) for c in lit) else "ignore")
                if neg:
                    z = NotExpr(z)
            if y is None:
                y = z
            else:
                size += 1
                if size > _MAX_OLD_SIZE:
                    raise BuildConstraintError("expression too complex for // +build lines")
                y = AndExpr(y, z)
        assert y is not None  # str.split always yields at least one literal
        if x is None:
            x = y
        else:
            size += 1
            if size > _MAX_OLD_SIZE:
                raise BuildConstraintError("expression too complex for // +build lines")
            x = OrExpr(x, y)
    return x if x is not None else TagExpr("ignore")


# ---------------------------------------------------------------------------------------------
# Evaluation (cmd/go/internal/imports/build.go)

def match_tag(name: str, tags: Tags, prefer: bool = True) -> bool:
    """matchTag: whether ``name`` is a valid tag that is true; under AnyTags, ``prefer``."""
    if not all(_is_tag_char(c) for c in name):
        return False
    if tags.any and name != "" and name != "ignore":
        return prefer
    if name in tags.names:
        return True
    if name == "linux":
        return "android" in tags.names
    if name == "solaris":
        return "illumos" in tags.names
    if name == "darwin":
        return "ios" in tags.names
    if name == "unix":
        return tags.goos in UNIX_OS
    return False


def evaluate(x: Expr, tags: Tags, prefer: bool = True) -> bool:
    """imports.Eval: the expression's value, with AnyTags' prefer flag flipping under ``!``."""
    values: list[bool] = []
    # (expression, prefer, children already evaluated)
    work: list[tuple[Expr, bool, bool]] = [(x, prefer, False)]
    while work:
        node, pref, done = work.pop()
        if isinstance(node, TagExpr):
            values.append(match_tag(node.tag, tags, pref))
        elif isinstance(node, NotExpr):
            if done:
                values.append(not values.pop())
            else:
                work += [(node, pref, True), (node.x, not pref, False)]
        elif done:
            right, left = values.pop(), values.pop()
            values.append(left and right if isinstance(node, AndExpr) else left or right)
        else:
            work += [(node, pref, True), (node.y, pref, False), (node.x, pref, False)]
    return values[0]


class _MultipleGoBuild(Exception):
    """errMultipleGoBuild: "multiple //go:build comments"."""


def _file_header(content: str) -> tuple[str, str | None]:
    """parseFileHeader: the leading part of the file where ``// +build`` lines count (up to
    the last blank line before the first line that is not a ``//`` comment), and the
    ``//go:build`` line if there is one. Raises :class:`BuildConstraintError` for two of them."""
    end = 0
    pos = 0
    n = len(content)
    ended = False  # found a non-blank, non-// line: no more // +build lines
    in_slash_star = False
    go_build: str | None = None
    while pos < n:
        nl = content.find("\n", pos)
        raw, pos = (content[pos:], n) if nl < 0 else (content[pos:nl], nl + 1)
        line = trim_space(raw)
        if not line and not ended:
            end = pos
            continue
        if not line.startswith("//"):
            ended = True
        if not in_slash_star and _is_go_build_comment(line):
            if go_build is not None:
                raise BuildConstraintError("multiple //go:build comments")
            go_build = line
        state = _past_comments(line, in_slash_star)
        if state is None:
            break  # text that is not a comment: the header ends
        in_slash_star = state
    return content[:end], go_build


def _past_comments(line: str, in_slash_star: bool) -> bool | None:
    """The comment state after ``line``; None when the line holds text outside comments."""
    while line:
        if in_slash_star:
            i = line.find("*/")
            if i < 0:
                return True
            in_slash_star = False
            line = trim_space(line[i + 2:])
            continue
        if line.startswith("//"):
            return False
        if line.startswith("/*"):
            in_slash_star = True
            line = trim_space(line[2:])
            continue
        return None
    return in_slash_star


def _is_go_build_comment(line: str) -> bool:
    if not line.startswith("//go:build"):
        return False
    rest = trim_space(line)[len("//go:build"):]
    return len(rest) == 0 or len(trim_space(rest)) < len(rest)


def _text(content: bytes | str) -> str:
    return content.decode("utf-8", "surrogateescape") if isinstance(content, bytes) else content


def constraint_lines(content: bytes | str) -> tuple[str | None, tuple[str, ...]]:
    """getConstraints (modindex/build.go): the ``//go:build`` line, or, when there is none, the
    ``// +build`` lines that count. Raises :class:`BuildConstraintError` for two ``//go:build``
    lines (``multiple //go:build comments``).

    ``content`` is the file, or the part of it that imports.ReadImports returned.
    """
    header, go_build = _file_header(_text(content))
    if go_build is not None:
        return go_build, ()
    plus: list[str] = []
    for raw in header.split("\n"):
        line = trim_space(raw)
        if line.startswith("//") and "+build" in line and is_plus_build(line):
            plus.append(line)
    return None, tuple(plus)


def constraints_hold(go_build: str | None, plus_build: tuple[str, ...], tags: Tags) -> bool:
    """The verdict on a file's constraint lines: the ``//go:build`` line alone if there is one
    (false when it does not parse), else every ``// +build`` line (one too complex to parse is
    ignored)."""
    if go_build is not None:
        try:
            return evaluate(parse(go_build), tags)
        except BuildConstraintError:
            return False
    for line in plus_build:
        try:
            x = parse(line)
        except BuildConstraintError:
            continue
        if not evaluate(x, tags):
            return False
    return True


def should_build(content: bytes | str, tags: Tags) -> bool:
    """imports.ShouldBuild: whether the file's build constraints admit it under ``tags``
    (false for a file with two ``//go:build`` lines)."""
    try:
        go_build, plus_build = constraint_lines(content)
    except BuildConstraintError:
        return False
    return constraints_hold(go_build, plus_build, tags)


def match_file(name: str, tags: Tags) -> bool:
    """imports.MatchFile: false when the name's ``_GOOS`` / ``_GOARCH`` suffix (before the first
    ``.``, optionally followed by ``_test``) names a system the tags exclude."""
    if tags.any:
        return True
    dot = name.find(".")
    if dot >= 0:
        name = name[:dot]
    i = name.find("_")
    if i < 0:
        return True  # "linux.go" is not restricted: only a suffix after a prefix counts
    parts = name[i:].split("_")
    if parts[-1] == "test":
        parts = parts[:-1]
    n = len(parts)
    if n >= 2 and parts[-2] in KNOWN_OS and parts[-1] in KNOWN_ARCH:
        return match_tag(parts[-2], tags) and match_tag(parts[-1], tags)
    if n >= 1 and (parts[-1] in KNOWN_OS or parts[-1] in KNOWN_ARCH):
        return match_tag(parts[-1], tags)
    return True
