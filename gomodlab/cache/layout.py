"""The module cache's on-disk layout, as modfetch/cache.go and fetch.go write it::

    <root>/<escaped path>@<escaped version>/          extracted module source (read-only dirs)
    <root>/cache/download/<escaped path>/@v/          list, <ev>.info .mod .zip .ziphash .lock .partial
    <root>/cache/vcs/<sha256 of "git3:<remote>">       bare repositories used by GOPROXY=direct

Where a module version's files are (:func:`download_dir`, :func:`extracted_dir`), which module an
extracted directory holds, and which module versions have anything in a cache (the enumeration a
scan starts from).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..mod import modpath, semver
from ..load.locate import default_modcache
from ..errors import CacheError

__all__ = ["find_cache_root", "download_dir", "extracted_dir", "module_of_extracted_dir",
           "default_cache_root", "cache_size"]

_SUFFIXES = ("ziphash", "partial", "info", "mod", "zip", "lock")
_TMP_RE = re.compile(r"^(.+)\.(zip|info|mod)[0-9]+\.tmp$")
_LEGACY_RE = re.compile(r"^(.+)\.tmp-[^/]*$")
_VCS_RE = re.compile(r"^[0-9a-f]{64}$")


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


