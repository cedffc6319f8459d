"""The main module's requirements while packages load (cmd/go/internal/modload/buildlist.go).

A :class:`Requirements` is go's ``*Requirements``: the root modules (the go.mod's requirements,
``go`` and ``toolchain`` included, sorted with gover.ModSort), which of them are direct, the
pruning, and the module graph loaded from them on first use. The functions below are the root
edits the package loader and ``go mod tidy`` make, each named after its Go original:

- :func:`update_roots` — ``updatePrunedRoots`` / ``updateUnprunedRoots``: add roots for the
  modules of packages in "all" and for modules being added, move roots to their selected versions;
- :func:`tidy_roots` — ``tidyPrunedRoots`` / ``tidyUnprunedRoots``: the minimal roots that keep
  every loaded package at its module version (and imports unambiguous);
- :func:`convert_pruning` and :func:`override_roots`.

Packages come from :mod:`gomodlab.load.packages` (anything with ``mod``, ``flags``, ``imports``,
``test``, ``alt_mods``); graph errors are raised (:class:`~gomodlab.load.mvs.BuildListError`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from ..errors import GoRefusal
from ..mod import gover
from .gomod_summary import PRUNED, UNPRUNED
from .modload import Loader, ModGraph, _LoaderReqs
from .mvs import Module, build_list, req

#: A package of the loader (gomodlab.load.packages.LoadedPackage: ``path``, ``mod``, ``flags``,
#: ``imports``, ``test``, ``alt_mods``, ``from_external_module``) and the loader itself (for its
#: ``import_from_modules``); typed loosely here because the loader builds on this module.
LoadedPackage = Any
PackageLoader = Any

__all__ = ["Requirements", "GoPanic", "update_roots", "tidy_roots", "convert_pruning", "override_roots", "mod_sorted",
           "IN_ALL", "IS_ROOT", "FROM_ROOT", "IMPORTS_LOADED"]

#: loadPkgFlags (load.go), shared with the package loader.
IN_ALL, IS_ROOT, FROM_ROOT, IMPORTS_LOADED = 1, 2, 4, 8


class GoPanic(GoRefusal):
    """Where go itself panics (an internal error; exit status 2): e.g. tidyUnprunedRoots drops the
    go root when a dependency's go line implies it (``go mod tidy -go=1.16`` over a go 1.23 dependency)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"panic: {message}\n")
        self.exit_status = 2


def mod_sorted(mods: Iterable[Module]) -> list[Module]:
    """gover.ModSort: by path, then version in the path's order."""
    return sorted(mods, key=lambda m: gover.mod_sort_key(m.path, m.version))


class Requirements:
    """go's Requirements: ``roots`` (sorted), ``direct`` paths, ``pruning``; the graph is loaded
    by :meth:`graph` the first time it is needed and kept."""

    def __init__(self, loader: Loader, pruning: str, roots: Sequence[Module], direct: Collection[str]) -> None:
        self.loader, self.pruning, self.roots = loader, pruning, tuple(roots)
        self.direct = frozenset(direct)
        self.max_root: dict[str, str] = {}
        for m in self.roots:
            v = self.max_root.get(m.path)
            if v is None or gover.mod_compare(m.path, v, m.version) < 0:
                self.max_root[m.path] = m.version
        if "go" not in self.max_root:
            raise GoPanic("go: internal error: missing go root module")
        self._graph: ModGraph | None = None

    def __repr__(self) -> str:
        return f"<Requirements {self.pruning} {list(map(str, self.roots))}>"

    def root_selected(self, path: str) -> str | None:
        """rootSelected: the root version of ``path`` (``""`` for the main module), or None."""
        if path == self.loader.main.path:
            return ""
        return self.max_root.get(path)

    @property
    def go_version(self) -> str:
        return self.max_root["go"]

    def has_redundant_root(self) -> bool:
        main = self.loader.main.path
        return any(m.path == main or (i and m.path == self.roots[i - 1].path) for i, m in enumerate(self.roots))

    @property
    def graph_loaded(self) -> bool:
        return self._graph is not None

    def graph(self) -> ModGraph:
        """Graph(): the module graph from these roots (failures kept in ``errors``)."""
        if self._graph is None:
            self._graph = self.loader.read_graph(self.pruning, self.roots, strict=False)
        return self._graph

    def checked_graph(self) -> ModGraph:
        """The graph, raising its first error (findError) as go does when it needs a complete one."""
        mg = self.graph()
        err = mg.find_error()
        if err is not None:
            raise err
        return mg

    def same_as(self, other: Requirements) -> bool:
        return self.pruning == other.pruning and self.roots == other.roots and self.direct == other.direct


