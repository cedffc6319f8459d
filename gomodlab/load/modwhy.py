"""``go mod why`` in-process (cmd/go/internal/modcmd/why.go over modload's LoadPackages and ListModules).

:func:`why` answers what ``go mod why [-m] [-vendor] ARGS`` prints without running go (GOROOT's
source is read only when a standard package is asked about, as go reads it):

1. **Arguments.** Packages: CleanPatterns, then each pattern matched as go matches it — a literal
   import path stands for itself, ``./dir`` for the package in that directory (relative to
   ``main_dir``), ``std``/``cmd`` for GOROOT's packages in go/build's default context, ``all`` for
   the "all" pattern, ``tool`` for the go.mod's tools, ``x/...`` for the packages of the build list
   (and GOROOT) it matches outside ``ignore`` directives, warning ``go: warning: "x/..." matched
   no packages`` for none; errors matching a pattern are silenced, as go's SilencePackageErrors
   does. These packages are loaded first, as go loads them, and the "all" load starts from the
   requirements that load leaves. Modules (``-m``): a ``@version``, a relative path or a
   backslash is refused, each path is looked up in the build list (``all`` and ``...`` patterns
   match its modules, ``warning: pattern … matched no module dependencies`` for none).
2. **The "all" load** (:class:`gomodlab.load.packages.PackageLoader`): tests of every package in
   "all" loaded too, unless ``-vendor`` (UseVendorAll: tests of the main module only, whatever the
   go line); nothing looked up, package errors silenced; standard packages loaded with their
   imports when one is asked about (GOROOT/src indexed between runs, :mod:`gomodlab.load.dirindex`).
3. **Stanzas**: ``# PKG`` then the import chain from the main module (LoadedPackage.why, tests as
   ``pkg.test``), or ``(main module does not need [to vendor] package PKG)``; with ``-m`` the
   chain to the module's package nearest the main module (WhyDepth; the first in path order on
   a tie), or ``(main module does not need [to vendor] module M)``.

GOFLAGS sets ``-m``, ``-vendor`` and ``-modfile`` as go's SetFromGOFLAGS does; it has no ``-mod``
to set: go mod why always runs as ``-mod=mod``, so a vendor directory is never checked nor read.
Where go fails (no go.mod, the module graph, a bad ``-m`` argument) :class:`WhyRefused` carries
go's stderr and exit status.
"""

from __future__ import annotations

import os
import platform
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..errors import GomodlabError, GoRefusal, SourceError
from ..mod import gover
from ..mod.buildconstraint import UNIX_OS, Tags, match_file, should_build, tags
from ..mod.goimports import GoSourceError, read_imports
from ..mod.gostrings import quote
from ..mod.pkgpattern import clean_patterns, is_local_import, is_meta_package, match_pattern, tree_can_match
from ._fileio import read_bytes
from .gomod_summary import SummaryCache, UNPRUNED
from .importerrors import NoGoError, PackageError
from .goswitch import GoExit, locate_main, read_main, switches
from .locate import go_env_value
from .modfiles import DiskTree, ModuleFiles, ModuleTree, StdLib, dir_in_module, find_goroot, is_standard_import_path
from .modload import Loader
from .modtidy import initial_requirements
from .mvs import Module
from .packagegraph import PackageGraph
from .packages import LoadRefused, PackageLoader, _ignore_patterns, ignore_patterns_of
from .requirements import IN_ALL, GoPanic, Requirements
from .sources import GoModSource, source_for

__all__ = ["why", "WhyResult", "WhyRecord", "WhyRefused"]


class WhyRefused(GoRefusal):
    """go mod why fails: ``stderr`` is what go prints, ``exit_status`` what it exits with."""

    def __init__(self, stderr: str, exit_status: int = 1) -> None:
        super().__init__(stderr)
        self.exit_status = exit_status


