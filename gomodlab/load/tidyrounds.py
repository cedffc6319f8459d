"""``go mod tidy`` round by round: the steps of one in-process tidy as records, for teaching.

``tidy(..., trace=True)`` (:func:`gomodlab.load.modtidy.tidy`) has the package loader note its
steps (``PackageLoader.trace``) and turns them into :class:`TidyRound` records
(``TidyResult.rounds``), each with the main module's requirements before and after it:

=============  ===================================================================================
``step``       what the round does (go's source)
=============  ===================================================================================
``read``       read go.mod: its requirements, an excluded version dropped (init.go loadModFile)
``load``       load the packages with the current requirements: every package of the main
               module, what it imports and its tests import, each import's module (load.go
               loadFromRoots, import.go importFromModules); repeated while the requirements move
``consistent`` keep the graph consistent: add the module of every package in "all" as a
               requirement, move requirements to the versions the graph selects
               (buildlist.go updateRoots, while loading; tidyRoots at the end)
``query``      resolve missing imports by query: the latest version of a module providing each
               import nothing provides (import.go queryImport, ``go: found X in M V``)
``drop``       drop what no package needs (buildlist.go tidyRoots)
``indirect``   mark ``// indirect`` every requirement the main module does not import itself
``go``         the ``go`` and ``toolchain`` lines (a dependency's go line raises ours; -go=)
``layout``     write go.mod: go ≥ 1.17 puts direct and indirect requirements in two blocks
``gosum``      go.sum: the hashes kept for loading the same packages again (init.go keepSums)
=============  ===================================================================================

The rounds chain (each ``before`` is the previous ``after``) from the go.mod as written to what
tidy writes; every round carries the go.mod go would write from its ``after`` (the last one is
byte for byte what ``go mod tidy`` writes — the tests hold it against the real go). Only the
loader's own passes are go's steps in go's order; ``drop``, ``consistent`` (at the end),
``indirect`` and ``go`` split what go does in one step (tidyRoots and the go.mod update) into the
parts a reader can see change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..mod import gover
from ..mod.modedit import update_gomod
from ..mod.modfile import VersionFixer
from .main_module import MainModFile
from .requirements import Requirements, mod_sorted

__all__ = ["Requirement", "Found", "Change", "TidyRound", "STEPS", "build_rounds"]

#: The steps, in the order they first appear, with a short title each.
STEPS = {
    "read": "read go.mod",
    "load": "load the packages",
    "consistent": "keep the graph consistent",
    "query": "resolve missing imports by query",
    "drop": "drop unused requirements",
    "indirect": "mark // indirect",
    "go": "the go and toolchain lines",
    "layout": "write go.mod in two blocks",
    "gosum": "keep the go.sum lines",
}

_LINES = ("go", "toolchain")


@dataclass(frozen=True, slots=True)
class Requirement:
    """One line of the main go.mod's requirements: a ``require`` (``indirect``: marked
    ``// indirect``), or the ``go``/``toolchain`` line (path ``go``/``toolchain``)."""

    path: str
    version: str
    indirect: bool = False

    def line(self) -> str:
        """As go.mod writes it: ``example.com/a v1.2.0 // indirect``, ``go 1.21``."""
        return f"{self.path} {self.version}" + (" // indirect" if self.indirect else "")


@dataclass(frozen=True, slots=True)
class Found:
    """A missing import and the module version tidy's query found for it."""

    import_path: str
    module: str
    version: str


