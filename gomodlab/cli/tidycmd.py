"""``gomodlab tidy [DIR]``: what ``go mod tidy`` would write, computed in-process (no Go toolchain).

Prints the go.mod (``--go-sum``: the go.sum) tidy writes, and on stderr what go prints on the way
(``go: finding module for package …``); writes nothing unless ``--write``. ``--diff`` prints what
``go mod tidy -diff`` prints and exits 1 when the module is not tidy. Where go mod tidy fails the
command prints go's stderr and exits with go's status.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..errors import GomodlabError
from ._modsource import add_source_options, source_of


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tidy", help="the go.mod and go.sum 'go mod tidy' would write, computed in-process",
                       description="Loads the main module's packages and their imports over the module graph "
                                   "as go mod tidy does (build tags ignored, tests included, missing imports "
                                   "looked up), and prints the go.mod it would write. Nothing is written "
                                   "unless --write.")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="directory in the main module")
    add_source_options(p)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--go-sum", action="store_true", help="print the go.sum instead of the go.mod")
    out.add_argument("--diff", action="store_true", help="print the changes as 'go mod tidy -diff' does; exit 1 if any")
    out.add_argument("--rounds", action="store_true",
                     help="tidy round by round: what each round did and the requirements it changed")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="json: go.mod, go.sum, whether they change and each requirement change with its reason "
                        "(with --rounds: the rounds)")
    p.add_argument("--write", action="store_true", help="write go.mod and go.sum, as go mod tidy does")
    p.add_argument("-e", dest="allow_errors", action="store_true", help="proceed despite errors (go mod tidy -e)")
    p.add_argument("--go", metavar="VERSION", help="set the go line (go mod tidy -go=VERSION)")
    p.add_argument("--compat", metavar="VERSION", help="keep what go VERSION needs (go mod tidy -compat=VERSION)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.rounds:
        return _rounds(args)
    if args.format == "json" and (args.diff or args.go_sum):
        raise GomodlabError("--format json holds go.mod, go.sum and the changes; it goes with neither --diff nor --go-sum")
    memo, hit = _memo(args)
    if hit is None:
        from ..load.modtidy import TidyRefused, tidy
        try:
            result = tidy(args.dir, source_of(args), go_version=args.go, compat=args.compat,
                          allow_errors=args.allow_errors, modcache=args.modcache)
        except TidyRefused as e:
            sys.stderr.write(e.stderr)
            return e.exit_status
        hit = {
            "gomod_file": result.gomod_file, "stderr": result.stderr, "gomod": result.gomod, "gosum": result.gosum,
            "gomod_before": result.gomod_before, "gosum_before": result.gosum_before, "diff": result.diff(),
            "changes": [vars(c) for c in result.changes], "gosum_written": result.gosum_written,
        }
        # Stored only when tidy read the go.mod the memo is keyed on (not one edited since).
        if memo is not None and result.inputs is not None and result.gomod_before == memo.gomod_bytes:
            memo.store(result.inputs, hit, "")
    sys.stderr.write(hit["stderr"])
    if args.diff:
        _out(hit["diff"])
        return 1 if hit["diff"] else 0
    if args.write:
        _write(hit["gomod_file"], hit["gomod"], hit["gomod_before"])
        _write(os.path.join(os.path.dirname(hit["gomod_file"]), "go.sum"), hit["gosum"], hit["gosum_before"],
               force=hit.get("gosum_written", False))
    if args.format == "json":
        import json

        json.dump({
            "gomod": hit["gomod"].decode("utf-8", "replace"), "gosum": hit["gosum"].decode("utf-8", "replace"),
            "gomod_changed": hit["gomod"] != hit["gomod_before"], "gosum_changed": hit["gosum"] != hit["gosum_before"],
            "changes": hit["changes"],
        }, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if not args.write:
        _out(hit["gosum"] if args.go_sum else hit["gomod"])
    return 0


def _rounds(args: argparse.Namespace) -> int:
    """``--rounds``: the trace of :func:`gomodlab.load.modtidy.tidy` (never memoised: the memo
    keeps results, not rounds)."""
    from ..lab.tidylesson import round_table
    from ..load.modtidy import TidyRefused, tidy

    try:
        result = tidy(args.dir, source_of(args), go_version=args.go, compat=args.compat,
                      allow_errors=args.allow_errors, modcache=args.modcache, trace=True)
    except TidyRefused as e:
        sys.stderr.write(e.stderr)
        return e.exit_status
    sys.stderr.write(result.stderr)
    if args.format == "json":
        import json

        json.dump([{"step": r.step, "title": r.title, "summary": r.summary, "packages": list(r.packages),
                    "found": [{"import": f.import_path, "module": f.module, "version": f.version} for f in r.found],
                    "changes": [{"path": c.path, "kind": c.kind, "before": c.before, "after": c.after}
                                for c in r.changes()]} for r in result.rounds], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    for i, r in enumerate(result.rounds, 1):
        print(f"{i}. {r.title}: {r.summary}")
        if r.changes():
            print("   " + round_table(r, unchanged=False).text().replace("\n", "\n   ").rstrip())
    return 0


def _memo(args: argparse.Namespace):  # noqa: ANN202 - (OutputMemo | None, stored result | None)
    """The output memo for this run (gomodlab.load.output_memo), and what it holds if no input
    changed: tidy over a module cache is a function of the files it read (go.mod, go.sum — or
    its absence —, the directories listed and Go files read, dependencies' go.mod files, the
    standard library's directories looked into), of the flags and of the settings in
    :func:`_memo_context`; a run that needed a GOPROXY (queries, zips) is never stored.

    Only the memo's own modules are imported here (not the loader's): a hit is answered in
    ~25 ms of which ~15 ms is Python's start-up and argparse.
    """
    from ..load.locate import default_modcache, find_main_gomod
    from ..load.output_memo import OutputMemo
    from ..errors import GomodlabError

    if args.proxy:
        return None, None
    try:
        gomod = find_main_gomod(args.dir)
    except GomodlabError:
        return None, None
    memo = OutputMemo.open("tidy", gomod, args.modcache or default_modcache(), _memo_context(args))
    found = memo.lookup() if memo is not None else None
    return memo, (found[0] if found is not None else None)


def _memo_context(args: argparse.Namespace) -> str:
    """Everything besides the files read that tidy's answer depends on: the flags; every ``GO*``
    variable (GOFLAGS, GOPROXY, GOTOOLCHAIN, GODEBUG and GOCACHE — which decide how directories
    are read —, GOROOT, GOPATH…; a few that tidy ignores, such as GOOS, only cost a recomputation)
    and the bytes of go's env file; PATH (where the go whose GOROOT is the standard library is
    found); the directory messages are shortened against; gomodlab's version."""
    from ..load.locate import go_env_file
    from ..version import __version__

    env = "\0".join(f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("GO"))
    envfile = go_env_file()
    settings = "GOENV=off"
    if envfile is not None:
        try:
            with open(envfile, "rb") as f:
                settings = f.read().decode("utf-8", "surrogateescape")
        except OSError:
            settings = f"no {envfile}"
    try:
        cwd = os.getcwd()
    except OSError:
        cwd = "(no working directory)"
    return "\0".join((f"-e={args.allow_errors} -go={args.go} -compat={args.compat}", env, settings,
                      os.environ.get("PATH", ""), cwd, __version__))


def _out(data: bytes) -> None:
    """The bytes as they are to a real stdout; decoded for a text-only one (a captured stream)."""
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode("utf-8", "replace"))
        return
    sys.stdout.flush()
    buffer.write(data)
    buffer.flush()


def _write(path: str, data: bytes, before: bytes, *, force: bool = False) -> None:
    """Replace ``path`` with ``data`` when it changes, or when go writes it anyway (``force``: go
    creates an empty go.sum when it trims a hash it computed), atomically."""
    if data == before and not (force and not os.path.exists(path)):
        return
    tmp = path + ".gomodlab-tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
