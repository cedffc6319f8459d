"""Statistics over the request table of :func:`gomodlab.net.xlog.parse`: latency, fallbacks, timing.

Every function is pure and takes the DataFrame ``xlog.parse`` returns (or several concatenated:
a ``-x`` trace beside the access logs of the proxies it talked to):

- :func:`latency_summary` — per proxy and endpoint, counts, error and timeout rates, duration
  percentiles;
- :func:`fallbacks` / :func:`fallback_summary` — which requests moved on to the next GOPROXY
  entry, with go's rule (after ``,`` only 404/410 do, after ``|`` any error does);
- :func:`timeline` and :func:`critical_path` — when each request ran and the longest chain of
  sequential work, i.e. where the wall time of a slow ``go mod download`` went.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["latency_summary", "fallbacks", "fallback_summary", "timeline", "critical_path"]


def _http(df: "pd.DataFrame") -> "pd.DataFrame":
    return df[df["kind"] == "http"]


def _order_key(df: "pd.DataFrame") -> "pd.Series":
    """Order of events: server time where logged, else the line number of the start (or end)."""
    import pandas as pd

    line = df["start_line"].fillna(df["end_line"]).astype("float64")
    if df["time"].notna().any():
        secs = (df["time"] - df["time"].min()).dt.total_seconds()
        return secs.where(df["time"].notna(), line)
    return pd.Series(line, index=df.index)


def _is_timeout(df: "pd.DataFrame") -> "pd.Series":
    err = df["error"].str.contains(r"timeout|deadline exceeded|EOF|stalled", case=False, regex=True)
    return (df["finished"] == False) | err | (df["fault"] == "stall")  # noqa: E712 (NA stays False)


def latency_summary(df: "pd.DataFrame", by: Sequence[str] = ("proxy", "endpoint"),
                    percentiles: Sequence[float] = (50, 90, 99)) -> "pd.DataFrame":
    """Per group of HTTP requests: counts, rates and duration percentiles.

    Columns: ``requests``, ``ok`` (200), ``not_found`` (404/410), ``errors`` (any other status or
    a transport error, timeouts included), ``timeouts`` (no response: never finished, timed out,
    connection dropped), ``error_rate``, ``not_found_rate``, ``mean_s``, ``p<N>_s``, ``max_s``.
    """
    import pandas as pd

    h = _http(df)
    code = h["status_code"]
    frame = pd.DataFrame({
        **{k: h[k] for k in by},
        "ok": (code == 200).fillna(False).astype(bool),
        "not_found": code.isin([404, 410]).fillna(False).astype(bool),
        "timeouts": _is_timeout(h).fillna(False).astype(bool),
        "duration_s": h["duration_s"],
    })
    frame["errors"] = ~frame["ok"] & ~frame["not_found"]
    g = frame.groupby(list(by), sort=True, dropna=False)
    out = pd.DataFrame({
        "requests": g.size(),
        "ok": g["ok"].sum(),
        "not_found": g["not_found"].sum(),
        "errors": g["errors"].sum(),
        "timeouts": g["timeouts"].sum(),
    })
    out["error_rate"] = out["errors"] / out["requests"]
    out["not_found_rate"] = out["not_found"] / out["requests"]
    out["mean_s"] = g["duration_s"].mean()
    for p in percentiles:
        out[f"p{p:g}_s"] = g["duration_s"].quantile(p / 100)
    out["max_s"] = g["duration_s"].max()
    return out


def _outcome(code: int | None, err: str, finished: bool | None) -> tuple[str, str]:
    """(outcome, failure) of one request as go's fallback logic sees it."""
    if code is not None:
        if code == 200:
            return "ok", ""
        if code in (404, 410):
            return "not-found", str(code)
        return "error", str(code)
    if finished is False:
        return "error", "no response"
    return "error", err.split("\n", 1)[0] or "no response"


def fallbacks(df: "pd.DataFrame") -> "pd.DataFrame":
    """Walks down the GOPROXY list: one row per fetch of a (module, version, endpoint).

    Consecutive requests for the same module, version and endpoint at different proxies form one
    walk (a proxy seen again starts a new one). Columns: ``module``, ``version``, ``endpoint``,
    ``attempts`` (proxies tried, in order), ``statuses`` (their status codes, NA for none),
    ``served_by`` (proxy that answered 200, ``""`` if none), ``outcome`` (``ok``, ``not-found``,
    ``error``), ``failure`` (status or error of the failed walk), ``fell_back`` (more than one
    proxy tried), ``time_s`` (sum of the attempts' durations), ``first_line``.
    """
    import pandas as pd

    h = _http(df)
    h = h[h["endpoint"].isin(["list", "info", "mod", "zip", "latest"])]
    h = h.assign(_order=_order_key(h)).sort_values("_order", kind="stable")
    walks: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    out: list[dict[str, Any]] = []
    for module, version, endpoint, proxy, code, err, fin, dur, order in zip(
            h["module"], h["version"], h["endpoint"], h["proxy"], h["status_code"], h["error"],
            h["finished"], h["duration_s"], h["_order"]):
        key = (module, version, endpoint)
        cur = walks.get(key)
        if cur is None or proxy in cur[-1]["attempts"] or cur[-1]["outcome"] == "ok":
            w: dict[str, Any] = {"module": module, "version": version, "endpoint": endpoint, "attempts": [],
                                 "statuses": [], "served_by": "", "outcome": "", "failure": "",
                                 "fell_back": False, "time_s": 0.0, "order": order}
            walks.setdefault(key, []).append(w)
            out.append(w)
            cur = walks[key]
        w = cur[-1]
        w["attempts"].append(proxy)
        w["statuses"].append(None if code is pd.NA else int(code))
        w["time_s"] += dur
        outcome, failure = _outcome(None if code is pd.NA else int(code), err, None if fin is pd.NA else bool(fin))
        # The failure go reports: the last real error, else the last not-exist (modfetch.TryProxies).
        if outcome != "ok" and (outcome == "error" or w["outcome"] != "error"):
            w["failure"] = failure
        if outcome == "ok":
            w["served_by"], w["failure"] = proxy, ""
        if w["outcome"] != "error" or outcome == "ok":
            w["outcome"] = outcome
    for w in out:
        w["attempts"] = tuple(w["attempts"])
        w["statuses"] = tuple(w["statuses"])
        w["fell_back"] = len(w["attempts"]) > 1
    cols = ["module", "version", "endpoint", "attempts", "statuses", "served_by", "outcome", "failure",
            "fell_back", "time_s", "order"]
    return pd.DataFrame(out, columns=cols)


