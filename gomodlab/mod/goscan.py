"""The imports of one package directory, as the go command's module loader finds them.

modload's ``scanDir`` reads a directory one of two ways, and they differ on broken files:

- **the module index** (cmd/go/internal/modindex, ``IndexPackage.ScanDir``), used for every
  package of a module in the module cache and for any other directory whose entries are all
  regular files last modified more than 2 seconds ago (``GODEBUG=goindex=0`` or
  ``GOCACHE=off`` turn it off). Files are parsed with go/parser: a file with a syntax error in
  its header, an invalid import path, a NUL byte or two ``//go:build`` lines still counts as a
  Go file but contributes no imports;
- **imports.ScanDir** (cmd/go/internal/imports/scan.go) otherwise (a file just written, a
  symlink in the directory): the loose byte reader of :mod:`~gomodlab.mod.goimports` keeps
  the imports read before a syntax error, a NUL byte fails the scan
  (``reading DIR/x.go: unexpected NUL in input``) and two ``//go:build`` lines exclude the file.

Both read the ``.go`` files whose names do not start with ``_`` or ``.`` and whose
``_GOOS``/``_GOARCH`` suffix matches, skip a file that imports ``"C"`` unless cgo is on (never
under :data:`~gomodlab.mod.buildconstraint.ANY_TAGS`), skip one its build constraints exclude,
and collect the rest's imports: ``_test.go`` files (``package x`` or ``package x_test`` alike)
into ``test_imports``, the others into ``imports``. Package names play no part (a ``package
documentation`` file counts like any other). With no file left they raise :class:`NoGoError`.

The entries come from a real directory (:func:`scan_path`, symlinks followed, broken ones
ignored) or from anywhere else, e.g. a module zip read in memory (:func:`zip_entries`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Literal

from ..errors import GomodlabError
from .buildconstraint import BuildConstraintError, Tags, constraint_lines, constraints_hold, match_file
from .goimports import GoSourceError, read_go_info, read_import_block
from .gostrings import unquote

if TYPE_CHECKING:
    # Only for annotations: zipfile (with shutil and pathlib) is ~5 ms of a tidy's start-up.
    import zipfile

__all__ = ["Entry", "DirScan", "NoGoError", "scan_dir", "scan_path", "path_entries", "zip_entries",
           "index_applies", "elide_magic_imports",
           "EXCLUDED_NOT_REGULAR", "EXCLUDED_HIDDEN", "EXCLUDED_NOT_GO", "EXCLUDED_FILE_NAME",
           "EXCLUDED_CGO", "EXCLUDED_CONSTRAINTS", "EXCLUDED_BROKEN_LINK"]

EntryKind = Literal["file", "dir", "other", "broken-link"]

# Why a directory entry did not count (DirScan.excluded), in the order go tests them.
EXCLUDED_BROKEN_LINK = "broken symlink"
EXCLUDED_NOT_REGULAR = "not a regular file"
EXCLUDED_HIDDEN = "name starts with _ or ."
EXCLUDED_NOT_GO = "not a .go file"
EXCLUDED_FILE_NAME = "GOOS/GOARCH in file name"
EXCLUDED_CGO = 'imports "C" and cgo is off'
EXCLUDED_CONSTRAINTS = "build constraints"


@dataclass(frozen=True, slots=True)
class Entry:
    """One directory entry: ``kind`` is what it is after following symlinks."""

    name: str
    kind: EntryKind
    read: Callable[[], bytes]


@dataclass(frozen=True, slots=True)
class DirScan:
    """What ScanDir found: sorted, distinct import paths; the files that counted, in directory
    order; each other entry (directories aside) with why it did not count; and (index only) the
    files that counted but whose imports go did not record, with go's reason."""

    imports: tuple[str, ...]
    test_imports: tuple[str, ...]
    files: tuple[str, ...]
    excluded: tuple[tuple[str, str], ...]
    imports_unread: tuple[tuple[str, str], ...] = ()


class NoGoError(GomodlabError):
    """imports.ErrNoGo: ``no Go source files``. ``scan`` says what the directory held."""

    def __init__(self, scan: DirScan) -> None:
        self.scan = scan
        super().__init__("no Go source files")


