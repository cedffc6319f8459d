"""matplotlib figures of gomodlab's models: thin views, every number comes from an analysis.

=============================  ===============================================================
figure                         draws
=============================  ===============================================================
:func:`requirement_graph`      the module graph (:func:`gomodlab.load.graph.to_networkx`) in layers:
                               selected versions filled, others pale, the main module dark,
                               witness edges (a requirement of exactly the selected version)
                               thick, pruned nodes (go.mod not loaded) dashed, excluded dotted;
                               large graphs drawn around the highlighted paths, the rest counted
:func:`trace_frame`            one step of the teaching trace (:func:`gomodlab.load.graph.trace`): the
                               graph with what was visited so far, and the maximum per path
:func:`cache_findings`         the bytes of each damaged cache entry, coloured by finding kind
:func:`cache_sizes`            bytes per module by usage, and bytes against age per version
:func:`latency`                request durations per proxy and endpoint (histograms, ECDF), with
                               failures and timeouts counted in the legend
:func:`fallback_model`         Monte Carlo prediction against a measured run (ECDF, rates)
=============================  ===============================================================

What every figure promises a reader: a title that states what the data shows (not what the axes
are), axes in the units of their values (``KiB`` only when the values are KiB; seconds on log
axes ticked at 1-2-5 steps), legends outside the plotted area, and alt text
(:func:`alt_text`) that says in words what the figure shows. Widths are :data:`WIDTH` inches (720
CSS pixels as SVG): they fit a JupyterLab cell with the file browser open and scale down with the
report page.

Layout of the requirement graph: graphviz ``dot`` through pygraphviz when installed (ranks with
crossing minimisation), else rows of topological generations. A graph too wide for :data:`WIDTH`
is laid out left to right instead. Every function returns a ``matplotlib.figure.Figure`` and
never calls ``plt.show()``; the figure is not registered with pyplot, so nothing leaks between
calls in a long notebook session. :func:`show` wraps one for ``display()`` with its alt text.
"""

from __future__ import annotations

import base64
import html as _html
import math
import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .formatting import human_bytes, human_percent, human_seconds, proxy_name

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "STYLE", "WIDTH", "layout", "requirement_graph", "trace_frame", "cache_findings", "cache_sizes", "latency",
    "fallback_model", "to_svg", "to_html", "alt_text", "show", "Shown",
]

#: Colours of the graph views (node face, edge) by role.
STYLE = {
    "main": "#1f3b73", "selected": "#a5d6a7", "unselected": "#f2f2f2", "current": "#ffb74d",
    "visited": "#c5e1f5", "edge": "#9e9e9e", "witness": "#2e7d32", "excluded": "#c62828",
    "pruned_edge": "#bdbdbd", "ok": "#43a047", "error": "#e53935", "not_found": "#fb8c00",
    "highlight": "#ff6f00",
}
#: Width of a figure in inches: 720 px as SVG (96 px per inch), inside a JupyterLab cell with the
#: sidebar open on a 1280 px screen, and the report page's column.
WIDTH = 7.5
#: Colours of the finding kinds of the cache doctor (one hue per way a cache breaks).
KIND_COLORS = {"zip-unreadable": "#e53935", "zip-mismatch": "#c62828", "dir-modified": "#fb8c00",
               "dir-partial": "#fdd835", "dir-missing": "#8d6e63", "vcs-broken": "#8e24aa",
               "gosum-mismatch": "#d81b60", "ziphash-mismatch": "#f4511e"}
_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f")


def _figure(w: float, h: float, ncols: int = 1, nrows: int = 1, **kw: Any) -> tuple[Figure, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **kw)
    return fig, axes


def _title(fig: Figure, text: str) -> None:
    """The figure's title, wrapped to its width (10 pt: about 12 characters an inch)."""
    import textwrap

    fig.suptitle(textwrap.fill(text, max(30, int(fig.get_size_inches()[0] * 12))), fontsize=10)


def _describe(fig: Figure, alt: str) -> Figure:
    fig._gomodlab_alt = " ".join(alt.split())  # type: ignore[attr-defined]
    return fig


def alt_text(fig: Figure) -> str:
    """What the figure shows, in words (set by each figure function; the report's ``alt``)."""
    text = getattr(fig, "_gomodlab_alt", "")
    if text:
        return text
    titles = [fig._suptitle.get_text()] if getattr(fig, "_suptitle", None) else []
    titles += [ax.get_title() or ax.get_title(loc="left") for ax in fig.axes]
    return "; ".join(t for t in titles if t) or "a figure"


def to_svg(fig: Figure) -> str:
    """The figure as an SVG document (what the widgets put into an HTML widget). No date in its
    metadata, so the same figure gives the same bytes."""
    import io

    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Title": alt_text(fig)})
    return buf.getvalue()


