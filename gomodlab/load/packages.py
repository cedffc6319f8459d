"""The package loader: the main module's packages and their imports over the build list
(cmd/go/internal/modload load.go ``loadFromRoots``, import.go ``importFromModules``).

Loading "all" the way ``go mod tidy`` and ``go mod why`` do:

- **Roots**: every package of the main module (its directories, ``.``/``_``/``testdata`` and nested
  modules skipped, ``vendor`` taken as a package but not descended into), then the packages
  of the go.mod's ``tool`` directives (always in "all", even when missing).
- **Imports** are resolved to modules by :meth:`PackageLoader.import_from_modules`: for each path
  prefix, the selected module of that path (first the roots only, then the whole graph) must hold
  the package directory; two modules holding it is an ``ambiguous import``, none is an
  ``ImportMissingError`` that :mod:`gomodlab.load.importquery` tries to fix with a query for the
  latest version (``go: finding module for package …``).
- **"all"** (load.go's flags): the main module's packages and tests, what they import, and — for a
  go line below 1.16 — the tests of every package in "all" (``all_closes_over_tests``).
- **Iteration**: after each pass the roots are updated (:func:`gomodlab.load.requirements.update_roots`,
  tidy adding :func:`~gomodlab.load.requirements.tidy_roots`), and loading repeats until the roots
  stop changing and no missing import can be resolved.

Standard-library packages are leaves here: their imports are standard too and never need a module
(go reads them; tidy's answer does not depend on them). What the loader cannot do yet:
``-mod=vendor`` loading, workspaces.

:class:`gomodlab.load.packagegraph.PackageGraph` is the result as data: a DataFrame and a
NetworkX graph of the packages.
"""

from __future__ import annotations

import os
from collections import deque
from functools import partial
from collections.abc import Callable, Sequence

from ..errors import GomodlabError, GoRefusal
from ..mod import gover, modpath
from ..mod.buildconstraint import ANY_TAGS, Tags
from ..mod.goscan import DirScan, elide_magic_imports, index_applies
from .gomod_summary import PRUNED, UNPRUNED, pruning_for
from .importquery import ImportQuerier
from .importerrors import (AmbiguousImportError, ImportMissingError, InvalidImportError, NoGoError,
                           PackageError, TooNewError, invalid_import_reason)
from .modfiles import (ModuleFiles, ModuleTree, StdLib, dir_in_module, is_standard_import_path, join_rel,
                       module_prefixes, scan_in_tree)
from ._fileio import read_bytes
from .locate import go_env_value
from .modload import Loader
from .mvs import NONE, BuildListError, Module
from .requirements import (FROM_ROOT, IMPORTS_LOADED, IN_ALL, IS_ROOT, Requirements, convert_pruning, mod_sorted,
                           override_roots, tidy_roots, update_roots)

__all__ = ["LoadedPackage", "PackageLoader", "LoadRefused"]

_CGO = object()  # importFromModules' answer for "C": no module, no directory
_IN_ALL_ROOT = IN_ALL | IS_ROOT | FROM_ROOT  # what IN_ALL amounts to for a package (not a test) when "all" is the root
_NO_MODULE = Module("", "")


class LoadRefused(GoRefusal):
    """go's package loading failed: ``stderr`` is everything go printed, exit status 1."""


