"""The real go command against two lab GOPROXY servers: the -x trace, the servers' access logs
and the fallback model must tell the same story.

A flaky primary (404 for modules it does not have, injected 500s, stalls) and a slow secondary,
under ``GOPROXY=primary|secondary`` (any error falls through) and ``primary,secondary`` (only
404/410 fall through). Faults are seeded per request path, so both runs meet the same faults.
"""

from __future__ import annotations

from collections import Counter
import pandas as pd
import pytest

from gomodlab.load import gotool
from gomodlab.net import faultmodel, logstats, xlog
from gomodlab.lab import universe
from gomodlab.net.faultmodel import FaultModel, LatencyModel
from gomodlab.net.labproxy import LabProxy

pytestmark = [pytest.mark.go, pytest.mark.slow]

PUBLIC = [f"example.com/m{i:02d}" for i in range(9)] + ["example.com/Big"]
HIDDEN = ["example.com/private/p1", "example.com/private/p2", "example.com/private/P3"]
SEED = 4
PRIMARY = FaultModel(LatencyModel("lognormal", (-4.6, 0.3)), ((500, 0.08),), stall_rate=0.04, stall_s=0.3)
SECONDARY = FaultModel(LatencyModel("fixed", (0.06,)))


def _modules() -> list[universe.ModuleSource]:
    out = [universe.ModuleSource(p, "v1.0.0", universe.gomod_text(p, "1.21"), {"x.go": "package x\n"})
           for p in PUBLIC + HIDDEN]
    # A +incompatible version without go.mod: go synthesises its .mod.
    out.append(universe.ModuleSource("example.com/inc", "v2.0.0+incompatible", None, {"i.go": "package i\n"}))
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict]:
    base = tmp_path_factory.mktemp("twoproxies")
    mods = _modules()
    root = universe.write_proxy(base / "proxy", mods)
    work = base / "work"
    work.mkdir()
    (work / "go.mod").write_text(universe.gomod_text("example.com/main", "1.21", [(m.path, m.version) for m in mods]))
    out = {}
    for sep in ("|", ","):
        name = "pipe" if sep == "|" else "comma"
        primary = LabProxy(root, model=PRIMARY, seed=SEED, hide=["example.com/private"],
                           access_log=base / f"{name}-primary.jsonl")
        secondary = LabProxy(root, model=SECONDARY, seed=SEED, access_log=base / f"{name}-secondary.jsonl")
        with primary as p, secondary as s:
            env = gotool.isolated_env(base / f"env-{name}", proxy=f"{p}{sep}{s}", flags="-mod=mod -modcacherw")
            res = gotool.run_go(["mod", "download", "-x"], cwd=work, env=env, timeout=120)
        out[name] = {"go": res, "primary": p, "secondary": s, "records": primary.records + secondary.records,
                     "x": xlog.parse(res.stderr), "logs": [base / f"{name}-primary.jsonl", base / f"{name}-secondary.jsonl"]}
    return out


@pytest.mark.parametrize("name", ["pipe", "comma"])
def test_every_served_request_is_in_the_trace(runs, name):
    run = runs[name]
    x = run["x"]
    assert x.attrs["skipped"] == 0
    http = x[x["kind"] == "http"]
    # Nothing printed that the servers did not see, nothing seen that go did not print.
    assert Counter(http["url"]) == Counter(r["proxy"] + r["path"] for r in run["records"])
    by_url = {u: g for u, g in http.groupby("url")}
    for r in run["records"]:
        row = by_url[r["proxy"] + r["path"]].iloc[0]
        if r["fault"] == "stall":
            # The server dropped the connection: go printed its transport error, no status.
            assert row["status_code"] is pd.NA and row["error"], row
        else:
            assert row["status_code"] == r["status"], (row, r)
            # go prints %.3f of its own clock, which started before the server's delay.
            assert row["duration_s"] + 0.0005 >= r["delay_s"], (row, r)


def test_the_faults_the_test_relies_on_happened(runs):
    faults = Counter(r["fault"] for r in runs["pipe"]["records"])
    assert faults["missing"] >= 3 and faults["error"] >= 1 and faults["stall"] >= 1, faults


