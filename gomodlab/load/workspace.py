"""Workspaces: a go.work file and the modules it uses, loaded as the go command loads them.

The rules are cmd/go/internal/modload's (init.go ``FindGoWork``, ``LoadWorkFile``,
``loadModFile``, ``makeMainModules``, ``requirementsFromModFiles``; modfile.go
``replacementFrom``/``canonicalizeReplacePath``; buildlist.go ``readModGraph`` at workspace pruning):

- **Which go.work** (:func:`find_gowork`): ``GOWORK=off`` none; unset or ``auto`` the nearest
  ``go.work`` in the directory or a parent (not crossing ``$GOROOT``); anything else must be an
  absolute path. Commands that go runs without a workspace (``go mod tidy``, ``go get``'s
  requirement edit) ignore it; ``buildlist``, ``modgraph`` and ``why`` use it.
- **Main modules**: one per ``use`` directory, in file order; a directory listed twice, a module
  path used twice, a used module whose go line (>= 1.21) is newer than the go.work's (default
  1.18), a go.work replacement of a used module at all versions, and two used modules replacing
  the same module differently (unless go.work overrides it) are go's errors, worded as go words them.
- **Replacements**: go.work's win; otherwise the used modules' (directory replacements become
  relative to the workspace directory, as ``go list -m all`` prints them).
- **Graph**: the roots are the used modules plus ``go@<go.work go line>`` and
  ``toolchain@<its toolchain line>``; each used module's requirements are loaded, followed
  transitively only through modules without graph pruning, and any requirement of a used module
  that is not its path's selected version has its selected version's requirements loaded too,
  until nothing changes. Every used module's ``exclude`` applies to every go.mod.
- **go.work.sum** (:func:`work_sum_text`): what ``go list -m`` writes there: the lines it held
  plus the go.mod hash of every module whose requirements were loaded, minus every module the
  used modules' go.sum files already list, sorted as go sorts go.sum.

:func:`load_workspace` (and :func:`load`, which falls back to the main module when no go.work
applies) returns a :class:`~gomodlab.load.modload.ModGraph` whose ``mains`` are the used modules; ``list_lines()`` is ``go list -m all``, ``graph_lines()`` ``go mod graph``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Literal, NamedTuple, overload

from ..errors import GomodlabError, ParseError, SourceError
from ..mod import godebugs, gover, semver
from ._fileio import read_bytes
from .goswitch import switches
from .gomod_summary import Summary, SummaryCache, _go_line
from .locate import WorkspaceError, find_gowork, gotoolchain, short_path
from .main_module import MainModFile
from .modload import Loader, ModGraph, cmp_version
from .mvs import Graph, Module, Reporter
from .sources import GoModSource

__all__ = ["WorkspaceError", "Workspace", "find_gowork", "load", "load_workspace", "work_sum", "WorkSum", "check_can_list",
           "check_replacements", "check_workspace_for_get",
           "DEFAULT_GO_WORK_VERSION", "LOCAL_GO_VERSION"]

#: gover.FromGoWork: a go.work without a go line implies go 1.18.
DEFAULT_GO_WORK_VERSION = "1.18"
#: The go toolchain whose rules are modelled (the "running go" of go's too-new errors).
LOCAL_GO_VERSION = gover.LOCAL_GO_VERSION
#: gover.TidyGoModSumVersion: from this go version on the build list's go.mod checksums are kept.
TIDY_GO_MOD_SUM_VERSION = "1.21"
#: readModGraph's third pruning mode, for the used modules themselves.
WORKSPACE = "workspace"


def _version_text(m: Module) -> str:
    # module.Version.String
    return f"{m.path}@{m.version}" if m.version else m.path


def _to_directory_path(p: str) -> str:
    # modload.ToDirectoryPath
    if p in (".", "..") or p.startswith(("./", "../", "/")):
        return p
    return "./" + os.path.normpath(p)


class Workspace:
    """A go.work file and its used modules, checked as go checks them when it loads them.

    ``file`` is the go.work path, ``dir`` its directory (the base of relative replacement
    directories), ``go``/``toolchain`` its lines (or None), ``godebug`` its ``(key, value)``
    settings, ``modules`` the used modules' go.mod files in ``use`` order and ``replace`` the
    go.work's own replacements, keyed like :attr:`MainModFile.replace`. ``cwd`` is the directory
    the command runs in (go's error messages name files relative to it).
    """

    def __init__(self, file: str, cwd: str | os.PathLike[str] = ".", *, load_modules: bool = True) -> None:
        from ..mod import modfile

        self.file = os.path.abspath(file)
        self.dir = os.path.dirname(self.file)
        self.cwd = os.path.realpath(cwd)
        short = self.short(self.file)
        try:
            data = read_bytes(self.file)
        except OSError as e:
            raise WorkspaceError(f"reading go.work: open {short}: {_strerror(e)}") from None
        try:
            wf = modfile.parse_gowork(data, short)
        except ParseError as e:
            raise WorkspaceError(f"errors parsing go.work:\n{e}") from None
        if wf.go is not None and gover.compare(wf.go, LOCAL_GO_VERSION) > 0:
            raise WorkspaceError(gover.too_new_message(short, wf.go, gotoolchain()))
        self.go, self.toolchain = wf.go, wf.toolchain
        self.godebug = tuple((g.key, g.value) for g in wf.godebug)
        roots: list[str] = []
        for u in wf.use:
            root = os.path.normpath(os.path.join(self.dir, u.path))
            if root in roots:
                raise WorkspaceError(f"error loading go.work:\n{short}:{u.line}: path {root} appears "
                                     "multiple times in workspace")
            roots.append(root)
        for g in wf.godebug:
            problem = godebugs.check_godebug("godebug", g.key, g.value)
            if problem is not None:
                raise WorkspaceError(f"error loading go.work:\n{short}:{g.line}: {problem}")
        self.replace: dict[tuple[str, str], Module] = {}
        for r in wf.replace:
            new = Module(r.new_path, r.new_version)
            prev = self.replace.get((r.old_path, r.old_version))
            if prev is not None and prev != new:
                old = _version_text(Module(r.old_path, r.old_version))
                raise WorkspaceError(f"conflicting replacements for {old}:\n\t{_version_text(prev)}\n"
                                     f"\t{_version_text(new)}")
            self.replace[(r.old_path, r.old_version)] = new
        #: The used directories, absolute, in file order.
        self.roots = tuple(roots)
        self.modules: tuple[MainModFile, ...] = ()
        self.paths: frozenset[str] = frozenset()
        #: What go reports with base.Errorf and goes on from (a module used twice, a used module
        #: replaced at all versions, replacements found conflicting while loading): ``go mod graph``
        #: still prints the graph, then exits 1.
        self.deferred: list[str] = []
        if load_modules:
            self.load_modules()

    def load_modules(self) -> None:
        """Read and check the used modules' go.mod files (init.go loadModFile, makeMainModules)."""
        self.modules = self._read_modules(self.roots)
        self._check_main_modules()

    def short(self, path: str) -> str:
        """``path`` as go's messages show it from :attr:`cwd`."""
        return short_path(path, self.cwd)

    @property
    def go_version(self) -> str:
        """gover.FromGoWork: the go line, or 1.18."""
        return self.go or DEFAULT_GO_WORK_VERSION

    def _too_old(self, gomod: str, go: str) -> str:
        # init.go errWorkTooOld
        verb = "lists" if self.go is not None else "implicitly requires"
        return (f"module {self.short(os.path.dirname(gomod))} listed in go.work file requires go >= {go}, "
                f"but go.work {verb} go {self.go_version}; to download and use go {go}:\n\tgo work use")

    def _read_modules(self, roots: Sequence[str]) -> tuple[MainModFile, ...]:
        from ..mod.modfile import GoModSyntaxError, LocatedError

        out: list[MainModFile] = []
        errors: list[str] = []
        for root in roots:
            gomod = os.path.join(root, "go.mod")
            short_dir, short_mod = self.short(root), self.short(gomod)
            try:
                data = read_bytes(gomod)
            except OSError as e:
                errors.append(f"cannot load module {short_dir} listed in go.work file: open {short_mod}: "
                              f"{_strerror(e)}")
                continue
            try:
                mf = MainModFile.from_bytes(data, gomod)
            except GoModSyntaxError as e:
                lines = "\n".join(LocatedError(x.message, file=short_mod, line=x.line, col=x.col).located()
                                  for x in e.errors)
                errors.append(f"cannot load module {short_dir} listed in go.work file: errors parsing "
                              f"{short_mod}:\n{lines}")
                continue
            except SourceError as e:
                text = str(e)
                if text.startswith("error reading "):
                    errors.append(f"cannot load module {short_dir} listed in go.work file: "
                                  + text.replace(gomod, short_mod, 1))
                else:
                    errors.append(text)
                continue
            mv = mf.go_version
            if gover.compare(mv, LOCAL_GO_VERSION) > 0 or (
                    gover.compare(mv, self.go_version) > 0 and gover.compare(mv, gover.GO_STRICT_VERSION) >= 0):
                errors.append(self._too_old(gomod, mv))
                continue
            out.append(mf)
        if errors:
            raise WorkspaceError("\n".join(errors))
        return tuple(out)

    def _check_main_modules(self) -> None:
        # init.go makeMainModules: what go reports with base.Errorf (all of them) before the
        # first base.Fatalf (a conflicting replacement).
        problems: list[str] = []
        paths: set[str] = set()
        for mf in self.modules:
            if mf.path in paths:
                problems.append(f"module {mf.path} appears multiple times in workspace")
            paths.add(mf.path)
        self.paths = frozenset(paths)
        for old_path, old_version in self.replace:
            if old_path in paths and old_version == "":
                problems.append(f"workspace module {old_path} is replaced at all versions in the go.work file. "
                                "To fix, remove the replacement from the go.work file or specify the version "
                                "at which to replace the module.")
        by_work = {p for p, _ in self.replace}
        replacements: dict[tuple[str, str], Module] = dict(self.replace)
        for mf in self.modules:
            current: set[tuple[str, str]] = set()
            for key, new in mf.replace.items():
                if key[0] in by_work:
                    continue
                if new.version == "" and not os.path.isabs(new.path):
                    new = Module(os.path.normpath(os.path.join(mf.dir, new.path)), "")
                prev = replacements.get(key)
                if prev is not None and key not in current and prev != new:
                    old = _version_text(Module(*key))
                    problems.append(f"conflicting replacements for {old}:\n\t{_version_text(prev)}\n"
                                    f"\t{_version_text(new)}\nuse \"go work edit -replace {old}=[override]\" "
                                    "to resolve")
                    raise WorkspaceError("\n".join(problems))
                current.add(key)
                replacements[key] = new
        self.deferred.extend(problems)

    def replacement(self, m: Module) -> Module | None:
        """What replaces ``m`` in the workspace (replacementFrom + canonicalizeReplacePath), or None."""
        found, root, _ = self.replacement_from(m)
        if found is None or not root or found.version or os.path.isabs(found.path):
            return found
        rel = os.path.relpath(os.path.join(root, found.path), self.dir)
        return Module(_to_directory_path(rel), "")

    def replacement_from(self, m: Module | tuple[str, str]) -> tuple[Module | None, str, str]:
        """replacementFrom: (the replacement as written, the used module's directory it comes
        from — "" for go.work's —, the file it is in); (None, "", "") when nothing replaces ``m``."""
        path, version = m
        if version == "" and path in self.paths:
            return None, "", ""
        r = self.replace.get((path, version)) or self.replace.get((path, ""))
        if r is not None:
            return r, "", self.file
        found: Module | None = None
        found_in: MainModFile | None = None
        for mf in self.modules:
            if not mf.replace:
                continue
            exact = mf.replace.get((path, version))
            r = exact if exact is not None else mf.replace.get((path, ""))
            if r is None:
                continue
            # replacementFrom compares its never-set foundFrom with this match's version: only a
            # version-specific match that differs from an earlier module's is a conflict, reported
            # (base.Errorf) while the earlier replacement is used; otherwise the last module wins.
            if found_in is not None and exact is not None and found != r:
                msg = (f"conflicting replacements found for {_version_text(Module(path, version))} in workspace "
                       f"modules defined by {os.path.join(found_in.dir, 'go.mod')} and "
                       f"{os.path.join(mf.dir, 'go.mod')}")
                if msg not in self.deferred:
                    self.deferred.append(msg)
                break
            found, found_in = r, mf
        if found_in is None:
            return None, "", ""
        return found, found_in.dir, os.path.join(found_in.dir, "go.mod")


def _strerror(e: OSError) -> str:
    # Go's syscall error strings are Python's strerror with a lower-case first letter.
    s = e.strerror or str(e)
    return s[:1].lower() + s[1:]


class WorkspaceModFile:
    """The workspace seen where the graph loader expects a main go.mod.

    :class:`~gomodlab.load.modload.Loader` and :class:`~gomodlab.load.modload.ModGraph` ask a
    main module for its replacements, excludes, direct requirements and directory; in a workspace
    those are the union over the used modules (directory replacements relative to the go.work).
    """

    def __init__(self, ws: Workspace) -> None:
        self.workspace = ws
        self.path = ws.modules[0].path if ws.modules else "command-line-arguments"
        self.dir = ws.dir
        self.go, self.toolchain = ws.go, ws.toolchain
        self.require: tuple[Module, ...] = tuple(r for mf in ws.modules for r in mf.require)
        self.direct = frozenset(p for mf in ws.modules for p in mf.listed_direct)
        self.exclude = frozenset(x for mf in ws.modules for x in mf.exclude)
        self.replace = {k: v for mf in ws.modules for k, v in mf.replace.items()} | ws.replace

    @property
    def go_version(self) -> str:
        return self.workspace.go_version

    def replacement(self, m: Module) -> Module | None:
        return self.workspace.replacement(m)

    def roots(self) -> tuple[list[Module], list[Module]]:
        """requirementsFromModFiles in workspace mode: the used modules, go@ and toolchain@, ModSort-ed."""
        roots = [Module(mf.path, "") for mf in self.workspace.modules]
        roots.append(Module("go", self.go_version))
        if self.toolchain:
            roots.append(Module("toolchain", self.toolchain))
        roots.sort(key=lambda m: gover.mod_sort_key(m.path, m.version))
        return roots, []


class WorkspaceLoader(Loader):
    """A :class:`~gomodlab.load.modload.Loader` for a workspace: the used modules are roots and
    their go.mod files are read from their own directories."""

    def __init__(self, ws: Workspace, source: GoModSource, summary_cache: SummaryCache | None = None) -> None:
        self.workspace = ws
        super().__init__(WorkspaceModFile(ws), source, summary_cache)  # type: ignore[arg-type]
        for mf in ws.modules:
            strict, pruning = _go_line(mf.go)
            reqs = mf.require + ((Module("go", mf.go),) if strict and mf.go else ())
            self._raw[Module(mf.path, "")] = Summary(mf.path, mf.go, reqs, pruning)

    def load(self, reporter: Reporter | None = None) -> ModGraph:
        """readModGraph at workspace pruning (the workspace's roots are never updated). A go.work
        that uses no module has an empty graph (``go mod graph`` prints nothing)."""
        roots, _ = self.main_file.roots()
        return self.read_workspace_graph(roots if self.workspace.modules else [], reporter)

    def read_workspace_graph(self, roots: Sequence[Module], reporter: Reporter | None = None,
                             *, strict: bool = True) -> ModGraph:
        """buildlist.go readModGraph at workspace pruning: the walk of :meth:`Loader.read_graph`
        (:meth:`Loader._load_from`) with a workspace's differences, which are go's: the used
        modules are the graph's roots (no main module above them, so they are at depth 0), no
        module is unpruned (go passes none in workspace mode), and the has-deps-in-all rounds
        below load more. Errors are raised as :meth:`ModGraph.find_error` words them, go's
        findError in both modes: a refusal deep in the graph exits as go does.
        """
        g = Graph(cmp_version, roots)
        mains = tuple(r for r in roots if r.version == "")
        main = mains[0] if mains else Module(self.main_file.path, "")
        mg = ModGraph(main, WORKSPACE, g, tuple(roots), [tuple(roots)], self.main_file, self)  # type: ignore[arg-type]
        mg.mains = mains
        enqueued: set[tuple[Module, str]] = set()
        if reporter:
            reporter.started(list(roots), WORKSPACE)
        self._load_from(mg, roots, WORKSPACE, 0, enqueued, reporter)
        # buildlist.go: the requirements of a used module (and, in turn, of the modules found
        # this way) that are not their path's selected version get that version's requirements
        # loaded, until nothing new is found.
        has_deps_in_all = {r.path for r in roots}
        seen: set[Module] = set()
        while True:
            needs: set[Module] = set()
            for p in has_deps_in_all:
                m = Module(p, g.selected(p))
                if m not in seen:
                    needs.add(m)
                    continue
                for r in g.required_by(m) or ():
                    s = Module(r.path, g.selected(r.path))
                    if gover.mod_compare(r.path, s.version, r.version) > 0 and s not in seen:
                        needs.add(s)
            if not needs:
                break
            ordered = sorted(needs, key=lambda x: gover.mod_sort_key(x.path, x.version))
            seen.update(ordered)
            has_deps_in_all.update(m.path for m in ordered)
            self._load_from(mg, ordered, WORKSPACE, 1, enqueued, reporter)
        if mg.errors and strict:
            raise mg.find_error()  # type: ignore[misc]
        return mg


def load(directory: str | os.PathLike[str] = ".", source: GoModSource | None = None, *,
         reporter: Reporter | None = None) -> ModGraph:
    """The module graph go's module commands load for ``directory``: the workspace's where a
    go.work applies (``GOWORK``, or one in ``directory`` or a parent), else the main module's
    (:func:`gomodlab.load.modload.load`). ``source`` defaults to go's module cache."""
    from .modload import load as load_module
    from .sources import source_for

    src = source if source is not None else source_for()
    gowork = find_gowork(directory)
    if gowork is None:
        return load_module(directory, src, reporter=reporter)
    return load_workspace(gowork, src, cwd=directory, reporter=reporter)


def load_workspace(gowork: str | os.PathLike[str], source: GoModSource, *, cwd: str | os.PathLike[str] = ".",
                   summary_cache: SummaryCache | None = None, reporter: Reporter | None = None) -> ModGraph:
    """The module graph of the workspace ``gowork`` (go.work path), as go loads it in workspace mode."""
    ws = Workspace(os.fspath(gowork), cwd)
    loader = WorkspaceLoader(ws, source, summary_cache)
    try:
        return loader.load(reporter)
    finally:
        loader.save_cache()


def check_can_list(mg: ModGraph) -> None:
    """What makes ``go list -m all`` fail on a workspace before it prints anything: ``-mod=`` in
    GOFLAGS other than readonly or vendor, no used module, replacements found conflicting."""
    if mg.pruning != WORKSPACE:
        return
    mod = switches("list").mod  # go list's -mod, from GOFLAGS
    if mod not in ("", "readonly", "vendor"):
        raise WorkspaceError(f"-mod may only be set to readonly or vendor when in workspace mode, but it is set "
                             f"to \"{mod}\"\n\tRemove the -mod flag to use the default readonly value, "
                             "\n\tor set GOWORK=off to disable workspace mode.")
    if not mg.mains:
        raise WorkspaceError("cannot match \"all\": no modules were found in the current workspace; "
                             "see 'go help work'")
    for m in mg.build_list():
        mg.replacement(m)  # modinfo of each listed module asks for its replacement before printing
    check_replacements(mg)


def check_replacements(mg: ModGraph) -> None:
    """go's exit status 1 after a workspace graph it printed anyway (:attr:`Workspace.deferred`)."""
    ws = getattr(mg.loader, "workspace", None)
    if ws is not None and ws.deferred:
        raise WorkspaceError("\n".join(ws.deferred))


def check_workspace_for_get(directory: str | os.PathLike[str], main_path: str) -> None:
    """What ``go get`` checks of a workspace: it edits the module's go.mod alone, then, if a go.work
    applies and uses ``main_path``, loads the workspace and fails where that load fails
    (modget checkPackageProblems → modload.EnterWorkspace). A go.work go cannot read is ignored."""
    gowork = find_gowork(directory)
    if gowork is None:
        return
    try:
        ws = Workspace(gowork, directory, load_modules=False)
    except WorkspaceError:
        return  # modget loadWorkspace: no workspace to check
    for root in ws.roots:
        try:
            if MainModFile.read(os.path.join(root, "go.mod")).path == main_path:
                break
        except GomodlabError:
            continue
    else:
        return
    ws.load_modules()
    if ws.deferred:
        raise WorkspaceError("\n".join(ws.deferred))


def _gosum_sort_key(m: Module) -> tuple:
    # module.Sort: by path, then the version as semver with a "/go.mod"-style suffix breaking ties.
    v, slash, suffix = m.version.partition("/")
    return (m.path, semver.sort_key(v), slash + suffix)


@overload
def _read_sums(path: str) -> dict[Module, list[str]]: ...
@overload
def _read_sums(path: str, *, with_text: Literal[True]) -> tuple[dict[Module, list[str]], str]: ...


def _read_sums(path: str, *, with_text: bool = False):
    """The go.sum file's hashes by module (modfetch readGoSum), and with ``with_text`` its text."""
    from ..mod import modfile

    out: dict[Module, list[str]] = {}
    try:
        data = read_bytes(path)
    except FileNotFoundError:
        return (out, "") if with_text else out
    except OSError as e:
        raise SourceError(f"reading {path}: {e.strerror or e}") from None
    for line in modfile.parse_gosum(data, path):
        if not line.ignored_by_go:
            out.setdefault(Module(line.path, line.version), []).append(line.hash)
    return (out, data.decode("utf-8", "replace")) if with_text else out


class WorkSum(NamedTuple):
    """go.work.sum after ``go list -m``: its ``text``, and whether go ``writes`` the file
    (it does only when a checksum it needs is in no go.sum yet; else ``text`` is the file as it is)."""

    text: str
    writes: bool


def work_sum(mg: ModGraph) -> WorkSum:
    """What ``go list -m`` leaves in go.work.sum after loading the workspace graph ``mg``.

    The go.mod hash of every module whose requirements were loaded and, when the go.work says
    go >= 1.21, of every listed module (its replacement's when replaced) is needed; one already in a used module's go.sum is not written, and the lines
    go.work.sum held are kept unless a used module's go.sum lists the module (modfetch tidyGoSum).
    """
    from ..mod.dirhash import hash_gomod

    loader = mg.loader
    if not isinstance(loader, WorkspaceLoader):
        raise SourceError("go.work.sum belongs to a workspace graph (load_workspace)")
    ws = loader.workspace
    in_modules: set[Module] = set()
    for mf in ws.modules:
        in_modules.update(_read_sums(os.path.join(mf.dir, "go.sum")))
    work, before = _read_sums(ws.file + ".sum", with_text=True)
    added: dict[Module, str] = {}
    needed = list(mg.summaries)
    if gover.compare(ws.go_version, TIDY_GO_MOD_SUM_VERSION) >= 0:
        # init.go keepSums: list -m reads every listed module's go.mod (its GoVersion), and from
        # go 1.21 on keeps their checksums too, loaded or not.
        needed.extend(mg.build_list())
    for m in needed:
        if m.version == "" or gover.is_toolchain(m.path):
            continue
        actual = mg.replacement(m) or m
        if actual.version == "":
            continue
        key = Module(actual.path, actual.version + "/go.mod")
        if key in in_modules or key in work or key in added:
            continue
        added[key] = hash_gomod(loader.source.gomod(actual))
    if not added:
        return WorkSum(before, False)
    sums = {m: list(hs) for m, hs in work.items() if m not in in_modules}
    for m, h in added.items():
        sums.setdefault(m, []).append(h)
    lines = []
    for m in sorted(sums, key=_gosum_sort_key):
        lines.extend(f"{m.path} {m.version} {h}\n" for h in sorted(set(sums[m])))
    return WorkSum("".join(lines), True)