class LoadedPackage:
    """One package (or the test of one: ``test_of``) as the loader sees it (load.go loadPkg).

    ``mod`` is the module providing it (``("", "")``: the standard library or not found), ``dir``
    its directory, ``err`` why it could not be loaded, ``imports`` the packages it imports (for a
    test: what its _test.go files import), ``alt_mods`` the modules that could have held it but do
    not, ``stack`` the importer on the shortest import chain from a root, ``files`` the Go files
    that build and ``excluded`` the ones that do not, with why.
    """

    __slots__ = ("path", "test_of", "flags", "mod", "dir", "err", "imports", "test_imports", "in_std",
                 "alt_mods", "test", "stack", "files", "excluded")

    def __init__(self, path: str, test_of: LoadedPackage | None = None) -> None:
        self.path = path
        self.test_of = test_of
        self.flags = 0
        self.mod = _NO_MODULE
        self.dir = ""
        self.err: Exception | None = None
        self.imports: list[LoadedPackage] = []
        self.test_imports: list[str] = []
        self.in_std = False
        self.alt_mods: list[Module] = []
        self.test: LoadedPackage | None = None
        self.stack: LoadedPackage | None = None
        self.files: tuple[str, ...] = ()
        self.excluded: tuple[tuple[str, str], ...] = ()

    def __repr__(self) -> str:
        return f"<LoadedPackage {self.path}{'.test' if self.test_of else ''} {self.mod}>"

    @property
    def in_all(self) -> bool:
        return bool(self.flags & IN_ALL)

    def from_external_module(self, main_path: str) -> bool:
        return self.mod.path != "" and self.mod.path != main_path

    def stack_text(self) -> str:
        """stackText: ``root imports\\n\\tother imports\\n\\tpkg`` (``tested by`` for a test)."""
        stack: list[LoadedPackage] = []
        p: LoadedPackage | None = self
        while p is not None:
            stack.append(p)
            p = p.stack
        out = []
        for i in range(len(stack) - 1, -1, -1):
            p = stack[i]
            out.append(p.path + (".test" if p.test_of is not None else ""))
            if i > 0:
                out.append(" tested by\n\t" if stack[i - 1].test_of is p else " imports\n\t")
        return "".join(out)

    def why(self) -> str:
        """why: the import chain one package per line, as ``go mod why`` prints it."""
        stack: list[LoadedPackage] = []
        p: LoadedPackage | None = self
        while p is not None:
            stack.append(p)
            p = p.stack
        return "".join((q.test_of.path + ".test" if q.test_of is not None else q.path) + "\n"
                       for q in reversed(stack))


class _Found:
    """importFromModules' answer: the module, its tree, the package directory in it."""

    __slots__ = ("mod", "tree", "rel", "dir", "alt_mods")

    def __init__(self, mod: Module, tree: ModuleTree | None, rel: str, dir: str, alt_mods: list[Module]) -> None:
        self.mod, self.tree, self.rel, self.dir, self.alt_mods = mod, tree, rel, dir, alt_mods