def to_html(fig: Figure, alt: str | None = None, caption: str | None = None) -> str:
    """The figure as a self-contained HTML ``<figure>``: an SVG image inlined as a data URI with
    its alt text, at most as wide as its container (so it scales on a phone), and an optional
    caption."""
    svg = to_svg(fig)
    w, h = fig.get_size_inches()
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
    text = _html.escape(alt or alt_text(fig), quote=True)
    cap = f"<figcaption>{_html.escape(caption)}</figcaption>" if caption else ""
    return (f'<figure class="gml-figure"><img src="{src}" alt="{text}" width="{round(w * 96)}" '
            f'height="{round(h * 96)}" style="max-width:100%;height:auto">{cap}</figure>')


class Shown:
    """A figure for ``display()``: HTML with alt text (what JupyterLab and the report show) and the
    plain SVG as well (for front ends without HTML)."""

    def __init__(self, fig: Figure, alt: str | None = None, caption: str | None = None):
        self.fig, self.alt, self.caption = fig, alt or alt_text(fig), caption

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": to_html(self.fig, self.alt, self.caption), "image/svg+xml": to_svg(self.fig),
                "text/plain": f"<figure: {self.alt}>"}


def show(fig: Figure, alt: str | None = None, caption: str | None = None) -> Shown:
    """``display(plots.show(fig))``: the figure with its alt text (see :class:`Shown`)."""
    return Shown(fig, alt, caption)


def _bytes_unit(largest: float) -> tuple[float, str]:
    """The binary unit the largest value reads best in: (divisor, name)."""
    for i, unit in enumerate(("B", "KiB", "MiB", "GiB")):
        if largest < 1024 ** (i + 1) or unit == "GiB":
            return float(1024 ** i), unit
    return float(1024 ** 3), "GiB"  # pragma: no cover


def _seconds_log_axis(axis: Any) -> None:
    """A log axis of seconds ticked at 1-2-5 steps, labelled ``10 ms``, ``0.2 s``…"""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: human_seconds(v)))
    axis.set_minor_formatter(NullFormatter())


# ---------------------------------------------------------------------------------------------
# Requirement graph

def _label_width(n: str) -> float:
    """Approximate width in inches of a node box at 8 pt."""
    return 0.3 + 0.068 * len(n)


def _dot_positions(G: nx.DiGraph, label: Callable[[str], str], rankdir: str) -> dict[str, tuple[float, float]] | None:
    try:
        import pygraphviz  # noqa: F401
        from networkx.drawing.nx_agraph import to_agraph
    except ImportError:
        return None
    H = G.__class__()
    H.add_nodes_from(G.nodes)
    H.add_edges_from(G.edges)
    A = to_agraph(H)
    A.graph_attr.update(rankdir=rankdir, nodesep="0.12" if rankdir == "LR" else "0.25",
                        ranksep="0.4" if rankdir == "LR" else "0.55")
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


def _layered_positions(G: nx.DiGraph, label: Callable[[str], str], rankdir: str = "TB") -> dict[str, tuple[float, float]]:
    """Rows by topological generation (networkx's multipartite idea), each row ordered by the mean position of
    the node's requirers (one barycentre sweep, which removes most crossings of module graphs).
    ``LR``: the generations are columns instead, as wide as their widest label."""
    layer = _layers(G)
    rows: dict[int, list[str]] = {}
    for n in sorted(G.nodes, key=str):
        rows.setdefault(layer[n], []).append(n)
    pos: dict[str, tuple[float, float]] = {}
    x_col = 0.0
    for depth in sorted(rows):
        nodes = rows[depth]
        along = 0 if rankdir == "TB" else 1

        def key(n: str) -> tuple[float, str]:
            xs = [pos[u][along] for u in G.predecessors(n) if u in pos]
            return (sum(xs) / len(xs) if xs else 0.0, str(n))

        nodes.sort(key=key, reverse=rankdir == "LR")
        if rankdir == "TB":
            widths = [_label_width(label(str(n))) + 0.25 for n in nodes]
            x = -sum(widths) / 2
            for n, w in zip(nodes, widths):
                pos[n] = (x + w / 2, -0.85 * depth)
                x += w
        else:
            widest = max(_label_width(label(str(n))) for n in nodes)
            for i, n in enumerate(nodes):
                pos[n] = (x_col + widest / 2, (len(nodes) - 1) * 0.22 - 0.44 * i)
            x_col += widest + 0.45
    return pos


