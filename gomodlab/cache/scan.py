"""The module cache (``$GOMODCACHE``): its layout, and a read-only scan for damaged entries.

Layout, as modfetch/cache.go and fetch.go write it::

    <root>/<escaped path>@<escaped version>/          extracted module source (read-only dirs)
    <root>/cache/download/<escaped path>/@v/          list, <ev>.info .mod .zip .ziphash .lock .partial
    <root>/cache/vcs/<sha256 of "git3:<remote>">       bare repositories used by GOPROXY=direct

:func:`scan` walks all of it and reports, per module version, what go would trip over. It never
writes, chmods or deletes anything in the cache, never follows a symbolic link, never extracts a
zip, and honours go's locks: a version whose ``<ev>.lock`` a running go holds is reported as in
progress, not checked (see :mod:`gomodlab.mod.lockedfile`).

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

import errno
import fcntl
import hashlib
import json
import os
import re
import stat
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..mod import lockedfile, modpath, semver
from ..mod.gostrings import quote
from ..load.locate import default_modcache
from ._stat_signature import tree_unchanged, walk_tree
from ..errors import CacheError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "KINDS", "Finding", "VersionEntry", "VcsEntry", "ScanStats", "ScanResult", "scan",
    "check_version", "read_gosum", "find_cache_root", "download_dir", "extracted_dir",
    "module_of_extracted_dir", "default_cache_root", "cache_size",
]

KINDS = ("zip-unreadable", "zip-modified", "dir-modified", "dir-partial", "ziphash-missing",
         "ziphash-invalid", "tmp-leftover", "mod-unreadable", "info-unreadable", "gosum-mismatch",
         "vcs-broken")
_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC
_SUFFIXES = ("ziphash", "partial", "info", "mod", "zip", "lock")
_TMP_RE = re.compile(r"^(.+)\.(zip|info|mod)[0-9]+\.tmp$")
_LEGACY_RE = re.compile(r"^(.+)\.tmp-[^/]*$")
_VCS_RE = re.compile(r"^[0-9a-f]{64}$")
_ZIPHASH_LEN = len("h1:") + 44
# bytes.TrimSpace: ASCII white space and the Unicode White_Space runes.
_GO_SPACE = (" \t\n\v\f\r\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
             "\u2028\u2029\u202f\u205f\u3000")
_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


# ---------------------------------------------------------------------------------------------
# Layout helpers

def find_cache_root(path: str | os.PathLike[str]) -> Path | None:
    """The nearest ancestor of ``path`` (itself included) that holds ``cache/download``."""
    p = Path(path).resolve()
    for candidate in (p, *p.parents):
        if (candidate / "cache" / "download").is_dir():
            return candidate
    return None


def download_dir(root: str | os.PathLike[str], path: str) -> Path:
    """``<root>/cache/download/<escaped path>/@v``."""
    return Path(root) / "cache" / "download" / modpath.escape_path(path) / "@v"


def extracted_dir(root: str | os.PathLike[str], path: str, version: str) -> Path:
    """``<root>/<escaped path>@<escaped version>``."""
    return Path(root) / f"{modpath.escape_path(path)}@{modpath.escape_version(version)}"


def module_of_extracted_dir(directory: str | os.PathLike[str]) -> tuple[str, str]:
    """(module path, version) of an extracted directory, read from its place in the cache.

    ``<root>/github.com/!azure/sdk@v1.0.0-!r!c1`` → ``("github.com/Azure/sdk", "v1.0.0-RC1")``.
    CacheError when the directory is not inside a cache or not a module's top directory.
    """
    d = Path(directory).resolve()
    root = find_cache_root(d)
    if root is None or root == d:
        raise CacheError(f"{directory}: not inside a module cache (no cache/download above it)")
    rel = d.relative_to(root).as_posix()
    escaped, at, ev = rel.rpartition("@")
    if not at or rel.startswith("cache/") or "/" in ev:
        raise CacheError(f"{directory}: not the top directory of an extracted module "
                         f"(<escaped path>@<escaped version> below {root})")
    try:
        return modpath.unescape_path(escaped), modpath.unescape_version(ev)
    except modpath.InvalidPath as e:
        raise CacheError(f"{directory}: not a module directory: {e}") from e


def default_cache_root() -> Path:
    """GOMODCACHE as ``go env GOMODCACHE`` reports it, worked out without running go."""
    return Path(default_modcache())


def cache_size(root: str | os.PathLike[str]) -> tuple[int, int]:
    """(bytes, files) under ``root``: what ``go clean -modcache`` would throw away."""
    total = files = 0
    stack = [os.fspath(root)]
    while stack:
        d = stack.pop()
        try:
            it = os.scandir(d)
        except OSError:
            continue
        with it:
            for e in it:
                try:
                    st = e.stat(follow_symlinks=False)
                except OSError:
                    continue
                if stat.S_ISDIR(st.st_mode):
                    stack.append(e.path)
                else:
                    total += st.st_size
                    files += 1
    return total, files


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

    @property
    def clean(self) -> bool:
        return not self.findings

    def damaged(self) -> dict[tuple[str, str], list[Finding]]:
        """Findings grouped by (module, version); ``vcs-broken`` ones under ("", path)."""
        out: dict[tuple[str, str], list[Finding]] = defaultdict(list)
        for f in self.findings:
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
# Enumeration: which module versions have anything in the cache

@dataclass(slots=True)
class _Layout:
    module: str
    version: str
    esc: str
    ev: str
    vdir: str = ""                                        # abs @v dir (whether or not it exists)
    names: dict[str, str] = field(default_factory=dict)   # suffix -> file name present in @v
    tmp: list[str] = field(default_factory=list)          # go temp files in @v
    xdir: str = ""
    xtype: str = ""                                       # "" absent, d dir, l symlink, f file, o other
    legacy: list[str] = field(default_factory=list)       # abs paths of <dir>.tmp-* leftovers

    @property
    def key(self) -> str:
        return f"{self.esc}@{self.ev}"


def _entry_type(e: os.DirEntry[str]) -> str:
    if e.is_symlink():
        return "l"
    if e.is_dir(follow_symlinks=False):
        return "d"
    if e.is_file(follow_symlinks=False):
        return "f"
    return "o"


def _version_of(ev: str) -> str | None:
    """The version an escaped file-name version stands for, if go could have written it (CachePath)."""
    try:
        v = modpath.unescape_version(ev)
    except modpath.InvalidPath:
        return None
    if not semver.is_valid(v) or modpath.canonical_version(v) != v:
        return None
    return v


def _module_of(esc: str, known: dict[str, str]) -> str | None:
    """The module path an escaped cache path stands for (``known``: already validated ones)."""
    mod = known.get(esc)
    if mod is not None:
        return mod
    try:
        mod = known[esc] = modpath.unescape_path(esc)
    except modpath.InvalidPath:
        return None
    return mod


def _layout(root: str, mod: str, version: str, esc: str, ev: str) -> _Layout:
    parts = esc.split("/")
    return _Layout(mod, version, esc, ev, vdir=os.path.join(root, "cache", "download", *parts, "@v"),
                   xdir=os.path.join(root, *parts) + "@" + ev)


def _enumerate(root: str, errors: list[str], known: dict[str, str]) -> dict[str, _Layout]:
    layouts: dict[str, _Layout] = {}

    def get(esc: str, ev: str, mod: str, version: str) -> _Layout:
        key = f"{esc}@{ev}"
        lay = layouts.get(key)
        if lay is None:
            lay = layouts[key] = _layout(root, mod, version, esc, ev)
        return lay

    base = os.path.join(root, "cache", "download")
    stack = [""]
    while stack:
        rel = stack.pop()
        d = os.path.join(base, rel) if rel else base
        try:
            it = os.scandir(d)
        except FileNotFoundError:
            continue
        except OSError as e:
            errors.append(f"{d}: {e.strerror or e}")
            continue
        with it:
            subdirs = [(e.name, e.path) for e in it if e.is_dir(follow_symlinks=False)]
        for name, path in subdirs:
            if name == "@v":
                mod = _module_of(rel, known)
                if mod is None:
                    continue
                try:
                    names = os.listdir(path)
                except OSError as e:
                    errors.append(f"{path}: {e.strerror or e}")
                    continue
                for fname in names:
                    m = _TMP_RE.match(fname)
                    if m:
                        ev, suffix = m.group(1), "tmp"
                    else:
                        for suffix in _SUFFIXES:
                            if fname.endswith("." + suffix) and len(fname) > len(suffix) + 1:
                                ev = fname[:-len(suffix) - 1]
                                break
                        else:
                            continue
                    version = _version_of(ev)
                    if version is None:
                        continue
                    lay = get(rel, ev, mod, version)
                    if suffix == "tmp":
                        lay.tmp.append(fname)
                    else:
                        lay.names[suffix] = fname
            elif not (rel == "" and name == "sumdb"):
                stack.append(f"{rel}/{name}" if rel else name)

    stack = [""]
    while stack:
        rel = stack.pop()
        d = os.path.join(root, rel) if rel else root
        try:
            it = os.scandir(d)
        except OSError as e:
            if rel:
                errors.append(f"{d}: {e.strerror or e}")
                continue
            raise CacheError(f"{root}: {e.strerror or e}") from None
        with it:
            for e in it:
                if rel == "" and e.name == "cache":
                    continue
                if "@" not in e.name:
                    if e.is_dir(follow_symlinks=False):
                        stack.append(f"{rel}/{e.name}" if rel else e.name)
                    continue
                last, ev = e.name.split("@", 1)
                esc = f"{rel}/{last}" if rel else last
                mod = _module_of(esc, known)
                if mod is None:
                    continue
                version = _version_of(ev)
                if version is not None:
                    lay = get(esc, ev, mod, version)
                    lay.xtype = _entry_type(e)
                    continue
                m = _LEGACY_RE.match(ev)
                if m and (version := _version_of(m.group(1))) is not None:
                    get(esc, m.group(1), mod, version).legacy.append(e.path)
    # "<dir>.tmp-<n>" can itself read as a valid version (v1.0.0-pre.tmp-5 is semver): when nothing
    # but such a directory exists for it and the version it extends is known, it is a leftover of
    # that version's extraction (go's unzip globs "<dir>.tmp-*").
    for key, lay in list(layouts.items()):
        m = _LEGACY_RE.match(lay.ev)
        stem = layouts.get(f"{lay.esc}@{m.group(1)}") if m else None
        if stem is not None and not lay.names and not lay.tmp and lay.xtype:
            stem.legacy.append(lay.xdir)
            del layouts[key]
    return layouts


# ---------------------------------------------------------------------------------------------
# Checking one module version (runs in worker processes)

def _sig(st: os.stat_result) -> str:
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def _ftype(mode: int) -> str:
    if stat.S_ISREG(mode):
        return "f"
    if stat.S_ISDIR(mode):
        return "d"
    if stat.S_ISLNK(mode):
        return "l"
    return "o"


def _read_file(path: str, limit: int = 1 << 20) -> bytes:
    """A small regular file's bytes, never through a symlink and never blocking on a FIFO."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        chunks = []
        while True:
            b = os.read(fd, max(1, min(limit, st.st_size + 1)))
            if not b:
                break
            chunks.append(b)
            if sum(map(len, chunks)) > limit:
                raise OSError(errno.EFBIG, f"larger than {limit} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)


def _sha256_file(path: str, size: int) -> tuple[str, int]:
    fd = os.open(path, _OPEN_FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        h = hashlib.sha256()
        n = 0
        want = size + 1 if size < (8 << 20) else (1 << 20)
        while True:
            b = os.read(fd, want)
            if not b:
                break
            h.update(b)
            n += len(b)
            if len(b) < want and size < (8 << 20):
                break
            want = 1 << 20
        return h.hexdigest(), n
    finally:
        os.close(fd)


def _hash_dir(files: list[tuple[str, str, str, int]], prefix: str) -> tuple[str, int, str]:
    """dirhash.HashDir over the walked files: (h1, bytes hashed, error)."""
    import base64

    named = sorted(((f"{prefix}/{rel}/{name}" if rel else f"{prefix}/{name}").encode("utf-8", "surrogateescape"),
                    os.path.join(d, name), size) for rel, name, d, size in files)
    lines = []
    hashed = 0
    for name, path, size in named:
        if b"\n" in name:
            return "", hashed, "dirhash: filenames with newlines are not supported"
        try:
            digest, n = _sha256_file(path, size)
        except OSError as e:
            return "", hashed, f"open {path}: {e.strerror or e}"
        hashed += n
        lines.append(b"%s  %s\n" % (digest.encode(), name))
    return "h1:" + base64.b64encode(hashlib.sha256(b"".join(lines)).digest()).decode("ascii"), hashed, ""


def _check_info(data: bytes, version: str) -> tuple[str, str, str]:
    """(error, Origin.VCS, Origin.URL) for a cached .info (json.Unmarshal into modfetch.RevInfo)."""
    try:
        info = json.loads(data.decode("utf-8", "surrogateescape"),
                          parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    except (ValueError, RecursionError) as e:
        return f"not JSON: {e}", "", ""
    if not isinstance(info, dict):
        return "not a JSON object", "", ""
    # encoding/json matches field names case-insensitively; the last duplicate wins.
    fields = {k.lower(): v for k, v in info.items()}
    v = fields.get("version")
    if v is not None and not isinstance(v, str):
        return "Version is not a string", "", ""
    t = fields.get("time")
    if t is not None:
        if not isinstance(t, str):
            return "Time is not an RFC 3339 string", "", ""
        m = _RFC3339.match(t)
        bad = m is None
        if m:
            y, mo, d, h, mi, s = (int(x) for x in m.groups()[:6])
            try:
                import datetime

                datetime.datetime(max(y, 1), mo, d, h, mi, s)
            except ValueError:
                bad = True
        if bad:
            return f"Time {t!r} is not an RFC 3339 time", "", ""
    origin = fields.get("origin")
    vcs = url = ""
    if origin is not None:
        if not isinstance(origin, dict):
            return "Origin is not a JSON object", "", ""
        o = {k.lower(): val for k, val in origin.items()}
        vcs = o.get("vcs") if isinstance(o.get("vcs"), str) else ""
        url = o.get("url") if isinstance(o.get("url"), str) else ""
    if v != version:
        return f"names version {v!r}, not {version}" if v else "has no Version", vcs, url
    return "", vcs, url


def _check_mod(data: bytes, path: str, module: str, source_gomod: bytes | None = None) -> tuple[str, str]:
    """(declared module path, error) for a cached .mod, as modload reads a dependency's go.mod.

    A .mod naming another module is not damage by itself: go caches and accepts a fork's go.mod
    that kept its upstream path (it is used through ``replace``). It is damage when the module's
    own extracted go.mod (``source_gomod``, what the zip held) says otherwise.
    """
    from ..mod import modfile

    try:
        f = modfile.parse_gomod(data, path, lax=True)
    except modfile.GoModSyntaxError as e:
        return "", f"parsing go.mod: {e}"
    if f.module is None or not f.module.path:
        return "", "parsing go.mod: missing module line"
    if f.module.path != module and source_gomod is not None:
        try:
            source = modfile.parse_gomod(source_gomod, "go.mod", lax=True).module
        except modfile.GoModSyntaxError:
            source = None
        if source is not None and source.path != f.module.path:
            return f.module.path, (f"parsing go.mod:\n\tmodule declares its path as: {f.module.path}\n"
                                   f"\t        but was required as: {module}")
    return f.module.path, ""


def _go_trim_space(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape").strip(_GO_SPACE)


def _read_ziphash(path: str) -> tuple[str, str | None]:
    """(state, text) as checkMod and lockedfile.Read see a .ziphash: ``ok`` (text: the hash),
    ``invalid`` (text: the trimmed content), ``unreadable`` (text: why), ``locked`` (being written)."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as e:
        return "unreadable", e.strerror or str(e)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return "unreadable", "not a regular file"
        try:
            # hashZip rewrites .ziphash under lockedfile.Create (LOCK_EX); lockedfile.Read shares.
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                return "locked", None
        data = os.read(fd, 4096)
    finally:
        os.close(fd)
    text = _go_trim_space(data)
    if "\0" in text or len(text.encode("utf-8", "surrogateescape")) != _ZIPHASH_LEN or not text.startswith("h1:"):
        return "invalid", text
    return "ok", text


def _check(root: str, lay: _Layout, *, verify: bool = True, index: dict[str, list[Any]] | None = None,
           probe_lock: bool = True, retry: bool = True) -> dict[str, Any]:
    """Everything the cache holds for one module version, checked under go's lock (read-only).

    Returns the raw facts that :func:`_derive` turns into findings, plus ``new_index`` entries for
    what it computed. The facts are plain data (marshal-able): they come back from worker processes.

    What is there is looked at afresh here, not taken from the enumeration: a go may have moved on
    since. While our shared lock is held, go cannot change the version's zip, .ziphash, .partial or
    directory (it does all that under the exclusive lock). If there was no lock file to hold and one
    appeared while we looked, a go started on the version: look again, now under its lock.
    """
    facts: dict[str, Any] = {"key": lay.key, "module": lay.module, "version": lay.version,
                             "state": "checked", "files": {}, "tmp": [], "legacy": [],
                             "xtype": "", "new_index": {}, "hits": 0, "hashed": 0,
                             "inflated": 0, "zip_read": 0}
    index = index or {}
    lock_path = os.path.join(lay.vdir, f"{lay.ev}.lock")
    lock = lockedfile.probe(lock_path) if probe_lock else None
    if lock is not None and lock.state == "held":
        facts["state"] = "in-progress"
        return facts
    try:
        _check_locked(root, lay, facts, verify, index)
    finally:
        if lock is not None:
            lock.release()
    if lock is not None and lock.state == "absent" and retry and os.path.lexists(lock_path):
        return _check(root, lay, verify=verify, index=index, retry=False)
    return facts


def _cached(facts: dict[str, Any], index: dict[str, list[Any]], rel: str, sig: str) -> Any:
    hit = index.get(rel)
    if hit is not None and hit[0] == sig:
        facts["hits"] += 1
        return hit[1]
    return None


def _check_locked(root: str, lay: _Layout, facts: dict[str, Any], verify: bool,
                  index: dict[str, list[Any]]) -> dict[str, Any]:
    files = facts["files"]
    for suffix in _SUFFIXES:
        p = os.path.join(lay.vdir, f"{lay.ev}.{suffix}")
        try:
            st = os.lstat(p)
        except OSError:
            continue
        files[suffix] = (_ftype(st.st_mode), st.st_size, st.st_mtime_ns / 1e9, _sig(st), p)
    try:
        facts["xtype"] = xtype = _ftype(os.lstat(lay.xdir).st_mode)
    except OSError:
        xtype = ""
    for name in lay.tmp:
        p = os.path.join(lay.vdir, name)
        try:
            st = os.lstat(p)
        except FileNotFoundError:
            continue
        facts["tmp"].append((p, st.st_size, st.st_mtime))
    for p in lay.legacy:
        if os.path.lexists(p):
            facts["legacy"].append((p, walk_tree(p)[2] if os.path.isdir(p) and not os.path.islink(p) else 0))

    if "ziphash" in files:
        if files["ziphash"][0] == "f":
            state, text = _read_ziphash(files["ziphash"][4])
            if state == "locked":
                facts["state"] = "in-progress"
                return facts
            facts["ziphash"] = (state, text)
        else:
            facts["ziphash"] = ("unreadable", "not a regular file (symbolic links are not followed)")

    rel_base = f"cache/download/{lay.esc}/@v/{lay.ev}"
    if "zip" in files:
        t, size, _, sig, p = files["zip"]
        if t != "f":
            facts["zip"] = {"h1": "", "errors": ["not a regular file (symbolic links are not followed)"],
                            "files": 0, "uncompressed": 0}
        else:
            rel = rel_base + ".zip"
            res = _cached(facts, index, rel, f"{sig}:{int(verify)}")
            if res is None:
                from ..mod import modzip

                try:
                    rep = modzip.read_module_zip(p, lay.module, lay.version, hash=verify)
                    res = {"h1": rep.h1, "errors": list(rep.errors), "files": rep.files,
                           "uncompressed": rep.uncompressed}
                    facts["inflated"] += rep.inflated
                    facts["hashed"] += rep.inflated
                    facts["zip_read"] += size
                except OSError as e:
                    res = {"h1": "", "errors": [f"open {p}: {e.strerror or e}"], "files": 0, "uncompressed": 0}
                facts["new_index"][rel] = [f"{sig}:{int(verify)}", res]
            facts["zip"] = res

    if xtype == "d":
        try:
            facts["dir_mtime"] = os.lstat(lay.xdir).st_mtime if "partial" not in files else None
        except OSError:
            facts["dir_mtime"] = None
        rel = f"{lay.esc}@{lay.ev}"
        hit = index.get(rel) if verify and "partial" not in files else None
        total = tree_unchanged(lay.xdir, hit[0]) if hit is not None else None
        if total is not None:
            facts["hits"] += 1
            facts["dir_files"] = hit[0]["files"].count("\0") + 1 if hit[0]["files"] else 0
            facts["dir_bytes"] = total
            facts["dir"] = hit[1]
        else:
            tree, dfiles, total, err = walk_tree(lay.xdir)
            facts["dir_files"] = len(dfiles)
            facts["dir_bytes"] = total
            if verify and "partial" not in files:
                if err:
                    res = {"h1": "", "error": err}
                else:
                    h1, hashed, herr = _hash_dir(dfiles, f"{lay.module}@{lay.version}")
                    facts["hashed"] += hashed
                    res = {"h1": h1, "error": herr}
                    if not herr:
                        facts["new_index"][rel] = [tree, res]
                facts["dir"] = res

    for suffix in ("mod", "info"):
        if suffix not in files:
            continue
        t, size, _, sig, p = files[suffix]
        rel = f"{rel_base}.{suffix}"
        res = _cached(facts, index, rel, sig) if t == "f" else None
        if res is None:
            if t != "f":
                res = {"error": "not a regular file (symbolic links are not followed)"}
            else:
                try:
                    data = _read_file(p, 64 << 20)
                except OSError as e:
                    res = {"error": f"read {p}: {e.strerror or e}"}
                else:
                    if suffix == "mod":
                        from ..mod.dirhash import hash_gomod

                        declared, err = _check_mod(data, p, lay.module, _source_gomod(lay.xdir, xtype))
                        res = {"h1": hash_gomod(data), "module": declared, "error": err}
                    else:
                        err, vcs, url = _check_info(data, lay.version)
                        res = {"error": err, "vcs": vcs, "url": url}
                    facts["new_index"][rel] = [sig, res]
        facts[suffix] = res
    return facts


def _source_gomod(xdir: str, xtype: str) -> bytes | None:
    """The go.mod of an extracted module directory (a regular file only), or None."""
    if xtype != "d":
        return None
    p = os.path.join(xdir, "go.mod")
    try:
        if not stat.S_ISREG(os.lstat(p).st_mode):
            return None
        return _read_file(p, 16 << 20)
    except OSError:
        return None


# ---------------------------------------------------------------------------------------------
# VCS checkouts

def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    # Read-only: no optional lock files, no prompts, nothing from the caller's GIT_DIR & co.
    env.update(GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0", LC_ALL="C")
    return env


def _check_vcs(root: str, name: str, index: dict[str, list[Any]]) -> dict[str, Any]:
    vdir = os.path.join(root, "cache", "vcs")
    path = os.path.join(vdir, name)
    facts: dict[str, Any] = {"name": name, "path": path, "state": "checked", "remote": "", "error": "",
                             "bytes": 0, "new_index": {}}
    lock = lockedfile.probe(path + ".lock")
    if lock.state == "held":
        facts["state"] = "in-progress"
        return facts
    with lock:
        key = ""
        try:
            key = _read_file(path + ".info").decode("utf-8", "surrogateescape")
        except FileNotFoundError:
            key = ""
        except OSError as e:
            facts["error"] = f"{path}.info: {e.strerror or e}"
        have = key.removesuffix("\n")
        if have:
            facts["remote"] = have.split(":", 1)[1] if ":" in have else have
            if hashlib.sha256(have.encode("utf-8", "surrogateescape")).hexdigest() != name:
                # codehost.WorkDir refuses to reuse the checkout.
                facts["error"] = (f"{path}.info exists with wrong content (have {json.dumps(have)}, "
                                  f"which is not the key hashed into {name})")
        try:
            st = os.lstat(path)
        except OSError:
            return facts
        if not stat.S_ISDIR(st.st_mode):
            return facts  # go wipes and re-creates it: not in the way
        if facts["error"] or not have or not os.path.isdir(os.path.join(path, "objects")):
            # Without an info file or an objects dir go starts the checkout from scratch.
            facts["bytes"] = walk_tree(path)[2]
            return facts
        rel = f"cache/vcs/{name}"
        hit = index.get(rel)
        total = tree_unchanged(path, hit[0]) if hit is not None else None
        if total is not None:
            facts["bytes"] = total
            facts["error"] = hit[1]
            return facts
        tree, _, facts["bytes"], walk_err = walk_tree(path)
        err = walk_err if walk_err and "symbolic link" not in walk_err else ""
        if not err:
            err = _git_check(path)
        facts["error"] = err
        facts["new_index"][rel] = [tree, err]
    return facts


def _git_check(path: str) -> str:
    """"" when git can read the bare repository at ``path``; else git's complaint."""
    import subprocess

    env = _git_env()
    env["GIT_DIR"] = path
    for argv in (["git", "rev-parse", "--is-bare-repository"],
                 ["git", "for-each-ref", "--format=%(objectname)"],
                 ["git", "fsck", "--connectivity-only", "--no-dangling", "--no-progress"]):
        try:
            proc = subprocess.run(argv, cwd=path, env=env, capture_output=True, timeout=300,
                                  stdin=subprocess.DEVNULL)
        except FileNotFoundError:
            raise CacheError("git is not installed: cannot check cache/vcs checkouts") from None
        except subprocess.TimeoutExpired:
            return f"{' '.join(argv)}: timed out"
        if proc.returncode != 0:
            msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            shown = "; ".join(msg[:3]) if msg else ""
            return f"{' '.join(argv[:2])}: exit status {proc.returncode}" + (f": {shown}" if shown else "")
    return ""


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


def scan(path: str | os.PathLike[str] | None = None,
         gosum: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
         jobs: int | None = None, *, index: bool | str | os.PathLike[str] = True, verify: bool = True,
         progress: bool | None = None, vcs: bool = True) -> ScanResult:
    """Scan the module cache at ``path`` (default: ``go env GOMODCACHE``), read-only.

    ``gosum``: go.sum files whose hashes the cache must agree with. ``jobs``: hashing processes
    (default: the CPUs this process may use). ``index``: True for the default scan index (see
    :mod:`gomodlab.cache.index`), a path for another one, False to hash everything afresh.
    ``verify=False`` skips hashing (an inventory of what is there; layout findings only).
    ``progress``: a tqdm bar on stderr (None: only when stderr is a terminal). ``vcs=False``
    leaves ``cache/vcs`` alone (checking it runs git).

    Raises CacheError when ``path`` is not a module cache; a directory it cannot list inside the
    cache is named in :attr:`ScanResult.errors` instead.
    """
    start = time.perf_counter()
    root_path = Path(path) if path is not None else default_cache_root()
    if not root_path.is_dir():
        raise CacheError(f"{root_path}: no such module cache directory")
    root = os.path.realpath(root_path)
    if not os.path.isdir(os.path.join(root, "cache")) and os.listdir(root):
        # Walking a home directory by mistake would take ages and report nonsense.
        raise CacheError(f"{root_path}: not a module cache (no cache/ directory; see go env GOMODCACHE)")
    if jobs is None:
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    gosum_files: list[str] = []
    if gosum is not None:
        gosum_files = [os.fspath(gosum)] if isinstance(gosum, (str, os.PathLike)) else [os.fspath(g) for g in gosum]
    sums = read_gosum(gosum_files) if gosum_files else {}

    errors: list[str] = []
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
        return _check(root, lay, verify=verify, index=entries_index)

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
            vcs_facts.append(_check_vcs(root, name, idx.entries if idx is not None else {}))

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
            entries.append(_entry(f, lay, [], sums))
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
            errors.append(f"scan index {idx.path}: {e.strerror or e}")

    findings.sort(key=lambda x: (x.kind == "vcs-broken", modpath.module_sort_key(x.module, x.version)
                                 if x.version else (x.module, (), ""), _KIND_ORDER[x.kind], x.path))
    stats = ScanStats(time.perf_counter() - start, len(layouts),
                      sum(1 for f in results.values() if f["state"] == "checked"),
                      hits, hashed, inflated, zip_read, jobs)
    return ScanResult(root, tuple(entries), tuple(vcs_entries), tuple(findings), tuple(in_progress),
                      tuple(errors), stats, tuple(gosum_files))


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
