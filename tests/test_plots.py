"""Figures of gomodlab.lab.plots: each returns a Figure holding the artists its data calls for."""

from __future__ import annotations

import builtins
import json

import matplotlib.patches as mpatches
import networkx as nx
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from gomodlab.cache import hygiene
from gomodlab.cache.scan import scan as scan_cache
from gomodlab.lab import demo, plots
from gomodlab.load import graph, modload, sources
from gomodlab.net import faultmodel, logstats, xlog


@pytest.fixture(scope="module")
def article(tmp_path_factory):
    main, proxy = demo.article_universe(tmp_path_factory.mktemp("article"))
    src = sources.ProxySource(proxy)
    mg = modload.load(main, src)
    return mg, graph.to_networkx(mg), graph.trace(main, src)


def _nodes(fig: Figure) -> dict[str, Text]:
    return {t.get_gid()[5:]: t for ax in fig.axes for t in ax.texts if (t.get_gid() or "").startswith("node:")}


def _edges(fig: Figure) -> dict[str, mpatches.FancyArrowPatch]:
    return {p.get_gid()[5:]: p for ax in fig.axes for p in ax.patches if (p.get_gid() or "").startswith("edge:")}


@pytest.mark.parametrize("engine", ["auto", "multipartite"])
def test_requirement_graph_draws_every_module_and_requirement(article, engine):
    mg, G, _ = article
    fig = plots.requirement_graph(G, engine=engine, title="t")
    shown = [n for n, p in G.nodes(data="path") if p not in ("go", "toolchain")]
    assert set(_nodes(fig)) == set(shown)
    H = G.subgraph(shown)
    assert set(_edges(fig)) == {f"{u}->{v}" for u, v in H.edges}
    # Witness edges (a requirement of exactly the selected version) are the thick green ones.
    witness = _edges(fig)["example.com/c@v1.2.0->example.com/d@v1.4.0"]
    other = _edges(fig)["example.com/b@v1.1.0->example.com/d@v1.3.0"]
    assert witness.get_linewidth() > other.get_linewidth()
    green = mpatches.Patch(color=plots.STYLE["witness"]).get_facecolor()
    assert witness.get_edgecolor()[:3] == pytest.approx(green[:3])
    # Selected versions are filled green, the others pale.
    box = {n: t.get_bbox_patch().get_facecolor() for n, t in _nodes(fig).items()}
    assert box["example.com/d@v1.4.0"] != box["example.com/d@v1.3.0"]
    assert fig.legends or any(ax.get_legend() for ax in fig.axes)


def test_pruned_and_excluded_nodes_are_dashed_and_dotted():
    G = nx.DiGraph()
    G.add_node("m", path="m", version="", main=True, selected=True)
    G.add_node("a@v1", path="a", version="v1", selected=True, pruned=False)
    G.add_node("b@v1", path="b", version="v1", selected=True, pruned=True)
    G.add_node("c@v2", path="c", version="v2", selected=False, excluded=True)
    G.add_edge("m", "a@v1")
    G.add_edge("a@v1", "b@v1", pruned=True)
    G.add_edge("a@v1", "c@v2", excluded=True)
    fig = plots.requirement_graph(G, engine="multipartite")
    styles = {n: t.get_bbox_patch().get_linestyle() for n, t in _nodes(fig).items()}
    assert styles["b@v1"] == "--" and styles["c@v2"] == ":" and styles["a@v1"] == "-"
    assert _edges(fig)["a@v1->b@v1"].get_linestyle() == "--"


def test_layered_layout_handles_cycles_and_puts_requirements_below():
    G = nx.DiGraph([("main", "a@v1"), ("a@v1", "b@v1"), ("b@v1", "a@v1"), ("b@v1", "c@v1"), ("main", "c@v1")])
    pos = plots.layout(G, engine="multipartite")
    assert set(pos) == set(G.nodes)
    assert pos["main"][1] > pos["a@v1"][1] == pos["b@v1"][1] > pos["c@v1"][1]


def test_dot_needs_pygraphviz_and_auto_falls_back(article, monkeypatch):
    _, G, _ = article
    real_import = builtins.__import__

    def no_pygraphviz(name, *args, **kw):
        if name == "pygraphviz":
            raise ImportError("no pygraphviz here")
        return real_import(name, *args, **kw)

    monkeypatch.setattr(builtins, "__import__", no_pygraphviz)
    with pytest.raises(ImportError, match="pip install pygraphviz"):
        plots.layout(G, engine="dot")
    assert plots.layout(G, engine="auto") == plots.layout(G, engine="multipartite")
    with pytest.raises(ValueError):
        plots.layout(G, engine="neato")


