"""The architecture, checked: every import inside gomodlab points down the layer order.

The rule, stated once: a module may import gomodlab modules of its own layer or of a layer to
its left in ``LAYERS``, never one to its right; imports form no cycle; a module whose name starts
with ``_`` is private to its subpackage (only modules beside it import it). Imports inside
functions count the same as those at the top of a file. No exemptions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "gomodlab"

#: Lowest first: ``base`` (``errors``, what every layer raises, and ``version``), the
#: subpackages, then ``cli`` and the facade (``gomodlab/__init__.py``, ``__main__``).
LAYERS = ("base", "mod", "load", "cache", "net", "diagnose", "fleet", "lab", "cli", "facade")

#: Modules over ~800 lines that mirror one Go file of that size.
MIRRORS = {"mod/modfile.py": "golang.org/x/mod/modfile/rule.go"}


def _module_name(file: Path) -> str:
    parts = list(file.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return "facade"
    return "base" if parts[1] in ("errors", "version") else parts[1]


def _imports(file: Path) -> set[str]:
    """The gomodlab modules ``file`` imports: ``from X import y`` counts X, and X.y when y is a module."""
    module = _module_name(file)
    package = module if file.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(), str(file))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "gomodlab")
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = package.split(".")[: package.count(".") + 2 - node.level]
                target = ".".join(base + ([node.module] if node.module else []))
            if target.split(".")[0] == "gomodlab":
                found.add(target)
                found.update(f"{target}.{a.name}" for a in node.names if _is_module(f"{target}.{a.name}"))
    return found


FILES = sorted(PACKAGE.rglob("*.py"))
IMPORTS = nx.DiGraph()
for _file in FILES:
    IMPORTS.add_node(_module_name(_file))
    IMPORTS.add_edges_from((_module_name(_file), target) for target in _imports(_file))


def test_every_module_is_in_a_layer():
    assert sorted(m for m in IMPORTS if _layer(m) not in LAYERS) == []


def test_imports_point_down():
    upward = [f"{a} imports {b}" for a, b in IMPORTS.edges if LAYERS.index(_layer(b)) > LAYERS.index(_layer(a))]
    assert upward == []


def test_no_import_cycles():
    assert list(nx.simple_cycles(IMPORTS)) == []


def test_private_modules_stay_in_their_subpackage():
    def private(m: str) -> bool:
        return m.rpartition(".")[2].startswith("_") and not m.endswith(("__init__", "__main__"))

    leaks = [f"{a} imports {b}" for a, b in IMPORTS.edges
             if private(b) and b.rpartition(".")[0] != a.rpartition(".")[0]]
    assert leaks == []


def test_at_most_eight_modules_at_the_top():
    assert len(list(PACKAGE.glob("*.py"))) <= 8


@pytest.mark.parametrize("file", FILES, ids=lambda f: str(f.relative_to(PACKAGE)))
def test_module_size(file):
    lines = len(file.read_text().splitlines())
    assert lines <= 800 or str(file.relative_to(PACKAGE)) in MIRRORS, f"{lines} lines"
