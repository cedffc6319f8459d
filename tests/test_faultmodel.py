"""The fallback Monte Carlo model: spec parsing, go's ',' / '|' rules, statistics, comparison."""

from __future__ import annotations

import io
import itertools
import json
import math
import random
from contextlib import redirect_stdout

import numpy as np
import pytest

from gomodlab.net import faultmodel, xlog
from gomodlab.load import proxy
from gomodlab.cli import main as cli_main
from gomodlab.errors import ParseError
from gomodlab.net.faultmodel import FaultModel, LatencyModel

A, B, C = "http://a.test", "http://b.test", "http://c.test"


@pytest.mark.parametrize("spec, want", [
    ("fixed:0.25", LatencyModel("fixed", (0.25,))),
    ("lognormal:-3,0.5", LatencyModel("lognormal", (-3.0, 0.5))),
    ("uniform:0.1,0.2", LatencyModel("uniform", (0.1, 0.2))),
    ("none", LatencyModel()),
])
def test_parse_latency(spec, want):
    assert faultmodel.parse_latency(spec) == want
    assert faultmodel.parse_latency(str(want)) == want


@pytest.mark.parametrize("spec, match", [
    ("gamma:1,2", "unknown latency distribution"), ("fixed:", "takes 1 parameter"), ("fixed:-1", ">= 0"),
    ("lognormal:1", "takes 2"), ("uniform:2,1", "low <= high"), ("fixed:x", "comma-separated numbers"),
    ("fixed:nan", "finite"),
])
def test_parse_latency_errors(spec, match):
    with pytest.raises(ParseError, match=match):
        faultmodel.parse_latency(spec)


def test_parse_errors_and_models():
    assert faultmodel.parse_errors("500:0.05, 410:0.02") == ((500, 0.05), (410, 0.02))
    assert faultmodel.parse_errors("") == ()
    for bad in ("500", "500:x", "abc:0.1"):
        with pytest.raises(ParseError, match="STATUS:PROBABILITY"):
            faultmodel.parse_errors(bad)
    m = faultmodel.parse_fault_model("latency:lognormal:-3,0.5 errors:500:0.05,410:0.02 stall:0.01 stall_s:5 missing:0.2")
    assert m == FaultModel(LatencyModel("lognormal", (-3, 0.5)), ((500, 0.05), (410, 0.02)), 0.01, 5.0, 0.2)
    for bad, match in (("colour:red", "keys are"), ("errors:200:0.1", "HTTP error status"),
                       ("errors:500:0.6,503:0.6", "more than 1"), ("missing:2", r"\[0, 1\]"), ("stall:x", "invalid model item")):
        with pytest.raises(ParseError, match=match):
            faultmodel.parse_fault_model(bad)


def test_scalar_draw_and_vector_sample_agree():
    """The lab server draws one fault at a time, the model draws arrays: same distribution."""
    m = FaultModel(LatencyModel("lognormal", (-3, 0.5)), ((500, 0.1), (410, 0.05)), stall_rate=0.05, stall_s=9.0)
    rng = random.Random(1)
    draws = [m.draw(rng) for _ in range(20000)]
    delay, status, stall = m.sample(20000, np.random.default_rng(1))
    scalar_500 = sum(d.status == 500 for d in draws) / 20000
    scalar_stall = sum(d.stall for d in draws) / 20000
    assert scalar_500 == pytest.approx((status == 500).mean(), abs=0.01)
    assert scalar_stall == pytest.approx(stall.mean(), abs=0.006)
    assert sum(d.status == 410 for d in draws) / 20000 == pytest.approx((status == 410).mean(), abs=0.008)
    assert np.median([d.delay_s for d in draws if not d.stall]) == pytest.approx(math.exp(-3), rel=0.05)
    assert np.median(delay[~stall]) == pytest.approx(math.exp(-3), rel=0.05)
    assert (delay[stall] == 9.0).all() and (status[stall] == 0).all()


BEHAVIOURS = {
    "ok": FaultModel(LatencyModel("fixed", (0.01,))),
    "404": FaultModel(LatencyModel("fixed", (0.02,)), missing=1.0),
    "410": FaultModel(LatencyModel("fixed", (0.03,)), ((410, 1.0),)),
    "500": FaultModel(LatencyModel("fixed", (0.04,)), ((500, 1.0),)),
    "stall": FaultModel(stall_rate=1.0, stall_s=5.0),
}