def fallback_summary(df: "pd.DataFrame") -> "pd.DataFrame":
    """Which modules fell back to which proxy: one row per (module, version, from proxy, to proxy)
    with the endpoints concerned and the failures that made go move on."""
    import pandas as pd

    w = fallbacks(df)
    w = w.loc[w["fell_back"].astype(bool)]
    rows: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for module, version, endpoint, attempts, statuses, served in zip(
            w["module"], w["version"], w["endpoint"], w["attempts"], w["statuses"], w["served_by"]):
        key = (module, version, attempts[0], served)
        r = rows.setdefault(key, {"module": module, "version": version, "from_proxy": attempts[0],
                                  "to_proxy": served, "endpoints": [], "statuses": []})
        r["endpoints"].append(endpoint)
        r["statuses"].append(statuses[:-1] if served else statuses)
    out = [{**r, "endpoints": tuple(r["endpoints"]), "statuses": tuple(r["statuses"])} for r in rows.values()]
    return pd.DataFrame(out, columns=["module", "version", "from_proxy", "to_proxy", "endpoints", "statuses"])


def timeline(df: "pd.DataFrame") -> "pd.DataFrame":
    """``df`` with ``t_start`` and ``t_end`` in seconds from the first event.

    Access logs carry server times. A -x log has none, so times are estimated: the earliest
    schedule in which every end line comes ``duration_s`` after its start line and lines are
    printed in time order (a lower bound on each event's real time).
    """
    import numpy as np

    out = df.copy()
    has_time = out["time"].notna()
    t_end = np.full(len(out), np.nan)
    t_start = np.full(len(out), np.nan)
    if has_time.any():
        t0 = out.loc[has_time, "time"].min()
        secs = (out["time"] - t0).dt.total_seconds().to_numpy(dtype=float, na_value=np.nan)
        dur = out["duration_s"].fillna(0.0).to_numpy(dtype=float)
        # The lab server and most servers log when the response ended.
        t_end = np.where(has_time, secs, t_end)
        t_start = np.where(has_time, secs - dur, t_start)
    x = (~has_time).to_numpy()
    if x.any():
        events: list[tuple[int, int, int]] = []  # (line, 0 start / 1 end, position)
        starts = out["start_line"].to_numpy(dtype=float, na_value=np.nan)
        ends = out["end_line"].to_numpy(dtype=float, na_value=np.nan)
        dur = out["duration_s"].to_numpy(dtype=float, na_value=np.nan)
        for i in np.flatnonzero(x).tolist():
            if not math.isnan(starts[i]):
                events.append((int(starts[i]), 0, i))
            if not math.isnan(ends[i]) and (math.isnan(starts[i]) or ends[i] != starts[i]):
                events.append((int(ends[i]), 1, i))
        events.sort()
        clock = 0.0
        for _, what, i in events:
            if what == 0:
                t_start[i] = clock
                if math.isnan(ends[i]) or ends[i] == starts[i]:
                    t_end[i] = clock + (0.0 if math.isnan(dur[i]) else dur[i])
            else:
                d = 0.0 if math.isnan(dur[i]) else dur[i]
                if math.isnan(t_start[i]):
                    t_start[i] = max(clock - d, 0.0)
                clock = max(clock, t_start[i] + d)
                t_end[i] = clock
    out["t_start"] = t_start
    out["t_end"] = t_end
    return out


def critical_path(df: "pd.DataFrame") -> "pd.DataFrame":
    """The longest chain of work that had to happen one step after another.

    go fetches one module version's endpoints in turn (and walks the proxy list in turn for
    each), while different modules download in parallel; version-control commands in one work
    directory are serialised by codehost's per-directory lock. The chain with the largest sum of
    durations — a module version's requests, or one directory's commands — bounds the run's wall
    time from below. Returns its rows in order with ``cum_s`` (running total); ``attrs["chain"]``
    names it (``module@version`` or the directory) and ``attrs["total_s"]`` is its length.
    """
    order = _order_key(df)
    work = df.assign(_order=order)
    h = work[(work["kind"] == "http") & (work["module"] != "")]
    c = work[work["kind"].isin(["git", "command"])]
    best_name, best_total, best_rows = "", -1.0, None
    for (module, version), g in h.groupby(["module", "version"], sort=False):
        total = float(g["duration_s"].sum())
        if total > best_total:
            best_name, best_total, best_rows = f"{module}@{version}" if version else module, total, g
    for directory, g in c.groupby("directory", sort=False):
        total = float(g["duration_s"].sum())
        if total > best_total:
            best_name, best_total, best_rows = directory, total, g
    if best_rows is None:
        out = df.iloc[0:0].assign(cum_s=[])
    else:
        out = best_rows.sort_values("_order", kind="stable").drop(columns="_order")
        out = out.assign(cum_s=out["duration_s"].fillna(0.0).cumsum())
    out.attrs["chain"] = best_name
    out.attrs["total_s"] = max(best_total, 0.0)
    return out
