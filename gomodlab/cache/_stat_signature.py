"""Stat signatures of directory trees: recognise a tree as unchanged without reading or listing it.

Two forms. The scan index keeps one *digest tree* per extracted module directory or VCS checkout
(:func:`walk_tree`, checked by :func:`tree_unchanged`); the scan's output memo keeps the whole
cache as a :func:`snapshot` (checked by :func:`snapshot_matches`). A module of its own because
an unchanged rescan is answered from the memo with this alone: that answer is held to a
twentieth of ``go mod verify``'s time, which leaves no room for importing the scan machinery.

Both check one ``lstat`` per directory and per file. Nothing coarser is sound: go leaves an
extracted directory read-only (modfetch/fetch.go makeDirsReadOnly, files 0444 from x/mod/zip
Unzip) and never writes into it again, but a file edited in place (by root, or after a
``chmod u+w`` of that file alone) changes only its own inode, not its directory's.
"""

from __future__ import annotations

import marshal
import os
import stat
import struct
from collections.abc import Callable, Sequence

__all__ = ["walk_tree", "tree_unchanged", "snapshot", "snapshot_matches"]


# An entry's mode, size, mtime, ctime and inode, packed for digesting (marshal would not do: its
# output depends on object identity, not only on values).
_STAT = struct.Struct("<IQqqQ")

#: Fewer entries than this are checked in one process: a fork would cost more than it saves.
_FORK_MIN = 8192


