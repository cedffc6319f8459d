"""A memo of a command's output, reused while every file it read is unchanged.

``gomodlab buildlist`` and ``modgraph`` on a module cache are pure functions of the main go.mod,
the go.mod files of directory replacements and the ``.mod`` files read from the cache; ``gomodlab
tidy`` adds the directories it lists and the Go files it reads. The memo stores the output with
the main go.mod's bytes and the :func:`signature` of every other file or directory read (or
:data:`ABSENT` for one looked for and missing); a later run that finds all of them unchanged
prints the stored output without loading anything. Any difference — or ``GOMODLAB_CACHE=off`` —
means a full computation.

A signature is the :data:`stat_key` of an input — (size, mtime, ctime, inode) — and, for one
that had changed less than a second before it was read, also the bytes read (the names listed,
for a directory; a digest of them beyond 64 KB). An mtime can be set back to what it was
(``touch -d``, ``cp -p``, ``os.utime``); a ctime cannot (a write, a utime, a chmod or a rename
sets it to now), and a file replaced by a copy (written beside it and renamed over) has another
inode: both are noticed. Timestamps are coarse (a kernel tick; a second or two on some file
systems): a file edited again within the tick it was read in, to the same size, keeps all four.
The bytes catch exactly those (git's "racily clean" entries); an input whose ctime was older than
a second when it was read can only change by getting a new one. Still not noticed: a module
cache ``.mod`` file edited in place to the same size within one ctime tick of its read (recorded
by its stat key alone, as the summary cache keeps it; go replaces such files, it never edits
them), a change made with the clock set back, and a file system that keeps no real ctime or
inode (FAT; on Windows ``st_ctime`` is the creation time: there the later of mtime and ctime
decides what is racy).
"""

from __future__ import annotations

import marshal
import operator
import os
import time
import zlib
from collections.abc import Iterable, Mapping

from ._fileio import read_bytes, write_atomic
from .locate import cache_dir

__all__ = ["OutputMemo", "ABSENT", "stat_key"]

#: The signature recorded for a path that was looked for and not found: it must still be absent.
ABSENT = (-1, -1)

#: An input changed less than this before it was read is "racy": its signature carries a digest.
RACY_NS = 1_000_000_000

#: A racy input up to this size is kept as it was read; a larger one as a digest of it.
_KEPT_BYTES = 65536

#: A :data:`stat_key`, or the key and what was read for a racy input: its bytes, or for a large
#: one their digest (a str, so the two never compare equal).
Signature = tuple


#: What recognises an input as unchanged: ``stat_key(os.stat(path))`` is its (size, mtime, ctime,
#: inode), times in ns. An attrgetter: no Python frame, for the memo's check calls it per input.
stat_key = operator.attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")


def is_racy(sig: Signature) -> bool:
    """Whether ``sig`` keeps what was read: a store that trusts the stat alone must not keep it."""
    return len(sig) > 4


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
    key = stat_key(st)
    # The ctime, not the mtime, says when it last changed: an mtime set back into the past a moment
    # ago is still racy. (The later of the two: on Windows st_ctime is the creation time.)
    if max(st.st_ctime_ns, st.st_mtime_ns) >= time.time_ns() - RACY_NS:
        return (*key, _kept(content))
    return key


def _content(path: str) -> bytes:
    """What a racy input's signature kept, read again now."""
    if os.path.isdir(path):
        with os.scandir(path) as it:
            return listing_bytes((e.name, e.is_dir()) for e in it)
    return read_bytes(path)


class OutputMemo:
    """The memo of one command (``kind``) for one main go.mod and one module cache."""

    _FORMAT = 3

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
            for path, key in zip(data[3], data[4]):
                try:
                    st = stat(path)
                except FileNotFoundError:
                    if key == ABSENT:
                        continue
                    return None
                if stat_key(st) != key:
                    return None
            for path, kept in data[5]:
                if _kept(_content(path)) != kept:
                    return None
            return data[6], data[7]
        except (OSError, ValueError, EOFError, TypeError, IndexError):
            return None

    def store(self, inputs: Mapping[str, Signature], stdout: object, stderr: object) -> None:
        """Remember a run's output (text, or anything marshal stores) and the inputs it read
        (atomically; errors are ignored), keyed on the main go.mod :meth:`lookup` read (nothing
        is stored if it could not read it)."""
        if self.gomod_bytes is None:
            return
        # The paths as bytes (os.stat would encode a str one on every check) beside their keys
        # (ABSENT is its own), and the racy inputs' kept bytes apart.
        paths = tuple(map(os.fsencode, inputs))
        keys = tuple(sig[:4] for sig in inputs.values())
        kept = tuple((p, sig[4]) for p, sig in inputs.items() if is_racy(sig))
        data = (self._FORMAT, self.key, self.gomod_bytes, paths, keys, kept, stdout, stderr)
        write_atomic(self.file, marshal.dumps(data))
