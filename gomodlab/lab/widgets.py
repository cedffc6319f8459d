"""Small ipywidgets apps for JupyterLab: an MVS explorer, a cache doctor and a proxy what-if.

Each app is a controller class that owns its widgets; the callbacks only call pure gomodlab
functions and keep what they got as public attributes, so a test drives an app without a browser
or a kernel (set ``.value``, ``Button.click()``, then assert on the attributes)::

    app = MVSExplorer(mg)                 # a loaded gomodlab.load.modload.ModGraph
    app.module.value = "example.com/log"  # → app.why_result, app.version_why
    app.target.value = "example.com/log@v1.4.0"; app.preview.click()   # → app.changes
    app.step.value = 5                    # → app.state (the teaching trace replayed to step 5)

Figures are rendered once per change to SVG and put into an ``HTML`` widget (one rendering path
for Lab and tests). Needs the ``lab`` extra (ipywidgets).
"""

from __future__ import annotations

import functools
import html
import math
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

try:
    import ipywidgets as W
except ImportError as e:  # pragma: no cover - depends on the install
    raise ImportError("gomodlab.lab.widgets needs the lab extra: pip install 'gomodlab[lab]' "
                      f"(ipywidgets is missing: {e})") from None

from . import plots
from .formatting import human_bytes
from ..errors import GomodlabError
from .postmortem import action_label

if TYPE_CHECKING:
    import pandas as pd

    from ..cache.scan import ScanResult
    from ..load.modload import ModGraph
    from ..net.faultmodel import FaultModel
    from ..cache.repair import ApplyResult, Plan

__all__ = ["MVSExplorer", "CacheDoctor", "ProxyWhatIf"]


#: The apps' own CSS, inside each app (scoped by its ``gml-app`` class): tables that wrap long
#: cells instead of running past the cell, figures as wide as the cell at most, tab titles and
#: words of the sentences never cut off with an ellipsis.
_CSS = """<style>
.gml-app .gml-text { line-height: 1.45; white-space: normal }
.gml-app .gml-table { border-collapse: collapse; max-width: 100%; margin: 4px 0 }
.gml-app .gml-table th, .gml-app .gml-table td { text-align: left; vertical-align: top; padding: 2px 10px 2px 0;
  white-space: nowrap; line-height: 1.4 }
.gml-app .gml-table td:last-child { white-space: normal; overflow-wrap: anywhere }
.gml-app .widget-readout { width: auto !important; min-width: 2.5em; margin-left: 8px }
.gml-app details summary { cursor: pointer; margin: 4px 0 }
.gml-app .gml-table th { border-bottom: 1px solid var(--jp-border-color1, #bdbdbd) }
.gml-app .gml-figure svg { max-width: 100%; height: auto; display: block }
.gml-app .lm-TabBar-tab { flex: 0 0 auto !important; max-width: none !important; min-width: 0 !important }
.gml-app .gml-words, .gml-app .gml-words .widget-html-content { width: auto; white-space: nowrap;
  line-height: var(--jp-widgets-inline-height, 28px) }
</style>"""


def _svg(fig: Any) -> str:
    """The figure inline (its nodes stay addressable: ``gid`` ``node:…``), at most as wide as the
    cell, with its alt text as the image's accessible name."""
    svg = plots.to_svg(fig)
    svg = svg[svg.index("<svg"):]
    alt = html.escape(plots.alt_text(fig), quote=True)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{alt}" ', 1)
    return f"<div class='gml-figure'>{svg}</div>"


def _pre(text: str) -> str:
    return f"<pre style='white-space: pre-wrap; margin: 0; line-height: 1.4'>{html.escape(text)}</pre>"


def _text(markup: str) -> str:
    return f"<div class='gml-text'>{markup}</div>"


def _error(e: Exception) -> str:
    return f"<div class='gml-text' style='color: #c62828'><b>error:</b> {html.escape(str(e))}</div>"


def _table(df: pd.DataFrame, max_rows: int = 60) -> str:
    """An HTML table: short columns kept on one line, the last (long: detail, path) wrapped."""
    more = len(df) - max_rows
    return (df.head(max_rows).to_html(index=False, border=0, classes="gml-table", na_rep="")
            + (f"<div class='gml-text'><i>… and {more} more rows</i></div>" if more > 0 else ""))


def _words(markup: str) -> W.HTML:
    """Words between the controls of a sentence (never shrunk, never cut off)."""
    w = W.HTML(markup, layout=W.Layout(width="auto", flex="0 0 auto", margin="0 4px"))
    w.add_class("gml-words")
    return w