def _pack(st: os.stat_result) -> bytes:
    return _STAT.pack(st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _digest(packed: list[bytes] | bytes) -> str:
    # hashlib is imported here, not at the top: loading it initialises OpenSSL, which the memo
    # check (that compares exact bytes, see snapshot) would pay for nothing.
    import hashlib

    return hashlib.blake2b(packed if isinstance(packed, bytes) else b"".join(packed), digest_size=16).hexdigest()


class _Listing:
    """What a walk has seen so far: directories and regular files with their stat signatures.

    A directory's files follow it: ``counts[i]`` of them in ``names`` and ``fstats`` belong to
    ``dirs[i]`` (what :func:`snapshot` groups by).
    """

    __slots__ = ("dirs", "dstats", "counts", "names", "fstats", "files", "total", "error", "denied", "ignore")

    def __init__(self, ignore: Callable[[str, str], bool] | None = None) -> None:
        #: (relative dir, name) -> True for an entry to leave out, with all below it (see snapshot).
        self.ignore = ignore
        self.dirs: list[str] = []
        self.dstats: list[bytes] = []
        self.counts: list[int] = []
        self.names: list[str] = []
        self.fstats: list[bytes] = []
        self.files: list[tuple[str, str, str, int]] = []
        self.total = 0
        self.error = ""
        self.denied = ""  # the first directory this user may not list: a permission, not damage

    def visit(self, rel: str, d: str, packed: bytes) -> list[tuple[str, str, bytes]]:
        """Record directory ``d`` (``rel`` below the top) and its files; return its subdirectories."""
        self.dirs.append(rel)
        self.dstats.append(packed)
        before = len(self.files)
        subdirs = []
        try:
            with os.scandir(d) as it:
                ents = list(it)
        except PermissionError as e:
            self.denied = self.denied or d
            self.error = self.error or f"{d}: {e.strerror or e}"
            ents = []
        except OSError as e:
            self.error = self.error or f"{d}: {e.strerror or e}"
            ents = []
        for e in ents:
            if self.ignore is not None and self.ignore(rel, e.name):
                continue
            try:
                st = e.stat(follow_symlinks=False)
            except OSError as err:
                self.error = self.error or f"{e.path}: {err.strerror or err}"
                continue
            fmt = st.st_mode & 0o170000
            if fmt == stat.S_IFREG:
                self.files.append((rel, e.name, d, st.st_size))
                self.names.append(f"{rel}/{e.name}" if rel else e.name)
                self.fstats.append(_pack(st))
                self.total += st.st_size
            elif fmt == stat.S_IFDIR:
                subdirs.append((f"{rel}/{e.name}" if rel else e.name, e.path, _pack(st)))
            elif fmt == stat.S_IFLNK:
                self.error = self.error or f"{e.path}: symbolic link (go never writes one; not followed)"
            else:
                self.error = self.error or f"{e.path}: not a regular file"
        self.counts.append(len(self.files) - before)
        return subdirs

    def walk(self, stack: list[tuple[str, str, bytes]]) -> None:
        while stack:
            stack.extend(self.visit(*stack.pop()))


def walk_tree(xdir: str) -> tuple[dict[str, str], list[tuple[str, str, str, int]], int, str, str]:
    """(tree, regular files, total bytes, error, denied) of an extracted module directory (lstat only).

    ``denied`` is the first directory that could not be listed for lack of permission (``""`` if
    none); it is also in ``error``.

    ``files`` are ``(relative dir, name, dir path, size)``. ``tree`` is what the scan index keeps
    to recognise the directory unchanged without listing it again (:func:`tree_unchanged`): the
    relative paths of its directories and files (NUL-separated: one JSON string loads faster than
    thousands) and a digest of each list's stat signatures.
    """
    try:
        st = os.lstat(xdir)
    except OSError as e:
        return {}, [], 0, f"{xdir}: {e.strerror or e}", xdir if isinstance(e, PermissionError) else ""
    listing = _Listing()
    listing.walk([("", xdir, _pack(st))])
    tree = {"dirs": "\0".join(listing.dirs), "files": "\0".join(listing.names),
            "dsig": _digest(listing.dstats), "fsig": _digest(listing.fstats)}
    return tree, listing.files, listing.total, listing.error, listing.denied


def tree_unchanged(xdir: str, tree: object) -> int | None:
    """Total bytes of the files if ``xdir`` still matches a tree from :func:`walk_tree`, else None.

    Creating, removing or renaming an entry changes its directory's mtime and ctime (and ctime
    cannot be set back), editing a file changes the file's: so when no directory's signature
    changed, neither did the names, and one ``lstat`` per known file settles it, without listing
    a single directory. Directories first: a file added, removed or renamed anywhere shows there,
    for a fraction of the lstat calls.
    """
    if not isinstance(tree, dict) or "fsig" not in tree:
        return None
    dirs = os.fsencode(tree["dirs"]).split(b"\0")
    files = os.fsencode(tree["files"]).split(b"\0") if tree["files"] else []
    dnow = _packed(xdir, dirs)
    if dnow is None or _digest(dnow) != tree["dsig"]:
        return None
    fnow = _packed(xdir, files)
    if fnow is None or _digest(fnow) != tree["fsig"]:
        return None
    return sum(rec[1] for rec in _STAT.iter_unpack(fnow))


def _packed(top: str, rels: list[bytes]) -> bytes | None:
    """The packed lstat signatures of ``rels`` under ``top`` (``b""`` is ``top``), None if one is gone.

    Paths are bytes relative to an open ``top``: no joining or encoding per call, and the kernel
    resolves one component less (a third faster on a large cache).
    """
    pack = _STAT.pack
    lstat = os.lstat
    out = []
    try:
        fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    try:
        for rel in rels:
            # dir_fd as a keyword of the call, not through functools.partial: a partial with
            # keywords builds a dict per call, 0.25 us of the 2.8 us an entry cost here.
            st = lstat(rel or b".", dir_fd=fd)
            out.append(pack(st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
    except OSError:
        return None
    finally:
        os.close(fd)
    return b"".join(out)


# ---------------------------------------------------------------------------------------------
# The memo's snapshot: the whole cache, in parts that processes check side by side

def snapshot(top: str, *, parallel: bool = False,
             ignore: Callable[[str, str], bool] | None = None) -> tuple[list[bytes] | None, int]:
    """(parts of the snapshot of ``top``, newest ctime in it in ns): what the scan memo keeps.

    None when the tree has something no signature can vouch for (a symlink, an unreadable
    directory). ``ignore(relative dir, name)``: entries left out, with everything below them,
    for what the memo's user never reads; their directory's own signature still shows one
    created, removed or renamed. ``parallel``: the second half of the walk (split where the tree
    first fans out) runs in one forked child (command line only: see :func:`snapshot_matches`).

    Each part is a marshal blob of ``(dirs, names, packed)``: the directories' paths (bytes,
    relative to ``top``), for each the NUL-joined names of its files, and every
    directory's signature followed by its files'. There are as many parts, of about as many
    entries, as processes will check them (:func:`snapshot_matches`). The form keeps what a
    fresh process must load and allocate small: on the 5,000-version cache (117,565 entries)
    the memo shrank from 9.8 MB of full paths and signatures to 6.5 MB, and a check allocates
    one list per directory instead of five objects per entry. What that saved there, measured
    as whole processes on a loaded 2-core machine (CPU time, median of 9): see README, Scan
    benchmark.
    """
    try:
        st = os.lstat(top)
    except OSError:
        return None, 0
    listing = _Listing(ignore)
    frontier = [("", top, _pack(st))]
    if parallel and _cpus() > 1:
        while frontier and len(frontier) < 32:
            frontier.extend(listing.visit(*frontier.pop(0)))
        child = _in_child(lambda: _listing_of(frontier[1::2], ignore))
        listing.walk(frontier[0::2])
        theirs = child()
        if theirs is None:
            return None, 0
        dirs, dstats, counts, names, fstats, error = marshal.loads(theirs)
        listing.dirs += dirs
        listing.dstats += dstats
        listing.counts += counts
        listing.names += names
        listing.fstats += fstats
        listing.error = listing.error or error
    else:
        listing.walk(frontier)
    if listing.error:
        return None, 0
    newest = max(rec[3] for packed in (listing.dstats, listing.fstats) for rec in _STAT.iter_unpack(b"".join(packed)))
    groups = []
    i = 0
    for rel, dpacked, n in zip(listing.dirs, listing.dstats, listing.counts):
        cut = len(rel) + 1 if rel else 0
        groups.append((os.fsencode(rel) if rel else b".",
                       os.fsencode("\0".join(name[cut:] for name in listing.names[i:i + n])),
                       dpacked + b"".join(listing.fstats[i:i + n])))
        i += n
    entries = len(listing.dirs) + len(listing.fstats)
    nparts = max(1, min(_cpus() if parallel else 1, entries // _FORK_MIN))
    parts = []
    start = done = 0
    for k in range(len(groups)):
        done += len(groups[k][2]) // _STAT.size
        if len(parts) < nparts - 1 and done >= entries * (len(parts) + 1) / nparts:
            parts.append(_part(groups[start:k + 1]))
            start = k + 1
    parts.append(_part(groups[start:]))
    return parts, newest


def _part(groups: list[tuple[bytes, bytes, bytes]]) -> bytes:
    return marshal.dumps(([g[0] for g in groups], [g[1] for g in groups], b"".join(g[2] for g in groups)))


def _listing_of(stack: list[tuple[str, str, bytes]], ignore: Callable[[str, str], bool] | None) -> bytes:
    listing = _Listing(ignore)
    listing.walk(stack)
    return marshal.dumps((listing.dirs, listing.dstats, listing.counts, listing.names, listing.fstats, listing.error))


def snapshot_matches(top: str, parts: Sequence[Callable[[], bytes]], *, parallel: bool = False) -> bool:
    """Whether ``top`` still matches a :func:`snapshot`, given a loader for each of its parts.

    As :func:`tree_unchanged`: one ``lstat`` per directory and per file, no listing. With
    ``parallel`` every part but the first is loaded and checked in a forked child of its own,
    so each process decodes and allocates only what it checks: for the command line only (a
    process that may hold threads, such as a notebook kernel, must not fork).
    """
    try:
        fd = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        if parallel and len(parts) > 1 and _cpus() > 1:
            children = [_in_child(lambda load=load: b"=" if _part_matches(fd, load()) else b"!")
                        for load in parts[1:]]
            same = _part_matches(fd, parts[0]())
            verdicts = [child() for child in children]  # always reaped, even when this part already told
            return same and all(v == b"=" for v in verdicts)
        return all(_part_matches(fd, load()) for load in parts)
    finally:
        os.close(fd)


def _part_matches(fd: int, blob: bytes) -> bool:
    """Whether every directory and file of one snapshot part, under the open directory ``fd``,
    has the signature recorded.

    A directory is checked before its files, and in the same process: a directory replaced by a
    symbolic link shows in the directory's own signature before a path through it is followed.
    """
    try:
        dirs, names, packed = marshal.loads(blob)
    except (ValueError, EOFError, TypeError):
        return False
    lstat = os.lstat
    pack = _STAT.pack
    at = 0
    try:
        for rel, joined in zip(dirs, names):
            st = lstat(rel, dir_fd=fd)
            recs = [pack(st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)]
            if joined:
                prefix = rel + b"/" if rel != b"." else b""
                for name in joined.split(b"\0"):
                    st = lstat(prefix + name, dir_fd=fd)
                    recs.append(pack(st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
            rec = b"".join(recs)
            if not packed.startswith(rec, at):
                return False
            at += len(rec)
    except OSError:
        return False
    return at == len(packed)


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _in_child(work: Callable[[], bytes]) -> Callable[[], bytes | None]:
    """Run ``work`` in a forked child now; the returned function waits for its bytes (None if it failed).

    The child only walks or stats files and writes to a pipe: no locks, threads or buffered
    files of the parent are touched before ``os._exit``.
    """
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            try:
                data = b"\1" + work()
            except Exception:  # noqa: BLE001 - anything: the parent falls back to "no answer"
                data = b"\0"
            view = memoryview(data)
            while view:
                view = view[os.write(w, view):]
        finally:
            os._exit(0)
    os.close(w)

    def result() -> bytes | None:
        chunks = []
        with os.fdopen(r, "rb") as f:
            while chunk := f.read(1 << 20):
                chunks.append(chunk)
        os.waitpid(pid, 0)
        data = b"".join(chunks)
        return data[1:] if data[:1] == b"\1" else None

    return result
