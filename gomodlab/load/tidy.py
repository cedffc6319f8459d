"""``go mod tidy``, explained: every line tidy changes, with its reason, from the in-process tidy.

:func:`explain_tidy` runs :func:`gomodlab.load.modtidy.tidy` (no Go toolchain, nothing written)
on the module, reading modules from the given module cache or proxy, and takes its changes
(``TidyResult.changes``: each requirement added, dropped, raised, lowered or re-marked) and the
package graph it loaded. Each added, removed or changed go.mod / go.sum line becomes a
:class:`LineChange` with a ``reason`` code, an explanation and the evidence behind it:

- which package import (file and line, from the Go files tidy reads: every GOOS/GOARCH and tag
  but ``ignore``) needs which module, and the import chain ``go mod why -m`` prints for indirect
  dependencies (from the loader's import stacks);
- which requirement raised a version (the witness edge in the module graph after tidy);
- why a requirement is ``// indirect`` or stopped being so, and why one was dropped (no package
  in "all" comes from it; only tests of dependencies needed it under an older go; its version
  is implied by other requirements; it was only reachable through pruned modules).

Reason codes
------------
==================  ===========================================================================
reason              meaning
==================  ===========================================================================
direct-import       a package or test of the main module imports a package of this module
indirect-import     the module provides a package imported by a dependency (chain in evidence)
dependency-test     only tests of dependencies import it (go >= 1.17 tidy lists those modules;
                    without pruning they are dropped)
keeps-version       no package needs it, but without the line MVS would select a lower version
version-raised      another requirement asks for a higher version (the witness edge)
version-lowered     the old version was an unneeded upgrade: what remains selects a lower one
became-indirect     no package of the main module imports it directly any more
became-direct       a package of the main module now imports it directly
unused              nothing in "all" needs the module: it left the build list
implied             still in the build list, at this version, through other requirements
pruned              only reachable through pruned dependencies (go >= 1.17), so not in the graph
go-version          the go line changed because a dependency needs a newer go
toolchain           the toolchain line changed
gomod-hash          go.sum ``/go.mod`` hash: go reads this go.mod when loading the module graph
zip-hash            go.sum zip hash: the module provides (or could provide) a loaded package
hash-unneeded       go.sum line no longer needed: go no longer reads that go.mod / zip
other               a change tidy made that the rules above do not cover
==================  ===========================================================================

:meth:`TidyExplanation.frame` gives the changes as a DataFrame (columns ``file``, ``change``,
``module``, ``old``, ``new``, ``reason``, ``explanation``, ``evidence``).

With ``check=True`` (``gomodlab tidy-explain --check``) the real ``go mod tidy`` also runs, on a
scratch copy (:func:`go_tidy_in_scratch`: the user's files are never touched, modules only from
the module cache served as a ``file://`` GOPROXY or the given proxy, so offline), and
:attr:`TidyExplanation.check` lists every way its go.mod / go.sum differ from the model's.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import gotool
from ..mod import gover
from ..mod.goimports import read_go_info
from ..errors import GomodlabError
from .locate import find_main_gomod
from .main_module import MainModFile
from .modload import Loader, ModGraph
from .modtidy import RequirementChange, TidyRefused, tidy
from .mvs import NONE, Module
from .packagegraph import PackageGraph
from .packages import LoadedPackage
from .sources import GoModSource, ProxySource, source_for

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LineChange", "TidyExplanation", "explain_tidy", "go_tidy_in_scratch", "GoTidyRun", "REASONS"]

REASONS = (
    "direct-import", "indirect-import", "dependency-test", "keeps-version", "version-raised",
    "version-lowered", "became-indirect", "became-direct", "unused", "implied", "pruned", "go-version",
    "toolchain", "gomod-hash", "zip-hash", "hash-unneeded", "other",
)


@dataclass(frozen=True)
class LineChange:
    """One line of go.mod or go.sum that tidy added, removed or changed, with its reason."""

    file: str  # "go.mod" or "go.sum"
    change: str  # "added", "removed" or "changed"
    module: str | None
    old: str | None
    new: str | None
    reason: str
    explanation: str
    evidence: tuple[str, ...] = ()


@dataclass
class TidyExplanation:
    """The result of :func:`explain_tidy`: both versions of both files and every change explained."""

    directory: Path
    gomod_before: str
    gomod_after: str
    gosum_before: str
    gosum_after: str
    changes: list[LineChange] = field(default_factory=list)
    #: What tidy prints on the way (``go: finding module for package …``), as go prints it.
    go_stderr: str = ""
    #: With ``check``: each difference from the real go mod tidy's go.mod/go.sum ([] = identical);
    #: None when not checked.
    check: list[str] | None = None

    def frame(self) -> pd.DataFrame:
        """The changes as a DataFrame (evidence joined with newlines)."""
        import pandas as pd

        cols = ["file", "change", "module", "old", "new", "reason", "explanation", "evidence"]
        return pd.DataFrame([{**{c: getattr(ch, c) for c in cols[:-1]}, "evidence": "\n".join(ch.evidence)}
                             for ch in self.changes], columns=cols)

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict of the changes (and ``check``: the differences from go, when checked)."""
        out: dict[str, Any] = {"dir": str(self.directory), "changes": [
            {"file": c.file, "change": c.change, "module": c.module, "old": c.old, "new": c.new,
             "reason": c.reason, "explanation": c.explanation, "evidence": list(c.evidence)}
            for c in self.changes]}
        if self.check is not None:
            out["check"] = {"agrees": not self.check, "differences": self.check}
        return out


