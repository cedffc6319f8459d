"""``gomodlab fleet scan CACHE_OR_GLOB…`` and ``gomodlab fleet logs LOG_GLOB…``: many inputs as Dask tasks.

Exit status: 0 every input was read, 1 some inputs failed (each recorded with its error in the
output's ``inputs`` table and listed on stderr), 2 an error before any input ran (no inputs, an
--out that is not a fleet output, a scheduler that cannot be reached, workers that cannot import
gomodlab).
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fleet", help="scan many module caches or parse many go -x logs as Dask tasks, into Parquet",
                       description="Runs `gomodlab scan` on every module cache, or the go -x log parser on every "
                                   "log, as Dask distributed tasks of a batch of inputs each (a local cluster by "
                                   "default, --scheduler for a real one), and writes partitioned Parquet with a "
                                   "source column. A failed input is recorded with its error; it never stops the "
                                   "run.")
    fleet = p.add_subparsers(dest="fleet_command", metavar="WHAT", required=True)
    s = fleet.add_parser("scan", help="scan module caches (directories or glob patterns)",
                         description="Scan every module cache (read-only, as `gomodlab scan --no-index`) into "
                                     "DIR/findings and DIR/inventory, then print the damage per module version "
                                     "with its verdict: upstream (the same bad bytes on several sources) or local.")
    s.add_argument("inputs", nargs="+", metavar="CACHE_OR_GLOB",
                   help="a module cache directory, or a glob pattern (quoted: runners/*/pkg/mod)")
    s.add_argument("--gosum", action="append", default=[], metavar="FILE",
                   help="a go.sum every cache must agree with (repeatable)")
    _common(s)
    s.set_defaults(run=run_scan)
    lg = fleet.add_parser("logs", help="parse go -x logs or GOPROXY access logs (files or glob patterns)",
                          description="Parse every log (as `gomodlab logs`) into DIR/requests, then print latency "
                                      "and failures per proxy and the runners that diverge from the fleet.")
    lg.add_argument("inputs", nargs="+", metavar="LOG_GLOB", help="a log file, or a glob pattern (quoted: 'logs/**/*.log')")
    lg.add_argument("--base", default="", metavar="URL", help="proxy URL access logs' paths are relative to")
    _common(lg)
    lg.set_defaults(run=run_logs)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, metavar="DIR.parquet",
                   help="output directory (new, empty, or an earlier fleet run's output, which is replaced)")
    p.add_argument("--scheduler", metavar="ADDR",
                   help="address of a running Dask scheduler (tcp://host:8786); its workers must see the inputs "
                        "and --out at the same paths (default: a local cluster)")
    p.add_argument("--workers", type=int, metavar="N", help="local cluster worker processes (default: available CPUs)")
    p.add_argument("--threads", action="store_true",
                   help="run the local workers as threads of this process: no processes to start (quicker for a "
                        "few small inputs), but no parallel speed-up")
    p.add_argument("--batch", type=int, metavar="N",
                   help="inputs per task (default: the inputs spread over 2 tasks per worker, of at most 500 "
                        "inputs: each task's fixed cost, a scheduler round trip and a partition write, is paid "
                        "once per batch)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")


def _inputs(args: argparse.Namespace) -> list:
    from ..errors import SourceError
    from ..fleet.run import expand_inputs

    if args.workers is not None and args.workers < 1:
        raise SourceError(f"--workers {args.workers}: need at least 1")
    if args.batch is not None and args.batch < 1:
        raise SourceError(f"--batch {args.batch}: need at least 1 input per task")
    inputs, unmatched = expand_inputs(args.inputs)
    for pattern in unmatched:
        print(f"gomodlab fleet {args.fleet_command}: {pattern}: matches nothing", file=sys.stderr)
    if not inputs:
        raise SourceError("no inputs: every pattern matched nothing")
    return inputs


def _started(args: argparse.Namespace):  # noqa: ANN202 - Callable[[str], None]
    return lambda line: print(f"gomodlab fleet {args.fleet_command}: {line}", file=sys.stderr)


def _report_run(args: argparse.Namespace, run, what: str, rows: str) -> int:  # noqa: ANN001 - FleetRun
    from ..lab.formatting import human_count, human_seconds

    failed = run.failed
    ok = run.inputs[run.inputs["status"] == "ok"]
    for r in failed.itertuples(index=False):
        print(f"gomodlab fleet {args.fleet_command}: {r.source}: {r.error}", file=sys.stderr)
    for r in ok[ok["notes"] != ""].itertuples(index=False):
        print(f"gomodlab fleet {args.fleet_command}: {r.source}: note: {r.notes}", file=sys.stderr)
    print(f"{human_count(len(run.inputs))} {what} in {human_seconds(run.seconds)} on {run.workers} worker(s), "
          f"{human_count(run.tasks)} task(s): "
          f"{human_count(len(failed))} failed, {human_count(int(ok['rows'].sum()))} {rows} → {run.out}")
    return 1 if len(failed) else 0


def run_scan(args: argparse.Namespace) -> int:
    from ..fleet import analysis, dataset
    from ..fleet.run import scan_fleet
    from ._cacheout import print_table

    run = scan_fleet(_inputs(args), args.out, gosum=args.gosum, scheduler=args.scheduler, workers=args.workers,
                     processes=not args.threads, batch=args.batch, progress=False if args.no_progress else None,
                     on_start=_started(args))
    code = _report_run(args, run, "cache(s) scanned", "module versions")
    findings = dataset.read_table(run.out, "findings")
    damage = analysis.damage(findings, dataset.read_table(run.out, "inventory"))
    if len(damage):
        print()
        print_table(("MODULE", "VERDICT", "SOURCES", "BAD HASH", "EVIDENCE"),
                    [(f"{r.module}@{r.version}", r.verdict, f"{r.sources} of {r.holders}" if r.holders is not None
                      and r.holders == r.holders else r.sources, r.bad_hash or "—", r.evidence)
                     for r in damage.itertuples(index=False)])
    else:
        print("no damaged module versions")
    return code


def run_logs(args: argparse.Namespace) -> int:
    from ..fleet import analysis, dataset
    from ..fleet.run import parse_fleet
    from ..lab.formatting import human_percent, human_seconds
    from ._cacheout import print_table

    run = parse_fleet(_inputs(args), args.out, base=args.base, scheduler=args.scheduler, workers=args.workers,
                      processes=not args.threads, batch=args.batch, progress=False if args.no_progress else None,
                      on_start=_started(args))
    code = _report_run(args, run, "log(s) parsed", "rows")
    requests = dataset.read_table(run.out, "requests", columns=["source", "kind", "proxy", "endpoint", "status_code",
                                                                "duration_s", "finished", "error", "fault", "time",
                                                                "log_mtime"])
    lat = analysis.latency(requests, by=["proxy"])
    if not len(lat):
        print("no HTTP requests in the logs")
        return code
    print()
    print_table(("PROXY", "REQUESTS", "FAILED", "NO ANSWER", "P50", "P90", "P99"),
                [(r.proxy or "—", r.requests, human_percent(r.error_rate), r.timeouts, human_seconds(r.p50_s),
                  human_seconds(r.p90_s), human_seconds(r.p99_s)) for r in lat.itertuples(index=False)])
    div = analysis.diverging_runners(requests)
    div = div[div["diverges"]]
    print()
    if len(div):
        print_table(("RUNNER", "PROXIES", "WHY IT DIVERGES"),
                    [(r.runner, r.proxies, r.reason) for r in div.itertuples(index=False)])
    else:
        print("no runner diverges from the fleet")
    return code