@pytest.mark.parametrize("name", ["pipe", "comma"])
def test_fallbacks_match_the_access_logs_and_gos_rules(runs, name):
    run = runs[name]
    p, s = run["primary"], run["secondary"]
    from_trace = logstats.fallbacks(run["x"])
    from_servers = logstats.fallbacks(pd.concat([xlog.parse(f) for f in run["logs"]], ignore_index=True))
    key = ["module", "version", "endpoint", "attempts", "statuses", "served_by", "outcome"]
    # The servers' log knows no statuses for stalls either way; compare the rest as sets of walks.
    trace_walks = sorted(map(tuple, from_trace[key].astype(str).to_numpy().tolist()))
    server_walks = sorted(map(tuple, from_servers[key].astype(str).to_numpy().tolist()))
    assert trace_walks == server_walks
    for w in from_trace.itertuples(index=False):
        assert w.attempts[0] == p
        if len(w.attempts) == 2:
            first = w.statuses[0]
            # ",": only "not exist" (404/410) moves on; "|": any error does (modfetch.TryProxies).
            assert first in (404, 410) or name == "pipe", w
        elif w.outcome != "ok":
            assert name == "comma" and w.statuses[0] not in (404, 410), w
        if w.module in HIDDEN and w.outcome == "ok":
            assert w.served_by == s
    summary = logstats.fallback_summary(run["x"])
    hidden_ok = summary[summary["module"].isin(HIDDEN) & (summary["to_proxy"] == s)]
    assert set(hidden_ok["from_proxy"]) <= {p}
    if name == "pipe":
        assert run["go"].returncode == 0, run["go"].stderr
        # Every hidden module fell back to the secondary for all it fetched.
        assert set(hidden_ok["module"]) == set(HIDDEN)
        for eps in hidden_ok["endpoints"]:
            assert set(eps) <= {"info", "mod", "zip"} and "mod" in eps
        public = summary[~summary["module"].isin(HIDDEN)]
        assert len(public), "injected errors made some public modules fall back"
    else:
        failed = from_trace[from_trace["outcome"] != "ok"]
        assert run["go"].returncode != 0 and len(failed)
        assert all(len(a) == 1 for a in failed["attempts"])


def test_fallback_model_against_the_measured_run(runs):
    run = runs["pipe"]
    p, s = run["primary"], run["secondary"]
    measured = faultmodel.measured_downloads(run["x"])
    assert len(measured) == len(PUBLIC) + len(HIDDEN) + 1
    assert measured["ok"].all()
    missing = len(HIDDEN) / len(measured)
    model = {p: FaultModel(PRIMARY.latency, PRIMARY.errors, PRIMARY.stall_rate, PRIMARY.stall_s, missing),
             s: SECONDARY}
    predicted = faultmodel.simulate(f"{p}|{s}", model, n=20000, seed=1)
    cmp = faultmodel.compare(predicted, measured)
    t = cmp.table
    assert t.loc["failure_rate", "predicted"] == 0 == t.loc["failure_rate", "measured"]
    # Injected delays are lower bounds of what go measured; go's own overhead is small on loopback.
    assert t.loc["p50_s", "measured"] >= 0.8 * t.loc["p50_s", "predicted"]
    assert t.loc["p50_s", "measured"] <= t.loc["p50_s", "predicted"] + 0.25
    assert 0 <= cmp.ks <= 1


def test_critical_path_and_latency_summary_of_the_run(runs):
    run = runs["pipe"]
    x = run["x"]
    cp = logstats.critical_path(x)
    chain_module = cp.attrs["chain"].split("@")[0]
    assert chain_module in {r for r in x["module"]}
    assert cp.attrs["total_s"] == pytest.approx(cp["duration_s"].sum())
    lat = logstats.latency_summary(x, by=["proxy"])
    assert lat.loc[run["secondary"], "p50_s"] >= 0.06
    assert lat.loc[run["primary"], "not_found"] >= 3 * len(HIDDEN) - 3
    assert lat.loc[run["primary"], "timeouts"] >= 1