# -------------------------------------------------------------------------------------------
# go.mod / go.sum lines

_REQ_RE = re.compile(r"^\s*(?:require\s+)?(\S+)\s+(v\S+)\s*(//.*)?$")


def _require_lines(text: str) -> dict[str, tuple[str, bool, str]]:
    """path → (version, indirect, line text) for each require line (plain text scan of go.mod)."""
    out: dict[str, tuple[str, bool, str]] = {}
    in_block = False
    for raw in text.splitlines():
        s = raw.strip()
        if in_block:
            if s.startswith(")"):
                in_block = False
                continue
        elif s.startswith("require") and s.rstrip().endswith("("):
            in_block = True
            continue
        elif not s.startswith("require "):
            continue
        mo = _REQ_RE.match(s)
        if mo:
            comment = mo.group(3) or ""
            out[mo.group(1).strip('"')] = (mo.group(2), "indirect" in comment.split("//")[-1].split(), s)
    return out


def _directive(text: str, verb: str) -> str | None:
    for raw in text.splitlines():
        toks = raw.split("//")[0].split()
        if len(toks) == 2 and toks[0] == verb:
            return toks[1]
    return None


def _sum_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# -------------------------------------------------------------------------------------------

@dataclass
class _Evidence:
    """What the package graph the in-process tidy loaded says about the tidied module."""

    mod_of_pkg: dict[str, tuple[str, str]]  # import path -> (module path, version)
    main_pkgs: set[str]
    importers: dict[str, list[tuple[str, str, bool]]]  # imported pkg -> [(importer pkg, "file:line", is_test)]
    why: dict[str, list[str]]  # module path -> go mod why -m chain (packages)


def _collect_evidence(graph: PackageGraph, root: Path, modules: Iterable[str]) -> _Evidence:
    """Packages, their modules and each import's position (every file tidy reads: all tags), and
    for each of ``modules`` the chain ``go mod why -m`` prints (modcmd/why.go: of the module's
    loaded packages, sorted, the first with the shortest import stack)."""
    main = graph.main.path
    mod_of_pkg: dict[str, tuple[str, str]] = {}
    main_pkgs: set[str] = set()
    importers: dict[str, list[tuple[str, str, bool]]] = {}
    by_module: dict[str, list[LoadedPackage]] = {}
    for p in graph.packages:
        if p.test_of is not None or not p.mod.path:
            continue
        mod_of_pkg[p.path] = (p.mod.path, p.mod.version)
        by_module.setdefault(p.mod.path, []).append(p)
        in_main = p.mod.path == main and p.mod.version == ""
        if in_main:
            main_pkgs.add(p.path)
        for f in p.files:
            try:
                src = graph.read_file(p, f)
            except (OSError, GomodlabError):
                continue
            shown = os.path.relpath(os.path.join(p.dir, f), root) if in_main else f"{p.path}/{f}"
            # The loader read these files already; read_go_info gives the positions go would.
            for spec in read_go_info(src, f).imports:
                importers.setdefault(spec.path, []).append((p.path, f"{shown}:{spec.line}", f.endswith("_test.go")))
    why: dict[str, list[str]] = {}
    for m in set(modules):
        best: list[str] = []
        for p in sorted(by_module.get(m, ()), key=lambda p: p.path):
            chain = p.why().splitlines()
            if chain and (not best or len(chain) < len(best)):
                best = chain
        why[m] = best or [f"(main module does not need module {m})"]
    return _Evidence(mod_of_pkg, main_pkgs, importers, why)