@dataclass(frozen=True)
class WhyRecord:
    """One stanza: the ``target`` package or module (``kind``), and ``path``, the import chain from
    the main module to it (tests as ``pkg.test``; empty when the main module does not need it)."""

    target: str
    kind: str
    path: tuple[str, ...]

    @property
    def needed(self) -> bool:
        return bool(self.path)

    def stanza(self, vendor: bool = False) -> str:
        """The stanza as go prints it (without the blank line between stanzas)."""
        body = "".join(p + "\n" for p in self.path) or (
            f"(main module does not need{' to vendor' if vendor else ''} {self.kind} {self.target})\n")
        return f"# {self.target}\n{body}"

    def to_json(self) -> dict[str, object]:
        return {self.kind: self.target, "path": list(self.path), "needed": self.needed}


@dataclass(frozen=True)
class WhyResult:
    """What ``go mod why`` prints: ``records`` (stdout, :meth:`text`) and ``stderr`` (warnings);
    ``packages`` is the "all" load the answers come from."""

    records: tuple[WhyRecord, ...]
    vendor: bool
    stderr: str
    packages: PackageGraph

    def text(self) -> str:
        return "\n".join(r.stanza(self.vendor) for r in self.records)


def why(targets: Sequence[str], main_dir: str | os.PathLike[str] = ".", source: GoModSource | None = None, *,
        modules: bool | None = None, vendor: bool | None = None, modcache: str | None = None,
        goroot: str | None = None, modfile: str | None = None) -> WhyResult:
    """What ``go mod why [-m] [-vendor] [-modfile FILE] TARGETS`` run in ``main_dir`` prints.

    ``targets`` are package patterns (module paths with ``modules``); ``source`` supplies the
    dependencies' go.mod files and zips (default: go's module cache), ``modcache`` the module
    cache read, ``goroot`` the standard library (default: the installed go's, if any), ``modfile``
    the go.mod read instead of the module root's. Flags left None are GOFLAGS's, as go takes
    them (``GOFLAGS=-m`` makes every go mod why a ``-m`` one). A vendor directory changes
    nothing: go mod why always runs as -mod=mod (modload setDefaultBuildMod) and has no -mod flag
    for GOFLAGS to set. Raises :class:`WhyRefused` where go fails.
    """
    # go's order: main's chdir (-C), the flags (GOFLAGS among them), runWhy's check of -m's
    # arguments, then the module root.
    if not os.path.isdir(main_dir):
        reason = "not a directory" if os.path.exists(main_dir) else "no such file or directory"
        raise WhyRefused(f"go: chdir {os.fspath(main_dir)}: {reason}\n")
    try:
        sw = switches("mod why", modfile=modfile)
    except GoExit as e:
        raise WhyRefused(e.text + "\n", e.code) from None
    modules = "m" in sw.flags if modules is None else modules
    vendor = "vendor" in sw.flags if vendor is None else vendor
    if modules:
        for arg in targets:
            if "@" in arg:
                raise WhyRefused(f"go: {arg}: 'go mod why' requires a module path, not a version query\n")
    src = source if source is not None else source_for(modcache)
    try:
        root, gomod = locate_main(sw, main_dir)
    except GoExit as e:
        raise WhyRefused(e.text + "\n", e.code) from None
    except SourceError:
        raise WhyRefused("go: go.mod file not found in current directory or any parent directory; "
                         "see 'go help modules'\n") from None
    from .query import version_fixer

    try:
        main_file = read_main(gomod, root, fix=version_fixer(src, []))
    except GoRefusal:
        raise
    except (GomodlabError, OSError) as e:
        raise WhyRefused(f"go: {e}\n") from None
    files = ModuleFiles(main_file, src, modcache)
    summaries = SummaryCache.for_modcache(files.modcache) if hasattr(src, "stamp") else None
    loader = Loader(main_file, src, summaries)
    std = StdLib(goroot if goroot is not None else find_goroot(), indexed=True)
    stderr: list[str] = []
    # Relative patterns are relative to the directory go runs in (main_dir), the module root may
    # lie above it.
    dirs = _Dirs(os.path.realpath(main_dir), root)
    matches: list[tuple[str, list[str] | None]] = []
    try:
        rs = initial_requirements(loader, main_file, "", stderr, add_go_line=False)
        if modules:
            mods = _list_modules(targets, rs, stderr)
        else:
            # LoadPackages(args): the named packages loaded as roots, whose requirements (updated
            # in memory, go.mod is not written) the "all" load then starts from.
            patterns = clean_patterns(targets)
            calls = 0

            def list_roots(r: Requirements) -> list[str]:
                nonlocal calls
                calls += 1
                return [p for pat in patterns for p in _match(named, pat, dirs, r) or ()]

            named = PackageLoader(loader, files, std, load_tests=not vendor, resolve_missing=False,
                                  use_vendor_all=vendor, silence_package_errors=True, load_std="all" in patterns,
                                  list_roots=list_roots)
            named.all_pattern_is_root = "all" in patterns
            named.stderr[:0] = stderr
            named.load(rs)
            named.exit_if_errors()
            rs = named.requirements  # type: ignore[assignment]
            # updateMatches appends the tools to the "tool" match on every call without clearing
            # it: once per loading pass and once more at the end, so go lists each tool that often.
            matches = [(pat, list(named.tools) * (calls + 1) if pat == "tool" else
                        _match(named, pat, dirs, rs, final=True)) for pat in patterns]
            stderr = named.stderr
            stderr.extend(f"go: warning: {quote(pat)} matched no packages\n" for pat, pkgs in matches if pkgs == [])
        pld = PackageLoader(loader, files, std, load_tests=not vendor, resolve_missing=False,
                            use_vendor_all=vendor, silence_package_errors=True,
                            load_std=any(is_standard_import_path(p) for _, pkgs in matches for p in pkgs or ()))
        pld.stderr[:0] = stderr
        pld.load(rs)
        pld.exit_if_errors()
    except (LoadRefused, GoPanic) as e:
        raise WhyRefused(e.stderr) from None
    loader.save_cache()
    std.save_index()
    if modules:
        records = _module_records(pld, mods)
    else:
        records = [WhyRecord(p, "package", _chain(pld, p)) for _, pkgs in matches for p in pkgs or ()]
    return WhyResult(tuple(records), vendor, "".join(pld.stderr), PackageGraph(pld))


