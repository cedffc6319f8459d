"""The tidy lesson (``notebooks/tidy-lesson.ipynb``): its world, tidy's rounds as tables, the
package graph as a figure, and :class:`TidyLab`, an app that edits imports and build constraints
and shows the go.mod tidy would write.

==========================  ===================================================================
name                        gives
==========================  ===================================================================
:func:`lesson_world`        ``data/tidy-lesson/shop.txtar`` written out: the main module and a
                            file:// GOPROXY directory of its modules (real Go source, no network)
:func:`files_table`         the main module's Go files: package, build constraint, imports
:func:`rounds_table`        one row per round of ``tidy(trace=True)``: what it did
:func:`round_table`         one round's requirements before and after, and what changed
:func:`found_table`         the queries' answers of a ``query`` round
:func:`gosum_table`         the go.sum lines kept, added and dropped
:func:`view`                one round for ``display()``: what it did and its table
:func:`show`                a table for ``display()``, styled for the notebook
:func:`package_graph`       the packages tidy loaded, coloured by module, tests dashed
:class:`TidyLab`            the what-if app (the logic is :mod:`gomodlab.load.tidywhatif`)
==========================  ===================================================================
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..load.sources import GoModSource, source_for
from ..load.tidyrounds import TidyRound
from ..load.tidywhatif import Edit, TidyWhatIf, WhatIf
from ..mod import txtar
from . import plots
from .checkout import CHECKOUT
from .formatting import Table, table
from .universe import ModuleSource, file_proxy_url, write_proxy

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..load.packagegraph import PackageGraph

__all__ = ["LESSON_ARCHIVE", "LessonWorld", "lesson_world", "rounds_table", "round_table", "found_table",
           "gosum_table", "files_table", "show", "Shown", "RoundView", "view", "package_graph", "graph_finding", "TidyLab"]

#: The lesson's world: the main module's files, and its proxy's modules under ``proxy/``.
LESSON_ARCHIVE = CHECKOUT / "data" / "tidy-lesson" / "shop.txtar"


@dataclass(frozen=True)
class LessonWorld:
    """The lesson's world on disk: ``main`` (the main module), ``proxy`` (a GOPROXY directory,
    ``proxy_url`` its file:// URL), ``modcache`` (an empty module cache of its own), ``importable``
    (every package the proxy's modules hold, at any version) and the archive's ``comment``."""

    main: Path
    proxy: Path
    proxy_url: str
    modcache: Path
    importable: tuple[str, ...]
    comment: str

    def source(self) -> GoModSource:
        """Where tidy reads modules: the world's module cache, then its proxy."""
        return source_for(str(self.modcache), self.proxy_url)

    def whatif(self, workdir: str | os.PathLike[str]) -> TidyWhatIf:
        """The what-if tidy of the main module, its scratch copies under ``workdir``."""
        return TidyWhatIf(self.main, self.source(), modcache=str(self.modcache), workdir=workdir)


def lesson_world(workdir: str | os.PathLike[str], archive: str | os.PathLike[str] = LESSON_ARCHIVE) -> LessonWorld:
    """Write ``archive`` (txtar: main module files, ``proxy/<module>@<version>/<file>``) under
    ``workdir``: ``main/``, ``proxy/`` and an empty ``modcache/``."""
    work = Path(workdir)
    arc = txtar.parse(Path(archive).read_text(encoding="utf-8"))
    main = work / "main"
    versions: dict[tuple[str, str], dict[str, str]] = {}
    for name, data in arc.files:
        if name.startswith("proxy/"):
            rest = name[len("proxy/"):]
            at = rest.index("@")
            slash = rest.index("/", at)
            path, version, rel = rest[:at], rest[at + 1:slash], rest[slash + 1:]
            versions.setdefault((path, version), {})[rel] = data
            continue
        target = main / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(data, encoding="utf-8")
    modules = [ModuleSource(p, v, files.pop("go.mod", None), files) for (p, v), files in versions.items()]
    importable = sorted({f"{m.path}/{os.path.dirname(f)}".rstrip("/") for m in modules for f in m.files
                         if f.endswith(".go") and not f.endswith("_test.go")})
    proxy = write_proxy(work / "proxy", modules)
    (work / "modcache").mkdir(parents=True, exist_ok=True)
    return LessonWorld(main, proxy, file_proxy_url(proxy), work / "modcache", tuple(importable), arc.comment)


# -- tables --------------------------------------------------------------------------------

def rounds_table(rounds: Sequence[TidyRound]) -> Table:
    """One row per round: its number, title, the requirements it changed, what it did."""
    rows = []
    for i, r in enumerate(rounds, 1):
        changes = r.changes()
        counts = {k: sum(c.kind == k for c in changes) for k in ("added", "dropped", "raised", "now direct",
                                                                   "now indirect")}
        moved = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
        rows.append({"#": i, "round": r.title, "changed": moved, "what tidy did": r.summary})
    return table(rows, units={"#": "count"})


def round_table(r: TidyRound, *, unchanged: bool = True) -> Table:
    """One round's requirements: each line before and after it, and the change (``kept``: none).
    The go and toolchain lines come first."""
    rows = [{"requirement": c.path, "before": c.before, "after": c.after, "change": c.kind}
            for c in r.changes(unchanged=unchanged)]
    return table(rows or [{"requirement": "", "before": "", "after": "", "change": ""}],
                 units={"requirement": "code", "before": "code", "after": "code"},
                 caption="the requirements before and after this round")


def found_table(r: TidyRound) -> Table:
    """The answers of a ``query`` round: for each missing import, the module version found."""
    return table([{"missing import": f.import_path, "module": f.module, "latest version": f.version} for f in r.found],
                 ["missing import", "module", "latest version"],
                 units={"missing import": "code", "module": "code", "latest version": "code"},
                 caption="what each query found")


def gosum_table(r: TidyRound) -> Table:
    """The go.sum lines of a ``gosum`` round: kept, added or dropped (module, version, hash)."""
    before, after = set(r.gosum_before), set(r.gosum_after)
    rows = []
    for line in sorted(before | after, key=lambda x: (x.split()[:2], x)):
        f = line.split()
        status = "kept" if line in before and line in after else "added" if line in after else "dropped"
        rows.append({"module": f[0] if f else "", "version": f[1] if len(f) > 1 else "",
                     "hash": f[2] if len(f) > 2 else "", "tidy": status})
    return table(rows, ["module", "version", "hash", "tidy"],
                 units={"module": "code", "version": "code", "hash": "code"}, caption="go.sum, line by line")


def files_table(whatif: TidyWhatIf) -> Table:
    """The main module's Go files: package, build constraint and imports of each."""
    from ..mod.goimports import read_go_info

    rows = []
    for pkg in whatif.packages():
        for f in pkg.files:
            info = read_go_info((whatif.main_dir / f).read_bytes(), f)
            expr = whatif.constraint(f)
            rows.append({"file": f, "package": pkg.path, "build constraint": f"//go:build {expr}" if expr else "",
                         "imports": tuple(i.path for i in info.imports)})
    return table(rows, ["file", "package", "build constraint", "imports"],
                 units={"file": "code", "package": "code", "build constraint": "code", "imports": "code"})


#: The lesson's tables in a notebook: left-aligned, module paths kept whole, the last column wrapped.
_CSS = """<style>
.gml-lesson table.gml-table { border-collapse: collapse; margin: 4px 0 8px; font-size: 13px }
.gml-lesson table.gml-table caption { text-align: left; font-weight: 600; padding: 2px 0 }
.gml-lesson table.gml-table th, .gml-lesson table.gml-table td { text-align: left; vertical-align: top;
  padding: 3px 12px 3px 0; white-space: nowrap }
.gml-lesson table.gml-table th { border-bottom: 1px solid var(--jp-border-color1, #bdbdbd) }
.gml-lesson table.gml-table td.num { text-align: right }
.gml-lesson table.gml-table td:last-child { white-space: normal; overflow-wrap: anywhere }
.gml-lesson table.gml-table td code { background: none; padding: 0; white-space: nowrap; word-break: normal;
  overflow-wrap: normal }
.gml-lesson table.gml-table td:last-child code { white-space: normal; overflow-wrap: anywhere }
</style>"""


class Shown:
    """Lesson HTML (tables, a round) for ``display()``, styled for the notebook."""

    def __init__(self, markup: str) -> None:
        self.markup = markup

    def _repr_html_(self) -> str:
        return f"{_CSS}<div class='gml-lesson'>{self.markup}</div>"


def show(t: Table | RoundView) -> Shown:
    """A table (or a round) as the lesson shows it: ``display(show(rounds_table(rounds)))``."""
    return Shown(t.html())


class RoundView:
    """One round for ``display()``: its title and what it did, then its tables (the queries'
    answers for ``query``, the go.sum lines for ``gosum``, the requirements otherwise)."""

    def __init__(self, r: TidyRound, number: int) -> None:
        self.round, self.number = r, number

    def html(self) -> str:
        r = self.round
        parts = [f"<p><b>Round {self.number}: {html.escape(r.title)}.</b> {html.escape(r.summary)}</p>"]
        if r.step == "query":
            parts.append(found_table(r).html())
        if r.step == "gosum":
            parts.append(gosum_table(r).html())
        elif r.step == "layout":
            parts.append(f"<p>go.mod as tidy writes it:</p><pre>{html.escape(r.gomod.decode('utf-8', 'replace'))}</pre>")
        elif r.step == "load":
            pkgs = ", ".join(f"<code>{html.escape(p)}</code>" for p in r.packages)
            parts.append(f"<p>Packages loaded: {pkgs}</p>")
        else:
            parts.append(round_table(r).html())
        return "".join(parts)

    def _repr_html_(self) -> str:
        return Shown(self.html())._repr_html_()


def view(rounds: Sequence[TidyRound], step: str, nth: int = 0) -> RoundView:
    """The ``nth`` round (0: the first) whose step is ``step``, for ``display()``."""
    found = [(i, r) for i, r in enumerate(rounds, 1) if r.step == step]
    if nth >= len(found):
        raise ValueError(f"no round {step!r} number {nth} (there are {len(found)})")
    i, r = found[nth]
    return RoundView(r, i)


# -- the package graph ---------------------------------------------------------------------

def _short(path: str) -> str:
    return path.removeprefix("example.com/")


def graph_finding(graph: PackageGraph) -> str:
    """What brings each dependency module into the build: the main module's package whose imports
    (or whose test's) reach it first, e.g. ``cart → money, decimal; cart's test → assert``."""
    main = graph.main.path
    first: dict[str, str] = {}
    for p in graph.packages:
        if not p.mod.path or p.mod.path == main or p.mod.path in first:
            continue
        q = p
        while q.stack is not None and not (q.stack.mod.path == main and q.stack.mod.version == ""):
            q = q.stack
        via = q.stack
        if via is None:
            continue
        first[p.mod.path] = (_short(via.test_of.path) + "'s test") if via.test_of is not None else _short(via.path)
    by_root: dict[str, list[str]] = {}
    for mod, root in first.items():
        by_root.setdefault(root, []).append(_short(mod))
    return "; ".join(f"{root} → {', '.join(mods)}" for root, mods in sorted(by_root.items()))


def package_graph(graph: PackageGraph, *, title: str | None = None, engine: str = "auto") -> Figure:
    """The packages tidy loaded (standard library left out) in layers, importers above what they
    import: the main module's dark, each dependency module's in its own colour, a test's imports
    dashed; each box says how many of its Go files build. The default title states what brings
    each module in (:func:`graph_finding`)."""
    import matplotlib.patches as mpatches
    from matplotlib.lines import Line2D

    G = graph.to_networkx()
    main = graph.main.path
    H = G.subgraph([n for n, a in G.nodes(data=True) if a.get("module")]).copy()
    modules = sorted({a["module"] for _, a in H.nodes(data=True) if a["module"] != main})
    colors = {m: plots._PALETTE[i % len(plots._PALETTE)] for i, m in enumerate(modules)}

    def label(n: str) -> str:
        files = H.nodes[n].get("files", 0)
        return f"{_short(n)}\n{files} Go file{'s' if files != 1 else ''}"

    pos = plots.layout(H, engine, label, "TB")
    xs = [x for x, _ in pos.values()] or [0.0]
    ys = [y for _, y in pos.values()] or [0.0]
    half = max((plots._label_width(_short(str(n))) for n in H.nodes), default=1.0) / 2 + 0.1
    w = min(max(max(xs) - min(xs) + 2 * half, 6.5), plots.WIDTH)
    fig, ax = plots._figure(w, min(max(ys) - min(ys) + 2.4, 12.0))
    for u, v, e in H.edges(data=True):
        ax.add_patch(mpatches.FancyArrowPatch(pos[u], pos[v], arrowstyle="-|>", mutation_scale=10, lw=1.2,
                                              color="#757575", ls="--" if e.get("test") else "-", shrinkA=14,
                                              shrinkB=14, gid=f"edge:{u}->{v}"))
    for n, a in H.nodes(data=True):
        own = a["module"] == main
        ax.text(*pos[n], label(str(n)), ha="center", va="center", fontsize=7.5, zorder=3, gid=f"node:{n}",
                color="white" if own else "black", fontweight="bold" if own else "normal",
                bbox={"boxstyle": "round,pad=0.3", "fc": plots.STYLE["main"] if own else colors[a["module"]] + "55",
                      "ec": plots.STYLE["main"] if own else colors[a["module"]]})
    ax.set_xlim(min(xs) - half, max(xs) + half)
    ax.set_ylim(min(ys) - 0.5, max(ys) + 0.5)
    ax.set_axis_off()
    handles = [mpatches.Patch(fc=plots.STYLE["main"], label=f"{_short(main)} (main module)")]
    handles += [mpatches.Patch(fc=colors[m] + "55", ec=colors[m], label=_short(m)) for m in modules]
    handles += [Line2D([], [], color="#757575", label="imports"),
                Line2D([], [], color="#757575", ls="--", label="a test imports")]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(4, len(handles)), fontsize=8, frameon=False)
    finding = graph_finding(graph)
    text = title or f"What brings each module in: {finding}"
    plots._title(fig, text)
    alt = (f"Package graph of {_short(main)}: {H.number_of_nodes()} packages from {len(modules) + 1} modules, "
           f"{H.number_of_edges()} imports ({sum(1 for *_, e in H.edges(data=True) if e.get('test'))} by tests). "
           f"{text}.")
    return plots._describe(fig, alt)