def _mod_graph(gomod: Path, source: GoModSource, data: bytes | None = None) -> ModGraph | None:
    """The module graph of the go.mod at ``gomod`` (``data``: of these bytes instead); None
    when it cannot be loaded (the explanation then goes without witnesses)."""
    try:
        main_file = MainModFile.read(gomod) if data is None else MainModFile.from_bytes(data, gomod)
        return Loader(main_file, source).load()
    except GomodlabError:
        return None


def explain_tidy(directory: str | os.PathLike[str], *, modcache: str | None = None, proxy: str | None = None,
                 check: bool = False) -> TidyExplanation:
    """Explain what ``go mod tidy`` does to the module containing ``directory``, computed in-process.

    Modules come from ``proxy`` (a GOPROXY list) or the module cache ``modcache`` (default: go's
    GOMODCACHE); nothing is written. Where tidy fails, raises
    :class:`~gomodlab.load.modtidy.TidyRefused` (go's stderr and exit status). ``check`` also
    runs the real ``go mod tidy`` on a scratch copy (:func:`go_tidy_in_scratch`) and records in
    :attr:`TidyExplanation.check` every way its go.mod / go.sum differ from the model's.
    """
    gomod_path = Path(find_main_gomod(directory))
    root = gomod_path.parent
    source = ProxySource(proxy) if proxy else source_for(modcache)
    try:
        result = tidy(root, source, modcache=modcache)
    except TidyRefused as e:
        if check:
            go = go_tidy_in_scratch(root, modcache=modcache, proxy=proxy)
            if go.returncode == 0:
                raise GomodlabError(f"the in-process tidy refuses the module but go mod tidy succeeds "
                                    f"(a gomodlab bug):\n{e.stderr.rstrip()}") from None
        raise
    ex = TidyExplanation(root, *(b.decode("utf-8", "replace") for b in (
        result.gomod_before, result.gomod, result.gosum_before, result.gosum)), go_stderr=result.stderr)
    before_graph = _mod_graph(gomod_path, source)
    after_graph = _mod_graph(gomod_path, source, result.gomod)
    req_before, req_after = _require_lines(ex.gomod_before), _require_lines(ex.gomod_after)
    evidence = _collect_evidence(result.packages, root, (c.path for c in result.changes))
    _Explainer(ex, evidence, before_graph, after_graph, req_before, req_after, result.changes).run()
    if check:
        ex.check = _compare_with_go(ex, go_tidy_in_scratch(root, modcache=modcache, proxy=proxy))
    return ex


@dataclass(frozen=True)
class GoTidyRun:
    """What the real ``go mod tidy`` left in a scratch copy: exit status, stderr and both files."""

    returncode: int
    stderr: str
    gomod: str
    gosum: str


def go_tidy_in_scratch(root: str | os.PathLike[str], *, modcache: str | None = None,
                       proxy: str | None = None) -> GoTidyRun:
    """Run the real ``go mod tidy`` on a scratch copy of the module at ``root`` (the user's files
    are never touched), reading modules only from ``proxy`` or ``modcache`` served as a
    ``file://`` GOPROXY (offline); GOSUMDB off, GOFLAGS=-mod=mod."""
    root = Path(root)
    main_file = MainModFile.read(root / "go.mod")
    scratch = Path(tempfile.mkdtemp(prefix="gomodlab-tidy-"))
    try:
        work = _scratch_copy(root, main_file, scratch)
        res = gotool.run_go(["mod", "tidy"], cwd=work, env=_go_env(scratch, modcache, proxy))
        gomod, gosum = ((work / f).read_text(encoding="utf-8", errors="replace") if (work / f).exists() else ""
                        for f in ("go.mod", "go.sum"))
        return GoTidyRun(res.returncode, res.stderr, gomod, gosum)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _scratch_copy(root: Path, main_file: MainModFile, scratch: Path) -> Path:
    """Copy the module to scratch, nested so that relative directory replacements still resolve."""
    ups = 0
    rel_targets = []
    for new in main_file.replace.values():
        if new.version == "" and not os.path.isabs(new.path):
            parts = Path(new.path).parts
            ups = max(ups, sum(1 for p in parts if p == ".."))
            rel_targets.append(new.path)
    dest = scratch.joinpath(*(["up"] * ups), root.name or "module")
    shutil.copytree(root, dest, ignore=shutil.ignore_patterns(".git"), symlinks=True)
    for t in rel_targets:
        real = (root / t).resolve()
        link = (dest / t)
        if link.exists() or not real.exists():
            continue
        link_parent = Path(os.path.normpath(link)).parent
        link_parent.mkdir(parents=True, exist_ok=True)
        os.symlink(real, os.path.normpath(link), target_is_directory=True)
    return dest