class PackageLoader:
    """loadFromRoots for the "all" pattern of one main module (``go mod tidy``, ``go mod why``).

    ``loader`` reads go.mod files (:class:`gomodlab.load.modload.Loader`), ``files`` module trees
    (:class:`gomodlab.load.modfiles.ModuleFiles`), ``std`` the standard library. ``tidy`` adds
    tidy's roots while iterating; ``load_tests`` loads the tests of the root packages;
    ``resolve_missing`` looks up modules for missing imports; ``allow_errors`` is ``-e``.
    ``stderr`` collects what go prints on the way (``go: finding module for package …``).
    """

    def __init__(self, loader: Loader, files: ModuleFiles, std: StdLib, *, tags: Tags = ANY_TAGS,
                 tidy: bool = False, load_tests: bool = True, resolve_missing: bool = True,
                 allow_errors: bool = False, tidy_go_version: str = "", silence_missing_std: bool = True,
                 use_vendor_all: bool = False, silence_package_errors: bool = False, load_std: bool = False,
                 list_roots: Callable[[Requirements], list[str]] | None = None) -> None:
        self.loader, self.files, self.std = loader, files, std
        self.main = loader.main
        self.tags = tags
        self.tidy, self.load_tests, self.resolve_missing = tidy, load_tests, resolve_missing
        self.allow_errors, self.tidy_go_version = allow_errors, tidy_go_version
        self.silence_missing_std = silence_missing_std
        #: go mod why's UseVendorAll (no tests of dependencies in "all"), SilencePackageErrors, and
        #: standard packages loaded with their imports from $GOROOT/src rather than as leaves.
        self.use_vendor_all, self.silence_package_errors = use_vendor_all, silence_package_errors
        self.load_std = load_std and std.goroot is not None
        #: listRoots: the root packages for the current requirements (default: the main module's
        #: packages, the "all" pattern); set ``all_pattern_is_root`` False for other patterns.
        self.list_roots = list_roots
        self.querier = ImportQuerier(loader.main_file, loader.source, files, std, self.print)
        files.print = self.print
        self.stderr: list[str] = []
        self._recorded: list[str] = []
        self.all_pattern_is_root = True
        self.all_closes_over_tests = False
        self.skip_import_mod_files = False
        self.requirements: Requirements | None = None
        self.roots: list[LoadedPackage] = []
        self.pkgs: list[LoadedPackage] = []
        self.cache: dict[str, LoadedPackage] = {}
        self._queue: deque[LoadedPackage] = deque()
        self._work: list[tuple[LoadedPackage, int]] = []
        self._applying = False
        self._scans: dict[tuple[int, str], DirScan | PackageError] = {}
        self._main_pkgs: list[str] | None = None
        #: The main module's tools (go.mod ``tool`` lines): roots of "all" and always in it.
        self.tools: tuple[str, ...] = loader.main_file.tool
        self._path_errors: dict[str, str] = {}
        # Fixed for the run, asked again by every load pass: an import path's checks and prefixes,
        # where a module version holds it (import_from_modules 37 → 12 µs a call, ~3,200 a tidy).
        self._path_facts: dict[str, str | object | tuple[bool, tuple[str, ...]]] = {}
        self._in_module: dict[tuple[str, str, str], tuple[Module, ModuleTree, str, bool, str] | None] = {}
        #: id(DirScan) → its imports and test imports without magic ones (scans live in self._scans).
        self._elided: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        #: The loader's steps for a teaching replay (:mod:`gomodlab.load.tidyrounds`), or None (the
        #: default: nothing recorded). Events: ``("load", rs, pkgs)`` after each pass,
        #: ``("update", before, after)``, ``("found", ((import path, module), …))``,
        #: ``("query", before, after)``, ``("tidy", before, after)``.
        self.trace: list[tuple] | None = None
        #: go's module index is on unless GODEBUG=goindex=0 or GOCACHE=off.
        self.use_index = "goindex=0" not in go_env_value("GODEBUG").split(",") and go_env_value("GOCACHE") != "off"

    # -- errors ----------------------------------------------------------------------------

    def error(self, err: object) -> None:
        """pld.error: with -e printed at once; else handed to go's toolchain Switcher, which
        prints every error it holds each time it is asked to switch (:meth:`switch_if_errors`)."""
        if self.allow_errors:
            self.stderr.append(f"go: {err}\n")
        else:
            self._recorded.append(_log_line(f"go: {err}"))

    def print(self, text: str) -> None:
        """Something go writes to stderr directly (``go: found …``)."""
        self.stderr.append(text)

    def switch_if_errors(self) -> None:
        """switchIfErrors: no toolchain switch is modelled, so the Switcher prints its errors
        (all of them, every time: it never forgets one)."""
        self.stderr.extend(self._recorded)

    def exit_if_errors(self) -> None:
        """exitIfErrors: stop with everything printed so far when an error was recorded."""
        if self._recorded:
            self.switch_if_errors()
            raise LoadRefused("".join(self.stderr))

    # -- loading ---------------------------------------------------------------------------

    def load(self, rs: Requirements) -> None:
        """loadFromRoots with the "all" pattern: ``self.pkgs``, ``self.requirements`` when done."""
        self.requirements = rs
        if rs.pruning == UNPRUNED:
            try:
                self.requirements = _expand_graph(rs)
            except (BuildListError, GomodlabError) as e:
                self.error(e)
        self.exit_if_errors()
        while True:
            self._reset()
            self._update_go_version()
            root_pkgs = self.root_packages() if self.list_roots is None else self.list_roots(self.requirements)
            if self.requirements.pruning == PRUNED and self._preload_root_modules(root_pkgs):
                continue
            seen: set[int] = set()
            for path in root_pkgs:
                root = self.pkg(path, IS_ROOT)
                if id(root) not in seen:
                    seen.add(id(root))
                    self.roots.append(root)
            self._drain()
            self._build_stacks()
            before = self.requirements
            if self.trace is not None:
                self.trace.append(("load", before, tuple(self.pkgs)))
            try:
                changed = self._update_requirements()
            except GomodlabError as e:
                self.error(e)
                break
            if self.trace is not None:
                self.trace.append(("update", before, self.requirements))
            if changed:
                continue
            if not self.resolve_missing:
                break
            try:
                added_by = self._resolve_missing_imports()
            except GomodlabError as e:
                self.error(e)
                break
            if not added_by:
                break
            to_add = mod_sorted(added_by)
            try:
                rs = update_roots(self.requirements.direct, self.requirements, None, to_add)
            except BuildListError as e:
                pkg = added_by.get(e.module) if e.module is not None else None
                self.error(f"{pkg.stack_text()}: {e.err}" if pkg is not None else e)
                break
            if self.trace is not None:
                self.trace.append(("query", self.requirements, rs))
            self.requirements = rs
        self.exit_if_errors()
        if self.tidy:
            before = self.requirements
            self._tidy_requirements()
            if self.trace is not None:
                self.trace.append(("tidy", before, self.requirements))
            self.exit_if_errors()
        for pkg in self.pkgs:
            err = pkg.err
            if err is None:
                continue
            if isinstance(err, ImportMissingError) and err.is_std and self.silence_missing_std:
                continue
            if self.silence_package_errors:
                continue
            self.error(f"{pkg.stack_text()}: {err}")
        self._check_multiple_paths()

    def _resolve_missing_imports(self) -> dict[Module, LoadedPackage]:
        """resolveMissingImports: for every package missing from the build list, the module to add
        (printing ``go: found X in M V``), mapped to the first package it resolves."""
        found: list[tuple[LoadedPackage, Module]] = []
        too_new: tuple[LoadedPackage, TooNewError] | None = None
        for pkg in self.pkgs:
            if pkg.err is None or pkg.test_of is not None or not isinstance(pkg.err, ImportMissingError):
                continue
            try:
                found.append((pkg, self.querier.query_import(pkg.path, self.requirements)))  # type: ignore[arg-type]
            except GomodlabError as e:
                pkg.err = e
                if isinstance(e, TooNewError) and (
                        too_new is None or gover.compare(e.go_version, too_new[1].go_version) > 0):
                    too_new = (pkg, e)
        if too_new is not None:
            # A query answered by a module too new for this go: go would switch toolchains.
            self.print(f"go: toolchain upgrade needed to resolve {too_new[0].path}\n")
            raise too_new[1]
        if self.trace is not None:
            self.trace.append(("found", tuple((pkg.path, mod) for pkg, mod in found)))
        added: dict[Module, LoadedPackage] = {}
        for pkg, mod in found:
            self.print(f"go: found {pkg.path} in {mod.path} {mod.version}\n")
            added.setdefault(mod, pkg)
        return added

    def _reset(self) -> None:
        self.roots, self.pkgs, self.cache = [], [], {}

    def _update_go_version(self) -> None:
        go_version = self.go_version
        try:
            self.requirements = convert_pruning(self.requirements, pruning_for(go_version))
        except GomodlabError as e:
            self.error(e)
            self.exit_if_errors()
        self.skip_import_mod_files = self.tidy and gover.compare(go_version, gover.TIDY_GO_MOD_SUM_VERSION) < 0
        self.all_closes_over_tests = gover.compare(go_version, gover.NARROW_ALL_VERSION) < 0 and not self.use_vendor_all

    @property
    def go_version(self) -> str:
        """pld.goVersion: the -go flag's version, else the requirements' go root."""
        return self.tidy_go_version or self.requirements.go_version  # type: ignore[union-attr]

    def _tidy_requirements(self) -> None:
        try:
            rs = tidy_roots(self, self.requirements, self.pkgs)  # type: ignore[arg-type]
        except GomodlabError as e:
            self.error(e)
            return
        want = self.tidy_go_version
        if want:
            tidy = override_roots(rs, [Module("go", want)])
            mg = tidy.graph()
            err = mg.find_error()
            if err is not None:
                self.error(err)
            v = mg.selected("go")
            if v == want:
                rs = tidy
            else:
                path = mg.graph.find_path(lambda m: m.path == "go" and m.version == v)[1:]
                first, last = path[0], path[-1]
                if len(path) == 1:
                    self.error(f"{first} is above {want}")
                else:
                    adverb = "indirectly " if len(path) > 2 else ""
                    self.error(f"{first} {adverb}requires {last}, but {want} is requested")
        self.requirements = rs

    def _check_multiple_paths(self) -> None:
        rs = self.requirements
        mods = rs.graph().build_list() if rs.graph_loaded else rs.roots  # type: ignore[union-attr]
        first: dict[Module, str] = {}
        for mod in mods:
            src = self.files.resolve(mod)
            prev = first.setdefault(src, mod.path)
            if prev != mod.path:
                self.error(f"{src.path}@{src.version} used for two different module paths ({prev} and {mod.path})")

    def _preload_root_modules(self, root_pkgs: Sequence[str]) -> bool:
        rs = self.requirements
        need: dict[Module, None] = {}
        for path in root_pkgs:
            try:
                m = self.import_from_modules(path, rs, None, self.skip_import_mod_files).mod  # type: ignore[arg-type]
            except ImportMissingError:
                if not self.resolve_missing:
                    continue
                try:
                    m = self.querier.query_import(path, rs)  # type: ignore[arg-type]
                except GomodlabError:
                    continue
            except GomodlabError:
                continue
            if m.path == "":
                continue
            if rs.root_selected(m.path) != m.version:  # type: ignore[union-attr]
                need[m] = None
        if not need:
            return False
        try:
            self.requirements = update_roots(rs.direct, rs, None, mod_sorted(need))  # type: ignore[union-attr]
        except GomodlabError as e:
            self.error(e)
            self.exit_if_errors()
            return False
        return True

    def pkg(self, path: str, flags: int) -> LoadedPackage:
        """pld.pkg: the package for ``path``, queued for loading on first sight, flags applied."""
        p = self.cache.get(path)
        if p is None:
            p = LoadedPackage(path)
            self.cache[path] = p
            self._queue.append(p)
        self._apply(p, flags)
        return p

    def _drain(self) -> None:
        queue = self._queue
        while queue:
            self._load_one(queue.popleft())

    def _apply(self, pkg: LoadedPackage, flags: int) -> None:
        """applyPkgFlags, iteratively (a re-entrant call only queues its work)."""
        if flags & IN_ALL and self.all_pattern_is_root and pkg.test_of is None:
            flags |= IS_ROOT
        if flags & IS_ROOT:
            flags |= FROM_ROOT
        if pkg.flags | flags == pkg.flags:
            return  # nothing new (flags only grow): most calls, from pkg() for a known package
        work = self._work
        work.append((pkg, flags))
        if self._applying:
            return
        self._applying = True
        main = self.main.path
        try:
            while work:
                pkg, flags = work.pop()
                if not flags:
                    continue
                if flags & IN_ALL and self.all_pattern_is_root and pkg.test_of is None:
                    flags |= IS_ROOT
                if flags & IS_ROOT:
                    flags |= FROM_ROOT
                old = pkg.flags
                new = old | flags
                pkg.flags = new
                if new == old or not new & IMPORTS_LOADED:
                    continue
                if pkg.test_of is None:
                    in_main = pkg.mod.path == main and pkg.mod.version == ""
                    closes = self.all_closes_over_tests and bool(new & IN_ALL)
                    if (self.all_pattern_is_root and in_main) or (self.all_pattern_is_root and closes) or (
                            self.load_tests and new & IS_ROOT):
                        self._pkg_test(pkg, IN_ALL if in_main or closes else 0)
                # Imports that already have what this gives are not queued (flags only grow; an import
                # is never a test, so IN_ALL makes it a root too): 2.4 % of a tidy's instructions.
                if new & IN_ALL and (old & (IN_ALL | IMPORTS_LOADED)) != (IN_ALL | IMPORTS_LOADED):
                    want = _IN_ALL_ROOT if self.all_pattern_is_root else IN_ALL
                    work.extend([(dep, IN_ALL) for dep in pkg.imports if dep.flags & want != want])
                if new & FROM_ROOT and (old & (FROM_ROOT | IMPORTS_LOADED)) != (FROM_ROOT | IMPORTS_LOADED):
                    work.extend([(dep, FROM_ROOT) for dep in pkg.imports if not dep.flags & FROM_ROOT])
        finally:
            self._applying = False

    def _pkg_test(self, pkg: LoadedPackage, test_flags: int) -> None:
        if pkg.test is not None:
            self._work.append((pkg.test, test_flags))
            return
        t = LoadedPackage(pkg.path, pkg)
        t.mod, t.dir, t.err, t.in_std = pkg.mod, pkg.dir, pkg.err, pkg.in_std
        t.flags = test_flags
        pkg.test = t
        import_flags = IN_ALL if t.flags & IN_ALL else 0
        t.imports = [self.pkg(p, import_flags) for p in pkg.test_imports]
        pkg.test_imports = []
        self._work.append((t, IMPORTS_LOADED))

    def _load_one(self, pkg: LoadedPackage) -> None:
        """pld.load: find the package's module and directory, scan its imports."""
        rs = self.requirements
        mg = None
        if rs.pruning == UNPRUNED:  # type: ignore[union-attr]
            mg = rs.graph()  # type: ignore[union-attr]
            if mg.find_error() is not None:
                mg = None
        try:
            found = self.import_from_modules(pkg.path, rs, mg, self.skip_import_mod_files)  # type: ignore[arg-type]
        except GomodlabError as e:
            found, pkg.err = None, e
        if pkg.path in self.tools:
            # Tools are always in "all", found or not (go.dev/issue/70582: a missing tool is an error).
            self._apply(pkg, IN_ALL)
        if found is None:
            return
        pkg.mod, pkg.dir, pkg.alt_mods = found.mod, found.dir, found.alt_mods
        if not pkg.dir:
            return
        if pkg.mod.path == self.main.path and pkg.mod.version == "":
            self._apply(pkg, IN_ALL)
        pkg.in_std = found.tree is None
        if pkg.in_std and self.load_std:
            try:
                scan = self.scan(self.std.tree, pkg.path)
            except PackageError as e:
                pkg.err = e
                return
            vendored = partial(self.std.vendored, pkg.path)
            imports: Sequence[str] = [vendored(p) for p in elide_magic_imports(scan.imports)]
            test_imports: Sequence[str] = [vendored(p) for p in elide_magic_imports(scan.test_imports)]
            pkg.files, pkg.excluded = tuple(scan.files), tuple(scan.excluded)
        elif pkg.in_std:
            imports, test_imports = (), ()
        else:
            try:
                scan = self.scan(found.tree, found.rel)  # type: ignore[arg-type]
            except PackageError as e:
                pkg.err = e
                return
            elided = self._elided.get(id(scan))
            if elided is None:  # once per directory, not once per load pass
                elided = (elide_magic_imports(scan.imports), elide_magic_imports(scan.test_imports))
                self._elided[id(scan)] = elided
            imports, test_imports = elided
            pkg.files, pkg.excluded = scan.files, scan.excluded
        flags = IN_ALL if pkg.flags & IN_ALL else 0
        pkg.imports = [self.pkg(p, flags) for p in imports]
        pkg.test_imports = list(test_imports)
        self._apply(pkg, IMPORTS_LOADED)

    def scan(self, tree: ModuleTree, rel: str) -> DirScan:
        """imports.ScanDir of one directory with the loader's tags (cached per tree and directory)."""
        key = (id(tree), rel)
        got = self._scans.get(key)
        if got is None:
            d = join_rel(tree.dir, rel)
            # modload scanDir: the module index for the module cache, and for a local directory
            # whose files all settled more than 2 s ago; imports.ScanDir otherwise.
            got = scan_in_tree(tree, rel, d, self.tags, self.use_index and (not tree.is_local or index_applies(d)))
            self._scans[key] = got
        if isinstance(got, PackageError):
            raise got
        return got

    def _build_stacks(self) -> None:
        pkgs = self.pkgs = []
        on_stack: set[int] = set()
        for p in self.roots:
            on_stack.add(id(p))
            pkgs.append(p)
        i = 0
        while i < len(pkgs):
            p = pkgs[i]
            i += 1
            for nxt in p.imports:
                if id(nxt) not in on_stack:
                    on_stack.add(id(nxt))
                    nxt.stack = p
                    pkgs.append(nxt)
            t = p.test
            if t is not None and id(t) not in on_stack:
                on_stack.add(id(t))
                t.stack = p
                pkgs.append(t)
        for p in self.roots:
            p.stack = None

    def _update_requirements(self) -> bool:
        rs = self.requirements
        assert rs is not None
        main = self.main.path
        direct: set[str] = set() if self.tags == ANY_TAGS else set(rs.direct)
        too_new = [p.err for p in self.pkgs if isinstance(p.err, TooNewError)]
        if too_new:
            # The highest go version needed wins (a toolchain switch would aim at it).
            raise max(too_new, key=lambda e: gover.sort_key(e.go_version))
        for pkg in self.pkgs:
            if pkg.mod.version != "" or pkg.mod.path != main:
                continue
            for dep in pkg.imports:
                if dep.from_external_module(main):
                    direct.add(dep.mod.path)
        add: Sequence[Module] = ()
        if self.tidy:
            add = tidy_roots(self, rs, self.pkgs).roots
        new = update_roots(direct, rs, self.pkgs, add)
        changed = False
        if new.go_version != rs.go_version:
            changed = True
        elif new is not rs and new.roots != rs.roots:
            mg = new.checked_graph()
            for pkg in self.pkgs:
                if pkg.from_external_module(main) and mg.selected(pkg.mod.path) != pkg.mod.version:
                    changed = True
                    break
                if pkg.err is not None:
                    try:
                        self.import_from_modules(pkg.path, new, None, self.skip_import_mod_files)
                    except GomodlabError:
                        continue
                    changed = True
                    break
        self.requirements = new
        return changed

    # -- the main module's packages --------------------------------------------------------

    def root_packages(self) -> list[str]:
        """The roots of "all" (load.go's "all" match before loading): the main module's packages,
        then its ``tool`` directives' packages."""
        return self.main_packages() + list(self.tools)

    def main_packages(self) -> list[str]:
        """matchPackages(all) over the main module: every directory with a Go file the tags build."""
        if self._main_pkgs is not None:
            return self._main_pkgs
        tree = self.files.main_tree
        out: list[str] = []
        relative, anywhere = _ignore_patterns(os.path.join(self.loader.main_file.dir, "go.mod"))

        def walk(rel: str, elem: str) -> None:
            if rel:
                if elem.startswith((".", "_")) or elem == "testdata":
                    return
                d = f"/{rel}/"
                if any(d.startswith(p) for p in relative) or any(p in d for p in anywhere):
                    return
                entries = tree.list_dir(rel) or []
                if any(e.name == "go.mod" and not e.is_dir for e in entries):
                    return
            else:
                entries = tree.list_dir(rel) or []
            try:
                self.scan(tree, rel)
                out.append(f"{self.main.path}/{rel}" if rel else self.main.path)
            except NoGoError:
                pass
            except PackageError:
                out.append(f"{self.main.path}/{rel}" if rel else self.main.path)
            if elem == "vendor":
                return
            for e in entries:
                if e.is_dir and not e.is_link:
                    walk(f"{rel}/{e.name}" if rel else e.name, e.name)

        walk("", "")
        out.sort()
        self._main_pkgs = out
        return out

    def import_path_error(self, path: str) -> str:
        """module.CheckImportPath's complaint about ``path`` (``""``: valid), remembered: the same
        paths are checked on every pass."""
        got = self._path_errors.get(path)
        if got is None:
            try:
                modpath.check_import_path(path)
                got = ""
            except GomodlabError as e:
                got = str(e)
            self._path_errors[path] = got
        return got

    # -- import → module -------------------------------------------------------------------

    def _facts_of(self, path: str) -> str | object | tuple[bool, tuple[str, ...]]:
        """What importFromModules checks of ``path`` before looking at any module: why it is not
        importable (a message), :data:`_CGO` for ``C``, else whether it is a standard-library
        path and its module-path prefixes."""
        if path == "C":
            return _CGO
        return (invalid_import_reason(path) or self.import_path_error(path)
                or (is_standard_import_path(path), module_prefixes(path)))

    def import_from_modules(self, path: str, rs: Requirements, mg, skip_mod_file: bool) -> _Found:  # noqa: ANN001
        """importFromModules: the one module of the build list holding package ``path``.

        With ``mg`` None the roots are tried first, then the whole graph. Raises a
        :class:`~gomodlab.load.importerrors.PackageError` (or the graph's BuildListError).
        """
        facts = self._path_facts.get(path)
        if facts is None:
            facts = self._path_facts[path] = self._facts_of(path)
        if isinstance(facts, str):
            raise InvalidImportError(path, facts)
        if facts is _CGO:
            return _Found(_NO_MODULE, None, "", "", [])
        path_is_std, prefixes = facts

        dirs: list[str] = []
        trees: list[ModuleTree | None] = []
        rels: list[str] = []
        mods: list[Module] = []
        if path_is_std and self.std.has_package(path):
            dirs.append(self.std.dir_of(path))
            trees.append(None)
            rels.append("")
            mods.append(_NO_MODULE)
        in_module = self._in_module
        main_path = rs.loader.main.path
        while True:
            alt_mods: list[Module] = []
            max_root = rs.max_root
            for p in prefixes:
                if mg is None:
                    v = "" if p == main_path else max_root.get(p)  # rs.root_selected, inlined
                    if v is None:
                        continue
                else:
                    v = mg.selected(p)
                if v == NONE:
                    continue
                key = (p, v, path)
                where = in_module.get(key, False)
                if where is False:
                    m = Module(p, v)
                    tree = self.files.tree(m)
                    rel, ok = dir_in_module(path, p, tree)
                    where = None if rel is None else (m, tree, rel, ok, join_rel(tree.dir, rel) if ok else "")
                    in_module[key] = where
                if where is None:
                    continue
                if where[3]:
                    mods.append(where[0])
                    trees.append(where[1])
                    rels.append(where[2])
                    dirs.append(where[4])
                else:
                    alt_mods.append(where[0])
            if len(mods) > 1:
                raise AmbiguousImportError(path, dirs[::-1], mods[::-1])
            if len(mods) == 1:
                m = mods[0]
                if not skip_mod_file and m.path != "" and m.path != self.main.path:
                    self.loader.summary(m)
                return _Found(m, trees[0], rels[0], dirs[0], alt_mods)
            if mg is not None:
                raise ImportMissingError(path, is_std=path_is_std, std_dir=self.std.dir_of(path))
            mg = rs.checked_graph()


