"""The analyses behind the post-mortem notebook: gather the evidence, tie it together, name the fix.

The notebook (``notebooks/postmortem.ipynb``, run by ``gomodlab report``) only calls these and the
engine's own functions, and displays what they return:

- :class:`Evidence` — the parameters (project, module cache, go's output, ``-x`` trace, access log,
  GOPROXY, saved ``go mod graph``) resolved to paths; with none given, the built-in demo's samples.
- :func:`diagnoses_frame` — :func:`gomodlab.diagnose.explain.explain`'s diagnoses as a table.
- :func:`load_graph` — the module graph from whatever source the evidence has.
- :func:`named_modules` — the modules to show requirement paths for.
- :func:`focus_graph` — the requirement graph to draw: all of it, or around those paths when large.
- :func:`triage_named` — checksum triage of every cache-related diagnosis.
- :func:`smallest_fix` — the commands to run, in order.
- :func:`investigate` — all of the above at once, as an :class:`Investigation` (what the report
  page shows, :mod:`gomodlab.lab.postmortem_page`), with its :func:`timeline`.

Diagnoses table (:func:`diagnoses_frame`): ``category``, ``module``, ``version``, ``lines`` (the
evidence line numbers, ``3-5,9``), ``summary``, ``fix`` (commands, one per line).
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SourceError
from .checkout import SAMPLE_DIR

if TYPE_CHECKING:
    import pandas as pd

    from ..diagnose.explain import Diagnosis
    from ..load.modload import ModGraph
    from ..cache.repair import Plan
    from ..cache.triage import Triage

__all__ = ["Evidence", "diagnoses_frame", "load_graph", "named_modules", "triage_named", "smallest_fix",
           "action_label", "focus_graph", "CACHE_CATEGORIES", "Investigation", "investigate", "fix_lines",
           "lab_proxies", "Event", "timeline"]

#: Diagnoses about cached bytes that disagree with a recorded hash: the ones a checksum triage decides.
CACHE_CATEGORIES = ("checksum-mismatch", "cache-modified")


def _path(value: str | os.PathLike[str] | None) -> Path | None:
    return None if value in (None, "") else Path(os.path.expanduser(os.fspath(value))).resolve()


@dataclass(frozen=True)
class Evidence:
    """What the post-mortem looks at; every field may be missing (its section is then skipped)."""

    project_dir: Path | None = None
    modcache: Path | None = None
    go_log: Path | None = None
    xlog: Path | None = None
    access_log: Path | None = None
    goproxy: str | None = None
    modgraph: Path | None = None
    modules: tuple[str, ...] = ()
    samples: bool = False
    gosum: tuple[Path, ...] = field(default=())
    env_file: Path | None = None    # shell exports of the world the evidence came from (demo.env)

    @classmethod
    def from_params(cls, *, project_dir: str | os.PathLike[str] | None = None,
                    modcache: str | os.PathLike[str] | None = None, go_log: str | os.PathLike[str] | None = None,
                    xlog: str | os.PathLike[str] | None = None, access_log: str | os.PathLike[str] | None = None,
                    goproxy: str | None = None, modgraph: str | os.PathLike[str] | None = None,
                    modules: Iterable[str] | str | None = (),
                    env_file: str | os.PathLike[str] | None = None) -> Evidence:
        """The notebook's parameters as paths. No evidence at all means the demo's samples
        (``data/demo``: go's output, the ``-x`` trace, the access log, go.mod/go.sum, the graph)."""
        if isinstance(modules, str):
            modules = [m for m in modules.replace(",", " ").split() if m]
        mods = tuple(modules or ())
        if all(v in (None, "") for v in (project_dir, modcache, go_log, xlog, access_log, modgraph)):
            s = SAMPLE_DIR
            return cls(project_dir=s, go_log=s / "go-error.txt", xlog=s / "go-x.log",
                       access_log=s / "proxy-access.jsonl", modgraph=s / "modgraph.txt", modules=mods,
                       samples=True, gosum=(s / "go.sum",), goproxy=goproxy)
        proj = _path(project_dir)
        gosum = (proj / "go.sum",) if proj is not None and (proj / "go.sum").is_file() else ()
        ev = cls(proj, _path(modcache), _path(go_log), _path(xlog), _path(access_log), goproxy or None,
                 _path(modgraph), mods, False, gosum, _path(env_file))
        for name in ("project_dir", "modcache", "go_log", "xlog", "access_log", "modgraph", "env_file"):
            p = getattr(ev, name)
            if p is not None and not p.exists():
                raise SourceError(f"{name}: {p}: no such file or directory")
        return ev

    def read(self, name: str) -> str:
        """The text of one evidence file (``go_log``, ``xlog``…), never failing on stray bytes."""
        p = getattr(self, name)
        if p is None:
            raise SourceError(f"no {name} given")
        return Path(p).read_bytes().decode("utf-8", errors="replace")

    def table(self) -> pd.DataFrame:
        """What was given, as a two-column table (for the report's first section)."""
        import pandas as pd

        rows = [(k, str(getattr(self, k)) if getattr(self, k) not in (None, ()) else "—")
                for k in ("project_dir", "modcache", "go_log", "xlog", "access_log", "goproxy", "modgraph")]
        rows.append(("modules", " ".join(self.modules) or "— (those go's errors name)"))
        if self.samples:
            rows.append(("note", "no evidence given: the built-in demo's samples (data/demo)"))
        return pd.DataFrame(rows, columns=["evidence", "value"])


def diagnoses_frame(diagnoses: Sequence[Diagnosis]) -> pd.DataFrame:
    """Diagnoses as a table (columns in the module docstring), the primary one first."""
    import pandas as pd

    rows = [(d.category, d.module or "", d.version or "", d.line_ranges, d.summary, "\n".join(d.fix))
            for d in diagnoses]
    return pd.DataFrame(rows, columns=["category", "module", "version", "lines", "summary", "fix"])


def load_graph(ev: Evidence) -> ModGraph:
    """The module graph the evidence allows: the project's go.mod read with go.mod files from the
    module cache then GOPROXY (as go would look), else a saved ``go mod graph``."""
    from ..load import modload, sources

    has_project = ev.project_dir is not None and (ev.project_dir / "go.mod").is_file()
    if has_project and ev.modcache is not None:
        return modload.load(ev.project_dir, sources.source_for(ev.modcache, ev.goproxy))
    if has_project and ev.goproxy:
        return modload.load(ev.project_dir, sources.ProxySource(ev.goproxy))
    if ev.modgraph is not None:
        return modload.graph_from_text(ev.read("modgraph"))
    raise SourceError("no module graph: give project_dir with modcache or goproxy, or modgraph "
                      "(saved `go mod graph` output)")


def named_modules(diagnoses: Sequence[Diagnosis], mg: ModGraph | None = None, extra: Iterable[str] = ()) -> list[str]:
    """Module paths to explain: ``extra`` first, then those the diagnoses name (in their order),
    keeping only paths in the graph when one is given."""
    out: list[str] = []
    for path in [*extra, *(d.module for d in diagnoses if d.module)]:
        path = path.partition("@")[0]
        if path in out:
            continue
        if mg is not None and mg.selected(path) in ("none", ""):
            continue
        out.append(path)
    return out


def focus_graph(mg: ModGraph, modules: Sequence[str], limit: int = 80) -> tuple[Any, set[str]]:
    """The graph to draw (:func:`gomodlab.load.graph.to_networkx`, excluded edges included) and the node
    ids on the shortest requirement paths to ``modules``. Above ``limit`` nodes a drawing is
    unreadable: it keeps those paths and each of their nodes' direct requirements
    (``G.graph["total_nodes"]`` says how many the whole graph has)."""
    from ..load import graph

    G = graph.to_networkx(mg, include_excluded=True)
    G.graph["total_nodes"] = G.number_of_nodes()
    on_path = {str(n) for m in modules for p in graph.why(mg, m).shortest for n in p}
    if G.number_of_nodes() <= limit:
        return G, on_path
    keep = set(on_path) | {str(mg.main)}
    keep |= {v for u in on_path if u in G for v in G.successors(u)}
    return G.subgraph(keep).copy(), on_path


def triage_named(diagnoses: Sequence[Diagnosis], ev: Evidence, text: str = "") -> list[Triage]:
    """:func:`gomodlab.cache.triage.triage` for each diagnosis about cached bytes that names a version."""
    from ..cache import triage

    mismatches = triage.parse_mismatch(text) if text else []
    seen: set[tuple[str, str]] = set()
    out: list[Triage] = []
    for d in diagnoses:
        if d.category not in CACHE_CATEGORIES or not d.module or not d.version or (d.module, d.version) in seen:
            continue
        seen.add((d.module, d.version))
        out.extend(triage.triage(d.module, d.version, cache=ev.modcache, gosum=ev.gosum, goproxy=ev.goproxy,
                                 mismatches=mismatches))
    return out


def action_label(action: Any) -> str:
    """``module@version`` of a :class:`gomodlab.cache.repair.Action`, or the cache/vcs path it moves."""
    if action.version:
        return f"{action.module}@{action.version}"
    return action.moves[0].src if action.moves else action.module


def smallest_fix(diagnoses: Sequence[Diagnosis], plan: Plan | None = None, ev: Evidence | None = None) -> list[str]:
    """The commands to run, in order: one ``gomodlab fix`` evicting every damaged cache entry (when
    a scan planned any; with the evidence's GOPROXY for the refetch), each diagnosis's own fix that
    the repair does not cover, and ``go mod verify`` to check the cache afterwards; preceded by
    sourcing the evidence's ``env_file`` and ``cd`` into its project when it has one."""
    cmds: list[str] = []
    covered: set[tuple[str, str]] = set()
    vcs = False
    if plan is not None and plan.actions:
        gosum = "".join(f" --gosum {shlex.quote(str(g))}" for g in (ev.gosum if ev else ()))
        env = f"GOPROXY={shlex.quote(ev.goproxy)} " if ev is not None and ev.goproxy else ""
        cmds.append(f"{env}gomodlab fix {shlex.quote(plan.root)}{gosum} --apply --refetch")
        covered = {(a.module, a.version) for a in plan.actions if a.version}
        vcs = any(not a.version for a in plan.actions)
    for d in diagnoses:
        if (d.module, d.version) in covered:
            continue
        for c in d.fix:
            # The repair quarantines broken cache/vcs checkouts itself (go clones them again).
            if vcs and c.startswith("gomodlab fix ") and "/cache/vcs/" in c:
                continue
            if c not in cmds:
                cmds.append(c)
    if cmds and plan is not None and plan.actions and "go mod verify" not in cmds:
        cmds.append("go mod verify")
    if cmds and ev is not None and ev.env_file is not None:
        # Pasteable as printed: the settings go ran with first, then the project directory (go
        # mod verify and go's own hints work on the main module).
        setup = [f". {shlex.quote(str(ev.env_file))}"]
        if ev.project_dir is not None:
            setup.append(f"cd {shlex.quote(str(ev.project_dir))}")
        cmds = setup + cmds
    return cmds


def fix_lines(commands: Iterable[str]) -> list[str]:
    """One shell command per line: a fix string holding several (joined with a newline, or with
    the two characters ``\\n`` of an escaped one) is split, so each line pastes as a command."""
    out: list[str] = []
    for c in commands:
        for line in str(c).replace("\\n", "\n").splitlines():
            if line.strip() and line.strip() not in out:
                out.append(line.strip())
    return out


def lab_proxies(ev: Evidence) -> tuple[str, ...]:
    """The demo's own loopback proxies: those its ``proxies.json`` (written next to the logs by
    :func:`gomodlab.lab.demo.build`) lists. Any other proxy keeps its URL in the report."""
    import json

    urls: list[str] = []
    for log in (ev.xlog, ev.access_log):
        if log is None:
            continue
        for candidate in (log.parent / "proxies.json", log.parent / "net" / "proxies.json"):
            try:
                run = json.loads(candidate.read_text())
            except (OSError, ValueError):
                continue
            urls += [str(run[k]) for k in ("primary", "secondary") if isinstance(run, dict) and run.get(k)]
    return tuple(dict.fromkeys(urls))


@dataclass
class Investigation:
    """Everything the post-mortem found, gathered once (each part ``None``/empty when its evidence
    is missing; ``problems`` says why a part could not be read)."""

    evidence: Evidence
    go_text: str = ""
    diagnoses: list[Diagnosis] = field(default_factory=list)
    scan: Any = None
    plan: Plan | None = None
    triaged: list[Triage] = field(default_factory=list)
    hygiene: Any = None
    graph: ModGraph | None = None
    named: list[str] = field(default_factory=list)
    requests: pd.DataFrame | None = None
    served: pd.DataFrame | None = None
    fix: list[str] = field(default_factory=list)
    lab: tuple[str, ...] = ()
    problems: list[str] = field(default_factory=list)

    @property
    def primary(self) -> Diagnosis | None:
        """The problem to fix first (explain puts the cause before its consequences)."""
        return self.diagnoses[0] if self.diagnoses else None

    @property
    def commands(self) -> list[str]:
        """The go commands whose output the log holds (its ``$ go …`` lines)."""
        return [line[2:].strip() for line in self.go_text.splitlines() if line.startswith("$ ")]

    def damaged_path(self) -> str:
        """Where the primary problem's bytes are: go's own location, else the scan's finding."""
        d = self.primary
        if d is None:
            return ""
        if d.location:
            return d.location
        for f in getattr(self.scan, "findings", ()):
            if f.module == d.module and f.version == d.version:
                return f.path
        return ""


def investigate(ev: Evidence) -> Investigation:
    """Run every analysis the evidence allows: explain go's output, scan the cache and plan its
    repair (a dry run), triage the checksums, load the module graph, parse the network logs, and
    put together the smallest fix."""
    from ..cache import hygiene, repair
    from ..cache.scan import scan as scan_cache
    from ..diagnose import explain
    from ..errors import GomodlabError
    from ..net import xlog

    inv = Investigation(ev, lab=lab_proxies(ev))
    if ev.go_log is not None:
        inv.go_text = ev.read("go_log")
        inv.diagnoses = list(explain.explain(inv.go_text))
    if ev.modcache is not None:
        inv.scan = scan_cache(ev.modcache, gosum=list(ev.gosum) or None, index=False, progress=False)
        inv.plan = repair.plan_repair(inv.scan)
        inv.hygiene = hygiene.report(inv.scan, gosum=ev.gosum)
    if inv.scan is not None or ev.goproxy:
        inv.triaged = triage_named(inv.diagnoses, ev, inv.go_text)
    try:
        inv.graph = load_graph(ev)
        inv.named = named_modules(inv.diagnoses, inv.graph, ev.modules)
    except GomodlabError as e:
        inv.problems.append(f"module graph: {e}")
    if ev.xlog is not None:
        inv.requests = xlog.parse(ev.read("xlog"))
    if ev.access_log is not None:
        inv.served = xlog.parse(ev.read("access_log"))
    inv.fix = fix_lines(smallest_fix(inv.diagnoses, inv.plan, ev))
    return inv


@dataclass(frozen=True)
class Event:
    """One line of the timeline: when (UTC), where it was read, what happened."""

    time: Any
    source: str
    text: str


def _utc(value: Any) -> Any:
    import pandas as pd

    t = pd.Timestamp(value)
    return t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")


def timeline(inv: Investigation, *, now: Any = None) -> list[Event]:
    """Time-ordered events from the evidence: when each damaged cache entry was downloaded and
    last changed (the cache files' mtimes), what the proxies' access log saw fail (first time
    and count per proxy and status), when go's output was saved, and when this report ran."""
    import pandas as pd

    from .formatting import proxy_name

    events: list[Event] = []
    if inv.scan is not None:
        inventory = inv.scan.inventory()
        damaged = inventory[inventory["status"] == "damaged"]
        for row in damaged.itertuples(index=False):
            entry = f"{row.module}@{row.version}"
            got = [t for t in (row.info_mtime, row.mod_mtime) if not pd.isna(t)]
            if got:
                events.append(Event(_utc(min(got)), "module cache", f"{entry} downloaded (its .info and .mod written)"))
            changed = [t for t in (row.zip_mtime, row.dir_mtime) if not pd.isna(t)]
            if changed and (not got or max(changed) - min(got) > pd.Timedelta(seconds=1)):
                events.append(Event(_utc(max(changed)), "module cache",
                                    f"{entry} changed on disk ({row.kinds.replace(',', ', ') or 'damaged'})"))
        for repo in inv.scan.vcs:
            if repo.status != "ok":
                try:
                    mtime = os.stat(repo.path).st_mtime
                except OSError:
                    continue
                events.append(Event(_utc(pd.Timestamp(mtime, unit="s")), "module cache",
                                    f"git checkout of {repo.remote or os.path.basename(repo.path)} last changed"))
    served = inv.served
    if served is not None and len(served) and served["time"].notna().any():
        timed = served[served["time"].notna()].sort_values("time")
        events.append(Event(_utc(timed["time"].iloc[0]), "access log",
                            f"first of {len(timed)} requests to the proxies"))
        bad = timed[(timed["status_code"].fillna(0).astype(int) >= 400) | ~timed["finished"].astype(bool)]
        for (proxy, code), g in bad.groupby([bad["proxy"], bad["status_code"].fillna(0).astype(int)], sort=False):
            what = f"answered {code}" if code else "gave no answer"
            events.append(Event(_utc(g["time"].iloc[0]), "access log",
                                f"{proxy_name(proxy, inv.lab)} {what} to {len(g)} request{'s' * (len(g) != 1)} "
                                f"(first {g['module'].iloc[0]}@{g['version'].iloc[0]})"))
        events.append(Event(_utc(timed["time"].iloc[-1]), "access log", "last request to the proxies"))
    if inv.evidence.go_log is not None and inv.commands:
        mtime = os.stat(inv.evidence.go_log).st_mtime
        events.append(Event(_utc(pd.Timestamp(mtime, unit="s")), "go output",
                            f"{', '.join(inv.commands)} failed; output saved to {inv.evidence.go_log.name}"))
    events.append(Event(_utc(now if now is not None else pd.Timestamp.now(tz="UTC")), "gomodlab",
                        "this post-mortem ran (read-only: nothing was changed)"))
    return sorted(events, key=lambda e: e.time)
