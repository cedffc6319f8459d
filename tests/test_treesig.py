"""Tree signatures (the scan index's digest trees and the scan memo's snapshots): unchanged trees
match, every change shows, in whichever process checks it."""

from __future__ import annotations

import marshal
import os
from pathlib import Path

import pytest

from gomodlab.cache import _stat_signature as _treesig
from gomodlab.cache._stat_signature import snapshot, snapshot_matches, tree_unchanged, walk_tree


@pytest.fixture
def big_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """More entries than the (lowered) forking threshold, so a snapshot has a part per CPU."""
    monkeypatch.setattr(_treesig, "_FORK_MIN", 100)
    monkeypatch.setattr(_treesig, "_cpus", lambda: 2)
    for d in range(30):
        sub = tmp_path / "t" / f"d{d:02d}" / "inner"
        sub.mkdir(parents=True)
        for i in range(20):
            (sub / f"f{i}.go").write_bytes(b"package p\n" * (i % 3))
    return tmp_path / "t"


def _loaders(parts: list[bytes]) -> list:
    return [lambda p=p: p for p in parts]


def _paths(part: bytes) -> list[str]:
    """The directories and files a snapshot part covers, relative to its top, in check order."""
    dirs, names, _ = marshal.loads(part)
    out = []
    for rel, joined in zip(dirs, names):
        out.append(os.fsdecode(rel))
        out += [f"{os.fsdecode(rel)}/{n}".removeprefix("./") for n in os.fsdecode(joined).split("\0") if n]
    return out


@pytest.mark.parametrize("parallel", [False, True])
def test_unchanged_tree_matches(big_tree: Path, parallel: bool):
    tree, files, total, error, _ = walk_tree(str(big_tree))
    assert error == "" and len(files) == 600
    assert tree_unchanged(str(big_tree), tree) == total
    parts, _ = snapshot(str(big_tree), parallel=parallel)
    assert parts is not None and len(parts) == (2 if parallel else 1)
    assert snapshot_matches(str(big_tree), _loaders(parts), parallel=parallel)
    # The parts split the 661 entries (30 x 2 directories, 600 files, the top) between
    # directories, each holding about half: they differ by at most two of the largest directories.
    sizes = [len(_paths(p)) for p in parts]
    assert sum(sizes) == 661 and max(sizes) - min(sizes) <= 2 * 21


@pytest.mark.parametrize("change", ["edit", "edit-restoring-mtime", "add", "remove", "chmod"])
@pytest.mark.parametrize("where", ["first part", "last part"])
@pytest.mark.parametrize("parallel", [False, True])
def test_every_change_is_seen(big_tree: Path, change: str, where: str, parallel: bool):
    parts, _ = snapshot(str(big_tree), parallel=True)
    digests = walk_tree(str(big_tree))[0]
    files = [p for p in _paths(parts[0 if where == "first part" else -1]) if p.endswith(".go")]
    target = big_tree / (files[0] if where == "first part" else files[-1])
    if change == "edit":
        target.write_bytes(b"package q\n")
    elif change == "edit-restoring-mtime":
        st = target.stat()
        target.write_bytes(target.read_bytes().replace(b"p", b"q"))
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    elif change == "add":
        (target.parent / "new.go").write_bytes(b"")
    elif change == "remove":
        target.unlink()
    else:
        target.chmod(0o444)
    assert not snapshot_matches(str(big_tree), _loaders(parts), parallel=parallel)
    assert tree_unchanged(str(big_tree), digests) is None


def test_an_in_place_edit_changes_no_directory(big_tree: Path):
    """Why a signature per module directory would not do: a file edited in place (go's files are
    0444; a chmod of the file alone lets its owner write it) changes that file's inode only."""
    target = big_tree / "d07" / "inner" / "f1.go"
    target.chmod(0o444)
    dirs = [big_tree, target.parent, target.parent.parent]
    before = [(d.lstat().st_mtime_ns, d.lstat().st_ctime_ns) for d in dirs]
    parts, _ = snapshot(str(big_tree))
    target.chmod(0o644)
    with open(target, "r+b") as f:
        f.write(b"P")
    target.chmod(0o444)
    assert [(d.lstat().st_mtime_ns, d.lstat().st_ctime_ns) for d in dirs] == before
    assert not snapshot_matches(str(big_tree), _loaders(parts))


def test_a_directory_replaced_by_a_symlink_is_seen(big_tree: Path, tmp_path: Path):
    """The same files reached through a symlink: the directory's own signature tells."""
    parts, _ = snapshot(str(big_tree), parallel=True)
    moved = tmp_path / "moved"
    (big_tree / "d05").rename(moved)
    (big_tree / "d05").symlink_to(moved)
    assert not snapshot_matches(str(big_tree), _loaders(parts), parallel=True)


def test_a_damaged_part_is_no_match(big_tree: Path):
    parts, _ = snapshot(str(big_tree), parallel=True)
    assert not snapshot_matches(str(big_tree), _loaders([parts[0], parts[1][:-5]]), parallel=True)
    assert not snapshot_matches(str(big_tree / "nope"), _loaders(parts))


def test_symlink_is_an_error_not_followed(tmp_path: Path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "link").symlink_to("/etc/passwd")
    assert "symbolic link" in walk_tree(str(tmp_path / "d"))[3]


def test_snapshot_parallel_equals_serial_and_reports_the_newest_ctime(big_tree: Path):
    serial, newest = snapshot(str(big_tree))
    parallel, newest2 = snapshot(str(big_tree), parallel=True)
    assert serial is not None and parallel is not None and newest == newest2
    assert sorted(_paths(serial[0])) == sorted(p for part in parallel for p in _paths(part))
    assert snapshot_matches(str(big_tree), _loaders(parallel), parallel=True)
    assert snapshot_matches(str(big_tree), _loaders(serial))
    touched = big_tree / "d07" / "inner" / "f1.go"
    touched.chmod(0o400)
    assert snapshot(str(big_tree), parallel=True)[1] == touched.stat().st_ctime_ns > newest
    (big_tree / "d11" / "link").symlink_to(touched)
    assert snapshot(str(big_tree), parallel=True) == (None, 0)
