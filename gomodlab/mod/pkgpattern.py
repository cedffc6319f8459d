"""Go's package patterns (cmd/internal/pkgpattern, cmd/go/internal/search): ``...`` wildcards.

``match_pattern(p)(name)`` is MatchPattern: ``...`` matches any string, ``x/...`` matches ``x`` too,
and a ``...`` never reaches into a ``vendor`` directory unless the pattern names one.
``tree_can_match(p)(name)`` is TreeCanMatchPattern: whether a directory named ``name`` could hold
(at any depth) a match, so a walk can skip the rest. :func:`clean_patterns` is CleanPatterns.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable, Sequence

__all__ = ["match_pattern", "tree_can_match", "clean_patterns", "is_local_import", "is_meta_package",
           "META_PACKAGES"]

#: The patterns that name a set of packages (search.IsMetaPackage).
META_PACKAGES = frozenset({"std", "cmd", "tool", "work", "all"})

_VENDOR = "\x00"


def is_meta_package(p: str) -> bool:
    return p in META_PACKAGES


def is_local_import(p: str) -> bool:
    """build.IsLocalImport: ``.``, ``..``, ``./…``, ``../…``."""
    return p in (".", "..") or p.startswith(("./", "../"))


def _has_path_prefix(s: str, prefix: str) -> bool:
    if len(s) == len(prefix):
        return s == prefix
    if len(s) > len(prefix):
        if prefix and prefix.endswith("/"):
            return s.startswith(prefix)
        return s[len(prefix)] == "/" and s.startswith(prefix)
    return False


def tree_can_match(pattern: str) -> Callable[[str], bool]:
    """TreeCanMatchPattern."""
    i = pattern.find("...")
    wild = i >= 0
    if wild:
        pattern = pattern[:i]
    return lambda name: (len(name) <= len(pattern) and _has_path_prefix(pattern, name)) or (
        wild and name.startswith(pattern))


def _replace_vendor(x: str) -> str:
    if "vendor" not in x:
        return x
    elem = x.split("/")
    for i in range(len(elem) - 1):
        if elem[i] == "vendor":
            elem[i] = _VENDOR
    return "/".join(elem)


def match_pattern(pattern: str) -> Callable[[str], bool]:
    """MatchPattern (vendor directories excluded from ``...``)."""
    if _VENDOR in pattern:
        return lambda name: False
    rx = _replace_vendor(re.escape(pattern).replace(r"\/", "/"))
    dots = re.escape("...")
    if rx.endswith(f"/{_VENDOR}/{dots}"):
        rx = rx[:-len(f"/{_VENDOR}/{dots}")] + f"(/vendor|/{_VENDOR}/{dots})"
    elif rx == f"{_VENDOR}/{dots}":
        rx = f"(/vendor|/{_VENDOR}/{dots})"
    if rx.endswith(f"/{dots}"):
        rx = rx[:-len(f"/{dots}")] + f"(/{dots})?"
    compiled = re.compile("^" + rx.replace(dots, f"[^{_VENDOR}]*") + "$", re.DOTALL)
    return lambda name: _VENDOR not in name and compiled.match(_replace_vendor(name)) is not None


def _clean(p: str) -> str:
    """path.Clean (POSIX's ``//`` root becomes ``/``)."""
    out = posixpath.normpath(p)
    return out[1:] if out.startswith("//") else out


def clean_patterns(patterns: Sequence[str]) -> list[str]:
    """CleanPatterns: none means ``.``; canonical form, a leading ``./`` kept, ``@version`` kept."""
    if not patterns:
        return ["."]
    out = []
    for a in patterns:
        if is_local_import(a) or os.path.isabs(a) or "@" not in a:
            p, v = a, ""
        else:
            i = a.index("@")
            p, v = a[:i], a[i:]
        if os.path.isabs(p):
            p = _clean(p)
        else:
            p = p.replace("\\", "/")
            if p.startswith("./"):
                p = "./" + _clean(p)
                if p == "./.":
                    p = "."
            else:
                p = _clean(p)
        out.append(p + v)
    return out