def _chain(pld: PackageLoader, path: str) -> tuple[str, ...]:
    """Why(path): the loaded package's import chain, one package per element."""
    pkg = pld.cache.get(path)
    return tuple(pkg.why().splitlines()) if pkg is not None else ()


def _depth(pld: PackageLoader, path: str) -> int:
    """WhyDepth(path): the number of packages on its chain (0: not loaded)."""
    n, p = 0, pld.cache.get(path)
    while p is not None:
        n, p = n + 1, p.stack
    return n


def _module_records(pld: PackageLoader, mods: Sequence[str]) -> list[WhyRecord]:
    """-m: for each module, the chain to its package nearest the main module."""
    by_module: dict[str, list[str]] = {}
    for path in sorted(p.path for p in pld.pkgs if p.test_of is None):
        m = pld.cache[path].mod.path
        if m:
            by_module.setdefault(m, []).append(path)
    out = []
    for m in mods:
        best, best_depth = "", 1_000_000_000
        for path in by_module.get(m, ()):
            d = _depth(pld, path)
            if 0 < d < best_depth:
                best, best_depth = path, d
        out.append(WhyRecord(m, "module", _chain(pld, best) if best else ()))
    return out


def _list_modules(args: Sequence[str], rs: Requirements, stderr: list[str]) -> list[str]:
    """ListModules(args): the module path of each stanza, in order (paths not in the build list
    included: why says the main module does not need them; no arguments: the main module)."""
    if not args:
        return [rs.loader.main.path]
    need_graph = False
    for arg in args:
        if "\\" in arg:
            raise WhyRefused("go: module paths never use backslash\n")
        if arg in (".", "..") or arg.startswith(("./", "../")):
            raise WhyRefused(f"go: cannot use relative path {arg} to specify module\n")
        if arg == "all" or "..." in arg or rs.root_selected(arg) is None or rs.pruning == UNPRUNED:
            need_graph = True
    mg = rs.graph() if need_graph else None
    out: list[str] = []
    matched: set[Module] = set()
    for arg in args:
        if arg != "all" and "..." not in arg:
            out.append(arg)
            continue
        match = match_pattern(arg) if arg != "all" else (lambda p: True)
        found = [m for m in mg.build_list() if match(m.path) and not gover.is_toolchain(m.path)]  # type: ignore[union-attr]
        new = [m for m in found if m not in matched]
        matched.update(new)
        if not found:
            stderr.append(f"warning: pattern {quote(arg)} matched no module dependencies\n")
        out.extend(m.path for m in new)
    err = mg.find_error() if mg is not None else None
    if err is not None:
        raise WhyRefused("".join(stderr) + f"go: {err}\n")
    return out


