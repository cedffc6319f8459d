"""The module graph as a NetworkX graph and pandas tables, with the questions people ask of it.

Build the graph with :func:`to_networkx` from a loaded :class:`~gomodlab.load.modload.ModGraph`
(:func:`gomodlab.load.modload.load`), then ask: :func:`witnesses` (which requirement forced each
selected version — golang/go#27900, #33124), :func:`why_version` ("why not newer / older?"),
:func:`why` (requirement paths, like ``go mod why -m`` at the module level), :func:`focus`
(the part of a large graph that leads to one module, the rest counted), :func:`layers`
(breadth-first depth), and :func:`trace` / :func:`trace_reqs` (each step of the algorithm, to
replay in a notebook).

Graph model (``networkx.DiGraph``)
----------------------------------
Nodes are ``"path@version"`` strings (the main module is its bare path, as in ``go mod graph``).

=================  ===========================================================================
node attribute     meaning
=================  ===========================================================================
path, version      the module version (``version == ""`` for the main module)
main               True for the main module
selected           True if this is the version MVS selects for its path
root               True if the main go.mod's (updated) requirement list names this version
go                 the go line of the go.mod read for it (None if not loaded or absent)
pruning            ``"pruned"`` (go >= 1.17) / ``"unpruned"`` for loaded nodes, else None
loaded             True if its go.mod was read and its requirements are edges in the graph
pruned             True if it is in the graph but its requirements were not loaded (pruning)
replaced_by        ``"path@version"`` or a directory the main go.mod replaces it with, else None
excluded           True for a version the main go.mod excludes (only with include_excluded)
depth              length of the shortest requirement path from the main module
=================  ===========================================================================

=================  ===========================================================================
edge attribute     meaning
=================  ===========================================================================
version            the version the requirement asks for (the target node's version)
requirer_version   the version of the requiring module (``""`` for the main module)
order              position of the requirement in the requiring go.mod (0-based)
pruned             True if the requirer is pruned, so the target's requirements are not followed
excluded           True if the main go.mod's exclude dropped this requirement
=================  ===========================================================================

Build-list table (:func:`build_list_frame`)
-------------------------------------------
============  ====================================================================================
column        meaning
============  ====================================================================================
path          module path (main module first, then ModSort order; go and toolchain included)
version       selected version (``""`` for the main module)
replaced_by   replacement (``path@version`` or directory) or None
indirect      True unless the main go.mod requires the path without ``// indirect``
depth         shortest requirement-path length from the main module
why           that shortest path, ``"main > a@v1.0.0 > b@v1.2.0"``
root          True if the main module requires this exact version (after the root update)
go            go line of the module's go.mod (None when not loaded)
============  ====================================================================================

Teaching trace (:func:`trace`)
------------------------------
One row per step: ``step``, ``load`` (graph load number: go reloads after a root update),
``event`` (``start``, ``visit``, ``require``, ``skip``, ``error``), ``module``, ``requirement``,
``depth``, ``before`` / ``after`` (the maximum version of the requirement's path before and after
this step), ``raised`` and ``detail``. :func:`trace_state` replays it to any step.
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .modload import ModGraph, cmp_version
from .mvs import NONE, Module, Reporter, Reqs, build_list as mvs_build_list
from .sources import GoModSource

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

__all__ = [
    "node_id", "to_networkx", "build_list_frame", "witnesses", "why_version", "VersionWhy",
    "why", "WhyResult", "focus", "layers", "TraceReporter", "trace", "trace_reqs", "trace_state", "depths",
]


def node_id(m: Module) -> str:
    """``path@version``, or the bare path of a main module (``go mod graph``'s node text)."""
    return str(m)


def _repl_text(r: Module | None) -> str | None:
    if r is None:
        return None
    return f"{r.path}@{r.version}" if r.version else r.path


def depths(mg: ModGraph) -> dict[Module, int]:
    """Shortest requirement-path length from the main module to every node (loaded edges only)."""
    out = dict.fromkeys(mg.mains, 0)
    queue = deque(mg.mains)
    while queue:
        m = queue.popleft()
        for r in mg.graph.required_by(m) or ():
            if r not in out and r.version != NONE:
                out[r] = out[m] + 1
                queue.append(r)
    return out


def _shortest_parents(mg: ModGraph) -> dict[Module, Module | None]:
    parent: dict[Module, Module | None] = dict.fromkeys(mg.mains)
    queue = deque(mg.mains)
    while queue:
        m = queue.popleft()
        for r in mg.graph.required_by(m) or ():
            if r not in parent and r.version != NONE:
                parent[r] = m
                queue.append(r)
    return parent


def _path_to(parent: dict[Module, Module | None], m: Module) -> list[Module]:
    out = []
    cur: Module | None = m
    while cur is not None:
        out.append(cur)
        cur = parent.get(cur)
    return out[::-1]


def to_networkx(mg: ModGraph, *, include_excluded: bool = False) -> nx.DiGraph:
    """The graph as a ``networkx.DiGraph`` with the node/edge attributes in the module docstring.

    With ``include_excluded`` the requirements the main go.mod's ``exclude`` dropped are added
    too (flagged ``excluded``); without it the edges are exactly ``go mod graph``'s lines.
    """
    import networkx as nx

    G = nx.DiGraph(main=str(mg.main), pruning=mg.pruning)
    g = mg.graph
    roots = set(mg.roots)
    depth = depths(mg)
    pruned_edges = set(mg.pruned_edges)

    def add_node(m: Module, excluded: bool = False) -> str:
        nid = str(m)
        if nid not in G:
            s = mg.summaries.get(m)
            reqs = g.required_by(m)
            G.add_node(nid, path=m.path, version=m.version, main=m in mg.mains,
                       selected=g.selected(m.path) == m.version, root=m in roots,
                       go=s.go if s else (mg.main_file.go if m in mg.mains and mg.main_file else None),
                       pruning=s.pruning if s else None, loaded=reqs is not None,
                       pruned=reqs is None and m not in mg.mains, replaced_by=_repl_text(mg.replaced.get(m)),
                       excluded=excluded, depth=depth.get(m))
        return nid

    add_node(mg.main)
    for m in g.bfs():
        a = add_node(m)
        for i, r in enumerate(g.required_by(m) or ()):
            if r.version == NONE:
                continue
            b = add_node(r)
            G.add_edge(a, b, version=r.version, requirer_version=m.version, order=i,
                       pruned=(m, r) in pruned_edges, excluded=False)
    if include_excluded:
        for m, r in mg.excluded_edges:
            a, b = add_node(m), add_node(r, excluded=True)
            G.add_edge(a, b, version=r.version, requirer_version=m.version, order=None,
                       pruned=False, excluded=True)
    return G


def build_list_frame(mg: ModGraph) -> pd.DataFrame:
    """The build list as a DataFrame (columns documented in the module docstring)."""
    import pandas as pd

    parent = _shortest_parents(mg)
    roots = set(mg.roots)
    rows = []
    for m in mg.build_list():
        path = _path_to(parent, m) if m in parent else []
        s = mg.summaries.get(m)
        rows.append({
            "path": m.path, "version": m.version,
            "replaced_by": _repl_text(mg.replacement(m)) if m.version else None,
            "indirect": m.version != "" and not mg.is_direct(m.path),
            "depth": len(path) - 1 if path else None,
            "why": " > ".join(map(str, path)) if path else None,
            "root": m in roots,
            "go": s.go if s else (mg.main_file.go if m in mg.mains and mg.main_file else None),
        })
    df = pd.DataFrame(rows, columns=["path", "version", "replaced_by", "indirect", "depth", "why", "root", "go"])
    return df.astype({"depth": "Int64"})


def witnesses(mg: ModGraph) -> pd.DataFrame:
    """For every selected version, the requirement edges that ask for exactly that version.

    Columns: ``path``, ``version`` (selected), ``root`` (the main module requires it directly),
    ``witness`` (the requiring module, ``path@version``), ``witness_selected`` (whether that
    requirer is itself selected — a requirement of a non-selected version still counts in MVS),
    ``witness_depth``. One row per witness edge; main-module witnesses are the roots.
    """
    import pandas as pd

    depth = depths(mg)
    g = mg.graph
    rows = []
    selected = {m for m in mg.build_list() if m.version}
    for m in g.bfs():
        for r in g.required_by(m) or ():
            if r in selected:
                rows.append({"path": r.path, "version": r.version, "root": m in mg.mains,
                             "witness": str(m), "witness_selected": g.selected(m.path) == m.version,
                             "witness_depth": depth.get(m)})
    return pd.DataFrame(rows, columns=["path", "version", "root", "witness", "witness_selected",
                                       "witness_depth"]).astype({"witness_depth": "Int64"})


@dataclass(frozen=True)
class VersionWhy:
    """Why a version of a module is (not) selected; see :func:`why_version`."""

    path: str
    version: str
    selected: str
    status: str  # "selected", "older" (below selected), "newer" (above), "absent" (path not in graph)
    asked_by: tuple[str, ...]  # modules requiring exactly ``version``
    forced_by: tuple[str, ...]  # modules requiring exactly the selected version
    highest_asked: str  # highest version any module asks for (== selected unless the main module)

    def text(self) -> str:
        """A few sentences for people."""
        if self.status == "absent":
            return f"{self.path} is not in the module graph: no loaded go.mod requires it."
        forced = ", ".join(self.forced_by) or "(nothing: it is the main module)"
        if self.status == "selected":
            return f"{self.path}@{self.version} is selected: it is the highest version required, by {forced}."
        if self.status == "older":
            asked = ", ".join(self.asked_by) or "no module"
            return (f"{self.path}@{self.version} is not selected because {self.selected} is higher and is "
                    f"required by {forced}; {self.version} is required by {asked}. MVS takes the maximum.")
        return (f"{self.path}@{self.version} is not selected because no module in the graph requires it or "
                f"anything newer than {self.selected} (required by {forced}). MVS never upgrades on its own: "
                f"'go get {self.path}@{self.version}' would.")


def why_version(mg: ModGraph, path: str, version: str) -> VersionWhy:
    """Why ``path@version`` is or is not the selected version ("why not newer / older?")."""
    g = mg.graph
    sel = g.selected(path)
    asked, forced = [], []
    for m in g.bfs():
        for r in g.required_by(m) or ():
            if r.path == path:
                if r.version == version:
                    asked.append(str(m))
                if r.version == sel:
                    forced.append(str(m))
    if sel == NONE:
        status = "absent"
    else:
        c = cmp_version(path, version, sel)
        status = "selected" if c == 0 else "older" if c < 0 else "newer"
    return VersionWhy(path, version, sel, status, tuple(asked), tuple(forced), sel)


@dataclass
class WhyResult:
    """Requirement paths from the main module to a module; see :func:`why`."""

    module: str
    selected: str
    shortest: list[list[Module]] = field(default_factory=list)
    all_paths: list[list[Module]] | None = None
    truncated: bool = False
    provenance: VersionWhy | None = None

    @property
    def found(self) -> bool:
        """Whether the module is in the graph at all."""
        return bool(self.shortest)

    def text(self) -> str:
        """``go mod why -m``-style text; with all paths, one ``a > b@v > c@v`` line per path."""
        head = f"# {self.module}"
        if not self.found:
            return f"{head}\n(main module does not need module {self.module})\n"
        out = [head + (f" (selected {self.selected})" if self.selected not in ("", NONE) else "")]
        for i, p in enumerate(self.shortest):
            if i:
                out.append("")
            out.extend(str(m) for m in p)
        if self.provenance is not None:
            out.append("")
            out.append(self.provenance.text())
        if self.all_paths is not None:
            out.append("")
            out.append(f"# all {len(self.all_paths)} requirement paths{' (truncated)' if self.truncated else ''}:")
            out.extend(" > ".join(map(str, p)) for p in self.all_paths)
        return "\n".join(out) + "\n"

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict: module, selected, shortest and (if computed) all paths as node lists."""
        d: dict[str, Any] = {"module": self.module, "selected": self.selected if self.found else None,
                             "shortest": [[str(m) for m in p] for p in self.shortest]}
        if self.provenance is not None:
            pv = self.provenance
            d["provenance"] = {"version": pv.version, "status": pv.status, "asked_by": list(pv.asked_by),
                               "forced_by": list(pv.forced_by), "text": pv.text()}
        if self.all_paths is not None:
            d["all"] = [[{"module": str(m), "asks": m.version} for m in p] for p in self.all_paths]
            d["truncated"] = self.truncated
        return d


def _edges(mg: ModGraph, m: Module) -> Sequence[Module]:
    return [r for r in (mg.graph.required_by(m) or ()) if r.version != NONE]


def why(mg: ModGraph, module: str, *, all_paths: bool = False, limit: int = 100) -> WhyResult:
    """The shortest requirement paths from the main module to ``module`` (``path`` or ``path@version``).

    For a bare path the targets are every version of it in the graph, and the shortest paths
    are those of minimal length to any of them (the selected version first when lengths tie).
    ``provenance`` says why that version (or the selected one) is or is not selected.
    With ``all_paths``, every simple path (up to ``limit``) is listed too; each node in a path
    is the version its predecessor asks for.
    """
    path, _, version = module.partition("@")
    sel = mg.graph.selected(path)
    # In breadth-first order, not a set's: equally short paths to different versions come out in
    # the same order on every run.
    target_list = [m for m in mg.graph.bfs() if m.path == path and (not version or m.version == version)]
    targets = set(target_list)
    res = WhyResult(module, sel)
    if not targets:
        return res
    res.provenance = why_version(mg, path, version or sel)
    # BFS keeping every shortest predecessor, then enumerate the shortest paths.
    # From every main module (a workspace has several), each at distance 0.
    dist = dict.fromkeys(mg.mains, 0)
    preds: dict[Module, list[Module]] = {m: [] for m in mg.mains}
    queue = deque(mg.mains)
    while queue:
        m = queue.popleft()
        for r in _edges(mg, m):
            if r not in dist:
                dist[r] = dist[m] + 1
                preds[r] = [m]
                queue.append(r)
            elif dist[r] == dist[m] + 1 and m not in preds[r]:
                preds[r].append(m)
    best = min(dist[t] for t in targets if t in dist)
    ends = sorted((t for t in target_list if dist.get(t) == best), key=lambda t: t.version != sel)

    def back(m: Module) -> Iterator[list[Module]]:
        if not preds[m]:
            yield [m]
            return
        for p in preds[m]:
            for head in back(p):
                yield head + [m]

    for t in ends:
        for p in back(t):
            res.shortest.append(p)
            if len(res.shortest) >= limit:
                break
    if all_paths:
        res.all_paths = []
        stack: list[tuple[Module, list[Module]]] = [(m, [m]) for m in reversed(mg.mains)]
        # Depth-first in requirement order, so paths come out in go.mod order; cycles are cut.
        while stack:
            m, p = stack.pop()
            if m in targets and m not in mg.mains:
                res.all_paths.append(p)
                if len(res.all_paths) >= limit:
                    res.truncated = True
                    break
                continue
            on_path = set(p)
            for r in reversed(_edges(mg, m)):
                if r not in on_path:
                    stack.append((r, p + [r]))
    return res


def focus(G: nx.DiGraph, target: str, *, max_nodes: int = 30,
          hide: Sequence[str] = ("go", "toolchain")) -> nx.DiGraph:
    """The part of ``G`` (:func:`to_networkx`) that explains how the main module reaches ``target``.

    Kept: every module version on some requirement path from the main module to the node
    ``target`` (``path@version``); when those are more than ``max_nodes``, only the nodes of the
    shortest paths (breadth first, as :func:`why` picks them), as many whole paths as fit. Every
    kept node's other requirements are one node ``"+N more of NODE"`` (attributes ``collapsed=N``,
    ``path=""``; its edge ``collapsed=True``), so a 500-module graph becomes a drawing of the
    path plus what was left out, counted. ``hide`` paths (go, toolchain) are neither kept nor
    counted. The result's graph attributes: ``total_nodes`` (modules in ``G``), ``drawn_nodes``,
    ``focus`` (``target``), ``paths`` (``"all"`` or ``"shortest"``). A ``target`` not in ``G``
    gives the main module alone.
    """
    import networkx as nx

    hidden = set(hide)
    nodes = [n for n, p in G.nodes(data="path") if (p or str(n).partition("@")[0]) not in hidden]
    H = G.subgraph(nodes)
    main = next((n for n, a in H.nodes(data=True) if a.get("main")), None)
    keep: list[str] = [main] if main is not None else []
    kind = "all"
    if main is not None and target in H and target != main:
        on_paths = (nx.descendants(H, main) | {main}) & (nx.ancestors(H, target) | {target})
        if len(on_paths) <= max_nodes:
            keep = [main, *sorted(on_paths - {main}, key=lambda n: (H.nodes[n].get("depth") or 0, str(n)))]
        else:
            kind = "shortest"
            # A few dozen shortest paths at most: in a dense graph there can be millions.
            for path in itertools.islice(nx.all_shortest_paths(H, main, target), 64):
                new = [n for n in path if n not in keep]
                if len(keep) + len(new) > max_nodes and len(keep) > 1:
                    break
                keep.extend(new)
    out = H.subgraph(keep).copy()
    kept = set(keep)
    for u in keep:
        left = [v for v in H.successors(u) if v not in kept]
        if left:
            box = f"+{len(left)} more of {u}"
            out.add_node(box, collapsed=len(left), path="")
            out.add_edge(u, box, collapsed=True)
    out.graph.update(G.graph, total_nodes=H.number_of_nodes(), drawn_nodes=len(keep), focus=target, paths=kind)
    return out


def layers(mg: ModGraph) -> list[list[str]]:
    """Nodes grouped by depth (shortest requirement-path length), each layer in discovery order."""
    out: list[list[str]] = []
    for m, d in depths(mg).items():
        while len(out) <= d:
            out.append([])
        out[d].append(str(m))
    return out


class TraceReporter(Reporter):
    """A :class:`~gomodlab.load.mvs.Reporter` that records every step as a row (see :func:`trace`)."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.load = 0
        self._depth: dict[Module, int] = {}

    def _add(self, **row: Any) -> None:
        row.setdefault("requirement", None)
        row.setdefault("depth", None)
        row.setdefault("before", None)
        row.setdefault("after", None)
        row.setdefault("raised", False)
        row.setdefault("detail", "")
        self.rows.append({"step": len(self.rows), "load": self.load, **row})

    def started(self, roots: Sequence[Module], pruning: str = "") -> None:
        self.load += 1
        self._add(event="start", module=", ".join(map(str, roots)), detail=pruning)

    def visiting(self, m: Module, depth: int) -> None:
        self._add(event="visit", module=str(m), depth=depth)

    def requirement(self, m: Module, r: Module, before: str, after: str) -> None:
        self._add(event="require", module=str(m), requirement=str(r), before=before, after=after,
                  raised=before != after)

    def skipped(self, m: Module, r: Module, reason: str) -> None:
        self._add(event="skip", module=str(m), requirement=str(r), detail=reason)

    def error(self, m: Module, err: Exception) -> None:
        self._add(event="error", module=str(m), detail=str(err))

    def frame(self) -> pd.DataFrame:
        """The recorded rows as a DataFrame."""
        import pandas as pd

        cols = ["step", "load", "event", "module", "requirement", "depth", "before", "after", "raised", "detail"]
        return pd.DataFrame(self.rows, columns=cols).astype({"depth": "Int64"})


