"""The packages a load found, as data: a DataFrame and a NetworkX graph of imports.

:class:`PackageGraph` wraps a finished :class:`gomodlab.load.packages.PackageLoader` (what
``go mod tidy`` loaded): every package with its module, directory, Go files (and the ones the
build constraints dropped), imports and test imports, whether only tests reach it, and go's error.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .modfiles import DiskTree, ModuleTree
from .packages import LoadedPackage, PackageLoader

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

__all__ = ["PackageGraph"]


class PackageGraph:
    """The loaded packages of a main module: what ``go mod tidy`` and ``go mod why`` work from.

    ``packages`` in load order (roots first, then breadth first along imports, tests after the
    package they test); ``requirements`` the final roots; ``stderr`` what go printed on the way.
    """

    def __init__(self, pld: PackageLoader) -> None:
        self.main = pld.main
        self.packages = list(pld.pkgs)
        self.requirements = pld.requirements
        self.stderr = "".join(pld.stderr)
        self._loader = pld

    def __repr__(self) -> str:
        return f"<PackageGraph {self.main.path}: {sum(p.test_of is None for p in self.packages)} packages>"

    def package(self, path: str) -> LoadedPackage | None:
        return self._loader.cache.get(path)

    def _tree(self, pkg: LoadedPackage) -> tuple[ModuleTree, str]:
        """The module tree holding ``pkg`` and the package's directory in it."""
        rel = pkg.path[len(pkg.mod.path) + 1:] if pkg.path != pkg.mod.path else ""
        return self._loader.files.tree(pkg.mod), rel

    def file_sizes(self, pkg: LoadedPackage) -> dict[str, int]:
        """name → size in bytes of each non-test Go file of ``pkg`` that builds (tidy's view: any
        GOOS/GOARCH and tag but ``ignore``); empty for a standard-library package."""
        if not pkg.mod.path or pkg.in_std:
            return {}
        tree, rel = self._tree(pkg)
        names = [f for f in pkg.files if not f.endswith("_test.go")]
        if isinstance(tree, DiskTree):
            d = os.path.join(tree.root, *rel.split("/")) if rel else tree.root
            return {f: os.path.getsize(os.path.join(d, f)) for f in names}
        return {f: len(tree.read(f"{rel}/{f}" if rel else f)) for f in names}

    def read_file(self, pkg: LoadedPackage, name: str) -> bytes:
        """The bytes of file ``name`` of ``pkg`` (from the module cache, a zip or a directory)."""
        tree, rel = self._tree(pkg)
        return tree.read(f"{rel}/{name}" if rel else name)

    def errors(self) -> list[str]:
        """Each package error as go prints it (``go: <stack>: <error>``)."""
        return [f"go: {p.stack_text()}: {p.err}" for p in self.packages if p.err is not None]

    def frame(self) -> pd.DataFrame:
        """One row per package (tests folded into their package).

        ======================  ==============================================================
        column                  meaning
        ======================  ==============================================================
        ``path``                import path
        ``module``              providing module path (``""``: standard library / unresolved)
        ``version``             its version (``""`` for the main module)
        ``dir``                 directory
        ``files``               Go files that build, as a tuple of names
        ``imports``             import paths (non-test files)
        ``test_imports``        import paths of the _test.go files
        ``test_only``           only tests of the main module's packages (or of "all") reach it
        ``in_all``              in the "all" pattern
        ``excluded``            (file, reason) pairs of Go files the build constraints drop
        ``error``               go's error text, or ``""``
        ======================  ==============================================================
        """
        import pandas as pd

        rows = []
        reached_by_non_test = _non_test_reachable(self.packages)
        for p in self.packages:
            if p.test_of is not None:
                continue
            rows.append({
                "path": p.path, "module": p.mod.path, "version": p.mod.version, "dir": p.dir,
                "files": p.files, "imports": tuple(d.path for d in p.imports),
                "test_imports": tuple(d.path for d in p.test.imports) if p.test is not None else (),
                "test_only": id(p) not in reached_by_non_test, "in_all": p.in_all,
                "excluded": p.excluded, "error": str(p.err) if p.err is not None else "",
            })
        return pd.DataFrame(rows, columns=["path", "module", "version", "dir", "files", "imports", "test_imports",
                                           "test_only", "in_all", "excluded", "error"])

    def to_networkx(self) -> nx.DiGraph:
        """Imports as a DiGraph: nodes are import paths (attributes ``module``, ``version``,
        ``files``), edges ``a → b`` when a imports b (``test=True`` when only a's tests do)."""
        import networkx as nx

        g = nx.DiGraph()
        for p in self.packages:
            if p.test_of is None:
                g.add_node(p.path, module=p.mod.path, version=p.mod.version, files=len(p.files))
        for p in self.packages:
            src = p.test_of.path if p.test_of is not None else p.path
            for d in p.imports:
                if g.has_edge(src, d.path):
                    if p.test_of is None:
                        g.edges[src, d.path]["test"] = False
                    continue
                g.add_edge(src, d.path, test=p.test_of is not None)
        return g


def _non_test_reachable(pkgs: Sequence[LoadedPackage]) -> set[int]:
    """Packages reachable from the roots through non-test imports only."""
    roots = [p for p in pkgs if p.stack is None and p.test_of is None]
    seen = {id(p) for p in roots}
    stack = list(roots)
    while stack:
        p = stack.pop()
        for d in p.imports:
            if id(d) not in seen:
                seen.add(id(d))
                stack.append(d)
    return seen