class _Dirs(NamedTuple):
    """Where go runs (``cwd``, what relative patterns are relative to) and the main module's root."""

    cwd: str
    root: str


def _match(pld: PackageLoader, pattern: str, dirs: _Dirs, rs: Requirements, *, final: bool = False) -> list[str] | None:
    """updateMatches for one pattern, against the requirements ``rs``: its packages (None:
    matching failed, silently, as go's SilencePackageErrors has it; []: it matched none). ``all``
    is the main module's packages and tools while loading, the whole "all" pattern when ``final``."""
    if is_local_import(pattern) or os.path.isabs(pattern):
        if "..." in pattern:
            return _match_local_dirs(pld, pattern, dirs)
        pkg = _resolve_local_package(pld, pattern, dirs)
        return [pkg] if pkg else None
    if "..." not in pattern and not is_meta_package(pattern):
        return [pattern]
    if pattern == "all":
        if not final:
            return pld.root_packages()
        return sorted(p.path for p in pld.pkgs if p.test_of is None and p.flags & IN_ALL)
    if pattern in ("std", "cmd"):
        return _match_goroot(pld, pattern)
    if pattern == "work":
        return _match_modules(pld, pattern, [pld.main], with_std=False)
    if pattern == "tool":
        return list(pld.tools)
    return _match_modules(pld, pattern, rs.graph().build_list(), with_std=True)


def _match_goroot(pld: PackageLoader, pattern: str) -> list[str]:
    """search.MatchPackages for ``std`` / ``cmd``: GOROOT's package directories."""
    std = pld.std
    if std.goroot is None:
        return []
    out: list[str] = []
    tree = std.tree
    root = "cmd" if pattern == "cmd" else ""
    tags = _default_tags(std.goroot)
    skip = {"builtin"} if _cgo_enabled() else {"builtin", "runtime/cgo"}

    def walk(rel: str) -> None:
        for e in tree.list_dir(rel) or ():
            if not e.is_dir or e.is_link:
                continue
            name = f"{rel}/{e.name}" if rel else e.name
            if e.name.startswith((".", "_")) or e.name == "testdata":
                continue
            if pattern == "std" and (not is_standard_import_path(name) or name == "cmd"):
                continue
            if name not in skip and _has_go_files(tree, name, tags):
                if not (pattern == "cmd" and name.startswith("cmd/vendor/") and _is_main(tree, name)):
                    out.append(name)
            walk(name)

    if root:
        if _has_go_files(tree, root, tags):
            out.append(root)
    walk(root)
    return out


