"""A memo of ``gomodlab scan``'s printed answer, reused while the whole module cache is unchanged.

The scan index already spares re-hashing unchanged entries, but a rescan would still rebuild the
whole result in Python. The memo keeps, beside the index (outside the cache), the last answer
together with the cache's snapshot (:mod:`gomodlab.cache._stat_signature`: every directory's and every
file's mode, size, mtime, ctime and inode) and the options that shaped the answer (format, the
go.sum files and their signatures, gomodlab's version). When one ``lstat`` per entry finds them
all as they were, nothing the scan looks at can have changed, so its answer stands. Anything else
(an edit, a new download, a different go.sum) means a real scan, which then refreshes the memo.
An answer that depended on a running go (entries in progress) or on errors is never memoised.

One file: a marshal header (key, answer, summary, exit code, the sizes of the snapshot's parts),
then the parts' bytes. Each process of the check reads and decodes only its own part
(``os.pread``), so a rescan loads what it compares, once, in the process that compares it.
"""

from __future__ import annotations

import functools
import marshal
import os
import zlib
from collections.abc import Sequence

from ..load.locate import index_dir
from ._stat_signature import snapshot, snapshot_matches

__all__ = ["ScanMemo"]

_FORMAT = 3
#: Changes this recent (before the scan began) may not show in coarse ctimes: no memo then.
_SETTLED_NS = 1_000_000_000


def _unread(rel_dir: str, name: str) -> bool:
    """What a scan never reads, so the memo need not lstat it on every rescan: ``@v/list`` files
    (a proxy listing, not a module version's file) and ``cache/download/sumdb`` (checksum
    database tiles, often thousands of files in a real cache), both skipped by
    :func:`gomodlab.cache.layout._enumerate`."""
    if rel_dir == "cache/download":
        return name == "sumdb"
    return name == "list" and rel_dir.endswith("/@v") and rel_dir.startswith("cache/download/")


def _signature(path: str) -> tuple[int, int, int, int]:
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class ScanMemo:
    """The memo for one cache root and one set of options, stored in ``file``."""

    def __init__(self, file: str, root: str, options: Sequence[str], gosums: Sequence[str]) -> None:
        from ..version import __version__

        self.file = file
        self.root = root
        self.key = (_FORMAT, __version__, root, tuple(options),
                    tuple((p, _signature(p)) for p in (os.path.realpath(g) for g in gosums)))

    @classmethod
    def beside_index(cls, index: str | None, root: str, options: Sequence[str], gosums: Sequence[str]) -> ScanMemo:
        """The memo kept next to the scan index (``--index PATH`` or the default index directory)."""
        file = (f"{index}.memo" if index else
                os.path.join(index_dir(), f"scan-memo-{zlib.crc32(os.fsencode(root)):08x}.marshal"))
        return cls(file, root, options, gosums)

    def lookup(self) -> tuple[str, str, int] | None:
        """(answer, summary, exit code) of the memoised scan if the cache is unchanged, else None."""
        try:
            with open(self.file, "rb") as f:
                key, answer, summary, code, sizes = marshal.load(f)
                if key != self.key:
                    return None
                at = f.tell()
                parts = []
                for size in sizes:
                    parts.append(functools.partial(os.pread, f.fileno(), size, at))
                    at += size
                if not snapshot_matches(self.root, parts, parallel=True):
                    return None
            return answer, summary, code
        except (OSError, ValueError, EOFError, TypeError):
            return None

    def store(self, started_ns: int, answer: str, summary: str, code: int) -> None:
        """Remember an answer from a scan that started at ``started_ns`` (``time.time_ns()``).

        The cache is walked now; the answer is kept only if nothing in it changed since a second
        before the scan began (every ctime is older: a ctime cannot be set back), so a download
        that landed during the scan is never hidden behind an answer that predates it.
        Failures are ignored.
        """
        parts, newest = snapshot(self.root, parallel=True, ignore=_unread)
        if parts is None or newest >= started_ns - _SETTLED_NS:
            return
        tmp = f"{self.file}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(self.file), exist_ok=True)
            with open(tmp, "wb") as f:
                marshal.dump((self.key, answer, summary, code, [len(p) for p in parts]), f)
                for p in parts:
                    f.write(p)
            os.replace(tmp, self.file)
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
