"""The main module's go.mod, as the graph reads it (cmd/go/internal/modload, init.go ``loadModFile``).

- **Roots** (``rootsFromModFile``): every ``require`` line of the main go.mod except versions it
  ``exclude``\\ s, plus ``go@<go line, or 1.16>`` and ``toolchain@<toolchain line>``, sorted
  with gover.ModSort.
- **Replacements** (modfile.go ``replacement``): an exact ``path version`` replace wins over a
  path-only one; a replacement without a version is a directory.

- **Refusals** (modfile.go ``ReadModFile``, init.go ``loadModFile``/``makeMainModules``): a go
  line newer than go's own under ``GOTOOLCHAIN=local``, and what :mod:`gomodlab.mod.modcheck`
  checks (retractions, godebug keys, tool paths) raise :class:`~gomodlab.errors.GoRefusal` with
  go's text, in go's order.

A plain main go.mod is read by the same kind of scanner as dependencies' go.mod files
(:mod:`gomodlab.load.gomod_summary`), so that a graph of plain files never imports the full
parser; anything else goes to :func:`gomodlab.mod.modfile.parse_gomod`, strictly.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NamedTuple

from ..errors import GoRefusal, ParseError, SourceError
from ..mod import gover, modpath
from ..mod.limits import MAX_GO_MOD
from ._fileio import read_bytes
from .gomod_summary import _BLOCK_OPEN_RE, _NOT_PLAIN, _plain_require
from .locate import gotoolchain, short_path, toolchain_is_local
from .mvs import Module

if TYPE_CHECKING:
    from ..mod.modfile import VersionFixer

__all__ = ["MainModFile"]


class MainModFile(NamedTuple):
    """The parts of the main go.mod the graph depends on.

    ``path`` is the module path, ``dir`` the module's directory, ``go`` and ``toolchain`` the
    lines of those names or None, ``require`` the requirements in file order; ``direct`` holds
    the paths required without ``// indirect`` (excluded versions left out), ``exclude`` the
    excluded versions. ``replace`` maps ``(old path, old version or "")`` to the replacement
    (new version ``""``: a directory).
    """

    path: str
    dir: str
    go: str | None
    toolchain: str | None
    require: tuple[Module, ...]
    direct: frozenset[str]
    exclude: frozenset[Module]
    replace: dict[tuple[str, str], Module]
    #: The paths required without ``// indirect``, excluded versions too (a workspace's direct
    #: set: init.go directRequirements looks at no exclude).
    listed_direct: frozenset[str] = frozenset()
    #: The ``tool`` directives' package paths, in file order (go 1.24: roots of "all").
    tool: tuple[str, ...] = ()

    # A NamedTuple, not a frozen dataclass, though one is built per load: the graph's path never
    # imports dataclasses (about 7 ms of a cold `gomodlab buildlist`, see gomod_summary).

    @property
    def go_version(self) -> str:
        """The go line, or 1.16 when there is none (gover.FromGoMod)."""
        return self.go or gover.DEFAULT_GO_MOD_VERSION

    @classmethod
    def read(cls, gomod: str | os.PathLike[str], fix: VersionFixer | None = None) -> MainModFile:
        """Parse a main module's go.mod (strictly, as go parses the main module), refusing what go
        refuses; ``fix`` resolves version queries (:func:`gomodlab.load.gomod_queries.version_fixer`);
        the GOTOOLCHAIN setting decides whether a go line newer than go's own is refused."""
        p = os.fspath(gomod)
        try:
            size = os.stat(p).st_size
            if size > MAX_GO_MOD:
                # The module graph of such a file would not fit in memory (a requirement costs a few
                # KB in Python); and no go.mod this large can be a dependency anywhere.
                raise SourceError(f"{p}: {size / (1 << 20):.1f} MiB is more than gomodlab loads as a main "
                                  f"module's go.mod ({MAX_GO_MOD >> 20} MiB, the most go accepts for a go.mod "
                                  "in a module zip or repository); `gomodlab parse` still reads it")
            data = read_bytes(p)
        except OSError as e:
            raise SourceError(f"reading {p}: {e.strerror or e}") from None
        return cls.from_bytes(data, p, fix, local_toolchain=toolchain_is_local())

    @classmethod
    def from_bytes(cls, data: bytes, gomod: str | os.PathLike[str], fix: VersionFixer | None = None, *,
                   local_toolchain: bool = False) -> MainModFile:
        """Parse main go.mod bytes; ``gomod`` is the file's path (its directory is the module root).

        Without ``fix`` a non-canonical version such as ``v1.2`` reads as ``v1.2.0`` (modfile.Parse);
        with it, it is a query (go's fixVersion). Plain files never reach the fixer.
        ``local_toolchain``: go may not switch toolchains (``GOTOOLCHAIN=local``), so a go line
        newer than go's own is a :class:`GoRefusal`.
        """
        p = os.fspath(gomod)
        lines = _fast_main(data)
        if lines is None:
            lines = _parsed_main(data, p, fix, local_toolchain)
        elif local_toolchain:
            _refuse_too_new(lines.go, p)
        path, go, toolchain, requires, excludes, replaces, tools = lines
        try:
            modpath.check_import_path(path)
        except ParseError as e:
            # init.go loadModFile reports the main module's path as a "module" path.
            raise SourceError(str(e).replace("malformed import path", "malformed module path", 1)) from None
        replace: dict[tuple[str, str], Module] = {}
        for old_path, old_version, new_path, new_version in replaces:
            key, new = (old_path, old_version), Module(new_path, new_version)
            prev = replace.get(key)
            if prev is not None and prev != new:
                old = f"{old_path}@{old_version}" if old_version else old_path
                raise SourceError(f"conflicting replacements for {old}:\n\t{_fmt_repl(prev)}\n\t{_fmt_repl(new)}")
            replace[key] = new
        if tools:
            from ..mod.modcheck import tool_error

            bad_tool = tool_error(tools)
            if bad_tool is not None:
                raise GoRefusal(f"go: {bad_tool}\n")
        exclude = frozenset(excludes)
        return cls(
            path=path, dir=os.path.dirname(p), go=go, toolchain=toolchain,
            require=tuple(Module(rp, rv) for rp, rv, _ in requires),
            # init.go rootsFromModFile: an excluded requirement is dropped before it can count as direct.
            direct=frozenset(rp for rp, rv, ind in requires if not ind and Module(rp, rv) not in exclude),
            exclude=exclude,
            replace=replace,
            listed_direct=frozenset(rp for rp, _, ind in requires if not ind),
            tool=tools,
        )

    def roots(self) -> tuple[list[Module], list[Module]]:
        """(roots, excluded requirements): rootsFromModFile + appendGoAndToolchainRoots, the roots
        sorted with gover.ModSort."""
        roots = [r for r in self.require if r not in self.exclude]
        excluded = [r for r in self.require if r in self.exclude]
        roots.append(Module("go", self.go_version))
        if self.toolchain:
            roots.append(Module("toolchain", self.toolchain))
        roots.sort(key=lambda m: gover.mod_sort_key(m.path, m.version))
        return roots, excluded

    def replacement(self, m: Module) -> Module | None:
        """The module that replaces ``m`` (modfile.go ``replacement``), or None."""
        if not self.replace or (m.version == "" and m.path == self.path):
            return None
        r = self.replace.get((m.path, m.version))
        if r is None:
            r = self.replace.get((m.path, ""))
        return r


