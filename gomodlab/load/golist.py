"""``go list -m -json all``: the module objects go prints, field for field (modload/build.go
``moduleInfo``, modinfo.ModulePublic).

For each module of the build list (go and toolchain left out), in ModulePublic's field order:

- the **main module**: Path, Main, Dir (the module root), GoMod (the go.mod read — a -modfile
  exactly as given), GoVersion (its go line; without one, the local go's version under -mod=mod
  and 1.16 otherwise);
- a **module**: Path, Version, Time (from its ``.info``), Indirect, Dir (its extracted directory
  in the module cache, when complete: no ``.partial``, a ``.ziphash``), GoMod (the cache's
  ``.mod`` file, when present), GoVersion (its go line), Sum and GoModSum (go.sum's ``h1:`` hash,
  when it has exactly one);
- a **replaced module**: Path, Version, Replace (the same fields for the replacement; a directory
  replacement has Path, Dir, GoMod, GoVersion), Indirect, and Dir, GoMod, GoVersion from the
  replacement. go reads nothing of the replaced version itself (issue 27859): no Time.

Under ``-mod=readonly`` (go's default without a vendor directory) go looks only at what go.sum
vouches for (``mustHaveSums``): without the go.mod's hash no GoMod, GoModSum or (for a module
whose go.mod the graph did not read) GoVersion; without the zip's hash no Dir or Sum.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping

from ..errors import SourceError
from ..mod import gover, modpath
from ..mod.gojson import format_time, marshal_indent
from ..mod.modfile import GoSumLine, parse_gosum
from ._fileio import read_bytes
from .modload import ModGraph
from .mvs import Module

__all__ = ["GoSum", "FIELDS", "list_json", "list_json_text"]


class GoSum:
    """The go.sum hashes go consults for ``go list -m`` (modfetch ``HaveSum``/``RecordedSum``)."""

    def __init__(self, lines: Iterable[GoSumLine] = ()) -> None:
        self._hashes: dict[tuple[str, str], list[str]] = {}
        for ln in lines:
            if not ln.ignored_by_go:
                self._hashes.setdefault((ln.path, ln.version), []).append(ln.hash)

    @classmethod
    def read(cls, *paths: str) -> GoSum:
        """The go.sum files at ``paths`` together (an absent file is an empty go.sum, as for go).

        In a workspace go consults go.work.sum and every used module's go.sum (modfetch
        ``WorkspaceGoSumFiles``).
        """
        lines: list[GoSumLine] = []
        for path in paths:
            try:
                data = read_bytes(path)
            except FileNotFoundError:
                continue
            except OSError as e:
                raise SourceError(f"reading {path}: {e.strerror or e}") from None
            lines.extend(parse_gosum(data, path, lax=True))
        return cls(lines)

    def have(self, path: str, version: str) -> bool:
        """HaveSum: go.sum has an ``h1:`` hash for ``path version`` (version may end in /go.mod)."""
        return any(h.startswith("h1:") for h in self._hashes.get((path, version), ()))

    def recorded(self, path: str, version: str) -> str | None:
        """RecordedSum: the one ``h1:`` hash recorded, None when none or conflicting ones."""
        hs = {h for h in self._hashes.get((path, version), ()) if h.startswith("h1:")}
        return hs.pop() if len(hs) == 1 else None


class _Cache:
    """Where go finds a module's files in GOMODCACHE, and its .info (cache first, then a proxy)."""

    def __init__(self, modcache: str, proxy: str | None) -> None:
        self.root, self.proxy = modcache, proxy
        self.download = os.path.join(modcache, "cache", "download")

    def file(self, m: Module, suffix: str) -> str:
        return os.path.join(self.download, modpath.escape_path(m.path), "@v",
                            modpath.escape_version(m.version) + "." + suffix)

    def time(self, m: Module) -> str:
        name = self.file(m, "info")
        try:
            data = read_bytes(name)
        except OSError:
            data = self._proxy_info(m, name)
        try:
            info = json.loads(data)
            t = info.get("Time") if isinstance(info, dict) else None
            return format_time(t) if isinstance(t, str) else "0001-01-01T00:00:00Z"
        except ValueError as e:
            raise SourceError(f"{m.path}@{m.version}: {name}: {e}") from None

    def _proxy_info(self, m: Module, cached: str) -> bytes:
        if self.proxy:
            from . import proxy

            try:
                return proxy.fetch_with_fallback(proxy.parse_goproxy(self.proxy), m.path, "info", m.version).data
            except proxy.ProxyError as e:
                raise SourceError(f"{m.path}@{m.version}: .info: {e}") from None
        raise SourceError(f"{m.path}@{m.version}: {cached} not found (go list -m needs each module's .info)")

    def gomod(self, m: Module) -> str | None:
        name = self.file(m, "mod")
        return name if os.path.isfile(name) else None

    def dir(self, m: Module) -> str | None:
        # modfetch.DownloadDir: the directory, complete (no .partial) and with its .ziphash.
        d = os.path.join(self.root, modpath.escape_path(m.path) + "@" + modpath.escape_version(m.version))
        if not os.path.isdir(d) or os.path.exists(self.file(m, "partial")) or not os.path.exists(self.file(m, "ziphash")):
            return None
        return d


