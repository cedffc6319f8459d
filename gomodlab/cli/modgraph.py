"""``gomodlab buildlist | modgraph | why | upgrade``: the module graph as the go command computes it.

All four read go.mod files in-process (module cache or GOPROXY) and never run go. ``buildlist``
prints what ``go list -m all`` prints (GOFLAGS=-mod=mod), ``modgraph`` what ``go mod graph``
prints; ``why`` shows requirement paths to a module; ``upgrade`` previews ``go get m@v``.
None of them needs pandas or networkx.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..errors import GomodlabError
from ._goexit import go_exit


def _add_source_options(p: argparse.ArgumentParser, graph_text: bool = True,
                        formats: tuple[str, ...] = ("text", "json")) -> None:
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
    p.add_argument("--modfile", metavar="FILE",
                   help="read FILE instead of the module's go.mod, and FILE's .sum for go.sum (go's -modfile; "
                        "GOFLAGS=-modfile=… is honoured too)")
    p.add_argument("--format", choices=formats, default="text",
                   help="text (as go prints it), json" + (", go-json (byte for byte 'go list -m -json all')"
                                                          if "go-json" in formats else ""))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("buildlist", help="print the build list exactly as 'go list -m all' does",
                       description="The selected version of every module in the graph, main module first, "
                                   "with '=> replacement' as go list -m all prints them (GOFLAGS=-mod=mod). "
                                   "GOFLAGS=-mod=…, -modfile=… and GO111MODULE are honoured as go honours them; "
                                   "in vendor mode go refuses to compute 'all', and so does this.")
    _add_source_options(p, formats=("text", "json", "go-json"))
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


#: The go command each gomodlab command stands for (its switches: gomodlab.load.goswitch).
_GO_COMMAND = {"buildlist": "list", "modgraph": "mod graph", "why": "mod why", "upgrade": "mod graph"}


def _locate(args: argparse.Namespace):
    """(module root, go.mod file read, switches) with go's switches applied; for ``buildlist``,
    what go does in vendor mode (it checks vendor/modules.txt, then refuses to compute 'all')."""
    from ..load.goswitch import locate_main, switches

    sw = switches(_GO_COMMAND[args.command], modfile=getattr(args, "modfile", None))
    root, gomod = locate_main(sw, args.dir)
    if sw.command == "list" and (sw.mod == "vendor" or (not sw.mod and os.path.isdir(os.path.join(root, "vendor")))):
        from ..load.get import LOCAL_GO_VERSION
        from ..load.goswitch import GoExit, read_main
        from ..load.vendor import CANT_COMPUTE_ALL, build_mode, check_vendor

        main_file = read_main(gomod, root)
        if build_mode(sw, main_file, root)[0] == "vendor":
            check_vendor(main_file, root, gomod=gomod, cwd=os.path.abspath(args.dir), local_go=LOCAL_GO_VERSION)
            raise GoExit(CANT_COMPUTE_ALL)
    return root, gomod, sw


def _load(args: argparse.Namespace, located=None):
    """The graph the arguments name; ``located`` is what :func:`_locate` returned, when the caller has it."""
    from ..load.gomod_summary import SummaryCache
    from ..load.goswitch import read_main
    from ..load.modload import Loader
    from ..load.sources import ModCacheSource, ProxySource

    if getattr(args, "graph", None):
        from ..errors import SourceError
        from ..load.modload import graph_from_text
        from ..load.sources import GraphTextSource

        try:
            text = sys.stdin.read() if args.graph == "-" else open(args.graph, encoding="utf-8").read()
        except OSError as e:
            raise SourceError(f"{args.graph}: {e.strerror or e}") from None
        return graph_from_text(GraphTextSource(text, "<stdin>" if args.graph == "-" else args.graph))

    root, gomod, sw = located or _locate(args)
    main_file = read_main(gomod, root)
    if args.proxy:
        loader = Loader(main_file, ProxySource(args.proxy))
    else:
        src = ModCacheSource(args.modcache)
        loader = Loader(main_file, src, SummaryCache.for_modcache(src.root))
    try:
        mg = loader.load()
    finally:
        loader.save_cache()
    sys.stderr.write("".join(_excluded_messages(loader)))
    if sw.command == "list" and sw.mod == "readonly":
        from ..load.goswitch import check_readonly

        check_readonly(mg, sw)
    return mg


def _dump(obj: object) -> None:
    import json

    json.dump(obj, sys.stdout, indent=2)
    sys.stdout.write("\n")


def _go_version(mg, m) -> str:
    """The go line of the go.mod go reads for ``m`` (its replacement's if replaced), or ""."""
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
    from ..load.locate import default_modcache
    from ..load.output_memo import OutputMemo

    memo = located = None
    if not getattr(args, "graph", None):
        located = _locate(args)
    # Not with -modfile: the memo is keyed on the go.mod alone, and its root would not be.
    if located is not None and not args.proxy and located[1] == os.path.join(located[0], "go.mod"):
        # An explicit -mod keeps its own memo: -mod=readonly stores only what go would not refuse.
        memo = OutputMemo.open(kind + (f"-{located[2].mod}" if located[2].mod else ""), located[1],
                               args.modcache or default_modcache())
        hit = memo.lookup() if memo is not None else None
        if hit is not None:
            sys.stderr.write(hit[1])
            sys.stdout.write(hit[0])
            return 0
    mg = _load(args, located)
    out = "".join(line + "\n" for line in render(mg))
    sys.stdout.write(out)
    if memo is not None and mg.loader is not None:
        memo.store(mg.loader.inputs, out, "".join(_excluded_messages(mg.loader)))
    return 0


def _excluded_messages(loader) -> list[str]:
    return [f"gomodlab: dropping requirement on excluded version {m.path} {m.version}\n"
            for m in loader.excluded_roots]


@go_exit
def run_buildlist(args: argparse.Namespace) -> int:
    if args.format == "text":
        return _text_with_memo(args, "buildlist", lambda mg: mg.list_lines())
    if args.format == "go-json":
        return _go_json(args)
    mg = _load(args)
    # go list -m -json all's fields that gomodlab knows (modinfo.ModulePublic): a main module
    # without a go line shows the go version -mod=mod writes into it (the local toolchain's).
    from ..load.get import LOCAL_GO_VERSION

    out = []
    for m in mg.build_list():
        if m.path in ("go", "toolchain"):
            continue
        item: dict[str, object] = {"Path": m.path}
        if m.version == "":
            item["Main"] = True
            if mg.main_file is not None:
                item["Dir"] = mg.main_file.dir
                item["GoMod"] = os.path.join(mg.main_file.dir, "go.mod")
                item["GoVersion"] = mg.main_file.go or LOCAL_GO_VERSION
        else:
            item["Version"] = m.version
            if not mg.is_direct(m.path):
                item["Indirect"] = True
            r = mg.replacement(m)
            go = _go_version(mg, m)
            if r is not None:
                item["Replace"] = {"Path": r.path, **({"Version": r.version} if r.version else {}),
                                   **({"GoVersion": go} if go else {})}
            if go:
                item["GoVersion"] = go
        out.append(item)
    _dump(out)
    return 0


def _go_json(args: argparse.Namespace) -> int:
    from ..load.get import LOCAL_GO_VERSION
    from ..load.golist import GoSum, list_json, list_json_text
    from ..load.locate import default_modcache
    from ..load.vendor import build_mode

    if getattr(args, "graph", None):
        raise GomodlabError("--format go-json needs go.mod files (a module cache or a proxy), not --graph")
    located = _locate(args)
    root, gomod, sw = located
    mg = _load(args, located)
    mode = build_mode(sw, mg.main_file, root)[0]
    objects = list_json(mg, root=root, gomod_shown=sw.modfile or gomod,
                        gosum=GoSum.read(gomod.removesuffix(".mod") + ".sum"), mode=mode,
                        modcache=args.modcache or default_modcache(), proxy=args.proxy, local_go=LOCAL_GO_VERSION)
    sys.stdout.write(list_json_text(objects))
    return 0


@go_exit
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


@go_exit
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


@go_exit
def run_upgrade(args: argparse.Namespace) -> int:
    from ..load.get import plan_get

    path, at, version = args.target.partition("@")
    if not at or not version:
        raise GomodlabError(f"{args.target}: want MODULE@VERSION")
    plan = plan_get(_load(args), path, version)
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
