"""Where dependencies' go.mod files come from: a module cache, a GOPROXY list, or captured graph text.

A :class:`GoModSource` hands out the go.mod bytes of ``path@version`` — the same bytes the go
command reads (modfetch ``GoMod``): the module cache keeps them as
``<GOMODCACHE>/cache/download/<escaped path>/@v/<escaped version>.mod``, a proxy serves them as
``$base/<escaped path>/@v/<escaped version>.mod``. A go.mod that cannot be found is never a
silent gap: :class:`GoModNotFound` says so in go's words and keeps every place looked.

- :class:`ModCacheSource` — a module cache directory (default: go's GOMODCACHE, worked out like
  ``go env GOMODCACHE`` without running go).
- :class:`ProxySource` — a GOPROXY list (``file://``, ``http(s)://``, ``,``/``|`` fallback,
  ``off``; ``direct`` is refused with advice) through :func:`gomodlab.load.proxy.fetch_with_fallback`.
- :class:`ChainSource` — try several sources in order (cache first, then a proxy: what go does).
- :class:`GraphTextSource` — ``go mod graph`` output captured elsewhere; it already *is* a graph,
  so it is loaded with :func:`gomodlab.load.modload.graph_from_text` rather than read file by file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol

from ..errors import ParseError, SourceError
from ..mod import modpath, semver
from ._fileio import read_bytes
from .locate import default_modcache, go_env_value
from .mvs import Module, ModuleError
from .output_memo import stat_key

__all__ = [
    "GoModSource", "GoModNotFound", "NotInSource", "ModCacheSource", "ProxySource", "ChainSource",
    "GraphTextSource", "source_for", "default_modcache", "go_env_value",
]


class GoModNotFound(ModuleError):
    """No go.mod for a module version in any place looked; ``places`` lists them. The message is
    go's: the error of the last place tried (modfetch TryProxies reports the last "not exist"),
    such as ``reading file:///…/v1.0.0.mod: no such file or directory``."""

    def __init__(self, m: Module, places: Sequence[str], error: str) -> None:
        self.places = tuple(places)
        super().__init__(m, error)


def _file_not_exist(f: str) -> str:
    """What go says of a file missing under a ``file://`` GOPROXY: a module cache is read as go
    reads ``GOPROXY=file://$GOMODCACHE/cache/download``."""
    return f"reading file://{f}: no such file or directory"


class NotInSource(SourceError):
    """A GOPROXY endpoint (``list``, ``info``, ``latest``…) that a source does not have: go's "not
    exist", with the text go shows for it (``reading file:///…/v1.0.0.info: no such file or directory``)."""


class GoModSource(Protocol):
    """Anything that can produce the go.mod bytes of a module version (a structural type: sources
    need not derive from it)."""

    def gomod(self, m: Module) -> bytes:
        """The go.mod bytes of ``m``; :class:`GoModNotFound` (naming every place looked) if absent."""
        ...

    def describe(self) -> str:
        """One line saying where this source reads from (for messages and reports)."""
        ...