def layout(G: nx.DiGraph, engine: str = "auto", label: Callable[[str], str] = str,
           rankdir: str = "TB") -> dict[str, tuple[float, float]]:
    """Node positions in inches: ``dot`` (pygraphviz), ``multipartite`` (rows of topological
    generations), or ``auto`` (dot when pygraphviz is installed); ``rankdir`` ``TB`` puts
    requirements below their requirers, ``LR`` to their right."""
    if engine not in ("auto", "dot", "multipartite"):
        raise ValueError(f"unknown layout engine {engine!r} (want auto, dot or multipartite)")
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"unknown rankdir {rankdir!r} (want TB or LR)")
    if not len(G):
        return {}
    if engine in ("auto", "dot"):
        pos = _dot_positions(G, label, rankdir)
        if pos is not None:
            return pos
        if engine == "dot":
            raise ImportError("the dot layout needs pygraphviz: pip install pygraphviz")
    return _layered_positions(G, label, rankdir)


def _short_label(G: nx.DiGraph) -> Callable[[str], str]:
    """Drop the first path element when every module shares it (``example.com/``)."""
    heads = {str(n).split("/", 1)[0] for n, a in G.nodes(data=True) if "/" in str(n) and not a.get("collapsed")}
    if len(heads) == 1 and all("/" in str(n) or str(n).startswith(("go@", "toolchain@")) or a.get("main")
                               or a.get("collapsed") for n, a in G.nodes(data=True)):
        head = next(iter(heads)) + "/"
        return lambda n: n[len(head):] if n.startswith(head) else n
    return lambda n: n


def _node_style(attrs: Mapping[str, Any]) -> dict[str, Any]:
    if attrs.get("main"):
        return {"fc": STYLE["main"], "ec": STYLE["main"], "color": "white", "ls": "-", "weight": "bold"}
    if attrs.get("collapsed"):
        return {"fc": "white", "ec": "#9e9e9e", "color": "#616161", "ls": "--", "weight": "normal"}
    fc = STYLE["selected"] if attrs.get("selected") else STYLE["unselected"]
    ec = STYLE["excluded"] if attrs.get("excluded") else "#555555"
    ls = ":" if attrs.get("excluded") else "--" if attrs.get("pruned") else "-"
    return {"fc": fc, "ec": ec, "color": "black", "ls": ls, "weight": "bold" if attrs.get("selected") else "normal"}


def _collapse(H: nx.DiGraph, marked: set[str], max_nodes: int) -> nx.DiGraph:
    """At most ``max_nodes`` modules: the main module, the highlighted ones, then (breadth first)
    what they require; every drawn module's requirements left out are one ``+N more`` box."""
    if H.number_of_nodes() <= max_nodes:
        return H
    main = [n for n, a in H.nodes(data=True) if a.get("main")]
    keep = list(dict.fromkeys([*main, *sorted(n for n in marked if n in H)]))
    queue = list(keep)
    for u in queue:
        for v in sorted(H.successors(u), key=str):
            if len(keep) >= max_nodes:
                break
            if v not in keep:
                keep.append(v)
                queue.append(v)
    out = H.subgraph(keep).copy()
    kept = set(keep)
    for u in keep:
        hidden = [v for v in H.successors(u) if v not in kept]
        if hidden:
            box = f"+{len(hidden)} more of {u}"
            out.add_node(box, collapsed=len(hidden), path="")
            out.add_edge(u, box, collapsed=True)
    out.graph.update(H.graph)
    out.graph["drawn_nodes"] = len(keep)
    return out