def _sentence(*parts: str | W.Widget) -> W.HBox:
    """One line that reads as a sentence: words (strings) and controls, wrapped when too long."""
    return W.HBox([_words(p) if isinstance(p, str) else p for p in parts],
                  layout=W.Layout(flex_flow="row wrap", align_items="center", width="100%"))


def _auto(**kw: Any) -> W.Layout:
    return W.Layout(width="auto", flex="0 0 auto", **kw)


def _out(name: str) -> W.HTML:
    """An output area of an app, named by a CSS class (what the browser tests look at)."""
    w = W.HTML(layout=W.Layout(width="100%"))
    w.add_class(name)
    return w


def _app(children: list[W.Widget]) -> W.VBox:
    box = W.VBox([W.HTML(_CSS, layout=W.Layout(display="none")), *children], layout=W.Layout(width="100%"))
    box.add_class("gml-app")
    return box


class _App:
    widget: W.Widget

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


# ---------------------------------------------------------------------------------------------

class MVSExplorer(_App):
    """Why is a version selected, what would ``go get m@v`` change, and MVS step by step.

    ``mg`` is a loaded module graph (:func:`gomodlab.load.modload.load`); ``trace`` the teaching trace
    of its load (:func:`gomodlab.load.graph.trace`), optional. State after each interaction:
    ``why_result`` (:func:`gomodlab.load.graph.why`), ``version_why`` (:func:`gomodlab.load.graph.why_version`),
    ``drawn`` (the graph drawn: with ``scope`` "paths" :func:`gomodlab.load.graph.focus` on the chosen
    version, the rest counted in boxes; with "all" the whole graph, which the figure itself cuts
    down to 60 modules around the paths), ``plan`` and ``changes`` (:func:`gomodlab.load.get.plan_get`,
    as a DataFrame: path, old, new, kind), ``state`` (:func:`gomodlab.load.graph.trace_state` at
    ``step``), ``error`` (the last error message, or None). A graph of more than ``large`` modules
    starts with the paths view.
    """

    def __init__(self, mg: ModGraph, trace: pd.DataFrame | None = None, *, engine: str = "auto",
                 large: int = 60) -> None:
        from ..load import graph

        self.mg = mg
        self.engine = engine
        self.G = graph.to_networkx(mg, include_excluded=True)
        self.trace = trace
        self.why_result: Any = None
        self.version_why: Any = None
        self.drawn: Any = None
        self.plan: Any = None
        self.changes: pd.DataFrame | None = None
        self.state: dict[str, str] = {}
        self.error: str | None = None
        self._quiet = False
        paths = sorted({m.path for m in mg.build_list() if m.version and m.path not in ("go", "toolchain")})
        self.module = W.Dropdown(options=paths, value=paths[0] if paths else None, layout=_auto(max_width="60%"),
                                 tooltip="a module path of the build list")
        self.version = W.Dropdown(options=[], layout=_auto(), tooltip="the versions of it in the requirement graph")
        many = sum(1 for _, p in self.G.nodes(data="path") if p not in ("go", "toolchain")) > large
        self.scope = W.ToggleButtons(options=[("only the paths to it", "paths"), ("the whole graph", "all")],
                                     value="paths" if many else "all", style={"button_width": "auto"},
                                     tooltips=["the requirement paths from the main module to this version; "
                                               "everything else counted in dashed boxes",
                                               "every module (a large graph is cut down around the paths)"])
        self.why_html = _out("gml-why")
        self.graph_html = _out("gml-graph")
        self.target = W.Text(placeholder="example.com/m@v1.2.3", layout=W.Layout(width="22em"),
                             tooltip="MODULE@VERSION, as you would type it after go get")
        self.preview = W.Button(description="show what changes", icon="eye", layout=_auto(),
                                tooltip="the new build list, as go get would make it (nothing is run)")
        self.changes_html = _out("gml-changes")
        steps = max(len(trace) - 1, 0) if trace is not None else 0
        self.step = W.IntSlider(min=0, max=steps, value=0, continuous_update=False, layout=W.Layout(width="24em"),
                                tooltip="step of the teaching trace")
        self.frame_html = _out("gml-frame")
        self.module.observe(self._on_module, names="value")
        self.version.observe(self._on_version, names="value")
        self.scope.observe(self._on_version, names="value")
        self.preview.on_click(self._on_preview)
        self.step.observe(self._on_step, names="value")
        tabs = [W.VBox([_sentence("Why is", self.module, "at", self.version, "in the graph?"),
                        _sentence("Draw", self.scope), self.why_html, self.graph_html]),
                W.VBox([_sentence("What would", W.HTML("<code>go get</code>", layout=_auto()), self.target,
                                  "change in the build list?", self.preview), self.changes_html])]
        titles = ["Why this version?", "What would go get change?"]
        if trace is not None and len(trace):
            tabs.append(W.VBox([_sentence("Replay MVS up to step", self.step, f"of {steps}"), self.frame_html]))
            titles.append("MVS step by step")
        self.tabs = W.Tab(children=tabs, titles=titles)
        self.widget = _app([self.tabs])
        if self.module.value:
            self._on_module({"new": self.module.value})
        if trace is not None and len(trace):
            self._on_step({"new": 0})

    @classmethod
    def load(cls, directory: str | os.PathLike[str], source: Any, **kw: Any) -> MVSExplorer:
        """Load the main module in ``directory`` from ``source`` (a GoModSource), with its trace."""
        from ..load import graph, modload

        return cls(modload.load(directory, source), graph.trace(directory, source), **kw)

    def _versions(self, path: str) -> list[str]:
        from ..load.modload import cmp_version

        found = {a["version"] for _, a in self.G.nodes(data=True) if a.get("path") == path and a.get("version")}
        return sorted(found, key=functools.cmp_to_key(lambda a, b: cmp_version(path, a, b)))

    def _on_module(self, change: dict[str, Any]) -> None:
        path = change["new"]
        if not path:
            return
        versions = self._versions(path)
        selected = self.mg.selected(path)
        self._quiet = True
        try:
            self.version.options = versions
            self.version.value = selected if selected in versions else (versions[-1] if versions else None)
        finally:
            self._quiet = False
        self._show_why()

    def _on_version(self, change: dict[str, Any]) -> None:
        if change["new"] and not self._quiet:
            self._show_why()

    def _show_why(self) -> None:
        from ..load import graph

        path, version = self.module.value, self.version.value
        self.why_result = graph.why(self.mg, path)
        self.version_why = graph.why_version(self.mg, path, version) if version else None
        node = f"{path}@{version}" if version else path
        to_node = graph.why(self.mg, node)
        self.why_html.value = self._why_markup(to_node)
        on_path = {str(m) for p in to_node.shortest for m in p}
        if self.scope.value == "paths":
            self.drawn = graph.focus(self.G, node)
            fig = plots.requirement_graph(self.drawn, engine=self.engine, highlight=on_path,
                                          title=f"how the main module reaches {node}")
        else:
            self.drawn = self.G
            fig = plots.requirement_graph(self.G, engine=self.engine, highlight=on_path)
        self.graph_html.value = _svg(fig)

    def _why_markup(self, w: Any) -> str:
        """The verdict on the chosen version, then the shortest requirement path to it (``w``:
        :func:`gomodlab.load.graph.why` of ``path@version``); the other paths as short (a large
        graph has many) folded away."""
        head = _pre(self.version_why.text()) if self.version_why else ""
        if not w.found:
            return head + _pre(self.why_result.text())
        chains = [" > ".join(str(m) for m in p) for p in w.shortest]
        more = (f"<details><summary>{len(chains) - 1} more requirement path{'s' if len(chains) > 2 else ''} "
                f"as short</summary>{_pre(chr(10).join(chains[1:]))}</details>" if len(chains) > 1 else "")
        return (head + _text(f"<p>The shortest requirement path to {html.escape(w.module)}:</p>")
                + _pre(chains[0]) + more)

    def _on_preview(self, _button: Any = None) -> None:
        import pandas as pd

        from ..load.get import plan_get

        path, at, version = self.target.value.strip().partition("@")
        self.error = None
        if not at or not path or not version:
            self.error = f"{self.target.value!r}: want MODULE@VERSION"
            self.changes_html.value = _error(GomodlabError(self.error))
            return
        try:
            self.plan = plan_get(self.mg, path, version)
        except GomodlabError as e:
            self.error = str(e)
            self.plan, self.changes = None, None
            self.changes_html.value = _error(e)
            return
        rows = [(c.path, c.old, c.new, c.kind) for c in self.plan.changes]
        self.changes = pd.DataFrame(rows, columns=["path", "old", "new", "kind"])
        self.changes_html.value = (_table(self.changes) if len(self.changes)
                                   else _text(f"<code>go get {html.escape(path)}@{html.escape(version)}</code> "
                                              "changes nothing"))

    def _on_step(self, change: dict[str, Any]) -> None:
        from ..load import graph

        if self.trace is None or not len(self.trace):
            return
        step = int(change["new"])
        self.state = graph.trace_state(self.trace, step)
        self.frame_html.value = _svg(plots.trace_frame(self.G, self.trace, step, self.state, engine=self.engine))