def _client_walk(goproxy: str, behaviour: dict[str, str]):
    """What gomodlab.load.proxy's client (go's TryProxies rules) does with proxies behaving so."""
    def fetcher(url: str) -> bytes:
        kind = behaviour[url.split("/example.com/")[0]]
        if kind == "ok":
            return b"{}"
        if kind in ("404", "410"):
            raise proxy.NotExist("gone", url=url, status=int(kind))
        if kind == "500":
            raise proxy.ProxyError("boom", url=url, status=500)
        raise proxy.ProxyError("EOF", url=url)
    try:
        res = proxy.fetch_with_fallback(goproxy, "example.com/m", "info", "v1.0.0", fetcher=fetcher)
    except proxy.ProxyError as e:
        status = "stall" if e.status is None and not isinstance(e, proxy.LookupDisabled) else str(e.status)
        if isinstance(e, proxy.LookupDisabled):
            status = "off"
        return False, "", len([a for a in e.attempts if a.url]), status  # type: ignore[attr-defined]
    return True, res.proxy, len(res.attempts), ""


@pytest.mark.parametrize("seps", ["", ",", "|", ",,", ",|", "|,", "||"])
def test_simulate_follows_the_same_rules_as_the_go_client(seps):
    """Every deterministic behaviour combination: the model and gomodlab.load.proxy (go's rules) agree."""
    urls = [A, B, C][:len(seps) + 1]
    for kinds in itertools.product(BEHAVIOURS, repeat=len(urls)):
        for tail in ("", ",off"):
            goproxy = "".join(u + s for u, s in zip(urls, seps + " ")).strip() + tail
            behaviour = dict(zip(urls, kinds))
            want = _client_walk(goproxy, behaviour)
            sim = faultmodel.simulate(goproxy, {u: BEHAVIOURS[k] for u, k in behaviour.items()}, n=3,
                                    endpoints=("info",), seed=1)
            got = (bool(sim["ok"][0]), sim["served_by"][0], int(sim["attempts"][0]), sim["failure"][0])
            assert got == want, (goproxy, kinds)
            durations = {"ok": 0.01, "404": 0.02, "410": 0.03, "500": 0.04, "stall": 5.0}
            assert sim["time_s"][0] == pytest.approx(sum(durations[k] for k in kinds[:want[2]]))


def test_comma_versus_pipe_failure_rates():
    models = {A: FaultModel(LatencyModel("fixed", (0.02,)), ((500, 0.3),), missing=0.3),
              B: FaultModel(LatencyModel("fixed", (0.05,)))}
    comma = faultmodel.summarize(faultmodel.simulate(f"{A},{B}", models, n=40000, seed=3))
    pipe = faultmodel.summarize(faultmodel.simulate(f"{A}|{B}", models, n=40000, seed=3))
    # ",": a 500 anywhere in info/mod/zip fails the download: 1 - 0.7**3.
    assert comma["failure_rate"] == pytest.approx(1 - 0.7 ** 3, abs=0.01)
    # A module missing from A is missing for all three endpoints: fallback rate is P(missing) * P(ok).
    assert comma["fallback_rate"] == pytest.approx(0.3 * 0.7 ** 3, abs=0.01)
    assert pipe["failure_rate"] == 0
    assert pipe["fallback_rate"] == pytest.approx(1 - 0.7 * 0.7 ** 3, abs=0.01)
    assert pipe["p50_s"] in (pytest.approx(0.11), pytest.approx(0.06), pytest.approx(0.14))


def test_simulate_is_seeded_and_validates_models():
    models = {A: FaultModel(LatencyModel("lognormal", (-3, 1)), ((503, 0.1),)), B: FaultModel()}
    one = faultmodel.simulate(f"{A}|{B}", models, n=500, seed=9)
    assert one.equals(faultmodel.simulate(f"{A}|{B}", models, n=500, seed=9))
    assert not one.equals(faultmodel.simulate(f"{A}|{B}", models, n=500, seed=10))
    assert list(one.columns) == ["time_s", "ok", "attempts", "served_by", "fell_back", "failure"]
    with pytest.raises(ParseError, match="no fault model for GOPROXY entry 'http://c.test'"):
        faultmodel.simulate(f"{A},{C}", models)
    off = faultmodel.simulate("off", {}, n=4)
    assert (~off["ok"]).all() and (off["failure"] == "off").all() and (off["time_s"] == 0).all()


