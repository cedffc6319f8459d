"""The scan index: hashes already computed for a module cache, kept *outside* that cache.

A rescan of an unchanged cache should cost a walk and some ``stat`` calls, not a re-hash of every
zip and directory. The index maps a file or directory (by its path relative to the cache root)
to a signature of what is on disk and the result computed from it:

* a file's signature is ``size:mtime_ns:ctime_ns:inode`` (an edit that restores the mtime still
  moves ctime; a re-download is a new inode);
* an extracted directory's is its tree: each directory's stat signature, each file's path, and a
  digest of the files' signatures, so an edited, added or removed file anywhere below changes it
  (see :func:`gomodlab.cache._stat_signature.tree_unchanged`: a rescan lstats, it does not list directories).

It lives in ``$GOMODLAB_INDEX_DIR``, else ``$XDG_CACHE_HOME/gomodlab``, else ``~/.cache/gomodlab``,
one JSON file per cache root; a location inside the cache it describes is refused, because a
scan never writes into the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from ..load.locate import index_dir
from ..errors import CacheError

__all__ = ["ScanIndex", "default_index_path", "FORMAT"]

#: Bumped whenever what is stored (or how it is computed) changes: older indexes are ignored.
FORMAT = 3


def default_index_path(root: str | os.PathLike[str]) -> Path:
    """Where the index for the cache at ``root`` lives unless told otherwise."""
    key = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:20]
    return Path(index_dir()) / f"scan-index-{key}.json"


def _inside(path: str, root: str) -> bool:
    path, root = os.path.realpath(path), os.path.realpath(root)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


class ScanIndex:
    """Computed results keyed by cache-relative path and signature; see the module docstring."""

    def __init__(self, path: str | os.PathLike[str], root: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.root = os.fspath(root)
        # realpath of the index's directory: the file itself may not exist yet.
        if _inside(os.path.join(os.path.realpath(self.path.parent), self.path.name), self.root):
            raise CacheError(f"scan index {self.path} is inside the module cache {self.root}; "
                             "a scan never writes into the cache (choose another --index)")
        self.entries: dict[str, list[Any]] = {}
        #: escaped module path → module path, for paths already validated (CheckPath is not free).
        self.modules: dict[str, str] = {}
        self.dirty = False
        try:
            with open(self.path, "rb") as f:
                data = json.load(f)
            if data.get("format") == FORMAT and data.get("root") == os.path.realpath(self.root):
                self.entries = data.get("entries", {})
                self.modules = data.get("modules", {})
        except (OSError, ValueError, AttributeError):
            self.entries = {}
            self.modules = {}

    def get(self, rel: str, sig: str) -> Any:
        """The result stored for ``rel`` if its signature is still ``sig``, else None."""
        hit = self.entries.get(rel)
        if hit is not None and hit[0] == sig:
            return hit[1]
        return None

    def put(self, rel: str, sig: str, result: Any) -> None:
        self.entries[rel] = [sig, result]
        self.dirty = True

    def prune(self, keep: set[str]) -> None:
        """Forget entries for paths no longer in the cache."""
        gone = [k for k in self.entries if k not in keep]
        for k in gone:
            del self.entries[k]
        self.dirty = self.dirty or bool(gone)

    def save(self) -> None:
        """Write atomically (temp file + rename), creating the index directory if needed."""
        if not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(tmp, "w") as f:
            json.dump({"format": FORMAT, "root": os.path.realpath(self.root), "modules": self.modules,
                       "entries": self.entries}, f, separators=(",", ":"))
        os.replace(tmp, self.path)
        self.dirty = False
