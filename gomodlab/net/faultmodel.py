"""Fault models of GOPROXY servers, and a Monte Carlo model of go's walk down the GOPROXY list.

A :class:`FaultModel` says how one proxy misbehaves: how long it takes to answer
(:class:`LatencyModel`), which HTTP errors it injects with which probability, how often it stalls
(hangs without answering for ``stall_s`` seconds, then drops the connection) and which fraction of
modules it does not have at all (404 for every endpoint of such a module). The lab server
(:mod:`gomodlab.net.labproxy`) is driven by exactly this model, so a prediction made here can be
checked against the real go command talking to lab servers configured the same way.

:func:`simulate` draws ``n`` module downloads. A download fetches each endpoint in turn (by default
``.info``, ``.mod``, ``.zip``, what ``go mod download`` asks for) and each endpoint walks the
GOPROXY list the way ``modfetch.TryProxies`` (modfetch/proxy.go) does: a 200 ends the walk;
404/410 ("not exist") goes on to the next entry after ``,`` and after ``|``; any other error
(another status, a dropped connection) goes on only after ``|`` and otherwise fails the download;
``off`` fails; the end of the list fails. A failed endpoint ends its download (go stops there).

Simulation result (one row per simulated download):

================  =========  ================================================================
column            dtype      meaning
================  =========  ================================================================
time_s            float64    end-to-end time: the sum of every request's duration
ok                bool       every endpoint was served
attempts          int64      requests made
served_by         str        proxy that served the last endpoint ("" when the download failed)
fell_back         bool       some endpoint was served by a proxy after the first entry
failure           str        what failed the download: ``404``, ``500``, ``stall``, ``off``,
                             ``end of list``… ("" when ok)
================  =========  ================================================================

:func:`measured_downloads` turns a parsed ``-x`` log or access log (:func:`gomodlab.net.xlog.parse`)
into the same columns, one row per module version, and :func:`compare` puts prediction and
measurement side by side (quantile table, two-sample Kolmogorov–Smirnov distance, failure rates).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..load import proxy
from ..errors import ParseError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "LatencyModel", "FaultModel", "Fault", "parse_latency", "parse_errors", "parse_fault_model",
    "simulate", "measured_downloads", "summarize", "compare", "Comparison", "ks_distance",
]

#: Endpoints ``go mod download`` fetches for each module version, in order (modfetch/fetch.go).
DOWNLOAD_ENDPOINTS = ("info", "mod", "zip")


@dataclass(frozen=True, slots=True)
class LatencyModel:
    """Time to first byte of one response, in seconds.

    ``fixed`` (``params = (s,)``), ``lognormal`` (``(mu, sigma)`` of the natural log of the
    seconds: the median is ``exp(mu)``), ``uniform`` (``(low, high)``) or ``none`` (zero).
    """

    kind: str = "none"
    params: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        want = {"none": 0, "fixed": 1, "lognormal": 2, "uniform": 2}
        if self.kind not in want:
            raise ValueError(f"unknown latency distribution {self.kind!r} (want fixed, lognormal, uniform, none)")
        if len(self.params) != want[self.kind]:
            raise ValueError(f"{self.kind} latency takes {want[self.kind]} parameter(s), got {len(self.params)}")
        if any(not math.isfinite(p) for p in self.params):
            raise ValueError(f"{self.kind} latency parameters must be finite numbers")
        if self.kind == "fixed" and self.params[0] < 0:
            raise ValueError("fixed latency must be >= 0")
        if self.kind == "lognormal" and self.params[1] < 0:
            raise ValueError("lognormal sigma must be >= 0")
        if self.kind == "uniform" and not 0 <= self.params[0] <= self.params[1]:
            raise ValueError("uniform latency needs 0 <= low <= high")

    def draw(self, rng: random.Random) -> float:
        """One delay, from a ``random.Random`` (the lab server, one request at a time)."""
        if self.kind == "fixed":
            return self.params[0]
        if self.kind == "lognormal":
            return rng.lognormvariate(*self.params)
        if self.kind == "uniform":
            return rng.uniform(*self.params)
        return 0.0

    def sample(self, n: int, gen: "np.random.Generator") -> "np.ndarray":
        """``n`` delays at once, from a numpy Generator (the Monte Carlo model)."""
        import numpy as np

        if self.kind == "fixed":
            return np.full(n, self.params[0])
        if self.kind == "lognormal":
            return gen.lognormal(self.params[0], self.params[1], n)
        if self.kind == "uniform":
            return gen.uniform(self.params[0], self.params[1], n)
        return np.zeros(n)

    def __str__(self) -> str:
        return self.kind if self.kind == "none" else f"{self.kind}:{','.join(f'{p:g}' for p in self.params)}"


@dataclass(frozen=True, slots=True)
class Fault:
    """What a server decided for one request: wait ``delay_s``, then answer ``status`` (None: the
    real answer), or stall (answer nothing for ``stall_s``, then drop the connection)."""

    delay_s: float
    status: int | None
    stall: bool


@dataclass(frozen=True, slots=True)
class FaultModel:
    """How one proxy misbehaves; see the module docstring. ``errors`` is ``((status, p), …)``."""

    latency: LatencyModel = field(default_factory=LatencyModel)
    errors: tuple[tuple[int, float], ...] = ()
    stall_rate: float = 0.0
    stall_s: float = 30.0
    missing: float = 0.0

    def __post_init__(self) -> None:
        for status, p in self.errors:
            if not 400 <= status <= 599:
                raise ValueError(f"injected status {status} is not an HTTP error status (400-599)")
            if not 0 <= p <= 1:
                raise ValueError(f"probability {p} for status {status} is not in [0, 1]")
        if sum(p for _, p in self.errors) > 1 + 1e-12:
            raise ValueError("error probabilities add up to more than 1")
        for name in ("stall_rate", "missing"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be in [0, 1]")
        if not self.stall_s >= 0:
            raise ValueError("stall_s must be >= 0")

    def draw(self, rng: random.Random) -> Fault:
        """The fault for one request. Draw order (delay, stall, error) is the same in :meth:`sample`."""
        delay = self.latency.draw(rng)
        if rng.random() < self.stall_rate:
            return Fault(self.stall_s, None, True)
        u = rng.random()
        acc = 0.0
        for status, p in self.errors:
            acc += p
            if u < acc:
                return Fault(delay, status, False)
        return Fault(delay, None, False)

    def sample(self, n: int, gen: "np.random.Generator") -> tuple["np.ndarray", "np.ndarray", "np.ndarray"]:
        """``n`` faults at once: (seconds, injected status or 0, stalled)."""
        import numpy as np

        delay = self.latency.sample(n, gen)
        stall = gen.random(n) < self.stall_rate
        u = gen.random(n)
        status = np.zeros(n, dtype=np.int64)
        acc = 0.0
        for code, p in self.errors:
            status[(u >= acc) & (u < acc + p)] = code
            acc += p
        status[stall] = 0
        return np.where(stall, self.stall_s, delay), status, stall


def _floats(text: str, what: str) -> tuple[float, ...]:
    try:
        return tuple(float(x) for x in text.split(",")) if text.strip() else ()
    except ValueError:
        raise ParseError(f"invalid {what} {text!r}: want comma-separated numbers") from None


def parse_latency(spec: str) -> LatencyModel:
    """``fixed:S``, ``lognormal:MU,SIGMA``, ``uniform:LOW,HIGH`` or ``none``."""
    kind, _, rest = spec.strip().partition(":")
    try:
        return LatencyModel(kind, _floats(rest, "latency parameters"))
    except ValueError as e:
        if isinstance(e, ParseError):
            raise
        raise ParseError(f"invalid latency {spec!r}: {e}") from None


def parse_errors(spec: str) -> tuple[tuple[int, float], ...]:
    """``500:0.05,410:0.02`` → ``((500, 0.05), (410, 0.02))``."""
    out: list[tuple[int, float]] = []
    for item in filter(None, (s.strip() for s in spec.split(","))):
        code, sep, p = item.partition(":")
        try:
            out.append((int(code), float(p)))
        except ValueError:
            raise ParseError(f"invalid error spec {item!r}: want STATUS:PROBABILITY, e.g. 500:0.05") from None
        if not sep:
            raise ParseError(f"invalid error spec {item!r}: want STATUS:PROBABILITY, e.g. 500:0.05")
    return tuple(out)


def parse_fault_model(spec: str) -> FaultModel:
    """A model from ``latency:lognormal:-3,0.5 errors:500:0.05 stall:0.01 stall_s:5 missing:0.2``
    (space-separated ``key:value`` items, all optional)."""
    kw: dict[str, object] = {}
    for item in spec.split():
        key, _, value = item.partition(":")
        try:
            if key == "latency":
                kw["latency"] = parse_latency(value)
            elif key == "errors":
                kw["errors"] = parse_errors(value)
            elif key in ("stall", "stall_rate"):
                kw["stall_rate"] = float(value)
            elif key == "stall_s":
                kw["stall_s"] = float(value)
            elif key == "missing":
                kw["missing"] = float(value)
            else:
                raise ParseError(f"invalid model item {item!r}: keys are latency, errors, stall, stall_s, missing")
        except ValueError as e:
            if isinstance(e, ParseError):
                raise
            raise ParseError(f"invalid model item {item!r}: {e}") from None
    try:
        return FaultModel(**kw)  # type: ignore[arg-type]
    except ValueError as e:
        raise ParseError(f"invalid model {spec!r}: {e}") from None


def simulate(goproxy: str | Sequence[proxy.ProxySpec], models: Mapping[str, FaultModel], *, n: int = 10_000,
             endpoints: Sequence[str] = DOWNLOAD_ENDPOINTS, seed: int | None = 0) -> "pd.DataFrame":
    """Monte Carlo of ``n`` module downloads through ``goproxy`` (columns in the module docstring).

    ``models`` maps each GOPROXY entry (its URL as :func:`gomodlab.load.proxy.parse_goproxy` gives it,
    or ``direct``) to its :class:`FaultModel`. Whether a module is missing from a proxy is drawn
    once per download and holds for all its endpoints, as on a real proxy.
    """
    import numpy as np
    import pandas as pd

    specs = proxy.parse_goproxy(goproxy) if isinstance(goproxy, str) else list(goproxy)
    for s in specs:
        if s.url != "off" and s.url not in models:
            raise ParseError(f"no fault model for GOPROXY entry {s.url!r} (have: {', '.join(models) or 'none'})")
    gen = np.random.default_rng(seed)
    time_s = np.zeros(n)
    attempts = np.zeros(n, dtype=np.int64)
    ok = np.ones(n, dtype=bool)
    fell_back = np.zeros(n, dtype=bool)
    served = np.full(n, -1, dtype=np.int64)
    failure = np.full(n, "", dtype=object)
    missing = [gen.random(n) < models[s.url].missing if s.url != "off" else None for s in specs]
    for _ in endpoints:
        pending = ok.copy()
        failure[pending] = ""
        for j, spec in enumerate(specs):
            idx = np.flatnonzero(pending)
            if idx.size == 0:
                break
            if spec.url == "off":
                # "module lookup disabled by GOPROXY=off" is a not-exist error that ends the list;
                # go still reports an earlier real error if there was one.
                failure[idx] = np.where(_is_real(failure[idx]), failure[idx], "off")
                break
            delay, status, stall = models[spec.url].sample(idx.size, gen)
            absent = missing[j][idx]  # type: ignore[index]
            status = np.where((status == 0) & ~stall & absent, 404, status)
            time_s[idx] += delay
            attempts[idx] += 1
            success = (status == 0) & ~stall
            served[idx[success]] = j
            fell_back[idx[success]] |= j > 0
            pending[idx[success]] = False
            not_exist = (status == 404) | (status == 410)
            hard = ~success & ~not_exist
            # The error go reports: the last real error, else the last not-exist one (TryProxies).
            what = np.where(stall, "stall", status.astype(str))
            keep = ~success & (hard | ~_is_real(failure[idx]))
            failure[idx[keep]] = what[keep]
            if not spec.fallback_on_error:
                # After ",", only "not exist" moves on: any other error is the answer.
                pending[idx[hard]] = False
                ok[idx[hard]] = False
        left = np.flatnonzero(pending)
        ok[left] = False
        failure[left] = np.where(failure[left] == "", "end of list", failure[left])
    urls = np.array([s.url for s in specs] + [""], dtype=object)
    failure[ok] = ""
    return pd.DataFrame({
        "time_s": time_s,
        "ok": ok,
        "attempts": attempts,
        "served_by": urls[np.where(ok, served, -1)],
        "fell_back": fell_back & ok,
        "failure": failure,
    })


def _is_real(failure: "np.ndarray") -> "np.ndarray":
    """Which recorded failures are real errors rather than not-exist ones (or none yet)."""
    f = failure.astype(str)
    return (f != "") & (f != "404") & (f != "410") & (f != "off")


def measured_downloads(log: "pd.DataFrame", *, endpoints: Sequence[str] = DOWNLOAD_ENDPOINTS) -> "pd.DataFrame":
    """One row per module version in a parsed log, in :func:`simulate`'s columns.

    ``time_s`` sums the durations of the version's requests for ``endpoints`` (requests that never
    finished count as NaN and make it NaN); ``ok`` means the last endpoint got a 200.
    """
    import pandas as pd

    from . import logstats

    walks = logstats.fallbacks(log)
    walks = walks[walks["endpoint"].isin(list(endpoints)) & (walks["version"] != "")]
    rows = []
    for (module, version), g in walks.groupby(["module", "version"], sort=True):
        g = g.sort_values("order")
        last = g.iloc[-1]
        ok = bool(last["endpoint"] == endpoints[-1] and last["outcome"] == "ok") and bool((g["outcome"] == "ok").all())
        failed = g[g["outcome"] != "ok"]
        rows.append({
            "module": module,
            "version": version,
            "time_s": float(g["time_s"].sum(min_count=1)) if g["time_s"].notna().all() else math.nan,
            "ok": ok,
            "attempts": int(g["attempts"].map(len).sum()),
            "served_by": last["served_by"] if ok else "",
            "fell_back": ok and bool(g["fell_back"].any()),
            "failure": "" if ok else (str(failed.iloc[0]["failure"]) if len(failed) else "incomplete"),
        })
    cols = ["module", "version", "time_s", "ok", "attempts", "served_by", "fell_back", "failure"]
    return pd.DataFrame(rows, columns=cols)


def summarize(downloads: "pd.DataFrame", quantiles: Sequence[float] = (0.5, 0.9, 0.99), *,
              ok_only: bool = False) -> dict[str, float]:
    """Failure rate, fallback rate, mean and quantiles of ``time_s`` of :func:`simulate` or
    :func:`measured_downloads` output (times of successful downloads only with ``ok_only``)."""
    n = len(downloads)
    t = downloads.loc[downloads["ok"].astype(bool), "time_s"] if ok_only else downloads["time_s"]
    t = t.dropna()
    out: dict[str, float] = {
        "downloads": float(n),
        "failure_rate": float((~downloads["ok"]).mean()) if n else math.nan,
        "fallback_rate": float(downloads["fell_back"].mean()) if n else math.nan,
        "mean_s": float(t.mean()) if len(t) else math.nan,
    }
    for q in quantiles:
        out[f"p{q * 100:g}_s"] = float(t.quantile(q)) if len(t) else math.nan
    return out


def ks_distance(a: "np.ndarray | pd.Series", b: "np.ndarray | pd.Series") -> float:
    """Two-sample Kolmogorov–Smirnov statistic: the largest gap between the two empirical CDFs."""
    import numpy as np

    x = np.sort(np.asarray(a, dtype=float)[~np.isnan(np.asarray(a, dtype=float))])
    y = np.sort(np.asarray(b, dtype=float)[~np.isnan(np.asarray(b, dtype=float))])
    if x.size == 0 or y.size == 0:
        return math.nan
    grid = np.concatenate([x, y])
    fx = np.searchsorted(x, grid, side="right") / x.size
    fy = np.searchsorted(y, grid, side="right") / y.size
    return float(np.max(np.abs(fx - fy)))


@dataclass(frozen=True)
class Comparison:
    """Prediction next to measurement: ``table`` has one row per statistic (``predicted``,
    ``measured``, ``difference``); ``ks`` compares the time distributions of successful downloads."""

    table: "pd.DataFrame"
    ks: float
    predicted: "pd.DataFrame"
    measured: "pd.DataFrame"


def compare(predicted: "pd.DataFrame", measured: "pd.DataFrame",
            quantiles: Sequence[float] = (0.1, 0.25, 0.5, 0.75, 0.9, 0.99)) -> Comparison:
    """Side by side: failure and fallback rates, mean and quantiles of time, KS distance.

    Times are compared over successful downloads only: a failed download's time says when go gave
    up, which depends on what failed rather than on latency.
    """
    import pandas as pd

    table = pd.DataFrame({"predicted": pd.Series(summarize(predicted, quantiles, ok_only=True)),
                          "measured": pd.Series(summarize(measured, quantiles, ok_only=True))})
    table["difference"] = table["measured"] - table["predicted"]
    ks = ks_distance(predicted.loc[predicted["ok"].astype(bool), "time_s"].to_numpy(),
                     measured.loc[measured["ok"].astype(bool), "time_s"].to_numpy())
    table.loc["ks_distance"] = [math.nan, math.nan, ks]
    return Comparison(table, ks, predicted, measured)
