"""The main module's go.mod, as the graph reads it (cmd/go/internal/modload, init.go ``loadModFile``).

- **Roots** (``rootsFromModFile``): every ``require`` line of the main go.mod except versions it
  ``exclude``\\ s, plus ``go@<go line, or 1.16>`` and ``toolchain@<toolchain line>``, sorted
  with gover.ModSort.
- **Replacements** (modfile.go ``replacement``): an exact ``path version`` replace wins over a
  path-only one; a replacement without a version is a directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import ParseError, SourceError
from ..mod import gover, modfile, modpath
from ._fileio import read_bytes
from .mvs import Module

__all__ = ["MainModFile"]


@dataclass(frozen=True, slots=True)
class MainModFile:
    """The parts of the main go.mod the graph depends on (one per load: a plain frozen dataclass).

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

    @property
    def go_version(self) -> str:
        """The go line, or 1.16 when there is none (gover.FromGoMod)."""
        return self.go or gover.DEFAULT_GO_MOD_VERSION

    @classmethod
    def read(cls, gomod: str | os.PathLike[str]) -> MainModFile:
        """Parse a main module's go.mod (strictly, as go parses the main module)."""
        p = os.fspath(gomod)
        try:
            data = read_bytes(p)
        except OSError as e:
            raise SourceError(f"reading {p}: {e.strerror or e}") from None
        return cls.from_bytes(data, p)

    @classmethod
    def from_bytes(cls, data: bytes, gomod: str | os.PathLike[str]) -> MainModFile:
        """Parse main go.mod bytes; ``gomod`` is the file's path (its directory is the module root)."""
        p = os.fspath(gomod)
        f = modfile.parse_gomod(data, p)
        if f.module is None:
            raise SourceError(f"error reading {p}: missing module declaration. To specify the module path:\n"
                              "\tgo mod edit -module=example.com/mod")
        try:
            modpath.check_import_path(f.module.path)
        except ParseError as e:
            # init.go loadModFile reports the main module's path as a "module" path.
            raise SourceError(str(e).replace("malformed import path", "malformed module path", 1)) from None
        replace: dict[tuple[str, str], Module] = {}
        for r in f.replace:
            key, new = (r.old_path, r.old_version), Module(r.new_path, r.new_version)
            prev = replace.get(key)
            if prev is not None and prev != new:
                old = f"{r.old_path}@{r.old_version}" if r.old_version else r.old_path
                raise SourceError(f"conflicting replacements for {old}:\n\t{_fmt_repl(prev)}\n\t{_fmt_repl(new)}")
            replace[key] = new
        exclude = frozenset(Module(x.path, x.version) for x in f.exclude)
        return cls(
            path=f.module.path, dir=os.path.dirname(p), go=f.go, toolchain=f.toolchain,
            require=tuple(Module(r.path, r.version) for r in f.require),
            # init.go rootsFromModFile: an excluded requirement is dropped before it can count as direct.
            direct=frozenset(r.path for r in f.require if not r.indirect and Module(r.path, r.version) not in exclude),
            exclude=exclude,
            replace=replace,
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
