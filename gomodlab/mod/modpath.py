"""Module paths: validation, major-version suffixes and the ``!``-escaping used on disk and in URLs.

Mirrors golang.org/x/mod/module (module.go): :func:`check_path`, :func:`check_import_path` and
:func:`check_file_path` raise :class:`InvalidPath` with go's own message, e.g.
``malformed module path "Example.com/x": invalid char 'E' in first path element``.

Escaping exists because module caches and proxies live on case-insensitive file systems too:
every upper-case ASCII letter ``X`` becomes ``!x`` (``github.com/Azure/sdk`` →
``github.com/!azure/sdk``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import semver
from .gostrings import quote, quote_rune
from ._gounicode import is_letter
from ..errors import ParseError

__all__ = [
    "InvalidPath", "check_path", "check_import_path", "check_file_path",
    "check", "split_path_version", "check_path_major", "path_major_prefix", "canonical_version",
    "escape_path", "escape_version", "unescape_path", "unescape_version", "module_sort_key",
    "match_prefix_patterns", "path_match",
]


class InvalidPath(ParseError):
    """A module, import or file path, or a version, that go would reject."""


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
    return is_letter(r)


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


# An import path every rule of _check_path accepts at a glance: ASCII elements of letters, digits,
# "_", "+", "-" and inner dots, no "~", no leading "-", no Windows device name. One match instead
# of a test per character: 40 → 2 µs a path (a tidy loads thousands).
_PLAIN_ELEM = r"[A-Za-z0-9_+-](?:[A-Za-z0-9_+.-]*[A-Za-z0-9_+-])?"
_PLAIN_IMPORT_PATH = re.compile(rf"(?!-){_PLAIN_ELEM}(?:/{_PLAIN_ELEM})*")
_WINDOWS_NAME = re.compile(r"(?:^|/)(?:con|prn|aux|nul|com[1-9]|lpt[1-9])(?:[./]|$)", re.IGNORECASE)


def check_import_path(path: str) -> None:
    """Raise InvalidPath unless ``path`` is a valid import path (module.CheckImportPath)."""
    if _PLAIN_IMPORT_PATH.fullmatch(path) is not None and _WINDOWS_NAME.search(path) is None:
        return
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
    want = path_major
    if path_major == "":
        if m in ("v0", "v1") or semver.build(v) == "+incompatible":
            return None
        want = "v0 or v1"
    elif path_major[0] in "/.":
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
    """Escape a version for file names; any ASCII file-path element without ``!`` is accepted."""
    if _check_elem(v, _FILE) is not None or "!" in v:
        raise InvalidPath(f"version {quote(v)} invalid: disallowed version string")
    if not v.isascii():
        # A letter outside ASCII passes the file-name check but not the escaper (module.go's
        # escapeString), which reports it in these words.
        raise InvalidPath("internal error: inconsistency in EscapePath")
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
    """module.MatchPrefixPatterns: does a GOPRIVATE-style glob list match a prefix of ``target``?

    Each glob is matched (path.Match) against the leading path elements of ``target``, as many
    as the glob has; a malformed glob matches nothing.
    """
    for glob in globs.split(","):
        glob = glob.removesuffix("/")
        if glob == "":
            continue
        n = glob.count("/")
        parts = target.split("/")
        if len(parts) - 1 < n:
            continue
        if path_match(glob, "/".join(parts[: n + 1])):
            return True
    return False


def path_match(pattern: str, name: str) -> bool:
    """path.Match: shell patterns where ``*`` and ``?`` never match ``/``; False for a bad pattern.

    Not fnmatch: go negates a class with ``^`` (fnmatch uses ``!``), honours ``\\`` escapes,
    rejects malformed classes instead of reading them literally, and compares bytes (``?`` and
    classes take one UTF-8 sequence). Works on the UTF-8 bytes for that reason.
    """
    try:
        return _match(pattern.encode("utf-8", "surrogateescape"), name.encode("utf-8", "surrogateescape"))
    except _BadPattern:
        return False


class _BadPattern(Exception):
    """path.ErrBadPattern."""


def _match(pattern: bytes, name: bytes) -> bool:
    # path/match.go: the pattern is a series of chunks, each a run of stars then literal text,
    # '?' and classes; a star tries each non-slash prefix of the name.
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and not chunk:
            return b"/" not in name
        rest = _match_chunk(chunk, name)
        if rest is not None and (not rest or pattern):
            name = rest
            continue
        if star and (rest := _star_advance(chunk, name, pattern)) is not None:
            name = rest
            continue
        # No match; go still reports a malformed remainder of the pattern.
        while pattern:
            _star, chunk, pattern = _scan_chunk(pattern)
            _match_chunk(chunk, b"")
        return False
    return not name


def _star_advance(chunk: bytes, name: bytes, pattern: bytes) -> bytes | None:
    i = 0
    while i < len(name) and name[i] != 0x2F:
        rest = _match_chunk(chunk, name[i + 1:])
        if rest is not None and not (not pattern and rest):
            return rest
        i += 1
    return None


def _scan_chunk(pattern: bytes) -> tuple[bool, bytes, bytes]:
    star = False
    while pattern[:1] == b"*":
        pattern = pattern[1:]
        star = True
    in_range = False
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == 0x5C:  # backslash: the next byte belongs to the chunk
            if i + 1 < len(pattern):
                i += 1
        elif c == 0x5B:
            in_range = True
        elif c == 0x5D:
            in_range = False
        elif c == 0x2A and not in_range:
            return star, pattern[:i], pattern[i:]
        i += 1
    return star, pattern, b""


def _decode_rune(b: bytes) -> tuple[int, int]:
    """utf8.DecodeRune: (code point, width); (U+FFFD, 1) for a byte that starts no valid sequence."""
    c = b[0]
    n = 1 if c < 0x80 else 2 if 0xC2 <= c <= 0xDF else 3 if 0xE0 <= c <= 0xEF else 4 if 0xF0 <= c <= 0xF4 else 0
    try:
        return ord(b[:n].decode("utf-8")), n
    except (UnicodeDecodeError, TypeError):
        return 0xFFFD, 1


def _match_chunk(chunk: bytes, s: bytes) -> bytes | None:
    """What is left of ``s`` after ``chunk``, None if it does not match; _BadPattern if malformed."""
    failed = False
    while chunk:
        failed = failed or not s
        c = chunk[0]
        if c == 0x5B:  # [class]
            r = 0
            if not failed:
                r, n = _decode_rune(s)
                s = s[n:]
            chunk = chunk[1:]
            negated = chunk[:1] == b"^"
            if negated:
                chunk = chunk[1:]
            matched = False
            count = 0
            while True:
                if chunk[:1] == b"]" and count > 0:
                    chunk = chunk[1:]
                    break
                lo, chunk = _class_char(chunk)
                hi = lo
                if chunk[:1] == b"-":
                    hi, chunk = _class_char(chunk[1:])
                matched = matched or lo <= r <= hi
                count += 1
            failed = failed or matched == negated
        elif c == 0x3F:  # ?
            if not failed:
                failed = s[0] == 0x2F
                s = s[_decode_rune(s)[1]:]
            chunk = chunk[1:]
        else:
            if c == 0x5C:
                chunk = chunk[1:]
                if not chunk:
                    raise _BadPattern
            if not failed:
                failed = chunk[0] != s[0]
                s = s[1:]
            chunk = chunk[1:]
    return None if failed else s


def _class_char(chunk: bytes) -> tuple[int, bytes]:
    """getEsc: one (possibly escaped) character of a class and the rest of the chunk."""
    if not chunk or chunk[0] in b"-]":
        raise _BadPattern
    if chunk[0] == 0x5C:
        chunk = chunk[1:]
        if not chunk:
            raise _BadPattern
    r, n = _decode_rune(chunk)
    if (r == 0xFFFD and n == 1) or len(chunk) == n:
        raise _BadPattern
    return r, chunk[n:]
