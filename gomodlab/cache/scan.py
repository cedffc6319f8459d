"""The module cache (``$GOMODCACHE``): a read-only scan for damaged entries.

:func:`scan` walks all of it and reports, per module version, what go would trip over. It never
writes, chmods or deletes anything in the cache, never follows a symbolic link, never extracts a
zip, and honours go's locks: a version whose ``<ev>.lock`` a running go holds (for longer than
``lock_timeout``) is reported ``unverified``, not checked (see :mod:`gomodlab.mod.lockedfile`).

Finding kinds (:data:`KINDS`)
-----------------------------
=================  ==================================================================================
``zip-unreadable``  the .zip cannot be read as that module's zip: not a zip, truncated, bad CRC,
                    entries outside ``module@version/``, unsafe or colliding names, over go's size
                    limits (x/mod/zip CheckZip + dirhash.HashZip)
``zip-modified``    the zip reads but its h1 differs from the ``.ziphash`` go recorded
``dir-modified``    the extracted directory's h1 differs from the ``.ziphash`` (or, when that is
                    unusable, from the zip): a file edited, added, removed, unreadable or a symlink
``dir-partial``     an extraction that never finished: a ``.partial`` marker in ``@v``, the module
                    path is not a directory, or an old ``<dir>.tmp-*`` leftover (pre-1.16 go)
``ziphash-missing`` a zip or a complete extracted dir without a ``.ziphash``
``ziphash-invalid`` a ``.ziphash`` go would not accept (NUL bytes, wrong length, not ``h1:``)
``tmp-leftover``    a ``<ev>.{zip,info,mod}<N>.tmp`` file left by an interrupted write
``mod-unreadable``  the cached .mod does not parse, lacks a module line, or names another module
                    than the version's own extracted go.mod does (a fork keeping its upstream
                    path is fine: go accepts it through ``replace``)
``info-unreadable`` the .info is not the JSON go writes (RevInfo) naming that version
``gosum-mismatch``  a hash in the cache differs from every line for it in a given go.sum
``vcs-broken``      a ``cache/vcs/<hash>`` repository git cannot read (go's ``exit status 128``),
                    or whose ``<hash>.info`` does not name it; ``path`` is the repository
=================  ==================================================================================

Two more kinds say what could not be checked; they are not damage (:data:`NOT_DAMAGE`), so no
repair is ever planned for them, but they make ``gomodlab scan`` exit 1 all the same:

=====================  ==============================================================================
``permission-denied``  a file or directory this user may not read; ``detail`` names its owner and
                       mode. Whatever else is wrong with that version is not reported until it can
                       be read.
``unverified``         a running go held the version's lock for the whole ``lock_timeout``: it was
                       not looked at (a download in flight, or a go that hangs)
=====================  ==============================================================================

Inventory (:meth:`ScanResult.inventory`), one row per module version
---------------------------------------------------------------------
===================  ====================  ========================================================
column               dtype                 meaning
===================  ====================  ========================================================
module, version      str                   the module version
status               str                   ``ok``, ``damaged`` or ``in-progress`` (lock held)
kinds                str                   finding kinds for this version, comma-separated
has_info … has_lock  bool                  ``has_info has_mod has_zip has_ziphash has_dir
                                           has_partial has_lock``: which files exist
tmp_files            int64                 go temp files left in ``@v`` for this version
info_bytes           int64                 size of ``.info`` (0 when absent); also ``mod_bytes``,
                                           ``zip_bytes``
zip_files            int64                 entries in the zip
zip_uncompressed     int64                 declared uncompressed size of the zip's entries
dir_files            int64                 files in the extracted directory
dir_bytes            int64                 their total size
bytes                int64                 everything on disk for this version (download + dir)
info_mtime           datetime64[ns, UTC]   mtime of ``.info`` (NaT when absent); also
                                           ``mod_mtime``, ``zip_mtime``, ``dir_mtime``
ziphash              str                   the ``.ziphash`` content, trimmed (``""`` if missing)
zip_hash             str                   h1 computed from the ``.zip`` (``""`` if not computed)
dir_hash             str                   h1 computed from the extracted directory
gomod_hash           str                   go.sum ``/go.mod`` hash of the ``.mod``
gosum_zip            str                   hashes for the zip in the given go.sum files (space
                                           separated; ``""`` when none); also ``gosum_gomod``
origin_vcs           str                   ``Origin.VCS`` of the ``.info`` (direct fetches)
origin_url           str                   ``Origin.URL`` (the repository a vcs checkout mirrors)
escaped              str                   ``<escaped path>@<escaped version>``
===================  ====================  ========================================================
"""

