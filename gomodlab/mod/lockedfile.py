"""The go command's file locks, taken the same way so that gomodlab and a running go exclude each other.

cmd/go/internal/lockedfile locks a well-known file with ``flock(2)`` on Linux and the BSDs
(filelock_unix.go): ``lockedfile.MutexAt(<ev>.lock).Lock()`` opens the file O_RDWR|O_CREATE
(mode 0666) and takes LOCK_EX for as long as it downloads or extracts that module version; the
``cache/vcs/<hash>.lock`` file guards a VCS checkout the same way. Lock files are never deleted.

* :func:`probe` asks without waiting and without creating anything: a scan must not write into
  the cache, so it opens an existing lock file read-only and tries LOCK_SH|LOCK_NB. While it holds
  that shared lock, go cannot start changing the version (its LOCK_EX waits), so what the scan
  reads is consistent.
* :class:`Mutex` is go's Mutex: exclusive, creating the file as go does, with a timeout instead of
  waiting forever behind a hung go process.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from dataclasses import dataclass
from types import TracebackType

from ..errors import CacheError

__all__ = ["LockTimeout", "Probe", "probe", "Mutex"]

_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class LockTimeout(CacheError):
    """Another process (a running go command) held the lock for longer than we were willing to wait."""


@dataclass
class Probe:
    """The outcome of :func:`probe`: ``state`` is ``"free"``, ``"held"`` or ``"absent"``.

    A free probe keeps a shared lock until :meth:`release` (or the end of a ``with`` block).
    """

    path: str
    state: str
    fd: int | None = None

    def release(self) -> None:
        if self.fd is not None:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            finally:
                os.close(self.fd)
                self.fd = None

    def __enter__(self) -> "Probe":
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def probe(path: str | os.PathLike[str], *, wait: float = 0.0, poll: float = 0.05) -> Probe:
    """Try a shared lock on an existing lock file without creating it, for up to ``wait`` seconds.

    ``held``: a writer (a running go) still has it after ``wait``. ``absent``: there is no lock file
    (or it is not a regular file we may open, e.g. a symlink: never followed), so nobody can be
    holding it.
    """
    p = os.fspath(path)
    try:
        fd = os.open(p, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | _CLOEXEC)
    except OSError:
        return Probe(p, "absent")
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                os.close(fd)
                return Probe(p, "absent")
            if time.monotonic() >= deadline:
                os.close(fd)
                return Probe(p, "held")
            time.sleep(poll)
            continue
        return Probe(p, "free", fd)


class Mutex:
    """lockedfile.MutexAt(path): an exclusive flock, creating the lock file (0666) if needed.

    ``created`` tells whether this call made the lock file (go never removes lock files, and
    neither do we: another process may already be waiting on it).
    """

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 30.0, poll: float = 0.05) -> None:
        self.path = os.fspath(path)
        self.timeout = timeout
        self.poll = poll
        self.created = False
        self._fd: int | None = None

    def lock(self) -> "Mutex":
        existed = os.path.lexists(self.path)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | _CLOEXEC, 0o666)
        self.created = not existed
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    os.close(fd)
                    raise
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockTimeout(f"{self.path}: still locked by another process after "
                                      f"{self.timeout:g}s (a running go command?)") from None
                time.sleep(self.poll)
        self._fd = fd
        return self

    def unlock(self) -> None:
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> "Mutex":
        return self.lock()

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.unlock()