# ---------------------------------------------------------------------------------------------

class CacheDoctor(_App):
    """Scan a module cache, pick damaged entries, look at the repair plan, apply it on confirmation.

    Nothing moves until both the confirmation box is ticked and *apply* is clicked; a change of
    selection unticks the box again. State: ``result`` (:func:`gomodlab.cache.scan.scan`), ``findings``
    (its findings frame), ``full_plan`` (:func:`gomodlab.cache.repair.plan_repair`), ``plan`` (only the
    selected entries; what *apply* would do), ``applied`` (:func:`gomodlab.cache.repair.apply`'s result).
    ``env`` is the environment the refetch runs go in (default: this process's).
    """

    def __init__(self, modcache: str | os.PathLike[str], *, gosum: Iterable[str | os.PathLike[str]] = (),
                 index: bool | str | os.PathLike[str] = False, quarantine: str | os.PathLike[str] | None = None,
                 env: Mapping[str, str] | None = None, scan: bool = True) -> None:
        self.modcache = os.fspath(modcache)
        self.env = env
        self.gosum = [os.fspath(g) for g in gosum]
        self.index = index
        self.quarantine = quarantine
        self.result: ScanResult | None = None
        self.findings: pd.DataFrame | None = None
        self.full_plan: Plan | None = None
        self.plan: Plan | None = None
        self.applied: ApplyResult | None = None
        self._quiet = False
        self.scan_button = W.Button(description="scan again", icon="refresh", layout=_auto(),
                                    tooltip="read the whole cache again (read-only)")
        self.summary_html = _out("gml-summary")
        self.summary_html.layout = W.Layout(width="auto", flex="1 1 auto")
        self.findings_html = _out("gml-findings")
        self.entries = W.SelectMultiple(options=[], rows=4, layout=W.Layout(width="100%"),
                                        tooltip="the damaged entries; shift- or ctrl-click to choose several")
        self.plan_html = _out("gml-plan")
        self.refetch = W.Checkbox(value=False, indent=False, layout=_auto(),
                                  description="afterwards, download them again with go mod download")
        self.confirm = W.Checkbox(value=False, indent=False, layout=_auto(), description="I have read the plan:")
        self.apply_button = W.Button(description="move them into quarantine", button_style="danger", icon="archive",
                                     disabled=True, layout=_auto(), tooltip="tick the box first")
        self.applied_html = _out("gml-applied")
        self.scan_button.on_click(self._on_scan)
        self.entries.observe(self._on_select, names="value")
        self.confirm.observe(self._on_confirm, names="value")
        self.apply_button.on_click(self._on_apply)
        self.widget = _app([
            W.HBox([self.scan_button, self.summary_html], layout=W.Layout(align_items="center", width="100%")),
            self.findings_html,
            W.HTML(_text("Repair these entries (each line is a module version or a <code>cache/vcs</code> "
                         "checkout; shift- or ctrl-click to choose several):"), layout=W.Layout(width="100%")),
            self.entries, self.plan_html, self.refetch, _sentence(self.confirm, self.apply_button),
            self.applied_html])
        if scan:
            self._on_scan()

    def _on_scan(self, _button: Any = None) -> None:
        from ..cache import repair
        from ..cache.scan import scan as scan_cache

        self.result = scan_cache(self.modcache, gosum=self.gosum or None, index=self.index, progress=False)
        self.findings = self.result.findings_frame()
        self.full_plan = repair.plan_repair(self.result)
        n = len(self.findings)
        self.summary_html.value = _text(
            f"<b>{n}</b> finding{'s' if n != 1 else ''} in {len(self.result.entries)} module versions of "
            f"<code>{html.escape(self.result.root)}</code> (<code>$GOMODCACHE</code> below)")
        cols = ["kind", "module", "version", "detail"]
        shown = self.findings[cols].assign(detail=self.findings["detail"].map(self._short))
        self.findings_html.value = (_table(shown) if n else
                                    _text("<i>no findings: the cache is intact</i>"))
        labels = [action_label(a) for a in self.full_plan.actions]
        self._quiet = True
        try:
            self.entries.rows = max(2, min(len(labels), 8))
            self.entries.options = labels
            self.entries.value = tuple(labels)
        finally:
            self._quiet = False
        self._on_select({"new": tuple(labels)})

    def _short(self, text: str) -> str:
        """Paths inside the cache as ``$GOMODCACHE/…``: the table fits the cell, the summary says where."""
        root = self.result.root.rstrip("/") if self.result else ""
        return text.replace(root + "/", "$GOMODCACHE/") if root else text

    def _on_select(self, change: dict[str, Any]) -> None:
        from ..cache.repair import Plan

        if self.full_plan is None or self._quiet:
            return
        chosen = set(change["new"])
        p = self.full_plan
        self.plan = Plan(p.root, tuple(a for a in p.actions if action_label(a) in chosen), p.cache_bytes, p.cache_files)
        self.confirm.value = False
        frame = self.plan.frame()
        frame = frame.assign(bytes=frame["bytes"].map(human_bytes),
                             refetch=frame["refetch"].map({True: "yes", False: "no"}))[
            ["module", "version", "reason", "kinds", "type", "bytes", "refetch", "path"]].rename(
            columns={"bytes": "size", "path": "path in $GOMODCACHE", "refetch": "download again"})
        self.plan_html.value = (
            (_table(frame) if len(frame) else _text("<i>nothing selected</i>"))
            + _text(f"<p>dry run: move {len(self.plan.actions)} entr{'y' if len(self.plan.actions) == 1 else 'ies'} "
                    f"({human_bytes(self.plan.bytes)}) into quarantine; <code>go clean -modcache</code> would throw "
                    f"away all {human_bytes(self.plan.cache_bytes)}.</p>"))
        self._on_confirm({"new": False})

    def _on_confirm(self, change: dict[str, Any]) -> None:
        self.apply_button.disabled = not (change["new"] and self.plan is not None and self.plan.actions)

    def _on_apply(self, _button: Any = None) -> None:
        from ..cache import repair

        if self.apply_button.disabled or not self.confirm.value or self.plan is None:
            return
        self.applied = repair.apply(self.plan, quarantine=self.quarantine, refetch_after=self.refetch.value,
                                    env=self.env)
        a = self.applied
        self.applied_html.value = _pre(
            f"moved {human_bytes(a.bytes_moved)} into {a.session}\n"
            f"kept {human_bytes(a.bytes_kept)} in the cache\n"
            + "".join(f"{action_label(r.action)}: {r.state}\n" for r in a.actions)
            + "".join(f"refetch {r.module}@{r.version}: {'ok' if r.ok else r.detail}\n" for r in a.refetched)
            + f"undo with: gomodlab fix --restore {a.session}")
        self.confirm.value = False
        self._on_scan()


