"""``go mod tidy`` in-process (cmd/go/internal/modcmd/tidy.go over modload's LoadPackages).

:func:`tidy` computes the go.mod and go.sum ``go mod tidy`` writes, byte for byte, without a Go
toolchain:

1. **Read the main go.mod** (init.go ``loadModFile``): its roots, ``go: dropping requirement on
   excluded version …`` for each excluded one, a missing go line becoming ``go <running go>``
   (or ``-go``) with every module of the build list made a root.
2. **Load "all" with tests** (:class:`gomodlab.load.packages.PackageLoader`, ``Tidy`` set):
   missing imports looked up (``go: finding module for package …``, ``go: found … in …``), the
   roots raised until stable, then trimmed to tidy's (:func:`gomodlab.load.requirements.tidy_roots`);
   ``-go=V`` loads with V's pruning and then sets the go root, failing if a dependency needs more.
3. **Compatibility** (``-compat``, default the release before the go line below go 1.21): when
   that release prunes differently, every package must resolve to the same module in its graph
   (``checkTidyCompatibility``), and the go.sum lines it needs are kept too.
4. **go.sum** (init.go ``keepSums``, modfetch ``TrimGoSum``/``WriteGoSum``): the go.mod hash of
   every module whose requirements are in the graph, the go.mod of every module providing a
   package (go >= 1.21), the zip of every module that could provide a loaded package; lines for
   anything else dropped; untouched bytes when nothing changes.
5. **go.mod** (init.go ``UpdateGoModFromReqs``) through :func:`gomodlab.mod.modedit.update_gomod`.

What go refuses raises :class:`TidyRefused` (a GoRefusal: ``stderr`` is go's, exit status 1). Not
modelled: workspaces (tidy ignores go.work as go does), toolchain switching,
``go: downloading`` lines (a warm module cache prints none).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import GomodlabError, GoRefusal
from ..mod import godiff, gover, modpath
from ..mod.dirhash import hash_gomod
from ..mod.modedit import format_as_read, update_gomod
from ..mod.modfile import GoModSyntaxError, LocatedError
from ._fileio import read_bytes
from .gomod_summary import PRUNED, SummaryCache, pruning_for
from .gosum import GOSUM_MISMATCH, GoSum, GoSumFatal
from .importerrors import ImportMissingError
from .locate import find_main_gomod, short_path
from .main_module import MainModFile
from .modfiles import ModuleFiles, StdLib, find_goroot
from .modload import Loader
from .mvs import NONE, Module
from .output_memo import ABSENT, Signature, signature
from .packagegraph import PackageGraph
from .packages import LoadedPackage, LoadRefused, PackageLoader
from .requirements import IN_ALL, GoPanic, Requirements, convert_pruning, override_roots, update_roots
from .sources import GoModSource, source_for

if TYPE_CHECKING:
    # Imported where tidy(trace=True) needs it: every other tidy starts ~3 ms sooner without it.
    from .tidyrounds import TidyRound

__all__ = ["tidy", "TidyResult", "TidyRefused", "RequirementChange", "keep_sums"]


class TidyRefused(GoRefusal):
    """go mod tidy fails: ``stderr`` is what go prints, ``exit_status`` what it exits with."""

    def __init__(self, stderr: str, exit_status: int = 1) -> None:
        super().__init__(stderr)
        self.exit_status = exit_status


@dataclass(frozen=True)
class RequirementChange:
    """One line of the require blocks that tidy changes: ``kind`` is ``added``, ``dropped``,
    ``raised``, ``lowered``, ``now direct`` or ``now indirect``; ``why`` the package (with its
    import chain) that needs the module, or why it is not needed."""

    path: str
    kind: str
    before: str
    after: str
    why: str


@dataclass(frozen=True)
class TidyResult:
    """What ``go mod tidy`` leaves: ``gomod``/``gosum`` bytes (and what they were), the stderr go
    prints on success, the final roots and direct paths, and the loaded packages."""

    gomod: bytes
    gosum: bytes
    gomod_before: bytes
    gosum_before: bytes
    stderr: str
    roots: tuple[Module, ...]
    direct: frozenset[str]
    packages: PackageGraph
    changes: tuple[RequirementChange, ...] = field(default=())
    #: What ``-diff`` compares: go.mod as go formats what it read, go.sum as tidyGoSum rebuilds it.
    gomod_diff_before: bytes = b""
    gosum_diff_after: bytes = b""
    #: The main module's go.mod file (go.sum is beside it).
    gomod_file: str = ""
    #: Every local file and directory read, with its output_memo.signature or ABSENT; None when
    #: the answer also depends on a GOPROXY (a query, a zip or go.mod fetched): nothing to memo.
    inputs: dict[str, Signature] | None = None
    #: Whether go writes go.sum: also when the bytes stay the same, or when it writes an empty
    #: one where there was none (a hash computed on the way that tidy does not keep).
    gosum_written: bool = False
    #: With ``tidy(trace=True)``: tidy's rounds (:class:`gomodlab.load.tidyrounds.TidyRound`), in order.
    rounds: tuple[TidyRound, ...] = ()

    @property
    def gomod_changed(self) -> bool:
        return self.gomod != self.gomod_before

    @property
    def gosum_changed(self) -> bool:
        return self.gosum != self.gosum_before

    @property
    def changed(self) -> bool:
        """Whether tidy would write anything."""
        return self.gomod_changed or self.gosum_changed

    def diff(self) -> bytes:
        """What ``go mod tidy -diff`` prints (each non-empty diff followed by a newline, as
        fmt.Println prints it); it exits 1 exactly when this is not empty."""
        out = b""
        for d in (godiff.diff("current/go.mod", self.gomod_diff_before, "tidy/go.mod", self.gomod),
                  godiff.diff("current/go.sum", self.gosum_before, "tidy/go.sum", self.gosum_diff_after)):
            if d:
                out += d + b"\n"
        return out


def _check_version_flag(name: str, v: str) -> None:
    if v and not gover.go_version_ok(v):
        raise TidyRefused(f'invalid value "{v}" for flag -{name}: expecting a Go version like '
                          f'"{gover.LOCAL_GO_VERSION}"\n{_USAGE}', 2)
    if v and gover.compare(v, gover.LOCAL_GO_VERSION) > 0:
        raise TidyRefused(f'invalid value "{v}" for flag -{name}: maximum supported Go version is '
                          f'{gover.LOCAL_GO_VERSION}\n{_USAGE}', 2)


_USAGE = ("usage: go mod tidy [-e] [-v] [-x] [-diff] [-go=version] [-compat=version]\n"
          "Run 'go help mod tidy' for details.\n")


def tidy(main_dir: str | os.PathLike[str] = ".", source: GoModSource | None = None, *,
         go_version: str | None = None, compat: str | None = None, allow_errors: bool = False,
         modcache: str | None = None, goroot: str | None = None, trace: bool = False) -> TidyResult:
    """What ``go mod tidy [-e] [-go=V] [-compat=V]`` run in ``main_dir`` writes.

    ``source`` supplies dependencies' go.mod files, versions and zips (default: go's module
    cache); ``modcache`` the module cache whose extracted directories are read (and named in
    messages); ``goroot`` the standard library (default: the installed go's, if any).
    ``trace``: also record tidy's rounds (``TidyResult.rounds``, :mod:`gomodlab.load.tidyrounds`).
    """
    from .query import version_fixer

    _check_version_flag("go", go_version or "")
    _check_version_flag("compat", compat or "")
    src = source if source is not None else source_for(modcache)
    gomod = find_main_gomod(main_dir)
    resolved: list = []
    fixer = version_fixer(src, resolved)
    stderr: list[str] = []
    try:
        main_file = MainModFile.read(gomod, fix=fixer)
        before = read_bytes(gomod)
    except GoRefusal:
        raise
    except GoModSyntaxError as e:
        raise TidyRefused(_main_gomod_errors(e, gomod)) from None
    except (GomodlabError, OSError) as e:
        raise TidyRefused(f"go: {e}\n") from None
    gosum = GoSum(main_file.dir)
    try:
        st = os.stat(gosum.file)
        gosum_before = read_bytes(gosum.file)
        gosum_signature = signature(st, gosum_before)
    except FileNotFoundError:
        gosum_before, gosum_signature = b"", ABSENT  # a go.sum created later is a different input
    files = ModuleFiles(main_file, src, modcache)
    summaries = SummaryCache.for_modcache(files.modcache) if hasattr(src, "stamp") else None
    loader = Loader(main_file, src, summaries, gosum=gosum)
    std = StdLib(goroot if goroot is not None else find_goroot(), files.inputs)
    pld = PackageLoader(loader, files, std, tidy=True, allow_errors=allow_errors, tidy_go_version=go_version or "")
    try:
        rs = initial_requirements(loader, main_file, go_version or "", stderr)
        if trace:
            pld.trace = []
        pld.stderr[:0] = stderr
        pld.load(rs)
        pld.exit_if_errors()
        if not any(p.flags & IN_ALL and p.test_of is None and not pld.import_path_error(p.path) for p in pld.pkgs):
            # search.WarnUnmatched over computePatternAll.
            pld.stderr.append('go: warning: "all" matched no packages\n')
        keep = keep_sums(pld, pld.requirements, files)  # type: ignore[arg-type]
        final = pld.requirements
        assert final is not None
        go = final.go_version
        cv = compat or (gover.prev(go) if gover.compare(go, gover.GO_STRICT_VERSION) < 0 else go)
        if gover.compare(cv, go) > 0:
            cv = go
        if pruning_for(cv) != final.pruning:
            compat_rs = Requirements(loader, pruning_for(cv), final.roots, final.direct)
            _check_tidy_compatibility(pld, compat_rs, cv, main_file)
            keep |= keep_sums(pld, compat_rs, files)
        # -diff: go.sum as tidyGoSum shows it, the build list's zips kept once 1.16 is not a concern.
        diff_keep = keep_sums(pld, final, files, build_list_zips=True) if gover.compare(cv, "1.16") > 0 else keep
    except LoadRefused as e:
        raise TidyRefused(e.stderr) from None
    except GoPanic as e:
        raise TidyRefused("".join(pld.stderr) + e.stderr, e.exit_status) from None
    except GoSumFatal as e:
        raise TidyRefused("".join(pld.stderr) + e.stderr) from None
    hashes = _Hashes(loader, files)
    computed = _computed_sums(loader, files)
    new_gosum, gosum_written = _tidy_gosum(gosum, gosum_before, keep, hashes, computed)
    diff_gosum, _ = _tidy_gosum(gosum, gosum_before, keep, hashes, computed, always=True, shown=diff_keep)
    roots = [(m.path, m.version) for m in final.roots]
    new_gomod = update_gomod(before, roots, final.direct, file=gomod, fix=fixer, always_update_go=True)
    graph = PackageGraph(pld)
    loader.save_cache()
    files.save_indexes()
    inputs = None
    if summaries is not None and not (resolved or pld.querier.queried or files.used_proxy):
        inputs = {**loader.inputs, **files.inputs, gosum.file: gosum_signature}
    rounds: tuple[TidyRound, ...] = ()
    if trace:
        from .tidyrounds import build_rounds

        rounds = build_rounds(main_file, rs, pld.trace, final, gomod_file=gomod, fix=fixer, gomod_before=before,
                              gomod_after=new_gomod, gosum_before=gosum_before, gosum_after=new_gosum)
    return TidyResult(new_gomod, new_gosum, before, gosum_before, graph.stderr, final.roots, final.direct, graph,
                      tuple(_changes(main_file, final, pld)),
                      format_as_read(before, file=gomod, fix=fixer,
                                     add_go=None if main_file.go else (go_version or gover.LOCAL_GO_VERSION)),
                      diff_gosum, gomod, inputs, gosum_written=gosum_written, rounds=rounds)


def _main_gomod_errors(e: GoModSyntaxError, gomod: str) -> str:
    """modload ReadModFile's message: ``errors parsing go.mod:`` then each error, files named by
    their ShortPath (shortPathErrorList)."""
    located = "\n".join(LocatedError(x.message, file=short_path(x.file) if x.file else x.file, line=x.line,
                                      col=x.col).located() for x in e.errors)
    return f"go: errors parsing {short_path(gomod)}:\n{located}\n"


def initial_requirements(loader: Loader, main_file: MainModFile, tidy_go: str, stderr: list[str], *,
                         add_go_line: bool = True) -> Requirements:
    """loadModFile's requirements with -mod=mod (``go mod tidy``; ``go mod why`` too, which adds no
    missing go line: ``add_go_line`` False)."""
    roots, excluded = main_file.roots()
    for m in excluded:
        stderr.append(f"go: dropping requirement on excluded version {m.path} {m.version}\n")
    rs = Requirements(loader, pruning_for(main_file.go_version), roots, main_file.direct | {"go"})
    if rs.has_redundant_root():
        rs = update_roots(rs.direct, rs, None, ())
    if main_file.go is None and add_go_line:
        v = tidy_go or gover.LOCAL_GO_VERSION
        rs = override_roots(rs, [Module("go", v)])
        if gover.compare(v, gover.EXPLICIT_INDIRECT_VERSION) >= 0:
            rs = convert_pruning(rs, PRUNED)
    return rs


def _prefixes(path: str) -> list[str]:
    out = [path]
    while "/" in path:
        path = path[:path.rfind("/")]
        out.append(path)
    return out


def keep_sums(pld: PackageLoader, rs: Requirements, files: ModuleFiles, *, build_list_zips: bool = False) -> set[Module]:
    """keepSums: the go.sum entries (``M@V`` for a zip, ``M@V/go.mod`` for a go.mod) needed to
    load the same packages again from ``rs`` (``build_list_zips``: addBuildListZipSums)."""
    keep: set[Module] = set()
    resolve = files.resolve
    tidy_old = gover.compare(pld.requirements.go_version, gover.TIDY_GO_MOD_SUM_VERSION) < 0  # type: ignore[union-attr]
    keep_pkg_gomod = keep_mod_for_zip = not tidy_old
    for pkg in pld.pkgs:
        if pkg.test_of is not None or (pkg.mod.path == "" and pkg.err is None) or pld.import_path_error(pkg.path):
            continue
        if keep_pkg_gomod:
            keep.add(_modkey(resolve(pkg.mod)))
        if rs.pruning == PRUNED and pkg.mod.path != "" and rs.root_selected(pkg.mod.path) == pkg.mod.version:
            for prefix in _prefixes(pkg.path):
                v = rs.root_selected(prefix)
                if v is not None and v != NONE:
                    keep.add(resolve(Module(prefix, v)))
            continue
        mg = rs.graph()
        for prefix in _prefixes(pkg.path):
            v = mg.selected(prefix)
            if v != NONE:
                keep.add(resolve(Module(prefix, v)))
    if not rs.graph_loaded:
        for m in rs.roots:
            r = resolve(m)
            keep.add(_modkey(r))
            if build_list_zips:
                keep.add(r)
    else:
        mg = rs.graph()
        for m in mg.summaries:
            keep.add(_modkey(resolve(m)))
        if build_list_zips:
            for m in mg.build_list():
                r = resolve(m)
                if keep_mod_for_zip:
                    keep.add(_modkey(r))
                keep.add(r)
    return keep


def _modkey(m: Module) -> Module:
    return Module(m.path, m.version + "/go.mod")


class _Hashes:
    """The hashes go computes for go.sum: each go.mod it reads and each zip it downloads."""

    def __init__(self, loader: Loader, files: ModuleFiles) -> None:
        self.loader, self.files = loader, files
        self._got: dict[Module, str | None] = {}

    def of(self, m: Module) -> str | None:
        if m not in self._got:
            self._got[m] = self._hash(m)
        return self._got[m]

    def _hash(self, m: Module) -> str | None:
        if m.version.endswith("/go.mod"):
            try:
                return hash_gomod(self.loader.source.gomod(Module(m.path, m.version[:-len("/go.mod")])))
            except GomodlabError:
                return None
        try:
            return self.files.zip_hash(m)
        except GomodlabError:
            return None


def _computed_sums(loader: Loader, files: ModuleFiles) -> set[Module]:
    """The go.sum entries go computes while loading (checkGoMod for every go.mod it reads from
    the module cache or a GOPROXY, checkMod for every module whose files it uses)."""
    out = {_modkey(m) for m in loader.gomods_read() if m.version and not gover.is_toolchain(m.path)}
    out.update(m for m in files.fetched() if m.version)
    return out


def _tidy_gosum(gosum: GoSum, data: bytes, keep: set[Module], hashes: _Hashes, computed: set[Module], *,
                always: bool = False, shown: set[Module] | None = None) -> tuple[bytes, bool]:
    """TrimGoSum(keep) + WriteGoSum: the recorded lines of kept entries plus the hashes go computed
    for kept entries it did not have, and whether go writes the file — it does when an entry it
    read or ``computed`` is not kept, or a kept one is new; otherwise the bytes are untouched
    (unless ``always``: tidyGoSum for ``-diff``, where a new hash is shown only if ``shown`` keeps
    it too)."""
    recorded = gosum.recorded()
    sums: dict[tuple[str, str], list[str]] = {k: list(v) for k, v in recorded.items()}
    new: set[tuple[str, str, str]] = set()
    dirty = any(Module(*k) not in keep for k in recorded) or not computed <= keep
    for m in keep:
        if m.version in ("", "/go.mod") or gover.is_toolchain(m.path):
            continue
        h = hashes.of(m)
        if h is None:
            continue
        have = sums.setdefault((m.path, m.version), [])
        if h in have:
            continue
        bad = next((x for x in have if x.startswith("h1:")), None)
        if bad is not None:
            raise TidyRefused(f"verifying {m.path}@{m.version}: checksum mismatch\n"
                              f"\tdownloaded: {h}\n\tgo.sum:     {bad}{GOSUM_MISMATCH}")
        have.append(h)
        new.add((m.path, m.version, h))
        dirty = True
    if not dirty and not always:
        return data, False
    show = keep if shown is None else shown
    out = []
    for (path, version) in sorted(sums, key=lambda k: modpath.module_sort_key(*k)):
        m = Module(path, version)
        if m not in keep:
            continue
        for h in sorted(set(sums[(path, version)])):
            if (path, version, h) in new and m not in show:
                continue
            out.append(f"{path} {version} {h}\n")
    return "".join(out).encode(), dirty


def _check_tidy_compatibility(pld: PackageLoader, rs: Requirements, compat: str, main_file: MainModFile) -> None:
    """checkTidyCompatibility: every package must resolve to the same module under ``compat``'s graph."""
    go = rs.go_version
    main_go = main_file.go_version
    state = {"upgrade": False, "e_flag": False}

    def suggest_fixes() -> None:
        if pld.allow_errors:
            return
        go_flag = f" -go={go}" if go != main_go else ""
        compat_flag = f" -compat={compat}" if compat != gover.prev(go) else ""
        out = ["\n"]
        if state["upgrade"]:
            e_desc, e_flag = (", leaving some packages unresolved", " -e") if state["e_flag"] else ("", "")
            out.append(f"To upgrade to the versions selected by go {compat}{e_desc}:\n"
                       f"\tgo mod tidy{e_flag} -go={compat} && go mod tidy{e_flag} -go={go}{compat_flag}\n")
        elif state["e_flag"]:
            out.append(f"To proceed despite packages unresolved in go {compat}:\n\tgo mod tidy -e{go_flag}{compat_flag}\n")
        out.append(f"If reproducibility with go {compat} is not needed:\n\tgo mod tidy{go_flag} -compat={go}\n")
        out.append("For information about 'go mod tidy' compatibility, see:\n\thttps://go.dev/ref/mod#graph-pruning\n")
        pld.stderr.extend(out)

    mg = rs.graph()
    err = mg.find_error()
    if err is not None:
        pld.error(f"error loading go {compat} module graph: {err}")
        pld.switch_if_errors()
        suggest_fixes()
        pld.exit_if_errors()
        return
    mismatches: dict[int, tuple[Module, Exception | None]] = {}
    for pkg in pld.pkgs:
        if pkg.mod.path == "" and pkg.err is None:
            continue
        try:
            mod, e = pld.import_from_modules(pkg.path, rs, mg, pld.skip_import_mod_files).mod, None
        except GomodlabError as x:
            mod, e = Module("", ""), x
        if mod != pkg.mod:
            mismatches[id(pkg)] = (mod, e)
    if not mismatches:
        for m in pld.requirements.roots:  # type: ignore[union-attr]
            v = mg.selected(m.path)
            if v != m.version:
                pld.stderr.append("\n")
                raise TidyRefused("".join(pld.stderr) + (
                    f"go: internal error: failed to diagnose selected-version mismatch for module {m.path}: "
                    f"go {go} selects {m.version}, but go {compat} selects {v}\n\tPlease report this at "
                    "https://go.dev/issue.\n"))
        return
    for pkg in pld.pkgs:
        got = mismatches.get(id(pkg))
        if got is None or pkg.test_of is not None:
            continue
        mod, e = got
        if e is not None:
            if isinstance(e, ImportMissingError):
                selected = Module(pkg.mod.path, mg.selected(pkg.mod.path))
                pld.error(f"{pkg.stack_text()} loaded from {pkg.mod},\n\tbut go {compat} would fail to locate it in {selected}")
            else:
                pld.error(f"{pkg.stack_text()} loaded from {pkg.mod},\n\tbut go {compat} would fail to locate it:\n\t{e}")
            state["e_flag"] = True
            if not state["upgrade"]:
                state["upgrade"] = any(mg.selected(m.path) != m.version for m in pld.requirements.roots)  # type: ignore[union-attr]
        elif pkg.err is not None:
            state["upgrade"] = True
            pld.error(f"{pkg.path} failed to load from any module,\n\tbut go {compat} would load it from {mod}")
        else:
            state["upgrade"] = True
            pld.error(f"{pkg.stack_text()} loaded from {pkg.mod},\n\tbut go {compat} would select {mod.version}\n")
    pld.switch_if_errors()
    suggest_fixes()
    pld.exit_if_errors()