def requirement_graph(G: nx.DiGraph, *, ax: Axes | None = None, engine: str = "auto",
                      highlight: Iterable[str] = (), node_colors: Mapping[str, str] | None = None,
                      edge_colors: Mapping[tuple[str, str], str] | None = None, legend: bool = True,
                      title: str | None = None, hide: Iterable[str] = ("go", "toolchain"),
                      max_nodes: int = 60, rankdir: str = "auto") -> Figure:
    """Draw the module graph in layers (see the module docstring for the encoding).

    ``highlight``: node ids on the paths to explain (e.g. a ``why`` path), outlined and joined by
    orange arrows. ``node_colors`` / ``edge_colors``: face colours per node and colours per
    ``(u, v)`` edge that replace the selection / witness colouring (edges not named are drawn
    pale); the trace replay uses them. ``hide``: module paths left out (the go and toolchain
    nodes by default). ``max_nodes``: a larger graph is drawn around the highlighted modules and
    the main module, each drawn module's other requirements counted in a dashed ``+N`` box.
    ``rankdir``: ``TB``, ``LR``, or ``auto`` (left to right when top-down would not fit
    :data:`WIDTH`).
    """
    import matplotlib.patches as mpatches
    from matplotlib.lines import Line2D

    hidden = set(hide)
    marked = set(highlight)
    H = G.subgraph([n for n, p in G.nodes(data="path") if (p or str(n).partition("@")[0]) not in hidden])
    H = _collapse(H, marked, max_nodes)
    base = _short_label(H)

    def label(n: str) -> str:
        a = H.nodes[n] if n in H else {}
        return f"+{a['collapsed']} more" if a.get("collapsed") else base(n)

    pos = layout(H, engine, label, "TB" if rankdir == "auto" else rankdir)
    half = max((_label_width(label(str(n))) for n in H.nodes), default=1.0) / 2 + 0.1
    span = (max((x for x, _ in pos.values()), default=0.0) - min((x for x, _ in pos.values()), default=0.0)) + 2 * half
    if rankdir == "auto" and span > WIDTH and len(H) > 1:
        pos = layout(H, engine, label, "LR")
    xs = [x for x, _ in pos.values()] or [0.0]
    ys = [y for _, y in pos.values()] or [0.0]
    own = ax is None
    if ax is None:
        w = max(max(xs) - min(xs) + 2 * half, min(WIDTH, 6.5) if legend else 0.0) + 0.2
        fig, ax = _figure(min(max(w, 3.0), 14.0), min(max(ys) - min(ys) + (2.0 if legend else 1.2), 16.0))
    else:
        fig = ax.figure
    on_path = {(u, v) for u, v in H.edges if u in marked and v in marked}
    for u, v, e in H.edges(data=True):
        ls = ":" if e.get("excluded") else "--" if (e.get("pruned") or e.get("collapsed")) else "-"
        if edge_colors is not None:
            color = edge_colors.get((u, v), "#e0e0e0")
            lw = 1.0 if (u, v) not in edge_colors else 1.8
        elif (u, v) in on_path:
            color, lw = STYLE["highlight"], 2.6
        elif e.get("collapsed"):
            color, lw = "#bdbdbd", 1.0
        elif e.get("excluded"):
            color, lw = STYLE["excluded"], 1.0
        elif H.nodes[v].get("selected"):
            color, lw = STYLE["witness"], 2.4
        else:
            color, lw = STYLE["edge"], 1.0
        ax.add_patch(mpatches.FancyArrowPatch(
            pos[u], pos[v], arrowstyle="-|>", mutation_scale=10, lw=lw, color=color, ls=ls, shrinkA=9, shrinkB=9,
            zorder=2 if (u, v) in on_path else 1, gid=f"edge:{u}->{v}"))
    for n, attrs in H.nodes(data=True):
        s = _node_style(attrs)
        fc = s["fc"] if attrs.get("main") or attrs.get("collapsed") or node_colors is None else node_colors.get(n, "white")
        text = label(str(n))
        if attrs.get("replaced_by"):
            text += "\n⇒ " + base(str(attrs["replaced_by"]))
        ax.text(*pos[n], text, ha="center", va="center", fontsize=8, color=s["color"],
                fontweight=s["weight"], fontstyle="italic" if attrs.get("collapsed") else "normal", zorder=3,
                gid=f"node:{n}",
                bbox={"boxstyle": "round,pad=0.3", "fc": fc, "ec": STYLE["highlight"] if n in marked else s["ec"],
                      "ls": s["ls"], "lw": 2.5 if n in marked else 1.0})
    ax.set_xlim(min(xs) - half, max(xs) + half)
    ax.set_ylim(min(ys) - 0.4, max(ys) + 0.4)
    ax.set_axis_off()
    collapsed = [a["collapsed"] for _, a in H.nodes(data=True) if a.get("collapsed")]
    if legend:
        handles = [
            mpatches.Patch(fc=STYLE["selected"], ec="#555555", label="selected version"),
            mpatches.Patch(fc=STYLE["unselected"], ec="#555555", label="not selected"),
        ]
        if any(a.get("pruned") for _, a in H.nodes(data=True)):
            handles.append(mpatches.Patch(fc="white", ec="#555555", ls="--", label="pruned (go.mod not read)"))
        if edge_colors is None and any(H.nodes[v].get("selected") for _, v in H.edges):
            handles.append(Line2D([], [], color=STYLE["witness"], lw=2.4, label="requires the selected version"))
        if any(e.get("excluded") for _, _, e in H.edges(data=True)):
            handles.append(Line2D([], [], color=STYLE["excluded"], ls=":", label="dropped by exclude"))
        if on_path and edge_colors is None:
            handles.append(Line2D([], [], color=STYLE["highlight"], lw=2.6, label="path to the modules in question"))
        if collapsed:
            handles.append(mpatches.Patch(fc="white", ec="#9e9e9e", ls="--",
                                          label=f"{sum(collapsed)} requirements not drawn"))
        if own:
            fig.legend(handles=handles, loc="outside lower center", ncols=min(3, len(handles)), fontsize=8,
                       frameon=False)
        else:
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    if title and own:
        _title(fig, title)
    elif title:
        ax.set_title(title, fontsize=10)
    modules = [n for n, a in H.nodes(data=True) if not a.get("collapsed")]
    total = G.graph.get("total_nodes", G.number_of_nodes())
    alt = (f"Requirement graph{': ' + title if title else ''}. {len(modules)} of {total} module versions drawn"
           + (f", {sum(collapsed)} more counted in boxes" if collapsed else "")
           + (f"; highlighted: {', '.join(sorted(base(str(n)) for n in marked if n in H))}" if marked & set(H) else "")
           + ".")
    return _describe(fig, alt)


