"""``gomodlab proxy serve|simulate``: a fault-injecting GOPROXY lab server, and the fallback model."""

from __future__ import annotations

import argparse
import json
import math
import sys

from ..errors import ParseError, SourceError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("proxy", help="serve a GOPROXY with injected faults, or predict fallback behaviour",
                       description="A GOPROXY lab: `serve` a module directory or cache with seeded latency, "
                                   "errors and stalls; `simulate` go's walk down a GOPROXY list.")
    ps = p.add_subparsers(dest="proxy_command", metavar="SUBCOMMAND", required=True)

    s = ps.add_parser("serve", help="serve the GOPROXY protocol from a proxy directory or module cache",
                      description="Serves list, .info, .mod, .zip and @latest on 127.0.0.1 until interrupted. "
                                  "Faults are drawn per request from --seed, the request path and how often "
                                  "it was asked for, so the same go run meets the same faults.")
    s.add_argument("source", metavar="SOURCE", help="GOPROXY-layout directory, GOMODCACHE, or its cache/download")
    s.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; anything but loopback needs --public)")
    s.add_argument("--public", action="store_true",
                   help="allow a non-loopback --host: every machine that can reach this one can read SOURCE")
    s.add_argument("--workers", type=int, default=32, help="threads answering connections (default 32)")
    s.add_argument("--read-timeout", type=float, default=10.0, metavar="S",
                   help="drop a connection silent for S seconds (default 10)")
    s.add_argument("--port", type=int, default=0, help="0 (default) picks a free port")
    s.add_argument("--latency", default="none", metavar="SPEC",
                   help="fixed:S | lognormal:MU,SIGMA (of ln seconds) | uniform:LOW,HIGH | none")
    s.add_argument("--errors", default="", metavar="SPEC", help="injected statuses, e.g. 500:0.05,410:0.02")
    s.add_argument("--stall-rate", type=float, default=0.0, metavar="P",
                   help="probability a request gets no answer (connection dropped after --stall-s)")
    s.add_argument("--stall-s", type=float, default=30.0, metavar="S", help="how long a stall lasts (default 30)")
    s.add_argument("--missing", type=float, default=0.0, metavar="P",
                   help="fraction of modules answered 404 (drawn per module from the seed)")
    s.add_argument("--hide", default="", metavar="GLOBS", help="GOPRIVATE-style patterns answered 404")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--access-log", metavar="FILE", help="append the JSON-lines access log here (- for stdout)")
    s.set_defaults(run=run_serve)

    m = ps.add_parser("simulate", help="Monte Carlo of download time and failure rate through a GOPROXY list",
                      description="Predicts end-to-end download time and failure rate from per-proxy fault "
                                  "models, applying go's ',' (fall through on 404/410) and '|' (on any error) "
                                  "rules; --compare sets the prediction beside a measured run.")
    m.add_argument("goproxy", metavar="GOPROXY", help="e.g. 'http://127.0.0.1:8081,http://127.0.0.1:8082'")
    m.add_argument("--model", action="append", default=[], metavar="ENTRY=SPEC",
                   help="fault model of one GOPROXY entry: 'latency:lognormal:-3,0.5 errors:500:0.05 "
                        "stall:0.01 stall_s:30 missing:0.2' (repeat per entry)")
    m.add_argument("-n", type=int, default=10_000, help="simulated downloads (default 10000)")
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--endpoints", default="info,mod,zip", help="endpoints per download (default info,mod,zip)")
    m.add_argument("--compare", metavar="LOG", action="append", default=[],
                   help="a go -x log or access log of a real run to compare with (repeatable)")
    m.add_argument("--format", choices=("table", "json"), default="table")
    m.set_defaults(run=run_simulate)


def _model_from_args(args: argparse.Namespace):
    from ..net.faultmodel import FaultModel, parse_errors, parse_latency

    try:
        return FaultModel(parse_latency(args.latency), parse_errors(args.errors), args.stall_rate, args.stall_s,
                          args.missing)
    except ValueError as e:
        if isinstance(e, ParseError):
            raise
        raise ParseError(str(e)) from None


def run_serve(args: argparse.Namespace) -> int:
    import logging

    from ..net.labproxy import LabProxy

    model = _model_from_args(args)
    log = sys.stdout if args.access_log == "-" else args.access_log
    # The server's warnings (busy workers, a public address) go to stderr beside its start line.
    logging.basicConfig(format="gomodlab proxy serve: %(message)s", level=logging.WARNING)
    srv = LabProxy(args.source, host=args.host, port=args.port, model=model, seed=args.seed,
                   hide=[h for h in args.hide.split(",") if h], access_log=log, workers=args.workers,
                   read_timeout=args.read_timeout, public=args.public)
    url = srv.start()
    print(f"serving {srv.root} at {url}  (GOPROXY={url}; Ctrl-C stops)", file=sys.stderr, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.close()
    return 0


def run_simulate(args: argparse.Namespace) -> int:
    from ..net import faultmodel, xlog

    models = {}
    for item in args.model:
        name, sep, spec = item.partition("=")
        if not sep:
            raise ParseError(f"--model {item!r}: want ENTRY=SPEC")
        models[_entry_url(name)] = faultmodel.parse_fault_model(spec)
    endpoints = [e for e in args.endpoints.split(",") if e]
    bad = [e for e in endpoints if e not in ("list", "info", "mod", "zip", "latest")]
    if bad or not endpoints:
        raise ParseError(f"--endpoints: unknown endpoint(s) {', '.join(bad) or '(none given)'}")
    pred = faultmodel.simulate(args.goproxy, models, n=args.n, endpoints=endpoints, seed=args.seed)
    if args.compare:
        import pandas as pd

        frames = []
        for path in args.compare:
            try:
                frames.append(xlog.parse(open(path, "rb").read()))
            except OSError as e:
                raise SourceError(f"{path}: {e.strerror or e}") from None
        measured = faultmodel.measured_downloads(pd.concat(frames, ignore_index=True), endpoints=endpoints)
        cmp = faultmodel.compare(pred, measured)
        table = cmp.table
    else:
        table = None
    if args.format == "json":
        out: dict[str, object] = {"predicted": faultmodel.summarize(pred, ok_only=True)}
        if table is not None:
            out = {"table": {k: {c: (None if math.isnan(v) else v) for c, v in row.items()}
                             for k, row in table.to_dict("index").items()}, "ks": cmp.ks}
        json.dump(out, sys.stdout, indent=1, default=float)
        print()
        return 0
    if table is None:
        print(f"{'statistic':<16} {'predicted':>12}")
        for k, v in faultmodel.summarize(pred, ok_only=True).items():
            print(f"{k:<16} {v:>12.4g}")
    else:
        print(f"{'statistic':<16} {'predicted':>12} {'measured':>12} {'difference':>12}")
        for k, row in table.iterrows():
            cells = " ".join(f"{'' if math.isnan(row[c]) else format(row[c], '.4g'):>12}"
                             for c in ("predicted", "measured", "difference"))
            print(f"{k:<16} {cells}")
    return 0


def _entry_url(name: str) -> str:
    """The model key for an entry as the GOPROXY parser normalises it (``host/x`` → ``https://host/x``)."""
    from ..load import proxy

    if name in ("direct", "off"):
        return name
    return proxy.parse_goproxy(name)[0].url
