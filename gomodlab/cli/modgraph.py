"""``gomodlab buildlist | modgraph | why | upgrade``: the module graph as the go command computes it.

All four read go.mod files in-process (module cache or GOPROXY) and never run go. ``buildlist``
prints what ``go list -m all`` prints (GOFLAGS=-mod=mod), ``modgraph`` what ``go mod graph``
prints; ``why`` shows requirement paths to a module; ``upgrade`` previews ``go get m@v``.
Where a go.work applies (``GOWORK``, or found upward from DIR; ``GOWORK=off`` disables it) the
first three use the workspace, as go does; ``upgrade`` works on DIR's module, as ``go get`` does,
after checking that the workspace loads. None of them needs pandas or networkx.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..errors import GomodlabError


def _add_source_options(p: argparse.ArgumentParser, graph_text: bool = True) -> None:
    p.add_argument("dir", nargs="?", default=".", metavar="DIR",
                   help="directory in the main module (default: the current directory)")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--modcache", metavar="PATH",
                     help="read go.mod files from this module cache (default: go env GOMODCACHE)")
    src.add_argument("--proxy", metavar="URL",
                     help="read go.mod files from this GOPROXY list (file://, http(s)://, ',' and '|')")
    if graph_text:
        src.add_argument("--graph", metavar="FILE",
                         help="use 'go mod graph' output captured elsewhere ('-' for stdin) instead of go.mod files")
    p.add_argument("--format", choices=("text", "json"), default="text")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("buildlist", help="print the build list exactly as 'go list -m all' does",
                       description="The selected version of every module in the graph, main module first, "
                                   "with '=> replacement' as go list -m all prints them (GOFLAGS=-mod=mod).")
    _add_source_options(p)
    p.add_argument("--work-sum", action="store_true",
                   help="in a workspace: print go.work.sum as 'go list -m all' would leave it (gomodlab never writes it)")
    p.set_defaults(run=run_buildlist)

    p = sub.add_parser("modgraph", help="print the requirement graph exactly as 'go mod graph' does",
                       description="One 'module requirement' line per loaded edge, breadth first from the "
                                   "main module, with pruning, replacements and excludes applied as go does.")
    _add_source_options(p)
    p.set_defaults(run=run_modgraph)

    p = sub.add_parser("why", help="show the requirement paths from the main module to a module",
                       description="The shortest requirement paths (like 'go mod why -m', at the module "
                                   "level) and, with --all, every path with the version each edge asks for.")
    p.add_argument("module", metavar="MODULE", help="module path (or path@version for one node)")
    _add_source_options(p)
    p.add_argument("--all", action="store_true", help="list every requirement path, not only the shortest")
    p.add_argument("--limit", type=int, default=100, help="at most this many paths with --all (default 100)")
    p.set_defaults(run=run_why)

    p = sub.add_parser("upgrade", help="preview 'go get MODULE@VERSION': the new build list and what changes",
                       description="Upgrade (or downgrade) one module with Minimal Version Selection over the "
                                   "loaded graph and show each module whose selected version changes.")
    p.add_argument("target", metavar="MODULE@VERSION")
    _add_source_options(p, graph_text=False)
    p.add_argument("--dry-run", action="store_true",
                   help="only show the changes (the default: go.mod is never written)")
    p.set_defaults(run=run_upgrade)


def _source(args: argparse.Namespace):
    """(go.mod source, summary cache or None) for --proxy / --modcache."""
    from ..load.gomod_summary import SummaryCache
    from ..load.sources import ModCacheSource, ProxySource

    if args.proxy:
        return ProxySource(args.proxy), None
    src = ModCacheSource(args.modcache)
    return src, SummaryCache.for_modcache(src.root)


def _load(args: argparse.Namespace, gomod: str | None = None, *, workspace: bool = True):
    """The graph the arguments name; ``gomod`` is the main go.mod when the caller found it already
    (and found no go.work). With ``workspace`` a go.work that applies is loaded instead."""
    from ..load.locate import find_main_gomod
    from ..load.main_module import MainModFile
    from ..load.modload import Loader

    if getattr(args, "graph", None):
        from ..errors import SourceError
        from ..load.modload import graph_from_text
        from ..load.sources import GraphTextSource

        try:
            text = sys.stdin.read() if args.graph == "-" else open(args.graph, encoding="utf-8").read()
        except OSError as e:
            raise SourceError(f"{args.graph}: {e.strerror or e}") from None
        return graph_from_text(GraphTextSource(text, "<stdin>" if args.graph == "-" else args.graph))

    if gomod is None and workspace:
        from ..load.locate import find_gowork
        from ..load.workspace import load_workspace

        gowork = find_gowork(args.dir)
        if gowork is not None:
            src, cache = _source(args)
            return load_workspace(gowork, src, cwd=args.dir, summary_cache=cache)
    main_file = MainModFile.read(gomod or find_main_gomod(args.dir))
    src, cache = _source(args)
    loader = Loader(main_file, src, cache)
    try:
        mg = loader.load()
    finally:
        loader.save_cache()
    sys.stderr.write("".join(_excluded_messages(loader)))
    return mg


def _dump(obj: object) -> None:
    import json

    json.dump(obj, sys.stdout, indent=2)
    sys.stdout.write("\n")


def _go_version(mg, m, read_unreplaced: frozenset = frozenset()) -> str:
    """The go line of the go.mod go reads for ``m`` (its replacement's if replaced), or ""."""
    if m in read_unreplaced and mg.loader is not None and mg.replacement(m) is not None:
        # modload keeps one go version per module version (rawGoVersion, first stored wins): a
        # replaced m whose own go.mod was read as another module's replacement shows that go line.
        try:
            own = mg.loader.raw_summary(m).go
        except GomodlabError:
            own = None
        if own:
            return own
    s = mg.summaries.get(m)
    if s is None and mg.loader is not None:
        try:
            s = mg.loader.raw_summary(mg.replacement(m) or m)
        except GomodlabError:
            return ""
    return (s.go or "") if s is not None else ""


def _text_with_memo(args: argparse.Namespace, kind: str, render) -> int:
    """Print ``render(graph)`` (text lines), reusing the stored output while no input changed.

    Only for a module cache: the output is a function of the main go.mod and the go.mod files
    read, all of which the memo checks (gomodlab.load.output_memo). The memo module needs no heavy imports,
    so a hit answers before the graph machinery is even imported.
    """
    from ..load.locate import default_modcache, find_gowork, find_main_gomod
    from ..load.output_memo import OutputMemo

    memo = gomod = None
    # A workspace is loaded afresh each time: the memo is keyed by one main go.mod.
    if not args.proxy and not getattr(args, "graph", None) and find_gowork(args.dir) is None:
        gomod = find_main_gomod(args.dir)
        memo = OutputMemo.open(kind, gomod, args.modcache or default_modcache())
        hit = memo.lookup() if memo is not None else None
        if hit is not None:
            sys.stderr.write(hit[1])
            sys.stdout.write(hit[0])
            return 0
    mg = _load(args, gomod)
    out = "".join(line + "\n" for line in render(mg))
    sys.stdout.write(out)
    if gomod is None and not getattr(args, "graph", None):
        from ..load.workspace import check_replacements

        check_replacements(mg)  # go prints the graph, then fails
    if memo is not None and mg.loader is not None:
        memo.store(mg.loader.inputs, out, "".join(_excluded_messages(mg.loader)))
    return 0


def _excluded_messages(loader) -> list[str]:
    return [f"gomodlab: dropping requirement on excluded version {m.path} {m.version}\n"
            for m in loader.excluded_roots]


def _main_module_info(mg, m) -> tuple[str, str | None] | None:
    """(directory, GoVersion) of the main module ``m`` (one of a workspace's), or None.

    Outside a workspace a main module without a go line shows the go version -mod=mod writes
    into it (the local toolchain's); a workspace (read-only) shows none."""
    from ..load.get import LOCAL_GO_VERSION

    ws = getattr(mg.loader, "workspace", None)
    if ws is not None:
        return next(((mf.dir, mf.go) for mf in ws.modules if mf.path == m.path), None)
    if mg.main_file is None:
        return None
    return mg.main_file.dir, mg.main_file.go or LOCAL_GO_VERSION


def _list_lines(mg) -> list[str]:
    from ..load.workspace import check_can_list

    check_can_list(mg)
    return mg.list_lines()


def run_buildlist(args: argparse.Namespace) -> int:
    if args.work_sum:
        from ..load.workspace import work_sum

        if getattr(args, "graph", None):
            raise GomodlabError("--work-sum reads go.mod files: use --modcache or --proxy, not --graph")
        sys.stdout.write(work_sum(_load(args)).text)
        return 0
    if args.format == "text":
        return _text_with_memo(args, "buildlist", _list_lines)
    mg = _load(args)
    _list_lines(mg)
    # go list -m -json all's fields that gomodlab knows (modinfo.ModulePublic).
    read_unreplaced = frozenset(mg.replaced.values())  # module versions read as replacements
    out = []
    for m in mg.build_list():
        if m.path in ("go", "toolchain"):
            continue
        item: dict[str, object] = {"Path": m.path}
        if m.version == "":
            item["Main"] = True
            info = _main_module_info(mg, m)
            if info is not None:
                item["Dir"] = info[0]
                item["GoMod"] = os.path.join(info[0], "go.mod")
                if info[1]:
                    item["GoVersion"] = info[1]
        else:
            item["Version"] = m.version
            if not mg.is_direct(m.path):
                item["Indirect"] = True
            r = mg.replacement(m)
            go = _go_version(mg, m, read_unreplaced)
            if r is not None:
                item["Replace"] = {"Path": r.path, **({"Version": r.version} if r.version else {}),
                                   **({"GoVersion": go} if go else {})}
            if go:
                item["GoVersion"] = go
        out.append(item)
    _dump(out)
    return 0


def run_modgraph(args: argparse.Namespace) -> int:
    if args.format == "text":
        return _text_with_memo(args, "modgraph", lambda mg: mg.graph_lines())
    mg = _load(args)
    edges = []
    for m in mg.graph.bfs():
        for r in mg.graph.required_by(m) or ():
            edges.append({"From": str(m), "To": str(r)})
    _dump(edges)
    return 0


def run_why(args: argparse.Namespace) -> int:
    from ..load import graph as gg

    mg = _load(args)
    target = args.module
    result = gg.why(mg, target, all_paths=args.all, limit=args.limit)
    if args.format == "json":
        _dump(result.to_json())
        return 0 if result.found else 1
    sys.stdout.write(result.text())
    return 0 if result.found else 1


def run_upgrade(args: argparse.Namespace) -> int:
    from ..load.get import plan_get

    path, at, version = args.target.partition("@")
    if not at or not version:
        raise GomodlabError(f"{args.target}: want MODULE@VERSION")
    mg = _load(args, workspace=False)
    from ..load.workspace import check_workspace_for_get

    check_workspace_for_get(args.dir, mg.main.path)
    plan = plan_get(mg, path, version)
    changes = [c for c in plan.changes if c.path != "toolchain"]
    if args.format == "json":
        _dump({"target": str(plan.target), "changes": [
            {"path": c.path, "old": c.old, "new": c.new, "kind": c.kind} for c in changes],
            "build_list": plan.after.list_lines()})
        return 0
    if not changes:
        print(f"go get {plan.target}: no change to the build list")
        return 0
    width = max(len(c.path) for c in changes)
    print(f"go get {plan.target} would change {len(changes)} module(s):")
    for c in changes:
        print(f"  {c.path:<{width}}  {c.old:>12} -> {c.new:<12} {c.kind}")
    return 0