def trace_frame(G: nx.DiGraph, trace: pd.DataFrame, step: int, state: Mapping[str, str], *,
                engine: str = "auto") -> Figure:
    """One frame of the teaching trace (:func:`gomodlab.load.graph.trace`) at ``step``: the go.mod being
    read (orange), the current maximum of each path (green), versions seen but superseded (blue),
    the requirement edges read so far (dark), and a table of ``state`` (path → maximum so far,
    from :func:`gomodlab.load.graph.trace_state`)."""
    import matplotlib.patches as mpatches

    fig, (ax, tab) = _figure(WIDTH, 4.6, ncols=2, gridspec_kw={"width_ratios": [2.6, 1]})
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
                      highlight=requirement & set(G.nodes), rankdir="TB")
    what = {"start": "start from the roots", "visit": f"read the go.mod of {row['module']}",
            "require": f"{row['module']} requires {row['requirement']}",
            "skip": f"{row['module']} → {row['requirement']}: not followed ({row['detail']})",
            "error": f"{row['module']}: {row['detail']}"}.get(row["event"], row["event"])
    if row["event"] == "require" and row["raised"]:
        what += f"  (max {row['before']} → {row['after']})"
    ax.set_title(f"step {step}: {what}", fontsize=9, loc="left", wrap=True)
    tab.set_axis_off()
    cells = [[p, v] for p, v in sorted(state.items()) if p not in ("go", "toolchain")] or [["(nothing yet)", ""]]
    table = tab.table(cellText=cells, colLabels=["path", "max so far"], loc="upper center", cellLoc="left")
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    table.auto_set_column_width([0, 1])
    table.scale(1.0, 1.3)
    tab.legend(handles=[mpatches.Patch(fc=STYLE["current"], ec="#555555", label="go.mod being read"),
                        mpatches.Patch(fc=STYLE["selected"], ec="#555555", label="maximum so far"),
                        mpatches.Patch(fc=STYLE["visited"], ec="#555555", label="seen, superseded"),
                        mpatches.Patch(fc="white", ec="#555555", label="not reached yet")],
               loc="lower center", fontsize=8, frameon=False)
    maxima = ", ".join(f"{p} {v}" for p, v in sorted(state.items()) if p not in ("go", "toolchain"))
    return _describe(fig, f"MVS trace, step {step}: {what}. Maximum version per path so far: {maxima or 'none'}.")


# ---------------------------------------------------------------------------------------------
# Module cache

def _entry_label(module: str, version: str, path: str) -> str:
    if version:
        return f"{module}@{version}"
    # A cache/vcs checkout is named by the repository it holds; its directory name is a hash.
    return f"git checkout of {module}" if module else f"cache/vcs/{os.path.basename(path)}"


