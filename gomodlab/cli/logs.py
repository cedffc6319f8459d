"""``gomodlab logs FILE``: the requests and commands of a ``go … -x`` log or a GOPROXY access log."""

from __future__ import annotations

import argparse
import json
import math
import shlex
import sys
from typing import Any

from ..errors import SourceError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("logs", help="list the proxy requests and VCS commands of a go -x log or access log",
                       description="Reads what `go … -x` printed (or a GOPROXY access log: common/combined "
                                   "format or JSON lines) and lists every request with its status and "
                                   "duration, every git command with its exit status, every lock.")
    p.add_argument("file", metavar="FILE", help="the log; - for standard input")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.add_argument("--summary", action="store_true",
                   help="instead of the rows: latency per proxy and endpoint, fallbacks, critical path")
    p.add_argument("--base", default="", metavar="URL", help="proxy URL the access log's paths are relative to")
    p.set_defaults(run=run)


def _jsonable(v: Any) -> Any:
    import pandas as pd

    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, tuple):
        return [_jsonable(x) for x in v]
    if isinstance(v, pd.Timestamp):
        return v.isoformat()
    if hasattr(v, "item"):
        return v.item()
    return v


def run(args: argparse.Namespace) -> int:
    from ..net import xlog

    if args.file == "-":
        text = sys.stdin.buffer.read()
    else:
        try:
            with open(args.file, "rb") as f:
                text = f.read()
        except OSError as e:
            raise SourceError(f"{args.file}: {e.strerror or e}") from None
    df = xlog.parse(text, base=args.base)
    if not len(df):
        raise SourceError(f"{args.file}: found no go -x lines (no '# get' requests, git or other commands) and no "
                          "access-log lines; record one with `go mod download -x 2>go-x.log`, then run "
                          "`gomodlab logs go-x.log`")
    if args.summary:
        return _summary(df, args.format)
    if args.format == "json":
        cols = list(df.columns)
        rows = [{c: _jsonable(v) for c, v in zip(cols, values)} for values in df.itertuples(index=False)]
        json.dump(rows, sys.stdout, indent=1)
        print()
    elif args.format == "csv":
        out = df.assign(argv=df["argv"].map(lambda a: " ".join(a) if isinstance(a, tuple) else ""))
        out.to_csv(sys.stdout, index=False)
    else:
        _table(df)
    return 0


def _fmt_dur(v: float) -> str:
    return "" if v != v else f"{v:.3f}s"


def _table(df: Any) -> None:
    rows = df[["kind", "url", "status_code", "error", "duration_s", "finished", "start_line", "end_line", "argv",
               "directory", "exit_status", "file"]].astype(object).where(df.notna(), None)
    print(f"{'LINE':>7}  {'KIND':<9} {'STATUS':<10} {'TIME':>8}  WHAT")
    for kind, url, code, err, dur, fin, start, end, argv, directory, exit_status, file in rows.itertuples(index=False):
        line = start if start is not None else end
        if kind == "http":
            status = str(code) if code is not None else ("error" if err else "pending" if fin is False else "")
            what = url + (f"  ({err.splitlines()[0]})" if err else "")
        elif kind in ("git", "command"):
            status = f"exit {exit_status}" if exit_status is not None else "running" if fin is False else ""
            what = (f"cd {directory}; " if directory else "") + shlex.join(argv or ())
        else:
            status, what = "", f"{kind} {file}"
        print(f"{'' if line is None else line:>7}  {kind:<9} {status:<10} {_fmt_dur(dur if dur is not None else math.nan):>8}  {what}")


def _summary(df: Any, fmt: str) -> int:
    from ..net import logstats

    lat = logstats.latency_summary(df).reset_index()
    fb = logstats.fallback_summary(df)
    cp = logstats.critical_path(df)
    if fmt == "json":
        out = {
            "latency": [{k: _jsonable(v) for k, v in r.items()} for r in lat.to_dict("records")],
            "fallbacks": [{k: _jsonable(v) for k, v in r.items()} for r in fb.to_dict("records")],
            "critical_path": {"chain": cp.attrs["chain"], "total_s": cp.attrs["total_s"],
                              "steps": [{"line": _jsonable(s), "url": u, "argv": _jsonable(a), "duration_s": _jsonable(d)}
                                        for s, u, a, d in zip(cp["start_line"], cp["url"], cp["argv"], cp["duration_s"])]},
        }
        json.dump(out, sys.stdout, indent=1)
        print()
        return 0
    if fmt == "csv":
        lat.to_csv(sys.stdout, index=False)
        return 0
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_colwidth", 80):
        print("Latency by proxy and endpoint")
        print(lat.to_string(index=False, float_format=lambda x: f"{x:.3f}") if len(lat) else "  (no requests)")
        print()
        print("Fallbacks (module version: from proxy -> to proxy)")
        if len(fb):
            for r in fb.itertuples(index=False):
                to = r.to_proxy or "(nowhere: failed)"
                print(f"  {r.module}@{r.version}: {r.from_proxy} -> {to}  [{', '.join(r.endpoints)}]")
        else:
            print("  (none)")
        print()
        print(f"Critical path: {cp.attrs['chain'] or '(nothing timed)'}  {cp.attrs['total_s']:.3f}s")
        for s, u, a, d, c in zip(cp["start_line"], cp["url"], cp["argv"], cp["duration_s"], cp["cum_s"]):
            what = u or " ".join(a or ())
            print(f"  {_fmt_dur(d):>8} {c:8.3f}s  {what}")
    return 0