class ModCacheSource:
    """go.mod files from a module cache (``<root>/cache/download/<esc>/@v/<ev>.mod``); ``root`` is
    kept as a string path."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = os.fspath(root) if root is not None else default_modcache()
        self._download = os.path.join(self.root, "cache", "download")

    def path_of(self, m: Module) -> str:
        """The file that holds ``m``'s go.mod in this cache (InvalidPath for a malformed path)."""
        return os.path.join(self._download, modpath.escape_path(m.path), "@v",
                            modpath.escape_version(m.version) + ".mod")

    def _fast_path_of(self, m: Module) -> str:
        # Escaping without validating: a file found under this name was stored there by go for a
        # valid path, and a missing one goes through path_of, which reports a malformed path.
        p, v = m
        if not p.islower() and any("A" <= c <= "Z" for c in p):
            p = "".join("!" + c.lower() if "A" <= c <= "Z" else c for c in p)
        if not v.islower() and any("A" <= c <= "Z" for c in v):
            v = "".join("!" + c.lower() if "A" <= c <= "Z" else c for c in v)
        return f"{self._download}/{p}/@v/{v}.mod"

    def stamp(self, m: Module) -> tuple[str, tuple[int, int, int, int]] | None:
        """(file, output_memo.stat_key) of ``m``'s ``.mod`` file, or None if it is missing.

        What a summary cache checks its entry against, and a memo records as an input.
        """
        f = self._fast_path_of(m)
        try:
            st = os.stat(f)
        except (OSError, ValueError):
            return None
        return f, stat_key(st)

    def gomod(self, m: Module) -> bytes:
        try:
            return read_bytes(self._fast_path_of(m))
        except (OSError, ValueError):
            pass
        f = self.path_of(m)
        try:
            return read_bytes(f)
        except FileNotFoundError:
            raise GoModNotFound(m, [f], _file_not_exist(f)) from None
        except OSError as e:
            raise ModuleError(m, f"reading {f}: {e.strerror or e}") from None

    def versions(self, path: str) -> list[str]:
        """Tagged versions of ``path`` in this cache: its ``@v/list`` file, else the ``.mod`` files present."""
        d = os.path.join(self._download, modpath.escape_path(path), "@v")
        try:
            with open(os.path.join(d, "list"), encoding="utf-8", errors="replace") as f:
                return _version_list(f.read())
        except OSError:
            pass
        try:
            names = os.listdir(d)
        except OSError:
            return []
        found = []
        for n in names:
            if n.endswith(".mod"):
                try:
                    found.append(modpath.unescape_version(n[:-4]))
                except ParseError:
                    continue
        return _version_list("\n".join(found))

    def proxy_file(self, path: str, endpoint: str, version: str = "") -> bytes:
        """A GOPROXY endpoint as this cache's download directory serves it (what go sees with
        ``GOPROXY=file://$GOMODCACHE/cache/download``): ``list``, ``info`` or ``mod``;
        :class:`NotInSource` if absent.

        A missing ``list`` is made from the ``.mod`` files present; the cache has no ``@latest``.
        """
        d = os.path.join(self._download, modpath.escape_path(path))
        name = "@latest" if endpoint == "latest" else "@v/" + (
            "list" if endpoint == "list" else f"{modpath.escape_version(version)}.{endpoint}")
        f = os.path.join(d, name)
        try:
            return read_bytes(f)
        except OSError:
            found = self.versions(path) if endpoint == "list" else None
            if not found:
                raise NotInSource(_file_not_exist(f)) from None
        return "".join(v + "\n" for v in found).encode()

    def describe(self) -> str:
        return f"module cache {self.root}"


class ProxySource:
    """go.mod files from a GOPROXY list, with go's ``,``/``|`` fallback rules."""

    def __init__(self, goproxy: str) -> None:
        from . import proxy

        self.goproxy = goproxy
        self._specs = proxy.parse_goproxy(goproxy)

    def gomod(self, m: Module) -> bytes:
        from . import proxy

        try:
            return proxy.fetch_with_fallback(self._specs, m.path, "mod", m.version).data
        except proxy.DirectNotSupported:
            raise ModuleError(m, "GOPROXY=direct would fetch it from version control, which gomodlab does not "
                                 "do; use a module cache (--modcache PATH) or a proxy (--proxy URL)") from None
        except proxy.NotExist as e:
            attempts = getattr(e, "attempts", [])
            places = [a.url or f"GOPROXY={a.proxy}" for a in attempts] or [self.goproxy]
            raise GoModNotFound(m, places, str(e)) from None
        except proxy.ProxyError as e:
            raise ModuleError(m, str(e)) from None

    def versions(self, path: str) -> list[str]:
        """Tagged versions of ``path`` from the proxy's ``@v/list`` ([] if no proxy knows it)."""
        from . import proxy

        try:
            data = proxy.fetch_with_fallback(self._specs, path, "list").data
        except proxy.NotExist:
            return []
        except proxy.ProxyError as e:
            raise SourceError(f"{path}: listing versions: {e}") from None
        return _version_list(data.decode("utf-8", "replace"))

    def proxy_file(self, path: str, endpoint: str, version: str = "") -> bytes:
        """The body of a GOPROXY endpoint (``list``, ``info``, ``mod``, ``latest``);
        :class:`NotInSource` when no proxy has it, SourceError for any other failure."""
        from . import proxy

        try:
            return proxy.fetch_with_fallback(self._specs, path, endpoint, version).data
        except proxy.NotExist as e:
            raise NotInSource(str(e)) from None
        except proxy.ProxyError as e:
            raise SourceError(str(e)) from None

    def describe(self) -> str:
        return f"GOPROXY={self.goproxy}"


