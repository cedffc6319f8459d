"""Available updates, retractions and deprecations: ``go list -m -u [-retracted] all`` and ``outdated``.

:func:`list_modules` is ``cmd/go/internal/modload/list.go`` ``ListModules`` for ``all`` with the
``-u`` / ``-retracted`` modes (build.go ``moduleInfo``, ``addUpdate``, ``addRetraction``,
``addDeprecation``): each module of the build list, and its replacement, gets

- an **update**: ``Query(path, "upgrade", current, CheckAllowed)`` when that is above the current
  version (pre-releases only from a pre-release, never a retracted or excluded version);
- **retracted**: the rationale of the ``retract`` directives of the module's latest go.mod that
  cover the version (``-u`` or ``-retracted``);
- **deprecated**: the ``// Deprecated:`` comment of the latest go.mod's module line (``-u``).

:meth:`ListedModule.line` prints a module as ``go list -m`` does (``modinfo.ModulePublic.String``):
``path v1.1.0 (retracted) [v1.3.0] (deprecated) => repl v1.0.0 [v1.0.1]``.

:func:`outdated` adds what a person deciding on updates asks for: the latest patch, the latest
version of the same module path, the latest *major* version (the ``/vN`` module path above the
current one that the proxy has, probed ``/v(N+1)``, ``/v(N+2)``… until one is missing), and what
taking each would drag in (``go get``'s requirement edit, :func:`gomodlab.load.get.plan_get`).

Columns of :func:`outdated_frame` (one row per module of the build list, main module left out):

============  ==============================================================================
path          module path
version       selected version
direct        required by the main go.mod without ``// indirect``
patch         latest allowed patch release above ``version`` ("" if none)
latest        what ``go list -m -u`` offers: the latest allowed version of this path
major         the latest major version's module, ``path/vN vN.x.y`` ("" if none)
retracted     why ``version`` is retracted (the first rationale), "" if it is not
deprecated    the latest go.mod's deprecation message, ""
patch_adds    what ``go get path@patch`` changes besides the module itself (``nothing else``,
              ``c v1.1.0→v1.2.0``, ``+d v1.0.0`` added, ``-e`` removed, or the conflict go reports)
latest_adds   the same for ``latest``
major_adds    the same for the major version's module
============  ==============================================================================
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import GomodlabError, SourceError
from ..mod import gover, modpath, semver
from .get import GetPlan
from .modload import ModGraph
from .mvs import Module
from .query import Disallowed, NoMatchingVersion, NotFound, Querier, QueryError, RetractionLoadingError, short_message
from .sources import GoModNotFound

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ListedModule", "Outdated", "UpdatePlan", "list_modules", "list_lines", "outdated", "outdated_frame",
           "plan_update", "OUTDATED_COLUMNS"]


@dataclass
class ListedModule:
    """One module as ``go list -m -u -retracted`` describes it (modinfo.ModulePublic's fields used here)."""

    path: str
    version: str
    main: bool = False
    indirect: bool = False
    update: str = ""
    update_time: str = ""
    retracted: tuple[str, ...] = ()
    deprecated: str = ""
    replace: ListedModule | None = None
    error: str = ""

    def line(self) -> str:
        """``ModulePublic.String``: the line ``go list -m`` prints."""
        s = self.path
        if self.version:
            s += " " + self._v()
            if self.update:
                s += f" [{self.update}]"
        if self.deprecated:
            s += " (deprecated)"
        r = self.replace
        if r is not None:
            s += " => " + r.path
            if r.version:
                s += " " + r._v()
                if r.update:
                    s += f" [{r.update}]"
            if r.deprecated:
                s += " (deprecated)"
        return s

    def _v(self) -> str:
        return self.version + " (retracted)" if self.retracted else self.version


def _ignorable(err: BaseException) -> bool:
    # "no matching version" and "not found" errors are ignored by addUpdate/addRetraction/
    # addDeprecation: the proxy has no such version or no versions at all.
    if isinstance(err, RetractionLoadingError):
        err = err.cause
    return isinstance(err, (NoMatchingVersion, NotFound, GoModNotFound))


def _add_update(q: Querier, m: ListedModule) -> None:
    if not m.version:
        return
    try:
        info = q.query(m.path, "upgrade", m.version, q.check_allowed)
    except (NoMatchingVersion, NotFound, GoModNotFound, Disallowed):
        return
    except GomodlabError as e:
        m.error = m.error or str(e)
        return
    if info.version and gover.mod_compare(m.path, info.version, m.version) > 0:
        m.update, m.update_time = info.version, info.time


def _add_retraction(q: Querier, m: ListedModule) -> None:
    if not m.version:
        return
    err = q.check_retractions(Module(m.path, m.version))
    if err is None or _ignorable(err):
        return
    rationale = getattr(err, "rationale", None)
    if rationale is not None:
        m.retracted = tuple(rationale) or ("retracted by module author",)
    elif not m.error:
        m.error = str(err)


def _add_deprecation(q: Querier, m: ListedModule) -> None:
    if not m.version:
        return
    try:
        m.deprecated = q.deprecation(m.path)
    except GomodlabError as e:
        if not _ignorable(e) and not m.error:
            m.error = f"loading deprecation for {m.path}: {e}"


def list_modules(mg: ModGraph, *, updates: bool = True, retracted: bool = True,
                 querier: Querier | None = None) -> list[ListedModule]:
    """``go list -m [-u] [-retracted] all`` as records: ``updates`` is ``-u`` (which implies
    retractions and deprecations), ``retracted`` is ``-retracted``."""
    if mg.loader is None or mg.main_file is None:
        raise SourceError("updates need go.mod files and a proxy or module cache, not 'go mod graph' text")
    q = querier or Querier(mg.main_file, mg.loader.source)
    with_retracted = updates or retracted
    out: list[ListedModule] = []
    for m in mg.build_list():
        if gover.is_toolchain(m.path):
            continue
        if m.version == "":
            out.append(ListedModule(m.path, "", main=True))
            continue
        info = ListedModule(m.path, m.version, indirect=not mg.is_direct(m.path))
        r = mg.replacement(m)
        if r is not None:
            info.replace = ListedModule(r.path, r.version)
            if with_retracted:
                _add_retraction(q, info.replace)
                info.retracted = info.replace.retracted
        for x in (info, info.replace):
            if x is None:
                continue
            if updates:
                _add_update(q, x)
            if with_retracted:
                _add_retraction(q, x)
            if updates:
                _add_deprecation(q, x)
        out.append(info)
    return out


def list_lines(mg: ModGraph, *, updates: bool = True, retracted: bool = True) -> tuple[list[str], list[str]]:
    """(lines ``go list -m -u [-retracted] all`` prints, the errors go would report instead)."""
    mods = list_modules(mg, updates=updates, retracted=retracted)
    errors = [e for x in mods for e in (x.error, x.replace.error if x.replace else "") if e]
    return [x.line() for x in mods], errors


# -------------------------------------------------------------------------------------------

@dataclass
class Outdated:
    """One row of :func:`outdated` (the columns of :func:`outdated_frame`)."""

    path: str
    version: str
    direct: bool
    patch: str = ""
    latest: str = ""
    major: str = ""
    retracted: str = ""
    deprecated: str = ""
    patch_adds: str = ""
    latest_adds: str = ""
    major_adds: str = ""
    errors: list[str] = field(default_factory=list)


def _major_paths(path: str) -> Iterable[str]:
    """The module paths of the following majors: ``x`` → ``x/v2``, ``x/v3``…; ``gopkg.in/y.v2`` → ``y.v3``…"""
    prefix, major, ok = modpath.split_path_version(path)
    if not ok:
        return
    n = int(major.lstrip("/.v").split("-")[0]) if major else 1
    sep = "." if path.startswith("gopkg.in/") else "/"
    for k in range(max(n, 1) + 1, 1000):
        yield f"{prefix}{sep}v{k}"


def _latest_major(q: Querier, path: str) -> tuple[str, str] | None:
    best = None
    for p in _major_paths(path):
        try:
            info = q.query(p, "latest", "", q.check_allowed)
        except (NoMatchingVersion, NotFound, GoModNotFound, Disallowed, QueryError):
            break
        best = (p, info.version)
    return best


def _drag(mg: ModGraph, path: str, version: str, itself: str) -> str:
    from .get import ConstraintError, plan_get

    try:
        plan = plan_get(mg, path, version)
    except ConstraintError as e:
        return "conflict: " + "; ".join(c.summary() for c in e.conflicts)
    except GomodlabError as e:
        return f"error: {e}"
    parts: list[str] = []
    for c in plan.changes:
        if c.path in (itself, "go", "toolchain"):
            continue
        parts.append(f"+{c.path} {c.new}" if c.kind == "add" else
                     f"-{c.path}" if c.kind == "remove" else f"{c.path} {c.old}→{c.new}")
    return ", ".join(parts) or "nothing else"


def outdated(mg: ModGraph, *, drag: bool = True, progress: bool | None = None) -> list[Outdated]:
    """For every module of the build list: patch, latest, major, retractions, deprecations and what
    each update would drag in (``drag=False`` leaves those columns empty and is much faster).

    ``progress``: a tqdm bar on stderr (None: only when stderr is a terminal).
    """
    mods = list_modules(mg, updates=True, retracted=True)
    assert mg.main_file is not None and mg.loader is not None
    q = Querier(mg.main_file, mg.loader.source)
    rows: list[Outdated] = []
    todo = [x for x in mods if not x.main]
    bar = _bar(len(todo), progress)
    try:
        for x in todo:
            row = Outdated(x.path, x.version, not x.indirect, latest=x.update,
                           retracted=short_message(x.retracted[0], "retracted by module author") if x.retracted else "",
                           deprecated=short_message(x.deprecated, "") if x.deprecated else "")
            if x.error:
                row.errors.append(x.error)
            try:
                p = q.query(x.path, "patch", x.version, q.check_allowed)
                if p.version and semver.compare(p.version, x.version) > 0:
                    row.patch = p.version
            except (NoMatchingVersion, NotFound, GoModNotFound, Disallowed):
                pass
            except GomodlabError as e:
                row.errors.append(str(e))
            major = _latest_major(q, x.path)
            if major is not None:
                row.major = f"{major[0]} {major[1]}"
            if drag:
                if row.patch:
                    row.patch_adds = _drag(mg, x.path, row.patch, x.path)
                if row.latest:
                    row.latest_adds = row.patch_adds if row.latest == row.patch else _drag(mg, x.path, row.latest, x.path)
                if major is not None and mg.selected(major[0]) == "none":
                    row.major_adds = _drag(mg, major[0], major[1], major[0])
            rows.append(row)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return rows


def _bar(total: int, progress: bool | None) -> Any:
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress or total == 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="updates", unit="mod", leave=False, file=sys.stderr)