def cache_findings(result: Any, inventory: pd.DataFrame | None = None, *, title: str | None = None) -> Figure:
    """The bytes on disk of each damaged entry, one bar per entry coloured by what is wrong with it
    (several kinds of one entry stack). A bar count per kind would only repeat the legend.

    ``result`` is a :class:`gomodlab.cache.scan.ScanResult` (sizes of versions and of ``cache/vcs``
    repositories come with it), or its :meth:`~gomodlab.cache.scan.ScanResult.findings_frame` with
    the ``inventory`` frame for the sizes.
    """
    import matplotlib.patches as mpatches

    if hasattr(result, "findings_frame"):
        findings, inventory = result.findings_frame(), result.inventory()
        repo_bytes = {v.path: v.bytes for v in result.vcs}
    else:
        findings, repo_bytes = result, {}
    entries: dict[str, dict[str, Any]] = {}
    for module, version, path, kind in zip(findings["module"], findings["version"], findings["path"], findings["kind"]):
        key = f"{module}@{version}" if version else path
        e = entries.setdefault(key, {"label": _entry_label(module, version, path), "kinds": [], "bytes": 0})
        if kind not in e["kinds"]:
            e["kinds"].append(kind)
        if not version:
            e["bytes"] = int(repo_bytes.get(path, 0))
        elif inventory is not None and not e["bytes"]:
            rows = (inventory["module"] == module) & (inventory["version"] == version)
            e["bytes"] = int(inventory.loc[rows, "bytes"].sum())
    items = sorted(entries.values(), key=lambda e: (e["bytes"], e["label"]))
    fig, ax = _figure(WIDTH, max(2.2, 0.42 * len(items) + 1.5))
    divisor, unit = _bytes_unit(max((e["bytes"] for e in items), default=0))
    kinds = list(dict.fromkeys(k for e in items for k in e["kinds"]))
    colors = {k: KIND_COLORS.get(k, _PALETTE[i % len(_PALETTE)]) for i, k in enumerate(kinds)}
    for i, e in enumerate(items):
        # An entry with several findings: its bar split evenly between their colours.
        share = e["bytes"] / divisor / max(len(e["kinds"]), 1)
        left = 0.0
        for k in e["kinds"]:
            ax.barh(i, share, left=left, color=colors[k], height=0.6)
            left += share
        ax.text(e["bytes"] / divisor, i, " " + human_bytes(e["bytes"]), va="center", fontsize=8)
    ax.set_yticks(range(len(items)), [e["label"] for e in items], fontsize=8)
    ax.set_xlabel(f"size on disk ({unit})")
    ax.xaxis.get_major_locator().set_params(integer=unit == "B")
    ax.margins(x=0.18)
    total = sum(e["bytes"] for e in items)
    if items:
        biggest = items[-1]
        fig.legend(handles=[mpatches.Patch(color=colors[k], label=k) for k in kinds], loc="outside lower center",
                   ncols=min(4, len(kinds)), fontsize=8, frameon=False, title="what is wrong", title_fontsize=8)
        headline = (f"{len(items)} damaged entr{'y' if len(items) == 1 else 'ies'} hold {human_bytes(total)}"
                    + (f"; the largest is {biggest['label']} ({human_percent(biggest['bytes'] / total)})"
                       if total and len(items) > 1 else ""))
    else:
        ax.text(0.5, 0.5, "no findings: the cache is intact", transform=ax.transAxes, ha="center")
        headline = "no damaged entries: the cache is intact"
    _title(fig, title or headline)
    alt = (f"Horizontal bar chart of the damaged module cache entries by size: "
           + "; ".join(f"{e['label']}, {human_bytes(e['bytes'])}, {' and '.join(e['kinds'])}" for e in reversed(items))
           + "." if items else "The module cache scan found no damaged entries.")
    return _describe(fig, alt)


def cache_sizes(versions: pd.DataFrame, top: int = 12, *, title: str | None = None) -> Figure:
    """From :attr:`gomodlab.cache.hygiene.HygieneReport.versions`: the ``top`` modules by bytes, split by
    usage, and bytes against age (days since last use) for every version."""
    import matplotlib.patches as mpatches
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    fig, (a1, a2) = _figure(WIDTH, 3.8, ncols=2, gridspec_kw={"width_ratios": [1.25, 1]})
    usage_colors = {"build": STYLE["ok"], "go.mod": "#64b5f6", "unused": "#bdbdbd", "unknown": "#9575cd"}
    by = versions.pivot_table(index="module", columns="usage", values="bytes", aggfunc="sum", fill_value=0)
    by = by.loc[by.sum(axis=1).sort_values(ascending=True).index[-top:]]
    divisor, unit = _bytes_unit(float(by.sum(axis=1).max()) if len(by) else 0.0)
    left = None
    drawn = []
    for usage in [u for u in usage_colors if u in by.columns]:
        vals = by[usage].to_numpy() / divisor
        a1.barh(list(by.index), vals, left=left,
                color=usage_colors[usage])
        drawn.append(usage)
        left = vals if left is None else left + vals
    a1.tick_params(axis="y", labelsize=7)
    a1.set_xlabel(f"size on disk ({unit})")
    a1.set_title(f"largest {min(top, len(by))} modules", fontsize=9)
    for usage, g in versions.groupby("usage"):
        a2.scatter(g["age_days"].clip(lower=0.5), g["bytes"], color=usage_colors.get(str(usage), "black"), s=18)
        if str(usage) not in drawn:
            drawn.append(str(usage))
    a2.set_xlabel("days since last use")
    a2.set_ylabel("size on disk")
    if len(versions) and float(versions["bytes"].max()) > 0:
        a2.set_yscale("log")
        a2.yaxis.set_major_locator(LogLocator(base=2, numticks=8))
        a2.yaxis.set_major_formatter(FuncFormatter(lambda v, _: human_bytes(v)))
        a2.yaxis.set_minor_formatter(NullFormatter())
    a2.set_title("size and age per version", fontsize=9)
    a2.tick_params(labelsize=7)
    if drawn:
        fig.legend(handles=[mpatches.Patch(color=usage_colors.get(u, "black"), label=u) for u in drawn],
                   loc="outside lower center", ncols=len(drawn), fontsize=8, frameon=False,
                   title="used by the project's build", title_fontsize=8)
    total = float(versions["bytes"].sum()) if len(versions) else 0.0
    unused = versions[versions["usage"] == "unused"] if len(versions) else versions
    ub = float(unused["bytes"].sum()) if len(unused) else 0.0
    headline = (f"{len(unused)} of {len(versions)} versions are unused: {human_bytes(ub)} of {human_bytes(total)}"
                if len(unused) and total else f"{len(versions)} versions, {human_bytes(total)} in the cache")
    _title(fig, title or headline)
    oldest = versions.sort_values("age_days").iloc[-1] if len(versions) else None
    alt = (f"Two charts of the module cache: stacked bars of the {min(top, len(by))} largest modules by size "
           f"and usage ({', '.join(drawn)}), and a scatter of each version's size against days since last use. "
           f"{headline}." + (f" The oldest is {oldest['module']}@{oldest['version']}, last used "
                             f"{oldest['age_days']:.0f} days ago." if oldest is not None else ""))
    return _describe(fig, alt)


