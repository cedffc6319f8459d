"""Module cache hygiene: what takes the space, how old it is, what no project uses, and a trim plan.

``go clean -modcache`` is all or nothing. :func:`report` looks at a scan's inventory against the
projects you name (their go.sum files and/or build lists, i.e. ``go list -m all`` output) and
:func:`plan_trim` evicts only what none of them needs, through the same quarantine as repairs
(:func:`gomodlab.cache.repair.apply`; ``gomodlab fix --restore`` undoes it).

Usage of a version (column ``usage``):

=========  =======================================================================================
``build``  in a build list, or go.sum has its zip line: go needs its zip and extracted directory
``go.mod`` go.sum has only its ``/go.mod`` line: go reads its .mod for the module graph, never its
           code (its zip and directory can go; ``plan_trim(mod_only_zips=True)``)
``unused`` no given go.sum or build list mentions it
``unknown`` no go.sum or build list was given
=========  =======================================================================================

:attr:`HygieneReport.versions` columns: ``module, version, status, usage, bytes, zip_bytes,
dir_bytes, files, last_used`` (newest mtime of .info/.zip/.mod/dir, UTC), ``age_days`` (float).
:attr:`HygieneReport.modules`: ``module, versions, bytes, unused_versions, unused_bytes,
newest_version, age_days`` (of the newest download). :attr:`HygieneReport.orphans`: ``what, path,
module, version, bytes`` with ``what`` one of ``extracted-dir-without-download`` (go would treat it
as partial and re-extract), ``download-leftover`` (a .ziphash/.partial/temp file with nothing it
belongs to), ``vcs-without-info`` and ``vcs-info-without-dir`` (go re-creates either from scratch).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import repair
from .layout import _VCS_RE, cache_size, download_dir, extracted_dir
from .scan import ScanResult
from ..mod import semver
from ..errors import ParseError, SourceError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["USAGES", "HygieneReport", "parse_build_list", "usage_of", "report", "plan_trim"]

USAGES = ("build", "go.mod", "unused", "unknown")


def parse_build_list(text: str, file: str = "build list") -> set[tuple[str, str]]:
    """Module versions in ``go list -m all`` output; for a replaced module, the replacement too.

    The first line is the main module (no version); local directory replacements need nothing
    from the cache.
    """
    out: set[tuple[str, str]] = set()
    for n, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields:
            continue
        if "=>" in fields:
            i = fields.index("=>")
            left, right = fields[:i], fields[i + 1:]
        else:
            left, right = fields, []
        if len(left) > 2 or len(right) > 2:
            raise ParseError("expected 'path [version] [=> path [version]]'", file=file, line=n)
        if len(left) == 2 and not right:
            out.add((left[0], left[1]))
        if len(right) == 2:
            out.add((right[0], right[1]))
    return out


def _read(path: str | os.PathLike[str]) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as e:
        raise SourceError(f"{os.fspath(path)}: {e.strerror or e}") from None


def usage_of(gosum: Iterable[str | os.PathLike[str]] = (), build_lists: Iterable[str | os.PathLike[str]] = (),
             ) -> dict[tuple[str, str], str] | None:
    """(path, version) → ``build`` or ``go.mod`` over the given files; None when none was given."""
    from ..mod import modfile

    gosum, build_lists = list(gosum), list(build_lists)
    if not gosum and not build_lists:
        return None
    use: dict[tuple[str, str], str] = {}
    for f in build_lists:
        for key in parse_build_list(_read(f).decode("utf-8", "replace"), os.fspath(f)):
            use[key] = "build"
    for f in gosum:
        for line in modfile.parse_gosum(_read(f), os.fspath(f)):
            if line.version.endswith("/go.mod"):
                use.setdefault((line.path, line.version[:-len("/go.mod")]), "go.mod")
            else:
                use[(line.path, line.version)] = "build"
    return use


@dataclass(frozen=True)
class HygieneReport:
    """Sizes, ages, usage and orphans of one cache (frames documented in the module docstring)."""

    root: str
    versions: "pd.DataFrame"
    modules: "pd.DataFrame"
    orphans: "pd.DataFrame"
    total_bytes: int
    used_known: bool


def _orphans(result: ScanResult) -> list[tuple[str, str, str, str, int]]:
    out = []
    for e in result.entries:
        download = e.has_info or e.has_mod or e.has_zip
        if e.has_dir and not download and not e.has_ziphash:
            out.append(("extracted-dir-without-download", str(extracted_dir(result.root, e.module, e.version)),
                        e.module, e.version, e.dir_bytes))
        elif not download and not e.has_dir and (e.has_ziphash or e.has_partial or e.tmp_files):
            out.append(("download-leftover", str(download_dir(result.root, e.module)),
                        e.module, e.version, e.bytes))
    vdir = Path(result.root, "cache", "vcs")
    try:
        names = set(os.listdir(vdir)) if vdir.is_dir() and not vdir.is_symlink() else set()
    except OSError:
        names = set()
    for n in sorted(names):
        if _VCS_RE.match(n) and n + ".info" not in names:
            out.append(("vcs-without-info", str(vdir / n), "", "", cache_size(vdir / n)[0]))
        elif n.endswith(".info") and _VCS_RE.match(n[:-5]) and n[:-5] not in names:
            out.append(("vcs-info-without-dir", str(vdir / n), "", "", (vdir / n).stat().st_size))
    return out


def report(result: ScanResult, *, gosum: Iterable[str | os.PathLike[str]] = (),
           build_lists: Iterable[str | os.PathLike[str]] = (), now: float | None = None) -> HygieneReport:
    """Sizes by version and module, ages, usage against the given projects, and orphans."""
    import pandas as pd

    use = usage_of(gosum, build_lists)
    now = time.time() if now is None else now
    rows = []
    for e in result.entries:
        times = [t for t in (e.info_mtime, e.zip_mtime, e.mod_mtime, e.dir_mtime) if t is not None]
        last = max(times) if times else None
        u = "unknown" if use is None else use.get((e.module, e.version), "unused")
        files = (e.has_info + e.has_mod + e.has_zip + e.has_ziphash + e.tmp_files + e.dir_files)
        rows.append((e.module, e.version, e.status, u, e.bytes, e.zip_bytes, e.dir_bytes, files, last,
                     (now - last) / 86400 if last is not None else float("nan")))
    versions = pd.DataFrame.from_records(rows, columns=["module", "version", "status", "usage", "bytes", "zip_bytes",
                                                        "dir_bytes", "files", "last_used", "age_days"])
    versions = versions.astype({"bytes": "int64", "zip_bytes": "int64", "dir_bytes": "int64", "files": "int64",
                                "age_days": "float64"})
    versions["last_used"] = pd.to_datetime(versions["last_used"].astype("float64"), unit="s", utc=True)
    mods = []
    for module, g in versions.groupby("module", sort=True):
        newest = max(g["version"], key=semver.sort_key)
        unused = g[g["usage"] == "unused"]
        mods.append((module, len(g), int(g["bytes"].sum()), len(unused), int(unused["bytes"].sum()), newest,
                     float(g.loc[g["version"] == newest, "age_days"].iloc[0])))
    modules = pd.DataFrame.from_records(mods, columns=["module", "versions", "bytes", "unused_versions", "unused_bytes",
                                                       "newest_version", "age_days"])
    modules = modules.astype({"versions": "int64", "bytes": "int64", "unused_versions": "int64",
                              "unused_bytes": "int64", "age_days": "float64"})
    orphans = pd.DataFrame.from_records(_orphans(result), columns=["what", "path", "module", "version", "bytes"])
    orphans = orphans.astype({"bytes": "int64"})
    total = cache_size(result.root)[0]
    return HygieneReport(result.root, versions, modules, orphans, total, use is not None)


def plan_trim(result: ScanResult, rep: HygieneReport, *, older_than_days: float | None = None,
              mod_only_zips: bool = False, orphans: bool = True) -> repair.Plan:
    """A quarantine plan evicting unused versions (never one in progress), orphans, and optionally
    the zips and directories of versions only needed for their go.mod."""
    actions: list[repair.Action] = []
    root = result.root
    if rep.used_known:
        for row in rep.versions.itertuples(index=False):
            if row.status == "in-progress":
                continue
            old_enough = older_than_days is None or (row.age_days == row.age_days and row.age_days >= older_than_days)
            if row.usage == "unused" and old_enough:
                act = repair.version_action(root, row.module, row.version,
                                            ("info", "mod", "zip", "ziphash", "partial", "tmp", "dir", "legacy"),
                                            reason="unused", refetch=False,
                                            detail="no given go.sum or build list uses it")
            elif row.usage == "go.mod" and mod_only_zips and old_enough:
                act = repair.version_action(root, row.module, row.version, ("zip", "ziphash", "partial", "dir"),
                                            reason="unused", refetch=False,
                                            detail="only its go.mod is used (go.sum has no zip line)")
            else:
                continue
            if act is not None:
                actions.append(act)
    if orphans:
        seen = {(a.module, a.version) for a in actions}
        for row in rep.orphans.itertuples(index=False):
            if row.what.startswith("vcs-"):
                t = "dir" if row.what == "vcs-without-info" else "file"
                rel = os.path.relpath(row.path, root).replace(os.sep, "/")
                lock = (rel[:-5] if rel.endswith(".info") else rel) + ".lock"
                actions.append(repair.Action("", "", "orphan", (), lock, (repair.Move(rel, t, int(row.bytes)),),
                                             False, row.what))
                continue
            if (row.module, row.version) in seen:
                continue
            roles = ("dir", "legacy") if row.what == "extracted-dir-without-download" else ("ziphash", "partial", "tmp")
            act = repair.version_action(root, row.module, row.version, roles, reason="orphan", refetch=False,
                                        detail=row.what)
            if act is not None:
                actions.append(act)
    total, files = cache_size(root)
    return repair.Plan(root, tuple(actions), total, files)
