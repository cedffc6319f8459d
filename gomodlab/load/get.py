"""``go get path@version`` at the module level: the requirement edit go performs, and what it changes.

:func:`plan_get` follows ``cmd/go/internal/modload/edit.go`` (``editRequirements``): the requested
version must end up selected. Starting from the current roots (pruned main module) or the whole
build list (unpruned), the requested version becomes a root; go loads the graph (extended so that
every root path's selected version has its requirements loaded), and any root whose requirements
lead to a version above a requested one — or that cannot be loaded — is stepped down through the
module's earlier versions (the source's ``@v/list``, minus excluded versions) until it no longer
conflicts, or dropped. Upgrades that other roots pull in are then accepted, and an unpruned
requirement list is minimised with mvs ``Req``. A request that cannot be met raises
:class:`ConstraintError` with go's conflict summary.

Not modelled: retractions (go skips retracted versions when stepping down) and package-level
queries. ``go get -u`` at the module level, and the go.mod go get writes, are
:func:`gomodlab.load.updates.plan_update`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..mod import gover
from ..errors import GomodlabError, SourceError
from .gomod_summary import PRUNED, UNPRUNED, pruning_for
from .modload import Loader, ModGraph, _LoaderReqs, _sort_key, cmp_version
from .mvs import NONE, Module, req

__all__ = ["LOCAL_GO_VERSION", "Change", "GetPlan", "Conflict", "ConstraintError", "plan_get", "plan_get_many",
           "edit_requirements"]

#: The go version ``go get`` writes into a go.mod that has none (gover.Local() of the go release
#: gomodlab is tested against); only the go/toolchain nodes depend on its exact value.
LOCAL_GO_VERSION = gover.LOCAL_GO_VERSION


@dataclass(frozen=True, slots=True)
class Change:
    """One module whose selected version a :class:`GetPlan` changes (``"none"`` = absent)."""

    path: str
    old: str
    new: str

    @property
    def kind(self) -> str:
        """``add``, ``remove``, ``upgrade`` or ``downgrade``."""
        if self.old == NONE:
            return "add"
        if self.new == NONE:
            return "remove"
        return "upgrade" if cmp_version(self.path, self.old, self.new) < 0 else "downgrade"


@dataclass
class GetPlan:
    """What ``go get path@version`` does: the requirement list after, the graph after, the changes."""

    target: Module
    before: ModGraph
    after: ModGraph
    roots: tuple[Module, ...]
    changed: bool
    #: Every module requested (``target`` is the first); more than one for ``go get a b``.
    targets: tuple[Module, ...] = ()

    @property
    def changes(self) -> list[Change]:
        """Every path whose selected version differs, in path order (go/toolchain included)."""
        old = {m.path: m.version for m in self.before.build_list()}
        new = {m.path: m.version for m in self.after.build_list()}
        return [Change(p, old.get(p, NONE), new.get(p, NONE))
                for p in sorted(old.keys() | new.keys()) if old.get(p, NONE) != new.get(p, NONE)]


@dataclass(frozen=True)
class Conflict:
    """A requirement path from a root to a version that breaks a request (buildlist.go ``Conflict``)."""

    path: tuple[Module, ...]
    constraint: Module | None = None
    err: Exception | None = None

    def summary(self) -> str:
        """First and last module of the path, in go's words."""
        first, last = self.path[0], self.path[-1]
        if len(self.path) == 1:
            if self.err is not None:
                return f"{first}: {self.err}"
            return f"{first} is above {self.constraint.version if self.constraint else '?'}"
        adverb = "indirectly " if len(self.path) > 2 else ""
        if self.err is not None:
            return f"{first} {adverb}requires {last}: {self.err}"
        return f"{first} {adverb}requires {last}, but {self.constraint.version if self.constraint else '?'} is requested"


class ConstraintError(SourceError):
    """The requested versions cannot all be selected (``version constraints conflict``)."""

    def __init__(self, conflicts: Sequence[Conflict]) -> None:
        self.conflicts = tuple(conflicts)
        super().__init__("version constraints conflict:" + "".join(f"\n\t{c.summary()}" for c in self.conflicts))


# -------------------------------------------------------------------------------------------
# edit.go dqTracker: why a version cannot be part of the graph, in pruned and unpruned context.

@dataclass(frozen=True)
class _DQ:
    dep: Module | None = None
    err: Exception | None = None