from __future__ import annotations

import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..mod import modpath, semver
from ..mod.gostrings import quote
from .checks import _check, _check_vcs, _ftype
from .layout import _SUFFIXES, _TMP_RE, _VCS_RE, _Layout, _enumerate, _layout, default_cache_root
from ..errors import CacheError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["KINDS", "NOT_DAMAGE", "Finding", "VersionEntry", "VcsEntry", "ScanStats", "ScanResult", "scan",
           "check_version", "read_gosum"]

KINDS = ("zip-unreadable", "zip-modified", "dir-modified", "dir-partial", "ziphash-missing",
         "ziphash-invalid", "tmp-leftover", "mod-unreadable", "info-unreadable", "gosum-mismatch",
         "vcs-broken", "permission-denied", "unverified")
#: Finding kinds that say what could not be checked, not what is damaged: never repaired.
NOT_DAMAGE = ("permission-denied", "unverified")
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}


# ---------------------------------------------------------------------------------------------
# Models

@dataclass(frozen=True, slots=True)
class Finding:
    """One damaged thing in the cache.

    ``kind`` is one of :data:`KINDS`; ``path`` the file or directory concerned; ``detail`` says
    what is wrong in go's wording where go has one. ``want``/``got`` carry the two hashes that
    disagree (reference first: the ``.ziphash`` or go.sum, then what was found). For
    ``vcs-broken``, ``module`` lists the module paths known to use the repository (space
    separated, also in ``modules``), ``version`` is ``""`` and ``remote`` is its URL.
    """

    kind: str
    module: str
    version: str
    path: str
    detail: str
    want: str = ""
    got: str = ""
    remote: str = ""
    modules: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["modules"] = list(self.modules)
        return d


@dataclass(frozen=True, slots=True)
class VersionEntry:
    """One inventory row; the columns are documented in the module docstring."""

    module: str
    version: str
    status: str
    kinds: str
    has_info: bool
    has_mod: bool
    has_zip: bool
    has_ziphash: bool
    has_dir: bool
    has_partial: bool
    has_lock: bool
    tmp_files: int
    info_bytes: int
    mod_bytes: int
    zip_bytes: int
    zip_files: int
    zip_uncompressed: int
    dir_files: int
    dir_bytes: int
    bytes: int
    info_mtime: float | None
    mod_mtime: float | None
    zip_mtime: float | None
    dir_mtime: float | None
    ziphash: str
    zip_hash: str
    dir_hash: str
    gomod_hash: str
    gosum_zip: str
    gosum_gomod: str
    origin_vcs: str
    origin_url: str
    escaped: str


@dataclass(frozen=True, slots=True)
class VcsEntry:
    """A ``cache/vcs/<hash>`` checkout: its remote (from ``<hash>.info``) and what git made of it."""

    path: str
    remote: str
    modules: tuple[str, ...]
    status: str
    detail: str
    bytes: int


@dataclass(frozen=True, slots=True)
class ScanStats:
    """How much work a scan did (the benchmark compares these with the sha256/inflate floors)."""

    seconds: float
    versions: int
    checked: int
    index_hits: int
    hashed_bytes: int
    inflated_bytes: int
    zip_bytes_read: int
    jobs: int


