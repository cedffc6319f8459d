"""Minimal Version Selection, as ``src/cmd/go/internal/mvs`` implements it.

The algorithms know nothing about files or networks: they work over a small :class:`Reqs`
protocol (what a module version requires, and how two versions of a path compare), like
``mvs.Reqs`` in the go source. Version strings are opaque except ``"none"`` (not required);
the target (main module) must compare above every other version of its path.

- :func:`build_list` — every reachable version, the maximum per path (mvs.go ``BuildList``).
- :func:`req` — the minimal requirement list that reproduces a build list (``Req``).
- :func:`upgrade_all`, :func:`upgrade`, :func:`downgrade` — ``go get -u`` / ``go get m@v`` style
  edits of the build list (``UpgradeAll``, ``Upgrade``, ``Downgrade``).
- :class:`Graph` — the incremental graph those are built on (graph.go): roots, edges pushed by
  the caller, the running maximum per path, breadth-first walks and shortest paths.

A :class:`Reporter` observes each step (node visited, requirement seen, maximum so far, edges
skipped); the teaching trace in :mod:`gomodlab.load.graph` is one. The example is the one from
research.swtch.com/vgo-mvs::

    >>> reqs = MapReqs.parse("A: B1 C2; B1: D3; C1: D2; C2: D4; C3: D5; C4: G1; "
    ...                      "D2: E1; D3: E2; D4: E2 F1; D5: E2; G1: C4")
    >>> " ".join(map(MapReqs.token, build_list([Module("A", "")], reqs)))
    'A B1 C2 D4 E2 F1'
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple, Protocol

from ..errors import GomodlabError, SourceError

__all__ = [
    "NONE", "Module", "Reqs", "UpgradeReqs", "DowngradeReqs", "Reporter", "Graph",
    "BuildListError", "ModuleError", "build_list", "req", "upgrade_all", "upgrade", "downgrade",
    "MapReqs",
]

#: The version meaning "not required"; never selected, never asked for requirements.
NONE = "none"


class Module(NamedTuple):
    """A module version (Go's ``module.Version``); ``version == ""`` is a main module."""

    # A NamedTuple rather than a frozen dataclass: the graph algorithms hash and compare these
    # millions of times, which a tuple does in C, and the readers build them from tuples directly.
    path: str
    version: str

    def __str__(self) -> str:
        return f"{self.path}@{self.version}" if self.version else self.path


class Reqs(Protocol):
    """The requirement graph MVS works on (mvs.go ``Reqs``)."""

    def required(self, m: Module) -> Sequence[Module]:
        """The requirements m lists itself, in order. Raise a GomodlabError when unknown."""
        ...

    def compare(self, path: str, v1: str, v2: str) -> int:
        """-1, 0 or +1 ordering two versions of ``path``; ``"none"`` is lowest, the target highest."""
        ...


class UpgradeReqs(Reqs, Protocol):
    """A :class:`Reqs` that knows the latest version of a module (for :func:`upgrade_all`)."""

    def upgrade(self, m: Module) -> Module:
        """The version ``m`` would be upgraded to (``m`` itself to keep it)."""
        ...


class DowngradeReqs(Reqs, Protocol):
    """A :class:`Reqs` that knows the version before a given one (for :func:`downgrade`)."""

    def previous(self, m: Module) -> Module:
        """The version of ``m.path`` just below ``m.version``, or version ``"none"``."""
        ...


class Reporter:
    """Observer of a graph traversal; every method is a no-op here, override what you need.

    The algorithms call it in a deterministic breadth-first order, so a recorded trace can be
    replayed step by step.
    """

    def started(self, roots: Sequence[Module], pruning: str = "") -> None:
        """A traversal from ``roots`` begins (modload reloads the graph after a root update)."""

    def visiting(self, m: Module, depth: int) -> None:
        """``m`` is dequeued and its requirements are about to be read."""

    def requirement(self, m: Module, r: Module, before: str, after: str) -> None:
        """``m`` requires ``r``; the selected version of ``r.path`` went from ``before`` to ``after``."""

    def skipped(self, m: Module, r: Module, reason: str) -> None:
        """The requirement ``m`` → ``r`` is recorded but ``r``'s own requirements are not followed."""

    def error(self, m: Module, err: Exception) -> None:
        """The requirements of ``m`` could not be read."""


class ModuleError(SourceError):
    """An error about one module version (module.ModuleError): ``path@version: err``."""

    def __init__(self, m: Module, err: str | Exception) -> None:
        self.module = m
        self.err = err
        super().__init__(f"{m.path}@{m.version}: {err}" if m.version else f"module {m.path}: {err}")


class BuildListError(SourceError):
    """A go.mod could not be read while building the graph; the message shows the chain to it.

    Same text as mvs/errors.go: ``a@v1 requires\\n\\tb@v2 requires\\n\\tc@v3: <error>``, main
    modules (version ``""``) left out of the chain.
    """

    def __init__(self, err: Exception, path: Sequence[Module],
                 is_upgrade: Callable[[Module, Module], bool] | None = None) -> None:
        self.err = err
        self.path = tuple(path)
        stack = [(m, "updating to" if is_upgrade and i + 1 < len(path) and is_upgrade(m, path[i + 1])
                  else "requires") for i, m in enumerate(path)]
        while stack and stack[0][0].version == "":
            stack.pop(0)
        if not stack:
            text = str(err)
        else:
            text = "".join(f"{m} {reason}\n\t" for m, reason in stack[:-1])
            last = stack[-1][0]
            if isinstance(err, ModuleError):
                if err.module == last:
                    text += str(err)
                else:
                    text += f"{last} (replaced by {err.module}): {err.err}"
            else:
                text += f"{last.path}@{last.version}: {err}"
        super().__init__(text)

    @property
    def module(self) -> Module | None:
        """The module whose requirements failed to load."""
        return self.path[-1] if self.path else None


class Graph:
    """Incremental MVS state (graph.go): requirements are pushed in, the maxima follow.

    ``compare(path, v1, v2)`` orders versions of a path. Each root is reachable; :meth:`require`
    records a module's requirements (once per module) and raises the selected version of each
    requirement's path when it is higher.
    """

    __slots__ = ("compare", "roots", "_required", "_is_root", "_selected")

    def __init__(self, compare: Callable[[str, str, str], int], roots: Iterable[Module]) -> None:
        self.compare = compare
        self.roots: tuple[Module, ...] = tuple(roots)
        self._required: dict[Module, tuple[Module, ...]] = {}
        self._is_root: dict[Module, bool] = {}
        self._selected: dict[str, str] = {}
        for m in self.roots:
            self._is_root[m] = True
            if compare(m.path, self.selected(m.path), m.version) < 0:
                self._selected[m.path] = m.version

    def require(self, m: Module, reqs: Sequence[Module]) -> None:
        """Record that ``m`` requires ``reqs`` (in order)."""
        if m not in self._is_root:
            raise ValueError(f"{m} is not reachable from any root")
        if m in self._required:
            raise ValueError(f"requirements of {m} have already been set")
        self._required[m] = tuple(reqs)
        is_root, selected, compare = self._is_root, self._selected, self.compare
        mark = is_root.setdefault
        for dep in reqs:
            mark(dep, False)
            path, v = dep
            cur = selected.get(path, NONE)
            if cur != v and compare(path, cur, v) < 0:
                selected[path] = v

    def required_by(self, m: Module) -> tuple[Module, ...] | None:
        """The requirements recorded for ``m``, or None if they were never loaded (pruned out)."""
        return self._required.get(m)

    def selected(self, path: str) -> str:
        """The selected version of ``path``, or ``"none"``."""
        return self._selected.get(path, NONE)

    def selected_versions(self) -> dict[str, str]:
        """Path → selected version, for every path in the graph (a copy)."""
        return dict(self._selected)

    def is_root(self, m: Module) -> bool:
        """Whether ``m`` is one of the roots."""
        return self._is_root.get(m, False)

    def nodes(self) -> list[Module]:
        """Every module version reachable so far (roots first, then in discovery order)."""
        return list(self._is_root)

    def build_list(self, sort_key: Callable[[Module], Any] | None = None) -> list[Module]:
        """Selected versions: one per root path in root order, then the rest sorted.

        ``sort_key`` orders the non-root part (go uses gover.ModSort; the default is the
        ``compare`` order within a path, which is the same thing for a modload compare).
        """
        seen: set[str] = set()
        out: list[Module] = []
        for r in self.roots:
            if r.path in seen:
                continue
            v = self.selected(r.path)
            if v != NONE:
                out.append(Module(r.path, v))
            seen.add(r.path)
        rest = [Module(p, v) for p, v in self._selected.items() if p not in seen]
        if sort_key is None:
            from functools import cmp_to_key

            def order(a: Module, b: Module) -> int:
                return (a.path > b.path) - (a.path < b.path) or self.compare(a.path, a.version, b.version)

            rest.sort(key=cmp_to_key(order))
        else:
            rest.sort(key=sort_key)
        out.extend(rest)
        return out

    def bfs(self) -> Iterator[Module]:
        """Every version other than ``"none"`` once, breadth first from the roots (WalkBreadthFirst)."""
        queue: deque[Module] = deque()
        enqueued: set[Module] = set()
        # go queues every root, a duplicate too (a module used twice in a workspace is walked twice).
        for m in self.roots:
            if m.version != NONE:
                queue.append(m)
                enqueued.add(m)
        while queue:
            m = queue.popleft()
            yield m
            for r in self._required.get(m, ()):
                if r not in enqueued and r.version != NONE:
                    queue.append(r)
                    enqueued.add(r)

    def find_path(self, pred: Callable[[Module], bool]) -> list[Module]:
        """A shortest root → … → m chain to the first m (breadth first) with ``pred(m)``; [] if none."""
        first: dict[Module, Module | None] = {}
        queue: deque[Module] = deque()
        # go queues every root, duplicates included, but records the first parent only.
        for m in self.roots:
            queue.append(m)
            first.setdefault(m, None)
        while queue:
            m = queue.popleft()
            if pred(m):
                path = [m]
                p = first[m]
                while p is not None:
                    path.append(p)
                    p = first[p]
                path.reverse()
                return path
            for r in self._required.get(m, ()):
                if r not in first:
                    first[r] = m
                    queue.append(r)
        return []


def _build(targets: Sequence[Module], reqs: Reqs,
           upgrade_fn: Callable[[Module], Module] | None = None,
           reporter: Reporter | None = None) -> list[Module]:
    """mvs.go buildList: walk everything reachable, breadth first, and take maxima."""
    g = Graph(reqs.compare, targets)
    upgrades: dict[Module, Module] = {}
    errors: dict[Module, Exception] = {}
    queue: deque[tuple[Module, int]] = deque((t, 0) for t in dict.fromkeys(targets))
    seen = set(targets)
    if reporter:
        reporter.started(targets)
    while queue:
        m, depth = queue.popleft()
        if reporter:
            reporter.visiting(m, depth)
        required: list[Module] = []
        err: Exception | None = None
        if m.version != NONE:
            try:
                required = list(reqs.required(m))
            except GomodlabError as e:
                err = e
        u = m
        if upgrade_fn is not None:
            try:
                u = upgrade_fn(m)
            except GomodlabError as e:
                u = m
                if err is None:
                    err = e
        if err is not None:
            errors[m] = err
            if reporter:
                reporter.error(m, err)
        if u != m:
            upgrades[m] = u
            required.insert(0, u)
        if reporter:
            now: dict[str, str] = {}
            for r in required:
                before = now[r.path] if r.path in now else g.selected(r.path)
                after = r.version if reqs.compare(r.path, before, r.version) < 0 else before
                now[r.path] = after
                reporter.requirement(m, r, before, after)
        g.require(m, required)
        for r in required:
            if r not in seen:
                seen.add(r)
                queue.append((r, depth + 1))
    if errors:
        path = g.find_path(lambda m: m in errors)
        return_err = errors[path[-1]]
        raise BuildListError(return_err, path, lambda a, b: upgrades.get(a) == b)
    out = g.build_list()
    if out[:len(targets)] != list(targets):
        raise ValueError(f"mistake: chose versions {out[:len(targets)]} instead of targets {list(targets)}")
    return out


def build_list(targets: Sequence[Module], reqs: Reqs, *, reporter: Reporter | None = None) -> list[Module]:
    """The build list: the targets, then the highest version of every reachable path, by path.

    Raises :class:`BuildListError` (with the shortest requirement chain) if some reachable
    module's requirements cannot be read.
    """
    return _build(targets, reqs, None, reporter)


def req(main: Module, base: Sequence[str], reqs: Reqs) -> list[Module]:
    """The minimal requirement list for ``main`` that keeps its build list (mvs.go ``Req``).

    Paths in ``base`` are always listed; the rest are the selected versions not implied by
    anything already listed. Sorted by path; ``main`` itself is not listed.
    """
    blist = build_list([main], reqs)
    maxv = {m.path: m.version for m in blist}
    postorder: list[Module] = []
    cache: dict[Module, Sequence[Module]] = {main: ()}

    def walk_post(m: Module) -> None:
        # Iterative post-order DFS (deep graphs would overflow Python's recursion limit).
        if m in cache:
            return
        cache[m] = reqs.required(m)
        stack = [(m, iter(cache[m]))]
        while stack:
            node, it = stack[-1]
            for r in it:
                if r not in cache:
                    cache[r] = reqs.required(r)
                    stack.append((r, iter(cache[r])))
                    break
            else:
                stack.pop()
                postorder.append(node)

    for m in blist:
        walk_post(m)

    have: set[Module] = set()
    out: list[Module] = []
    have_base: set[str] = set()
    for path in base:
        if path in have_base:
            continue
        m = Module(path, maxv.get(path, ""))
        out.append(m)
        _mark_reachable(m, cache, have)
        have_base.add(path)
    for m in reversed(postorder):
        if maxv.get(m.path) != m.version:
            continue  # an older version
        if m not in have:
            out.append(m)
            _mark_reachable(m, cache, have)
    out.sort(key=lambda m: m.path)
    return out


def _mark_reachable(m: Module, edges: Mapping[Module, Iterable[Module]], seen: set[Module]) -> None:
    """Add ``m`` and every module reachable from it through ``edges`` to ``seen`` (without recursion:
    requirement chains can be deeper than Python's stack)."""
    stack = [m]
    while stack:
        n = stack.pop()
        if n not in seen:
            seen.add(n)
            stack.extend(edges.get(n, ()))


def upgrade_all(target: Module, reqs: UpgradeReqs, *, reporter: Reporter | None = None) -> list[Module]:
    """The build list with every module upgraded to its latest version (``go get -u all``)."""
    def up(m: Module) -> Module:
        return target if m.path == target.path else reqs.upgrade(m)

    return _build([target], reqs, up, reporter)


class _Override:
    """reqs with the target's requirement list replaced (mvs.go ``override``)."""

    def __init__(self, target: Module, required: Sequence[Module], reqs: Reqs) -> None:
        self.target, self.list, self.reqs = target, tuple(required), reqs

    def required(self, m: Module) -> Sequence[Module]:
        return self.list if m == self.target else self.reqs.required(m)

    def compare(self, path: str, v1: str, v2: str) -> int:
        return self.reqs.compare(path, v1, v2)

    def previous(self, m: Module) -> Module:
        return self.reqs.previous(m)  # type: ignore[attr-defined]


def upgrade(target: Module, reqs: Reqs, *upgrades: Module, reporter: Reporter | None = None) -> list[Module]:
    """The build list with the given modules upgraded (``go get m@v`` in MVS terms).

    Asking for a version lower than what is already selected changes nothing: MVS takes maxima.
    """
    required = list(reqs.required(target))
    in_list = {m.path for m in required}
    upgrade_to: dict[str, str] = {}
    for u in upgrades:
        if u.path not in in_list:
            required.append(Module(u.path, NONE))
            in_list.add(u.path)
        prev = upgrade_to.get(u.path)
        upgrade_to[u.path] = u.version if prev is None or reqs.compare(u.path, prev, u.version) < 0 else prev

    def up(m: Module) -> Module:
        v = upgrade_to.get(m.path)
        return m if v is None else Module(m.path, v)

    return _build([target], _Override(target, required, reqs), up, reporter)


def downgrade(target: Module, reqs: DowngradeReqs, *downgrades: Module) -> list[Module]:
    """The build list with the given modules downgraded (mvs.go ``Downgrade``).

    Every module whose requirements would need a version above a downgraded maximum steps
    down through ``reqs.previous`` until it fits, or is dropped.
    """
    blist = build_list([target], reqs)[1:]
    cmp = reqs.compare
    maxv = {m.path: m.version for m in blist}
    for d in downgrades:
        v = maxv.get(d.path)
        if v is None or cmp(d.path, v, d.version) > 0:
            maxv[d.path] = d.version

    added: set[Module] = set()
    rdeps: dict[Module, list[Module]] = {}
    excluded: set[Module] = set()

    def exclude(m: Module) -> None:
        _mark_reachable(m, rdeps, excluded)

    def add(m: Module) -> None:
        if m in added:
            return
        added.add(m)
        v = maxv.get(m.path)
        if v is not None and cmp(m.path, m.version, v) > 0:
            # m would upgrade an existing dependency: not a strict downgrade.
            exclude(m)
            return
        try:
            required = reqs.required(m)
        except GomodlabError:
            exclude(m)
            return
        for r in required:
            add(r)
            if r in excluded:
                exclude(m)
                return
            rdeps.setdefault(r, []).append(m)

    downgraded = [target]
    for r in blist:
        add(r)
        dropped = False
        while r in excluded:
            p = reqs.previous(r)
            v = maxv[r.path]
            # A requested version that previous() never returns (pseudo, hidden) is slotted in.
            if cmp(r.path, v, r.version) < 0 and cmp(r.path, p.version, v) < 0:
                p = Module(p.path, v)
            if p.version == NONE:
                dropped = True
                break
            add(p)
            r = p
        if not dropped:
            downgraded.append(r)

    # Versions previous() skipped may pull others back up; rebuild with what MVS actually
    # selects so that dependencies only the skipped-over versions needed disappear
    # (mvs.go, the downhiddenartifact and downhiddencross cases).
    actual = {m.path: m.version for m in build_list([target], _Override(target, downgraded, reqs))}
    downgraded = [Module(m.path, actual[m.path]) for m in blist if m.path in actual]
    return build_list([target], _Override(target, downgraded, reqs))


class MapReqs:
    """Requirements from a dict, with mvs_test.go's toy versions: the teaching and test Reqs.

    A token is a one-letter path followed by its version: ``B1`` is (B, "1"), ``A`` is (A, "")
    — the target, highest of all — and ``Anone`` is (A, "none"). Versions compare as plain
    strings; ``upgrade`` picks the highest listed version not ending in ``.hidden`` and
    ``previous`` the highest such version below the given one.
    """

    def __init__(self, graph: Mapping[Module, Sequence[Module]]) -> None:
        self.graph = {m: tuple(rs) for m, rs in graph.items()}

    @staticmethod
    def module(token: str) -> Module:
        """``"B1"`` → Module("B", "1")."""
        return Module(token[:1], token[1:])

    @staticmethod
    def token(m: Module) -> str:
        """Module("B", "1") → ``"B1"``."""
        return m.path + m.version

    @classmethod
    def parse(cls, text: str) -> MapReqs:
        """``"A: B1 C2; B1: D3"`` (``;`` or newlines between entries) → MapReqs."""
        graph: dict[Module, list[Module]] = {}
        for entry in text.replace("\n", ";").split(";"):
            if not entry.strip():
                continue
            key, _, val = entry.partition(":")
            rs = [cls.module(t) for t in val.split()]
            for r in rs:
                graph.setdefault(r, [])
            graph[cls.module(key.strip())] = rs
        return cls(graph)

    def required(self, m: Module) -> Sequence[Module]:
        try:
            return self.graph[m]
        except KeyError:
            raise SourceError(f"missing module: {m}") from None

    def compare(self, path: str, v1: str, v2: str) -> int:
        if v1 == v2:
            return 0
        if v1 == NONE or v2 == "":
            return -1
        if v2 == NONE or v1 == "":
            return 1
        return -1 if v1 < v2 else 1

    def upgrade(self, m: Module) -> Module:
        best = None
        for k in self.graph:
            if k.path == m.path and not k.version.endswith(".hidden") and (
                    best is None or self.compare(k.path, best.version, k.version) < 0):
                best = k
        if best is None:
            raise SourceError(f"missing module: {m.path}")
        return best

    def previous(self, m: Module) -> Module:
        best = ""
        for k in self.graph:
            if k.path == m.path and best < k.version < m.version and not k.version.endswith(".hidden"):
                best = k.version
        return Module(m.path, best or NONE)
