"""gomodlab: investigate Go module problems the way the go command sees them.

The names a notebook types are here (``import gomodlab as gml``; ``gml.scan_cache()``); each is
one function or class of a layer subpackage, listed in :data:`FACADE`::

    errors, version   the error hierarchy (GomodlabError …) and __version__
    mod               Go module primitives, as golang.org/x/mod has them
    load              reading a world: go.mod sources, module graph loading, MVS, go get, tidy
    cache             the module cache: layout, scan for damage, repair, triage, hygiene
    net               -x traces, access logs, the lab GOPROXY, proxy fault models
    diagnose          go's error output → diagnoses and fixes
    lab               figures, widgets, the post-mortem report, the demo world
    cli               the command line

A facade name is imported on first use, not by ``import gomodlab``: the command line imports
``gomodlab.mod.semver`` and friends for every run, and that must not pull in pandas, NetworkX
or matplotlib (most of a second) through this file.
"""

from __future__ import annotations

import importlib

from .errors import CacheError, GoCommandError, GomodlabError, ParseError, SourceError
from .version import __version__

#: Facade name → (module, attribute). Everything else is importable from its subpackage.
FACADE = {
    # go.mod, go.sum, go.work and hashes (mod)
    "parse_gomod": ("gomodlab.mod.modfile", "parse_gomod"),
    "parse_gowork": ("gomodlab.mod.modfile", "parse_gowork"),
    "parse_gosum": ("gomodlab.mod.modfile", "parse_gosum"),
    "parse_modules_txt": ("gomodlab.mod.vendortxt", "parse_modules_txt"),
    "hash_zip": ("gomodlab.mod.dirhash", "hash_zip"),
    "hash_dir": ("gomodlab.mod.dirhash", "hash_dir"),
    "hash_gomod": ("gomodlab.mod.dirhash", "hash_gomod"),
    # the module graph (load)
    "load_graph": ("gomodlab.load.workspace", "load"),
    "graph_from_text": ("gomodlab.load.modload", "graph_from_text"),
    "build_list": ("gomodlab.load.graph", "build_list_frame"),
    "to_networkx": ("gomodlab.load.graph", "to_networkx"),
    "why": ("gomodlab.load.graph", "why"),
    "focus_graph": ("gomodlab.load.graph", "focus"),
    "plan_get": ("gomodlab.load.get", "plan_get"),
    "vendor_list": ("gomodlab.load.vendor", "vendor_build_list"),
    "outdated": ("gomodlab.load.updates", "outdated_frame"),
    "plan_update": ("gomodlab.load.updates", "plan_update"),
    "resolve_gomod_queries": ("gomodlab.load.gomod_queries", "resolve_gomod_queries"),
    # the module cache (cache)
    "scan_cache": ("gomodlab.cache.scan", "scan"),
    "plan_repair": ("gomodlab.cache.repair", "plan_repair"),
    "triage": ("gomodlab.cache.triage", "triage"),
    # network evidence (net)
    "read_xlog": ("gomodlab.net.xlog", "parse"),
    "latency_summary": ("gomodlab.net.logstats", "latency_summary"),
    "fallback_summary": ("gomodlab.net.logstats", "fallback_summary"),
    # diagnosis (diagnose)
    "explain": ("gomodlab.diagnose.explain", "explain"),
    # what people look at (lab)
    "report": ("gomodlab.lab.report", "render"),
    "build_demo": ("gomodlab.lab.demo", "build"),
}

__all__ = ["__version__", "GomodlabError", "ParseError", "SourceError", "CacheError", "GoCommandError",
           *FACADE]


def __getattr__(name: str) -> object:
    # PEP 562: called only for names not defined above, i.e. the facade's on first use.
    if name in FACADE:
        module, attribute = FACADE[name]
        value = getattr(importlib.import_module(module), attribute)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *FACADE})
