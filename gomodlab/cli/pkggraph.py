"""``gomodlab pkggraph QUERY``: goda-style queries over the package graph ``go mod tidy`` loads.

``reach PKG…`` (what they import, transitively), ``shared X Y`` (what both reach), ``cut MODULE``
(what the build loses when the module provides nothing), ``weight`` (packages, files and bytes
each module adds) and ``list`` (every package). The graph is computed in-process
(:mod:`gomodlab.load.modtidy`), as tidy would leave the module; ``--tests`` counts the _test.go
imports of the queried packages (of the main module's, for ``cut`` and ``weight``).
"""

from __future__ import annotations

import argparse
import json
import sys

from ._modsource import add_source_options, source_of


def _common(*, suppress: bool) -> argparse.ArgumentParser:
    """The options every query takes; ``suppress``: without defaults (absent unless given)."""
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS if suppress else None)
    common.add_argument("-C", "--dir", metavar="DIR", help="directory in the main module (default: .)")
    add_source_options(common)
    common.add_argument("--format", choices=("text", "json"))
    return common


def register(sub: argparse._SubParsersAction) -> None:
    # The options are accepted before the query and after it (``pkggraph --proxy URL weight`` and
    # ``pkggraph weight --proxy URL``); the query's copies default to SUPPRESS so that they do not
    # overwrite what was given before it.
    common = _common(suppress=True)
    tests = argparse.ArgumentParser(add_help=False, parents=[common])
    tests.add_argument("--tests", action="store_true", default=False,
                       help="follow the _test.go imports of the queried packages too (go list -test -deps)")
    p = sub.add_parser("pkggraph", parents=[_common(suppress=False)], help="queries over the package graph go mod tidy loads (reach, shared, cut, weight)",
                       description="Loads the main module's packages and their imports in-process, as go mod tidy "
                                   "does (every GOOS/GOARCH and tag but 'ignore'; standard-library packages are "
                                   "leaves), and answers one query over that graph.")
    queries = p.add_subparsers(dest="query", metavar="QUERY", required=True)
    q = queries.add_parser("reach", parents=[tests], help="the packages PKG imports transitively (PKG included)")
    q.add_argument("packages", nargs="+", metavar="PKG")
    q = queries.add_parser("shared", parents=[tests], help="the packages both X and Y reach")
    q.add_argument("x", metavar="X")
    q.add_argument("y", metavar="Y")
    q = queries.add_parser("cut", parents=[tests],
                           help="what the build loses if MODULE provides nothing: packages, and modules left empty")
    q.add_argument("module", metavar="MODULE")
    queries.add_parser("weight", parents=[tests], help="per module: packages, Go files and bytes it adds to the build")
    queries.add_parser("list", parents=[common], help="every package of the graph, with its module and files")
    p.set_defaults(run=run, dir=".", format="text", tests=False)


def run(args: argparse.Namespace) -> int:
    from ..load import pkgquery
    from ..load.modtidy import TidyRefused, tidy

    try:
        result = tidy(args.dir, source_of(args), modcache=args.modcache)
    except TidyRefused as e:
        sys.stderr.write(e.stderr)
        return e.exit_status
    sys.stderr.write(result.stderr)
    graph = result.packages
    modules = {p.path: p.mod for p in graph.packages if p.test_of is None}
    if args.query in ("reach", "shared"):
        paths = (pkgquery.reach(graph, args.packages, tests=args.tests) if args.query == "reach"
                 else pkgquery.shared(graph, args.x, args.y, tests=args.tests))
        if args.format == "json":
            return _json([{"path": p, "module": modules[p].path, "version": modules[p].version} for p in paths])
        sys.stdout.write("".join(p + "\n" for p in paths))
        return 0
    if args.query == "cut":
        c = pkgquery.cut(graph, args.module, tests=args.tests)
        if args.format == "json":
            return _json({"module": c.module, "packages": list(c.packages),
                          "modules": [{"path": m.path, "version": m.version} for m in c.modules]})
        print(f"without {c.module} the build loses {len(c.packages)} package(s):")
        sys.stdout.write("".join(f"  {p}\n" for p in c.packages))
        print(f"and {len(c.modules)} module(s) then provide nothing:")
        sys.stdout.write("".join(f"  {m.path} {m.version}\n" for m in c.modules))
        return 0
    from ..lab.pkgtables import packages_table, weight_table

    if args.query == "weight":
        df = pkgquery.weight(graph, tests=args.tests)
        if args.format == "json":
            return _json(df.to_dict("records"))
        print(weight_table(df, f"What each module adds to the build of {graph.main.path} "
                               f"({'with' if args.tests else 'without'} the main module's tests)").text())
        return 0
    df = graph.frame()
    if args.format == "json":
        return _json([{k: list(v) if isinstance(v, tuple) else v for k, v in r.items()} for r in df.to_dict("records")])
    print(packages_table(df).text())
    return 0


def _json(data: object) -> int:
    json.dump(data, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0