def _fmt_repl(m: Module) -> str:
    return f"{m.path}@{m.version}" if m.version else m.path


class _MainLines(NamedTuple):
    """What :meth:`MainModFile.from_bytes` takes from the go.mod's lines, however they were read."""

    module: str
    go: str | None
    toolchain: str | None
    require: list[tuple[str, str, bool]]   # path, version, "// indirect"
    exclude: list[Module]
    replace: list[tuple[str, str, str, str]]   # old path, old version, new path, new version
    tool: tuple[str, ...] = ()   # tool paths (checked after the module path, as makeMainModules does)


def _refuse_too_new(go: str | None, gomod: str) -> None:
    # modfile.go ReadModFile: gover.TooNewError names the go.mod by its ShortPath.
    if go is not None and gover.compare(go, gover.LOCAL_GO_VERSION) > 0:
        raise GoRefusal("go: " + gover.too_new_message(short_path(gomod), go, gotoolchain()) + "\n")


def _position(data: bytes, line: int) -> str:
    """x/mod Error's position of a directive: ``line``, or ``line:col`` when the directive does not
    start the line (a line in a block); col counts runes from 1."""
    text = data.split(b"\n")[line - 1].decode("utf-8", "replace")
    col = len(text) - len(text.lstrip(" \t\r")) + 1
    return f"{line}:{col}" if col > 1 else str(line)


