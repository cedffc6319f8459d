"""The module graph of a main module, loaded the way the go command loads it (cmd/go/internal/modload).

This is what ``go mod graph`` prints and what ``go list -m all`` selects from, computed in-process
from go.mod files (a :class:`~gomodlab.load.sources.GoModSource` supplies dependencies' go.mod files):

- **Roots**: the main go.mod's requirements (:class:`~gomodlab.load.main_module.MainModFile`, init.go).
- **Requirements of a dependency**: its go.mod summary (:mod:`gomodlab.load.gomod_summary`,
  modfile.go ``goModSummary``), read from the *replacement* when the main go.mod replaces it
  (a directory replacement reads ``<dir>/go.mod``), minus any version the main go.mod excludes.
- **Pruning** (buildlist.go ``readModGraph``): a main module at ``go >= 1.17`` loads the go.mod of
  each root; a pruned dependency's (go >= 1.17) requirements are nodes without loaded edges,
  while an unpruned one (go < 1.17 or no go line) is expanded transitively. Below 1.17 the main
  module loads everything reachable.
- **Root update** (``expandGraph``/``updateRoots``): if a root is not the selected version of
  its path, the roots are recomputed and the graph reloaded — pruned: each root raised to its
  selected version until stable; unpruned: the minimal requirement list (mvs ``Req``).

:func:`load` returns a :class:`ModGraph`; ``graph_lines()`` is ``go mod graph`` and
``list_lines()`` is ``go list -m all`` (GOFLAGS=-mod=mod). Workspaces (go.work) are loaded by
:mod:`gomodlab.load.workspace` on top of this; vendor mode is :mod:`gomodlab.load.vendor`'s.
What go refuses while loading — a dependency's go line newer than go's own under
``GOTOOLCHAIN=local``, go.sum checks (:mod:`gomodlab.load.gosum`) — raises
:class:`~gomodlab.errors.GoRefusal` with go's text (the chain to the module included).
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Sequence

from ..errors import GomodlabError, GoRefusal, ParseError, SourceError
from ..mod import gover, semver
from ..mod.dirhash import hash_gomod
from ._fileio import read_bytes
from .gomod_summary import PRUNED, UNPRUNED, Summary, SummaryCache, _toolchain_summary, parse_summary, pruning_for
from .gosum import GoSum, GoSumFatal, SumMissing
from .locate import find_main_gomod, gotoolchain, short_path, toolchain_is_local
from .main_module import MainModFile
from .mvs import NONE, BuildListError, Graph, Module, ModuleError, Reporter, req
from .output_memo import Signature, signature
from .sources import GoModSource, GraphTextSource, source_for

__all__ = ["ModGraph", "Loader", "RefusedBuildList", "DependencyTooNew", "load", "graph_from_text", "cmp_version"]


class DependencyTooNew(SourceError, GoRefusal):
    """A dependency's go line is newer than go's own and go may not switch (modfile.go
    summaryFromModFile's TooNewError): ``module M@V requires go >= X (running go …)``."""

    def __init__(self, actual: Module, go_version: str) -> None:
        what = f"module {actual.path}@{actual.version}" if actual.version else f"module {actual.path}"
        SourceError.__init__(self, gover.too_new_message(what, go_version, gotoolchain()))
        self.stderr = f"go: {self}\n"


class RefusedBuildList(BuildListError, GoRefusal):
    """A :class:`BuildListError` whose cause go refuses too: printed as go prints it."""

    def __init__(self, err: Exception, path: Sequence[Module]) -> None:
        BuildListError.__init__(self, err, path)
        self.stderr = f"go: {self}\n"


_semver_key = semver.sort_key


def cmp_version(path: str, v1: str, v2: str) -> int:
    """modload's version order: ``""`` (a main module) above everything, else gover.ModCompare."""
    if v1 == v2:
        return 0
    if v2 == "":
        return -1
    if v1 == "":
        return 1
    if path == "go" or path == "toolchain":
        return gover.mod_compare(path, v1, v2)
    a, b = _semver_key(v1), _semver_key(v2)
    return (a > b) - (a < b)


def _sort_key(m: Module) -> tuple:
    return gover.mod_sort_key(m.path, m.version)


class ModGraph:
    """A loaded module graph: the model behind ``go mod graph`` and ``go list -m all``.

    ``graph`` is the MVS graph (root: the main module, whose requirements are ``roots``); only
    loaded modules have requirement lists. ``summaries`` holds the go.mod summary of every loaded
    node, ``replaced`` the module each replaced node's go.mod came from, ``pruned_edges`` the
    requirements whose own requirements were not followed because of pruning, and
    ``excluded_edges`` the requirements dropped because the main go.mod excludes them, and
    ``errors`` the modules whose go.mod could not be read (only kept by a non-strict load).
    ``root_history`` lists each root set tried, the first being the go.mod's own. ``mains`` are
    the main modules: ``(main,)``, or a workspace's used modules (``pruning`` is then ``"workspace"``).
    """

    def __init__(self, main: Module, pruning: str, graph: Graph, roots: tuple[Module, ...],
                 root_history: list[tuple[Module, ...]], main_file: MainModFile | None,
                 loader: Loader | None = None) -> None:
        self.main, self.pruning, self.graph, self.roots = main, pruning, graph, roots
        self.root_history, self.main_file, self.loader = root_history, main_file, loader
        self.mains: tuple[Module, ...] = (main,)
        self.summaries: dict[Module, Summary] = {}
        self.replaced: dict[Module, Module] = {}
        self.excluded_edges: list[tuple[Module, Module]] = []
        self.errors: dict[Module, Exception] = {}
        #: Nodes loaded as pruned (their requirements' requirements not followed), in load order,
        #: and the modules loaded despite that (``unprune``): pruned_edges derives from them.
        self._pruned_nodes: list[Module] = []
        self._unpruned: frozenset[Module] = frozenset()
        self._pruned_edges: list[tuple[Module, Module]] | None = None

    def __repr__(self) -> str:
        return (f"<ModGraph {self.main} {self.pruning}: {len(self.roots)} roots, "
                f"{len(self.summaries)} loaded, {len(self.errors)} errors>")

    @property
    def pruned_edges(self) -> list[tuple[Module, Module]]:
        """(m, r) for each requirement of a pruned node whose own requirements were not loaded.

        Worked out on first use rather than during the load: a build list never needs them.
        """
        if self._pruned_edges is None:
            # An edge from a pruned node may still have been followed from another, unpruned
            # path: its target then has a summary and the edge is not pruned.
            summaries, force = self.summaries, self._unpruned
            self._pruned_edges = list(dict.fromkeys(
                (m, r) for m in self._pruned_nodes for r in summaries[m].require
                if r not in force and r not in summaries))
        return self._pruned_edges

    def find_error(self) -> BuildListError | None:
        """findError: the failure of the go.mod nearest the main module, with the chain to it
        (None when every go.mod was read)."""
        if not self.errors:
            return None
        path = self.graph.find_path(lambda x: x in self.errors)
        err = self.errors[path[-1]]
        return (RefusedBuildList if isinstance(err, GoRefusal) else BuildListError)(err, path)

    def selected(self, path: str) -> str:
        """The selected version of ``path`` (``""`` for the main module, ``"none"`` if absent)."""
        return self.graph.selected(path)

    def build_list(self) -> list[Module]:
        """Main module first, then every selected path (go and toolchain included) in ModSort order."""
        return self.graph.build_list(_sort_key)

    def replacement(self, m: Module) -> Module | None:
        """What the main go.mod replaces ``m`` with, or None."""
        return self.main_file.replacement(m) if self.main_file else None

    def is_direct(self, path: str) -> bool:
        """Whether the main go.mod requires ``path`` without ``// indirect`` (``go`` always is)."""
        return path == "go" or (self.main_file is not None and path in self.main_file.direct)

    def list_lines(self) -> list[str]:
        """``go list -m all``: one line per module, main first, go/toolchain left out."""
        out = []
        for m in self.build_list():
            if gover.is_toolchain(m.path):
                continue
            if m.version == "":
                out.append(m.path)
                continue
            line = f"{m.path} {m.version}"
            r = self.replacement(m)
            if r is not None:
                line += f" => {r.path}" + (f" {r.version}" if r.version else "")
            out.append(line)
        return out

    def graph_lines(self) -> list[str]:
        """``go mod graph``: breadth first from the main module, one line per loaded requirement."""
        out: list[str] = []
        for m in self.graph.bfs():
            reqs = self.graph.required_by(m)
            if reqs:
                ms = str(m)
                out.extend(f"{ms} {r}" for r in reqs)
        return out


class _LoaderReqs:
    """modload mvsReqs: the main module requires ``roots``, everyone else their go.mod summary."""

    def __init__(self, loader: Loader, roots: Sequence[Module]) -> None:
        self.loader, self.roots = loader, tuple(roots)

    def required(self, m: Module) -> Sequence[Module]:
        if m.version == "" and m.path == self.loader.main.path:
            return self.roots
        if m.version == NONE:
            return ()
        return self.loader.summary(m).require

    def compare(self, path: str, v1: str, v2: str) -> int:
        return cmp_version(path, v1, v2)


class Loader:
    """Loads module graphs for one main module, caching every go.mod summary it reads.

    ``summary_cache`` (optional) keeps parsed summaries on disk; it is used only with a source
    that can ``stamp`` its files (a module cache).

    What go checks while loading: ``gosum`` (optional, the main module's go.sum) is checked
    against every go.mod read, and with ``readonly`` (``-mod=readonly``) must hold a line for
    each one the graph needs (:mod:`gomodlab.load.gosum`); ``local_toolchain`` (default: from
    GOTOOLCHAIN) refuses a dependency whose go line is newer than go's own.
    """

    def __init__(self, main_file: MainModFile, source: GoModSource,
                 summary_cache: SummaryCache | None = None, *, gosum: GoSum | None = None,
                 readonly: bool = False, local_toolchain: bool | None = None) -> None:
        self.main_file = main_file
        self.gosum = gosum
        self.readonly = readonly and gosum is not None
        self.local_toolchain = toolchain_is_local() if local_toolchain is None else local_toolchain
        self.main = Module(main_file.path, "")
        self.source = source
        self.summary_cache = summary_cache if hasattr(source, "stamp") else None
        #: File → output_memo.signature of every go.mod read from a stamping source or a directory (for memos).
        self.inputs: dict[str, Signature] = {}
        self._raw: dict[Module, Summary | GomodlabError] = {}
        self._summaries: dict[Module, Summary] = {}
        self._versions: dict[str, list[str]] = {}
        self.excluded_roots: list[Module] = []
        #: The version queries of the main go.mod resolved while reading it (gomod_queries.Resolution).
        self.resolved_queries: list = []

    # -- go.mod summaries ------------------------------------------------------------------

    def gomods_read(self) -> list[Module]:
        """Every module whose own go.mod was read (directory replacements and go/toolchain too)."""
        return [m for m, got in self._raw.items() if not isinstance(got, GomodlabError)]

    def raw_summary(self, m: Module) -> Summary:
        """The summary of ``m``'s own go.mod (no replacement, no exclusions), cached."""
        got = self._raw.get(m)
        if got is None:
            try:
                got = self._read_raw(m)
            except GomodlabError as e:
                got = e
            self._raw[m] = got
        if isinstance(got, GomodlabError):
            raise got
        return got

    def _read_raw(self, m: Module) -> Summary:
        if gover.is_toolchain(m.path):
            return _toolchain_summary(m)
        if m.version == "":
            # A directory replacement: <dir>/go.mod, relative to the main module's directory.
            # go's filepath.Join: an absolute m.path stays itself, and the result is cleaned.
            name = os.path.normpath(os.path.join(self.main_file.dir, m.path, "go.mod"))
            try:
                st = os.stat(name)
                data = read_bytes(name)
            except OSError as e:
                # rawGoModSummary: "reading <ShortPath>: open <path>: <errno text>", as Go spells it.
                why = e.strerror[:1].lower() + e.strerror[1:] if e.strerror else str(e)
                raise ModuleError(m, f"reading {short_path(name)}: open {name}: {why}") from None
            self.inputs[name] = signature(st, data)
            shown = os.path.join(m.path, "go.mod")
        else:
            cache = self.summary_cache
            stamp = self.source.stamp(m) if cache is not None else None  # type: ignore[attr-defined]
            if stamp is not None:
                file, key = stamp
                self.inputs[file] = key
                hit = cache.get(m, key)  # type: ignore[union-attr]
                if hit is not None:
                    if self.gosum is not None:
                        self.gosum.verify_gomod_hash(m, hit[1])
                    return hit[0]
            data = self.source.gomod(m)
            if self.gosum is not None:
                self.gosum.verify_gomod(m, data)
            shown = "go.mod"
            if stamp is not None:
                try:
                    s = parse_summary(data, shown)
                except ParseError as e:
                    raise ModuleError(m, f"parsing {shown}: {e}") from None
                cache.put(m, key, s, hash_gomod(data))  # type: ignore[union-attr]
                return s
        try:
            return parse_summary(data, shown)
        except ParseError as e:
            raise ModuleError(m, f"parsing {shown}: {e}") from None

    def summary(self, m: Module) -> Summary:
        """goModSummary: requirements of ``m`` with replacement and the main module's excludes applied."""
        s = self._summaries.get(m)
        if s is not None:
            return s
        if gover.is_toolchain(m.path):
            s = self.raw_summary(m)
            self._summaries[m] = s
            return s
        actual = self.main_file.replacement(m) or m
        if self.readonly and actual.version != "" and not self.gosum.has_gomod(actual):  # type: ignore[union-attr]
            raise SumMissing(actual, m.path)
        s = self.raw_summary(actual)
        if (self.local_toolchain and s.go and gover.compare(s.go, gover.GO_STRICT_VERSION) >= 0
                and gover.compare(s.go, gover.LOCAL_GO_VERSION) > 0):
            raise DependencyTooNew(actual, s.go)
        if actual.version != "":
            if s.module == "":
                raise ModuleError(actual, "parsing go.mod: missing module line")
            if s.module != m.path and s.module != actual.path:
                raise ModuleError(actual, "parsing go.mod:\n"
                                          f"\tmodule declares its path as: {s.module}\n"
                                          f"\t        but was required as: {m.path}")
        excl = self.main_file.exclude
        if excl and any(r in excl for r in s.require):
            s = Summary(s.module, s.go, tuple(r for r in s.require if r not in excl), s.pruning)
        self._summaries[m] = s
        return s

    # -- roots -----------------------------------------------------------------------------

    def initial_roots(self) -> list[Module]:
        """The main go.mod's roots (:meth:`MainModFile.roots`); the excluded ones are kept in
        ``excluded_roots`` for the message go prints about each."""
        roots, self.excluded_roots = self.main_file.roots()
        return roots

    # -- loading ---------------------------------------------------------------------------

    def read_graph(self, pruning: str, roots: Sequence[Module], reporter: Reporter | None = None,
                   unprune: Iterable[Module] = (), *, strict: bool = True) -> ModGraph:
        """buildlist.go readModGraph: load the graph from ``roots`` with the given pruning.

        A go.mod that cannot be read raises :class:`BuildListError` (shortest chain to it);
        with ``strict=False`` the graph is returned anyway, failures in ``ModGraph.errors``.
        ``unprune`` names modules whose requirements are loaded even when pruning says not to.
        """
        main = self.main
        g = Graph(cmp_version, [main])
        g.require(main, roots)
        mg = ModGraph(main, pruning, g, tuple(roots), [], self.main_file, self)
        mg._unpruned = frozenset(unprune)
        if reporter:
            reporter.started([main], pruning)
            reporter.visiting(main, 0)
            self._report_requirements(reporter, Graph(cmp_version, [main]), main, roots)
        self._load_from(mg, roots, pruning, 1, set(), reporter)
        if mg.errors and strict:
            raise mg.find_error()  # type: ignore[misc]
        return mg

    def _load_from(self, mg: ModGraph, modules: Iterable[Module], pruning: str, at_depth: int,
                   enqueued: set[tuple[Module, str]], reporter: Reporter | None) -> None:
        """readModGraph's ``enqueue(m, pruning)`` of each of ``modules``, then its load queue run
        until idle: each module reached has its summary read and its requirements added to
        ``mg.graph`` (``loadOne``), and those go says to follow are enqueued in turn, breadth-first.
        ``enqueued`` is go's ``loading`` set, kept across the workspace walk's rounds.

        Module and workspace mode share this walk as they share go's. Where the two used to
        have copies that differed, go does not: a go.sum mismatch stops go at once in either
        mode (checkGoMod's base.Fatalf); goModSummary drops every main module's excludes in a
        workspace too, so the dropped edges are recorded in both; and replacementFrom never
        replaces a main module at version "" (Workspace.replacement returns None for one), so
        no version test is needed before looking a replacement up.
        """
        summaries, errors, graph = mg.summaries, mg.errors, mg.graph
        force, pruned_nodes = mg._unpruned, mg._pruned_nodes
        excl = self.main_file.exclude
        has_replace = bool(self.main_file.replace)
        queue: deque[tuple[Module, str, int]] = deque()
        push, seen = queue.append, enqueued.add
        for r in modules:
            key = (r, pruning)
            if r.version != NONE and key not in enqueued:
                seen(key)
                push((r, pruning, at_depth))
        while queue:
            m, mode, depth = queue.popleft()
            s = summaries.get(m)
            if s is None:
                if m in errors:
                    continue
                if reporter:
                    reporter.visiting(m, depth)
                try:
                    s = self.summary(m)
                except GoSumFatal:
                    raise
                except GomodlabError as e:
                    errors[m] = e
                    if reporter:
                        reporter.error(m, e)
                    continue
                summaries[m] = s
                actual = self.main_file.replacement(m) if has_replace else None
                if actual is not None:
                    mg.replaced[m] = actual
                if excl and not gover.is_toolchain(m.path):
                    raw = self.raw_summary(actual or m)
                    mg.excluded_edges.extend((m, r) for r in raw.require if r in excl)
                if reporter:
                    self._report_requirements(reporter, graph, m, s.require)
                graph.require(m, s.require)
            if mode != PRUNED or s.pruning == UNPRUNED:
                nxt = UNPRUNED if mode == UNPRUNED else s.pruning
                d1 = depth + 1
                for r in s.require:
                    key = (r, nxt)
                    if key not in enqueued and r.version != NONE:
                        seen(key)
                        push((r, nxt, d1))
                continue
            pruned_nodes.append(m)  # its pruned edges are derived when asked for (ModGraph.pruned_edges)
            if not (force or reporter):
                continue
            for r in s.require:
                if r in force:
                    key = (r, s.pruning)
                    if key not in enqueued and r.version != NONE:
                        seen(key)
                        push((r, s.pruning, depth + 1))
                elif reporter:
                    reporter.skipped(m, r, f"{m} is at go {s.go} (pruned): its requirements' "
                                           "own requirements are not loaded")

    @staticmethod
    def _report_requirements(reporter: Reporter, g: Graph, m: Module, reqs: Sequence[Module]) -> None:
        now: dict[str, str] = {}
        for r in reqs:
            before = now[r.path] if r.path in now else g.selected(r.path)
            after = r.version if cmp_version(r.path, before, r.version) < 0 else before
            now[r.path] = after
            reporter.requirement(m, r, before, after)

    def load(self, reporter: Reporter | None = None) -> ModGraph:
        """LoadModGraph: the graph from the go.mod's roots, with go's root update when needed."""
        pruning = pruning_for(self.main_file.go_version)
        roots = self.initial_roots()
        history = [tuple(roots)]
        first: ModGraph | None = None
        if self._has_redundant_root(roots):
            roots, first = self._update_roots(pruning, roots, None, history, reporter)
        mg = first if first is not None and first.roots == tuple(roots) else self.read_graph(pruning, roots, reporter)
        if not all(mg.selected(r.path) == r.version for r in roots):
            roots, upd = self._update_roots(pruning, roots, mg, history, reporter)
            mg = upd if upd is not None and upd.roots == tuple(roots) else self.read_graph(pruning, roots, reporter)
        mg.root_history = history
        return mg

    def load_roots(self, pruning: str, roots: Sequence[Module], reporter: Reporter | None = None) -> ModGraph:
        """The graph from an explicit root list, with go's root update (expandGraph)."""
        roots = list(roots)
        history = [tuple(roots)]
        mg = self.read_graph(pruning, roots, reporter)
        if not all(mg.selected(r.path) == r.version for r in roots):
            roots, upd = self._update_roots(pruning, roots, mg, history, reporter)
            mg = upd if upd is not None and upd.roots == tuple(roots) else self.read_graph(pruning, roots, reporter)
        mg.root_history = history
        return mg

    def save_cache(self) -> None:
        """Write new entries of the on-disk summary cache, if there is one."""
        if self.summary_cache is not None:
            self.summary_cache.save()

    def versions(self, path: str) -> list[str]:
        """The versions the source lists for ``path`` (``@v/list``), or [] when it lists none (cached)."""
        got = self._versions.get(path)
        if got is None:
            lister = getattr(self.source, "versions", None)
            got = list(lister(path)) if lister is not None else []
            self._versions[path] = got
        return got

    def _has_redundant_root(self, roots: Sequence[Module]) -> bool:
        return any(r.path == self.main.path or (i and r.path == roots[i - 1].path) for i, r in enumerate(roots))

    def _update_roots(self, pruning: str, roots: list[Module], mg: ModGraph | None,
                      history: list[tuple[Module, ...]], reporter: Reporter | None
                      ) -> tuple[list[Module], ModGraph | None]:
        if pruning == PRUNED:
            return self._update_pruned_roots(roots, mg, history, reporter)
        if mg is None:
            mg = self.read_graph(pruning, roots, reporter)
        new = self._update_unpruned_roots(roots, mg)
        if new != roots:
            history.append(tuple(new))
        return new, mg

    def _update_pruned_roots(self, roots: list[Module], mg: ModGraph | None,
                             history: list[tuple[Module, ...]], reporter: Reporter | None
                             ) -> tuple[list[Module], ModGraph | None]:
        # buildlist.go updatePrunedRoots with no packages: every root moves to the selected
        # version of its path (duplicates and the main module's own path dropped), and the
        # graph is reloaded until no root moves.
        max_root: dict[str, str] = {}
        for r in roots:
            v = max_root.get(r.path)
            if v is None or gover.mod_compare(r.path, v, r.version) < 0:
                max_root[r.path] = r.version
        current = list(roots)
        upgraded = False
        while True:
            if upgraded:
                mg = self.read_graph(PRUNED, current, reporter)
            new: list[Module] = []
            seen = {self.main.path}
            upgraded = False
            for r in current:
                if r.path in seen:
                    continue
                v = mg.selected(r.path) if mg is not None else max_root[r.path]
                new.append(Module(r.path, v))
                seen.add(r.path)
                if v != r.version:
                    upgraded = True
            if new != current:
                history.append(tuple(new))
            current = new
            if not upgraded:
                return current, mg

    def _update_unpruned_roots(self, roots: Sequence[Module], mg: ModGraph) -> list[Module]:
        # buildlist.go updateUnprunedRoots: roots already at their selected version stay (no
        # churn, issue 34822), direct dependencies become roots, and mvs.Req fills in the rest.
        paths: list[str] = []
        for r in roots:
            if r.path not in paths and mg.selected(r.path) == r.version:
                paths.append(r.path)
        keep = mg.build_list()[1:]
        for m in keep:
            if mg.is_direct(m.path) and m.path not in paths:
                paths.append(m.path)
        return req(self.main, paths, _LoaderReqs(self, keep))


def load(directory: str | os.PathLike[str] = ".", source: GoModSource | None = None, *,
         reporter: Reporter | None = None) -> ModGraph:
    """The module graph of the main module containing ``directory``, as go loads it outside
    workspace mode, with dependencies' go.mod files from ``source`` (default: go's module cache,
    :func:`gomodlab.load.sources.source_for`). :func:`gomodlab.load.workspace.load` is the same
    with go.work files followed, as go's module commands follow them. Version queries in the main
    go.mod (``v1.5``, ``latest``, a commit hash) are resolved through ``source`` as go resolves
    them (:mod:`gomodlab.load.gomod_queries`)."""
    from .query import version_fixer

    src = source if source is not None else source_for()
    resolved: list = []
    main_file = MainModFile.read(find_main_gomod(directory), fix=version_fixer(src, resolved))
    loader = Loader(main_file, src)
    loader.resolved_queries = resolved
    return loader.load(reporter)


def graph_from_text(text: str | GraphTextSource) -> ModGraph:
    """A :class:`ModGraph` rebuilt from ``go mod graph`` output (edges exactly as printed).

    Nodes with printed requirements count as loaded; the roots are the main module's edges.
    No pruning, replacement or exclusion is recomputed: the text already has them applied.
    """
    src = text if isinstance(text, GraphTextSource) else GraphTextSource(text)
    main = Module(src.main or "", "")
    roots = tuple(src.edges.get(main, ()))
    g = Graph(cmp_version, [main])
    queue = deque([main])
    loaded = set()
    while queue:
        m = queue.popleft()
        if m in loaded:
            continue
        loaded.add(m)
        reqs = src.edges.get(m)
        if reqs is None:
            continue
        g.require(m, reqs)
        queue.extend(r for r in reqs if r not in loaded)
    orphans = [m for m in src.edges if m not in loaded]
    if orphans:
        raise SourceError(f"{src.file}: {orphans[0]} has requirements but is not reachable from {main.path}")
    go = next((r.version for r in roots if r.path == "go"), None)
    mg = ModGraph(main, pruning_for(go), g, roots, [roots], None, None)
    for m, reqs in src.edges.items():
        if m != main:
            mgo = next((r.version for r in reqs if r.path == "go"), None)
            mg.summaries[m] = Summary(m.path, mgo, tuple(reqs), pruning_for(mgo))
    return mg