class ChainSource:
    """Try sources in order; a go.mod missing from all of them names every place looked."""

    def __init__(self, sources: Sequence[GoModSource]) -> None:
        self.sources = tuple(sources)

    def gomod(self, m: Module) -> bytes:
        places: list[str] = []
        error = "no source to read go.mod from"
        for s in self.sources:
            try:
                return s.gomod(m)
            except GoModNotFound as e:
                places.extend(e.places)
                error = str(e.err)
        raise GoModNotFound(m, places, error)

    def versions(self, path: str) -> list[str]:
        """The union of every source's version list."""
        found: set[str] = set()
        for s in self.sources:
            lister = getattr(s, "versions", None)
            if lister is not None:
                found.update(lister(path))
        return semver.sort_versions(found)

    def proxy_file(self, path: str, endpoint: str, version: str = "") -> bytes:
        """``info``/``mod`` from the first source that has it; ``list`` and ``latest`` from the
        last one only (the proxy, in :func:`source_for`'s chain), as go lists versions from the
        proxy and never from the cache."""
        sources = self.sources[-1:] if endpoint in ("list", "latest") else self.sources
        missing = NotInSource(f"{path}: no source answers {endpoint}")
        for s in sources:
            getter = getattr(s, "proxy_file", None)
            if getter is None:
                continue
            try:
                return getter(path, endpoint, version)
            except NotInSource as e:
                missing = e
        raise missing

    def describe(self) -> str:
        return ", then ".join(s.describe() for s in self.sources)


class GraphTextSource:
    """The lines of ``go mod graph`` output (``from to`` per line), parsed.

    ``main`` is the main module path (the node without ``@version``); ``edges`` maps each node
    with printed requirements to them, in printed order. Nodes with no lines of their own are
    leaves or were pruned out — the text cannot tell which.
    """

    def __init__(self, text: str, file: str = "go mod graph output") -> None:
        self.file = file
        self.edges: dict[Module, list[Module]] = {}
        self.main: str | None = None
        for lineno, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            fields = line.split()
            if len(fields) != 2:
                raise SourceError(f"{file}:{lineno}: expected two fields 'module requirement', got {line!r}")
            a, b = (_node(f) for f in fields)
            if a.version == "":
                if self.main is not None and self.main != a.path:
                    raise SourceError(f"{file}:{lineno}: second main module {a.path} (first was {self.main})")
                self.main = a.path
            if b.version == "":
                raise SourceError(f"{file}:{lineno}: requirement {fields[1]} has no @version")
            self.edges.setdefault(a, []).append(b)
        if self.main is None:
            raise SourceError(f"{file}: no line starts with the main module (a path without @version)")

    def describe(self) -> str:
        return self.file


def source_for(modcache: str | os.PathLike[str] | None = None, goproxy: str | None = None) -> GoModSource:
    """Where go would read dependencies' go.mod files: the module cache (``modcache``, default
    go's GOMODCACHE), then the GOPROXY list ``goproxy`` when one is given."""
    cache = ModCacheSource(modcache)
    return ChainSource([cache, ProxySource(goproxy)]) if goproxy else cache


def _version_list(text: str) -> list[str]:
    """Versions of a ``@v/list`` body as go keeps them: valid semver, not pseudo-versions, sorted."""
    vs = {f.split()[0] for f in text.splitlines() if f.strip()}
    return semver.sort_versions([v for v in vs if semver.is_valid(v) and not semver.is_pseudo(v)])


def _node(text: str) -> Module:
    path, at, version = text.rpartition("@")
    return Module(path, version) if at else Module(text, "")