@dataclass(frozen=True)
class ScanResult:
    """What :func:`scan` found: inventory rows, findings, and what it could not look at."""

    root: str
    entries: tuple[VersionEntry, ...]
    vcs: tuple[VcsEntry, ...]
    findings: tuple[Finding, ...]
    in_progress: tuple[str, ...]
    errors: tuple[str, ...]
    stats: ScanStats
    gosum_files: tuple[str, ...] = ()
    #: What did not change the answer but a user should know (an index that could not be kept).
    notes: tuple[str, ...] = ()

    @property
    def clean(self) -> bool:
        return not self.findings

    def damaged(self) -> dict[tuple[str, str], list[Finding]]:
        """Damage findings grouped by (module, version); ``vcs-broken`` ones under ("", path).
        :data:`NOT_DAMAGE` findings (permissions, held locks) are left out: nothing to repair."""
        out: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        for f in self.findings:
            if f.kind in NOT_DAMAGE:
                continue
            key = ("", f.path) if f.kind == "vcs-broken" else (f.module, f.version)
            out[key].append(f)
        return dict(out)

    def inventory(self) -> "pd.DataFrame":
        """The inventory DataFrame (columns in the module docstring)."""
        import pandas as pd

        cols = list(VersionEntry.__slots__)  # type: ignore[attr-defined]
        df = pd.DataFrame.from_records([tuple(getattr(e, c) for c in cols) for e in self.entries],
                                       columns=cols)
        for c in cols:
            if c.endswith("_mtime"):
                df[c] = pd.to_datetime(df[c].astype("float64"), unit="s", utc=True)
            elif c.startswith("has_"):
                df[c] = df[c].astype(bool)
            elif c in ("tmp_files", "info_bytes", "mod_bytes", "zip_bytes", "zip_files",
                       "zip_uncompressed", "dir_files", "dir_bytes", "bytes"):
                df[c] = df[c].astype("int64")
            else:
                df[c] = df[c].astype(object)
        return df

    def findings_frame(self) -> "pd.DataFrame":
        """Findings as a DataFrame: kind, module, version, path, detail, want, got, remote, modules."""
        import pandas as pd

        cols = list(Finding.__slots__)  # type: ignore[attr-defined]
        rows = [tuple(" ".join(f.modules) if c == "modules" else getattr(f, c) for c in cols)
                for f in self.findings]
        return pd.DataFrame.from_records(rows, columns=cols)



# ---------------------------------------------------------------------------------------------
# go.sum and findings

def read_gosum(files: Iterable[str | os.PathLike[str]]) -> dict[tuple[str, str], list[tuple[str, str, int]]]:
    """(path, version or version/go.mod) → [(hash, file, line)] over the given go.sum files.

    Only ``h1:`` hashes count, and the hash of an empty go.mod is dropped (modfetch/fetch.go).
    """
    from ..mod import modfile
    from ..mod.dirhash import EMPTY_GOMOD_HASH

    out: dict[tuple[str, str], list[tuple[str, str, int]]] = defaultdict(list)
    for f in files:
        p = os.fspath(f)
        try:
            data = Path(p).read_bytes()
        except OSError as e:
            raise CacheError(f"{p}: {e.strerror or e}") from None
        for line in modfile.parse_gosum(data, p):
            if not line.hash.startswith("h1:") or line.hash == EMPTY_GOMOD_HASH:
                continue
            out[(line.path, line.version)].append((line.hash, p, line.line))
    return dict(out)