def _go_env(scratch: Path, modcache: str | None, proxy: str | None) -> dict[str, str]:
    from .sources import default_modcache

    if proxy:
        goproxy = proxy
    else:
        cache = Path(modcache or default_modcache())
        goproxy = (cache / "cache" / "download").resolve().as_uri()
    return gotool.isolated_env(scratch / "goenv", proxy=goproxy, flags="-mod=mod", GOWORK="off")


def _compare_with_go(ex: TidyExplanation, go: GoTidyRun) -> list[str]:
    """Each way the real go's result differs from the model's (empty: identical)."""
    if go.returncode != 0:
        return [f"go mod tidy fails where the in-process tidy succeeds:\n{go.stderr.rstrip()}"]
    out = []
    for name, ours, theirs in (("go.mod", ex.gomod_after, go.gomod), ("go.sum", ex.gosum_after, go.gosum)):
        if ours != theirs:
            diff = difflib.unified_diff(theirs.splitlines(keepends=True), ours.splitlines(keepends=True),
                                        f"go/{name}", f"gomodlab/{name}")
            out.append(f"{name} differs from what go mod tidy writes:\n" + "".join(diff).rstrip("\n"))
    return out


class _Explainer:
    """Gives each of the in-process tidy's changes (``RequirementChange``) its line, reason code
    and evidence, then the go/toolchain lines and the go.sum lines."""

    def __init__(self, ex: TidyExplanation, ev: _Evidence, before: ModGraph | None, after: ModGraph | None,
                 req_before: dict[str, tuple[str, bool, str]], req_after: dict[str, tuple[str, bool, str]],
                 changes: Sequence[RequirementChange]) -> None:
        self.ex, self.ev, self.before, self.after = ex, ev, before, after
        self.req_before, self.req_after = req_before, req_after
        self.changes = changes

    # -- helpers -------------------------------------------------------------------------------

    def _add(self, *args: Any, **kw: Any) -> None:
        self.ex.changes.append(LineChange(*args, **kw))

    def _pkgs_of(self, path: str) -> list[str]:
        return sorted(p for p, (m, _) in self.ev.mod_of_pkg.items() if m == path)

    def _direct_imports(self, path: str) -> list[str]:
        """'file:line imports pkg' for imports by main-module packages of packages in module ``path``."""
        out = []
        for pkg in self._pkgs_of(path):
            for importer, pos, is_test in self.ev.importers.get(pkg, ()):
                if importer in self.ev.main_pkgs:
                    out.append(f"{pos}: {'test ' if is_test else ''}import \"{pkg}\"")
        return sorted(set(out))

    def _dependency_test_imports(self, path: str) -> list[str]:
        """'file:line' of test files of dependency packages that import a package of module ``path``."""
        out = []
        for imp, users in self.ev.importers.items():
            if imp == path or imp.startswith(path + "/"):
                for importer, pos, is_test in users:
                    if is_test and importer not in self.ev.main_pkgs:
                        out.append(f"{pos}: test import \"{imp}\"")
        return sorted(set(out))

    def _chain(self, path: str) -> list[str]:
        lines = self.ev.why.get(path, [])
        return [] if not lines or lines[0].startswith("(") else lines

    def _witnesses(self, g: ModGraph | None, path: str, version: str) -> list[str]:
        if g is None:
            return []
        out = []
        for m in g.graph.bfs():
            for r in g.graph.required_by(m) or ():
                if r.path == path and r.version == version and m != g.main:
                    out.append(f"{m} requires {r}")
        return out

    def _selected_without(self, path: str) -> str:
        """What MVS selects for ``path`` if the main go.mod's requirement on it is dropped."""
        g = self.after
        if g is None or g.loader is None:
            return "?"
        roots = [r for r in g.roots if r.path != path]
        try:
            return g.loader.load_roots(g.pruning, roots).selected(path)
        except GomodlabError:
            return "?"

    # -- go.mod ----------------------------------------------------------------------------------

    def run(self) -> None:
        self._go_lines()
        for c in self.changes:
            b, a = self.req_before.get(c.path), self.req_after.get(c.path)
            if b is None and a is not None:
                self._added(c.path, a)
            elif a is None and b is not None:
                self._removed(c.path, b)
            elif a is not None and b is not None and a != b:
                self._changed(c.path, b, a)
            else:  # the model's change has no line of its own (a require spelled unusually)
                self._add("go.mod", {"added": "added", "dropped": "removed"}.get(c.kind, "changed"), c.path,
                          f"{c.path} {c.before}" if c.before else None, f"{c.path} {c.after}" if c.after else None,
                          "other", f"tidy: {c.kind}: {c.why}", ())
        self._sums()

    def _go_lines(self) -> None:
        for verb, reason in (("go", "go-version"), ("toolchain", "toolchain")):
            b, a = _directive(self.ex.gomod_before, verb), _directive(self.ex.gomod_after, verb)
            if b == a:
                continue
            ev: list[str] = []
            if verb == "go" and b is None:
                expl = f"go {a} was added: the go.mod had no go line"
            elif verb == "go":
                if self.after is not None:
                    ev = self._witnesses(self.after, "go", self.after.selected("go"))
                expl = (f"the go line moved from {b} to {a}: "
                        + (f"a dependency requires go {a} (its own go line)" if ev else "tidy's go version rules"))
            else:
                expl = (f"toolchain line {'added' if b is None else 'removed' if a is None else 'changed'}: "
                        "go records a toolchain when the go line needs a newer one than it implies")
            self._add("go.mod", "changed" if b and a else "added" if a else "removed", verb,
                      f"{verb} {b}" if b else None, f"{verb} {a}" if a else None, reason, expl, tuple(ev))

    def _import_reason(self, path: str, version: str, indirect: bool) -> tuple[str, str, list[str]]:
        direct = self._direct_imports(path)
        if direct and not indirect:
            return ("direct-import", f"the main module imports packages of {path}", direct)
        chain = self._chain(path)
        if chain:
            via_test = any(c.endswith(".test") for c in chain[1:-1])
            if via_test:
                test = next(c for c in chain[1:-1] if c.endswith(".test"))
                return ("dependency-test", f"only a test of a dependency ({test}) imports {path}: with graph "
                                           "pruning tidy lists the modules needed to test the packages in 'all'",
                        [" > ".join(chain)])
            return ("indirect-import", f"{path} provides {chain[-1]}, imported through the dependency chain "
                                       "below; go >= 1.17 lists every module that provides a package in 'all'",
                    [" > ".join(chain)])
        without = self._selected_without(path)
        if without != version:
            wit = self._witnesses(self.after, path, version)
            return ("keeps-version", f"no package needs {path}, but without this line MVS would select "
                                     f"{'nothing' if without == NONE else without} instead of {version}", wit)
        return ("other", f"tidy keeps {path} {version}", [])

    def _added(self, path: str, a: tuple[str, bool, str]) -> None:
        version, indirect, line = a
        reason, expl, ev = self._import_reason(path, version, indirect)
        self._add("go.mod", "added", path, None, line, reason, expl, tuple(ev))

    def _removed(self, path: str, b: tuple[str, bool, str]) -> None:
        version, _, line = b
        sel = self.after.selected(path) if self.after is not None else NONE
        if sel != NONE:
            wit = self._witnesses(self.after, path, sel)
            if self.after is not None and self.after.pruning == "unpruned":
                expl = (f"other requirements already select {path} {sel}: without graph pruning (go < 1.17) "
                        "go.mod lists only requirements that nothing else implies (mvs Req)")
            elif self._pkgs_of(path):
                expl = (f"{path} stays in the build list at {sel} through the requirements below, which "
                        "tidy considers enough")
            else:
                expl = f"no package of {path} is in 'all', and other requirements already select {sel}"
            self._add("go.mod", "removed", path, line, None, "implied", expl, tuple(wit))
            return
        if (self.before is not None and self.after is not None and self.before.selected(path) != NONE
                and self.before.pruning != self.after.pruning):
            self._add("go.mod", "removed", path, line, None, "pruned",
                      f"the module graph is pruned now (go >= 1.17): {path} was only reachable through "
                      "dependencies whose own requirements are no longer loaded, and no package comes from it", ())
            return
        dep_tests = self._dependency_test_imports(path)
        if dep_tests and self.after is not None and self.after.pruning == "unpruned":
            self._add("go.mod", "removed", path, line, None, "dependency-test",
                      f"only tests of dependencies import packages of {path}; without graph pruning (go < 1.17) "
                      "tidy keeps no requirement for them, and since go 1.16 'all' excludes them",
                      tuple(dep_tests[:3]))
            return
        chain = self.ev.why.get(path, [])
        self._add("go.mod", "removed", path, line, None, "unused",
                  f"no package in 'all' (the main module's packages, their tests and dependencies) comes from "
                  f"{path}, so it left the build list", tuple(chain[:1]))

    def _changed(self, path: str, b: tuple[str, bool, str], a: tuple[str, bool, str]) -> None:
        (vb, ib, lb), (va, ia, la) = b, a
        if vb != va:
            if gover.mod_compare(path, vb, va) < 0:
                wit = self._witnesses(self.after, path, va)
                self._add("go.mod", "changed", path, lb, la, "version-raised",
                          f"{path} goes from {vb} to {va}: a requirement in the module graph asks for {va}, and "
                          "MVS selects the highest version asked for", tuple(wit))
            else:
                self._add("go.mod", "changed", path, lb, la, "version-lowered",
                          f"{path} goes from {vb} to {va}: nothing left in the graph needs {vb}", ())
        if ib != ia:
            if ia:
                chain = self._chain(path)
                self._add("go.mod", "changed", path, lb, la, "became-indirect",
                          f"no package of the main module imports {path} directly any more; it stays for the "
                          "packages that reach it through dependencies", tuple([" > ".join(chain)] if chain else []))
            else:
                self._add("go.mod", "changed", path, lb, la, "became-direct",
                          f"a package of the main module imports {path} directly", tuple(self._direct_imports(path)))

    # -- go.sum ----------------------------------------------------------------------------------

    def _sums(self) -> None:
        before, after = _sum_lines(self.ex.gosum_before), _sum_lines(self.ex.gosum_after)
        sb, sa = set(before), set(after)
        g = self.after
        nodes = set(g.graph.bfs()) if g is not None else set()
        for line in after:
            if line in sb:
                continue
            path, version = (line.split() + ["", ""])[:2]
            if version.endswith("/go.mod"):
                m = Module(path, version[:-len("/go.mod")])
                req_by = self._requirers(m)
                if m in nodes:
                    expl = f"go reads {m}'s go.mod to load the module graph"
                else:
                    expl = f"go reads {m}'s go.mod (a module providing or possibly providing a loaded package)"
                self._add("go.sum", "added", path, None, line, "gomod-hash", expl, tuple(req_by))
            else:
                pkgs = self._pkgs_of(path)
                expl = (f"{path}@{version} provides package(s) {', '.join(pkgs[:3])}{'…' if len(pkgs) > 3 else ''} "
                        "that go builds or imports" if pkgs else
                        f"{path}@{version} is a path prefix of a loaded package: go checks it does not provide "
                        "that package too (ambiguous imports)")
                self._add("go.sum", "added", path, None, line, "zip-hash", expl, ())
        for line in before:
            if line in sa:
                continue
            path, version = (line.split() + ["", ""])[:2]
            what = "go.mod" if version.endswith("/go.mod") else "module zip"
            self._add("go.sum", "removed", path, line, None, "hash-unneeded",
                      f"go no longer needs the {what} of {path}@{version.removesuffix('/go.mod')}", ())

    def _requirers(self, m: Module) -> list[str]:
        g = self.after
        if g is None:
            return []
        out = []
        for n in g.graph.bfs():
            if m in (g.graph.required_by(n) or ()):
                out.append(f"{n} requires {m}")
                if len(out) >= 3:
                    break
        return out
