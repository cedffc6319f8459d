"""Whole-file reads and atomic writes, shared by the go.mod sources, the summary cache and the output memo.

:func:`read_bytes` calls os.read directly: ``open(path, "rb").read()`` builds a buffered file
object per call, which costs about three times the system calls on a small go.mod file and made
a first load of the benchmark's graph (``python -m benchmarks mvs``: 1,961 go.mod files read)
10–15 % slower.
"""

from __future__ import annotations

import os

__all__ = ["read_bytes", "write_atomic"]

_CHUNK = 1 << 16


def read_bytes(file: str) -> bytes:
    """The bytes of ``file`` (OSError as open() raises it)."""
    fd = os.open(file, os.O_RDONLY | os.O_CLOEXEC)
    try:
        chunks = []
        while chunk := os.read(fd, _CHUNK):
            chunks.append(chunk)
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    finally:
        os.close(fd)


def write_atomic(file: str, data: bytes) -> None:
    """Write ``data`` to ``file`` through a temporary file and a rename, creating its directory;
    errors are ignored (a memo or cache that cannot be written is only a slower next run)."""
    tmp = f"{file}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(file), exist_ok=True)
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, file)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
