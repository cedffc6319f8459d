"""Module paths: validation, major-version suffixes and the ``!``-escaping used on disk and in URLs.

Mirrors golang.org/x/mod/module (module.go): :func:`check_path`, :func:`check_import_path` and
:func:`check_file_path` raise :class:`InvalidPath` with go's own message, e.g.
``malformed module path "Example.com/x": invalid char 'E' in first path element``.

Escaping exists because module caches and proxies live on case-insensitive file systems too:
every upper-case ASCII letter ``X`` becomes ``!x`` (``github.com/Azure/sdk`` →
``github.com/!azure/sdk``).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from functools import lru_cache

from . import semver
from ._gostr import quote, quote_rune
from .errors import ParseError

__all__ = [
    "InvalidPath", "ModuleVersion", "check_path", "check_import_path", "check_file_path",
    "check", "split_path_version", "check_path_major", "path_major_prefix", "canonical_version",
    "escape_path", "escape_version", "unescape_path", "unescape_version", "module_sort_key",
    "match_prefix_patterns",
]


class InvalidPath(ParseError):
    """A module, import or file path, or a version, that go would reject."""


@dataclass(frozen=True, slots=True, order=False)
class ModuleVersion:
    """A module at a version; ``version == ""`` is a main module, ``"none"`` means not required."""

    path: str
    version: str = ""

    def __str__(self) -> str:
        return f"{self.path}@{self.version}" if self.version else self.path


_MODULE, _IMPORT, _FILE = "module", "import", "file"
_BAD_WINDOWS = {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)}
_FILE_ALLOWED = set("!#$%&()+,-.=@[]^_{}~ ")


def _alnum(r: str) -> bool:
    return "0" <= r <= "9" or "A" <= r <= "Z" or "a" <= r <= "z"


def _mod_ok(r: str) -> bool:
    return r in "-._~" or _alnum(r)


def _char_ok(r: str, kind: str) -> bool:
    if kind == _MODULE:
        return _mod_ok(r)
    if kind == _IMPORT:
        return _mod_ok(r) or r == "+"
    if r < "\x80":
        return _alnum(r) or r in _FILE_ALLOWED
    return r.isalpha()  # unicode.IsLetter


def _check_elem(elem: str, kind: str) -> str | None:
    if elem == "":
        return "empty path element"
    if elem.count(".") == len(elem):
        return f"invalid path element {quote(elem)}"
    if elem[0] == "." and kind == _MODULE:
        return "leading dot in path element"
    if elem[-1] == ".":
        return "trailing dot in path element"
    for r in elem:
        if not _char_ok(r, kind):
            return f"invalid char {quote_rune(r)}"
    short = elem.split(".", 1)[0]
    if short.upper() in _BAD_WINDOWS:
        return f"{quote(short)} disallowed as path element component on Windows"
    if kind == _FILE:
        return None
    tilde = short.rfind("~")
    if 0 <= tilde < len(short) - 1 and short[tilde + 1:].isascii() and short[tilde + 1:].isdigit():
        return "trailing tilde and digits in path element"
    return None


def _valid_utf8(path: str) -> bool:
    # Strings decoded with surrogateescape carry the bytes that were not UTF-8 as lone surrogates.
    return not any(0xD800 <= ord(c) <= 0xDFFF for c in path)


def _check_path(path: str, kind: str) -> str | None:
    if not _valid_utf8(path):
        return "invalid UTF-8"
    if path == "":
        return "empty string"
    if path[0] == "-" and kind != _FILE:
        return "leading dash"
    if "//" in path:
        return "double slash"
    if path[-1] == "/":
        return "trailing slash"
    for elem in path.split("/"):
        err = _check_elem(elem, kind)
        if err:
            return err
    return None


@lru_cache(maxsize=16384)
def _module_path_error(path: str) -> str | None:
    err = _check_path(path, _MODULE)
    if err:
        return err
    first = path.split("/", 1)[0]
    if first == "":
        return "leading slash"
    if "." not in first:
        return "missing dot in first path element"
    if path[0] == "-":
        return "leading dash in first path element"
    for r in first:
        if not (r in "-." or "0" <= r <= "9" or "a" <= r <= "z"):
            return f"invalid char {quote_rune(r)} in first path element"
    if not split_path_version(path)[2]:
        return "invalid version"
    return None


def check_path(path: str) -> None:
    """Raise InvalidPath unless ``path`` is a valid module path (module.CheckPath)."""
    err = _module_path_error(path)
    if err:
        raise InvalidPath(f"malformed module path {quote(path)}: {err}")


def check_import_path(path: str) -> None:
    """Raise InvalidPath unless ``path`` is a valid import path (module.CheckImportPath)."""
    err = _check_path(path, _IMPORT)
    if err:
        raise InvalidPath(f"malformed import path {quote(path)}: {err}")


def check_file_path(path: str) -> None:
    """Raise InvalidPath unless ``path`` may name a file in a module zip (module.CheckFilePath)."""
    err = _check_path(path, _FILE)
    if err:
        raise InvalidPath(f"malformed file path {quote(path)}: {err}")


def split_path_version(path: str) -> tuple[str, str, bool]:
    """``(prefix, path_major, ok)``: ``example.com/m/v2`` → ``("example.com/m", "/v2", True)``.

    ``gopkg.in/yaml.v3`` → ``("gopkg.in/yaml", ".v3", True)``. ``ok`` is False for a malformed
    suffix such as ``/v1``, ``/v0``, ``/v02`` or a gopkg.in path without ``.vN``.
    """
    if path.startswith("gopkg.in/"):
        return _split_gopkg_in(path)
    i = len(path)
    dot = False
    while i > 0 and ("0" <= path[i - 1] <= "9" or path[i - 1] == "."):
        if path[i - 1] == ".":
            dot = True
        i -= 1
    if i <= 1 or i == len(path) or path[i - 1] != "v" or path[i - 2] != "/":
        return path, "", True
    prefix, path_major = path[: i - 2], path[i - 2:]
    if dot or len(path_major) <= 2 or path_major[2] == "0" or path_major == "/v1":
        return path, "", False
    return prefix, path_major, True


def _split_gopkg_in(path: str) -> tuple[str, str, bool]:
    i = len(path)
    if path.endswith("-unstable"):
        i -= len("-unstable")
    while i > 0 and "0" <= path[i - 1] <= "9":
        i -= 1
    if i <= 1 or path[i - 1] != "v" or path[i - 2] != ".":
        return path, "", False
    prefix, path_major = path[: i - 2], path[i - 2:]
    if len(path_major) <= 2 or (path_major[2] == "0" and path_major != ".v0"):
        return path, "", False
    return prefix, path_major, True


def _path_major_error(v: str, path_major: str) -> str | None:
    if path_major.startswith(".v") and path_major.endswith("-unstable"):
        path_major = path_major[: -len("-unstable")]
    if v.startswith("v0.0.0-") and path_major == ".v1":
        return None
    m = semver.major(v)
    if path_major == "":
        if m in ("v0", "v1") or semver.build(v) == "+incompatible":
            return None
        want = "v0 or v1"
    else:
        if m == path_major[1:]:
            return None
        want = path_major[1:]
    return f"should be {want}, not {m}"


def check_path_major(v: str, path_major: str) -> None:
    """Raise InvalidPath unless version ``v`` fits the path's major suffix (module.CheckPathMajor)."""
    err = _path_major_error(v, path_major)
    if err:
        raise InvalidPath(f"version {quote(v)} invalid: {err}")


