"""Finding a module for a missing import (modload import.go ``queryImport``, query.go
``QueryPackages``/``QueryPattern``/``queryPrefixModules``), as ``go mod tidy`` and ``go get`` do.

In go's order: the highest replaced version of every replaced module path that is a prefix of
the import (longest first) if its replacement holds the package; then, for a path that looks like
the standard library's, ``package X is not in std``; otherwise ``go: finding module for package X``
and a ``latest`` query of every prefix of the path that can be a module path. The longest prefix
whose latest version holds the package wins; when none does, the most useful error of the
longest path is kept (no package > no matching version > invalid path > not found).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import GomodlabError
from ..mod import gover, modpath
from .importerrors import ImportMissingError, PackageNotInModuleError, zero_pseudo_for
from .modfiles import ModuleFiles, StdLib, dir_in_module, is_standard_import_path
from .mvs import Module
from .query import NoMatchingVersion, NoPatchBase, NotFound, Querier

if TYPE_CHECKING:
    from .main_module import MainModFile
    from .requirements import Requirements
    from .sources import GoModSource

__all__ = ["ImportQuerier"]


class _InvalidPath(GomodlabError):
    """module.InvalidPathError from lookupRepo: the prefix is not a module path (low priority)."""


class ImportQuerier:
    """queryImport for one main module: ``files`` gives module trees, ``std`` the standard
    library, ``print`` receives what go writes to stderr on the way."""

    def __init__(self, main_file: MainModFile, source: GoModSource, files: ModuleFiles, std: StdLib,
                 print: Callable[[str], None]) -> None:
        self.main_file, self.files, self.std, self.print = main_file, files, std, print
        self.main = main_file.path
        self.querier = Querier(main_file, source)
        #: Whether a version query was made (its answer depends on the proxy, not on local files).
        self.queried = False
        #: MainModules.HighestReplaced: the highest replaced version of each path ("" if only a wildcard).
        self.highest_replaced: dict[str, str] = {}
        for (p, v) in main_file.replace:
            h = self.highest_replaced.get(p)
            if h is None or gover.mod_compare(p, v, h) > 0:
                self.highest_replaced[p] = v

    def query_import(self, path: str, rs: Requirements) -> Module:
        """queryImport: a module to add so that ``path`` resolves (or go's error)."""
        mods: list[Module] = []
        for mp, mv in self.highest_replaced.items():
            if not (mp == path or (path.startswith(mp) and path[len(mp):len(mp) + 1] == "/")):
                continue
            if mv == "":
                _, major, ok = modpath.split_path_version(mp)
                mv = zero_pseudo_for(major if ok else "")
            mg = rs.checked_graph()
            if gover.mod_compare(mp, mg.selected(mp), mv) >= 0:
                continue
            mods.append(Module(mp, mv))
        mods.sort(key=lambda m: -len(m.path))
        for m in mods:
            tree = self.files.tree(m)
            rel, ok = dir_in_module(path, m.path, tree)
            if ok:
                return m
        if mods:
            try:
                modpath.check_path(path)
            except GomodlabError:
                raise PackageNotInModuleError(mods[0], "latest", path, self.main_file.replacement(mods[0])) from None
        if is_standard_import_path(path):
            raise ImportMissingError(path, is_std=True, std_dir=self.std.dir_of(path))
        self.print(f"go: finding module for package {path}\n")
        self.queried = True
        mg = rs.checked_graph()
        try:
            candidates = self.query_packages(path, mg.selected)
        except NotFound as e:
            raise ImportMissingError(path, query_err=e) from None
        missing_version = ""
        for i, c in enumerate(candidates):
            v = mg.selected(c.path)
            if gover.mod_compare(c.path, v, c.version) > 0:
                if i == 0:
                    missing_version = v
                continue
            return c
        raise ImportMissingError(path, module=candidates[0], new_missing_version=missing_version)

    def query_packages(self, pattern: str, current) -> list[Module]:  # noqa: ANN001 - path → version
        """QueryPackages(pattern, "latest"): the modules whose latest version holds the package,
        longest module path first; PackageNotInModuleError or the query's error when none does."""
        main = self.main
        candidates = []
        p = pattern
        while True:
            if p != main and modpath.split_path_version(p)[2]:
                candidates.append(p)
            j = p.rfind("/")
            if j < 0:
                break
            p = p[:j]
        if not candidates:
            raise PackageNotInModuleError(Module("", ""), "latest", pattern)
        results: list[tuple[Module | None, Exception | None]] = []
        for cand in candidates:
            try:
                m = self._query_module(cand, current(cand))
                tree = self.files.tree(m)
                rel, ok = dir_in_module(pattern, cand, tree)
                if ok:
                    results.append((m, None))
                elif cand != pattern:
                    raise PackageNotInModuleError(m, "latest", pattern, self.main_file.replacement(m))
                else:
                    results.append((m, _ModOnly()))
            except GomodlabError as e:
                results.append((None, e))
        found, err = _classify(results, main)
        if err is not None:
            raise err
        if not found:
            # QueryPackages: only the module named by the pattern itself answered, without the package.
            mod = [m for m, e in results if isinstance(e, _ModOnly)][-1]
            raise PackageNotInModuleError(mod, "latest", pattern, self.main_file.replacement(mod))  # type: ignore[arg-type]
        return found

    def _query_module(self, path: str, current: str) -> Module:
        if path not in ("go", "toolchain") and path not in self.highest_replaced:
            try:
                modpath.check_path(path)
            except GomodlabError as e:
                raise _InvalidPath(str(e)) from None
        info = self.querier.query(path, "latest", current if current != "none" else "",
                                  self.querier.check_allowed)
        return Module(path, info.version)


class _ModOnly(Exception):
    """A candidate that is the pattern itself but holds no package (QueryPattern's modOnly)."""


def _classify(results: list[tuple[Module | None, Exception | None]], main: str
              ) -> tuple[list[Module], Exception | None]:
    """queryPrefixModules: the modules found, and the error to report — an unclassified failure
    seen before anything was found, else (when nothing was) the most useful kind of failure."""
    found: list[Module] = []
    mod_only = False   # a module without the package is still "found": it silences later errors
    no_package: PackageNotInModuleError | None = None
    no_version = no_patch = invalid = not_exist = err = None
    for m, e in results:
        if e is None:
            found.append(m)  # type: ignore[arg-type]
        elif isinstance(e, _ModOnly):
            mod_only = True
        elif isinstance(e, PackageNotInModuleError):
            if no_package is None or no_package.mod.path == main:
                no_package = e
        elif isinstance(e, NoMatchingVersion):
            no_version = no_version or e
        elif isinstance(e, NoPatchBase):
            no_patch = no_patch or e
        elif isinstance(e, _InvalidPath):
            invalid = invalid or e
        elif isinstance(e, NotFound):
            not_exist = not_exist or e
        elif err is None and not found and not mod_only and no_package is None:
            err = e
    if not found and not mod_only and err is None:
        err = no_package or no_version or no_patch or invalid or not_exist
    return found, err
