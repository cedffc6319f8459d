"""The module cache (``$GOMODCACHE``) layout, as modfetch/cache.go lays it out.

    <root>/<escaped path>@<escaped version>/          extracted module source (read-only dirs)
    <root>/cache/download/<escaped path>/@v/          list, <ev>.info .mod .zip .ziphash .lock .partial
    <root>/cache/vcs/<sha256 of "git3:<remote>">       bare repositories used by GOPROXY=direct
"""

from __future__ import annotations

import os
from pathlib import Path

from . import modpath
from .errors import CacheError

__all__ = ["find_cache_root", "download_dir", "extracted_dir", "module_of_extracted_dir"]


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
