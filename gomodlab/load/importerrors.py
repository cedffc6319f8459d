"""Why an import could not be resolved, in go's words (cmd/go/internal/modload import.go, query.go).

The package loader (:mod:`gomodlab.load.packages`) attaches one of these to a package it could not
load; go prints it after the import stack (``go: a imports\\n\\tb: <error>``). Each ``str()`` is
go's ``Error()`` text for the ``-mod=mod`` commands (``go mod tidy``, ``go mod why``, ``go get``),
where missing imports are looked up rather than refused.

=============================================  =============================================
class                                          go type
=============================================  =============================================
:class:`ImportMissingError`                    ``*ImportMissingError``
:class:`AmbiguousImportError`                  ``*AmbiguousImportError``
:class:`InvalidImportError`                    ``*invalidImportError``
:class:`PackageNotInModuleError`               ``*PackageNotInModuleError`` (query.go)
:class:`DirectImportFromImplicitDependency`    ``*DirectImportFromImplicitDependencyError``
:class:`NoGoError`                             ``imports.ErrNoGo`` / ``*build.NoGoError``
=============================================  =============================================
"""

from __future__ import annotations

from collections.abc import Sequence

import os

from ..errors import GomodlabError
from ..mod import semver
from ..mod.gostrings import quote
from .mvs import Module

__all__ = ["PackageError", "ImportMissingError", "AmbiguousImportError", "InvalidImportError",
           "PackageNotInModuleError", "DirectImportFromImplicitDependency", "NoGoError", "ScanError", "TooNewError"]


class PackageError(GomodlabError):
    """A package that could not be loaded; ``str()`` is go's message for it."""


class ImportMissingError(PackageError):
    """No module in the build list provides the package (and, with a query, none could be found).

    ``module``: the module a query found that cannot be used (``new_missing_version`` is the newer
    version already selected); ``query_err``: why the lookup failed; ``is_std``: the path looks
    like a standard-library one; ``std_dir``: ``$GOROOT/src/<path>``.
    """

    def __init__(self, path: str, *, module: Module | None = None, query_err: Exception | None = None,
                 is_std: bool = False, std_dir: str = "", new_missing_version: str = "",
                 replaced: Module | None = None, importer_go_version: str = "") -> None:
        self.path, self.module, self.query_err, self.is_std = path, module, query_err, is_std
        self.std_dir, self.new_missing_version, self.replaced = std_dir, new_missing_version, replaced
        self.importer_go_version = importer_go_version
        super().__init__(self._text())

    def _text(self) -> str:
        if self.module is None:
            if self.is_std:
                msg = f"package {self.path} is not in std ({self.std_dir})"
                if self.importer_go_version:
                    msg += f"\nnote: imported by a module that requires go {self.importer_go_version}"
                return msg
            if self.query_err is not None:
                return f"cannot find module providing package {self.path}: {self.query_err}"
            return f"cannot find module providing package {self.path}"
        if self.new_missing_version:
            return (f"package {self.path} provided by {self.module.path} at latest version {self.module.version} "
                    f"but not at required version {self.new_missing_version}")
        return f"missing module for import: {self.module.path}@{self.module.version} provides {self.path}"


class AmbiguousImportError(PackageError):
    """The package is in more than one module of the build list (shortest module path first)."""

    def __init__(self, path: str, dirs: Sequence[str], modules: Sequence[Module]) -> None:
        self.path, self.dirs, self.modules = path, tuple(dirs), tuple(modules)
        kind = "modules" if modules else "directories"
        text = f"ambiguous import: found package {path} in multiple {kind}:"
        for i, d in enumerate(dirs):
            if i < len(modules):
                m = modules[i]
                text += f"\n\t{m.path}" + (f" {m.version}" if m.version else "") + f" ({d})"
            else:
                text += f"\n\t{d}"
        super().__init__(text)


class InvalidImportError(PackageError):
    """An import path that cannot name a package (``@version``, relative, malformed…)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(message)


class PackageNotInModuleError(PackageError):
    """A query found a module version, but it has no such package (query.go)."""

    def __init__(self, mod: Module, query: str, pattern: str, replacement: Module | None = None) -> None:
        self.mod, self.query, self.pattern, self.replacement = mod, query, pattern, replacement
        found = ""
        r = replacement
        if r is not None:
            shown = f"{r.path}@{r.version}" if r.version else r.path
            found = f" (replaced by {shown})" if query == mod.version else f" ({mod.version}, replaced by {shown})"
        elif query != mod.version:
            found = f" ({mod.version})"
        what = "packages matching" if "..." in pattern else "package"
        super().__init__(f"module {mod.path}@{query} found{found}, but does not contain {what} {pattern}")


class DirectImportFromImplicitDependency(PackageError):
    """A main-module package imports from a module the go.mod does not require (readonly mode)."""

    def __init__(self, importer: str, imported: str, mod: Module) -> None:
        super().__init__(f"package {importer} imports {imported} from implicitly required module; "
                         f"to add missing requirements, run:\n\tgo get {mod.path}@{mod.version}")


class NoGoError(PackageError):
    """imports.ErrNoGo: no Go file of the directory is built with the loader's tags."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        super().__init__("no Go source files")


class TooNewError(PackageError):
    """gover.TooNewError from modfetch Download: a module whose go line is newer than go's own."""

    def __init__(self, what: str, go_version: str, message: str) -> None:
        self.what, self.go_version = what, go_version
        super().__init__(message)


class ScanError(PackageError):
    """A Go file whose imports cannot be read (``reading <file>: <syntax error>``)."""


def zero_pseudo_for(path_major: str) -> str:
    """module.ZeroPseudoVersion for a path's major suffix (``/v2`` or ``.v2``; ``""``: v0)."""
    return semver.zero_pseudo_version(path_major[1:] if path_major else "v0")



_META_PACKAGES = frozenset({"all", "std", "cmd", "tool", "work"})


def invalid_import_reason(path: str) -> str:
    """importFromModules' first checks of an import path: why go refuses it before looking at
    any module (an :class:`InvalidImportError`'s message), or ``""``."""
    if "@" in path:
        return f"import path {quote(path)} should not have @version"
    if path in (".", "..") or path.startswith(("./", "../")):
        return f"{quote(path)} is relative, but relative import paths are not supported in module mode"
    if os.path.isabs(path):
        return f"{quote(path)} is not a package path; see 'go help packages'"
    if path in _META_PACKAGES:
        return f"{quote(path)} is not an importable package; see 'go help packages'"
    return ""