def _ignore_patterns(gomod: str) -> tuple[list[str], list[str]]:
    """search.NewIgnorePatterns of the main go.mod's ``ignore`` lines: (``./``-relative ones, ones
    matching at any depth), each as ``/dir/`` to compare with ``/rel/dir/``."""
    try:
        data = read_bytes(gomod)
    except OSError:
        return [], []
    return ignore_patterns_of(data, gomod)


def ignore_patterns_of(data: bytes, gomod: str) -> tuple[list[str], list[str]]:
    """The ``ignore`` patterns of go.mod bytes ``data`` (``gomod`` names the file), as
    :func:`_ignore_patterns` gives them; none when the file does not parse."""
    if b"ignore" not in data:
        return [], []
    from ..mod.modfile import parse_gomod

    try:
        lines = parse_gomod(data, gomod, lax=True).ignore
    except GomodlabError:
        return [], []
    relative, anywhere = [], []
    for ig in lines:
        p, rel = (ig.path[2:], True) if ig.path.startswith("./") else (ig.path, False)
        p = "/" + p.strip("/") + "/" if p.strip("/") else "/"
        (relative if rel else anywhere).append(p)
    return relative, anywhere


def _log_line(text: str) -> str:
    """log.Printf (base.Errorf): a newline added only when the text has none."""
    return text if text.endswith("\n") else text + "\n"


def _expand_graph(rs: Requirements) -> Requirements:
    """expandGraph: roots made consistent with the full graph (errors raised)."""
    mg = rs.checked_graph()
    main = rs.loader.main.path
    roots = mg.graph.required_by(Module(main, "")) or ()
    if all(mg.selected(m.path) == m.version for m in roots):
        return rs
    new = update_roots(rs.direct, rs, None, ())
    new.checked_graph()
    return new
