"""The hot-path file helpers read and write exactly what pathlib would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gomodlab.load._fileio import read_bytes, write_atomic


@pytest.mark.parametrize("size", [0, 1, 65535, 65536, 65537, 300_000])
def test_read_bytes_is_the_whole_file(tmp_path: Path, size: int) -> None:
    f = tmp_path / "f"
    data = os.urandom(size)
    f.write_bytes(data)
    assert read_bytes(str(f)) == data


def test_read_bytes_raises_as_open_does(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_bytes(str(tmp_path / "missing"))
    with pytest.raises(IsADirectoryError):
        read_bytes(str(tmp_path))


def test_write_atomic_creates_the_directory_and_leaves_no_temp(tmp_path: Path) -> None:
    f = tmp_path / "a" / "b" / "memo"
    write_atomic(str(f), b"one")
    write_atomic(str(f), b"two")
    assert f.read_bytes() == b"two" and os.listdir(f.parent) == ["memo"]
    (tmp_path / "file").write_bytes(b"")
    write_atomic(str(tmp_path / "file" / "memo"), b"x")  # cannot be written: ignored, no exception
