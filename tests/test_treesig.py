"""Tree signatures (the scan index and the scan memo): unchanged trees match, every change shows."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gomodlab.cache import _stat_signature as _treesig
from gomodlab.cache._stat_signature import tree_matches, tree_unchanged, walk_tree


@pytest.fixture
def big_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """More files than the (lowered) forking threshold, so both halves of the parallel check run."""
    monkeypatch.setattr(_treesig, "_FORK_MIN", 100)
    for d in range(30):
        sub = tmp_path / "t" / f"d{d:02d}" / "inner"
        sub.mkdir(parents=True)
        for i in range(20):
            (sub / f"f{i}.go").write_bytes(b"package p\n" * (i % 3))
    return tmp_path / "t"


@pytest.mark.parametrize("raw", [False, True])
@pytest.mark.parametrize("parallel", [False, True])
def test_unchanged_tree_matches(big_tree: Path, raw: bool, parallel: bool):
    tree, files, total, error, _ = walk_tree(str(big_tree), raw=raw)
    assert error == "" and len(files) == 600
    assert tree_matches(str(big_tree), tree, parallel=parallel)
    if not raw:
        assert tree_unchanged(str(big_tree), tree) == total


@pytest.mark.parametrize("change", ["edit-late-file", "edit-restoring-mtime", "add", "remove", "chmod"])
@pytest.mark.parametrize("parallel", [False, True])
def test_every_change_is_seen(big_tree: Path, change: str, parallel: bool):
    tree = walk_tree(str(big_tree), raw=True)[0]
    digests = walk_tree(str(big_tree))[0]
    last = big_tree / "d29" / "inner" / "f19.go"  # in the half a forked child checks
    if change == "edit-late-file":
        last.write_bytes(b"package q\n")
    elif change == "edit-restoring-mtime":
        st = last.stat()
        last.write_bytes(last.read_bytes().replace(b"p", b"q"))
        os.utime(last, ns=(st.st_atime_ns, st.st_mtime_ns))
    elif change == "add":
        (big_tree / "d03" / "new.go").write_bytes(b"")
    elif change == "remove":
        last.unlink()
    else:
        last.chmod(0o444)
    assert not tree_matches(str(big_tree), tree, parallel=parallel)
    assert not tree_matches(str(big_tree), digests, parallel=parallel)


def test_symlink_is_an_error_not_followed(tmp_path: Path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "link").symlink_to("/etc/passwd")
    assert "symbolic link" in walk_tree(str(tmp_path / "d"))[3]


def test_snapshot_parallel_equals_serial_and_reports_the_newest_ctime(big_tree: Path):
    from gomodlab.cache._stat_signature import snapshot

    serial, newest = snapshot(str(big_tree))
    parallel, newest2 = snapshot(str(big_tree), parallel=True)
    assert serial is not None and parallel is not None and newest == newest2
    assert sorted(serial["dirs"].split("\0")) == sorted(parallel["dirs"].split("\0"))
    assert sorted(serial["files"].split("\0")) == sorted(parallel["files"].split("\0"))
    assert tree_matches(str(big_tree), parallel, parallel=True) and tree_matches(str(big_tree), serial)
    touched = big_tree / "d07" / "inner" / "f1.go"
    touched.chmod(0o400)
    assert snapshot(str(big_tree), parallel=True)[1] == touched.stat().st_ctime_ns > newest
    (big_tree / "d11" / "link").symlink_to(touched)
    assert snapshot(str(big_tree), parallel=True) == (None, 0)
