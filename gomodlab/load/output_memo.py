"""A memo of a command's output, reused while every file it read is unchanged.

``gomodlab buildlist`` and ``modgraph`` on a module cache are pure functions of the main go.mod,
the go.mod files of directory replacements and the ``.mod`` files read from the cache. The memo
stores the output with the main go.mod's bytes and the (size, mtime) of every other file read
(or :data:`ABSENT` for one looked for and missing);
a later run that finds all of them unchanged prints the stored output without loading the
graph again. Any difference — or ``GOMODLAB_CACHE=off`` — means a full computation.
"""

from __future__ import annotations

import marshal
import os
import zlib
from collections.abc import Mapping

from ._fileio import read_bytes, write_atomic
from .locate import cache_dir

__all__ = ["OutputMemo", "ABSENT"]

#: The (size, mtime) recorded for a path that was looked for and not found: it must still be absent.
ABSENT = (-1, -1)


class OutputMemo:
    """The memo of one command (``kind``) for one main go.mod and one module cache."""

    _FORMAT = 1

    def __init__(self, directory: str, kind: str, gomod: str, modcache: str, context: str = "") -> None:
        self.key = f"{kind}\0{os.path.realpath(gomod)}\0{os.path.realpath(modcache)}\0{context}"
        self.gomod = gomod
        #: The main go.mod as :meth:`lookup` read it: what a later :meth:`store` records, so that a
        #: go.mod edited while the graph loads is never stored beside output computed before the edit.
        self.gomod_bytes: bytes | None = None
        self.file = os.path.join(directory, f"out-{kind}-{zlib.crc32(self.key.encode()):08x}.marshal")

    @classmethod
    def open(cls, kind: str, gomod: str, modcache: str, context: str = "") -> OutputMemo | None:
        """The memo for this command, or None when gomodlab's cache is off; ``context`` names the
        settings the output also depends on (a different context is a different memo)."""
        d = cache_dir()
        return None if d is None else cls(d, kind, gomod, modcache, context)

    def lookup(self) -> tuple[str, str] | None:
        """(stdout, stderr) of the stored run if no input changed since, else None."""
        try:
            self.gomod_bytes = read_bytes(self.gomod)
            data = marshal.loads(read_bytes(self.file))
            if data[0] != self._FORMAT or data[1] != self.key or data[2] != self.gomod_bytes:
                return None
            for path, size, mtime in data[3]:
                try:
                    st = os.stat(path)
                except FileNotFoundError:
                    if size == ABSENT[0]:
                        continue
                    return None
                if st.st_size != size or st.st_mtime_ns != mtime:
                    return None
            return data[4], data[5]
        except (OSError, ValueError, EOFError, TypeError, IndexError):
            return None

    def store(self, inputs: Mapping[str, tuple[int, int]], stdout: str, stderr: str) -> None:
        """Remember a run's output and the inputs it read (atomically; errors are ignored), keyed
        on the main go.mod :meth:`lookup` read (nothing is stored if it could not read it)."""
        if self.gomod_bytes is None:
            return
        data = (self._FORMAT, self.key, self.gomod_bytes,
                tuple((p, s, m) for p, (s, m) in inputs.items()), stdout, stderr)
        write_atomic(self.file, marshal.dumps(data))
