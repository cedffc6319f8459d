"""A persistent index of a directory tree as the package loader reads it — a module of the module
cache, or the standard library's ``$GOROOT/src``: the entries of each directory listed and the
scan (imports, files, exclusions) of each package directory.

go keeps the same in its build cache (cmd/go/internal/modindex: one index per module of the module
cache, and one of GOROOT, built once), which is much of why a warm ``go mod tidy`` is fast, and a
``go mod why`` about a standard package (which walks the standard packages' imports: ~300
directories and 4,000 Go files for ``fmt``). Ours is checked rather than trusted: a listing is
reused while its directory's :data:`~gomodlab.load.output_memo.stat_key` (size, mtime, ctime,
inode) is unchanged, a scan while its directory's and every file it read are (one ``stat`` each
instead of listing, opening, reading and parsing), so a file whose mtime was set back, or that
was replaced by a copy with the same size and mtime, is read again. Inputs that had changed
less than a second before they were read (racy, see :mod:`gomodlab.load.output_memo`) are never
indexed. One marshal file per module directory (and one for GOROOT/src), in one
directory per module cache (per GOROOT) in gomodlab's cache (:meth:`DirIndex.directory_for`: a
module cache that is gone leaves one directory to delete); ``GOMODLAB_CACHE=off`` turns it off.
"""

from __future__ import annotations

import marshal
import os
import zlib

from ..mod.goscan import DirScan
from ._fileio import read_bytes, write_atomic
from .importerrors import NoGoError, PackageError, ScanError
from .output_memo import Signature, is_racy, stat_key

__all__ = ["DirIndex", "stored_scan", "unstored_scan"]

#: A stored scan: ("ok", imports, test_imports, files, excluded, imports_unread),
#: ("nogo",) or ("error", message).
StoredScan = tuple


class DirIndex:
    """The index of one module directory (or GOROOT/src) ``root``, kept in ``file``."""

    _FORMAT = 2

    def __init__(self, directory: str, root: str) -> None:
        from ..version import __version__

        self.root = root
        self.file = os.path.join(directory, f"{zlib.crc32(os.fsencode(root)):08x}.marshal")
        self._key = (self._FORMAT, __version__, root)
        #: rel → (directory signature, entries as (name, kind, is_link)).
        self.lists: dict[str, tuple[Signature, tuple[tuple[str, str, bool], ...]]] = {}
        #: (rel, scan mode) → (directory signature, ((file name, signature), …), StoredScan).
        self.scans: dict[tuple[str, str], tuple[Signature, tuple[tuple[str, Signature], ...], StoredScan]] = {}
        self.dirty = False
        try:
            key, self.lists, self.scans = marshal.loads(read_bytes(self.file))
            if key != self._key:
                self.lists, self.scans = {}, {}
        except (OSError, ValueError, EOFError, TypeError):
            self.lists, self.scans = {}, {}

    @staticmethod
    def directory_for(cache_dir: str, top: str) -> str:
        """Where the indexes of the directories under ``top`` (a module cache, GOROOT/src) are kept
        in gomodlab's cache."""
        real = os.fsencode(os.path.realpath(top))
        return os.path.join(cache_dir, f"dirindex-{zlib.crc32(real):08x}{len(real):04x}")

    def listing(self, rel: str, sig: Signature) -> tuple[tuple[str, str, bool], ...] | None:
        """The entries of ``rel`` if its directory still has signature ``sig``."""
        got = self.lists.get(rel)
        return got[1] if got is not None and got[0] == sig else None

    def put_listing(self, rel: str, sig: Signature, entries: tuple[tuple[str, str, bool], ...]) -> None:
        if not is_racy(sig):
            self.lists[rel] = (sig, entries)
            self.dirty = True

    def scan(self, rel: str, mode: str, dir_sig: Signature, inputs: dict[str, Signature],
             directory: str) -> StoredScan | None:
        """The stored scan of ``rel`` in ``mode`` if neither the directory nor any file it read
        changed; the files' signatures are then recorded in ``inputs``."""
        got = self.scans.get((rel, mode))
        if got is None or got[0] != dir_sig:
            return None
        found = {}
        for name, sig in got[1]:
            path = os.path.join(directory, name)
            try:
                st = os.stat(path)
            except OSError:
                return None
            if stat_key(st) != sig:
                return None
            found[path] = sig
        inputs.update(found)
        return got[2]

    def put_scan(self, rel: str, mode: str, dir_sig: Signature, read: tuple[tuple[str, Signature], ...],
                 stored: StoredScan) -> None:
        if not is_racy(dir_sig) and not any(is_racy(sig) for _, sig in read):
            self.scans[(rel, mode)] = (dir_sig, read, stored)
            self.dirty = True

    def save(self) -> None:
        """Write the index if it learnt anything (atomically; errors ignored)."""
        if self.dirty:
            write_atomic(self.file, marshal.dumps((self._key, self.lists, self.scans)))
            self.dirty = False


def stored_scan(got: DirScan | PackageError) -> StoredScan:
    """A directory's scan (or why it has none) as the index stores it."""
    if isinstance(got, NoGoError):
        return ("nogo",)
    if isinstance(got, PackageError):
        return ("error", str(got))
    return ("ok", got.imports, got.test_imports, got.files, got.excluded, got.imports_unread)


def unstored_scan(stored: StoredScan, directory: str) -> DirScan | PackageError:
    """The scan :func:`stored_scan` stored; ``directory`` as go names it (for ``no Go source files``)."""
    if stored[0] == "nogo":
        return NoGoError(directory)
    if stored[0] == "error":
        return ScanError(stored[1])
    return DirScan(*stored[1:])
