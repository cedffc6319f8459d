"""``gomodlab buildlist | modgraph | why | upgrade``: the module graph as the go command computes it.

All four read go.mod files in-process (module cache or GOPROXY) and never run go. ``buildlist``
prints what ``go list -m all`` prints (GOFLAGS=-mod=mod), ``modgraph`` what ``go mod graph``
prints; ``why`` shows requirement paths to a module; ``upgrade`` previews ``go get m@v``.
None of them needs pandas or networkx.

Where go refuses the main module or the graph (README "Where gomodlab refuses, as go does"),
they fail as go fails: go's words on stderr, exit status 1. ``buildlist`` checks what
``go list -m all`` checks (go.sum in ``GOFLAGS=-mod=readonly``, each listed version's .info);
the others what ``go mod graph`` checks.
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


def _main_gomod(args: argparse.Namespace) -> str:
    """The main go.mod, after the warning go prints about it (or go's refusal to use it)."""
    from ..load.locate import find_main_gomod, ignored_gomod

    gomod = find_main_gomod(args.dir)
    # Only `go list -m` carries on without a main module; go mod graph (and go get) need one.
    sys.stderr.write(ignored_gomod(gomod, need_root=args.command != "buildlist"))
    return gomod


def _load(args: argparse.Namespace, gomod: str | None = None):
    """The graph the arguments name; ``gomod`` is the main go.mod when the caller found it already."""
    from ..load.gosum import GoSum
    from ..load.locate import goflags_mod
    from ..load.gomod_summary import SummaryCache
    from ..load.main_module import MainModFile
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

    main_file = MainModFile.read(gomod or _main_gomod(args))
    listing = args.command == "buildlist"
    # go mod graph (and go get) always run as -mod=mod; go list -m honours GOFLAGS (gomodlab's
    # default, without -mod in GOFLAGS, stays -mod=mod: README "buildlist").
    checks = {"gosum": GoSum(main_file.dir), "readonly": listing and goflags_mod() == "readonly"}
    if args.proxy:
        loader = Loader(main_file, ProxySource(args.proxy), **checks)
    else:
        src = ModCacheSource(args.modcache)
        loader = Loader(main_file, src, SummaryCache.for_modcache(src.root), **checks)
    try:
        mg = loader.load()
        if listing:
            from ..load.listcheck import check_listed

            check_listed(mg)
    finally:
        loader.save_cache()
    if loader.gosum is not None and loader.gosum.stamp is not None:
        loader.inputs[loader.gosum.file] = loader.gosum.stamp
    sys.stderr.write("".join(_excluded_messages(loader)))
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
    from ..load.locate import default_modcache, go_env_value, goflags_mod, toolchain_is_local
    from ..load.output_memo import OutputMemo

    memo = gomod = None
    if not args.proxy and not getattr(args, "graph", None):
        gomod = _main_gomod(args)
        # Besides the files read, the answer depends on the settings that decide what go refuses
        # and on whether go.sum exists (a go.sum read is an input; one created later is not).
        context = (f"{toolchain_is_local()} {goflags_mod()} {go_env_value('GOPROXY') == 'off'} "
                   f"{os.path.exists(os.path.join(os.path.dirname(gomod), 'go.sum'))}")
        memo = OutputMemo.open(kind, gomod, args.modcache or default_modcache(), context)
        hit = memo.lookup() if memo is not None else None
        if hit is not None:
            sys.stderr.write(hit[1])
            sys.stdout.write(hit[0])
            return 0
    mg = _load(args, gomod)
    out = "".join(line + "\n" for line in render(mg))
    sys.stdout.write(out)
    if memo is not None and mg.loader is not None:
        memo.store(mg.loader.inputs, out, "".join(_excluded_messages(mg.loader)))
    return 0


def _excluded_messages(loader) -> list[str]:
    return [f"gomodlab: dropping requirement on excluded version {m.path} {m.version}\n"
            for m in loader.excluded_roots]


def run_buildlist(args: argparse.Namespace) -> int:
    if args.format == "text":
        return _text_with_memo(args, "buildlist", lambda mg: mg.list_lines())
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
