"""Figures of a fleet run's analyses (:mod:`gomodlab.fleet.analysis`): thin views, as :mod:`.plots`.

=============================  ===============================================================
figure                         draws
=============================  ===============================================================
:func:`damage_verdicts`        each damaged module version's bad bytes: how many runners have
                               them, coloured by verdict (upstream or local)
:func:`proxy_days`             per proxy and day: the p90 latency (log seconds) and the share
                               of requests that failed, the slow proxy marked
=============================  ===============================================================

Titles state the finding, axes carry units, every figure has alt text (:func:`.plots.alt_text`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .formatting import human_percent, human_seconds
from .plots import WIDTH, _PALETTE, _describe, _figure, _seconds_log_axis, _title

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = ["damage_verdicts", "proxy_days", "VERDICT_COLORS"]

VERDICT_COLORS = {"upstream": "#c62828", "local": "#fb8c00"}


def _short(module: str, version: str) -> str:
    return f"{module.rsplit('/', 1)[-1]}@{version}"


def damage_verdicts(damage: "pd.DataFrame", *, title: str | None = None) -> "Figure":
    """Bars of :func:`gomodlab.fleet.analysis.damage`: one per (module version, bad bytes), its length
    the number of runners with those bytes, red for ``upstream``, orange for ``local``."""
    from matplotlib.patches import Patch

    n = len(damage)
    fig, ax = _figure(WIDTH, max(1.8, 0.32 * n + 1.3))
    labels = [_short(m, v) + (f" {b[3:11]}…" if b else " (unhashable)")
              for m, v, b in zip(damage["module"], damage["version"], damage["bad_hash"])]
    ys = list(range(n))[::-1]
    ax.barh(ys, damage["sources"], color=[VERDICT_COLORS[v] for v in damage["verdict"]], height=0.6)
    for y, s, h in zip(ys, damage["sources"], damage["holders"]):
        ax.text(s, y, f"  {s} of {h}" if h == h and h is not None else f"  {s}", va="center", fontsize=7)
    ax.set_yticks(ys, labels, fontsize=7)
    ax.set_xlabel("runners whose cache holds these bad bytes")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlim(0, max([1, *damage["sources"]]) * 1.25)
    ax.tick_params(labelsize=7)
    fig.legend(handles=[Patch(color=c, label=f"{v}: " + ("the same bad bytes on several runners" if v == "upstream"
                                                         else "one runner's own damage"))
                       for v, c in VERDICT_COLORS.items()], loc="outside lower center", ncols=2, fontsize=7,
              frameon=False)
    up = damage[damage["verdict"] == "upstream"]
    local = damage[damage["verdict"] == "local"]
    if n:
        ups = ", ".join(f"{_short(m, v)} on {s} runners" for m, v, s in zip(up["module"], up["version"], up["sources"]))
        headline = ((f"{len(up)} module version(s) came bad from upstream ({ups})" if len(up)
                     else "No bad bytes are shared between runners")
                    + f"; {len(local)} damaged on one runner only")
        alt = (f"Horizontal bar chart of {n} damaged module versions, bar length the number of runners holding the "
               f"same bad bytes. Upstream: {ups or 'none'}. Local, one runner each: "
               + (", ".join(f"{_short(m, v)} on {s}" for m, v, s in
                            zip(local["module"], local["version"], local["source_names"])) or "none") + ".")
    else:
        headline = "No damaged module version in the fleet"
        alt = "No runner's cache holds damaged module versions, so there are no bars."
    _title(fig, title or headline)
    return _describe(fig, alt)


def proxy_days(days: "pd.DataFrame", slow: "pd.DataFrame | None" = None, *, percentile: float = 90,
               title: str | None = None) -> "Figure":
    """Two panels over :func:`gomodlab.fleet.analysis.latency` by ``["proxy", "day"]``: the daily
    p<N> latency per proxy (log seconds) and the daily share of failed requests. ``slow``
    (:func:`gomodlab.fleet.analysis.slow_proxies`) marks when each slow proxy turned slow."""
    col = f"p{percentile:g}_s"
    fig, (a1, a2) = _figure(WIDTH, 3.6, ncols=2)
    proxies = sorted(days["proxy"].unique(), key=str)
    day_list = sorted(days["day"].unique())
    x = {d: i for i, d in enumerate(day_list)}
    for i, proxy in enumerate(proxies):
        g = days[days["proxy"] == proxy].sort_values("day")
        colour = _PALETTE[i % len(_PALETTE)]
        xs = [x[d] for d in g["day"]]
        a1.plot(xs, g[col], marker="o", ms=3, lw=1.6, color=colour, label=proxy)
        a2.plot(xs, g["error_rate"] * 100, marker="o", ms=3, lw=1.6, color=colour)
    slow = slow if slow is not None else days.iloc[0:0]
    for since in slow.get("slow_since", []):
        for a in (a1, a2):
            a.axvline(x[since] - 0.5, color="#555555", ls="--", lw=1)
    a1.set_yscale("log")
    _seconds_log_axis(a1.yaxis)
    a1.set_ylabel(f"p{percentile:g} request duration")
    a1.set_title(f"p{percentile:g} latency per day", fontsize=9)
    a2.set_ylabel("failed requests (%)")
    a2.set_ylim(bottom=0)
    a2.set_title("failed or unanswered requests per day", fontsize=9)
    for a in (a1, a2):
        a.set_xticks(range(len(day_list)), [d[5:] for d in day_list], fontsize=7, rotation=45)
        a.set_xlabel("day (UTC, month-day)")
        a.tick_params(labelsize=7)
    fig.legend(loc="outside lower center", ncols=min(3, len(proxies)) or 1, fontsize=7, frameon=False)
    if len(slow):
        r = slow.iloc[0]
        headline = (f"{r['proxy']} turned slow on {r['slow_since']}: p{percentile:g} {human_seconds(r['since_s'])} "
                    f"since (was {human_seconds(r['before_s'])}; the other proxies {human_seconds(r['others_s'])}), "
                    f"{human_percent(r['error_rate_since'])} of its requests failing")
    else:
        headline = f"No proxy's p{percentile:g} latency stands out from the others'"
    alt = (f"Two line charts over {len(day_list)} days for {len(proxies)} proxies: left the daily p{percentile:g} "
           f"request duration on a log scale, right the daily percentage of failed requests. {headline}.")
    _title(fig, title or headline)
    return _describe(fig, alt)