#: modinfo.ModulePublic's fields in declaration order: the order encoding/json writes them in.
FIELDS = ("Path", "Version", "Query", "Versions", "Replace", "Time", "Update", "Main", "Indirect", "Dir", "GoMod",
          "GoVersion", "Retracted", "Deprecated", "Error", "Sum", "GoModSum", "Origin", "Reuse")


def _ordered(item: dict[str, object]) -> dict[str, object]:
    return {k: item[k] for k in FIELDS if k in item}


def list_json(mg: ModGraph, *, root: str, gomod_shown: str, gosum: GoSum, mode: str, modcache: str,
              proxy: str | None = None, local_go: str,
              mains: Mapping[str, tuple[str, str | None]] | None = None) -> list[dict[str, object]]:
    """The objects ``go list -m -json all`` prints (keys in go's order, absent fields left out).

    ``root`` is the module root (in a workspace: the go.work's directory, the base of its
    directory replacements), ``gomod_shown`` the go.mod path as go prints it, ``mode`` the -mod
    value go runs with (``mod`` or ``readonly``; ``workspace`` in workspace mode, where go, though
    read-only, shows what the cache has without asking go.sum), ``modcache`` GOMODCACHE, ``proxy`` a GOPROXY to
    read ``.info`` files the cache lacks from. In a workspace, ``mains`` gives each used module's
    (directory, go line).
    """
    cache = _Cache(modcache, proxy)
    must_sum = mode == "readonly"

    def sum_ok(m: Module, suffix: str) -> bool:
        return not must_sum or m.version == "" or gosum.have(m.path, m.version + suffix)

    def complete(item: dict[str, object], m: Module) -> None:
        # completeFromModCache. item["GoVersion"] is rawGoVersion (a go.mod the graph read), if any.
        if m.version:
            item["Time"] = cache.time(m)
        if "GoVersion" not in item and sum_ok(m, "/go.mod") and mg.loader is not None:
            go = mg.loader.raw_summary(m).go
            if go:
                item["GoVersion"] = go
        if not m.version:
            return
        if sum_ok(m, "/go.mod"):
            if gomod := cache.gomod(m):
                item["GoMod"] = gomod
            if s := gosum.recorded(m.path, m.version + "/go.mod"):
                item["GoModSum"] = s
        if sum_ok(m, ""):
            if d := cache.dir(m):
                item["Dir"] = d
            if s := gosum.recorded(m.path, m.version):
                item["Sum"] = s

    out: list[dict[str, object]] = []
    for m in mg.build_list():
        if gover.is_toolchain(m.path):
            continue
        if m.version == "" and mains is not None:
            d, go = mains[m.path]
            item = {"Path": m.path, "Main": True, "Dir": d, "GoMod": os.path.join(d, "go.mod")}
            out.append(item | ({"GoVersion": go} if go else {}))
            continue
        if m.version == "":
            main_go = mg.main_file.go if mg.main_file is not None else None
            out.append({"Path": m.path, "Main": True, "Dir": root, "GoMod": gomod_shown,
                        "GoVersion": main_go or (local_go if mode == "mod" else gover.DEFAULT_GO_MOD_VERSION)})
            continue
        item: dict[str, object] = {"Path": m.path, "Version": m.version}
        if not mg.is_direct(m.path):
            item["Indirect"] = True
        r = mg.replacement(m)
        if r is None:
            s = mg.summaries.get(m)
            if s is not None and s.go:
                item["GoVersion"] = s.go
            complete(item, m)
            out.append(_ordered(item))
            continue
        # A replaced module: go reads nothing of the replaced version itself (issue 27859).
        rep: dict[str, object] = {"Path": r.path}
        if r.version:
            rep["Version"] = r.version
        else:
            d = r.path if os.path.isabs(r.path) else os.path.normpath(os.path.join(root, r.path))
            rep["Dir"] = d
            rep["GoMod"] = os.path.join(d, "go.mod")
        complete(rep, r)
        item["Replace"] = _ordered(rep)
        for k in ("Dir", "GoMod", "GoVersion"):
            if k in rep:
                item[k] = rep[k]
        out.append(_ordered(item))
    return out


def list_json_text(objects: list[dict[str, object]]) -> str:
    """The objects as go list prints them: each json.MarshalIndent(x, "", "\\t") and a newline."""
    return "".join(marshal_indent(o) + "\n" for o in objects)