def _derive(f: dict[str, Any], lay: _Layout, gosum: dict[tuple[str, str], list[tuple[str, str, int]]],
            ) -> list[Finding]:
    """Findings for one checked version (see the kinds table in the module docstring)."""
    mod, ver = f["module"], f["version"]
    out: list[Finding] = []

    def add(kind: str, path: str, detail: str, want: str = "", got: str = "") -> None:
        out.append(Finding(kind, mod, ver, path, detail, want, got))

    if f["denied"]:
        for p, uid, mode in f["denied"]:
            add("permission-denied", p, f"{p}: permission denied to {_user(os.geteuid())} (owner {_user(uid)}, "
                                        f"mode {mode:04o}); not checked, and not damage: fix the permissions "
                                        "(the cache belongs to whoever runs go)")
        return out
    files = f["files"]
    for p, _, _ in f["tmp"]:
        final = _TMP_RE.match(os.path.basename(p))
        add("tmp-leftover", p, f"interrupted write of {lay.ev}.{final.group(2) if final else '?'}: a temporary "
                               "file go never renamed into place")
    for p, _ in f["legacy"]:
        add("dir-partial", p, "leftover temporary extraction directory (go before 1.16 extracted into "
                              "<dir>.tmp-* and renamed it)")
    partial = "partial" in files
    if partial:
        add("dir-partial", files["partial"][4],
            f"{lay.xdir}: not completely extracted (.partial marker present)")
    elif f["xtype"] in ("l", "f", "o"):
        what = {"l": "a symbolic link (not followed)", "f": "a file", "o": "not a directory"}[f["xtype"]]
        add("dir-partial", lay.xdir, f"{lay.xdir}: not a directory ({what})")

    zh_state, zh = f.get("ziphash", ("missing", None))
    recorded = zh if zh_state == "ok" else ""
    zip_path = files["zip"][4] if "zip" in files else ""
    zh_path = os.path.join(lay.vdir, f"{lay.ev}.ziphash")
    if zh_state == "invalid":
        add("ziphash-invalid", zh_path, f"unexpected ziphash: {quote(zh or '')} (want h1: and 44 base64 characters)")
    elif zh_state == "unreadable":
        add("ziphash-invalid", zh_path, f"unreadable ziphash: {zh}")
    elif zh_state == "missing" and ("zip" in files or (f["xtype"] == "d" and not partial)):
        add("ziphash-missing", zh_path, "missing ziphash: " + (
            "the zip" if "zip" in files else "the extracted directory") + " has no recorded hash")

    z = f.get("zip")
    zip_h1 = ""
    if z is not None:
        if z["errors"]:
            add("zip-unreadable", zip_path, "; ".join(z["errors"][:5])
                + (f" (and {len(z['errors']) - 5} more)" if len(z["errors"]) > 5 else ""))
        else:
            zip_h1 = z["h1"]
            if recorded and zip_h1 and zip_h1 != recorded:
                add("zip-modified", zip_path, f"zip has been modified ({zip_path}): its hash {zip_h1} "
                                              f"is not the recorded {recorded}", recorded, zip_h1)
    d = f.get("dir")
    if d is not None:
        ref, ref_name = (recorded, ".ziphash") if recorded else (zip_h1, "the zip") if zip_h1 else ("", "")
        if d["error"]:
            add("dir-modified", lay.xdir, f"dir has been modified ({lay.xdir}): {d['error']}", ref, "")
        elif ref and d["h1"] != ref:
            add("dir-modified", lay.xdir, f"dir has been modified ({lay.xdir}): its hash {d['h1']} is not "
                                          f"{ref} from {ref_name}", ref, d["h1"])
    m = f.get("mod")
    if m is not None and m["error"]:
        add("mod-unreadable", files["mod"][4], m["error"])
    i = f.get("info")
    if i is not None and i["error"]:
        add("info-unreadable", files["info"][4], f"{i['error']}")

    if gosum:
        have = recorded or zip_h1 or (d["h1"] if d and not d["error"] and "zip" not in files else "")
        where = ".ziphash" if recorded else "zip" if zip_h1 else "extracted dir"
        # Each go.sum belongs to its own project: go accepts a hash if any line of *that* file has it.
        for file, lines in _by_file(gosum.get((mod, ver), [])):
            if have and all(h != have for h, _, _ in lines):
                h, _, line = lines[0]
                add("gosum-mismatch", zip_path or zh_path or lay.xdir,
                    f"checksum mismatch: {file}:{line} has {h}, the cache's {where} has {have}", h, have)
        if m is not None and m.get("h1"):
            for file, lines in _by_file(gosum.get((mod, ver + "/go.mod"), [])):
                if all(h != m["h1"] for h, _, _ in lines):
                    h, _, line = lines[0]
                    add("gosum-mismatch", files["mod"][4],
                        f"go.mod checksum mismatch: {file}:{line} has {h}, the cache's .mod has {m['h1']}",
                        h, m["h1"])
    return out


def _user(uid: int) -> str:
    """``name (uid N)``, or the uid alone when it has no name here."""
    import pwd

    try:
        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except KeyError:
        return f"uid {uid}"


def _by_file(lines: list[tuple[str, str, int]]) -> list[tuple[str, list[tuple[str, str, int]]]]:
    out: dict[str, list[tuple[str, str, int]]] = {}
    for rec in lines:
        out.setdefault(rec[1], []).append(rec)
    return list(out.items())