def path_major_prefix(path_major: str) -> str:
    """``/v2`` → ``v2``; ``.v1-unstable`` → ``v1``; ``""`` → ``""``."""
    if path_major == "":
        return ""
    if path_major.startswith(".v") and path_major.endswith("-unstable"):
        path_major = path_major[: -len("-unstable")]
    return path_major[1:]


def check(path: str, version: str) -> None:
    """module.Check: a valid path, a valid semantic version, and a major that fits the path."""
    check_path(path)
    if not semver.is_valid(version):
        raise InvalidPath(f"{path}@{version}: invalid version: not a semantic version")
    err = _path_major_error(version, split_path_version(path)[1])
    if err:
        raise InvalidPath(f"{path}@{version}: invalid version: {err}")


def canonical_version(v: str) -> str:
    """semver.Canonical, keeping a ``+incompatible`` build suffix (module.CanonicalVersion)."""
    cv = semver.canonical(v)
    if semver.build(v) == "+incompatible":
        cv += "+incompatible"
    return cv


# ---------------------------------------------------------------------------------------------
# Escaping

def _escape(s: str) -> str:
    if not any("A" <= c <= "Z" for c in s):
        return s
    return "".join("!" + c.lower() if "A" <= c <= "Z" else c for c in s)


@lru_cache(maxsize=16384)
def escape_path(path: str) -> str:
    """Escape a module path for the cache and proxy URLs; raises InvalidPath if it is not valid."""
    check_path(path)
    return _escape(path)