OUTDATED_COLUMNS = ("path", "version", "direct", "patch", "latest", "major", "retracted", "deprecated",
                    "patch_adds", "latest_adds", "major_adds")


def outdated_frame(directory: str = ".", *, modcache: str | None = None, proxy: str | None = None,
                   drag: bool = True, progress: bool | None = None,
                   graph: ModGraph | None = None) -> pd.DataFrame:
    """:func:`outdated` as a DataFrame (columns in the module docstring; text columns are "" when
    empty, never NaN). The graph is ``graph``, or loaded from ``directory`` with the module cache
    ``modcache`` and/or the GOPROXY list ``proxy`` (:func:`gomodlab.load.sources.source_for`)."""
    import pandas as pd

    from .modload import load
    from .sources import ProxySource, source_for

    if graph is None:
        src = ProxySource(proxy) if proxy and modcache is None else source_for(modcache, proxy)
        graph = load(directory, src)
    rows = outdated(graph, drag=drag, progress=progress)
    df = pd.DataFrame([{c: getattr(r, c) for c in OUTDATED_COLUMNS} for r in rows], columns=list(OUTDATED_COLUMNS))
    return df.astype({"direct": bool}).reset_index(drop=True)


# -------------------------------------------------------------------------------------------

@dataclass
class UpdatePlan:
    """What ``go get -u[=patch] ARGS`` does at the module level: the edit and the go.mod go writes."""

    plan: GetPlan
    requests: list[tuple[str, str, str]]   # (argument, query, version it resolved to)
    gomod_before: bytes
    gomod_after: bytes

    def messages(self) -> list[str]:
        """What go.mod's requirements and go/toolchain lines change, as go get words it
        (``go: upgraded … => …``, modget reportChanges order: go, toolchain, then by path).

        go diffs against its in-memory go.mod, which its own loading may already have updated,
        so it can print fewer lines than this list: a summary, not a copy of go's stderr.
        """
        from ..mod import modfile

        def reqs(data: bytes) -> dict[str, str]:
            f = modfile.parse_gomod(data, lax=True)
            out = {r.path: r.version for r in f.require}
            if f.go:
                out["go"] = f.go
            if f.toolchain:
                out["toolchain"] = f.toolchain
            return out

        from .get import LOCAL_GO_VERSION

        if self.gomod_after == self.gomod_before:
            return []
        old, new = reqs(self.gomod_before), reqs(self.gomod_after)
        # A go.mod without a go line got the local one when go get loaded it, before the edit.
        old.setdefault("go", LOCAL_GO_VERSION)
        lines = []
        for p in sorted(old.keys() | new.keys(), key=lambda p: (p != "go", p != "toolchain", p)):
            o, n = old.get(p, ""), new.get(p, "")
            if o == n:
                continue
            if not o:
                lines.append(f"go: added {p} {n}")
            elif not n:
                lines.append(f"go: removed {p} {o}")
            elif gover.mod_compare(p, n, o) > 0:
                lines.append(f"go: upgraded {p} {o} => {n}")
            else:
                lines.append(f"go: downgraded {p} {o} => {n}")
        return lines