@dataclass
class _DQTracker:
    root_pruning: dict[Module, str]
    reason: dict[Module, list[_DQ | None]] = field(default_factory=dict)  # [pruned, unpruned]
    requiring: dict[Module, list[Module]] = field(default_factory=dict)

    def check(self, m: Module, pruning: str) -> _DQ | None:
        dq = self.reason.get(m)
        if dq is None:
            return None
        return dq[1] if pruning == UNPRUNED else dq[0]

    def require(self, m: Module, r: Module) -> bool:
        rp = self.root_pruning.get(r)
        if rp is not None and self.check(r, rp) is not None:
            self.disqualify(m, PRUNED, _DQ(dep=r))
            return False
        if self.check(r, UNPRUNED) is not None:
            self.disqualify(m, UNPRUNED, _DQ(dep=r))
            if m not in self.root_pruning:
                return False
        self.requiring.setdefault(r, []).append(m)
        return True

    def disqualify(self, m: Module, from_pruning: str, why: _DQ) -> None:
        # Recursive like edit.go: the first reason recorded wins, so the order matters.
        dq = self.reason.setdefault(m, [None, None])
        if (dq[1] if from_pruning == UNPRUNED else dq[0]) is not None:
            return
        rp = self.root_pruning.get(m)
        is_root = rp is not None
        if from_pruning == PRUNED:
            dq[0] = why
            if dq[1] is None:
                dq[1] = why
        else:
            dq[1] = why
            if is_root and rp == UNPRUNED:
                dq[0] = why
        if is_root and (from_pruning == PRUNED or rp == UNPRUNED):
            for p in self.requiring.get(m, ()):
                self.disqualify(p, PRUNED, _DQ(dep=m))
            self.requiring.pop(m, None)
            return
        for p in self.requiring.get(m, ()):
            self.disqualify(p, UNPRUNED, _DQ(dep=m))
        if not is_root:
            self.requiring.pop(m, None)

    def path(self, m: Module, pruning: str) -> tuple[list[Module], Exception | None]:
        out: list[Module] = []
        while True:
            if self.root_pruning.get(m) == UNPRUNED:
                pruning = UNPRUNED
            dq = self.check(m, pruning)
            if dq is None:
                return out, None
            out.append(m)
            if dq.err is not None or dq.dep == m:
                return out, dq.err
            assert dq.dep is not None
            m = dq.dep


# -------------------------------------------------------------------------------------------

def _previous_version(loader: Loader, m: Module) -> Module:
    """modload previousVersion: the highest allowed listed version below ``m.version``, or none."""
    if m.version == "" and m.path == loader.main.path:
        return Module(m.path, NONE)
    allowed = [v for v in loader.versions(m.path) if Module(m.path, v) not in loader.main_file.exclude]
    below = [v for v in allowed if gover.mod_compare(m.path, v, m.version) < 0]
    return Module(m.path, below[-1]) if below else Module(m.path, NONE)


def _extend_graph(loader: Loader, pruning: str, roots: list[Module],
                  selected_root: dict[str, str]) -> tuple[ModGraph, set[Module]]:
    """edit.go extendGraph: load, then unprune each root path's selected version until stable."""
    upgraded: set[Module] = set()
    while True:
        mg = loader.read_graph(pruning, roots, unprune=upgraded, strict=False)
        if pruning == UNPRUNED:
            return mg, upgraded
        before = len(upgraded)
        for p in selected_root:
            v = mg.selected(p)
            if v == NONE:
                continue
            m = Module(p, v)
            if mg.graph.required_by(m) is None and m not in upgraded:
                upgraded.add(m)
        if len(upgraded) == before:
            return mg, upgraded


def _convert_to_unpruned(loader: Loader, roots: list[Module]) -> list[Module]:
    mg = loader.read_graph(UNPRUNED, roots)
    return loader._update_unpruned_roots(roots, mg)