def _changes(main_file: MainModFile, final: Requirements, pld: PackageLoader) -> list[RequirementChange]:
    """Each require line tidy adds, drops, moves or re-marks, with the package that needs it."""
    before = {m.path: m.version for m in main_file.require}
    after = {m.path: m.version for m in final.roots if not gover.is_toolchain(m.path)}
    reason: dict[str, LoadedPackage] = {}
    for pkg in pld.pkgs:
        if pkg.mod.path and pkg.mod.path not in reason and (pkg.flags & IN_ALL):
            reason[pkg.mod.path] = pkg
    out = []

    def why(path: str) -> str:
        p = reason.get(path)
        if p is not None:
            return p.why().rstrip("\n").replace("\n", " → ")
        return "no package in \"all\" comes from it; kept for the module graph" if path in after else (
            "no package in \"all\" comes from it")

    for path in sorted(set(before) | set(after)):
        b, a = before.get(path, ""), after.get(path, "")
        if not b:
            out.append(RequirementChange(path, "added", b, a, why(path)))
        elif not a:
            out.append(RequirementChange(path, "dropped", b, a, why(path)))
        elif b != a:
            kind = "raised" if gover.mod_compare(path, b, a) < 0 else "lowered"
            out.append(RequirementChange(path, kind, b, a, why(path)))
        elif (path in main_file.direct) != (path in final.direct):
            out.append(RequirementChange(path, "now direct" if path in final.direct else "now indirect", b, a,
                                         why(path)))
    return out