def _entry(f: dict[str, Any], lay: _Layout, kinds: list[str],
           gosum: dict[tuple[str, str], list[tuple[str, str, int]]]) -> VersionEntry:
    files = f["files"]

    def size(s: str) -> int:
        return files[s][1] if s in files else 0

    def mtime(s: str) -> float | None:
        return files[s][2] if s in files else None

    z = f.get("zip") or {}
    d = f.get("dir") or {}
    m = f.get("mod") or {}
    i = f.get("info") or {}
    zh_state, zh = f.get("ziphash", ("missing", None))
    dir_bytes = f.get("dir_bytes", 0)
    total = (sum(v[1] for v in files.values()) + sum(t[1] for t in f["tmp"]) + dir_bytes
             + sum(b for _, b in f["legacy"]))
    status = "in-progress" if f["state"] == "in-progress" else "damaged" if kinds else "ok"
    return VersionEntry(
        module=f["module"], version=f["version"], status=status, kinds=",".join(kinds),
        has_info="info" in files, has_mod="mod" in files, has_zip="zip" in files,
        has_ziphash="ziphash" in files, has_dir=f["xtype"] != "", has_partial="partial" in files,
        has_lock="lock" in files, tmp_files=len(f["tmp"]),
        info_bytes=size("info"), mod_bytes=size("mod"), zip_bytes=size("zip"),
        zip_files=z.get("files", 0), zip_uncompressed=z.get("uncompressed", 0),
        dir_files=f.get("dir_files", 0), dir_bytes=dir_bytes, bytes=total,
        info_mtime=mtime("info"), mod_mtime=mtime("mod"), zip_mtime=mtime("zip"),
        dir_mtime=f.get("dir_mtime"),
        ziphash=zh or "" if zh_state in ("ok", "invalid") else "",
        zip_hash=z.get("h1", ""), dir_hash=d.get("h1", ""), gomod_hash=m.get("h1", ""),
        gosum_zip=" ".join(dict.fromkeys(h for h, _, _ in gosum.get((f["module"], f["version"]), []))),
        gosum_gomod=" ".join(dict.fromkeys(h for h, _, _ in gosum.get((f["module"], f["version"] + "/go.mod"), []))),
        origin_vcs=i.get("vcs", ""), origin_url=i.get("url", ""), escaped=lay.key)


def _settle_tmp(results: dict[str, dict[str, Any]]) -> None:
    """Drop temp files that vanished: go writes .info/.mod through a temp file and a rename without
    any lock (writeDiskCache), so a young temp file may just be a write in flight."""
    young = [(f, t) for f in results.values() if f["state"] == "checked" for t in f["tmp"]
             if time.time() - t[2] < 60]
    if young:
        time.sleep(0.2)
    for f in results.values():
        if f["state"] == "checked" and f["tmp"]:
            f["tmp"] = [t for t in f["tmp"] if os.path.lexists(t[0])]


# ---------------------------------------------------------------------------------------------
# scan()

def _progress(total: int, enabled: bool | None, desc: str) -> Any:
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled or total == 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="mod", leave=False, file=sys.stderr)


_WHAT_A_CACHE_IS = ("a module cache holds cache/download/ and one folder per module host (github.com/, golang.org/ …); "
                    "`go env GOMODCACHE` prints where go keeps yours ($HOME/go/pkg/mod by default)")


def _check_is_cache(root: Path) -> None:
    """CacheError unless ``root`` looks like a module cache: an empty folder or a home directory
    scanned by mistake would otherwise pass as a clean cache (or take ages to walk)."""
    if not root.exists():
        raise CacheError(f"{root}: no such directory; {_WHAT_A_CACHE_IS}")
    if not root.is_dir():
        raise CacheError(f"{root}: not a directory; {_WHAT_A_CACHE_IS}")
    if (root / "cache").is_dir():
        return
    try:
        with os.scandir(root) as it:
            if any("." in e.name and e.is_dir(follow_symlinks=False) for e in it):
                return
    except OSError as e:
        raise CacheError(f"{root}: {e.strerror}") from None
    raise CacheError(f"{root}: not a module cache; {_WHAT_A_CACHE_IS}")


