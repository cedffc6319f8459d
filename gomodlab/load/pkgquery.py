"""goda-style queries over the package graph ``go mod tidy`` loads (:class:`PackageGraph`).

Pure functions of a :class:`gomodlab.load.packagegraph.PackageGraph`; ``tests`` says whether the
tests of the packages queried count (``go list -test -deps``: the _test.go files' imports of the
queried packages, never the tests of their dependencies), else only non-test files' imports
(``go list -deps``).

=====================  =====================================================================
function               answers
=====================  =====================================================================
:func:`reach`          the packages ``X`` imports transitively, ``X`` itself included (as
                       ``go list -deps X`` lists them)
:func:`shared`         the packages both ``X`` and ``Y`` reach
:func:`cut`            what the build loses when module ``M`` provides nothing: the packages
                       only reachable through ``M``'s packages (those included), and the
                       modules that then provide no package of the build
:func:`weight`         per module: the packages, Go files and bytes it adds to the build of
                       the main module's packages, and its share of the bytes
=====================  =====================================================================

"The build" is what the main module's packages import (with ``tests``, what they and their
tests import). Standard-library packages are leaves: the loader does not follow their own imports
(tidy never needs them), so a query lists the standard packages imported directly, and none
below them. Files are the ones tidy counts (every GOOS/GOARCH and tag but ``ignore``), not one
platform's: see :meth:`PackageGraph.frame`'s ``excluded`` for the files left out, and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import GomodlabError
from .mvs import Module
from .packagegraph import PackageGraph
from .packages import LoadedPackage

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["UnknownPackageError", "UnknownModuleError", "Cut", "reach", "shared", "cut", "weight", "WEIGHT_COLUMNS"]


class UnknownPackageError(GomodlabError):
    """A package the graph does not hold (not in the build of the main module)."""

    exit_code = 1


class UnknownModuleError(GomodlabError):
    """A module that provides no package of the graph."""

    exit_code = 1


@dataclass(frozen=True)
class Cut:
    """:func:`cut`'s answer: ``packages`` (sorted) the build loses when ``module`` provides
    nothing, and ``modules`` that then provide none of the build's packages (``module`` first)."""

    module: str
    packages: tuple[str, ...]
    modules: tuple[Module, ...]


#: :func:`weight`'s columns: ``module``, ``version`` (``""`` for the main module), ``packages``
#: (of the build it provides), ``files`` (their non-test Go files), ``bytes`` (those files'
#: sizes) and ``share`` (of all the build's bytes, 0–1). Sorted heaviest first.
WEIGHT_COLUMNS = ("module", "version", "packages", "files", "bytes", "share")


def _lookup(graph: PackageGraph, path: str) -> LoadedPackage:
    p = graph.package(path)
    if p is None or p.test_of is not None:
        raise UnknownPackageError(f"package {path} is not in the package graph of {graph.main.path} "
                                  "(go mod tidy loads the main module's packages, their tests and their imports)")
    return p


def _closure(starts: Iterable[LoadedPackage], *, tests: bool, skip: str | None = None) -> dict[str, LoadedPackage]:
    """import path → package for everything ``starts`` import (themselves included), following
    the tests' imports of ``starts`` only when ``tests``; never entering module ``skip``."""
    seen: dict[str, LoadedPackage] = {}
    stack: list[LoadedPackage] = []

    def visit(p: LoadedPackage) -> None:
        if p.path not in seen and not (skip is not None and p.mod.path == skip):
            seen[p.path] = p
            stack.append(p)

    firsts = list(starts)
    for p in firsts:
        visit(p)
    if tests:
        for p in firsts:
            if p.test is not None and not (skip is not None and p.mod.path == skip):
                for d in p.test.imports:
                    visit(d)
    while stack:
        for d in stack.pop().imports:
            visit(d)
    return seen


def _check_tests_loaded(graph: PackageGraph, pkgs: Sequence[LoadedPackage]) -> None:
    for p in pkgs:
        if p.test is None and p.files and any(f.endswith("_test.go") for f in p.files):
            raise UnknownPackageError(f"the tests of {p.path} are not in the package graph of {graph.main.path} "
                                      "(tidy loads the tests of the packages in \"all\" only)")


def reach(graph: PackageGraph, packages: str | Sequence[str], *, tests: bool = False) -> list[str]:
    """The import paths ``packages`` import transitively, themselves included, sorted.

    ``tests``: their _test.go files' imports too (``go list -test -deps``). Raises
    :class:`UnknownPackageError` for a package the graph does not hold.
    """
    names = [packages] if isinstance(packages, str) else list(packages)
    pkgs = [_lookup(graph, n) for n in names]
    if tests:
        _check_tests_loaded(graph, pkgs)
    return sorted(_closure(pkgs, tests=tests))


def shared(graph: PackageGraph, x: str, y: str, *, tests: bool = False) -> list[str]:
    """The packages both ``x`` and ``y`` reach (:func:`reach`), sorted."""
    return sorted(set(reach(graph, x, tests=tests)) & set(reach(graph, y, tests=tests)))


def _build(graph: PackageGraph, *, tests: bool, skip: str | None = None) -> dict[str, LoadedPackage]:
    main = [p for p in graph.packages if p.test_of is None and p.mod.path == graph.main.path and p.mod.version == ""
            and p.err is None]
    return _closure(main, tests=tests, skip=skip)


def cut(graph: PackageGraph, module: str, *, tests: bool = False) -> Cut:
    """What the build of the main module's packages loses when ``module`` provides nothing.

    Raises :class:`UnknownModuleError` when no package of the build comes from ``module`` (the
    main module cannot be cut: its packages are the build).
    """
    if module == graph.main.path:
        raise UnknownModuleError(f"{module} is the main module: its packages are the build, it cannot be cut")
    full = _build(graph, tests=tests)
    if not any(p.mod.path == module for p in full.values()):
        raise UnknownModuleError(f"module {module} provides no package of the build of {graph.main.path}")
    kept = _build(graph, tests=tests, skip=module)
    lost = {path: p for path, p in full.items() if path not in kept}
    providing = {p.mod for p in kept.values() if p.mod.path}
    emptied = sorted({p.mod for p in lost.values() if p.mod.path and p.mod not in providing},
                     key=lambda m: (m.path != module, m.path, m.version))
    return Cut(module, tuple(sorted(lost)), tuple(emptied))


def weight(graph: PackageGraph, *, tests: bool = False) -> pd.DataFrame:
    """Per module, what it adds to the build (:data:`WEIGHT_COLUMNS`), heaviest first.

    Counts the non-test Go files of each package in the build (``tests``: the build of the main
    module's tests too); standard-library packages are not counted (no module adds them).
    """
    import pandas as pd

    rows: dict[Module, list[int]] = {}
    for p in _build(graph, tests=tests).values():
        if not p.mod.path or p.in_std:
            continue
        sizes = graph.file_sizes(p)
        r = rows.setdefault(p.mod, [0, 0, 0])
        r[0] += 1
        r[1] += len(sizes)
        r[2] += sum(sizes.values())
    total = sum(r[2] for r in rows.values()) or 1
    df = pd.DataFrame([(m.path, m.version, n, f, b, b / total) for m, (n, f, b) in rows.items()],
                      columns=list(WEIGHT_COLUMNS))
    df = df.astype({"packages": "int64", "files": "int64", "bytes": "int64", "share": "float64"})
    return df.sort_values(["bytes", "module"], ascending=[False, True], ignore_index=True)