def override_roots(rs: Requirements, replace: Sequence[Module]) -> Requirements:
    """overrideRoots: ``rs`` with every root of a path in ``replace`` swapped for it."""
    drop = {m.path for m in replace}
    roots = [m for m in rs.roots if m.path not in drop] + list(replace)
    return Requirements(rs.loader, rs.pruning, mod_sorted(roots), rs.direct)


def convert_pruning(rs: Requirements, pruning: str) -> Requirements:
    """convertPruning: unpruned → the minimal roots; pruned → every module of the build list a root."""
    if rs.pruning == pruning:
        return rs
    if pruning == UNPRUNED:
        return _update_unpruned_roots(rs.direct, rs, ())
    mg = rs.checked_graph()
    return Requirements(rs.loader, PRUNED, mg.build_list()[1:], rs.direct)


def update_roots(direct: Collection[str], rs: Requirements, pkgs: Sequence[LoadedPackage] | None,
                 add: Sequence[Module], roots_imported: bool = False) -> Requirements:
    """updateRoots (-mod=mod): the roots that keep every package's module and every added module."""
    if rs.pruning == UNPRUNED:
        return _update_unpruned_roots(direct, rs, add)
    return _update_pruned_roots(direct, rs, pkgs or (), add, roots_imported)


def _update_pruned_roots(direct: Collection[str], rs: Requirements, pkgs: Sequence[LoadedPackage],
                         add: Sequence[Module], roots_imported: bool) -> Requirements:
    loader = rs.loader
    main = loader.main.path
    roots = list(rs.roots)
    roots_upgraded = False
    spot_check: dict[Module, None] = {}
    need_sort = False
    for pkg in pkgs:
        if not pkg.from_external_module(main):
            continue
        f = pkg.flags
        if not (f & IN_ALL or (roots_imported and f & FROM_ROOT) or f & IS_ROOT):
            continue
        if rs.root_selected(pkg.mod.path) is not None:
            spot_check[pkg.mod] = None
        else:
            roots.append(pkg.mod)
            roots_upgraded = need_sort = True
    for m in add:
        v = rs.root_selected(m.path)
        if v is None or gover.mod_compare(m.path, v, m.version) < 0:
            roots.append(m)
            roots_upgraded = need_sort = True
    if need_sort:
        roots = mod_sorted(roots)

    while True:
        mg: ModGraph | None = None
        if roots_upgraded:
            rs = Requirements(loader, PRUNED, roots, direct)
            mg = rs.checked_graph()
        elif rs.graph_loaded:
            mg = rs.graph()
        elif not _spot_check_roots(rs, spot_check):
            mg = rs.checked_graph()
        roots = []
        roots_upgraded = False
        in_root_paths = {main}
        for m in rs.roots:
            if m.path in in_root_paths:
                continue
            v = rs.root_selected(m.path) if mg is None else mg.selected(m.path)
            roots.append(Module(m.path, v))  # type: ignore[arg-type]
            in_root_paths.add(m.path)
            if v != m.version:
                roots_upgraded = True
        if not roots_upgraded:
            break
    if rs.pruning == PRUNED and tuple(roots) == rs.roots and frozenset(direct) == rs.direct:
        return rs
    return Requirements(loader, PRUNED, roots, direct)


def _spot_check_roots(rs: Requirements, mods: Iterable[Module]) -> bool:
    """spotCheckRoots: no module in ``mods`` requires more than the roots select."""
    for m in mods:
        try:
            s = rs.loader.summary(m)
        except Exception:  # noqa: BLE001 - any failure means "load the whole graph", as go does
            return False
        for r in s.require:
            v = rs.root_selected(r.path)
            if v is not None and gover.mod_compare(r.path, v, r.version) < 0:
                return False
    return True


def _update_unpruned_roots(direct: Collection[str], rs: Requirements, add: Sequence[Module]) -> Requirements:
    loader = rs.loader
    mg = rs.checked_graph()
    root_paths: list[str] = []
    for r in rs.roots:
        if r.path not in root_paths and mg.selected(r.path) == r.version:
            root_paths.append(r.path)
    keep = mg.build_list()[1:] + list(add)
    for m in keep:
        if m.path in direct and m.path not in root_paths:
            root_paths.append(m.path)
    roots = req(loader.main, root_paths, _LoaderReqs(loader, keep))
    if rs.pruning == UNPRUNED and tuple(roots) == rs.roots and frozenset(direct) == rs.direct:
        return rs
    return Requirements(loader, UNPRUNED, roots, direct)


