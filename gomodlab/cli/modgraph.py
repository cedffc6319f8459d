"""``gomodlab buildlist | modgraph | why | upgrade``: the module graph as the go command computes it.

All four read go.mod files in-process (module cache or GOPROXY) and never run go. ``buildlist``
prints what ``go list -m all`` prints (GOFLAGS=-mod=mod), ``modgraph`` what ``go mod graph``
prints; ``why`` shows requirement paths to a module; ``upgrade`` previews ``go get m@v``.
Where a go.work applies (``GOWORK``, or found upward from DIR; ``GOWORK=off`` disables it) the
first three use the workspace, as go does; ``upgrade`` works on DIR's module, as ``go get`` does,
after checking that the workspace loads. None of them needs pandas or networkx.

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
    p.add_argument("--work-sum", action="store_true",
                   help="in a workspace: print go.work.sum as 'go list -m all' would leave it (gomodlab never writes it)")
    p.add_argument("-u", dest="updates", action="store_true",
                   help="add available updates, retractions and deprecations, as 'go list -m -u all' does")
    p.add_argument("-retracted", "--retracted", dest="retracted", action="store_true",
                   help="mark retracted versions, as 'go list -m -retracted all' does")
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
    p.add_argument("target", metavar="MODULE@VERSION", nargs="+",
                   help="the module to get; with -u any number of MODULE[@QUERY], then optionally DIR")
    _add_source_options(p, graph_text=False)
    p.add_argument("-u", dest="update", nargs="?", const="upgrade", metavar="=patch",
                   help="'go get -u MODULE...' (-u=patch: 'go get -u=patch MODULE...') at the module level: "
                        "each module to its latest (or latest patch) allowed version; prints the go.mod "
                        "go would write")
    p.add_argument("--dry-run", action="store_true",
                   help="only show the changes (the default: go.mod is never written)")
    p.set_defaults(run=run_upgrade)


#: The go command whose switches each of ours honours (gomodlab.load.goswitch; ``outdated`` is
#: ``go list -m -u all``).
_GO_COMMAND = {"buildlist": "list", "outdated": "list", "modgraph": "mod graph", "why": "mod why",
               "upgrade": "mod graph"}


def _locate(args: argparse.Namespace):
    """(module root, go.mod file read, switches) with go's switches applied; for ``buildlist``,
    what go does in vendor mode (it checks vendor/modules.txt, then refuses to compute 'all')."""
    from ..load.goswitch import locate_main, switches
    from ..load.locate import ignored_gomod

    sw = switches(_GO_COMMAND[args.command], modfile=getattr(args, "modfile", None))
    root, gomod = locate_main(sw, args.dir)
    # Only `go list -m` carries on without a main module; go mod graph (and go get) need one.
    sys.stderr.write(ignored_gomod(gomod, need_root=sw.command != "list"))
    if sw.command == "list" and (sw.mod == "vendor" or (not sw.mod and os.path.isdir(os.path.join(root, "vendor")))):
        from ..load.get import LOCAL_GO_VERSION
        from ..load.goswitch import GoExit, read_main
        from ..load.vendor import CANT_COMPUTE_ALL, build_mode, check_vendor

        main_file = read_main(gomod, root)
        if build_mode(sw, main_file, root)[0] == "vendor":
            check_vendor(main_file, root, gomod=gomod, cwd=os.path.abspath(args.dir), local_go=LOCAL_GO_VERSION)
            raise GoExit(CANT_COMPUTE_ALL)
    return root, gomod, sw


def _source(args: argparse.Namespace):
    """(go.mod source, summary cache or None) for --proxy / --modcache."""
    from ..load.gomod_summary import SummaryCache
    from ..load.sources import ModCacheSource, ProxySource

    if args.proxy:
        return ProxySource(args.proxy), None
    src = ModCacheSource(args.modcache)
    return src, SummaryCache.for_modcache(src.root)


def _load(args: argparse.Namespace, located=None, *, workspace: bool = True):
    """The graph the arguments name; ``located`` is what :func:`_locate` returned, when the caller
    has it (and found no go.work). With ``workspace`` a go.work that applies is loaded instead."""
    from ..load.goswitch import read_main
    from ..load.gosum import GoSum
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

    if located is None and workspace and not getattr(args, "modfile", None):
        from ..load.locate import find_gowork
        from ..load.workspace import load_workspace

        gowork = find_gowork(args.dir)
        if gowork is not None:
            src, cache = _source(args)
            return load_workspace(gowork, src, cwd=args.dir, summary_cache=cache)
    from ..load.gomod_queries import version_fixer

    root, gomod, sw = located or _locate(args)
    src, cache = _source(args)
    resolved: list = []
    # Version queries in the main go.mod (v1.5, latest, a commit) are resolved as go resolves them.
    main_file = read_main(gomod, root, fix=version_fixer(src, resolved))
    listing = sw.command == "list"
    # go mod graph (and go get) always run as -mod=mod; go list -m honours GOFLAGS (gomodlab's
    # default, without -mod in GOFLAGS, stays -mod=mod: README "buildlist").
    loader = Loader(main_file, src, cache, gosum=GoSum(main_file.dir), readonly=listing and sw.mod == "readonly")
    loader.resolved_queries = resolved
    try:
        mg = loader.load()
    finally:
        loader.save_cache()
    if loader.gosum is not None and loader.gosum.stamp is not None:
        loader.inputs[loader.gosum.file] = loader.gosum.stamp
    sys.stderr.write("".join(_excluded_messages(loader)))
    if listing and sw.mod == "readonly":
        from ..load.goswitch import check_readonly

        check_readonly(mg, sw)  # go refuses an untidy go.mod before it lists anything
    if listing:
        from ..load.listcheck import check_listed

        check_listed(mg)  # then each listed version's .info, as go list -m looks them up
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
    from ..load.locate import default_modcache, find_gowork, go_env_value, toolchain_is_local
    from ..load.output_memo import OutputMemo

    memo = located = None
    # A workspace is loaded afresh each time: the memo is keyed by one main go.mod.
    graph_text = getattr(args, "graph", None)
    if not graph_text and (getattr(args, "modfile", None) or find_gowork(args.dir) is None):
        located = _locate(args)
    # Not with -modfile: the memo is keyed on the go.mod alone, and its root would not be.
    if located is not None and not args.proxy and located[1] == os.path.join(located[0], "go.mod"):
        # An explicit -mod keeps its own memo: -mod=readonly stores only what go would not refuse.
        # Besides the files read, the answer depends on the settings that decide what go refuses
        # and on whether go.sum exists (a go.sum read is an input; one created later is not).
        context = (f"{toolchain_is_local()} {go_env_value('GOPROXY') == 'off'} "
                   f"{os.path.exists(os.path.join(located[0], 'go.sum'))}")
        memo = OutputMemo.open(kind + (f"-{located[2].mod}" if located[2].mod else ""), located[1],
                               args.modcache or default_modcache(), context)
        hit = memo.lookup() if memo is not None else None
        if hit is not None:
            sys.stderr.write(hit[1])
            sys.stdout.write(hit[0])
            return 0
    mg = _load(args, located)
    out = "".join(line + "\n" for line in render(mg))
    sys.stdout.write(out)
    if located is None and not graph_text:
        from ..load.workspace import check_replacements

        check_replacements(mg)  # go prints the graph, then fails
    if memo is not None and mg.loader is not None and not mg.loader.resolved_queries:
        # (A resolved query depends on version lists the memo does not check.)
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


@go_exit
def run_buildlist(args: argparse.Namespace) -> int:
    if args.updates or args.retracted:
        return _run_buildlist_updates(args)
    if args.work_sum:
        from ..load.workspace import work_sum

        if getattr(args, "graph", None):
            raise GomodlabError("--work-sum reads go.mod files: use --modcache or --proxy, not --graph")
        sys.stdout.write(work_sum(_load(args)).text)
        return 0
    if args.format == "text":
        return _text_with_memo(args, "buildlist", _list_lines)
    if args.format == "go-json":
        return _go_json(args)
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


def _run_buildlist_updates(args: argparse.Namespace) -> int:
    from ..load.updates import list_modules

    mods = list_modules(_load(args), updates=args.updates, retracted=args.retracted)
    errors = [e for x in mods for e in (x.error, x.replace.error if x.replace else "") if e]
    if errors:
        # go list -m reports each module's error and prints nothing else (list.go, without -e).
        sys.stderr.write("".join(f"go: {e}\n" for e in errors))
        return 1
    if args.format == "json":
        def obj(x) -> dict[str, object]:
            d: dict[str, object] = {"Path": x.path}
            if x.version:
                d["Version"] = x.version
            if x.main:
                d["Main"] = True
            if x.indirect:
                d["Indirect"] = True
            if x.update:
                d["Update"] = {"Path": x.path, "Version": x.update, "Time": x.update_time}
            if x.retracted:
                d["Retracted"] = list(x.retracted)
            if x.deprecated:
                d["Deprecated"] = x.deprecated
            if x.replace is not None:
                d["Replace"] = obj(x.replace)
            return d
        _dump([obj(x) for x in mods])
        return 0
    sys.stdout.write("".join(x.line() + "\n" for x in mods))
    return 0


def _go_json(args: argparse.Namespace) -> int:
    from ..load.get import LOCAL_GO_VERSION
    from ..load.golist import GoSum, list_json, list_json_text
    from ..load.locate import default_modcache
    from ..load.vendor import build_mode

    if getattr(args, "graph", None):
        raise GomodlabError("--format go-json needs go.mod files (a module cache or a proxy), not --graph")
    from ..load.locate import find_gowork

    if not getattr(args, "modfile", None) and (gowork := find_gowork(args.dir)) is not None:
        from ..load.workspace import check_can_list

        mg = _load(args)
        check_can_list(mg)  # what go refuses to list in a workspace, it refuses here too
        ws = mg.loader.workspace
        sums = [gowork + ".sum"] + [os.path.join(mf.dir, "go.sum") for mf in ws.modules]
        # go looks for sums only outside workspace mode (import.go mustHaveSums): mode "workspace".
        objects = list_json(mg, root=ws.dir, gomod_shown=gowork, gosum=GoSum.read(*sums), mode="workspace",
                            modcache=args.modcache or default_modcache(), proxy=args.proxy,
                            local_go=LOCAL_GO_VERSION, mains={mf.path: (mf.dir, mf.go) for mf in ws.modules})
        sys.stdout.write(list_json_text(objects))
        return 0
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

    from ..load.workspace import check_workspace_for_get

    if args.update is not None and args.update not in ("upgrade", "patch"):
        if "." not in args.update and "/" not in args.update:
            raise GomodlabError(f"unknown upgrade flag -u={args.update}")
        # "-u MODULE": argparse took the first module for -u's optional value.
        args.target.insert(0, args.update)
        args.update = "upgrade"
    if len(args.target) > 1 and os.path.isdir(args.target[-1]):
        args.dir = args.target.pop()
    if args.update:
        return _run_upgrade_u(args)
    if len(args.target) != 1:
        raise GomodlabError("want one MODULE@VERSION (or -u MODULE...)")
    target = args.target[0]
    path, at, version = target.partition("@")
    if not at or not version:
        raise GomodlabError(f"{target}: want MODULE@VERSION")
    mg = _load(args, workspace=False)
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


def _run_upgrade_u(args: argparse.Namespace) -> int:
    from ..load.updates import plan_update

    from ..load.workspace import check_workspace_for_get

    mg = _load(args, workspace=False)
    check_workspace_for_get(args.dir, mg.main.path)
    up = plan_update(mg, args.target, args.update)
    plan = up.plan
    changes = [c for c in plan.changes if c.path != "toolchain"]
    if args.format == "json":
        _dump({"requests": [{"arg": a, "query": q, "version": v} for a, q, v in up.requests],
               "changes": [{"path": c.path, "old": c.old, "new": c.new, "kind": c.kind} for c in changes],
               "build_list": plan.after.list_lines(), "gomod": up.gomod_after.decode("utf-8", "replace")})
        return 0
    flag = "-u" if args.update == "upgrade" else "-u=patch"
    for line in up.messages():
        print(line, file=sys.stderr)
    if up.gomod_after == up.gomod_before:
        print(f"# go get {flag} {' '.join(args.target)}: go.mod stays as it is")
    else:
        print(f"# go get {flag} {' '.join(args.target)} would write go.mod:")
    sys.stdout.write(up.gomod_after.decode("utf-8", "replace"))
    return 0