@lru_cache(maxsize=16384)
def escape_version(v: str) -> str:
    """Escape a version for file names; any file-path element without ``!`` is accepted."""
    if _check_elem(v, _FILE) is not None or "!" in v:
        raise InvalidPath(f"version {quote(v)} invalid: disallowed version string")
    return _escape(v)


def _unescape(escaped: str) -> str | None:
    out: list[str] = []
    bang = False
    for r in escaped:
        if r >= "\x80":
            return None
        if bang:
            bang = False
            if not "a" <= r <= "z":
                return None
            out.append(r.upper())
            continue
        if r == "!":
            bang = True
            continue
        if "A" <= r <= "Z":
            return None
        out.append(r)
    return None if bang else "".join(out)


@lru_cache(maxsize=16384)
def unescape_path(escaped: str) -> str:
    """Undo :func:`escape_path`; InvalidPath for ``!`` not before a lower-case letter, or a bad path."""
    path = _unescape(escaped)
    if path is None:
        raise InvalidPath(f"invalid escaped module path {quote(escaped)}")
    err = _module_path_error(path)
    if err:
        raise InvalidPath(f"invalid escaped module path {quote(escaped)}: "
                          f"malformed module path {quote(path)}: {err}")
    return path


@lru_cache(maxsize=16384)
def unescape_version(escaped: str) -> str:
    """Undo :func:`escape_version`."""
    v = _unescape(escaped)
    if v is None:
        raise InvalidPath(f"invalid escaped version {quote(escaped)}")
    err = _check_elem(v, _FILE)
    if err:
        raise InvalidPath(f"invalid escaped version {quote(v)}: {err}")
    return v


def module_sort_key(path: str, version: str) -> tuple:
    """module.Sort order: path, then the semver of the version before any ``/`` suffix, then the suffix.

    This is go.sum's line order (``v1.0.0`` before ``v1.0.0/go.mod``).
    """
    v, _, suffix = version.partition("/")
    return (path, semver.sort_key(v), ("/" + suffix) if _ else "")


def match_prefix_patterns(globs: str, target: str) -> bool:
    """module.MatchPrefixPatterns: does a GOPRIVATE-style glob list match a prefix of ``target``?"""
    for glob in globs.split(","):
        glob = glob[:-1] if glob.endswith("/") else glob
        if glob == "":
            continue
        n = glob.count("/")
        parts = target.split("/")
        if len(parts) - 1 < n:
            continue
        if _path_match(glob, "/".join(parts[: n + 1])):
            return True
    return False


def _path_match(pattern: str, name: str) -> bool:
    # path.Match: '*' never crosses '/', which fnmatch's translation would allow; segments
    # counts are equal here, so matching element by element is the same thing.
    pp, nn = pattern.split("/"), name.split("/")
    return len(pp) == len(nn) and all(fnmatch.fnmatchcase(n, p) for p, n in zip(pp, nn))