def _parsed_main(data: bytes, gomod: str, fix: VersionFixer | None, local_toolchain: bool) -> _MainLines:
    """The go.mod's lines as modfile.parse_gomod reads a main module's (strictly), with the
    checks go makes of a main go.mod (module docstring), in ReadModFile/loadModFile's order."""
    from ..mod import modcheck, modfile  # only for what _fast_main leaves to it (module docstring)

    try:
        f = modfile.parse_gomod(data, gomod, fix=fix)
    except modfile.GoModSyntaxError:
        if local_toolchain:
            # A go.mod go cannot parse but whose go line is too new: the go line is the news.
            try:
                lax = modfile.parse_gomod(data, gomod, lax=True, fix=fix)
            except modfile.GoModSyntaxError:
                lax = None
            if lax is not None:
                _refuse_too_new(lax.go, gomod)
        raise
    if local_toolchain:
        _refuse_too_new(f.go, gomod)
    shown = short_path(gomod)
    bad_retracts = modcheck.retract_errors(f)
    if bad_retracts:
        raise GoRefusal(f"go: errors parsing {shown}:\n"
                        + "".join(f"{shown}:{_position(data, n)}: {m}\n" for n, m in bad_retracts))
    if f.module is None:
        raise SourceError(f"error reading {gomod}: missing module declaration. To specify the module path:\n"
                          "\tgo mod edit -module=example.com/mod")
    bad_godebugs = modcheck.godebug_errors(f)
    if bad_godebugs:
        # errors.Join of one error per setting: go prints each with its own "go: ".
        raise GoRefusal("".join(f"go: error loading go.mod:\n{shown}:{n}: {m}\n" for n, m in bad_godebugs))
    return _MainLines(f.module.path, f.go, f.toolchain, [(r.path, r.version, r.indirect) for r in f.require],
                      [Module(x.path, x.version) for x in f.exclude],
                      [(r.old_path, r.old_version, r.new_path, r.new_version) for r in f.replace],
                      tuple(t.path for t in f.tool))


#: A main go.mod may also hold backslashes only the full parser reads right.
_NOT_PLAIN_MAIN = (*_NOT_PLAIN, "\\")


def _is_directory_path(p: str) -> bool:
    # modfile.IsDirectoryPath, for the Unix spellings the scanner accepts.
    return p in (".", "..") or p.startswith(("./", "../", "/"))


def _indirect(comment: str) -> bool:
    # modfile/rule.go isIndirect: "// indirect" alone, or "// indirect; more text".
    f = comment[2:].split()
    return (len(f) == 1 and f[0] == "indirect") or (len(f) > 1 and f[0] == "indirect;")


def _fast_main(data: bytes) -> _MainLines | None:
    """The lines of a plain main go.mod, or None when the full strict parser must decide.

    The restricted grammar of gomod_summary's scanner, for what the graph needs from a main
    module: ``module``, ``go``, ``toolchain``, ``require`` (with ``// indirect``), ``exclude``
    and ``replace`` in their plain forms, as lines or blocks.
    """
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        return None
    if any(bad in text for bad in _NOT_PLAIN_MAIN):
        return None
    module: str | None = None
    go = toolchain = None
    requires: list[tuple[str, str, bool]] = []
    excludes: list[Module] = []
    replaces: list[tuple[str, str, str, str]] = []
    block: str | None = None
    for line in text.split("\n"):
        code, sep, comment = line.partition("//")
        comment = sep + comment
        if "(" in code or ")" in code:
            if block is None:
                opening = _BLOCK_OPEN_RE.match(code)
                block = opening[1] if opening else None
                if block not in ("require", "exclude", "replace"):
                    return None
            elif code.strip() == ")":
                block = None
            else:
                return None
            continue
        toks = code.split()
        if not toks:
            continue
        if block is not None:
            verb, args = block, toks
        else:
            verb, args = toks[0], toks[1:]
        if verb == "require" or verb == "exclude":
            if len(args) != 2 or not _plain_require(args[0], args[1]):
                return None
            if verb == "require":
                requires.append((args[0], args[1], _indirect(comment)))
            else:
                excludes.append(Module(args[0], args[1]))
        elif verb == "replace":
            arrow = 1 if len(args) >= 2 and args[1] == "=>" else 2
            if len(args) < arrow + 2 or len(args) > arrow + 3 or args[arrow] != "=>":
                return None
            old, ov = args[0], args[1] if arrow == 2 else ""
            if not modpath.split_path_version(old)[2] or (ov and not _plain_require(old, ov)):
                return None
            new, nv = args[arrow + 1], args[arrow + 2] if len(args) == arrow + 3 else ""
            if nv:
                if _is_directory_path(new) or not _plain_require(new, nv):
                    return None
            elif not _is_directory_path(new):
                return None
            replaces.append((old, ov, new, nv))
        elif block is not None:
            return None
        elif verb == "module":
            if module is not None or len(args) != 1:
                return None
            module = args[0]
        elif verb == "go":
            if go is not None or len(args) != 1 or not gover.go_version_ok(args[0]):
                return None
            go = args[0]
        elif verb == "toolchain":
            if toolchain is not None or len(args) != 1 or not gover.toolchain_ok(args[0]):
                return None
            toolchain = args[0]
        else:
            return None
    if block is not None or module is None:
        return None
    return _MainLines(module, go, toolchain, requires, excludes, replaces)
