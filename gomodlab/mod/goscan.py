"""The imports of one package directory, as the go command's module loader finds them.

:func:`scan_dir` is cmd/go/internal/imports/scan.go (``ScanDir``): of a directory's entries it
reads the regular ``.go`` files whose names do not start with ``_`` or ``.`` and whose
``_GOOS``/``_GOARCH`` suffix matches, skips a file that imports ``"C"`` unless cgo is on (never
under :data:`~gomodlab.mod.buildconstraint.ANY_TAGS`), skips one its build constraints exclude,
and collects the rest's imports: ``_test.go`` files (``package x`` or ``package x_test`` alike)
into ``test_imports``, the others into ``imports``. Package names play no part (a ``package
documentation`` file counts like any other). With no file left it raises :class:`NoGoError`.

The entries come from a real directory (:func:`scan_path`, symlinks followed, broken ones
ignored) or from anywhere else, e.g. a module zip read in memory (:func:`zip_entries`).
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import GomodlabError
from .buildconstraint import Tags, match_file, should_build
from .goimports import GoSourceError, read_import_block
from .gostrings import unquote

__all__ = ["Entry", "DirScan", "NoGoError", "scan_dir", "scan_path", "path_entries", "zip_entries", "elide_magic_imports",
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
    order; and each other entry (directories aside) with why it did not count."""

    imports: tuple[str, ...]
    test_imports: tuple[str, ...]
    files: tuple[str, ...]
    excluded: tuple[tuple[str, str], ...]


class NoGoError(GomodlabError):
    """imports.ErrNoGo: ``no Go source files``. ``scan`` says what the directory held."""

    def __init__(self, scan: DirScan) -> None:
        self.scan = scan
        super().__init__("no Go source files")


def _sort_key(e: Entry) -> bytes:
    # os.ReadDir sorts by the name's bytes.
    return e.name.encode("utf-8", "surrogateescape")


def scan_dir(entries: Iterable[Entry], tags: Tags, *, directory: str = "") -> DirScan:
    """imports.ScanDir over ``entries``. ``directory`` is only for messages: a file go cannot
    read raises :class:`GoSourceError` ``reading DIR/NAME: unexpected NUL in input``."""
    imports: set[str] = set()
    test_imports: set[str] = set()
    files: list[str] = []
    excluded: list[tuple[str, str]] = []
    for e in sorted(entries, key=_sort_key):
        name = e.name
        if e.kind == "dir":
            continue
        reason = _name_exclusion(e, tags)
        if reason:
            excluded.append((name, reason))
            continue
        try:
            block = read_import_block(e.read())
        except GoSourceError as err:
            raise GoSourceError(f"reading {_join(directory, name)}: {err}") from None
        if '"C"' in block.quoted and "cgo" not in tags.names and not tags.any:
            excluded.append((name, EXCLUDED_CGO))
            continue
        if not should_build(block.header, tags):
            excluded.append((name, EXCLUDED_CONSTRAINTS))
            continue
        files.append(name)
        into = test_imports if name.endswith("_test.go") else imports
        for q in block.quoted:
            try:
                into.add(unquote(q))
            except ValueError:
                continue  # go skips what strconv.Unquote refuses
    scan = DirScan(tuple(sorted(imports, key=_go_order)), tuple(sorted(test_imports, key=_go_order)),
                   tuple(files), tuple(excluded))
    if not files:
        raise NoGoError(scan)
    return scan


def _go_order(s: str) -> bytes:
    # sort.Strings compares bytes.
    return s.encode("utf-8", "surrogateescape")


def _name_exclusion(e: Entry, tags: Tags) -> str:
    if e.kind == "broken-link":
        return EXCLUDED_BROKEN_LINK
    if e.kind != "file":
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


def path_entries(directory: Path) -> list[Entry]:
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
            out.append(Entry(d.name, kind, Path(d.path).read_bytes))
    return out


def scan_path(directory: Path | str, tags: Tags) -> DirScan:
    """imports.ScanDir of a directory on disk."""
    return scan_dir(path_entries(Path(directory)), tags, directory=str(directory))


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