def tidy_roots(pld: PackageLoader, rs: Requirements, pkgs: Sequence[LoadedPackage]) -> Requirements:
    """tidyRoots: the minimal roots for ``pkgs`` under ``rs``'s pruning."""
    if rs.pruning == UNPRUNED:
        return _tidy_unpruned_roots(rs, pkgs)
    return _tidy_pruned_roots(pld, rs, pkgs)


def _go_toolchain_roots(old: Requirements) -> list[Module]:
    out = [Module("go", old.go_version)]
    tc = old.root_selected("toolchain")
    if tc is not None:
        out.append(Module("toolchain", tc))
    return out


def _tidy_pruned_roots(pld: PackageLoader, old: Requirements, pkgs: Sequence[LoadedPackage]) -> Requirements:
    loader = old.loader
    main = loader.main.path
    roots = _go_toolchain_roots(old)
    path_is_root = {main, *(m.path for m in roots)}
    queue: list[LoadedPackage] = []
    queued: set[int] = set()
    for pkg in pkgs:
        if not pkg.flags & IN_ALL:
            continue
        if pkg.from_external_module(main) and pkg.mod.path not in path_is_root:
            roots.append(pkg.mod)
            path_is_root.add(pkg.mod.path)
        queue.append(pkg)
        queued.add(id(pkg))
    tidy = Requirements(loader, PRUNED, mod_sorted(roots), old.direct)

    while queue:
        roots = list(tidy.roots)
        mg = tidy.checked_graph()
        prev, queue = queue, []
        for pkg in prev:
            m = pkg.mod
            if m.path == "":
                continue
            for dep in pkg.imports:
                if id(dep) not in queued:
                    queue.append(dep)
                    queued.add(id(dep))
            if pkg.test is not None and id(pkg.test) not in queued:
                queue.append(pkg.test)
                queued.add(id(pkg.test))
            if m.path not in path_is_root and gover.mod_compare(m.path, mg.selected(m.path), m.version) < 0:
                roots.append(m)
                path_is_root.add(m.path)
        if len(roots) > len(tidy.roots):
            tidy = Requirements(loader, PRUNED, mod_sorted(roots), tidy.direct)

    roots = list(tidy.roots)
    tidy.checked_graph()
    # go.dev/issue/60313: a test-only dependency left out of the roots may make an import
    # ambiguous once lazy loading no longer disambiguates it; its module becomes a root.
    from .importerrors import AmbiguousImportError

    while True:
        disambiguate: dict[Module, None] = {}
        for pkg in pkgs:
            if pkg.mod.path == "" or pkg.mod.path in path_is_root:
                continue
            try:
                pld.import_from_modules(pkg.path, tidy, None, skip_mod_file=True)
            except AmbiguousImportError:
                disambiguate[pkg.mod] = None
            except Exception:  # noqa: BLE001 - only ambiguity matters here (tidyPrunedRoots)
                pass
        for m in disambiguate:
            roots.append(m)
            path_is_root.add(m.path)
        if len(roots) > len(tidy.roots):
            # module.Sort here, not gover.ModSort: the same order for the paths a graph holds.
            tidy = Requirements(loader, PRUNED, mod_sorted(roots), tidy.direct)
            tidy.checked_graph()
            continue
        return tidy


def _tidy_unpruned_roots(old: Requirements, pkgs: Sequence[LoadedPackage]) -> Requirements:
    loader = old.loader
    main = loader.main
    keep = _go_toolchain_roots(old)
    kept_path = {m.path for m in keep}
    root_paths: list[str] = []
    alt_mods: dict[str, str] = {}
    for pkg in pkgs:
        if not pkg.from_external_module(main.path):
            continue
        m = pkg.mod
        if m.path not in kept_path:
            keep.append(m)
            kept_path.add(m.path)
            if m.path in old.direct and m.path not in root_paths:
                root_paths.append(m.path)
        for a in pkg.alt_mods:
            alt_mods[a.path] = a.version
    reqs = _LoaderReqs(loader, keep)
    minimal = req(main, root_paths, reqs)
    kept_alt = False
    for m in build_list([main], reqs):
        v = alt_mods.get(m.path)
        if v is not None and gover.mod_compare(m.path, m.version, v) < 0:
            keep.append(Module(m.path, v))
            kept_alt = True
    if kept_alt:
        minimal = req(main, root_paths, _LoaderReqs(loader, keep))
    return Requirements(loader, UNPRUNED, minimal, old.direct)

