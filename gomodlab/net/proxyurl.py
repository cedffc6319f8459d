"""GOPROXY URLs: which proxy, module, version and endpoint a request named.

A proxy serves ``<base>/<escaped module>/@v/<escaped version>.<info|mod|zip>``, ``…/@v/list`` and
``…/@latest`` (cmd/go/internal/modfetch/proxy.go), with module paths and versions escaped by
module.EscapePath (``!x`` for upper case), and possibly percent-escaped on top (url.PathEscape).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import unquote

from ..mod import modpath

__all__ = ["split_url", "split_base", "lenient_unescape_path", "lenient_unescape_version"]


def split_url(url: str, bases: Sequence[str] = ()) -> tuple[str, str, str, str]:
    """(proxy base, module, version, endpoint) of a GOPROXY URL; empty strings where it names none.

    The module starts at the first path element after which the rest is a valid escaped module
    path (module paths begin with a dotted host name, proxy paths usually do not); pass the known
    proxy ``bases`` to settle cases like ``https://host/v1.0/example.com/m/@v/list``. URLs may
    carry go's percent-escapes (``%21`` for ``!``: modfetch/proxy.go uses url.PathEscape).
    """
    q = url.find("?")
    if q >= 0:
        if "go-get=1" in url[q:]:
            # Direct mode's import-path lookup: https://host/path?go-get=1 (vcs/vcs.go).
            return "", url[:q].split("://", 1)[-1], "", "go-get"
        url = url[:q]
    k = url.find("/@v/")
    if k >= 0:
        head, tail = url[:k], url[k + 4:]
        if tail == "list":
            version, endpoint = "", "list"
        else:
            stem, dot, ext = tail.rpartition(".")
            if not dot or ext not in ("info", "mod", "zip"):
                return "", "", "", ""
            version, endpoint = lenient_unescape_version(unquote(stem) if "%" in stem else stem), ext
    elif url.endswith("/@latest"):
        head, version, endpoint = url[:-8], "", "latest"
    else:
        s = url.find("/sumdb/")
        if s >= 0:
            module = version = ""
            _, _, lookup = url[s + 7:].partition("/lookup/")
            if lookup:
                m, _, v = unquote(lookup).rpartition("@")
                module, version = lenient_unescape_path(m), lenient_unescape_version(v)
            return url[:s], module, version, "sumdb"
        return "", "", "", ""
    base, module = split_base(head, tuple(bases))
    return base, module, version, endpoint


def lenient_unescape_path(escaped: str) -> str:
    """The module path an escaped path stands for, or the text as it is when it is not one."""
    try:
        return modpath.unescape_path(escaped)
    except (ValueError, modpath.InvalidPath):
        return escaped


def lenient_unescape_version(escaped: str) -> str:
    """The version an escaped version stands for, or the text as it is when it is not one."""
    try:
        return modpath.unescape_version(escaped)
    except (ValueError, modpath.InvalidPath):
        return escaped


# An escaped module path: a dotted host-like first element (module.CheckPath's firstPathOK), then
# elements of module-path characters, upper case written as "!x".
_ESCAPED_MODULE_RE = re.compile(r"[a-z0-9-][a-z0-9.-]*\.[a-z0-9.-]*(?:/[a-z0-9._~!-]+)*")


@lru_cache(maxsize=65536)
def split_base(head: str, bases: tuple[str, ...]) -> tuple[str, str]:
    """(proxy base, module path) of a URL's part before ``/@v/`` or ``/@latest`` (see :func:`split_url`)."""
    for b in bases:
        b = b.rstrip("/")
        if head.startswith(b + "/"):
            rest = head[len(b) + 1:]
            return b, lenient_unescape_path(unquote(rest) if "%" in rest else rest)
    scheme = head.find("://")
    path_start = head.find("/", scheme + 3) if scheme >= 0 else (0 if head.startswith("/") else -1)
    if path_start < 0:
        return head, ""
    pos = path_start
    while pos >= 0:
        nxt = head.find("/", pos + 1)
        first = head[pos + 1: nxt if nxt >= 0 else len(head)]
        if "." in first:
            cand = head[pos + 1:]
            if "%" in cand:
                cand = unquote(cand)
            if _ESCAPED_MODULE_RE.fullmatch(cand):
                if "!" not in cand:
                    return head[:pos], cand
                try:
                    return head[:pos], modpath.unescape_path(cand)
                except modpath.InvalidPath:
                    pass
        pos = nxt
    rest = head[path_start + 1:]
    return head[:path_start], unquote(rest) if "%" in rest else rest
