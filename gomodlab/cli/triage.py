"""``gomodlab triage``: for a ``checksum mismatch``, compare every hash there is and say whom to trust.

Exit status: 0 every source agrees, 1 a mismatch was classified, 2 on errors.
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "triage", help="explain a 'checksum mismatch': cache damage, proxy, re-tag or edited go.sum",
        description="Compare the hashes held by go.sum, the module cache (.ziphash, a re-hash of the zip, the "
                    "extracted directory, the .mod) and, with --proxy, a fresh download from each proxy of a "
                    "GOPROXY list; classify the cause and say which side to trust.")
    p.add_argument("modules", nargs="*", metavar="MODULE@VERSION")
    p.add_argument("--from-error", metavar="FILE",
                   help="go's error output ('-' for stdin): triage every checksum mismatch in it")
    p.add_argument("--cache", metavar="DIR", help="module cache (default: go env GOMODCACHE)")
    p.add_argument("--no-cache", action="store_true", help="do not look at any module cache")
    p.add_argument("--gosum", action="append", default=[], metavar="FILE", help="go.sum file (repeatable)")
    p.add_argument("--proxy", metavar="GOPROXY", help="download afresh from each proxy of this GOPROXY list")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json
    from dataclasses import asdict

    from ..cache import triage
    from ..cache.layout import default_cache_root
    from ..errors import GomodlabError

    mismatches: list[triage.Mismatch] = []
    if args.from_error:
        try:
            text = sys.stdin.read() if args.from_error == "-" else open(args.from_error, errors="replace").read()
        except OSError as e:
            raise GomodlabError(f"{args.from_error}: {e.strerror or e}") from None
        mismatches = triage.parse_mismatch(text)
        if not mismatches and not args.modules:
            raise GomodlabError(f"{args.from_error}: no 'checksum mismatch' found in go's output")
    targets = list(dict.fromkeys([(m.module, m.version) for m in mismatches]
                                 + [tuple(a.rsplit("@", 1)) for a in args.modules if "@" in a]))
    bad = [a for a in args.modules if "@" not in a]
    if bad or not targets:
        raise GomodlabError("name MODULE@VERSION (or pass --from-error with go's output)")
    root = None
    if not args.no_cache:
        try:
            root = args.cache or default_cache_root()
        except GomodlabError:
            root = None
    results = []
    for module, version in targets:
        got = triage.triage(module, version, cache=root, gosum=args.gosum, goproxy=args.proxy,
                            mismatches=mismatches)
        if not got:
            raise GomodlabError(f"nothing to triage for {module}@{version}: no go.sum line and no go error names it "
                                "(pass --gosum FILE or --from-error FILE)")
        results += got
    if args.format == "json":
        print(json.dumps([asdict(t) for t in results], indent=2))
    else:
        for t in results:
            print(f"{t.module}@{t.version} ({t.subject}): {t.cause} — {t.explanation}")
            for o in t.observations:
                print(f"    {o.source:<24} {o.hash or '-':<48} {o.detail}")
            print(f"    trust: {t.trust or '-'}")
            print(f"    next:  {t.advice}")
    return 0 if all(t.cause == "consistent" for t in results) else 1
