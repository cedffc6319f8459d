"""matplotlib figures of gomodlab's models: thin views, every number comes from an analysis.

=============================  ===============================================================
figure                         draws
=============================  ===============================================================
:func:`requirement_graph`      the module graph (:func:`gomodlab.load.graph.to_networkx`) in layers:
                               selected versions filled, others pale, the main module dark,
                               witness edges (a requirement of exactly the selected version)
                               thick, pruned nodes (go.mod not loaded) dashed, excluded dotted
:func:`trace_frame`            one step of the teaching trace (:func:`gomodlab.load.graph.trace`): the
                               graph with what was visited so far, and the maximum per path
:func:`cache_findings`         cache doctor findings by kind, and the bytes of each damaged entry
:func:`cache_sizes`            bytes per module by usage, and bytes against age per version
:func:`latency`                request durations per proxy and endpoint (histograms, ECDF), with
                               timeouts and errors counted in the legend
:func:`fallback_model`         Monte Carlo prediction against a measured run (ECDF, rates)
=============================  ===============================================================

Layout of the requirement graph: graphviz ``dot`` through pygraphviz when installed (ranks with
crossing minimisation), else networkx's multipartite layout over the graph's ``depth`` attribute
(breadth-first layers from the main module). Every function returns a ``matplotlib.figure.Figure``
and never calls ``plt.show()``; the figure is not registered with pyplot, so nothing leaks
between calls in a long notebook session.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .formatting import human_bytes

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "STYLE", "layout", "requirement_graph", "trace_frame", "cache_findings", "cache_sizes", "latency",
    "fallback_model", "to_svg",
]

#: Colours of the graph views (node face, edge) by role.
STYLE = {
    "main": "#1f3b73", "selected": "#a5d6a7", "unselected": "#f2f2f2", "current": "#ffb74d",
    "visited": "#c5e1f5", "edge": "#9e9e9e", "witness": "#2e7d32", "excluded": "#c62828",
    "pruned_edge": "#bdbdbd", "ok": "#43a047", "error": "#e53935", "not_found": "#fb8c00",
}


def _figure(w: float, h: float, ncols: int = 1, nrows: int = 1, **kw: Any) -> tuple[Figure, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **kw)
    return fig, axes


def to_svg(fig: Figure) -> str:
    """The figure as an SVG document (what the widgets put into an HTML widget)."""
    import io

    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Requirement graph

def _label_width(n: str) -> float:
    """Approximate width in inches of a node box at 8 pt."""
    return 0.3 + 0.068 * len(n)


def _dot_positions(G: nx.DiGraph, label: Callable[[str], str]) -> dict[str, tuple[float, float]] | None:
    try:
        import pygraphviz  # noqa: F401
        from networkx.drawing.nx_agraph import to_agraph
    except ImportError:
        return None
    H = G.__class__()
    H.add_nodes_from(G.nodes)
    H.add_edges_from(G.edges)
    A = to_agraph(H)
    A.graph_attr.update(rankdir="TB", nodesep="0.25", ranksep="0.55")
    A.node_attr.update(shape="box", fixedsize="true", height="0.3")
    for n in A.nodes():
        n.attr["width"] = f"{_label_width(label(str(n))):.2f}"
    # The wheel's bundled fontconfig warns once per process on stderr (a red block in a report):
    # silence file descriptor 2 around the layout, not just Python's sys.stderr.
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            A.layout(prog="dot")
    except (OSError, ValueError):
        return None
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    # dot works in points; positions in inches match the figure's.
    return {str(n): tuple(float(v) / 72 for v in n.attr["pos"].split(",")) for n in A.nodes()}


def _layers(G: nx.DiGraph) -> dict[str, int]:
    """Topological generations of the graph with its cycles condensed (a module graph may have
    cycles: go.mod files may require each other), so every edge points one or more rows down."""
    import networkx as nx

    C = nx.condensation(G)
    member = C.graph["mapping"]
    gen = {c: i for i, layer in enumerate(nx.topological_generations(C)) for c in layer}
    return {n: gen[member[n]] for n in G.nodes}


def _layered_positions(G: nx.DiGraph, label: Callable[[str], str]) -> dict[str, tuple[float, float]]:
    """Rows by topological generation (networkx's multipartite idea), each row ordered by the mean position of
    the node's requirers (one barycentre sweep, which removes most crossings of module graphs)."""
    layer = _layers(G)
    rows: dict[int, list[str]] = {}
    for n in sorted(G.nodes, key=str):
        rows.setdefault(layer[n], []).append(n)
    pos: dict[str, tuple[float, float]] = {}
    for depth in sorted(rows):
        nodes = rows[depth]

        def key(n: str) -> tuple[float, str]:
            xs = [pos[u][0] for u in G.predecessors(n) if u in pos]
            return (sum(xs) / len(xs) if xs else 0.0, str(n))

        nodes.sort(key=key)
        widths = [_label_width(label(str(n))) + 0.25 for n in nodes]
        x = -sum(widths) / 2
        for n, w in zip(nodes, widths):
            pos[n] = (x + w / 2, -0.85 * depth)
            x += w
    return pos


def layout(G: nx.DiGraph, engine: str = "auto", label: Callable[[str], str] = str) -> dict[str, tuple[float, float]]:
    """Node positions in inches, top-down: ``dot`` (pygraphviz), ``multipartite`` (rows of
    topological generations), or ``auto`` (dot when pygraphviz is installed)."""
    if engine not in ("auto", "dot", "multipartite"):
        raise ValueError(f"unknown layout engine {engine!r} (want auto, dot or multipartite)")
    if not len(G):
        return {}
    if engine in ("auto", "dot"):
        pos = _dot_positions(G, label)
        if pos is not None:
            return pos
        if engine == "dot":
            raise ImportError("the dot layout needs pygraphviz: pip install pygraphviz")
    return _layered_positions(G, label)


def _short_label(G: nx.DiGraph) -> Callable[[str], str]:
    """Drop the first path element when every module shares it (``example.com/``)."""
    heads = {str(n).split("/", 1)[0] for n in G.nodes if "/" in str(n)}
    if len(heads) == 1 and all("/" in str(n) or str(n).startswith(("go@", "toolchain@")) for n in G.nodes):
        head = next(iter(heads)) + "/"
        return lambda n: n[len(head):] if n.startswith(head) else n
    return lambda n: n


def _node_style(attrs: Mapping[str, Any]) -> dict[str, Any]:
    if attrs.get("main"):
        return {"fc": STYLE["main"], "ec": STYLE["main"], "color": "white", "ls": "-", "weight": "bold"}
    fc = STYLE["selected"] if attrs.get("selected") else STYLE["unselected"]
    ec = STYLE["excluded"] if attrs.get("excluded") else "#555555"
    ls = ":" if attrs.get("excluded") else "--" if attrs.get("pruned") else "-"
    return {"fc": fc, "ec": ec, "color": "black", "ls": ls, "weight": "bold" if attrs.get("selected") else "normal"}


def requirement_graph(G: nx.DiGraph, *, ax: Axes | None = None, engine: str = "auto",
                      highlight: Iterable[str] = (), node_colors: Mapping[str, str] | None = None,
                      edge_colors: Mapping[tuple[str, str], str] | None = None, legend: bool = True,
                      title: str | None = None, hide: Iterable[str] = ("go", "toolchain")) -> Figure:
    """Draw the module graph in layers (see the module docstring for the encoding).

    ``highlight``: node ids to outline in orange (e.g. a ``why`` path). ``node_colors`` /
    ``edge_colors``: face colours per node and colours per ``(u, v)`` edge that replace the
    selection / witness colouring (edges not named are drawn pale); the trace replay uses them.
    ``hide``: module paths left out (the go and toolchain nodes by default).
    """
    import matplotlib.patches as mpatches
    from matplotlib.lines import Line2D

    hidden = set(hide)
    H = G.subgraph([n for n, p in G.nodes(data="path") if (p or str(n).partition("@")[0]) not in hidden])
    label = _short_label(H)
    pos = layout(H, engine, label)
    xs = [x for x, _ in pos.values()] or [0.0]
    ys = [y for _, y in pos.values()] or [0.0]
    half = max((_label_width(label(str(n))) for n in H.nodes), default=1.0) / 2 + 0.1
    own = ax is None
    if ax is None:
        fig, ax = _figure(min(22.0, max(max(xs) - min(xs) + 2 * half, 6.5 if legend else 0.0) + 0.2),
                          min(14.0, max(ys) - min(ys) + (1.8 if legend else 1.2)))
    else:
        fig = ax.figure
    marked = set(highlight)
    for u, v, e in H.edges(data=True):
        if edge_colors is not None:
            color = edge_colors.get((u, v), "#e0e0e0")
            lw = 1.0 if (u, v) not in edge_colors else 1.8
        elif e.get("excluded"):
            color, lw = STYLE["excluded"], 1.0
        elif H.nodes[v].get("selected"):
            color, lw = STYLE["witness"], 2.4
        else:
            color, lw = STYLE["edge"], 1.0
        ax.add_patch(mpatches.FancyArrowPatch(
            pos[u], pos[v], arrowstyle="-|>", mutation_scale=10, lw=lw, color=color,
            ls=":" if e.get("excluded") else "--" if e.get("pruned") else "-", shrinkA=9, shrinkB=9,
            zorder=1, gid=f"edge:{u}->{v}"))
    for n, attrs in H.nodes(data=True):
        s = _node_style(attrs)
        fc = s["fc"] if attrs.get("main") or node_colors is None else node_colors.get(n, "white")
        text = label(str(n))
        if attrs.get("replaced_by"):
            text += "\n⇒ " + label(str(attrs["replaced_by"]))
        ax.text(*pos[n], text, ha="center", va="center", fontsize=8, color=s["color"],
                fontweight=s["weight"], zorder=3, gid=f"node:{n}",
                bbox={"boxstyle": "round,pad=0.3", "fc": fc, "ec": "#ff6f00" if n in marked else s["ec"],
                      "ls": s["ls"], "lw": 2.5 if n in marked else 1.0})
    ax.set_xlim(min(xs) - half, max(xs) + half)
    ax.set_ylim(min(ys) - 0.4, max(ys) + 0.4)
    ax.set_axis_off()
    if legend:
        handles = [
            mpatches.Patch(fc=STYLE["selected"], ec="#555555", label="selected version"),
            mpatches.Patch(fc=STYLE["unselected"], ec="#555555", label="not selected"),
            mpatches.Patch(fc="white", ec="#555555", ls="--", label="pruned (go.mod not read)"),
            Line2D([], [], color=STYLE["witness"], lw=2.4, label="witness: requires the selected version"),
        ]
        if any(e.get("excluded") for _, _, e in H.edges(data=True)):
            handles.append(Line2D([], [], color=STYLE["excluded"], ls=":", label="dropped by exclude"))
        if own:
            fig.legend(handles=handles, loc="outside lower center", ncols=min(3, len(handles)), fontsize=8,
                       frameon=False)
        else:
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    if title and own:
        fig.suptitle(title)
    elif title:
        ax.set_title(title)
    return fig


def trace_frame(G: nx.DiGraph, trace: pd.DataFrame, step: int, state: Mapping[str, str], *,
                engine: str = "auto") -> Figure:
    """One frame of the teaching trace (:func:`gomodlab.load.graph.trace`) at ``step``: the go.mod being
    read (orange), the current maximum of each path (green), versions seen but superseded (blue),
    the requirement edges read so far (dark), and a table of ``state`` (path → maximum so far,
    from :func:`gomodlab.load.graph.trace_state`)."""
    import matplotlib.patches as mpatches

    fig, (ax, tab) = _figure(12, 5.5, ncols=2, gridspec_kw={"width_ratios": [3, 1]})
    row = trace.loc[trace["step"] == step].iloc[0]
    upto = trace[(trace["step"] <= step) & (trace["load"] == row["load"])]
    reqs = upto[upto["event"].isin(["require", "skip"])]
    seen = set(upto.loc[upto["event"] == "visit", "module"]) | set(reqs["requirement"])
    chosen = {f"{p}@{v}" for p, v in state.items()}
    colors = {n: STYLE["visited"] for n in seen if n in G}
    colors.update({n: STYLE["selected"] for n in chosen if n in G})
    if row["event"] in ("visit", "require", "skip") and row["module"] in G:
        colors[row["module"]] = STYLE["current"]
    edges = {(u, v): "#424242" for u, v in zip(reqs["module"], reqs["requirement"]) if G.has_edge(u, v)}
    requirement = {row["requirement"]} if isinstance(row["requirement"], str) else set()
    requirement_graph(G, ax=ax, engine=engine, node_colors=colors, edge_colors=edges, legend=False,
                      highlight=requirement & set(G.nodes))
    what = {"start": "start from the roots", "visit": f"read the go.mod of {row['module']}",
            "require": f"{row['module']} requires {row['requirement']}",
            "skip": f"{row['module']} → {row['requirement']}: not followed ({row['detail']})",
            "error": f"{row['module']}: {row['detail']}"}.get(row["event"], row["event"])
    if row["event"] == "require" and row["raised"]:
        what += f"  (max {row['before']} → {row['after']})"
    ax.set_title(f"step {step}: {what}", fontsize=10, loc="left")
    tab.set_axis_off()
    cells = [[p, v] for p, v in sorted(state.items()) if p not in ("go", "toolchain")] or [["(nothing yet)", ""]]
    table = tab.table(cellText=cells, colLabels=["path", "max so far"], loc="upper center", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    table.scale(1.0, 1.3)
    tab.legend(handles=[mpatches.Patch(fc=STYLE["current"], ec="#555555", label="go.mod being read"),
                        mpatches.Patch(fc=STYLE["selected"], ec="#555555", label="maximum so far"),
                        mpatches.Patch(fc=STYLE["visited"], ec="#555555", label="seen, superseded"),
                        mpatches.Patch(fc="white", ec="#555555", label="not reached yet")],
               loc="lower center", fontsize=8, frameon=False)
    return fig


# ---------------------------------------------------------------------------------------------
# Module cache

def cache_findings(result: Any, inventory: pd.DataFrame | None = None) -> Figure:
    """Findings by kind, and the bytes on disk of each damaged entry.

    ``result`` is a :class:`gomodlab.cache.scan.ScanResult` (sizes of versions and of ``cache/vcs``
    repositories come with it), or its :meth:`~gomodlab.cache.scan.ScanResult.findings_frame` with
    the ``inventory`` frame for the sizes.
    """
    if hasattr(result, "findings_frame"):
        findings, inventory = result.findings_frame(), result.inventory()
        repo_bytes = {v.path: v.bytes for v in result.vcs}
    else:
        findings, repo_bytes = result, {}
    fig, (a1, a2) = _figure(11, max(2.5, 0.35 * max(len(findings), 4) + 1), ncols=2)
    counts = findings["kind"].value_counts().sort_values()
    a1.barh(counts.index.astype(str), counts.to_numpy(), color=STYLE["error"])
    a1.set_xlabel("findings")
    a1.set_title("by kind")
    a1.xaxis.get_major_locator().set_params(integer=True)
    labels, sizes = [], []
    for (module, version, path), _ in findings.groupby(["module", "version", "path"], sort=True):
        if not version:
            labels.append(f"cache/vcs/{os.path.basename(path)[:12]}… ({module or 'repository'})")
            sizes.append(int(repo_bytes.get(path, 0)))
            continue
        label = f"{module}@{version}"
        if label in labels:
            continue
        labels.append(label)
        size = 0
        if inventory is not None:
            rows = (inventory["module"] == module) & (inventory["version"] == version)
            size = int(inventory.loc[rows, "bytes"].sum())
        sizes.append(size)
    a2.barh(labels, sizes, color=STYLE["not_found"])
    a2.set_title("bytes of each damaged entry")
    for i, size in enumerate(sizes):
        a2.text(size, i, " " + human_bytes(size), va="center", fontsize=8)
    a2.set_xlabel("bytes on disk")
    if not len(findings):
        for a in (a1, a2):
            a.text(0.5, 0.5, "no findings: the cache is intact", transform=a.transAxes, ha="center")
    return fig


def cache_sizes(versions: pd.DataFrame, top: int = 15) -> Figure:
    """From :attr:`gomodlab.cache.hygiene.HygieneReport.versions`: the ``top`` modules by bytes, split by
    usage, and bytes against age (days since last use) for every version."""
    fig, (a1, a2) = _figure(12, 4.5, ncols=2)
    usage_colors = {"build": STYLE["ok"], "go.mod": "#64b5f6", "unused": "#bdbdbd", "unknown": "#9575cd"}
    by = versions.pivot_table(index="module", columns="usage", values="bytes", aggfunc="sum", fill_value=0)
    by = by.loc[by.sum(axis=1).sort_values(ascending=True).index[-top:]]
    left = None
    for usage in [u for u in usage_colors if u in by.columns]:
        a1.barh(by.index, by[usage].to_numpy(), left=left, label=usage, color=usage_colors[usage])
        left = by[usage].to_numpy() if left is None else left + by[usage].to_numpy()
    a1.set_xlabel("bytes")
    a1.set_title(f"largest {min(top, len(by))} modules, by usage")
    if len(by):
        a1.legend(fontsize=8)
    for usage, g in versions.groupby("usage"):
        a2.scatter(g["age_days"], g["bytes"], label=str(usage), color=usage_colors.get(str(usage), "black"), s=18)
    a2.set_xlabel("days since last use")
    a2.set_ylabel("bytes")
    a2.set_yscale("symlog")
    a2.set_title("size and age per version")
    if len(versions):
        a2.legend(fontsize=8)
    return fig


# ---------------------------------------------------------------------------------------------
# Network

def _ecdf(ax: Axes, values: Any, **kw: Any) -> None:
    import numpy as np

    x = np.sort(np.asarray(values, dtype=float))
    x = x[~np.isnan(x)]
    if x.size:
        ax.step(x, np.arange(1, x.size + 1) / x.size, where="post", **kw)


def latency(requests: pd.DataFrame, summary: pd.DataFrame | None = None) -> Figure:
    """Durations of the HTTP requests of a parsed log (:func:`gomodlab.net.xlog.parse`).

    Left: histogram per proxy and endpoint (log-scaled seconds). Right: ECDF per proxy, with the
    requests that failed or got no answer counted in the legend (from ``summary``, a
    :func:`gomodlab.net.logstats.latency_summary` by proxy, when given).
    """
    import numpy as np

    h = requests[requests["kind"] == "http"]
    fig, (a1, a2) = _figure(12, 4.2, ncols=2)
    d = h["duration_s"].astype("float64")
    pos = d[d > 0]
    lo, hi = (float(pos.min()), float(pos.max())) if len(pos) else (1e-3, 1.0)
    bins = np.geomspace(max(lo * 0.8, 1e-4), max(hi * 1.25, lo * 2, 2e-4), 30)
    for (proxy, endpoint), g in h.groupby(["proxy", "endpoint"], sort=True):
        vals = g["duration_s"].astype("float64").dropna()
        if len(vals):
            a1.hist(vals.clip(lower=bins[0]), bins=bins, histtype="step", lw=1.5, label=f"{proxy} {endpoint}")
    a1.set_xscale("log")
    a1.set_xlabel("seconds")
    a1.set_ylabel("requests")
    a1.set_title("request durations per proxy and endpoint")
    if len(h):
        a1.legend(fontsize=7)
    for proxy, g in h.groupby("proxy", sort=True):
        extra = ""
        if summary is not None and proxy in summary.index:
            row = summary.loc[proxy]
            extra = f" ({int(row['errors'])} errors, {int(row['timeouts'])} timeouts, {int(row['not_found'])} 404)"
        _ecdf(a2, g["duration_s"], label=f"{proxy}{extra}", lw=1.8)
    a2.set_xscale("log")
    a2.set_xlabel("seconds")
    a2.set_ylabel("fraction of requests")
    a2.set_ylim(0, 1.02)
    a2.set_title("ECDF per proxy")
    if len(h):
        a2.legend(fontsize=7, loc="lower right")
    return fig


def fallback_model(predicted: pd.DataFrame, measured: pd.DataFrame | None = None, *,
                   title: str | None = None) -> Figure:
    """:func:`gomodlab.net.faultmodel.simulate` output (and optionally :func:`gomodlab.net.faultmodel.measured_downloads`):
    ECDF of the time of successful downloads, and failure / fallback rates side by side."""
    fig, (a1, a2) = _figure(11, 3.8, ncols=2)
    _ecdf(a1, predicted.loc[predicted["ok"], "time_s"], label=f"predicted (n={len(predicted)})", lw=1.8)
    if measured is not None and len(measured):
        _ecdf(a1, measured.loc[measured["ok"], "time_s"], label=f"measured (n={len(measured)})", lw=1.8,
              color="black")
    a1.set_xlabel("seconds per module download (successful)")
    a1.set_ylabel("fraction")
    a1.set_ylim(0, 1.02)
    a1.legend(fontsize=8, loc="lower right")
    a1.set_title(title or "fallback model")
    names = ["failure rate", "fallback rate"]
    cols = ["ok", "fell_back"]
    pv = [float((~predicted["ok"]).mean()) if len(predicted) else math.nan,
          float(predicted[cols[1]].mean()) if len(predicted) else math.nan]
    x = list(range(len(names)))
    if measured is not None and len(measured):
        mv = [float((~measured["ok"]).mean()), float(measured["fell_back"].mean())]
        a2.bar([i - 0.2 for i in x], pv, width=0.4, label="predicted")
        a2.bar([i + 0.2 for i in x], mv, width=0.4, label="measured", color="black")
        a2.legend(fontsize=8)
    else:
        a2.bar(x, pv, width=0.5, label="predicted")
    a2.set_xticks(x, names)
    a2.set_ylim(0, 1)
    a2.set_title("rates")
    return fig
