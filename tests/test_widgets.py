"""The widget apps driven like a user would, without a browser or a kernel: set values, click, assert."""

from __future__ import annotations

import importlib
import subprocess
import sys

import networkx as nx
import pytest

from gomodlab.lab import demo, postmortem
from gomodlab.load import graph, sources
from gomodlab.lab.widgets import CacheDoctor, MVSExplorer, ProxyWhatIf


@pytest.fixture(scope="module")
def explorer(tmp_path_factory):
    main, proxy = demo.article_universe(tmp_path_factory.mktemp("article"))
    return MVSExplorer.load(main, sources.ProxySource(proxy), engine="multipartite")


def test_mvs_explorer_why(explorer):
    app = explorer
    app.module.value = "example.com/d"
    assert app.version.options == ("v1.3.0", "v1.4.0") and app.version.value == "v1.4.0"
    assert app.version_why.status == "selected" and app.version_why.forced_by == ("example.com/c@v1.2.0",)
    assert [str(m) for m in app.why_result.shortest[0]] == ["example.com/a", "example.com/c@v1.2.0",
                                                            "example.com/d@v1.4.0"]
    assert "is selected" in app.why_html.value and "<svg" in app.graph_html.value
    app.version.value = "v1.3.0"
    assert app.version_why.status == "older" and "v1.4.0 is higher" in app.why_html.value


def test_mvs_explorer_go_get_preview(explorer):
    app = explorer
    app.target.value = "example.com/c@v1.3.0"
    app.preview.click()
    rows = {r.path: (r.old, r.new, r.kind) for r in app.changes.itertuples()}
    assert rows["example.com/c"] == ("v1.2.0", "v1.3.0", "upgrade")
    assert rows["example.com/d"] == ("v1.4.0", "v1.5.0", "upgrade")
    assert app.error is None and "<table" in app.changes_html.value
    app.target.value = "example.com/d@v1.2.0"
    app.preview.click()
    rows = {r.path: r.kind for r in app.changes.itertuples()}
    assert rows["example.com/b"] == "remove" and rows["example.com/c"] == "downgrade"
    app.target.value = "not-a-target"
    app.preview.click()
    assert app.error == "'not-a-target': want MODULE@VERSION" and "error" in app.changes_html.value
    app.target.value = "example.com/c@v9.9.9"
    app.preview.click()
    assert app.error and app.changes is None


def test_mvs_explorer_trace_slider(explorer):
    app = explorer
    trace = app.trace
    step = int(trace.loc[trace["requirement"] == "example.com/d@v1.4.0", "step"].iloc[0])
    app.step.value = step
    assert app.state == graph.trace_state(trace, step)
    assert app.state["example.com/d"] == "v1.4.0" and "<svg" in app.frame_html.value
    assert app.step.max == len(trace) - 1
    assert [app.tabs.get_title(i) for i in range(3)] == ["Why this version?", "What would go get change?",
                                                         "MVS step by step"]


@pytest.mark.go
def test_cache_doctor_applies_only_after_confirmation(demo_scenario, tmp_path):
    subprocess.run(["cp", "-a", str(demo_scenario.paths.root), str(tmp_path / "copy")], check=True)
    p = demo.paths(tmp_path / "copy")
    app = CacheDoctor(p.modcache, gosum=[p.project / "go.sum"], env=demo.go_env(p))
    assert set(app.findings["kind"]) == {"zip-unreadable", "dir-modified", "dir-partial", "vcs-broken"}
    assert len(app.entries.options) == 4 and set(app.entries.value) == set(app.entries.options)
    assert len(app.plan.actions) == 4 and app.apply_button.disabled
    app.entries.value = ("example.com/db@v1.4.0",)
    assert [postmortem.action_label(a) for a in app.plan.actions] == ["example.com/db@v1.4.0"]
    assert "dry run: move 1 entry" in app.plan_html.value
    app.apply_button.click()
    assert app.applied is None, "no move without the confirmation box"
    app.confirm.value = True
    assert not app.apply_button.disabled
    app.entries.value = ("example.com/db@v1.4.0", "example.com/web@v1.2.0")
    assert app.confirm.value is False and app.apply_button.disabled, "a new selection needs a new confirmation"
    app.confirm.value = True
    app.refetch.value = True
    app.apply_button.click()
    assert app.applied is not None and app.applied.ok
    assert {postmortem.action_label(r.action): r.state for r in app.applied.actions} == {"example.com/db@v1.4.0": "moved",
                                                                     "example.com/web@v1.2.0": "moved"}
    # The app rescanned: the two repaired (and refetched) entries are gone from the findings.
    assert set(app.findings["kind"]) == {"dir-partial", "vcs-broken"}
    assert "undo with: gomodlab fix --restore" in app.applied_html.value and not app.confirm.value