def test_trace_frame_shows_the_step_and_the_state(article):
    _, G, trace = article
    step = int(trace.loc[trace["raised"] & (trace["requirement"] == "example.com/d@v1.4.0"), "step"].iloc[0])
    state = graph.trace_state(trace, step)
    fig = plots.trace_frame(G, trace, step, state)
    graph_ax, table_ax = fig.axes
    assert graph_ax.get_title(loc="left").startswith(f"step {step}: example.com/c@v1.2.0 requires example.com/d@v1.4.0")
    assert "v1.3.0 → v1.4.0" in graph_ax.get_title(loc="left")
    cells = {c.get_text().get_text() for c in table_ax.tables[0].get_celld().values()}
    assert {"example.com/d", "v1.4.0", "max so far"} <= cells
    boxes = {n: t.get_bbox_patch().get_facecolor() for n, t in _nodes(fig).items()}
    current = mpatches.Patch(color=plots.STYLE["current"]).get_facecolor()
    assert boxes["example.com/c@v1.2.0"] == current
    assert boxes["example.com/f@v1.1.0"] == mpatches.Patch(color="white").get_facecolor(), "not reached yet"


def _legend_covers_no_axes(fig: Figure) -> bool:
    """Every figure legend sits outside every axes' data area (below them)."""
    r = fig._get_renderer()
    fig.draw(r)
    boxes = [ax.get_window_extent(r) for ax in fig.axes]
    return all(not leg.get_window_extent(r).overlaps(b) for leg in fig.legends for b in boxes)


def _fits(fig: Figure) -> bool:
    return fig.get_size_inches()[0] <= plots.WIDTH + 1e-9


@pytest.mark.go
def test_cache_figures(demo_scenario):
    p = demo_scenario.paths
    result = scan_cache(p.modcache, gosum=[p.project / "go.sum"], index=False, progress=False)
    fig = plots.cache_findings(result)
    [by_entry] = fig.axes
    entries = {(f.module, f.version) if f.version else f.path for f in result.findings}
    labels = [t.get_text() for t in by_entry.get_yticklabels()]
    assert len(labels) == len(entries) and not any("…" in t for t in labels), "untruncated entry labels"
    assert all(p.get_width() > 0 for p in by_entry.patches), "every damaged entry has bytes on disk"
    unit = by_entry.get_xlabel()
    assert unit.startswith("size on disk (") and unit.endswith(("B)", "KiB)", "MiB)"))
    assert fig._suptitle.get_text().startswith(f"{len(entries)} damaged entr")
    assert "damaged module cache entries" in plots.alt_text(fig) and _fits(fig) and _legend_covers_no_axes(fig)
    same = plots.cache_findings(result.findings_frame(), result.inventory())
    assert len(same.axes[0].patches) == len(by_entry.patches)
    hy = hygiene.report(result, gosum=[p.project / "go.sum"])
    fig = plots.cache_sizes(hy.versions)
    sizes, ages = fig.axes
    assert len(sizes.patches) >= min(12, hy.modules.shape[0])
    assert sum(len(c.get_offsets()) for c in ages.collections) == len(hy.versions)
    assert ages.get_yscale() == "log" and len([t for t in ages.get_yticklabels() if t.get_text()]) >= 2
    assert _fits(fig) and _legend_covers_no_axes(fig) and "scatter" in plots.alt_text(fig)


def test_latency_and_fallback_model_figures():
    samples = demo.sample_dir()
    requests = xlog.parse(samples / "go-x.log")
    fig = plots.latency(requests, logstats.latency_summary(requests, by=["proxy"]))
    hist, ecdf = fig.axes
    http = requests[requests["kind"] == "http"]
    assert len(hist.patches) == http.groupby(["proxy", "endpoint"]).ngroups
    assert len(ecdf.lines) == http["proxy"].nunique()
    [legend] = fig.legends
    assert "no answer" in legend.get_texts()[0].get_text()
    assert _fits(fig) and _legend_covers_no_axes(fig)
    fig.draw(fig._get_renderer())
    ticks = [t.get_text() for t in ecdf.get_xticklabels() if t.get_text()]
    assert len(ticks) >= 2 and all(t.endswith(("ms", " s")) for t in ticks), ticks
    assert "median" in fig._suptitle.get_text() and "request durations" in plots.alt_text(fig)
    run = json.loads((samples / "proxies.json").read_text())
    primary, secondary = demo.lab_models()
    predicted = faultmodel.simulate(run["GOPROXY"], {run["primary"]: primary, run["secondary"]: secondary}, n=500)
    fig = plots.fallback_model(predicted, faultmodel.measured_downloads(requests))
    curves, rates = fig.axes
    assert len(curves.lines) == 2 and len(rates.patches) == 4
    assert plots.to_svg(fig).lstrip().startswith("<?xml") and "<svg" in plots.to_svg(fig)
    assert _fits(fig) and _legend_covers_no_axes(fig) and "fall back" in fig._suptitle.get_text()
    html = plots.to_html(fig)
    assert html.startswith('<figure class="gml-figure"><img src="data:image/svg+xml;base64,')
    assert 'alt="Cumulative distribution' in html and "max-width:100%" in html
    only = plots.fallback_model(predicted)
    assert len(only.axes[0].lines) == 1 and len(only.axes[1].patches) == 2