def trace(directory: str | os.PathLike[str], source: GoModSource) -> pd.DataFrame:
    """The teaching trace of loading a main module's graph as go does (columns in the module docstring).

    Root updates show as new ``load`` numbers: go reloads the graph from the updated roots.
    """
    from .locate import find_main_gomod
    from .main_module import MainModFile
    from .modload import Loader

    rec = TraceReporter()
    Loader(MainModFile.read(find_main_gomod(directory)), source).load(reporter=rec)
    return rec.frame()


def trace_reqs(reqs: Reqs, targets: Sequence[Module]) -> pd.DataFrame:
    """The teaching trace of plain MVS (mvs ``BuildList``) over any :class:`~gomodlab.load.mvs.Reqs`.

    For example the research.swtch.com/vgo-mvs graph as a :class:`~gomodlab.load.mvs.MapReqs`.
    """
    rec = TraceReporter()
    mvs_build_list(list(targets), reqs, reporter=rec)
    return rec.frame()


def trace_state(frame: pd.DataFrame, step: int) -> dict[str, str]:
    """Path → maximum version seen so far, after ``step`` (within that step's load)."""
    load = int(frame.loc[frame["step"] == step, "load"].iloc[0])
    rows = frame[(frame["load"] == load) & (frame["step"] <= step) & (frame["event"] == "require")]
    state: dict[str, str] = {}
    for req, after in zip(rows["requirement"], rows["after"]):
        state[req.rpartition("@")[0] or req] = after
    return state