def plan_update(mg: ModGraph, args: Sequence[str], mode: str = "upgrade") -> UpdatePlan:
    """``go get -u ARGS`` (``mode="upgrade"``) or ``go get -u=patch ARGS`` (``"patch"``) on modules.

    Each argument is a module path (queried with ``mode``, from the version the build list selects:
    modget's default query under ``-u``) or ``path@query``. Queries follow modget ``checkAllowedOr``:
    the requested and the current version are allowed even if retracted. go's ``-u`` also upgrades
    the modules providing packages the named ones import; gomodlab works on modules, not packages,
    so that part applies only when the named modules have no package imports (the case of a
    module-level request, and of every universe the tests generate).
    """
    from ..errors import SourceError
    from .get import plan_get_many
    from .gomod_queries import written_gomod

    if mode not in ("upgrade", "patch"):
        raise SourceError(f"go: unknown upgrade flag -u={mode}")
    if not args:
        raise SourceError("no package to get in current directory")
    if mg.loader is None or mg.main_file is None:
        raise SourceError("go get needs go.mod files and a proxy or module cache, not 'go mod graph' text")
    loader = mg.loader
    q = Querier(mg.main_file, loader.source)
    targets: list[Module] = []
    requests: list[tuple[str, str, str]] = []
    for arg in args:
        path, at, query = arg.partition("@")
        query = query if at else mode
        current = mg.selected(path)
        if query == "none":
            version = "none"
        else:
            def allowed(m: Module, requested: str = query, cur: str = current) -> Exception | None:
                if m.version == requested:
                    return q.check_exclusions(m)
                if requested in ("upgrade", "patch") and m.version == cur:
                    return None
                return q.check_allowed(m)
            try:
                info = q.query(path, query, current, allowed)
            except QueryError as e:
                raise SourceError(f"{path}@{query}: {e}" if not str(e).startswith(path) else str(e)) from None
            version = info.version
        targets.append(Module(path, version))
        requests.append((arg, query, version))
    plan = plan_get_many(mg, targets)
    gomod = os.path.join(mg.main_file.dir, "go.mod")
    with open(gomod, "rb") as f:
        data = f.read()
    roots = list(plan.after.roots)
    paths = {m.path for m in roots}
    direct = {p for p in mg.main_file.direct if p in paths}
    after = written_gomod(data, gomod, mg.main_file, roots, direct, loader.source,
                          fixed=bool(loader.resolved_queries))
    return UpdatePlan(plan, requests, data, after)