def _go_order(s: str) -> bytes:
    # os.ReadDir and sort.Strings order by bytes.
    return s.encode("utf-8", "surrogateescape")


def scan_dir(entries: Iterable[Entry], tags: Tags, *, directory: str = "", index: bool = False) -> DirScan:
    """ScanDir over ``entries``: the module index's when ``index`` is true, else imports.ScanDir.

    ``directory`` is the directory's path as go would name it, for messages and positions.
    imports.ScanDir raises :class:`GoSourceError` ``reading DIR/NAME: unexpected NUL in input``
    for a file it cannot read; the index counts such a file, without imports.
    """
    imports: set[str] = set()
    test_imports: set[str] = set()
    files: list[str] = []
    excluded: list[tuple[str, str]] = []
    unread: list[tuple[str, str]] = []
    for e in sorted(entries, key=lambda e: _go_order(e.name)):
        name = e.name
        if e.kind == "dir":
            continue
        reason = _name_exclusion(e, tags, index)
        if reason:
            excluded.append((name, reason))
            continue
        path = _join(directory, name)
        read = _index_file(e, name, path) if index else _plain_file(e, path)
        if read.cgo and "cgo" not in tags.names and not tags.any:
            excluded.append((name, EXCLUDED_CGO))
            continue
        if read.constraints is None or not constraints_hold(*read.constraints, tags):
            excluded.append((name, EXCLUDED_CONSTRAINTS))
            continue
        files.append(name)
        if read.unread:
            unread.append((name, read.unread))
        (test_imports if name.endswith("_test.go") else imports).update(read.paths)
    scan = DirScan(tuple(sorted(imports, key=_go_order)), tuple(sorted(test_imports, key=_go_order)),
                   tuple(files), tuple(excluded), tuple(unread))
    if not files:
        raise NoGoError(scan)
    return scan


@dataclass(frozen=True, slots=True)
class _FileRead:
    """One file as a ScanDir sees it: its import paths, whether it is a cgo file, its
    constraint lines (None: it never builds), and why its imports were not read."""

    paths: tuple[str, ...]
    cgo: bool
    constraints: tuple[str | None, tuple[str, ...]] | None
    unread: str = ""


def _plain_file(e: Entry, path: str) -> _FileRead:
    """imports.scanFiles for one file."""
    try:
        block = read_import_block(e.read())
    except GoSourceError as err:
        raise GoSourceError(f"reading {path}: {err}") from None
    paths = []
    for q in block.quoted:
        try:
            paths.append(unquote(q))
        except ValueError:
            continue  # go skips what strconv.Unquote refuses
    try:
        constraints: tuple[str | None, tuple[str, ...]] | None = constraint_lines(block.header)
    except BuildConstraintError:
        constraints = None  # two //go:build lines: ShouldBuild says no
    # Only the literal "C" marks cgo here; `C` or "\x43" is an ordinary import of C.
    return _FileRead(tuple(paths), '"C"' in block.quoted, constraints)


def _index_file(e: Entry, name: str, path: str) -> _FileRead:
    """modindex's getFileInfo for one file, then what IndexPackage.ScanDir takes from it. A file
    getFileInfo fails on is kept with neither imports nor constraints, so it always builds."""
    if e.kind == "other":
        # Go would open it (and a FIFO would hang go): model it as a file that cannot be read.
        return _FileRead((), False, (None, ()), f"open {path}: not a regular file")
    try:
        content = e.read()
    except OSError as err:
        # Go's text for the errno, e.g. "no such file or directory".
        reason = (err.strerror or "").lower()
        return _FileRead((), False, (None, ()), f"open {path}: {reason}")
    try:
        info = read_go_info(content, path)
    except GoSourceError as err:
        return _FileRead((), False, (None, ()), str(err))
    try:
        constraints = constraint_lines(info.header)
    except BuildConstraintError as err:
        return _FileRead((), False, (None, ()), f"{name}: {err}")
    paths = tuple(i.path for i in info.imports)
    return _FileRead(paths, "C" in paths, constraints, info.parse_error or "")