# ---------------------------------------------------------------------------------------------

_PRIMARY, _SECONDARY = "http://primary.lab", "http://secondary.lab"


class ProxyWhatIf(_App):
    """What if the primary or secondary proxy were slower or flakier, with ``,`` or ``|`` between them?

    Sliders set two lognormal fault models; each change re-runs the Monte Carlo model
    (:func:`gomodlab.net.faultmodel.simulate`) and redraws the prediction, against ``measured`` downloads
    (:func:`gomodlab.net.faultmodel.measured_downloads`) when given. State: ``goproxy``, ``models``,
    ``prediction`` (the simulated downloads), ``summary`` (:func:`gomodlab.net.faultmodel.summarize`).
    """

    def __init__(self, measured: pd.DataFrame | None = None, *, primary: FaultModel | None = None,
                 secondary: FaultModel | None = None, separator: str = ",", n: int = 4000, seed: int = 0,
                 stall_s: float = 30.0) -> None:
        self.measured = measured
        self.n, self.seed, self.stall_s = n, seed, stall_s
        self.prediction: pd.DataFrame | None = None
        self.summary: dict[str, float] = {}
        self.models: dict[str, FaultModel] = {}
        self.goproxy = ""
        p_med, p_sig, p_err, p_stall, p_miss = self._initial(primary, (0.02, 0.5, 0.05, 0.0, 0.2))
        s_med, s_sig, s_err, s_stall, s_miss = self._initial(secondary, (0.12, 0.3, 0.0, 0.0, 0.0))
        self.sigma = (p_sig, s_sig)

        def ms(v: float, tip: str) -> W.FloatLogSlider:
            return W.FloatLogSlider(value=max(v * 1000, 1.0), base=10, min=0, max=3.5, step=0.05, tooltip=tip,
                                    continuous_update=False, readout_format=".0f", layout=W.Layout(width="18em"))

        def rate(v: float, tip: str) -> W.FloatSlider:
            return W.FloatSlider(value=v, min=0, max=0.5, step=0.01, continuous_update=False, tooltip=tip,
                                 readout_format=".0%", layout=W.Layout(width="16em"))

        self.primary_ms = ms(p_med, "median response time of the primary, in milliseconds")
        self.primary_errors = rate(p_err, "share of the primary's responses that are 500 Internal Server Error")
        self.primary_missing = rate(p_miss, "share of modules the primary does not have (404)")
        self.primary_stalls = rate(p_stall, "share of the primary's responses that stall until the connection drops")
        self.secondary_ms = ms(s_med, "median response time of the secondary, in milliseconds")
        self.secondary_errors = rate(s_err, "share of the secondary's responses that are 500 Internal Server Error")
        self.separator = W.ToggleButtons(options=[(", (only 404 and 410 fall through)", ","),
                                                  ("| (any error falls through)", "|")], value=separator,
                                         style={"button_width": "auto"})
        self.summary_html = _out("gml-summary")
        self.figure_html = _out("gml-figure-out")
        controls = [self.primary_ms, self.primary_errors, self.primary_missing, self.primary_stalls,
                    self.secondary_ms, self.secondary_errors, self.separator]
        for c in controls:
            c.observe(self._on_change, names="value")
        stall = f"{stall_s:g} s"
        self.widget = _app([
            _sentence("The primary proxy answers in", self.primary_ms, "ms (median),"),
            _sentence("answers 500 to", self.primary_errors, "of requests, has no copy (404) of",
                      self.primary_missing, "of modules,"),
            _sentence("and stalls on", self.primary_stalls, f"of requests (for {stall}, then the connection drops)."),
            _sentence("The secondary proxy answers in", self.secondary_ms, "ms and answers 500 to",
                      self.secondary_errors, "of requests."),
            _sentence("GOPROXY lists them as primary", self.separator, "secondary."),
            self.summary_html, self.figure_html])
        self._on_change()

    @staticmethod
    def _initial(model: FaultModel | None, default: tuple[float, ...]) -> tuple[float, ...]:
        """(median s, sigma, 500 rate, stall rate, missing) from a fault model, as the sliders see it."""
        if model is None:
            return default
        lat = model.latency
        if lat.kind == "lognormal":
            median, sigma = math.exp(lat.params[0]), lat.params[1]
        elif lat.kind == "uniform":
            median, sigma = (lat.params[0] + lat.params[1]) / 2, 0.3
        elif lat.kind == "fixed":
            median, sigma = lat.params[0], 0.0
        else:
            median, sigma = 0.001, 0.0
        errors = sum(p for _, p in model.errors)
        return median, sigma, errors, model.stall_rate, model.missing

    def _on_change(self, _change: Any = None) -> None:
        from ..net.faultmodel import FaultModel, LatencyModel, simulate, summarize

        def model(ms: float, sigma: float, err: float, stall: float = 0.0, missing: float = 0.0) -> FaultModel:
            return FaultModel(LatencyModel("lognormal", (math.log(ms / 1000), sigma)),
                              ((500, err),) if err else (), stall_rate=stall, stall_s=self.stall_s,
                              missing=missing)

        self.models = {
            _PRIMARY: model(self.primary_ms.value, self.sigma[0], self.primary_errors.value,
                            self.primary_stalls.value, self.primary_missing.value),
            _SECONDARY: model(self.secondary_ms.value, self.sigma[1], self.secondary_errors.value),
        }
        self.goproxy = f"{_PRIMARY}{self.separator.value}{_SECONDARY}"
        self.prediction = simulate(self.goproxy, self.models, n=self.n, seed=self.seed)
        self.summary = summarize(self.prediction)
        s = self.summary
        self.summary_html.value = _text(
            f"With <code>GOPROXY={html.escape(self.goproxy)}</code>, of {self.n:,} simulated module downloads "
            f"<b>{s['failure_rate']:.1%} fail</b> and {s['fallback_rate']:.1%} fall back to the secondary; "
            f"a download takes {s['p50_s']:.3f} s (median), {s['p99_s']:.3f} s at the 99th percentile.")
        self.figure_html.value = _svg(plots.fallback_model(self.prediction, self.measured,
                                                           title=f"GOPROXY=primary{self.separator.value}secondary"))

