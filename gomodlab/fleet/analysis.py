"""Fleet questions over a fleet run's tables (:func:`gomodlab.fleet.dataset.read_table`).

Every function is pure pandas over the frames, so a notebook can as well hand it frames of its
own (or a ``dask.dataframe`` computed down to the rows it needs).

=============================  ===============================================================
function                       answers
=============================  ===============================================================
:func:`bad_copies`             one row per damaged copy of a module version on one source, with
                               the hash of the bad bytes found and the one expected
:func:`damage`                 per module version and bad-bytes hash, across sources: verdict
                               ``local`` or ``upstream``, with the evidence
:func:`latency`                request latency percentiles per proxy, endpoint and day
:func:`failure_rates`          failed and timed-out requests per proxy and day
:func:`slow_proxies`           the proxies whose daily p90 latency turned several times the
                               others', since when, and how much
:func:`diverging_runners`      the runners whose latency or failure rate is far from the fleet's
=============================  ===============================================================

The verdict. A damaged copy whose bad bytes hash the same on two or more sources did not break
on one disk: the runners fetched the same wrong bytes from where they download (a proxy or a
mirror), so the verdict is ``upstream``. Damage only one source has (its own hash, or bytes that
cannot be hashed at all, such as a truncated zip) is ``local``: repair that cache. The bad-bytes
hash is what go's checks compare: the ``got`` hash of a ``gosum-mismatch`` (the cache holds bytes
the project's go.sum does not), else of ``zip-modified`` or ``dir-modified``. For a version no
go.sum names, a copy whose ``.ziphash`` differs from the one most sources recorded (more than
half of them) is a ``fleet-divergent`` bad copy: the fleet's majority is the reference, which is
only as good as the majority; scan with the project's go.sum (``--gosum``) to judge by it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["HASHED_KINDS", "bad_copies", "damage", "latency", "failure_rates", "slow_proxies", "diverging_runners",
           "runner_of"]

#: Finding kinds whose ``got`` is the hash of the bad bytes, most telling first.
HASHED_KINDS = ("gosum-mismatch", "zip-modified", "dir-modified")
_NOT_DAMAGE = ("permission-denied", "unverified", "vcs-broken")
BAD_COPY_COLUMNS = ["source", "module", "version", "kinds", "bad_hash", "expected_hash"]
DAMAGE_COLUMNS = ["module", "version", "verdict", "sources", "holders", "kinds", "bad_hash", "expected_hash",
                  "source_names", "evidence"]


def bad_copies(findings: "pd.DataFrame", inventory: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """Damaged copies: one row per (source, module, version) with damage findings, plus (given the
    ``inventory``) the copies whose ``.ziphash`` differs from the fleet's majority for that version
    and that no finding covers (kind ``fleet-divergent``). Columns: ``source``, ``module``,
    ``version``, ``kinds`` (comma-separated), ``bad_hash`` (``""``: bytes that could not be
    hashed), ``expected_hash``."""
    import pandas as pd

    f = findings[~findings["kind"].isin(_NOT_DAMAGE) & (findings["version"] != "")]
    rows = []
    rank = {k: i for i, k in enumerate(HASHED_KINDS)}
    for (source, module, version), g in f.groupby(["source", "module", "version"], sort=True):
        hashed = g[g["kind"].isin(HASHED_KINDS) & (g["got"] != "")]
        hashed = hashed.assign(_r=hashed["kind"].map(rank)).sort_values("_r", kind="stable")
        # A go.mod's own mismatch names other bytes than the zip's: the zip's comes first.
        hashed = hashed.assign(_mod=hashed["path"].str.endswith(".mod")).sort_values(["_mod", "_r"], kind="stable")
        bad, want = (hashed["got"].iloc[0], hashed["want"].iloc[0]) if len(hashed) else ("", "")
        rows.append({"source": source, "module": module, "version": version,
                     "kinds": ",".join(dict.fromkeys(g["kind"])), "bad_hash": bad, "expected_hash": want})
    if inventory is not None and len(inventory):
        covered = {(r["source"], r["module"], r["version"]) for r in rows}
        held = inventory[inventory["ziphash"] != ""]
        if "gosum_zip" in held:
            # A version a go.sum names is judged by the go.sum (its mismatches are findings already).
            held = held[held.groupby(["module", "version"])["gosum_zip"].transform(lambda g: (g == "").all())]
        for (module, version), g in held.groupby(["module", "version"], sort=True):
            counts = g["ziphash"].value_counts()
            if len(counts) < 2 or counts.iloc[0] * 2 <= len(g):
                continue
            majority = counts.index[0]
            for source, zh in zip(g["source"], g["ziphash"]):
                if zh != majority and (source, module, version) not in covered:
                    rows.append({"source": source, "module": module, "version": version, "kinds": "fleet-divergent",
                                 "bad_hash": zh, "expected_hash": majority})
    return pd.DataFrame(rows, columns=BAD_COPY_COLUMNS)


def _names(sources: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(sources[:limit])
    return shown + (f" and {len(sources) - limit} more" if len(sources) > limit else "")


def damage(findings: "pd.DataFrame", inventory: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """Damage per module version and bad-bytes hash across the fleet, with a verdict.

    One row per (module, version, bad hash); bytes that could not be hashed give one row per
    source. Columns: ``module``, ``version``, ``verdict`` (``upstream`` or ``local``), ``sources``
    (how many have these bad bytes), ``holders`` (how many hold the version at all: from the
    inventory, else NA), ``kinds``, ``bad_hash``, ``expected_hash``, ``source_names``
    (comma-separated), ``evidence`` (a sentence). Upstream rows first, most sources first.
    """
    import pandas as pd

    copies = bad_copies(findings, inventory)
    holders: dict[tuple[str, str], int] = {}
    if inventory is not None and len(inventory):
        holders = inventory.groupby(["module", "version"])["source"].nunique().to_dict()
    rows = []
    hashed = copies[copies["bad_hash"] != ""]
    for (module, version, bad), g in hashed.groupby(["module", "version", "bad_hash"], sort=True):
        rows.append(_damage_row(module, version, bad, g, holders.get((module, version))))
    for r in copies[copies["bad_hash"] == ""].itertuples(index=False):
        rows.append(_damage_row(r.module, r.version, "", copies.loc[(copies["source"] == r.source)
                                                                    & (copies["module"] == r.module)
                                                                    & (copies["version"] == r.version)],
                                holders.get((r.module, r.version))))
    out = pd.DataFrame(rows, columns=DAMAGE_COLUMNS)
    out["holders"] = out["holders"].astype("Int64")
    out = out.sort_values(["verdict", "sources", "module", "version"], ascending=[False, False, True, True],
                          kind="stable")
    return out.reset_index(drop=True)


def _damage_row(module: str, version: str, bad: str, g: "pd.DataFrame", holders: int | None) -> dict[str, object]:
    sources = sorted(g["source"].unique())
    kinds = ",".join(dict.fromkeys(k for ks in g["kinds"] for k in ks.split(",")))
    expected = next((w for w in g["expected_hash"] if w), "")
    of = f" of the {holders} holding it" if holders else ""
    if bad and len(sources) >= 2:
        verdict = "upstream"
        evidence = (f"the same bad bytes ({bad}) on {len(sources)} sources{of}: {_names(sources)}; "
                    + (f"expected {expected}; " if expected else "")
                    + "they came from where those runners download (a proxy or mirror), not from one disk")
    else:
        verdict = "local"
        what = f"bytes hashing to {bad}" if bad else f"bytes that cannot be hashed ({kinds})"
        evidence = (f"only {sources[0]} has {what}" + (f"; the other {holders - 1} holding it do not" if holders
                                                        and holders > 1 else "")
                    + ": damaged on that runner's disk, repair its cache (gomodlab fix)")
    return {"module": module, "version": version, "verdict": verdict, "sources": len(sources), "holders": holders,
            "kinds": kinds, "bad_hash": bad, "expected_hash": expected, "source_names": ", ".join(sources),
            "evidence": evidence}


def _with_day(requests: "pd.DataFrame") -> "pd.DataFrame":
    """HTTP requests with ``day``: the server's time where logged (access logs), else the log's mtime."""
    h = requests[requests["kind"] == "http"]
    when = h["time"].fillna(h["log_mtime"]) if "log_mtime" in h else h["time"]
    return h.assign(day=when.dt.strftime("%Y-%m-%d"))


def latency(requests: "pd.DataFrame", by: Sequence[str] = ("proxy", "endpoint", "day"),
            percentiles: Sequence[float] = (50, 90, 99)) -> "pd.DataFrame":
    """Latency of the fleet's HTTP requests per ``by`` (any of the requests' columns, and ``day``).

    The columns of :func:`gomodlab.net.logstats.latency_summary` (``requests``, ``ok``,
    ``not_found``, ``errors``, ``timeouts``, the rates, ``mean_s``, ``p<N>_s``, ``max_s``; seconds),
    with the groups as columns.
    """
    from ..net.logstats import latency_summary

    return latency_summary(_with_day(requests), by=list(by), percentiles=percentiles).reset_index()


def failure_rates(requests: "pd.DataFrame", by: Sequence[str] = ("proxy", "day")) -> "pd.DataFrame":
    """Failed requests per ``by``: ``requests``, ``errors`` (any answer but 200/404/410, or none),
    ``timeouts`` (no answer), ``error_rate``, ``timeout_rate``. A 404 or 410 is not a failure:
    it is how a proxy says "not here" and go moves on."""
    out = latency(requests, by, percentiles=())
    out["timeout_rate"] = out["timeouts"] / out["requests"]
    return out[[*by, "requests", "errors", "timeouts", "error_rate", "timeout_rate"]]


def slow_proxies(requests: "pd.DataFrame", *, factor: float = 3.0, percentile: float = 90) -> "pd.DataFrame":
    """The proxies that turned slow: on a day a proxy's p<N> latency is over ``factor`` times the
    median p<N> of the other proxies that day, it is slow. One row per proxy slow on its last day
    of requests: ``proxy``, ``slow_since`` (the first day of the slow run that reaches its last
    day), ``days_slow``, ``before_s`` (its median daily p<N> before then, NaN if none),
    ``since_s`` (since then), ``others_s`` (the other proxies' median daily p<N> since then),
    ``error_rate_before`` and ``error_rate_since``. Sorted by ``since_s / others_s``, worst first."""
    import pandas as pd

    col = f"p{percentile:g}_s"
    days = latency(requests, by=["proxy", "day"], percentiles=(percentile,))
    rows = []
    for proxy, g in days.groupby("proxy", sort=True):
        g = g.sort_values("day")
        others = days[days["proxy"] != proxy].groupby("day")[col].median()
        ratio = g[col].to_numpy() / g["day"].map(others).to_numpy()
        slow = [bool(r > factor) for r in ratio]
        if not slow or not slow[-1]:
            continue
        start = len(slow) - 1
        while start > 0 and slow[start - 1]:
            start -= 1
        since_day = g["day"].iloc[start]
        before, since = g.iloc[:start], g.iloc[start:]
        rows.append({"proxy": proxy, "slow_since": since_day, "days_slow": len(since),
                     "before_s": float(before[col].median()) if len(before) else math.nan,
                     "since_s": float(since[col].median()),
                     "others_s": float(others[others.index >= since_day].median()),
                     "error_rate_before": float(before["errors"].sum() / before["requests"].sum()) if len(before)
                     else math.nan,
                     "error_rate_since": float(since["errors"].sum() / since["requests"].sum())})
    out = pd.DataFrame(rows, columns=["proxy", "slow_since", "days_slow", "before_s", "since_s", "others_s",
                                      "error_rate_before", "error_rate_since"])
    if len(out):
        out = out.iloc[(-(out["since_s"] / out["others_s"])).argsort(kind="stable")]
    return out.reset_index(drop=True)


def runner_of(source: str) -> str:
    """The runner a log belongs to: the folder its source name starts with (``runner-07/build-1.log``
    → ``runner-07``), else the whole name."""
    return source.split("/", 1)[0]


def diverging_runners(requests: "pd.DataFrame", *, spread: float = 4.0) -> "pd.DataFrame":
    """Per runner (:func:`runner_of` the source): requests, proxies used, p90 latency and error rate,
    and whether it diverges from the fleet: a p90 over twice the fleet's median p90 and ``spread``
    robust deviations (1.4826 × MAD) above it, or an error rate ``spread`` deviations and two
    points above the median. Columns: ``runner``, ``proxies``, ``requests``, ``p90_s``,
    ``error_rate``, ``diverges``, ``reason``; diverging runners first."""
    import pandas as pd

    h = _with_day(requests)
    h = h.assign(runner=h["source"].map(runner_of))
    s = latency(h, by=["runner"], percentiles=(90,))
    proxies = h.groupby("runner")["proxy"].agg(lambda p: ", ".join(sorted(set(p))))
    s["proxies"] = s["runner"].map(proxies)

    def limit(values: "pd.Series", factor: float, floor: float) -> float:
        med = float(values.median())
        mad = float((values - med).abs().median()) * 1.4826
        return max(med * factor, med + spread * mad, med + floor)

    p90_limit = limit(s["p90_s"], 2.0, 0.0) if len(s) else math.inf
    err_limit = limit(s["error_rate"], 1.0, 0.02) if len(s) else math.inf
    reasons = []
    med_p90 = float(s["p90_s"].median()) if len(s) else math.nan
    med_err = float(s["error_rate"].median()) if len(s) else math.nan
    for p90, err in zip(s["p90_s"], s["error_rate"]):
        r = []
        if p90 > p90_limit:
            r.append(f"p90 {p90:.3f} s against the fleet's median {med_p90:.3f} s")
        if err > err_limit:
            r.append(f"{err:.1%} of requests failed against the fleet's median {med_err:.1%}")
        reasons.append("; ".join(r))
    s["reason"] = reasons
    s["diverges"] = s["reason"] != ""
    out = s[["runner", "proxies", "requests", "p90_s", "error_rate", "diverges", "reason"]]
    out = out.sort_values(["diverges", "p90_s"], ascending=[False, False], kind="stable")
    return pd.DataFrame(out).reset_index(drop=True)