def scan(path: str | os.PathLike[str] | None = None,
         gosum: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
         jobs: int | None = None, *, index: bool | str | os.PathLike[str] = True, verify: bool = True,
         progress: bool | None = None, vcs: bool = True, lock_timeout: float = 0.0) -> ScanResult:
    """Scan the module cache at ``path`` (default: ``go env GOMODCACHE``), read-only.

    ``gosum``: go.sum files whose hashes the cache must agree with. ``jobs``: hashing processes
    (default: the CPUs this process may use). ``index``: True for the default scan index (see
    :mod:`gomodlab.cache.index`), a path for another one, False to hash everything afresh.
    ``verify=False`` skips hashing (an inventory of what is there; layout findings only).
    ``progress``: a tqdm bar on stderr (None: only when stderr is a terminal). ``vcs=False``
    leaves ``cache/vcs`` alone (checking it runs git). ``lock_timeout``: how long to wait for a
    running go to release a version's lock before reporting the version ``unverified``.

    Raises CacheError when ``path`` is not a module cache; a directory it cannot list inside the
    cache is named in :attr:`ScanResult.errors` instead.
    """
    start = time.perf_counter()
    root_path = Path(path) if path is not None else default_cache_root()
    _check_is_cache(root_path)
    root = os.path.realpath(root_path)
    if jobs is None:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    gosum_files: list[str] = []
    if gosum is not None:
        gosum_files = [os.fspath(gosum)] if isinstance(gosum, (str, os.PathLike)) else [os.fspath(g) for g in gosum]
    sums = read_gosum(gosum_files) if gosum_files else {}

    errors: list[str] = []
    notes: list[str] = []
    idx = None
    if index is not False:
        from .index import ScanIndex, default_index_path

        idx = ScanIndex(default_index_path(root) if index is True else index, root)
    known = dict(idx.modules) if idx is not None else {}
    layouts = _enumerate(root, errors, known)
    entries_index = idx.entries if idx is not None else {}
    ordered = sorted(layouts.values(), key=lambda l: (l.module, semver.sort_key(l.version)))
    # Biggest zips first, so that no worker is left hashing one big zip at the end.
    todo = sorted(ordered, key=lambda l: -_zip_size(l))
    bar = None
    results: dict[str, dict[str, Any]] = {}

    def check(lay: _Layout) -> dict[str, Any]:
        return _check(root, lay, verify=verify, index=entries_index, lock_wait=lock_timeout)

    from ._verify_pool import WorkerError, fork_map

    try:
        for res in fork_map(check, todo, jobs):
            results[res["key"]] = res
            if bar is None and len(results) == 1:
                # Created after the fork: tqdm may start a monitor thread.
                bar = _progress(len(todo), progress, "scanning")
            if bar is not None:
                bar.update(1)
    except WorkerError as e:
        raise CacheError(f"scan of {root} failed: {e}") from None
    finally:
        if bar is not None:
            bar.close()
    _settle_tmp(results)

    # VCS checkouts.
    vcs_facts: list[dict[str, Any]] = []
    vdir = os.path.join(root, "cache", "vcs")
    if vcs and os.path.isdir(vdir) and not os.path.islink(vdir):
        try:
            names = sorted(n for n in os.listdir(vdir) if _VCS_RE.match(n))
        except OSError as e:
            errors.append(f"{vdir}: {e.strerror or e}")
            names = []
        for name in names:
            vcs_facts.append(_check_vcs(root, name, idx.entries if idx is not None else {}, lock_timeout))

    findings: list[Finding] = []
    entries: list[VersionEntry] = []
    in_progress: list[str] = []
    hits = hashed = inflated = zip_read = 0
    for lay in ordered:
        f = results[lay.key]
        hits += f["hits"]
        hashed += f["hashed"]
        inflated += f["inflated"]
        zip_read += f["zip_read"]
        if f["state"] == "in-progress":
            in_progress.append(f"{lay.module}@{lay.version}")
            findings.append(Finding("unverified", lay.module, lay.version, os.path.join(lay.vdir, f"{lay.ev}.lock"),
                                    f"a running go holds the lock of {lay.module}@{lay.version}: not checked "
                                    "(wait for it, or scan with --lock-timeout SECONDS)"))
            entries.append(_entry(f, lay, ["unverified"], sums))
            continue
        found = _derive(f, lay, sums)
        findings.extend(found)
        kinds = sorted({x.kind for x in found}, key=_KIND_ORDER.__getitem__)
        entries.append(_entry(f, lay, kinds, sums))

    users: dict[str, set[str]] = defaultdict(set)
    for f in results.values():
        info = f.get("info")
        if info and info.get("url"):
            users[info["url"]].add(f["module"])
    vcs_entries: list[VcsEntry] = []
    for vf in vcs_facts:
        mods = tuple(sorted(users.get(vf["remote"], ())))
        if vf["state"] == "in-progress":
            in_progress.append(vf["path"])
            status = "in-progress"
            findings.append(Finding("unverified", " ".join(mods), "", vf["path"],
                                    f"a running go holds the lock of {vf['path']}: not checked "
                                    "(wait for it, or scan with --lock-timeout SECONDS)", remote=vf["remote"],
                                    modules=mods))
        elif vf["error"]:
            status = "damaged"
            detail = vf["error"] + (f" (remote {vf['remote']})" if vf["remote"] else "")
            findings.append(Finding("vcs-broken", " ".join(mods), "", vf["path"], detail,
                                    remote=vf["remote"], modules=mods))
        else:
            status = "ok"
        vcs_entries.append(VcsEntry(vf["path"], vf["remote"], mods, status, vf["error"], vf["bytes"]))

    if idx is not None:
        for f in list(results.values()) + vcs_facts:
            for rel, (sig, res) in f["new_index"].items():
                idx.put(rel, sig, res)
        keep = {k for lay in layouts.values() for k in (
            f"cache/download/{lay.esc}/@v/{lay.ev}.zip", f"cache/download/{lay.esc}/@v/{lay.ev}.mod",
            f"cache/download/{lay.esc}/@v/{lay.ev}.info", lay.key)}
        keep |= {f"cache/vcs/{vf['name']}" for vf in vcs_facts}
        idx.prune(keep)
        used = {lay.esc: lay.module for lay in layouts.values()}
        if used != idx.modules:
            idx.modules = used
            idx.dirty = True
        try:
            idx.save()
        except OSError as e:
            # The index only spares the next scan work: this one's answer stands without it.
            notes.append(f"scan index {idx.path}: {e.strerror or e}; scanned without its index (set "
                         "GOMODLAB_INDEX_DIR or XDG_CACHE_HOME to a writable directory to keep one)")

    findings.sort(key=lambda x: (x.kind == "vcs-broken", modpath.module_sort_key(x.module, x.version)
                                 if x.version else (x.module, (), ""), _KIND_ORDER[x.kind], x.path))
    stats = ScanStats(time.perf_counter() - start, len(layouts),
                      sum(1 for f in results.values() if f["state"] == "checked"),
                      hits, hashed, inflated, zip_read, jobs)
    return ScanResult(root, tuple(entries), tuple(vcs_entries), tuple(findings), tuple(in_progress),
                      tuple(errors), stats, tuple(gosum_files), tuple(notes))


