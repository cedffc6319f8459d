"""Stat signatures of directory trees: recognise a tree as unchanged without reading or listing it.

Used by the cache scan's index (one tree per extracted module directory or VCS checkout) and by
the scan's output memo (the whole cache as one tree). Kept apart from ``cache`` so that the memo
check runs with nothing but ``os``, ``stat``, ``struct`` and ``hashlib`` imported.
"""

from __future__ import annotations

import os
import stat
import struct

__all__ = ["walk_tree", "tree_unchanged", "tree_matches"]


# An entry's mode, size, mtime, ctime and inode, packed for digesting (marshal would not do: its
# output depends on object identity, not only on values).
_STAT = struct.Struct("<IQqqQ")


def _pack(st: os.stat_result) -> bytes:
    return _STAT.pack(st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _digest(packed: list[bytes] | bytes) -> str:
    # hashlib is imported here, not at the top: loading it initialises OpenSSL, which costs the
    # memo check (that compares exact bytes, see walk_tree's ``raw``) a good part of its time.
    import hashlib

    return hashlib.blake2b(packed if isinstance(packed, bytes) else b"".join(packed), digest_size=16).hexdigest()


def walk_tree(xdir: str, *, raw: bool = False) -> tuple[dict[str, str], list[tuple[str, str, str, int]], int, str]:
    """(tree, regular files, total bytes, error) of an extracted module directory (lstat only).

    ``files`` are ``(relative dir, name, dir path, size)``. ``tree`` is what the scan index keeps
    to recognise the directory unchanged without listing it again (:func:`tree_unchanged`): the
    relative paths of its directories and files (NUL-separated: one JSON string loads faster than
    thousands) and a digest of each list's stat signatures — or the signatures
    themselves with ``raw`` (``dpacked``/``fpacked``: exact, and no hashing to check them).
    """
    dirs: list[str] = []
    dstats: list[bytes] = []
    names: list[str] = []
    fstats: list[bytes] = []
    files: list[tuple[str, str, str, int]] = []
    total = 0
    error = ""
    try:
        st = os.lstat(xdir)
    except OSError as e:
        return {}, [], 0, f"{xdir}: {e.strerror or e}"
    stack = [("", xdir, _pack(st))]
    while stack:
        rel, d, packed = stack.pop()
        dirs.append(rel)
        dstats.append(packed)
        try:
            with os.scandir(d) as it:
                ents = list(it)
        except OSError as e:
            error = error or f"{d}: {e.strerror or e}"
            continue
        for e in ents:
            try:
                st = e.stat(follow_symlinks=False)
            except OSError as err:
                error = error or f"{e.path}: {err.strerror or err}"
                continue
            fmt = st.st_mode & 0o170000
            if fmt == stat.S_IFREG:
                files.append((rel, e.name, d, st.st_size))
                names.append(f"{rel}/{e.name}" if rel else e.name)
                fstats.append(_pack(st))
                total += st.st_size
            elif fmt == stat.S_IFDIR:
                stack.append((f"{rel}/{e.name}" if rel else e.name, e.path, _pack(st)))
            elif fmt == stat.S_IFLNK:
                error = error or f"{e.path}: symbolic link (go never writes one; not followed)"
            else:
                error = error or f"{e.path}: not a regular file"
    tree: dict = {"dirs": "\0".join(dirs), "files": "\0".join(names)}
    if raw:
        tree.update(dpacked=b"".join(dstats), fpacked=b"".join(fstats))
    else:
        tree.update(dsig=_digest(dstats), fsig=_digest(fstats))
    return tree, files, total, error


def tree_unchanged(xdir: str, tree: object) -> int | None:
    """Total bytes of the files if ``xdir`` still matches a tree from :func:`walk_tree`, else None.

    Creating, removing or renaming an entry changes its directory's mtime and ctime (and ctime
    cannot be set back), editing a file changes the file's: so when no directory's signature
    changed, neither did the names, and one ``lstat`` per known file settles it, without listing
    a single directory.
    """
    if not isinstance(tree, dict) or "fsig" not in tree:
        return None
    join, lstat = os.path.join, os.lstat
    try:
        dstats = [_pack(lstat(join(xdir, rel) if rel else xdir)) for rel in tree["dirs"].split("\0")]
        if _digest(dstats) != tree["dsig"]:
            return None
        sts = [lstat(join(xdir, rel)) for rel in tree["files"].split("\0")] if tree["files"] else []
    except OSError:
        return None
    if _digest([_pack(st) for st in sts]) != tree["fsig"]:
        return None
    return sum(st.st_size for st in sts)


def _packed(top: str, rels: list[str]) -> bytes | None:
    """The packed lstat signatures of ``rels`` under ``top`` (``""`` is ``top``), None if one is gone."""
    join, lstat, pack = os.path.join, os.lstat, _STAT.pack
    out = []
    try:
        for rel in rels:
            st = lstat(join(top, rel) if rel else top)
            out.append(pack(st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    except OSError:
        return None
    return b"".join(out)


def _packed_in_two(top: str, rels: list[str]) -> bytes | None:
    """:func:`_packed`, with a forked child doing the second half (lstat is the whole cost)."""
    half = len(rels) // 2
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no locks or threads touched, only lstat and a pipe
        try:
            data = _packed(top, rels[half:])
            view = memoryview(b"\1" + data if data is not None else b"\0")
            while view:
                view = view[os.write(w, view):]
        finally:
            os._exit(0)
    os.close(w)
    first = _packed(top, rels[:half])
    chunks = []
    with os.fdopen(r, "rb") as f:
        while chunk := f.read(1 << 20):
            chunks.append(chunk)
    os.waitpid(pid, 0)
    second = b"".join(chunks)
    if first is None or second[:1] != b"\1":
        return None
    return first + second[1:]


def tree_matches(top: str, tree: object, *, parallel: bool = False) -> bool:
    """Whether ``top`` still matches a tree from :func:`walk_tree` (see :func:`tree_unchanged`).

    ``parallel`` splits the lstat calls with one forked child when the tree is large: for the
    command line only (a process that may hold threads, such as a notebook kernel, must not fork).
    """
    if not isinstance(tree, dict) or not ("fsig" in tree or "fpacked" in tree):
        return False
    dirs = tree["dirs"].split("\0")
    rels = dirs + (tree["files"].split("\0") if tree["files"] else [])
    fork = parallel and len(rels) >= 8192 and hasattr(os, "fork") and (os.cpu_count() or 1) > 1
    now = _packed_in_two(top, rels) if fork else _packed(top, rels)
    if now is None:
        return False
    cut = len(dirs) * _STAT.size
    if "fpacked" in tree:
        return now[:cut] == tree["dpacked"] and now[cut:] == tree["fpacked"]
    return _digest(now[:cut]) == tree["dsig"] and _digest(now[cut:]) == tree["fsig"]