@dataclass(frozen=True, slots=True)
class Change:
    """How one requirement differs between a round's ``before`` and ``after``: ``kind`` is
    ``added``, ``dropped``, ``raised``, ``lowered``, ``now indirect``, ``now direct`` or ``kept``."""

    path: str
    kind: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class TidyRound:
    """One round of tidy: ``step`` (a key of :data:`STEPS`), ``title``, ``summary`` (what it did
    in this module, in words), the requirements ``before`` and ``after`` it (``go`` and
    ``toolchain`` first, then the modules in go's order), the packages it involved, the queries'
    answers (``query``), the go.mod go would write from ``after``, and for ``gosum`` the go.sum
    lines before and after."""

    step: str
    title: str
    summary: str
    before: tuple[Requirement, ...]
    after: tuple[Requirement, ...]
    packages: tuple[str, ...] = ()
    found: tuple[Found, ...] = ()
    gomod: bytes = b""
    gosum_before: tuple[str, ...] = ()
    gosum_after: tuple[str, ...] = ()

    def changes(self, *, unchanged: bool = False) -> tuple[Change, ...]:
        """Each requirement this round changes (with ``unchanged``, the others too, as ``kept``)."""
        b = {r.path: r for r in self.before}
        a = {r.path: r for r in self.after}
        out = []
        for path in [r.path for r in self.before] + [r.path for r in self.after if r.path not in b]:
            x, y = b.get(path), a.get(path)
            if x is None:
                kind = "added"
            elif y is None:
                kind = "dropped"
            elif x.version != y.version:
                raised = (gover.compare(x.version, y.version) if path == "go"
                          else gover.mod_compare(path, x.version, y.version)) < 0
                kind = "raised" if raised else "lowered"
            elif x.indirect != y.indirect:
                kind = "now indirect" if y.indirect else "now direct"
            elif unchanged:
                kind = "kept"
            else:
                continue
            out.append(Change(path, kind, x.line()[len(path) + 1:] if x else "", y.line()[len(path) + 1:] if y else ""))
        return tuple(out)


def _rows(rs: Requirements, indirect: Callable[[str], bool]) -> tuple[Requirement, ...]:
    """The requirements as go.mod lines: ``go``, ``toolchain`` (only where go writes one: not when it
    repeats the go line or names a release before 1.21), then the modules."""
    got = {m.path: m.version for m in rs.roots if m.path in _LINES}
    lines = [Requirement("go", got["go"])]
    tc = got.get("toolchain")
    if tc and tc != "go" + got["go"] and gover.compare(gover.from_toolchain(tc), "1.21") >= 0:
        lines.append(Requirement("toolchain", tc))
    return tuple(lines) + tuple(Requirement(m.path, m.version, indirect(m.path))
                                for m in mod_sorted(rs.roots) if m.path not in _LINES)


def _names(paths: Iterable[str], limit: int = 6) -> str:
    paths = list(paths)
    if len(paths) <= limit:
        return ", ".join(paths)
    return ", ".join(paths[:limit]) + f" and {len(paths) - limit} more"


def _sentence(parts: Sequence[str]) -> str:
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _moves(r: TidyRound) -> str:
    """The module changes of a round in words: ``added example.com/a v1.0.0; raised …``."""
    parts = []
    for c in r.changes():
        if c.kind in ("added", "dropped"):
            parts.append(f"{c.kind} {c.path} {(c.after or c.before).split()[0]}")
        elif c.kind in ("raised", "lowered"):
            parts.append(f"{c.kind} {c.path} {c.before.split()[0]} → {c.after.split()[0]}")
    return "; ".join(parts)


def _load_summary(plain: Sequence[Any], main_path: str) -> str:
    """A load pass in words: how many packages from where, and which imports nothing provides."""
    main = [p for p in plain if p.mod.path == main_path and p.mod.version == ""]
    deps = sorted({p.mod.path for p in plain if p.from_external_module(main_path)})
    std = [p for p in plain if p.in_std]
    missing = [p.path for p in plain if p.err is not None]
    n_deps = len(plain) - len(main) - len(std) - len(missing)
    text = (f"{len(plain)} package(s): {len(main)} of the main module, "
            + (f"{n_deps} from {len(deps)} dependency module(s) ({_names(deps)})" if deps else "none from dependencies")
            + f", {len(std)} standard")
    return text + (f"; not provided by any requirement: {_names(missing)}." if missing else "; every import found.")


