"""A memo of the standard library's directory scans, kept between runs (go's module index of GOROOT).

``go mod why`` about a standard package walks the standard library's imports (and its tests'):
some 300 directories and 4,000 Go files, which the Python import reader takes most of a second to
read. Their scans change only when GOROOT does, so :class:`StdScans` keeps each directory's
:class:`~gomodlab.mod.goscan.DirScan` in gomodlab's cache directory with the (size, mtime) of the
directory and of every entry the scan looked at; an entry whose directory or files changed is
scanned again. ``GOMODLAB_CACHE=off`` keeps nothing.
"""

from __future__ import annotations

import marshal
import os
import zlib

from ..mod.goscan import DirScan
from ._fileio import read_bytes, write_atomic
from .locate import cache_dir

__all__ = ["StdScans"]

_FORMAT = 1


class StdScans:
    """The memo for one GOROOT (``src`` its source directory) and one way of scanning (``kind``:
    the tags and index flag the scans were made with)."""

    def __init__(self, file: str, src: str, kind: str) -> None:
        self.file, self.src, self.kind = file, src, kind
        self._entries: dict[str, tuple] = {}
        self._dirty = False
        try:
            data = marshal.loads(read_bytes(file))
            if data[0] == _FORMAT and data[1] == src and data[2] == kind:
                self._entries = data[3]
        except (OSError, ValueError, EOFError, TypeError, IndexError):
            pass

    @classmethod
    def open(cls, src: str, kind: str) -> StdScans | None:
        """The memo for GOROOT's ``src``, or None when gomodlab's cache is off."""
        base = cache_dir()
        if base is None:
            return None
        real = os.path.realpath(src)
        return cls(os.path.join(base, f"std-scans-{zlib.crc32(f'{real}{kind}'.encode()):08x}.marshal"), real, kind)

    def _stamps(self, rel: str, names: list[str]) -> tuple | None:
        d = os.path.join(self.src, *rel.split("/"))
        try:
            st = os.stat(d)
            out = [(st.st_size, st.st_mtime_ns)]
            for n in names:
                f = os.stat(os.path.join(d, n))
                out.append((f.st_size, f.st_mtime_ns))
        except OSError:
            return None
        return tuple(out)

    def get(self, rel: str) -> DirScan | None:
        """The scan of directory ``rel`` if neither it nor any file it looked at changed."""
        e = self._entries.get(rel)
        if e is None:
            return None
        stamps, fields = e
        names = [*fields[2], *(name for name, _ in fields[3])]
        if self._stamps(rel, names) != stamps:
            return None
        return DirScan(*fields)

    def put(self, rel: str, scan: DirScan) -> None:
        names = [*scan.files, *(name for name, _ in scan.excluded)]
        stamps = self._stamps(rel, names)
        if stamps is not None:
            self._entries[rel] = (stamps, (scan.imports, scan.test_imports, scan.files, scan.excluded,
                                           scan.imports_unread))
            self._dirty = True

    def save(self) -> None:
        """Write the memo if a scan was added."""
        if self._dirty:
            write_atomic(self.file, marshal.dumps((_FORMAT, self.src, self.kind, self._entries)))
            self._dirty = False