def _zip_size(lay: _Layout) -> int:
    if "zip" not in lay.names:
        return 0
    try:
        return os.lstat(os.path.join(lay.vdir, lay.names["zip"])).st_size
    except OSError:
        return 0


def check_version(root: str | os.PathLike[str], module: str, version: str, *,
                  gosum: dict[tuple[str, str], list[tuple[str, str, int]]] | None = None,
                  locked: bool = False) -> tuple[str, list[Finding]]:
    """Re-check one module version in-process, without any index: (state, findings).

    ``state`` is ``in-progress`` (a running go holds its lock), ``absent`` (nothing in the cache)
    or ``checked``. ``locked``: the caller holds go's lock for the version (as repairs do before
    moving anything), so it is not probed (a probe would see our own lock as held).
    """
    r = os.path.realpath(root)
    lay = _layout(r, module, version, modpath.escape_path(module), modpath.escape_version(version))
    try:
        names = os.listdir(lay.vdir)
    except OSError:
        names = []
    for fname in names:
        m = _TMP_RE.match(fname)
        if m and m.group(1) == lay.ev:
            lay.tmp.append(fname)
        elif fname.startswith(lay.ev + "."):
            suffix = fname[len(lay.ev) + 1:]
            if suffix in _SUFFIXES:
                lay.names[suffix] = fname
    try:
        lay.xtype = _ftype(os.lstat(lay.xdir).st_mode)
    except OSError:
        pass
    parent, base = os.path.split(lay.xdir)
    try:
        lay.legacy = [os.path.join(parent, n) for n in os.listdir(parent)
                      if n.startswith(base + ".tmp-")]
    except OSError:
        pass
    if not lay.names and not lay.tmp and not lay.xtype and not lay.legacy:
        return "absent", []
    f = _check(r, lay, verify=True, index={}, probe_lock=not locked)
    assert f is not None
    if f["state"] == "in-progress":
        return "in-progress", []
    return "checked", _derive(f, lay, gosum or {})