def test_proxy_what_if_separator_and_sliders():
    primary, secondary = demo.lab_models()
    app = ProxyWhatIf(primary=primary, secondary=secondary, separator=",", n=3000, stall_s=primary.stall_s)
    assert app.goproxy == "http://primary.lab,http://secondary.lab"
    comma = app.summary["failure_rate"]
    assert comma > 0.05, "after ',' the primary's 500s and stalls fail downloads"
    app.separator.value = "|"
    assert app.goproxy.endswith("|http://secondary.lab") and app.summary["failure_rate"] < comma / 5
    before = app.summary["p50_s"]
    app.primary_missing.value = 0.5
    assert app.summary["fallback_rate"] > 0.45 and app.summary["p50_s"] > before
    app.secondary_errors.value = 0.5
    assert app.summary["failure_rate"] > 0.1
    assert "<svg" in app.figure_html.value and "fail</b>" in app.summary_html.value
    assert app.prediction is not None and len(app.prediction) == 3000


def test_widgets_without_ipywidgets_say_which_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    monkeypatch.delitem(sys.modules, "gomodlab.lab.widgets", raising=False)
    with pytest.raises(ImportError, match=r"pip install 'gomodlab\[lab\]'"):
        importlib.import_module("gomodlab.lab.widgets")


@pytest.fixture(scope="module")
def large():
    """A made-up project of 500 module paths (741 module versions), as go mod graph prints it."""
    from gomodlab.lab import universe
    from gomodlab.load import modload

    text = universe.graph_text(500)
    assert text == universe.graph_text(500), "deterministic for a seed"
    return modload.graph_from_text(text)


def test_focus_keeps_the_paths_to_a_module_and_counts_the_rest(large):
    G = graph.to_networkx(large)
    assert len({p for _, p in G.nodes(data="path")}) == 501 and G.number_of_nodes() == 741
    for path in ("example.com/m030", "example.com/m250", "example.com/m499"):
        target = f"{path}@{large.selected(path)}"
        F = graph.focus(G, target)
        modules = [n for n, a in F.nodes(data=True) if not a.get("collapsed")]
        boxes = {n: a["collapsed"] for n, a in F.nodes(data=True) if a.get("collapsed")}
        assert target in modules and len(modules) <= 30 and F.graph["total_nodes"] == 741
        # Every kept module lies on a requirement path from the main module to the target...
        main = "example.com/app"
        assert all(n == main or (nx.has_path(G, main, n) and nx.has_path(G, n, target)) for n in modules)
        # ...and each box counts exactly the requirements of its module that were left out.
        for box, count in boxes.items():
            (owner,) = F.predecessors(box)
            assert count == sum(1 for v in G.successors(owner) if v not in modules)
        if F.graph["paths"] == "all":
            on_paths = (nx.descendants(G, main) | {main}) & (nx.ancestors(G, target) | {target})
            assert set(modules) == on_paths
    assert graph.focus(G, "example.com/nowhere@v1.0.0").graph["drawn_nodes"] == 1


def test_mvs_explorer_on_500_modules_draws_the_paths(large):
    app = MVSExplorer(large, engine="multipartite")
    assert app.scope.value == "paths", "a large graph starts with the paths view"
    app.module.value = "example.com/m499"
    target = f"example.com/m499@{large.selected('example.com/m499')}"
    assert app.drawn.graph["focus"] == target and app.drawn.graph["drawn_nodes"] <= 30
    assert f'id="node:{target}"' in app.graph_html.value
    assert "of 741 module versions drawn" in app.graph_html.value and "more counted in boxes" in app.graph_html.value
    assert "more requirement path" in app.why_html.value, "the other shortest paths are folded away"
    app.scope.value = "all"
    assert app.drawn is app.G and "60 of 741 module versions drawn" in app.graph_html.value
    small = MVSExplorer(large, engine="multipartite", large=10_000)
    assert small.scope.value == "all"
