"""The post-mortem page's sections, as HTML: a view of a :class:`gomodlab.lab.postmortem.Investigation`.

Laid out after the SRE post-mortem form (summary, impact, root cause, trigger, resolution,
detection, action items, timeline) and Lighthouse's report (the verdict first, the details folded
away): a reader gets the answer from the first screen and opens only the evidence they doubt.

=======================  ========================================================================
function                 section
=======================  ========================================================================
:func:`summary`          ``<section id="summary">``: the root cause in one sentence, the damaged
                         module@version and its path, the smallest fix as commands to paste, and
                         what was checked before recommending it and what checks it afterwards
:func:`impact`           what failed and what it touches: go commands, cache entries, the build
:func:`timeline`         time-ordered events from the cache, the access log and go's output
:func:`evidence`         one ``<details>`` per finding: each diagnosis, the scan, the repair plan,
                         the checksum triage, the module graph, the network
:func:`figures`          the figures, each with a title that states its finding and alt text
:func:`page`             all of them, in that order, with the stylesheet (:data:`CSS`)
:func:`wrap`             one of them for a notebook cell (the first one carries the stylesheet)
=======================  ========================================================================

Every table goes through :func:`gomodlab.lab.formatting.table` (no index, no NaN, no tuples,
units); the notebook displays these strings with ``IPython.display.HTML``. A view computes
nothing: the numbers come from the investigation and the engine's own summaries.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .formatting import MISSING, human_bytes, human_count, human_percent, human_seconds, proxy_name, table

if TYPE_CHECKING:
    from .postmortem import Investigation

__all__ = ["CSS", "summary", "impact", "timeline", "evidence", "figures", "page", "about", "wrap"]

#: The page's stylesheet: readable at 1280 px and on a 390 px phone (tables turn into label/value
#: stacks), long paths and hashes wrap instead of overflowing, and a print layout with every
#: ``<details>`` open. Scoped to ``.gml`` so it does not restyle JupyterLab around it.
CSS = """
.gml { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 15px; line-height: 1.5;
  color: #1b1b1b; max-width: 62rem; min-width: 0; overflow-wrap: break-word; }
.gml * { box-sizing: border-box; }
.gml h1 { font-size: 1.45rem; margin: 0 0 .5rem; line-height: 1.25; }
.gml h2 { font-size: 1.15rem; margin: 1.6rem 0 .5rem; padding-bottom: .2rem; border-bottom: 1px solid #e0e0e0; }
.gml h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
.gml section { margin: 0 0 1rem; max-width: 100%; }
.gml p { margin: .35rem 0; }
.gml code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .88em;
  overflow-wrap: break-word; word-break: normal; background: #f2f3f5; padding: 0 .2em; border-radius: 3px; }
.gml code.nb { white-space: nowrap; }
.gml pre code { background: transparent; color: inherit; padding: 0; font-size: inherit; }
.gml pre { white-space: pre-wrap; overflow-wrap: break-word; word-break: normal; max-width: 100%;
  margin: .3rem 0; padding: .5rem .7rem; background: #f6f8fa; border-radius: 4px; font-size: .85rem; }
.gml #summary, .gml .gml-summary { border-left: 6px solid #c62828; background: #fff6f5; padding: .9rem 1.1rem;
  border-radius: 6px; }
.gml .gml-summary.clean { border-left-color: #2e7d32; background: #f1f8e9; }
.gml .gml-verdict { font-size: 1.05rem; }
.gml dl.gml-facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .15rem .9rem; margin: .6rem 0; }
.gml dl.gml-facts dt { font-weight: 600; white-space: nowrap; margin: 0; }
.gml dl.gml-facts dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.gml pre.gml-fix { background: #1f2328; color: #f6f8fa; user-select: all; -webkit-user-select: all; cursor: text;
  font-size: .9rem; }
.gml .gml-hint { color: #555; font-size: .85rem; }
.gml ul.gml-checks { margin: .3rem 0; padding-left: 1.3rem; }
.gml details { border: 1px solid #e0e0e0; border-radius: 5px; margin: .4rem 0; padding: .3rem .7rem; }
.gml details > summary { cursor: pointer; font-weight: 600; }
.gml details[open] > summary { margin-bottom: .3rem; }
.gml .gml-table-wrap { max-width: 100%; overflow-x: auto; margin: .4rem 0; }
.gml table.gml-table { border-collapse: collapse; width: 100%; font-size: .84rem; table-layout: auto; margin: 0; }
.gml table.gml-table caption { text-align: left; font-weight: 600; padding: .2rem 0; }
.gml table.gml-table th, .gml table.gml-table td { text-align: left; vertical-align: top; padding: .25rem .5rem;
  border: 0; border-bottom: 1px solid #e6e6e6; overflow-wrap: break-word; word-break: normal; max-width: none;
  white-space: normal; }
.gml table.gml-table td.long, .gml table.gml-table td.long code { overflow-wrap: anywhere; }
.gml table.gml-table td code { white-space: pre-wrap; }
.gml table.gml-table thead th { background: #f6f8fa; font-weight: 600; }
.gml table.gml-table td.num { text-align: right; white-space: nowrap; }
.gml table.gml-table td.missing { color: #999; }
.gml figure.gml-figure { margin: .8rem 0; max-width: 100%; }
.gml figure.gml-figure img { max-width: 100%; height: auto; display: block; }
.gml figure.gml-figure figcaption { font-size: .85rem; color: #555; }
@media (max-width: 640px) {
  .gml { font-size: 14px; }
  .gml dl.gml-facts { grid-template-columns: minmax(0, 1fr); }
  .gml dl.gml-facts dd { margin-bottom: .3rem; }
  .gml table.gml-table thead { display: none; }
  .gml table.gml-table, .gml table.gml-table tbody, .gml table.gml-table tr, .gml table.gml-table td {
    display: block; width: 100%; }
  .gml table.gml-table tr { border-bottom: 2px solid #d0d0d0; padding: .2rem 0; }
  .gml table.gml-table td { border: 0; padding: .1rem .2rem; text-align: left; }
  .gml table.gml-table td.num { text-align: left; white-space: normal; }
  .gml table.gml-table td::before { content: attr(data-label) ": "; font-weight: 600; }
}
@media print {
  .gml { max-width: none; font-size: 11pt; }
  .gml details { border: 0; padding: 0; }
  .gml details::details-content { content-visibility: visible; display: contents; }
  .gml pre.gml-fix { background: #fff; color: #000; border: 1px solid #888; }
  .gml figure.gml-figure, .gml table.gml-table tr { break-inside: avoid; }
  .gml h2 { break-after: avoid; }
}
"""

# Chromium prints a closed <details> closed (before ::details-content): open them all for print.
_PRINT_SCRIPT = ("<script>window.addEventListener('beforeprint',()=>document.querySelectorAll('.gml details')"
                 ".forEach(d=>d.open=true));</script>")

def _e(text: str) -> str:
    """Text for an element's content (quotes stay quotes: the page reads ``go's``, not ``&#x27;``)."""
    return html.escape(text, quote=False)



def _code(text: str) -> str:
    """Inline code; a short one (a command, a module) is never broken at its hyphens."""
    return f'<code class="nb">{_e(text)}</code>' if len(text) <= 40 else f"<code>{_e(text)}</code>"


def _entry(module: str | None, version: str | None) -> str:
    return f"{module}@{version}" if module and version else (module or "")


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{human_count(n)} {word if n == 1 else (many or word + 's')}"


def _proxy(inv: Investigation, url: Any) -> str:
    return proxy_name(url, inv.lab)


def _root_cause(inv: Investigation) -> str:
    """One sentence: what is wrong, where, and why go stopped."""
    d = inv.primary
    damaged = inv.plan.actions if inv.plan is not None else ()
    if d is None:
        if damaged:
            return (f"The module cache holds {_plural(len(damaged), 'damaged entry', 'damaged entries')}, "
                    "though go's output (not given) does not say which one stopped it.")
        return "No problem was found in the evidence given."
    what = d.summary.split(": ", 1)[-1] if d.module and ": " in d.summary else d.summary
    sentence = f"{_code(_entry(d.module, d.version))}: {_e(what)}" if d.module else _e(what)
    others = [a for a in damaged if (a.module, a.version) != (d.module, d.version)]
    if others:
        sentence += (f". The same scan found {_plural(len(others), 'other damaged cache entry', 'other damaged cache entries')}"
                     " that go would stop at next")
    return sentence.rstrip(".") + "."


def _checked(inv: Investigation) -> list[str]:
    """What this post-mortem checked before recommending the fix (facts, not advice)."""
    out: list[str] = []
    for t in inv.triaged:
        if t.cause == "consistent":
            continue
        proxies = [o for o in t.observations if o.source.startswith("proxy ")]
        gosum = next((o.hash for o in t.observations if o.source == "go.sum"), "")
        agree = [o for o in proxies if gosum and o.hash == gosum]
        line = f"{_code(_entry(t.module, t.version))} {_e(t.subject)}: {_e(t.explanation)}"
        if agree:
            line += (f"; {_e(_proxy(inv, agree[0].source[6:]))} serves it with go.sum's hash "
                     f"{_code(gosum)}, so refetching restores the recorded bytes")
        out.append(line + ".")
    if inv.plan is not None and inv.plan.actions:
        p = inv.plan
        out.append(f"The repair was dry-run: it moves {_plural(len(p.actions), 'entry', 'entries')} "
                   f"({human_bytes(p.bytes)}) into a quarantine next to the cache, under go's locks; "
                   f"{_code('gomodlab fix --restore')} puts them back. The other {human_bytes(p.cache_bytes - p.bytes)} "
                   f"of the cache stay (instead of {_code('go clean -modcache')} deleting {human_bytes(p.cache_bytes)}).")
    return out


def _after(inv: Investigation) -> str:
    if "go mod verify" in inv.fix:
        return (f"The last command, {_code('go mod verify')}, checks every cached module against go.sum: it must print "
                f"{_code('all modules verified')}. Then rerun {_code(inv.commands[-1]) if inv.commands else 'the failed go command'}.")
    if inv.fix:
        return f"Then rerun {_code(inv.commands[-1]) if inv.commands else 'the failed go command'}: it must exit 0."
    return ""


def summary(inv: Investigation, title: str = "Post-mortem") -> str:
    """``<section id="summary">``: the verdict, first on the page."""
    d = inv.primary
    clean = d is None and not (inv.plan is not None and inv.plan.actions)
    facts = [("Root cause", _root_cause(inv))]
    if d is not None and d.module:
        where = inv.damaged_path()
        facts.append(("Damaged", _code(_entry(d.module, d.version)) + (f" at {_code(where)}" if where else "")))
    if inv.commands:
        facts.append(("Trigger", ", ".join(_code(c) for c in inv.commands) + " failed"
                      + (f" ({_plural(len(inv.diagnoses), 'problem')} in go's output)" if inv.diagnoses else "")))
    out = [f'<section id="summary" class="gml-summary{" clean" if clean else ""}" aria-label="Summary">',
           f"<h1>{_e(title)}</h1>", f'<p class="gml-verdict">{facts[0][1]}</p>',
           '<dl class="gml-facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts[1:]) + "</dl>"]
    if inv.fix:
        out.append(f"<h2 id=\"fix\">Smallest fix: run {'these commands' if len(inv.fix) > 1 else 'this command'} in order</h2>")
        out.append(f'<pre class="gml-fix" aria-label="the fix, one shell command per line"><code>'
                   f'{_e(chr(10).join(inv.fix))}</code></pre>')
        out.append('<p class="gml-hint">One click selects every line; each is a complete shell command.</p>')
    checks = _checked(inv)
    if checks:
        out.append("<h3>Checked by this post-mortem</h3><ul class=\"gml-checks\">"
                   + "".join(f"<li>{c}</li>" for c in checks) + "</ul>")
    after = _after(inv)
    if after:
        out.append(f"<h3>Verify after the fix</h3><p>{after}</p>")
    out.append("</section>")
    return "".join(out)


def impact(inv: Investigation) -> str:
    """What the failure touched: go commands, cache entries (and which the build needs), network."""
    rows: list[tuple[str, str]] = []
    if inv.commands:
        rows.append(("go commands that failed", ", ".join(_code(c) for c in inv.commands)))
    if inv.plan is not None:
        p = inv.plan
        rows.append(("damaged cache entries", f"{_plural(len(p.actions), 'entry', 'entries')}, {human_bytes(p.bytes)} "
                     f"of the {human_bytes(p.cache_bytes)} cache" if p.actions else "none: the cache is intact"))
    if inv.graph is not None and inv.plan is not None and inv.plan.actions:
        build = [_entry(a.module, a.version) for a in inv.plan.actions
                 if a.version and inv.graph.selected(a.module) == a.version]
        rows.append(("in the project's build", ", ".join(_code(b) for b in build) if build else
                     "none of the damaged versions (they only waste space)"))
    for name, frame in (("go's requests", inv.requests), ("the proxies' log", inv.served)):
        if frame is None:
            continue
        http = frame[frame["kind"] == "http"]
        if not len(http):
            continue
        codes = http["status_code"].fillna(0).astype(int)
        failed = int(((codes >= 500) | ~http["finished"].astype(bool)).sum())
        rows.append((name, f"{_plural(len(http), 'HTTP request')}, {human_count(failed)} failed or unanswered "
                     f"({human_percent(failed / len(http))}), {human_count(int((codes == 404).sum()))} not found"))
        break
    if not rows:
        return ""
    return ('<section id="impact"><h2>Impact</h2><dl class="gml-facts">'
            + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows) + "</dl></section>")


def timeline(inv: Investigation, events: Sequence[Any]) -> str:
    """The events of :func:`gomodlab.lab.postmortem.timeline` as a table, oldest first."""
    t = table([(e.time, e.source, e.text) for e in events], ["when (UTC)", "from", "what happened"],
              units={"when (UTC)": "time"})
    return f'<section id="timeline"><h2>Timeline</h2>{t.html()}</section>'


def _details(title: str, body: str, *, open_: bool = False, ident: str = "") -> str:
    attrs = (f' id="{html.escape(ident)}"' if ident else "") + (" open" if open_ else "")
    return f"<details{attrs}><summary>{title}</summary>{body}</details>"


def _diagnosis(inv: Investigation, i: int, d: Any) -> str:
    lines = "\n".join(f"{e.line:>4}  {e.text}" for e in d.evidence)
    facts = [("what", _e(d.summary)), ("category", _code(d.category)), ("go's output", f"line {_e(d.line_ranges)}")]
    if d.location:
        facts.append(("where", _code(d.location)))
    body = ('<dl class="gml-facts">' + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts) + "</dl>"
            + f"<pre>{_e(lines)}</pre>")
    from .postmortem import fix_lines

    fix = fix_lines(d.fix)
    if fix:
        body += f'<p>Its own fix:</p><pre class="gml-fix"><code>{_e(chr(10).join(fix))}</code></pre>'
    who = _entry(d.module, d.version) or d.category
    return _details(f"{'Primary: ' if i == 0 else ''}<code>{_e(who)}</code>: {_e(d.category)}", body,
                    open_=i == 0, ident=f"diagnosis-{i + 1}")


def _network_tables(inv: Investigation) -> list[str]:
    from ..net import logstats

    out: list[str] = []
    for name, frame in (("go's -x trace", inv.requests), ("the proxies' access log", inv.served)):
        if frame is None or not (frame["kind"] == "http").any():
            continue
        s = logstats.latency_summary(frame).reset_index()
        t = table(s, {"proxy": "proxy", "endpoint": "endpoint", "requests": "requests", "ok": "ok",
                      "not_found": "not found", "errors": "failed", "timeouts": "no answer", "p50_s": "median",
                      "p90_s": "90th pct", "max_s": "slowest"},
                  units={"requests": "count", "ok": "count", "not_found": "count", "errors": "count",
                         "timeouts": "count", "p50_s": "seconds", "p90_s": "seconds", "max_s": "seconds"},
                  formatters={"proxy": lambda u: _proxy(inv, u)})
        http = int((frame["kind"] == "http").sum())
        out.append(_details(f"Latency per proxy and endpoint, from {name} ({_plural(http, 'request')})", t.html()))
    if inv.requests is not None:
        falls = logstats.fallback_summary(inv.requests)
        if len(falls):
            t = table(falls, {"module": "module", "version": "version", "from_proxy": "from", "to_proxy": "to",
                              "endpoints": "endpoints", "statuses": "answers"},
                      units={"module": "code", "version": "code"},
                      formatters={"from_proxy": lambda u: _proxy(inv, u), "to_proxy": lambda u: _proxy(inv, u),
                                  "statuses": _answers})
            out.append(_details(f"{_plural(len(falls), 'module version')} fell back to the next GOPROXY entry",
                                t.html()))
        commands = inv.requests[inv.requests["kind"].isin(["git", "command"])]
        failed = commands[commands["exit_status"].fillna(0) != 0]
        if len(failed):
            t = table(failed, {"argv": "command", "directory": "in", "exit_status": "exit status", "error": "error"},
                      units={"argv": "code", "directory": "path", "exit_status": "code"},
                      formatters={"argv": lambda a: " ".join(map(str, a)) if not isinstance(a, str) else a})
            out.append(_details(f"{_plural(len(failed), 'command')} go ran failed", t.html()))
        cp = logstats.critical_path(inv.requests)
        if cp.attrs.get("chain"):
            out.append(f"<p>Critical path: {_code(cp.attrs['chain'])}, {human_seconds(cp.attrs['total_s'])} of work "
                       "that had to happen one step after another.</p>")
    return out


def _answers(statuses: Iterable[Any]) -> str:
    """``((404,), (500,))`` → ``404, 500``; an unanswered request (None) → ``no answer``."""
    flat = []
    for s in statuses:
        for code in (s if isinstance(s, (tuple, list)) else (s,)):
            text = "no answer" if code is None or code != code else str(int(code))
            flat.append(text)
    return ", ".join(flat) if flat else MISSING


def evidence(inv: Investigation) -> str:
    """One collapsible block per finding, the primary diagnosis open."""
    from ..load import graph

    out = ['<section id="evidence"><h2>Evidence</h2>']
    if inv.diagnoses:
        out.append(f"<h3>What go said: {_plural(len(inv.diagnoses), 'problem')}, the primary one first</h3>")
        out += [_diagnosis(inv, i, d) for i, d in enumerate(inv.diagnoses)]
        n = len(inv.go_text.splitlines())
        out.append(_details(f"go's output ({_plural(n, 'line')})", f"<pre>{_e(inv.go_text)}</pre>"))
    elif inv.evidence.go_log is None:
        out.append("<p>No go output given (<code>go_log</code>).</p>")
    if inv.scan is not None:
        out.append("<h3>The module cache</h3>")
        ff = inv.scan.findings_frame()
        t = table(ff, {"kind": "finding", "module": "module", "version": "version", "detail": "detail"},
                  units={"kind": "code", "module": "code", "version": "code"})
        out.append(_details(f"{_plural(len(ff), 'finding')} in {_code(str(inv.scan.root))}", t.html()))
        if inv.plan is not None and inv.plan.actions:
            from .postmortem import action_label

            rows = [(action_label(a) if a.version else f"git checkout of {a.module}", ", ".join(a.kinds), sum(m.bytes for m in a.moves),
                     "yes" if a.refetch else "no: go clones it again", "\n".join(m.src for m in a.moves))
                    for a in inv.plan.actions]
            t = table(rows, ["entry", "what is wrong", "size", "refetched", "moved to the quarantine"],
                      units={"entry": "code", "size": "bytes", "moved to the quarantine": "path"})
            out.append(_details(f"Repair plan (dry run): {_plural(len(rows), 'entry', 'entries')}, "
                                f"{human_bytes(inv.plan.bytes)}", t.html()))
    if inv.triaged:
        rows = [(_entry(t.module, t.version), t.subject, t.cause, t.trust, t.advice) for t in inv.triaged]
        t = table(rows, ["module", "file", "verdict", "trust", "advice"], units={"module": "code"})
        hashes = [(_entry(tr.module, tr.version), tr.subject, o.source.replace(o.source[6:], _proxy(inv, o.source[6:]))
                   if o.source.startswith("proxy ") else o.source, o.hash or ("unreadable" if o.unreadable else ""))
                  for tr in inv.triaged for o in tr.observations]
        h = table(hashes, ["module", "file", "source", "hash"], units={"module": "code", "hash": "code"})
        out.append(_details(f"Checksum triage of {_plural(len({r[0] for r in rows}), 'module version')}",
                            t.html() + h.html()))
    if inv.graph is not None:
        mg = inv.graph
        whys = "\n\n".join(graph.why(mg, m).text().strip() for m in inv.named)
        body = (f"<p>Build list of {_code(mg.main.path)} as <code>go list -m all</code> computes it "
                f"({_e(mg.pruning)} graph).</p>" + (f"<pre>{_e(whys)}</pre>" if whys else ""))
        bl = graph.build_list_frame(mg)
        t = table(bl, {"path": "module", "version": "version", "replaced_by": "replaced by", "indirect": "indirect",
                       "why": "required through"}, units={"path": "code", "version": "code", "why": "path"})
        body += _details(f"Build list ({_plural(len(bl), 'module')})", t.html())
        out.append(_details(f"Why {', '.join(_code(m) for m in inv.named) or 'these modules'} are in the build",
                            body))
    for problem in inv.problems:
        out.append(f"<p>Not available: {_e(problem)}</p>")
    net = _network_tables(inv)
    if net:
        out.append("<h3>The network</h3>")
        out += net
    out.append("</section>")
    return "".join(out)


def figures(inv: Investigation) -> str:
    """The figures, each an ``<img>`` with alt text, at most the page's width."""
    from ..net import logstats
    from . import plots
    from .postmortem import focus_graph

    out: list[str] = []
    if inv.scan is not None and inv.scan.findings:
        out.append(plots.to_html(plots.cache_findings(inv.scan)))
    if inv.hygiene is not None and len(inv.hygiene.versions):
        out.append(plots.to_html(plots.cache_sizes(inv.hygiene.versions)))
    if inv.graph is not None:
        G, on_path = focus_graph(inv.graph, inv.named)
        named = ", ".join(inv.named)
        title = (f"How {inv.graph.main.path} requires {named} (highlighted)" if named
                 else f"Requirement graph of {inv.graph.main.path}")
        out.append(plots.to_html(plots.requirement_graph(G, highlight=on_path, title=title)))
    if inv.requests is not None and (inv.requests["kind"] == "http").any():
        out.append(plots.to_html(plots.latency(inv.requests, logstats.latency_summary(inv.requests, by=["proxy"]),
                                               proxy_names=inv.lab)))
    if not out:
        return ""
    return '<section id="figures"><h2>Figures</h2>' + "".join(out) + "</section>"


def about(inv: Investigation) -> str:
    """What the post-mortem read (the parameters), folded at the bottom of the page."""
    t = table(inv.evidence.table(), ["evidence", "value"], units={"value": "path"})
    return ('<section id="about"><h2>About this report</h2>'
            + _details("The evidence this post-mortem read", t.html()) + "</section>")


def wrap(section: str, *, css: bool = False) -> str:
    """One section for a notebook cell's output: in ``<div class="gml">``, the stylesheet (and the
    print script) with the first."""
    head = f"<style>{CSS}</style>{_PRINT_SCRIPT}" if css else ""
    return f'{head}<div class="gml">{section}</div>' if section else ""


def page(inv: Investigation, events: Sequence[Any], title: str = "Post-mortem") -> str:
    """The whole post-mortem in one ``<div class="gml">``: summary, impact, timeline, evidence,
    figures, about; the stylesheet first."""
    parts = [summary(inv, title), impact(inv), timeline(inv, events), evidence(inv), figures(inv), about(inv)]
    return f'<style>{CSS}</style><div class="gml">' + "".join(p for p in parts if p) + "</div>" + _PRINT_SCRIPT