def _match_modules(pld: PackageLoader, pattern: str, mods: Sequence[Module], *, with_std: bool) -> list[str]:
    """modload matchPackages: the packages of ``mods`` (and GOROOT) the wildcard pattern matches."""
    is_match = match_pattern(pattern) if not is_meta_package(pattern) else (lambda p: True)
    can_match = tree_can_match(pattern) if not is_meta_package(pattern) else (lambda p: True)
    have = {"builtin"} if _cgo_enabled() else {"builtin", "runtime/cgo"}
    out: list[str] = []

    def walk(tree: ModuleTree, rel: str, prefix: str, *, prune_gomod: bool, prune_vendor: bool,
             ignore: tuple[list[str], list[str]] = ([], [])) -> None:
        name = f"{prefix}/{rel}" if prefix and rel else prefix or rel
        elem = rel.rsplit("/", 1)[-1]
        entries = tree.list_dir(rel) or []
        if rel:
            if elem.startswith((".", "_")) or elem == "testdata":
                return
            d = f"/{rel}/"
            if any(d.startswith(p) for p in ignore[0]) or any(p in d for p in ignore[1]):
                return
            if prune_gomod and any(e.name == "go.mod" and not e.is_dir for e in entries):
                return
        if name and not can_match(name):   # GOROOT/src itself holds no package: always walked
            return
        if name and name not in have:
            have.add(name)
            if is_match(name):
                try:
                    pld.scan(tree, rel)
                    out.append(name)
                except NoGoError:
                    pass
                except PackageError:
                    out.append(name)
        if rel and elem == "vendor" and prune_vendor:
            return
        for e in entries:
            if e.is_dir and not e.is_link:
                walk(tree, f"{rel}/{e.name}" if rel else e.name, prefix, prune_gomod=prune_gomod,
                     prune_vendor=prune_vendor, ignore=ignore)

    if with_std and pld.std.goroot is not None:
        walk(pld.std.tree, "", "", prune_gomod=True, prune_vendor=False)
        if can_match("cmd"):
            walk(pld.std.tree, "cmd", "", prune_gomod=False, prune_vendor=False)
    for m in mods:
        if gover.is_toolchain(m.path) or not can_match(m.path):
            continue
        try:
            tree = pld.files.main_tree if m == pld.main else pld.files.tree(m)
        except GomodlabError:
            continue
        walk(tree, "", m.path, prune_gomod=tree.is_local, prune_vendor=True, ignore=_module_ignores(pld, m, tree))
    return sorted(out)


def _module_ignores(pld: PackageLoader, m: Module, tree: ModuleTree) -> tuple[list[str], list[str]]:
    """parseIgnorePatterns: the ignore directives of the main go.mod, or of a module's own go.mod."""
    if m == pld.main:
        return _ignore_patterns(os.path.join(pld.loader.main_file.dir, "go.mod"))
    try:
        data = tree.read("go.mod")
    except (OSError, GomodlabError):
        return [], []
    return ignore_patterns_of(data, f"{m.path}@{m.version}/go.mod")


def _match_local_dirs(pld: PackageLoader, pattern: str, dirs: _Dirs) -> list[str] | None:
    """A ``./dir/...`` pattern: the packages of the main module under dir (matchLocalDirs and
    MatchDirs; anything outside the main module fails to match, silently)."""
    root = dirs.root
    i = pattern.index("...")
    abs_dir = os.path.normpath(os.path.join(dirs.cwd, os.path.dirname(os.path.normpath(pattern[:i + 3]))))
    if abs_dir != root and not abs_dir.startswith(root + os.sep):
        return None
    rel = os.path.relpath(abs_dir, root).replace(os.sep, "/")
    base = pld.main.path if rel == "." else f"{pld.main.path}/{rel}"
    rel_pattern = os.path.relpath(os.path.normpath(os.path.join(dirs.cwd, pattern)), root).replace(os.sep, "/")
    import_pattern = pld.main.path if rel_pattern == "." else f"{pld.main.path}/{rel_pattern}"
    pkgs = _match_modules(pld, import_pattern, [pld.main], with_std=False)
    return [p for p in pkgs if p == base or p.startswith(base + "/")]


def _resolve_local_package(pld: PackageLoader, d: str, dirs: _Dirs) -> str:
    """resolveLocalPackage: the import path of the package in directory ``d`` ("" when go fails:
    no Go files, outside the main module and GOROOT, a nested module, a vendor directory)."""
    root = dirs.root
    abs_dir = os.path.normpath(os.path.join(dirs.cwd, d))
    try:
        names = os.listdir(abs_dir)
    except OSError:
        return ""
    if not any(n.endswith(".go") and not n.startswith((".", "_")) and os.path.isfile(os.path.join(abs_dir, n))
               for n in names):
        return ""
    if abs_dir == root:
        return pld.main.path
    if abs_dir.startswith(root + os.sep) and "@" not in abs_dir[len(root):]:
        suffix = abs_dir[len(root) + 1:].replace(os.sep, "/")
        if suffix.startswith("vendor/"):
            return ""
        pkg = f"{pld.main.path}/{suffix}"
        rel, ok = dir_in_module(pkg, pld.main.path, pld.files.main_tree)
        return pkg if rel is not None and ok else ""
    std = pld.std
    if std.goroot is not None:
        src = os.path.realpath(std.src)
        if abs_dir.startswith(src + os.sep):
            sub = abs_dir[len(src) + 1:].replace(os.sep, "/")
            return "" if sub == "builtin" or "@" in sub else sub
    return ""


