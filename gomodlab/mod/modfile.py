"""go.mod, go.work and go.sum files, read exactly as the go command reads them.

A port of golang.org/x/mod/modfile (``read.go``, ``rule.go``, ``work.go``, ``print.go``; the
lexer, parser and printer live in :mod:`gomodlab.mod._modfile_syntax`) plus the two go commands that
print a file back: ``go mod edit -json`` / ``-fmt -print`` (cmd/go/internal/modcmd/edit.go) and
``go work edit -json`` / ``-fmt -print`` (cmd/go/internal/workcmd/edit.go), and go.sum reading
(cmd/go/internal/modfetch/fetch.go ``readGoSum``).

=====================  =========================================================================
``parse_gomod``         go.mod text → :class:`GoMod` (``modfile.Parse``; ``lax=True`` is
                        ``modfile.ParseLax``, how go reads the go.mod of a dependency)
``parse_gowork``        go.work text → :class:`GoWork` (``modfile.ParseWork``)
``parse_gosum``         go.sum text → tuple of :class:`GoSumLine`
``gomod_json``          exactly what ``go mod edit -json FILE`` prints
``gowork_json``         exactly what ``go work edit -json FILE`` prints
``format_gomod``        exactly what ``go mod edit -fmt -print FILE`` prints
``format_gowork``       exactly what ``go work edit -fmt -print FILE`` prints
=====================  =========================================================================

Every function raises :class:`GoModSyntaxError` for a file go rejects, carrying each located
error go reports, in go's words and order. Records list directives in file order, as parsed;
the JSON and the formatted text show what go shows after its ``-fmt`` clean-up (duplicate
exclude/replace/tool/ignore lines dropped, blocks sorted, one-line blocks unwrapped).

Text that is not UTF-8 is handled byte for byte as Go does: such bytes are decoded with
``surrogateescape`` (one character per byte) and count as U+FFFD where Go decodes runes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cmp_to_key
from typing import Literal

from . import semver
from .gover import go_version_ok, toolchain_ok
from .gostrings import fields, is_print_rune, quote, trim_space, unquote
from ._modfile_syntax import (FileSyntax, Line, LineBlock, Source, SyntaxFailure,
                              cleanup_syntax, format_syntax, parse_syntax)
from ..errors import ParseError
from .modpath import InvalidPath, canonical_version, check_path_major, split_path_version

__all__ = [
    "GoModSyntaxError", "LocatedError",
    "Module", "Require", "Exclude", "Replace", "Retract", "Godebug", "Tool", "Ignore", "GoMod",
    "Use", "GoWork", "GoSumLine", "EMPTY_GOMOD_HASH",
    "parse_gomod", "read_gomod", "parse_gowork", "parse_gosum",
    "gomod_json", "gowork_json", "gosum_json", "format_gomod", "format_gowork",
    "is_directory_path", "must_quote", "auto_quote", "VersionFixer", "VersionFixError",
]

Kind = Literal["gomod", "gowork", "gosum"]


# ---------------------------------------------------------------------------------------------
# Errors

class LocatedError(ParseError):
    """One error as x/mod's ``modfile.Error`` prints it: ``file:line:`` — plus ``col:`` only when
    the column is not 1 (which only lexer and parser errors, or indented lines, have)."""

    def located(self) -> str:
        where = ""
        if self.line:
            col = f"{self.col}:" if self.col and self.col > 1 else ""
            where = f"{self.file}:{self.line}:{col} "
        elif self.file:
            where = f"{self.file}: "
        return where + self.message


class GoModSyntaxError(ParseError):
    """go would reject the file. ``errors`` holds every located error go reports, in order.

    ``str(e)`` is those errors, one per line, as go prints them (``go.mod:7:2: usage: require
    module/path v1.2.3``); ``file``/``line``/``col`` are the first error's. ``kind`` says which
    grammar was read (``gomod``, ``gowork``, ``gosum``); :meth:`go_stderr` is the whole message
    the go command writes to stderr when it reads the file (and exits with status 1).
    """

    def __init__(self, errors: tuple[LocatedError, ...], kind: Kind = "gomod") -> None:
        self.errors = errors
        self.kind = kind
        first = errors[0]
        super().__init__(first.message, file=first.file, line=first.line, col=first.col)

    def located(self) -> str:
        return "\n".join(e.located() for e in self.errors)

    def go_stderr(self, shown_path: str) -> str:
        """What go prints: ``go mod edit`` for go.mod, ``go work edit`` for go.work, any module
        command for go.sum; ``shown_path`` is the file name in the header line (go's ShortPath)."""
        if self.kind == "gosum":
            return f"malformed go.sum:\n{self}\n"
        if self.kind == "gowork":
            return f"go: errors parsing {shown_path}:\nerrors parsing go.work:\n{self}\n"
        return f"go: errors parsing {shown_path}:\n{self}\n"


class _DirectiveError(Exception):
    """An error about one directive, before go prefixes the line's position (internal)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _prefix(verb: str, mod_path: str) -> str:
    # modfile.Error's "verb path: " / "verb: " part.
    if mod_path:
        return f"{verb} {mod_path}: "
    return f"{verb}: " if verb else ""


# ---------------------------------------------------------------------------------------------
# Records

@dataclass(frozen=True, slots=True)
class Module:
    """The ``module`` line. ``deprecated`` is the ``// Deprecated:`` message (None if none)."""

    path: str
    deprecated: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Require:
    path: str
    version: str
    indirect: bool   # the line has a "// indirect" comment
    line: int


@dataclass(frozen=True, slots=True)
class Exclude:
    path: str
    version: str
    line: int


@dataclass(frozen=True, slots=True)
class Replace:
    """``old_path [old_version] => new_path [new_version]``.

    ``old_version == ""`` replaces every version; ``new_version == ""`` means ``new_path`` is a
    local directory.
    """

    old_path: str
    old_version: str
    new_path: str
    new_version: str
    line: int


@dataclass(frozen=True, slots=True)
class Retract:
    """A retracted version (``low == high``) or closed interval, with its comment as rationale."""

    low: str
    high: str
    rationale: str
    line: int


@dataclass(frozen=True, slots=True)
class Godebug:
    key: str
    value: str
    line: int


@dataclass(frozen=True, slots=True)
class Tool:
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class Ignore:
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class GoMod:
    """A parsed go.mod file; directive tuples are in file order."""

    file: str
    module: Module | None
    go: str | None          # the go line's version, e.g. "1.21" or "1.22.3"
    toolchain: str | None   # e.g. "go1.22.3"
    godebug: tuple[Godebug, ...]
    require: tuple[Require, ...]
    exclude: tuple[Exclude, ...]
    replace: tuple[Replace, ...]
    retract: tuple[Retract, ...]
    tool: tuple[Tool, ...]
    ignore: tuple[Ignore, ...]


@dataclass(frozen=True, slots=True)
class Use:
    """A go.work ``use`` directory. ``module_path`` stays "" (go never fills it in from the file)."""

    path: str
    module_path: str
    line: int


@dataclass(frozen=True, slots=True)
class GoWork:
    """A parsed go.work file."""

    file: str
    go: str | None
    toolchain: str | None
    godebug: tuple[Godebug, ...]
    use: tuple[Use, ...]
    replace: tuple[Replace, ...]


#: The hash of an empty go.mod: an old go bug wrote it into go.sum files; go ignores such lines.
EMPTY_GOMOD_HASH = "h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY="


@dataclass(frozen=True, slots=True)
class GoSumLine:
    """One go.sum line: ``path version hash``; ``version`` ends in ``/go.mod`` for a go.mod hash."""

    path: str
    version: str
    hash: str
    line: int

    @property
    def is_gomod(self) -> bool:
        """The line is the hash of the module's go.mod file alone."""
        return self.version.endswith("/go.mod")

    @property
    def module_version(self) -> str:
        """The version without a ``/go.mod`` suffix."""
        return self.version[: -len("/go.mod")] if self.is_gomod else self.version

    @property
    def ignored_by_go(self) -> bool:
        """go drops lines carrying :data:`EMPTY_GOMOD_HASH` when it reads go.sum."""
        return self.hash == EMPTY_GOMOD_HASH


# ---------------------------------------------------------------------------------------------
# Quoting and small predicates (rule.go)

def is_directory_path(ns: str) -> bool:
    """modfile.IsDirectoryPath: a replacement that is a local directory (Unix or Windows form)."""
    return (ns in (".", "..") or ns.startswith(("./", ".\\", "../", "..\\", "/", "\\"))
            or (len(ns) >= 2 and ns[1] == ":" and ("A" <= ns[0] <= "Z" or "a" <= ns[0] <= "z")))


# Printable ASCII that never needs quotes (the common case, checked without a loop).
_PLAIN = re.compile(r"[\x21\x23-\x26\x2a\x2b\x2d-\x5a\x5c\x5e-\x5f\x61-\x7a\x7c\x7e]+")


def must_quote(s: str) -> bool:
    """modfile.MustQuote: ``s`` cannot appear as one bare token in a go.mod line."""
    if _PLAIN.fullmatch(s):
        return "//" in s or "/*" in s
    for ch in s:
        if ch in " \"'`":
            return True
        if ch in "()[]{},":
            if len(s) > 1:
                return True
        elif not is_print_rune(ch):
            return True
    return s == "" or "//" in s or "/*" in s


def auto_quote(s: str) -> str:
    """modfile.AutoQuote: ``s``, or its Go quotation when it must be quoted."""
    return quote(s) if must_quote(s) else s


_LAX_GO_VERSION_RE = re.compile(r"v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9].*)")
# Go's regexp "." never matches "\n"; Python's fullmatch would not let "$" match before one.
_DEPRECATED_RE = re.compile(r"(?:^|\n\n)Deprecated: *(.*?)(?:\Z|\n\n)", re.S)


class _Unquote(Exception):
    """strconv.ErrSyntax."""


def _unquote(s: str) -> str:
    """strconv.Unquote of a double-quoted Go string (raises _Unquote: "invalid syntax").

    Most quoted go.mod tokens hold no escape and only UTF-8: those are their own body, which
    skips building bytes; the rest go through :func:`gostrings.unquote`.
    """
    end = s.find('"', 1)
    if len(s) < 2 or end < 0:
        raise _Unquote
    if "\\" not in s[:end + 1] and "\n" not in s[:end + 1]:
        body = s[1:end]
        if not any("\udc80" <= c <= "\udcff" for c in body):
            if end + 1 != len(s):
                raise _Unquote
            return body
    try:
        return unquote(s)
    except ValueError:
        raise _Unquote from None


# ---------------------------------------------------------------------------------------------
# Directive arguments

class _Args:
    """A view of a line's tokens after the verb: rule.go rewrites tokens in place (unquoting,
    canonical versions), which is how ``-fmt`` comes to print them normalised."""

    __slots__ = ("tokens", "base")

    def __init__(self, tokens: list[str], base: int) -> None:
        self.tokens = tokens
        self.base = base

    def __len__(self) -> int:
        return len(self.tokens) - self.base

    def __getitem__(self, i: int) -> str:
        return self.tokens[self.base + i]

    def __setitem__(self, i: int, v: str) -> None:
        self.tokens[self.base + i] = v

    def shift(self, n: int) -> _Args:
        return _Args(self.tokens, self.base + n)


def _parse_string(args: _Args, i: int) -> str:
    """modfile.parseString: unquote a token and rewrite it in its AutoQuote form."""
    t = args[i]
    if t.startswith('"'):
        try:
            t = _unquote(t)
        except _Unquote:
            raise _DirectiveError("invalid syntax") from None
    elif any(q in t for q in "\"'`"):
        # Other quotes are reserved, so that 'x' is an error rather than a path with quotes in it.
        raise _DirectiveError("unquoted string cannot contain quote")
    args[i] = auto_quote(t)
    return t


class VersionFixError(Exception):
    """What a :data:`VersionFixer` raises: ``message`` is the error's text; ``module_error`` says it
    is a module.ModuleError, which rule.go reports after ``<verb> <path>: ``."""

    def __init__(self, message: str, module_error: bool = False) -> None:
        super().__init__(message)
        self.message, self.module_error = message, module_error


#: modfile.VersionFixer: ``fix(path, version)`` → the version to use (go's main module resolves
#: queries such as ``v1.2`` or ``latest`` through it, modload/init.go ``fixVersion``).
VersionFixer = Callable[[str, str], str]


def _parse_version(verb: str, path: str, args: _Args, i: int, *, keep: bool = False,
                   fix: VersionFixer | None = None) -> str:
    """modfile.parseVersion: the canonical form of a valid version, or what ``fix`` makes of it.

    ``keep`` is rule.go's ``dontFixRetract``: retract versions are only unquoted, never checked.
    """
    raw = args[i]
    try:
        t = _parse_string(args, i)
    except _DirectiveError as e:
        raise _DirectiveError(f"{_prefix(verb, path)}version {quote(raw)} invalid: {e.message}") from None
    if fix is not None and not keep:
        try:
            t = fix(path, t)
        except VersionFixError as e:
            raise _DirectiveError((_prefix(verb, path) if e.module_error else "") + e.message) from None
    elif not keep:
        cv = canonical_version(t)
        if cv == "":
            raise _DirectiveError(f"{_prefix(verb, path)}version {quote(t)} invalid: must be of the form v1.2.3")
        t = cv
    args[i] = t
    return t


def _path_major(path: str) -> str:
    _, major, ok = split_path_version(path)
    if not ok:
        raise _DirectiveError("invalid module path")
    return major


def _check_path_major(verb: str, path: str, version: str, major: str) -> None:
    try:
        check_path_major(version, major)
    except InvalidPath as e:
        raise _DirectiveError(_prefix(verb, path) + e.message) from None


def _version_interval(verb: str, args: _Args) -> tuple[str, str, _Args]:
    """modfile.parseVersionInterval (retract): ``v`` or ``[low, high]``; returns the rest."""
    if len(args) == 0 or args[0] == "(":
        raise _DirectiveError("expected '[' or version")
    if args[0] != "[":
        v = _parse_version(verb, "", args, 0, keep=True)
        return v, v, args.shift(1)
    args = args.shift(1)
    if len(args) == 0:
        raise _DirectiveError("expected version after '['")
    low = _parse_version(verb, "", args, 0, keep=True)
    args = args.shift(1)
    if len(args) == 0 or args[0] != ",":
        raise _DirectiveError("expected ',' after version")
    args = args.shift(1)
    if len(args) == 0:
        raise _DirectiveError("expected version after ','")
    high = _parse_version(verb, "", args, 0, keep=True)
    args = args.shift(1)
    if len(args) == 0 or args[0] != "]":
        raise _DirectiveError("expected ']' after version")
    return low, high, args.shift(1)


def _parse_replace(verb: str, args: _Args, line: int, fix: VersionFixer | None = None) -> Replace:
    """modfile.parseReplace (go.mod and go.work)."""
    arrow = 1 if len(args) >= 2 and args[1] == "=>" else 2
    if len(args) < arrow + 2 or len(args) > arrow + 3 or args[arrow] != "=>":
        raise _DirectiveError(f"usage: {verb} module/path [v1.2.3] => other/module v1.4\n"
                              f"\t or {verb} module/path [v1.2.3] => ../local/directory")
    s = _quoted(args, 0)
    try:
        major = _path_major(s)
    except _DirectiveError as e:
        raise _DirectiveError(_prefix(verb, s) + e.message) from None
    v = ""
    if arrow == 2:
        v = _parse_version(verb, s, args, 1, fix=fix)
        _check_path_major(verb, s, v, major)
    ns = _quoted(args, arrow + 1)
    nv = ""
    if len(args) == arrow + 2:
        if not is_directory_path(ns):
            if "@" in ns:
                raise _DirectiveError("replacement module must match format 'path version', not 'path@version'")
            raise _DirectiveError("replacement module without version must be directory path "
                                  "(rooted or starting with . or ..)")
        if "\\" in ns:  # go on a non-Windows system, as the differential tests run it
            raise _DirectiveError("replacement directory appears to be Windows path (on a non-windows system)")
    if len(args) == arrow + 3:
        nv = _parse_version(verb, ns, args, arrow + 2, fix=fix)
        if is_directory_path(ns):
            raise _DirectiveError(f"replacement module directory path {quote(ns)} cannot have version")
    return Replace(s, v, ns, nv, line)


def _quoted(args: _Args, i: int) -> str:
    try:
        return _parse_string(args, i)
    except _DirectiveError as e:
        raise _DirectiveError(f"invalid quoted string: {e.message}") from None


def _directive_comment(block: LineBlock | None, line: Line) -> str:
    """modfile.parseDirectiveComment: the line's comments, else its block's, one per line."""
    node: Line | LineBlock = line
    if block is not None and not line.before and not line.suffix:
        node = block
    texts = [trim_space(c.token[2:]) for c in (*node.before, *node.suffix) if c.token.startswith("//")]
    return "\n".join(texts)


def _is_indirect(line: Line) -> bool:
    """modfile.isIndirect: the first suffix comment is ``// indirect`` or ``// indirect; ...``."""
    if not line.suffix:
        return False
    tok = line.suffix[0].token
    f = fields(tok[2:] if tok.startswith("//") else tok)
    return (len(f) == 1 and f[0] == "indirect") or (len(f) > 1 and f[0] == "indirect;")


# ---------------------------------------------------------------------------------------------
# Reading files

def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        try:
            data = data.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            data = data.encode("utf-8", "surrogatepass")
    return data.decode("utf-8", "surrogateescape")


def _located(source: Source, offset: int, message: str) -> LocatedError:
    line, col = source.line_col(offset)
    return LocatedError(message, file=source.name, line=line, col=col)


def _syntax(data: bytes | str | Source, file: str, kind: Kind) -> FileSyntax:
    source = data if isinstance(data, Source) else Source(file, _decode(data))
    try:
        return parse_syntax(source)
    except SyntaxFailure as e:
        raise GoModSyntaxError((_located(source, e.offset, e.message),), kind) from None


class _Entries:
    """The directives of one file with the syntax line each came from (for ``-fmt`` clean-up)."""

    def __init__(self, syntax: FileSyntax) -> None:
        self.syntax = syntax
        self.module: tuple[Module, Line] | None = None
        self.go: tuple[str, Line] | None = None
        self.toolchain: tuple[str, Line] | None = None
        self.godebug: list[tuple[Godebug, Line]] = []
        self.require: list[tuple[Require, Line]] = []
        self.exclude: list[tuple[Exclude, Line]] = []
        self.replace: list[tuple[Replace, Line]] = []
        self.retract: list[tuple[Retract, Line]] = []
        self.tool: list[tuple[Tool, Line]] = []
        self.ignore: list[tuple[Ignore, Line]] = []
        self.use: list[tuple[Use, Line]] = []


_GOMOD_BLOCKS = frozenset(("module", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore"))
_GOWORK_BLOCKS = frozenset(("godebug", "use", "replace"))
# ParseLax keeps only these: a dependency's other directives matter to its own main module only.
_LAX_VERBS = frozenset(("go", "module", "retract", "require", "ignore"))


class _Reader:
    """rule.go's parseToFile / File.add and work.go's ParseWork / WorkFile.add."""

    def __init__(self, fs: FileSyntax, kind: Kind, strict: bool, keep_syntax: bool,
                 fix: VersionFixer | None = None) -> None:
        self.fs = fs
        self.fix = fix
        self.kind = kind
        self.strict = strict
        self.keep_syntax = keep_syntax
        self.f = _Entries(fs)
        self.errors: list[LocatedError] = []

    def read(self) -> _Entries:
        blocks = _GOWORK_BLOCKS if self.kind == "gowork" else _GOMOD_BLOCKS
        stmts = self.fs.stmt
        for i, x in enumerate(stmts):
            if isinstance(x, Line):
                self.add(None, x, x.token[0], _Args(x.token, 1))
            elif isinstance(x, LineBlock):
                if len(x.token) > 1 or x.token[0] not in blocks:
                    if self.strict:
                        self.error(x.start, f"unknown block type: {' '.join(x.token)}")
                    continue
                lines = x.lines
                for j, ln in enumerate(lines):
                    self.add(x, ln, x.token[0], _Args(ln.token, 0))
                    if not self.keep_syntax:
                        lines[j] = None  # type: ignore[call-overload]
            if not self.keep_syntax:
                # Records only: a statement is dropped once read, so a huge go.mod never has its
                # whole syntax tree and all its records in memory at once.
                stmts[i] = None  # type: ignore[call-overload]
        if self.errors:
            raise GoModSyntaxError(tuple(self.errors), self.kind)
        return self.f

    def error(self, offset: int, message: str) -> None:
        self.errors.append(_located(self.fs.source, offset, message))

    def add(self, block: LineBlock | None, line: Line, verb: str, args: _Args) -> None:
        if not self.strict and verb not in _LAX_VERBS:
            return
        try:
            self.directive(block, line, verb, args)
        except _DirectiveError as e:
            self.error(line.start, e.message)

    def directive(self, block: LineBlock | None, line: Line, verb: str, args: _Args) -> None:
        f = self.f
        lineno = self.fs.source.line(line.start)
        at = line if self.keep_syntax else None  # the syntax line each record is paired with
        work = self.kind == "gowork"
        if verb == "go":
            if f.go is not None:
                raise _DirectiveError("repeated go statement")
            if len(args) != 1:
                raise _DirectiveError("go directive expects exactly one argument")
            if not go_version_ok(args[0]):
                m = None if self.strict else _LAX_GO_VERSION_RE.fullmatch(args[0])
                if m is None:
                    raise _DirectiveError(f"invalid go version '{args[0]}': must match format 1.23.0")
                args[0] = m.group(1)
            f.go = (args[0], at)
        elif verb == "toolchain":
            if f.toolchain is not None:
                raise _DirectiveError("repeated toolchain statement")
            if len(args) != 1:
                raise _DirectiveError("toolchain directive expects exactly one argument")
            if not toolchain_ok(args[0]):
                raise _DirectiveError(f"invalid toolchain version '{args[0]}': "
                                      "must match format go1.23.0 or default")
            f.toolchain = (args[0], at)
        elif verb == "godebug":
            if len(args) != 1 or any(c in args[0] for c in "\"`',"):
                raise _DirectiveError("usage: godebug key=value")
            key, eq, value = args[0].partition("=")
            if not eq:
                raise _DirectiveError("usage: godebug key=value")
            f.godebug.append((Godebug(key, value, lineno), at))
        elif verb == "replace":
            f.replace.append((_parse_replace(verb, args, lineno, self.fix), at))
        elif work and verb == "use":
            if len(args) != 1:
                raise _DirectiveError(f"usage: {verb} local/dir")
            f.use.append((Use(_quoted(args, 0), "", lineno), at))
        elif work:
            raise _DirectiveError(f"unknown directive: {verb}")
        elif verb == "module":
            if f.module is not None:
                raise _DirectiveError("repeated module statement")
            m = _DEPRECATED_RE.search(_directive_comment(block, line))
            deprecated = (m.group(1) or None) if m else None
            # The module counts as seen even when the line is malformed (rule.go sets it first).
            f.module = (Module("", deprecated, lineno), at)
            if len(args) != 1:
                raise _DirectiveError("usage: module module/path")
            f.module = (Module(_quoted(args, 0), deprecated, lineno), at)
        elif verb in ("require", "exclude"):
            if len(args) != 2:
                raise _DirectiveError(f"usage: {verb} module/path v1.2.3")
            s = _quoted(args, 0)
            v = _parse_version(verb, s, args, 1, fix=self.fix)
            _check_path_major(verb, s, v, _path_major(s))
            if verb == "require":
                f.require.append((Require(s, v, _is_indirect(line), lineno), at))
            else:
                f.exclude.append((Exclude(s, v, lineno), at))
        elif verb == "retract":
            rationale = _directive_comment(block, line)
            try:
                low, high, rest = _version_interval(verb, args)
            except _DirectiveError:
                # A dependency's retractions may use syntax this go does not know yet.
                if self.strict:
                    raise
                return
            if len(rest) > 0 and self.strict:
                raise _DirectiveError(f"unexpected token after version: {quote(rest[0])}")
            f.retract.append((Retract(low, high, rationale, lineno), at))
        elif verb in ("tool", "ignore"):
            if len(args) != 1:
                raise _DirectiveError(f"{verb} directive expects exactly one argument")
            path = _quoted(args, 0)
            if verb == "tool":
                f.tool.append((Tool(path, lineno), at))
            else:
                f.ignore.append((Ignore(path, lineno), at))
        else:
            raise _DirectiveError(f"unknown directive: {verb}")


def _read(data: bytes | str | Source, file: str, kind: Kind, strict: bool = True, *,
          keep_syntax: bool = True, fix: VersionFixer | None = None) -> _Entries:
    """The directives of a file; ``keep_syntax=False`` keeps the records only (the tree is consumed)."""
    return _Reader(_syntax(data, file, kind), kind, strict, keep_syntax, fix).read()


def _records(entries: list) -> tuple:
    return tuple(rec for rec, _ in entries)


def parse_gomod(data: bytes | str, file: str = "go.mod", *, lax: bool = False,
                fix: VersionFixer | None = None) -> GoMod:
    """Parse a go.mod file as ``modfile.Parse`` does, or ``modfile.ParseLax`` with ``lax=True``.

    Lax is how go reads a dependency's go.mod: only module, go, require, retract and ignore
    lines are read (others, even unknown directives and blocks, are skipped), a go version such
    as ``1.21.x`` is cut to ``1.21``, and malformed retractions are ignored. Versions come back
    canonical (``v1.2`` → ``v1.2.0``) — or, with a ``fix`` (:data:`VersionFixer`), what it makes of
    each require, exclude and replace version, as go resolves queries in the main go.mod.
    Raises :class:`GoModSyntaxError`.

    >>> m = parse_gomod("module example.com/m\\n\\ngo 1.22\\n\\nrequire golang.org/x/text v0.14.0 // indirect\\n")
    >>> m.module.path, m.go, m.require[0].version, m.require[0].indirect
    ('example.com/m', '1.22', 'v0.14.0', True)
    """
    return _gomod(_read(data, file, "gomod", strict=not lax, keep_syntax=False, fix=fix), file)


def _gomod(f: _Entries, file: str) -> GoMod:
    return GoMod(
        file=file,
        module=f.module[0] if f.module else None,
        go=f.go[0] if f.go else None,
        toolchain=f.toolchain[0] if f.toolchain else None,
        godebug=_records(f.godebug), require=_records(f.require), exclude=_records(f.exclude),
        replace=_records(f.replace), retract=_records(f.retract), tool=_records(f.tool),
        ignore=_records(f.ignore),
    )


def read_gomod(path: str | os.PathLike[str], *, lax: bool = False) -> GoMod:
    """:func:`parse_gomod` of the file at ``path``, named as given in errors.

    Unlike ``parse_gomod(open(path, "rb").read())`` the file's bytes are let go as soon as they
    are decoded, and the syntax tree is consumed as the records are made: a 50 MB go.mod is read
    in well under 500 MB (``python -m benchmarks hugeinput``). Raises OSError as open() does.
    """
    file = os.fspath(path)
    with open(file, "rb") as f:
        source = Source(file, _decode(f.read()))
    return _gomod(_read(source, file, "gomod", strict=not lax, keep_syntax=False), file)


def parse_gowork(data: bytes | str, file: str = "go.work") -> GoWork:
    """Parse a go.work file as ``modfile.ParseWork`` does. Raises :class:`GoModSyntaxError`."""
    f = _read(data, file, "gowork", keep_syntax=False)
    return GoWork(file=file, go=f.go[0] if f.go else None, toolchain=f.toolchain[0] if f.toolchain else None,
                  godebug=_records(f.godebug), use=_records(f.use), replace=_records(f.replace))


# ---------------------------------------------------------------------------------------------
# go.sum (cmd/go/internal/modfetch/fetch.go readGoSum)

_NON_ASCII = re.compile(rb"[\x80-\xff]")


def parse_gosum(data: bytes | str, file: str = "go.sum", *, lax: bool = False) -> tuple[GoSumLine, ...]:
    """Every ``path version hash`` line of a go.sum file, in file order.

    Blank lines are skipped. A line without exactly three fields is an error (go: ``malformed
    go.sum``, the first one only), unless ``lax`` — then it is skipped, as ``go mod tidy`` does.
    Lines carrying :data:`EMPTY_GOMOD_HASH` are returned; go ignores them (``ignored_by_go``).
    """
    if isinstance(data, str):
        data = _decode(data).encode("utf-8", "surrogateescape")
    out = []
    for lineno, raw in enumerate(data.split(b"\n"), 1):
        if _NON_ASCII.search(raw) is None:
            # bytes.split() splits on the six ASCII spaces, exactly Go's unicode.IsSpace in ASCII.
            f = [field.decode("ascii") for field in raw.split()]
        else:
            f = fields(raw.decode("utf-8", "surrogateescape"))
        if not f:
            continue
        if len(f) != 3:
            if lax:
                continue
            err = LocatedError(f"wrong number of fields {len(f)}", file=file, line=lineno, col=1)
            raise GoModSyntaxError((err,), "gosum")
        out.append(GoSumLine(f[0], f[1], f[2], lineno))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# What `go mod edit` / `go work edit` do before printing: SortBlocks, then Cleanup

def _line_key(line: Line) -> list[bytes]:
    # compareLine: token by token, as Go compares strings (bytes), then the shorter first.
    return [t.encode("utf-8", "surrogateescape") for t in line.token]


def _cmp(a: object, b: object) -> int:
    return (a > b) - (a < b)  # type: ignore[operator]


def _compare_exclude(a: Line, b: Line) -> int:
    if len(a.token) != 2 or len(b.token) != 2:
        return _cmp(_line_key(a), _line_key(b))
    if a.token[0] != b.token[0]:
        return _cmp(_line_key(a)[0], _line_key(b)[0])
    return semver.compare(a.token[1], b.token[1])


def _retract_interval(line: Line) -> tuple[str, str]:
    t = line.token
    if len(t) == 1:
        return t[0], t[0]
    if len(t) == 5 and t[0] == "[" and t[2] == "," and t[4] == "]":
        return t[1], t[3]
    return "", ""  # not an interval: sorts as an invalid version


def _compare_retract(a: Line, b: Line) -> int:
    # Newest first: descending by low version, then by high version.
    (alo, ahi), (blo, bhi) = _retract_interval(a), _retract_interval(b)
    return -semver.compare(alo, blo) or -semver.compare(ahi, bhi)


def _dedupe(entries: list, key, kill: set[Line], *, keep_last: bool = False) -> list:
    seen = set()
    order = reversed(entries) if keep_last else entries
    for rec, line in order:
        k = key(rec)
        if k in seen:
            kill.add(line)
        else:
            seen.add(k)
    return [(rec, line) for rec, line in entries if line not in kill]


def _tidy(f: _Entries, kind: Kind) -> None:
    """SortBlocks (with removeDups) and Cleanup, as both edit commands run them before printing."""
    kill: set[Line] = set()
    if kind == "gomod":
        # Earlier exclude, tool and ignore lines win; a later replace wins.
        f.exclude = _dedupe(f.exclude, lambda r: (r.path, r.version), kill)
        f.tool = _dedupe(f.tool, lambda r: r.path, kill)
        f.ignore = _dedupe(f.ignore, lambda r: r.path, kill)
    f.replace = _dedupe(f.replace, lambda r: (r.old_path, r.old_version), kill, keep_last=True)
    fs = f.syntax
    stmts = []
    for stmt in fs.stmt:
        if isinstance(stmt, Line):
            if stmt in kill:
                continue
        elif isinstance(stmt, LineBlock):
            stmt.lines = [ln for ln in stmt.lines if ln not in kill]
            if not stmt.lines:  # empty blocks go too, even ones that were empty in the file
                continue
        stmts.append(stmt)
    fs.stmt = stmts

    # Exclude blocks sort by semver from go 1.21 on (go.dev/issue/60028).
    semantic_exclude = kind == "gomod" and f.go is not None and semver.compare("v" + f.go[0], "v1.21") >= 0
    for stmt in fs.stmt:
        if not isinstance(stmt, LineBlock):
            continue
        verb = stmt.token[0]
        if kind == "gomod" and verb == "retract":
            stmt.lines.sort(key=cmp_to_key(_compare_retract))
        elif semantic_exclude and verb == "exclude":
            stmt.lines.sort(key=cmp_to_key(_compare_exclude))
        else:
            stmt.lines.sort(key=_line_key)

    # File.Cleanup / WorkFile.Cleanup drop entries an edit cleared; these look cleared.
    f.require = [e for e in f.require if e[0].path]
    f.exclude = [e for e in f.exclude if e[0].path]
    f.replace = [e for e in f.replace if e[0].old_path]
    f.retract = [e for e in f.retract if e[0].low or e[0].high]
    f.use = [e for e in f.use if e[0].path]
    if kind == "gomod":
        f.godebug = [e for e in f.godebug if e[0].key]
    cleanup_syntax(fs)


def format_gomod(data: bytes | str, file: str = "go.mod") -> bytes:
    """Exactly what ``go mod edit -fmt -print FILE`` prints (raises :class:`GoModSyntaxError`)."""
    f = _read(data, file, "gomod")
    _tidy(f, "gomod")
    return format_syntax(f.syntax)


def format_gowork(data: bytes | str, file: str = "go.work") -> bytes:
    """Exactly what ``go work edit -fmt -print FILE`` prints (raises :class:`GoModSyntaxError`)."""
    f = _read(data, file, "gowork")
    _tidy(f, "gowork")
    return format_syntax(f.syntax)


# ---------------------------------------------------------------------------------------------
# JSON, as encoding/json's MarshalIndent(v, "", "\t") writes it

_JSON_ESCAPE = re.compile("[\x00-\x1f\"\\\\<>&\u2028\u2029\udc80-\udcff]")
_JSON_SHORT = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _json_char(m: re.Match[str]) -> str:
    c = m.group()
    if c in _JSON_SHORT:
        return _JSON_SHORT[c]
    if "\udc80" <= c <= "\udcff":
        return "\ufffd"  # a byte that is not UTF-8 becomes U+FFFD itself, not an escape
    return f"\\u{ord(c):04x}"  # controls, HTML-sensitive <>&, U+2028/U+2029


def _json_string(s: str) -> str:
    return '"' + _JSON_ESCAPE.sub(_json_char, s) + '"'


def _json(v: object, indent: str = "") -> str:
    if isinstance(v, str):
        return _json_string(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    inner = indent + "\t"
    if isinstance(v, dict):
        if not v:
            return "{}"
        items = (f"{inner}{_json_string(k)}: {_json(x, inner)}" for k, x in v.items())
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    assert isinstance(v, list)
    if not v:
        return "[]"
    return "[\n" + ",\n".join(inner + _json(x, inner) for x in v) + "\n" + indent + "]"


def _omit_empty(**fields: object) -> dict[str, object]:
    return {k: v for k, v in fields.items() if v}


def _mod_version(path: str, version: str) -> dict[str, object]:
    return {"Path": path, **_omit_empty(Version=version)}


def _replace_json(f: _Entries) -> list[dict[str, object]]:
    return [{"Old": _mod_version(r.old_path, r.old_version), "New": _mod_version(r.new_path, r.new_version)}
            for r, _ in f.replace]


def gomod_json(data: bytes | str, file: str = "go.mod") -> str:
    """Exactly what ``go mod edit -json FILE`` prints (raises :class:`GoModSyntaxError`).

    The godebug key is spelled ``GoDebug`` here and ``Godebug`` in :func:`gowork_json`, as go does.
    """
    f = _read(data, file, "gomod")
    _tidy(f, "gomod")
    module = f.module[0] if f.module else None
    obj: dict[str, object] = {
        "Module": {"Path": module.path if module else "",
                   **_omit_empty(Deprecated=module.deprecated if module else None)},
    }
    obj.update(_omit_empty(
        Go=f.go[0] if f.go else None,
        Toolchain=f.toolchain[0] if f.toolchain else None,
        GoDebug=[{"Key": g.key, "Value": g.value} for g, _ in f.godebug],
        Require=[{"Path": r.path, **_omit_empty(Version=r.version, Indirect=r.indirect)} for r, _ in f.require],
        Exclude=[_mod_version(x.path, x.version) for x, _ in f.exclude],
        Replace=_replace_json(f),
        Retract=[_omit_empty(Low=r.low, High=r.high, Rationale=r.rationale) for r, _ in f.retract],
        Tool=[{"Path": t.path} for t, _ in f.tool],
        Ignore=[{"Path": i.path} for i, _ in f.ignore],
    ))
    return _json(obj) + "\n"


def gowork_json(data: bytes | str, file: str = "go.work") -> str:
    """Exactly what ``go work edit -json FILE`` prints (raises :class:`GoModSyntaxError`)."""
    f = _read(data, file, "gowork")
    _tidy(f, "gowork")
    obj = _omit_empty(
        Go=f.go[0] if f.go else None,
        Toolchain=f.toolchain[0] if f.toolchain else None,
        Godebug=[{"Key": g.key, "Value": g.value} for g, _ in f.godebug],
        Use=[{"DiskPath": u.path, **_omit_empty(ModPath=u.module_path)} for u, _ in f.use],
        Replace=_replace_json(f),
    )
    return _json(obj) + "\n"


def gosum_json(data: bytes | str, file: str = "go.sum") -> str:
    """go.sum lines as JSON (go has no such command): a list of ``{"Path", "Version", "Hash",
    "Line"}`` objects in file order, indented like go's JSON. Raises :class:`GoModSyntaxError`."""
    lines = parse_gosum(data, file)
    return _json([{"Path": s.path, "Version": s.version, "Hash": s.hash, "Line": s.line} for s in lines]) + "\n"