# -- the app -------------------------------------------------------------------------------

#: The build constraints the app offers (tidy counts every GOOS, GOARCH and tag but ``ignore``).
CONSTRAINTS = (("no build constraint", ""), ("//go:build linux", "linux"), ("//go:build postgres", "postgres"),
               ("//go:build windows && arm64", "windows && arm64"), ("//go:build ignore", "ignore"))


class TidyLab:
    """What would ``go mod tidy`` write if a package imported something else, or a file had
    another build constraint?

    ``whatif`` is a :class:`gomodlab.load.tidywhatif.TidyWhatIf`; ``importable`` import paths the
    import box offers (any path may be typed). Each *tidy with …* button adds an edit and tidies
    again; state for tests: ``edits`` (the :class:`~gomodlab.load.tidywhatif.Edit` list),
    ``outcome`` (the :class:`~gomodlab.load.tidywhatif.WhatIf`), ``error`` (an edit refused).
    """

    def __init__(self, whatif: TidyWhatIf, importable: Iterable[str] = ()) -> None:
        from . import widgets as gw

        W = gw.W
        self.whatif = whatif
        self.importable = tuple(importable)
        self.edits: list[Edit] = []
        self.outcome: WhatIf | None = None
        self.error: str | None = None
        pkgs = [p.path for p in whatif.packages()]
        self.package = W.Dropdown(options=pkgs, value=pkgs[0] if pkgs else None, layout=_fit(pkgs),
                                  tooltip="a package of the main module")
        self.action = W.Dropdown(options=[("imports", "add-import"), ("no longer imports", "remove-import")],
                                 value="add-import", layout=gw._auto())
        self.import_path = W.Combobox(options=[], placeholder="an import path", ensure_option=False,
                                      layout=W.Layout(width="18em"), tooltip="pick one, or type any import path")
        self.import_path.add_class("gml-import")
        self.apply_import = W.Button(description="tidy with this import", icon="play", layout=gw._auto())
        files = list(whatif.go_files())
        self.file = W.Dropdown(options=files, value=files[0] if files else None, layout=_fit(files),
                               tooltip="a Go file of the main module")
        self.constraint = W.Dropdown(options=list(CONSTRAINTS), layout=_fit([label for label, _ in CONSTRAINTS]))
        self.apply_constraint = W.Button(description="tidy with this constraint", icon="play", layout=gw._auto())
        self.undo = W.Button(description="undo the last change", icon="undo", layout=gw._auto())
        self.reset = W.Button(description="start again", icon="refresh", layout=gw._auto())
        self.edits_html = gw._out("gml-edits")
        self.summary_html = gw._out("gml-summary")
        self.gomod_html = gw._out("gml-gomod")
        self.diff_html = gw._out("gml-diff")
        self.rounds_html = gw._out("gml-rounds")
        for w in (self.gomod_html, self.diff_html):
            w.layout = W.Layout(width="50%", min_width="0")
        self.package.observe(self._on_choice, names="value")
        self.action.observe(self._on_choice, names="value")
        self.file.observe(self._on_file, names="value")
        self.apply_import.on_click(self._on_import)
        self.apply_constraint.on_click(self._on_constraint)
        self.undo.on_click(self._on_undo)
        self.reset.on_click(self._on_reset)
        self.widget = gw._app([
            gw._sentence("In package", self.package, "the code", self.action, self.import_path, self.apply_import),
            gw._sentence("The file", self.file, "has", self.constraint, self.apply_constraint),
            gw._sentence(self.edits_html, self.undo, self.reset),
            self.summary_html,
            W.HBox([self.gomod_html, self.diff_html], layout=W.Layout(width="100%")),
            self.rounds_html,
        ])
        self._on_choice()
        self._on_file({"new": self.file.value})
        self._run()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _choices(self) -> list[str]:
        """What the import box offers: the package's imports (to remove), or the importable paths
        it does not import yet (to add)."""
        pkg = next((p for p in self.whatif.packages(self.edits) if p.path == self.package.value), None)
        have = set(pkg.imports) if pkg is not None else set()
        if self.action.value == "remove-import":
            return sorted(have)
        return [p for p in self.importable if p not in have and p != self.package.value]

    def _on_choice(self, _change: Any = None) -> None:
        self.import_path.options = self._choices()
        self.import_path.value = ""

    def _on_file(self, change: dict[str, Any]) -> None:
        if not change["new"]:
            return
        current = self.whatif.constraint(change["new"], self.edits)
        options = list(CONSTRAINTS)
        if current not in {v for _, v in options}:
            options.append((f"//go:build {current}", current))
        self.constraint.options = options
        self.constraint.value = current

    def _add(self, edit: Edit) -> None:
        self.edits.append(edit)
        if not self._run():
            self.edits.pop()
        self._on_choice()

    def _on_import(self, _button: Any = None) -> None:
        path = self.import_path.value.strip()
        if not path:
            self.error = "type or pick an import path first"
            self.summary_html.value = _error(self.error)
            return
        self._add(Edit(self.action.value, self.package.value, path))

    def _on_constraint(self, _button: Any = None) -> None:
        self._add(Edit("constraint", self.file.value, self.constraint.value))

    def _on_undo(self, _button: Any = None) -> None:
        if self.edits:
            self.edits.pop()
            self._run()
            self._on_choice()
            self._on_file({"new": self.file.value})

    def _on_reset(self, _button: Any = None) -> None:
        self.edits.clear()
        self._run()
        self._on_choice()
        self._on_file({"new": self.file.value})

    def _run(self) -> bool:
        """Tidy after the edits; False (and the error shown) when an edit cannot be made."""
        from ..errors import GomodlabError
        from . import widgets as gw

        self.error = None
        try:
            out = self.whatif.run(self.edits)
        except GomodlabError as e:
            self.error = str(e)
            self.summary_html.value = _error(self.error)
            return False
        self.outcome = out
        self.edits_html.value = gw._text(
            "<b>Changes to the Go files:</b> " + ("; ".join(html.escape(e.describe()) for e in self.edits)
                                                   if self.edits else "none yet (the module as it is)"))
        if out.error:
            self.summary_html.value = _error("go mod tidy fails (exit status 1), in go's words:\n" + out.error.strip())
        else:
            diff = out.diff
            plus = sum(1 for x in diff.splitlines() if x.startswith("+") and not x.startswith("+++"))
            minus = sum(1 for x in diff.splitlines() if x.startswith("-") and not x.startswith("---"))
            self.summary_html.value = gw._text(
                f"<b>go mod tidy</b> would {'change go.mod: ' + str(plus) + ' line(s) added, ' + str(minus) + ' removed' if diff else 'leave go.mod as it is'}"
                f"; go.sum: {len(out.rounds[-1].gosum_after)} line(s).")
        head = "go.mod as it is (tidy fails: it writes nothing)" if out.error else "go.mod as tidy would write it"
        self.gomod_html.value = gw._text(f"<b>{head}</b>") + gw._pre(out.gomod.decode())
        self.diff_html.value = gw._text("<b>go mod tidy -diff</b>") + (
            gw._text("<i>fails as tidy does</i>") if out.error else gw._pre(out.diff) if out.diff
            else gw._text("<i>no difference</i>"))
        self.rounds_html.value = (gw._text("<b>Round by round</b>") + rounds_table(out.rounds).html()
                                  if out.rounds else "")
        return True


def _fit(options: Sequence[str]) -> Any:
    """A dropdown as wide as its longest option (and its arrow), so no choice is cut off."""
    from .widgets import W

    return W.Layout(width=f"{max((len(o) for o in options), default=10) * 0.6 + 3:.1f}em", flex="0 0 auto")


def _error(text: str) -> str:
    return f"<div class='gml-text' style='color: #c62828; white-space: pre-wrap'>{html.escape(text)}</div>"
