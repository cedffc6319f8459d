"""What ``go list -m all`` checks of each module it lists, beyond the graph (modload/build.go
``moduleInfo``, run for every module of the build list).

- **.info** (``completeFromModCache`` → ``Query``): go looks up each listed version's ``.info``
  (its time); a version the proxy cannot describe is an error printed as
  ``go: M@V: <error>``, one line per module in build-list order, and nothing is listed. A
  replaced module is not looked up (its replacement is, but that error is never printed).
- **go.mod** (the GoVersion field): go reads the go.mod of every listed module it has not read
  yet — a pruned module's requirements too — so go.sum (:mod:`gomodlab.load.gosum`) is checked
  against those as well; in ``-mod=readonly`` only those with a go.sum line are read.

Where the answer comes from: a GOPROXY list (:class:`~gomodlab.load.sources.ProxySource`)
is asked for the ``.info`` as go asks; a module cache holds ``.info`` files only for versions go
looked up, and go falls back to GOPROXY for the others — so a missing one is go's error only
under ``GOPROXY=off``, and is not checked otherwise.
"""

from __future__ import annotations

import os

from ..errors import GomodlabError, GoRefusal
from ..mod import gover, modpath
from .gosum import GoSumFatal
from .locate import go_env_value
from .modload import ModGraph
from .mvs import Module
from .output_memo import stat_key
from .sources import ModCacheSource, ProxySource

__all__ = ["check_listed"]


def check_listed(mg: ModGraph) -> None:
    """Raise :class:`GoRefusal` with go's output where ``go list -m all`` would fail on ``mg``."""
    loader = mg.loader
    if loader is None:
        return  # a graph rebuilt from 'go mod graph' text: no files to look at
    proxy_off = go_env_value("GOPROXY") == "off"
    errors = []
    for m in mg.build_list():
        if m.version == "" or gover.is_toolchain(m.path):
            continue
        target = mg.replacement(m) or m
        if target == m:
            err = _info_error(loader, m, proxy_off)
            if err is not None:
                errors.append(f"go: {err}\n")
        gosum = loader.gosum
        if target.version == "" or gosum is None or (loader.readonly and not gosum.has_gomod(target)):
            continue
        try:
            loader.raw_summary(target)  # read (and checked against go.sum) once, if not read already
        except GoSumFatal:
            raise
        except GomodlabError:
            continue  # go only wanted its go line: an unreadable go.mod is no error here
    if errors:
        raise GoRefusal("".join(errors))


def _info_error(loader, m: Module, proxy_off: bool) -> str | None:
    """go's message (after ``go: ``) when it cannot look up ``m``'s ``.info``, or None."""
    source = loader.source
    if isinstance(source, ProxySource):
        from . import proxy

        try:
            proxy.fetch_with_fallback(source.goproxy, m.path, "info", m.version)
        except proxy.ProxyError as e:
            return f"{m.path}@{m.version}: {e}"
        return None
    if isinstance(source, ModCacheSource) and proxy_off:
        info = os.path.join(source.root, "cache", "download", modpath.escape_path(m.path), "@v",
                            modpath.escape_version(m.version) + ".info")
        try:
            st = os.stat(info)
        except OSError:
            # go's Query error under GOPROXY=off names no module (VERIFIED with go 1.27.3).
            return "module lookup disabled by GOPROXY=off"
        loader.inputs[info] = stat_key(st)
    return None
