"""The package-graph queries on a hand-made world, with hand-computed answers (no go needed).

Modules come from a file:// proxy and are read from their zips in memory (the module cache is
empty), so file sizes here come from ZipTree; test_pkggraph_go.py checks the on-disk ones.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gomodlab.lab import universe
from gomodlab.lab.universe import ModuleSource, gomod_text
from gomodlab.load import pkgquery
from gomodlab.load.modtidy import tidy
from gomodlab.load.mvs import Module
from gomodlab.load.sources import ProxySource

from .clirun import run_cli

H = "example.com/h"
FILES = {
    # main imports a/x and b; its test imports t.
    "main": {"main.go": f'package main\n\nimport (\n\t_ "{H}/a/x"\n\t_ "{H}/b"\n)\n\nfunc main() {{}}\n',
             "main_test.go": f'package main\n\nimport (\n\t"testing"\n\t_ "{H}/t"\n)\n\nfunc TestX(*testing.T) {{}}\n'},
    f"{H}/a": {"x/x.go": f'package x\n\nimport (\n\t"fmt"\n\t_ "{H}/c"\n)\n\nvar _ = fmt.Sprint\n',
               "x/x_test.go": "package x\n", "x/x_windows.go": "package x\n\nconst W = 1\n",
               "x/gen.go": "//go:build ignore\n\npackage main\n"},
    f"{H}/b": {"b.go": f'package b\n\nimport (\n\t_ "{H}/c"\n\t_ "{H}/d"\n)\n'},
    f"{H}/c": {"c.go": "package c\n"},
    f"{H}/d": {"d.go": f'package d\n\nimport _ "{H}/e"\n'},
    f"{H}/e": {"e.go": "package e\n", "e2.go": "package e\n\nvar Big = `" + "x" * 1000 + "`\n"},
    f"{H}/t": {"t.go": "package t\n"},
}


def _size(module: str, *names: str) -> int:
    return sum(len(FILES[module][n].encode()) for n in names)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("pkgq")
    mods = [ModuleSource(p, "v1.0.0", gomod_text(p, "1.21"), f) for p, f in FILES.items() if p != "main"]
    url = universe.file_proxy_url(universe.write_proxy(root / "proxy", mods))
    main = root / "main"
    main.mkdir()
    (main / "go.mod").write_text(gomod_text(f"{H}/main", "1.21", [(f"{H}/{m}", "v1.0.0") for m in "abt"]))
    for name, text in FILES["main"].items():
        (main / name).write_text(text)
    return main, url


@pytest.fixture(scope="module")
def graph(world, tmp_path_factory: pytest.TempPathFactory):
    main, url = world
    return tidy(main, ProxySource(url), modcache=str(tmp_path_factory.mktemp("emptycache"))).packages


def test_reach(graph) -> None:
    build = [f"{H}/a/x", f"{H}/b", f"{H}/c", f"{H}/d", f"{H}/e", f"{H}/main", "fmt"]
    assert pkgquery.reach(graph, f"{H}/main") == build
    assert pkgquery.reach(graph, f"{H}/main", tests=True) == sorted(build + [f"{H}/t", "testing"])
    assert pkgquery.reach(graph, f"{H}/d") == [f"{H}/d", f"{H}/e"]
    assert pkgquery.reach(graph, [f"{H}/d", f"{H}/c"]) == [f"{H}/c", f"{H}/d", f"{H}/e"]
    # a/x's test file imports nothing, so its tests add nothing.
    assert pkgquery.reach(graph, f"{H}/a/x", tests=True) == pkgquery.reach(graph, f"{H}/a/x")


def test_shared(graph) -> None:
    assert pkgquery.shared(graph, f"{H}/a/x", f"{H}/b") == [f"{H}/c"]
    assert pkgquery.shared(graph, f"{H}/c", f"{H}/e") == []


def test_cut(graph) -> None:
    c = pkgquery.cut(graph, f"{H}/b")
    assert c.packages == (f"{H}/b", f"{H}/d", f"{H}/e")  # c stays: a/x imports it too
    assert c.modules == (Module(f"{H}/b", "v1.0.0"), Module(f"{H}/d", "v1.0.0"), Module(f"{H}/e", "v1.0.0"))
    c = pkgquery.cut(graph, f"{H}/a")
    assert (c.packages, c.modules) == ((f"{H}/a/x", "fmt"), (Module(f"{H}/a", "v1.0.0"),))
    assert pkgquery.cut(graph, f"{H}/t", tests=True).packages == (f"{H}/t",)


@pytest.mark.parametrize("call, message", [
    (lambda g: pkgquery.reach(g, f"{H}/nope"), f"package {H}/nope is not in the package graph of {H}/main"),
    (lambda g: pkgquery.shared(g, f"{H}/c", "nope/x"), "package nope/x is not in the package graph"),
    (lambda g: pkgquery.cut(g, f"{H}/nope"), f"module {H}/nope provides no package of the build of {H}/main"),
    (lambda g: pkgquery.cut(g, f"{H}/t"), f"module {H}/t provides no package of the build"),  # only tests use it
    (lambda g: pkgquery.cut(g, f"{H}/main"), "is the main module: its packages are the build"),
])
def test_unknown_packages_and_modules(graph, call, message: str) -> None:
    with pytest.raises((pkgquery.UnknownPackageError, pkgquery.UnknownModuleError), match=message):
        call(graph)


def test_weight(graph) -> None:
    df = pkgquery.weight(graph)
    assert list(df.columns) == list(pkgquery.WEIGHT_COLUMNS)
    rows = {r.module: (r.version, r.packages, r.files, r.bytes) for r in df.itertuples()}
    assert rows == {
        f"{H}/main": ("", 1, 1, _size("main", "main.go")),
        # x.go and x_windows.go (tidy counts every GOOS); not the test, not the ignore-tagged gen.go.
        f"{H}/a": ("v1.0.0", 1, 2, _size(f"{H}/a", "x/x.go", "x/x_windows.go")),
        f"{H}/b": ("v1.0.0", 1, 1, _size(f"{H}/b", "b.go")),
        f"{H}/c": ("v1.0.0", 1, 1, _size(f"{H}/c", "c.go")),
        f"{H}/d": ("v1.0.0", 1, 1, _size(f"{H}/d", "d.go")),
        f"{H}/e": ("v1.0.0", 1, 2, _size(f"{H}/e", "e.go", "e2.go")),
    }
    assert df["module"].iloc[0] == f"{H}/e"  # heaviest first
    assert df["share"].sum() == pytest.approx(1)
    assert str(df.dtypes["bytes"]) == "int64" and str(df.dtypes["share"]) == "float64"
    with_tests = pkgquery.weight(graph, tests=True)
    assert set(with_tests["module"]) == set(df["module"]) | {f"{H}/t"}


def test_tables(graph) -> None:
    from gomodlab.lab.pkgtables import packages_table, weight_table

    t = weight_table(pkgquery.weight(graph))
    assert t.headers == pkgquery.WEIGHT_COLUMNS
    row = dict(zip(t.headers, t.rows[0]))
    assert (row["module"], row["bytes"], row["version"]) == (f"{H}/e", "1.0 KiB", "v1.0.0")
    assert "—" in t.column("version")  # the main module has no version
    p = packages_table(graph.frame())
    main = dict(zip(p.headers, p.rows[0]))
    assert (main["package"], main["files"], main["test imports"], main["test only"]) == (f"{H}/main", "2", "2", "no")
    assert "<table" in p.html()


def test_cli(world, tmp_path: Path) -> None:
    main, url = world
    src = ["-C", str(main), "--proxy", url, "--modcache", str(tmp_path)]
    with pytest.raises(SystemExit):  # --modcache and --proxy exclude each other (argparse: exit 2)
        run_cli("pkggraph", "reach", f"{H}/d", *src)
    src = ["-C", str(main), "--proxy", url]
    assert run_cli("pkggraph", "reach", f"{H}/d", *src)[:2] == (0, f"{H}/d\n{H}/e\n")
    # The options may come before the query too, and a query's own default does not undo them.
    assert run_cli("pkggraph", *src, "--format", "json", "reach", f"{H}/d")[1] == run_cli(
        "pkggraph", "reach", f"{H}/d", *src, "--format", "json")[1]
    assert run_cli("pkggraph", "-C", str(main), "reach", f"{H}/d", "--proxy", url)[:2] == (0, f"{H}/d\n{H}/e\n")
    rc, out, _ = run_cli("pkggraph", "shared", f"{H}/a/x", f"{H}/b", *src, "--format", "json")
    assert json.loads(out) == [{"path": f"{H}/c", "module": f"{H}/c", "version": "v1.0.0"}]
    rc, out, _ = run_cli("pkggraph", "cut", f"{H}/b", *src)
    assert out.startswith(f"without {H}/b the build loses 3 package(s):\n  {H}/b\n")
    rc, out, _ = run_cli("pkggraph", "weight", *src)
    assert rc == 0 and "share" in out and " KiB " in out and f"{H}/e" in out.splitlines()[2]
    rc, out, _ = run_cli("pkggraph", "list", *src, "--format", "json")
    assert {r["path"] for r in json.loads(out)} >= {f"{H}/main", f"{H}/t", "fmt"}
    rc, out, _ = run_cli("pkggraph", "list", *src)
    assert out.splitlines()[0].split() == ["package", "module", "version", "files", "imports", "test", "imports",
                                           "test", "only", "error"]
    rc, _, err = run_cli("pkggraph", "reach", "nope/x", *src)
    assert rc == 1 and "gomodlab pkggraph: package nope/x is not in the package graph" in err