def build_rounds(main_file: MainModFile, initial: Requirements, events: Sequence[tuple], final: Requirements, *,
                 gomod_file: str, fix: VersionFixer | None, gomod_before: bytes, gomod_after: bytes,
                 gosum_before: bytes, gosum_after: bytes) -> tuple[TidyRound, ...]:
    """The rounds of one tidy from the loader's ``events`` (see ``PackageLoader.trace``).

    ``initial`` is the requirements loading started from, ``final`` what tidy keeps; each
    round's go.mod is ``gomod_before`` updated to its requirements as go updates it (``fix``
    resolving version queries, as the tidy that read it).
    """
    main_path = main_file.path

    def write(reqs: Sequence[Requirement]) -> bytes:
        return update_gomod(gomod_before, [(r.path, r.version) for r in reqs], {r.path for r in reqs if not r.indirect},
                            file=gomod_file, fix=fix, always_update_go=True)

    listed = main_file.listed_direct

    def as_read(path: str) -> bool:
        """The go.mod's own ``// indirect`` marks (a new requirement: indirect) until tidy re-marks them."""
        return path not in listed

    rounds: list[TidyRound] = []
    state: tuple[Requirement, ...] = ()

    def add(step: str, summary: str, after: tuple[Requirement, ...], title: str = "", **kw: Any) -> None:
        nonlocal state
        rounds.append(TidyRound(step, title or STEPS[step], summary, state, after, gomod=write(after), **kw))
        state = after

    file_lines = tuple(Requirement(p, v) for p, v in (("go", main_file.go), ("toolchain", main_file.toolchain)) if v)
    state = file_lines + tuple(Requirement(m.path, m.version, as_read(m.path)) for m in main_file.require)
    dropped = [m for m in main_file.require if m in main_file.exclude]
    start = _rows(initial, as_read)
    summary = f"go.mod requires {len(main_file.require)} module(s)"
    if dropped:
        summary += "; excluded, so dropped: " + ", ".join(f"{m.path} {m.version}" for m in dropped)
    if main_file.go is None:
        summary += f"; it has no go line, so tidy starts from go {initial.go_version}"
    rounds.append(TidyRound("read", STEPS["read"], summary + ".", state, start, gomod=write(start)))
    state = start

    passes = 0
    found: tuple[Found, ...] = ()
    last_pkgs: list[Any] = []  # the last pass's packages (gomodlab.load.packages.LoadedPackage)
    for ev in events:
        kind = ev[0]
        if kind == "load":
            passes += 1
            rs, pkgs = ev[1], ev[2]
            plain = last_pkgs = [p for p in pkgs if p.test_of is None]
            now = _rows(rs, as_read)
            if now != state:
                # Before the pass: the roots made consistent with the whole graph (go < 1.17 loads
                # it first), or the main module's own packages' modules added (preloaded).
                probe = TidyRound("consistent", "", "", state, now)
                add("consistent", f"Before loading: {_moves(probe)}.", now, "keep the graph consistent (before loading)")
            add("load", _load_summary(plain, main_path), now, f"{STEPS['load']} (pass {passes})",
                packages=tuple(p.path for p in plain))
        elif kind == "update":
            after = _rows(ev[2], as_read)
            if after != state:
                probe = TidyRound("consistent", "", "", state, after)
                mods = {c.path for c in probe.changes()}
                add("consistent", f"While loading: {_moves(probe)}.", after, "keep the graph consistent (while loading)",
                    packages=tuple(p.path for p in last_pkgs if p.mod.path in mods))
        elif kind == "found":
            found = tuple(Found(path, m.path, m.version) for path, m in ev[1])
        elif kind == "query":
            after = _rows(ev[2], as_read)
            summary = "; ".join(f"{f.import_path} → {f.module} {f.version}" for f in found)
            probe = TidyRound("query", "", "", state, after)
            new = {f.module for f in found}
            also = "; ".join(p for p in _moves(probe).split("; ") if p and p.split()[1] not in new)
            add("query", f"The latest version providing each missing import: {summary}"
                + (f" (and so: {also})." if also else "."), after,
                packages=tuple(f.import_path for f in found), found=found)
            found = ()
        elif kind == "tidy":
            tidy_rows = _rows(ev[2], as_read)
            keep = {r.path for r in tidy_rows}
            kept = tuple(r for r in state if r.path in keep)
            gone = [r.path for r in state if r.path not in keep]
            providing = {p.mod.path for p in last_pkgs}
            unused = [p for p in gone if p not in providing]
            implied = [p for p in gone if p in providing]
            said = []
            if unused:
                said.append(f"dropped, as no package in \"all\" comes from them: {_names(unused)}")
            if implied:
                said.append("dropped, as the graph selects the same version through another requirement's go.mod "
                            f"(go < 1.17 keeps only the requirements needed for that): {_names(implied)}")
            add("drop", (_sentence(said) if said else
                         "Every requirement provides a package in \"all\" or keeps the graph as it is: nothing dropped."),
                kept, packages=tuple(p.path for p in last_pkgs if p.mod.path in implied))
            probe = TidyRound("consistent", "", "", state, tidy_rows)
            moved = _moves(probe)
            add("consistent", (f"The versions the graph selects, as requirements: {moved}." if moved else
                               "Every kept requirement is already at the version the graph selects."),
                tidy_rows, "raise to keep the graph consistent")

    direct = final.direct
    marked = tuple(r if r.path in _LINES else Requirement(r.path, r.version, r.path not in direct) for r in state)
    probe = TidyRound("indirect", "", "", state, marked)
    now_ind = [c.path for c in probe.changes() if c.kind == "now indirect"]
    now_dir = [c.path for c in probe.changes() if c.kind == "now direct"]
    parts = []
    if now_dir:
        parts.append(f"imported by the main module itself, so no longer // indirect: {_names(now_dir)}")
    if now_ind:
        parts.append(f"not imported by the main module, so // indirect: {_names(now_ind)}")
    n_ind = sum(r.indirect for r in marked if r.path not in _LINES)
    add("indirect", (_sentence(parts) if parts else
                     f"The marks are right already ({n_ind} of {sum(r.path not in _LINES for r in marked)} requirement(s) // indirect)."),
        marked, packages=tuple(sorted(direct - set(_LINES))))

    go_a = final.go_version
    go_b = main_file.go
    if go_b is None:
        what = f"go.mod had no go line: tidy writes go {go_a}"
    elif go_b != go_a:
        what = f"go {go_b} → go {go_a}: a requirement's go.mod (or -go=) asks for it, and the go line is a requirement too"
    else:
        what = f"go {go_a} stays: no requirement needs a later go"
    tc = _toolchain_line(gomod_after)
    if tc:
        what += f"; toolchain {tc}"
    elif main_file.toolchain:
        what += f"; the toolchain {main_file.toolchain} line goes: it would not name a toolchain newer than the go line"
    add("go", what + ".", state)

    two = gover.compare(go_a, gover.EXPLICIT_INDIRECT_VERSION) >= 0 if go_a else False
    mods = [r for r in state if r.path not in _LINES]
    n_dir = sum(not r.indirect for r in mods)
    layout = (f"go {go_a} ≥ 1.17: the {n_dir} direct requirement(s) in one require block, the "
              f"{len(mods) - n_dir} indirect one(s) in a second" if two else
              f"go {go_a} < 1.17: one require block")
    rounds.append(TidyRound("layout", STEPS["layout"], layout + (
        "; go.mod was tidy already." if gomod_after == gomod_before else "."), state, state, gomod=write(state)))

    sb, sa = _lines(gosum_before), _lines(gosum_after)
    added = len(set(sa) - set(sb))
    gone = len(set(sb) - set(sa))
    rounds.append(TidyRound(
        "gosum", STEPS["gosum"],
        (f"{len(sa)} line(s): the go.mod hash of every module in the graph, the zip hash of every module "
         f"that provides a loaded package; {added} added, {gone} dropped"
         + ("; go.sum unchanged." if gosum_after == gosum_before else ".")),
        state, state, gomod=rounds[-1].gomod, gosum_before=sb, gosum_after=sa))
    return tuple(rounds)


def _lines(data: bytes) -> tuple[str, ...]:
    return tuple(data.decode("utf-8", "replace").splitlines())


def _toolchain_line(gomod: bytes) -> str:
    for line in gomod.decode("utf-8", "replace").splitlines():
        f = line.split()
        if len(f) == 2 and f[0] == "toolchain":
            return f[1]
    return ""