def _name_exclusion(e: Entry, tags: Tags, index: bool) -> str:
    # The index lists every non-directory entry (a broken link then fails to open); imports.ScanDir
    # only regular files.
    if not index and e.kind == "broken-link":
        return EXCLUDED_BROKEN_LINK
    if not index and e.kind != "file":
        return EXCLUDED_NOT_REGULAR
    if e.name.startswith(("_", ".")):
        return EXCLUDED_HIDDEN
    if not e.name.endswith(".go"):
        return EXCLUDED_NOT_GO
    if not match_file(e.name, tags):
        return EXCLUDED_FILE_NAME
    return ""


def _join(directory: str, name: str) -> str:
    return os.path.join(directory, name) if directory else name


def _read_file(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def path_entries(directory: str | os.PathLike[str]) -> list[Entry]:
    """The entries of a real directory, symlinks followed (go stats each link's target)."""
    out: list[Entry] = []
    with os.scandir(directory) as it:
        for d in it:
            kind: EntryKind
            if d.is_dir():
                kind = "dir"
            elif d.is_file():
                kind = "file"
            elif d.is_symlink() and not os.path.exists(d.path):
                kind = "broken-link"
            else:
                kind = "other"
            out.append(Entry(d.name, kind, partial(_read_file, d.path)))
    return out


_INDEX_MTIME_CUTOFF_NS = 2_000_000_000  # modindex's modTimeCutoff


def index_applies(directory: str | os.PathLike[str], *, in_module_cache: bool = False) -> bool:
    """Whether go reads ``directory`` through the module index (when the index is on).

    A module in the module cache is always indexed (its files come from a zip: no symlinks).
    Any other directory is indexed per package (modindex ``dirHash``) only when every entry
    but subdirectories is a regular file, not a symlink, modified more than 2 seconds ago; a
    file written just now sends go to imports.ScanDir instead.
    """
    if in_module_cache:
        return True
    cutoff = time.time_ns() - _INDEX_MTIME_CUTOFF_NS
    with os.scandir(directory) as it:
        for d in it:
            if d.is_dir(follow_symlinks=False):
                continue
            if not d.is_file(follow_symlinks=False) or d.stat(follow_symlinks=False).st_mtime_ns > cutoff:
                return False
    return True


def scan_path(directory: str | os.PathLike[str], tags: Tags, *, index: bool | None = None,
              in_module_cache: bool = False) -> DirScan:
    """modload's scanDir of a directory on disk (before its magic-import filter).

    ``index=None`` decides as go does (:func:`index_applies`); pass ``False`` when go's index is
    off (``GODEBUG=goindex=0``, ``GOCACHE=off``).
    """
    if index is None:
        index = index_applies(directory, in_module_cache=in_module_cache)
    return scan_dir(path_entries(directory), tags, directory=os.fspath(directory), index=index)


def zip_entries(zf: zipfile.ZipFile, directory: str) -> list[Entry]:
    """The entries of ``directory`` (a ``/``-separated prefix such as ``example.com/m@v1.0.0/sub``)
    in a module zip, as they would be after extraction: files, and folders implied by deeper names."""
    prefix = directory.rstrip("/") + "/"
    seen: dict[str, Entry] = {}
    for info in zf.infolist():
        if not info.filename.startswith(prefix):
            continue
        rest = info.filename[len(prefix):]
        if not rest:
            continue
        head, sep, _ = rest.partition("/")
        if sep or info.is_dir():
            seen.setdefault(head, Entry(head, "dir", bytes))
        else:
            seen[head] = Entry(head, "file", _reader(zf, info))
    return list(seen.values())


def _reader(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    return lambda: zf.read(info)


def _is_magic(path: str) -> bool:
    return (path in ("C", "appengine", "appengine_internal")
            or path.startswith(("appengine/", "appengine_internal/")))


def elide_magic_imports(paths: Iterable[str]) -> tuple[str, ...]:
    """modload's scanDir filter: drop ``C`` (cgo) and the legacy ``appengine``, ``appengine/*``,
    ``appengine_internal``, ``appengine_internal/*`` imports, which no module provides."""
    return tuple(p for p in paths if not _is_magic(p))