def edit_requirements(loader: Loader, before: ModGraph, must_select: Sequence[Module],
                      try_upgrade: Sequence[Module] = ()) -> tuple[list[Module], str, bool]:
    """edit.go editRequirements: (new roots, their pruning, changed) so that ``must_select`` is selected.

    ``before`` is the loaded graph of the current requirements (its roots and pruning).
    Raises :class:`ConstraintError` when the requests conflict.
    """
    # dqTracker.disqualify recurses along requirement chains, as deep as the graph.
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    orig_roots, orig_pruning = list(before.roots), before.pruning
    root_pruning = orig_pruning
    for m in must_select:
        if m.path == "go":
            root_pruning = pruning_for(m.version)
            break
        if m.path == "toolchain" and pruning_for(gover.from_toolchain(m.version) or None) == UNPRUNED:
            root_pruning = UNPRUNED
            break
    rs_roots = orig_roots
    if root_pruning != orig_pruning:
        if root_pruning == UNPRUNED:
            rs_roots = _convert_to_unpruned(loader, orig_roots)
        else:
            rs_roots = before.build_list()[1:]
    max_root: dict[str, str] = {}
    for r in rs_roots:
        v = max_root.get(r.path)
        if v is None or gover.mod_compare(r.path, v, r.version) < 0:
            max_root[r.path] = r.version
    if root_pruning == PRUNED:
        selected_root = dict(max_root)
    else:
        g0 = before if orig_pruning == UNPRUNED and rs_roots == orig_roots else loader.read_graph(UNPRUNED, rs_roots)
        selected_root = {m.path: m.version for m in g0.build_list()[1:]}
    for r in try_upgrade:
        v = selected_root.get(r.path)
        if v is not None and gover.mod_compare(r.path, v, r.version) >= 0:
            continue
        selected_root[r.path] = r.version

    conflicts: list[Conflict] = []
    must_version: dict[str, str] = {}
    for r in must_select:
        v = must_version.get(r.path)
        if v is not None and v != r.version:
            prev = Module(r.path, v)
            if gover.mod_compare(r.path, v, r.version) > 0:
                conflicts.append(Conflict((prev,), r))
            else:
                conflicts.append(Conflict((r,), prev))
            continue
        must_version[r.path] = r.version
        selected_root[r.path] = r.version

    rejected: set[Module] = set()
    roots: list[Module] = []
    seen_states: set[frozenset[tuple[str, str]]] = set()
    dirty = True
    while dirty and not conflicts:
        state = frozenset(selected_root.items())
        if state in seen_states:
            # go's own loop never ends here (it alternates between accepting an indirect upgrade
            # and stepping the same root back down); say so instead of hanging like go does.
            raise SourceError(f"go get {', '.join(map(str, must_select))} does not terminate: go's requirement "
                              "edit (modload/edit.go) keeps cycling between the same root versions")
        seen_states.add(state)
        roots = sorted((Module(p, v) for p, v in selected_root.items() if v != NONE), key=_sort_key)
        mg, upgraded = _extend_graph(loader, root_pruning, roots, selected_root)

        def find_pruning(m: Module) -> str:
            if root_pruning == PRUNED:
                s = mg.summaries.get(m)
                if s is not None and s.pruning == UNPRUNED:
                    return UNPRUNED
            return root_pruning

        ext = {m: find_pruning(m) for m in roots}
        ext.update({m: find_pruning(m) for m in upgraded})
        t = _DQTracker(ext)
        for m in mg.graph.bfs():
            mx = must_version.get(m.path)
            if mx is not None and cmp_version(m.path, m.version, mx) > 0:
                t.disqualify(m, PRUNED, _DQ(dep=m))
                continue
            if m in mg.errors:
                t.disqualify(m, PRUNED, _DQ(err=mg.errors[m]))
                continue
            reqs = mg.graph.required_by(m)
            if reqs is None or m == mg.main:
                continue
            bad = next((r for r in reqs if r.path in must_version
                        and cmp_version(r.path, r.version, must_version[r.path]) > 0), None)
            if bad is not None:
                t.disqualify(m, PRUNED, _DQ(dep=bad))
                continue
            for r in reqs:
                if not t.require(m, r):
                    break

        dirty = False
        for m in roots:
            path, err = t.path(m, ext[m])
            if not path and err is None:
                continue
            constraint = None
            if err is None:
                last = path[-1]
                constraint = Module(last.path, must_version[last.path])
            conflict = Conflict(tuple(path), constraint, err)
            if must_version.get(m.path) == m.version:
                conflicts.append(conflict)
                continue
            v = mg.selected(m.path)
            if v != m.version:
                u = Module(m.path, v)
                if t.check(u, ext[m]) is None and u not in rejected:
                    continue
            orig_v = before.selected(m.path)
            if err is not None and orig_v == m.version:
                conflicts.append(conflict)
                continue
            rejected.add(m)
            prev = m
            tried: set[Module] = set()
            while True:
                if prev in tried:
                    # go loops forever here: the original version is rejected, and every earlier
                    # version is replaced by that original version again (edit.go).
                    raise SourceError(f"go get {', '.join(map(str, must_select))} does not terminate: "
                                      f"go's requirement edit (modload/edit.go) keeps retrying {prev} "
                                      f"while looking for a version of {m.path} below {m.version}")
                tried.add(prev)
                try:
                    prev, perr = _previous_version(loader, prev), None
                except GomodlabError as e:
                    prev, perr = Module(m.path, NONE), e
                if cmp_version(m.path, m.version, orig_v) > 0 and (
                        cmp_version(m.path, prev.version, orig_v) < 0 or perr is not None):
                    prev = Module(m.path, orig_v)  # previousVersion skipped the original version
                elif perr is not None:
                    raise perr
                if prev in rejected:
                    continue
                pruning = root_pruning
                if pruning == PRUNED and m in mg.summaries:
                    pruning = mg.summaries[m].pruning
                if t.check(prev, pruning) is not None:
                    rejected.add(prev)
                    continue
                break
            selected_root[m.path] = prev.version
            dirty = True
        if dirty:
            continue
        for p, v in list(selected_root.items()):
            if p not in must_version:
                actual = mg.selected(p)
                if actual != v:
                    selected_root[p] = actual
                    dirty = True
        if dirty:
            continue
        break
    if conflicts:
        raise ConstraintError(conflicts)

    if root_pruning == UNPRUNED:
        paths = [m.path for m in must_select if m.version != NONE and m.path != loader.main.path]
        for m in roots:
            v = max_root.get(m.path)
            if (m.path == loader.main.path or v is not None) and (v == m.version or before.is_direct(m.path)):
                paths.append(m.path)
        roots = req(loader.main, paths, _LoaderReqs(loader, roots))

    changed = root_pruning != orig_pruning or roots != orig_roots
    if not changed:
        return orig_roots, orig_pruning, False
    if root_pruning == UNPRUNED:
        go = next((m.version for m in roots if m.path == "go"), None)
        if go is not None and pruning_for(go) == PRUNED:
            # The edit raised the go version into pruning: keep the exact build list by making
            # all of it roots (convertPruning).
            roots = loader.read_graph(UNPRUNED, roots).build_list()[1:]
            root_pruning = PRUNED
    return roots, root_pruning, True