def _has_go_files(tree: DiskTree, rel: str, tags: Tags) -> bool:
    """build.ImportDir's test in search.MatchPackages: a .go file the default build context
    builds (test files count; one importing "C" only with cgo on)."""
    for e in tree.list_dir(rel) or ():
        if e.kind != "file" or not e.name.endswith(".go") or e.name.startswith((".", "_")):
            continue
        if not match_file(e.name, tags):
            continue
        data = tree.read(f"{rel}/{e.name}")
        if not should_build(data, tags):
            continue
        if "cgo" not in tags.names:
            try:
                if any(spec.path == "C" for spec in read_imports(data, e.name).imports):
                    continue
            except GoSourceError:
                pass
        return True
    return False


_REGABI_ARCHES = frozenset({"amd64", "arm64", "loong64", "ppc64le", "ppc64", "riscv64", "s390x"})


def _default_tags(goroot: str) -> Tags:
    """go/build's Default context as far as it is known without running go: GOOS and GOARCH (go
    env, or this machine's), ``unix``, ``gc``, ``cgo`` unless CGO_ENABLED=0, the release tags
    go1.1… of the go this kit speaks for, and the ``goexperiment.*`` tags of GOROOT's baseline
    (internal/buildcfg ParseGOEXPERIMENT) changed by $GOEXPERIMENT."""
    goos = go_env_value("GOOS") or {"win32": "windows", "cygwin": "windows"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower()
    goarch = go_env_value("GOARCH") or {"x86_64": "amd64", "aarch64": "arm64", "i686": "386", "i386": "386",
                                         "armv7l": "arm"}.get(machine, machine)
    names = {goos, goarch, "gc", *(f"go1.{i}" for i in range(1, int(gover.LOCAL_GO_VERSION.split(".")[1]) + 1))}
    if _cgo_enabled():
        names.add("cgo")
    if goarch == "amd64":
        names.add("amd64.v1")
    if goos in UNIX_OS:
        names.add("unix")
    names.update(f"goexperiment.{x}" for x in _experiments(goroot, goos, goarch))
    return tags(*names, goos=goos)


def _cgo_enabled() -> bool:
    return go_env_value("CGO_ENABLED") != "0"


def _experiments(goroot: str, goos: str, goarch: str) -> set[str]:
    """The experiments on: exp.go's ``baseline`` fields, then $GOEXPERIMENT's ``x``/``nox``."""
    on: set[str] = set()
    try:
        text = read_bytes(os.path.join(goroot, "src", "internal", "buildcfg", "exp.go")).decode("utf-8", "replace")
    except OSError:
        return on
    block = re.search(r"baseline := goexperiment\.Flags\{(.*?)\n\t\}", text, re.DOTALL)
    values = {"true": True, "regabiSupported": goarch in _REGABI_ARCHES,
              "dwarf5Supported": goos not in ("darwin", "ios", "aix")}
    for name, value in re.findall(r"(\w+):\s*(\w+),", block.group(1) if block else ""):
        if values.get(value, False):
            on.add(name.lower())
    for f in go_env_value("GOEXPERIMENT").split(","):
        if f == "none":
            on.clear()
        elif f == "regabi" or f == "noregabi":
            (on.update if f == "regabi" else on.difference_update)({"regabiwrappers", "regabiargs"})
        elif f.startswith("no"):
            on.discard(f[2:])
        elif f:
            on.add(f)
    return on


def _is_main(tree: DiskTree, rel: str) -> bool:
    """Whether a cmd/vendor directory holds a main package (go list cmd skips those)."""
    for e in tree.list_dir(rel) or ():
        if e.kind == "file" and e.name.endswith(".go") and not e.name.endswith("_test.go"):
            try:
                return read_imports(tree.read(f"{rel}/{e.name}"), e.name).package == "main"
            except GoSourceError:
                return False
    return False