def test_ks_distance():
    x = np.arange(100.0)
    assert faultmodel.ks_distance(x, x) == 0
    assert faultmodel.ks_distance(x, x + 1000) == 1
    assert faultmodel.ks_distance(x, x + 10) == pytest.approx(0.1)
    assert math.isnan(faultmodel.ks_distance(np.array([]), x))


P, S = "http://127.0.0.1:1", "http://127.0.0.1:2"
MEASURED = "".join(
    f"# get {p}/example.com/{m}/@v/v1.0.0.{e}\n# get {p}/example.com/{m}/@v/v1.0.0.{e}: {st} ({d:.3f}s)\n"
    for m, steps in {
        "a": [(P, e, "200 OK", 0.01) for e in ("info", "mod", "zip")],
        "h": [x for e in ("info", "mod", "zip") for x in ((P, e, "404 Not Found", 0.01), (S, e, "200 OK", 0.05))],
        "e": [(P, "info", "200 OK", 0.01), (P, "mod", "500 Internal Server Error", 0.01)],
    }.items() for p, e, st, d in steps)


def test_measured_downloads_and_compare():
    meas = faultmodel.measured_downloads(xlog.parse(MEASURED))
    got = meas.set_index("module")
    assert got.loc["example.com/a", ["ok", "attempts", "served_by", "fell_back"]].tolist() == [True, 3, P, False]
    assert got.loc["example.com/a", "time_s"] == pytest.approx(0.03)
    assert got.loc["example.com/h", ["ok", "attempts", "served_by", "fell_back"]].tolist() == [True, 6, S, True]
    assert got.loc["example.com/h", "time_s"] == pytest.approx(0.18)
    assert got.loc["example.com/e", ["ok", "failure"]].tolist() == [False, "500"]
    models = {P: FaultModel(LatencyModel("fixed", (0.01,)), ((500, 0.1),), missing=0.3),
              S: FaultModel(LatencyModel("fixed", (0.05,)))}
    pred = faultmodel.simulate(f"{P},{S}", models, n=2000, seed=1)
    cmp = faultmodel.compare(pred, meas)
    assert list(cmp.table.columns) == ["predicted", "measured", "difference"]
    assert cmp.table.loc["failure_rate", "measured"] == pytest.approx(1 / 3)
    assert cmp.table.loc["p50_s", "predicted"] == pytest.approx(0.03)
    assert 0 <= cmp.ks <= 1 and cmp.table.loc["ks_distance", "difference"] == cmp.ks


def test_cli_simulate_with_compare(tmp_path):
    f = tmp_path / "x.log"
    f.write_text(MEASURED)
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli_main(["proxy", "simulate", f"{P},{S}", "--model", f"{P}=latency:fixed:0.01 missing:0.3",
                         "--model", f"{S}=latency:fixed:0.05", "-n", "1000", "--compare", str(f)]) == 0
    text = out.getvalue()
    assert "failure_rate" in text and "ks_distance" in text and "measured" in text
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli_main(["proxy", "simulate", "127.0.0.1:1|off", "--model", "127.0.0.1:1=errors:500:1",
                         "--format", "json"]) == 0
    assert json.loads(out.getvalue())["predicted"]["failure_rate"] == 1.0


def test_cli_simulate_errors(capsys):
    assert cli_main(["proxy", "simulate", f"{A},{B}", "--model", f"{A}=latency:fixed:1"]) == 2
    assert "no fault model" in capsys.readouterr().err
    assert cli_main(["proxy", "simulate", A, "--model", "nonsense"]) == 2
    assert cli_main(["proxy", "simulate", A, "--model", f"{A}=", "--endpoints", "tar"]) == 2
    assert "unknown endpoint" in capsys.readouterr().err