def plan_get(mg: ModGraph, path: str, version: str, *, local_go: str = LOCAL_GO_VERSION) -> GetPlan:
    """The result of ``go get path@version`` (``version`` may be ``none`` to drop the module).

    ``mg`` is the loaded graph of the main module (:func:`gomodlab.load.modload.load`). A main go.mod
    without a go line first gets ``go <local_go>`` and a pruned requirement list, as go get's
    -mod=mod load does (init.go ``loadModFile``).
    """
    return plan_get_many(mg, [Module(path, version)], local_go=local_go)


def plan_get_many(mg: ModGraph, targets: Sequence[Module], *, local_go: str = LOCAL_GO_VERSION) -> GetPlan:
    """:func:`plan_get` for several modules at once (``go get a@v1 b@v2``): all of them must be selected."""
    loader = mg.loader
    if loader is None:
        raise SourceError("a graph read from 'go mod graph' text cannot be edited (no go.mod files)")
    if not targets:
        raise SourceError("go get: no modules named")
    for target in targets:
        if target.path == loader.main.path:
            raise SourceError(f"can't request explicit version of path in main module ({target.path})")
        if target in loader.main_file.exclude:
            raise SourceError(f"{target.path}@{target.version}: excluded by go.mod")
    current = mg
    if loader.main_file.go is None:
        first = [r for r in loader.initial_roots() if r.path != "go"] + [Module("go", local_go)]
        converted = loader.read_graph(UNPRUNED, sorted(first, key=_sort_key)).build_list()[1:]
        current = loader.load_roots(PRUNED, converted)
    roots, pruning, changed = edit_requirements(loader, current, list(targets))
    after = loader.load_roots(pruning, roots) if changed else current
    return GetPlan(targets[0], mg, after, tuple(after.roots), changed, tuple(targets))