# ---------------------------------------------------------------------------------------------
# Network

def _ecdf(ax: Axes, values: Any, **kw: Any) -> None:
    import numpy as np

    x = np.sort(np.asarray(values, dtype=float))
    x = x[~np.isnan(x)]
    if x.size:
        ax.step(x, np.arange(1, x.size + 1) / x.size, where="post", **kw)


def latency(requests: pd.DataFrame, summary: pd.DataFrame | None = None, *,
            proxy_names: Iterable[str] | Mapping[str, str] = (), title: str | None = None) -> Figure:
    """Durations of the HTTP requests of a parsed log (:func:`gomodlab.net.xlog.parse`).

    Left: histogram per proxy (colour) and endpoint (line style), log-scaled seconds. Right: ECDF
    per proxy. The legend below counts each proxy's failures (from ``summary``, a
    :func:`gomodlab.net.logstats.latency_summary` by proxy, when given). ``proxy_names``: the
    demo's lab proxies (named ``lab proxy :PORT``, see :func:`gomodlab.lab.formatting.proxy_name`).
    """
    import numpy as np
    from matplotlib.lines import Line2D

    h = requests[requests["kind"] == "http"]
    fig, (a1, a2) = _figure(WIDTH, 3.9, ncols=2)
    d = h["duration_s"].astype("float64")
    pos = d[d > 0]
    lo, hi = (float(pos.min()), float(pos.max())) if len(pos) else (1e-3, 1.0)
    bins = np.geomspace(max(lo * 0.8, 1e-4), max(hi * 1.25, lo * 2, 2e-4), 30)
    proxies = sorted(h["proxy"].dropna().unique(), key=str)
    colour = {p: _PALETTE[i % len(_PALETTE)] for i, p in enumerate(proxies)}
    styles = {"mod": "-", "info": "--", "zip": ":", "list": "-."}
    endpoints = []
    for (proxy, endpoint), g in h.groupby(["proxy", "endpoint"], sort=True):
        vals = g["duration_s"].astype("float64").dropna()
        if len(vals):
            a1.hist(vals.clip(lower=bins[0]), bins=bins, histtype="step", lw=1.5, color=colour[proxy],
                    ls=styles.get(str(endpoint), "-"))
            if endpoint not in endpoints:
                endpoints.append(endpoint)
    a1.set_xscale("log")
    _seconds_log_axis(a1.xaxis)
    a1.set_xlabel("request duration")
    a1.set_ylabel("requests")
    a1.yaxis.get_major_locator().set_params(integer=True)
    a1.set_title("per proxy and endpoint", fontsize=9)
    handles = []
    medians = {}
    for proxy, g in h.groupby("proxy", sort=True):
        name = proxy_name(proxy, proxy_names)
        extra = ""
        if summary is not None and proxy in summary.index:
            row = summary.loc[proxy]
            extra = (f": {int(row['requests'])} requests, {int(row['not_found'])} not found, "
                     f"{int(row['errors'])} failed ({int(row['timeouts'])} no answer)")
        _ecdf(a2, g["duration_s"], lw=1.8, color=colour[proxy])
        medians[name] = float(g["duration_s"].median())
        handles.append(Line2D([], [], color=colour[proxy], lw=1.8, label=name + extra))
    handles += [Line2D([], [], color="#555555", ls=styles.get(str(e), "-"), label=f"{e} requests") for e in endpoints]
    a2.set_xscale("log")
    _seconds_log_axis(a2.xaxis)
    a2.set_xlabel("request duration")
    a2.set_ylabel("fraction of requests")
    a2.set_ylim(0, 1.02)
    a2.set_title("cumulative, per proxy", fontsize=9)
    for a in (a1, a2):
        a.tick_params(labelsize=7)
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncols=1 if summary is not None else 2, fontsize=7,
                   frameon=False)
    if medians:
        parts = []
        for proxy, g in h.groupby("proxy", sort=True):
            name = proxy_name(proxy, proxy_names)
            part = f"{name} median {human_seconds(medians[name])}"
            if summary is not None and proxy in summary.index:
                bad = float(summary.loc[proxy, "error_rate"]) + float(summary.loc[proxy, "not_found_rate"])
                part += f", {human_percent(bad)} failed or not found" if bad else ", every request answered"
            parts.append(part)
        headline = "; ".join(parts)
        alt = (f"Histograms and cumulative distributions of {len(h)} HTTP request durations on a log scale, per "
               f"proxy and endpoint: {headline}.")
    else:
        headline = "no HTTP requests in the log"
        alt = "No HTTP requests were found in the log, so there are no durations to show."
    _title(fig, title or headline)
    return _describe(fig, alt)


