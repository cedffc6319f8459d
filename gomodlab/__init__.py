"""gomodlab: investigate Go module problems the way the go command sees them.

The building blocks mirror golang.org/x/mod (``semver``, ``modpath``, ``dirhash``) and the go
command's module cache and proxy protocol (``cache``, ``proxy``); ``gotool`` runs the real go
command. Subpackages load on first use (``gomodlab.mod.semver`` or ``from gomodlab.mod import semver``),
so ``import gomodlab`` costs almost nothing and never pulls in pandas, NetworkX or matplotlib.
Errors share one base class, :class:`gomodlab.GomodlabError` (see ``gomodlab.errors``).
"""

from __future__ import annotations

from .version import __version__

#: The foundation modules; every other public submodule loads the same lazy way.
_SUBMODULES = ("cache", "cli", "diagnose", "errors", "lab", "load", "mod", "net")
_ERRORS = ("GomodlabError", "ParseError", "SourceError", "CacheError", "GoCommandError")

__all__ = ["__version__", *_ERRORS, *_SUBMODULES]


def __getattr__(name: str) -> object:
    # PEP 562: load a submodule (or an error class) when it is first asked for. This also runs
    # for every `from . import x` inside the package, so it uses the bare __import__ rather than
    # importlib (whose import costs more than most submodules).
    import sys

    if name in _ERRORS:
        __import__(f"{__name__}.errors")
        return getattr(sys.modules[f"{__name__}.errors"], name)
    if not name.startswith("_"):
        try:
            __import__(f"{__name__}.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise
        else:
            return sys.modules[f"{__name__}.{name}"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({name for name in globals() if name.startswith("__")} | set(__all__))
