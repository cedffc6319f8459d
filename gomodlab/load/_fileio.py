"""Whole-file reads and atomic writes on string paths, for the command line's hot paths.

``open(path, "rb").read()`` builds a buffered file object for every call; reading a few thousand
small go.mod files that way costs three times what the system calls do. pathlib is not used
either: importing it (about 10 ms, re included) costs more than the output memo's lookup.
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