def fallback_model(predicted: pd.DataFrame, measured: pd.DataFrame | None = None, *,
                   title: str | None = None) -> Figure:
    """:func:`gomodlab.net.faultmodel.simulate` output (and optionally :func:`gomodlab.net.faultmodel.measured_downloads`):
    ECDF of the time of successful downloads, and failure / fallback rates side by side."""
    import matplotlib.patches as mpatches
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

    fig, (a1, a2) = _figure(WIDTH, 3.6, ncols=2, gridspec_kw={"width_ratios": [1.5, 1]})
    ok_pred = predicted.loc[predicted["ok"], "time_s"]
    _ecdf(a1, ok_pred, lw=1.8, color=_PALETTE[0])
    handles = [Line2D([], [], color=_PALETTE[0], lw=1.8, label=f"predicted (n={len(predicted)})")]
    has_measured = measured is not None and len(measured)
    if has_measured:
        _ecdf(a1, measured.loc[measured["ok"], "time_s"], lw=1.8, color="black")
        handles.append(Line2D([], [], color="black", lw=1.8, label=f"measured (n={len(measured)})"))
    a1.set_xlabel("time per successful module download")
    a1.xaxis.set_major_locator(MaxNLocator(nbins=4))
    a1.xaxis.set_major_formatter(FuncFormatter(lambda v, _: human_seconds(v) if v >= 0 else ""))
    a1.set_ylabel("fraction of downloads")
    a1.set_ylim(0, 1.02)
    a1.set_title("download times", fontsize=9)
    names = ["failed", "fell back"]
    pv = [float((~predicted["ok"]).mean()) if len(predicted) else math.nan,
          float(predicted["fell_back"].mean()) if len(predicted) else math.nan]
    x = list(range(len(names)))
    if has_measured:
        mv = [float((~measured["ok"]).mean()), float(measured["fell_back"].mean())]
        bars = [a2.bar([i - 0.2 for i in x], pv, width=0.4, color=_PALETTE[0]),
                a2.bar([i + 0.2 for i in x], mv, width=0.4, color="black")]
    else:
        mv = []
        bars = [a2.bar(x, pv, width=0.5, color=_PALETTE[0])]
    for b in bars:
        a2.bar_label(b, labels=[human_percent(v) for v in b.datavalues], fontsize=7, padding=2)
    a2.set_xticks(x, names)
    top = max([v for v in pv + mv if not math.isnan(v)] or [0.0])
    a2.set_ylim(0, min(1.0, max(0.1, top * 1.3)))
    a2.yaxis.set_major_formatter(PercentFormatter(1.0))
    a2.set_title("share of downloads", fontsize=9)
    if has_measured:
        handles.append(mpatches.Patch(color=_PALETTE[0], label="predicted rate"))
        handles.append(mpatches.Patch(color="black", label="measured rate"))
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=7, frameon=False)
    med = float(ok_pred.median()) if len(ok_pred) else math.nan
    headline = (f"predicted: {human_percent(pv[1])} of downloads fall back, median {human_seconds(med)}"
                + (f"; measured: {human_percent(mv[1])}" if has_measured else ""))
    _title(fig, title or headline)
    alt = (f"Cumulative distribution of successful download times, predicted by the fallback model"
           + (" and measured" if has_measured else "") + f", and bars of failure and fallback rates. {headline}.")
    return _describe(fig, alt)
