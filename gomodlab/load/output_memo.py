"""A memo of a command's output, reused while every file it read is unchanged.

``gomodlab buildlist`` and ``modgraph`` on a module cache are pure functions of the main go.mod,
the go.mod files of directory replacements and the ``.mod`` files read from the cache; ``gomodlab
tidy`` adds the directories it lists and the Go files it reads. The memo stores the output with
the main go.mod's bytes and the :func:`signature` of every other file or directory read (or
:data:`ABSENT` for one looked for and missing); a later run that finds all of them unchanged
prints the stored output without loading anything. Any difference — or ``GOMODLAB_CACHE=off`` —
means a full computation.

A signature is (size, mtime) — and, for an input that had changed less than a second before it
was read, also the bytes read (the names listed, for a directory; a digest of them beyond 64 KB).
Timestamps are coarse (a kernel tick; a second or two on some file systems): a file edited again
within the tick that it was read in, to the same size, keeps its (size, mtime). The bytes catch
exactly those (git's "racily clean" entries); an input older than a second can only change by
getting a new mtime. A file whose mtime is set back (``touch -d``, ``cp -p``) to what it was,
at the same size, is not noticed — as by buildlist's memo and go's own module index.
"""

from __future__ import annotations

import marshal
import os
import time
import zlib
from collections.abc import Iterable, Mapping

from ._fileio import read_bytes, write_atomic
from .locate import cache_dir

__all__ = ["OutputMemo", "ABSENT"]

#: The (size, mtime) recorded for a path that was looked for and not found: it must still be absent.
ABSENT = (-1, -1)

#: An input changed less than this before it was read is "racy": its signature carries a digest.
RACY_NS = 1_000_000_000

#: A racy input up to this size is kept as it was read; a larger one as a digest of it.
_KEPT_BYTES = 65536

#: (size, mtime_ns), or (size, mtime_ns, what was read) for a racy input: its bytes, or for a
#: large one their digest (a str, so the two never compare equal).
Signature = tuple


def _kept(data: bytes) -> bytes | str:
    if len(data) <= _KEPT_BYTES:
        return data  # compared as they are: no hash, no hashlib (OpenSSL start-up: ~2 ms)
    import hashlib

    return hashlib.blake2b(data, digest_size=16).hexdigest()


def listing_bytes(entries: Iterable[tuple[str, bool]]) -> bytes:
    """What a directory's digest covers: its entry names, sorted, each marked as a directory or not."""
    return "\0".join(f"{n}/" if is_dir else n for n, is_dir in sorted(entries)).encode("utf-8", "surrogateescape")


def signature(st: os.stat_result, content: bytes) -> Signature:
    """The signature of an input read as ``content`` (a file's bytes, or :func:`listing_bytes`)
    whose stat before the read was ``st``."""
    if st.st_mtime_ns >= time.time_ns() - RACY_NS:
        return (st.st_size, st.st_mtime_ns, _kept(content))
    return (st.st_size, st.st_mtime_ns)


def _content(path: str) -> bytes:
    """What a racy input's signature kept, read again now."""
    if os.path.isdir(path):
        with os.scandir(path) as it:
            return listing_bytes((e.name, e.is_dir()) for e in it)
    return read_bytes(path)


class OutputMemo:
    """The memo of one command (``kind``) for one main go.mod and one module cache."""

    _FORMAT = 2

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

    def lookup(self) -> tuple[object, object] | None:
        """(stdout, stderr) of the stored run if no input changed since, else None."""
        try:
            self.gomod_bytes = read_bytes(self.gomod)
            data = marshal.loads(read_bytes(self.file))
            if data[0] != self._FORMAT or data[1] != self.key or data[2] != self.gomod_bytes:
                return None
            stat = os.stat
            racy = []
            for entry in data[3]:  # (path, size, mtime[, kept])
                try:
                    st = stat(entry[0])
                except FileNotFoundError:
                    if entry[1] == ABSENT[0]:
                        continue
                    return None
                if st.st_size != entry[1] or st.st_mtime_ns != entry[2]:
                    return None
                if len(entry) > 3:
                    racy.append((entry[0], entry[3]))
            for path, kept in racy:
                if _kept(_content(path)) != kept:
                    return None
            return data[4], data[5]
        except (OSError, ValueError, EOFError, TypeError, IndexError):
            return None

    def store(self, inputs: Mapping[str, Signature], stdout: object, stderr: object) -> None:
        """Remember a run's output (text, or anything marshal stores) and the inputs it read
        (atomically; errors are ignored), keyed on the main go.mod :meth:`lookup` read (nothing
        is stored if it could not read it)."""
        if self.gomod_bytes is None:
            return
        data = (self._FORMAT, self.key, self.gomod_bytes,
                tuple((p, *sig) for p, sig in inputs.items()), stdout, stderr)
        write_atomic(self.file, marshal.dumps(data))
