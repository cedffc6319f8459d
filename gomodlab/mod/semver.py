"""Go module versions, exactly as golang.org/x/mod/semver and module/pseudo.go see them.

A version is ``v`` MAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]]. Shorthands (``v1``, ``v1.2``) are
valid only without prerelease or build. Invalid versions compare equal to each other and below
every valid one, which is how go orders the literal ``"none"`` below everything.

Comparison goes through :func:`sort_key`, a cached tuple key, because MVS and sorting compare
the same few thousand strings millions of times.

Pseudo-versions (module/pseudo.go) come in three forms::

    vX.0.0-yyyymmddhhmmss-abcdefabcdef            no earlier tag            (base "")
    vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef      after release tag vX.Y.Z  (base vX.Y.Z)
    vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef      after prerelease vX.Y.Z-pre
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone
from functools import lru_cache
from typing import NamedTuple

from ..errors import ParseError
from .gostrings import quote

__all__ = [
    "InvalidVersion", "Version", "parse", "is_valid", "canonical", "major", "major_minor",
    "prerelease", "build", "compare", "max_version", "sort_key", "sort_versions",
    "is_pseudo", "PseudoVersion", "parse_pseudo", "pseudo_version", "pseudo_version_base",
    "pseudo_version_time", "pseudo_version_rev", "zero_pseudo_version", "is_zero_pseudo",
]


class InvalidVersion(ParseError):
    """A string that is not a Go module version (or not a pseudo-version where one is needed)."""


class Version(NamedTuple):
    """The parts of a valid version string, as written; ``short`` is what a shorthand omits
    (``".0.0"`` for ``v1``), ``prerelease`` and ``build`` keep their ``-`` and ``+``."""

    # A NamedTuple rather than a frozen dataclass: parse builds one per distinct version string
    # (thousands in a large graph's first load), at tuple speed.
    major: str
    minor: str
    patch: str
    short: str
    prerelease: str
    build: str


def _parse_int(v: str, i: int) -> int:
    """Index after the decimal number at v[i:], or -1 (empty, or a leading zero)."""
    j = i
    while j < len(v) and "0" <= v[j] <= "9":
        j += 1
    if j == i or (v[i] == "0" and j != i + 1):
        return -1
    return j


_IDENT_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-"


def _ident_ok(x: str) -> bool:
    # [0-9A-Za-z-]+ : strip removes every allowed character from both ends, so nothing is left
    # exactly when all of them are allowed.
    return x != "" and not x.strip(_IDENT_CHARS)


def _bad_num(ident: str) -> bool:
    return len(ident) > 1 and ident.isascii() and ident.isdigit() and ident[0] == "0"


@lru_cache(maxsize=65536)
def parse(v: str) -> Version | None:
    """Parse ``v``; ``None`` when it is not a valid semantic version (semver.parse)."""
    if not v or v[0] != "v":
        return None
    j = _parse_int(v, 1)
    if j < 0:
        return None
    major = v[1:j]
    if j == len(v):
        return Version(major, "0", "0", ".0.0", "", "")
    if v[j] != ".":
        return None
    k = _parse_int(v, j + 1)
    if k < 0:
        return None
    minor = v[j + 1:k]
    if k == len(v):
        return Version(major, minor, "0", ".0", "", "")
    if v[k] != ".":
        return None
    m = _parse_int(v, k + 1)
    if m < 0:
        return None
    patch = v[k + 1:m]
    rest = v[m:]
    pre = bld = ""
    if rest.startswith("-"):
        end = rest.find("+")
        pre = rest if end < 0 else rest[:end]
        idents = pre[1:].split(".")
        if any(not _ident_ok(x) or _bad_num(x) for x in idents):
            return None
        rest = rest[len(pre):]
    if rest.startswith("+"):
        bld = rest
        if any(not _ident_ok(x) for x in bld[1:].split(".")):
            return None
        rest = ""
    if rest:
        return None
    return Version(major, minor, patch, "", pre, bld)


def is_valid(v: str) -> bool:
    """Whether ``v`` is a valid semantic version (semver.IsValid)."""
    return parse(v) is not None


def canonical(v: str) -> str:
    """``v`` with shorthand filled in and build metadata dropped; ``""`` if invalid."""
    p = parse(v)
    if p is None:
        return ""
    if p.build:
        return v[: len(v) - len(p.build)]
    return v + p.short


def major(v: str) -> str:
    """``vN`` of a valid version, else ``""``."""
    p = parse(v)
    return "" if p is None else v[: 1 + len(p.major)]


def major_minor(v: str) -> str:
    """``vN.M`` of a valid version (``v1`` gives ``v1.0``), else ``""``."""
    p = parse(v)
    if p is None:
        return ""
    return f"v{p.major}.{p.minor}"


def prerelease(v: str) -> str:
    """The prerelease suffix with its leading ``-``, or ``""``."""
    p = parse(v)
    return "" if p is None else p.prerelease


def build(v: str) -> str:
    """The build suffix with its leading ``+``, or ``""``."""
    p = parse(v)
    return "" if p is None else p.build


def _num_key(s: str) -> tuple[int, str]:
    return (len(s), s)


@lru_cache(maxsize=65536)
def sort_key(v: str) -> tuple:
    """A key whose order is semver.Compare's order (build metadata ignored, invalid lowest)."""
    p = parse(v)
    if p is None:
        return (0,)
    if p.prerelease:
        idents = tuple((0, len(x), x) if x.isdigit() else (1, 0, x) for x in p.prerelease[1:].split("."))
        pre: tuple = (0, idents)
    else:
        pre = (1,)
    return (1, _num_key(p.major), _num_key(p.minor), _num_key(p.patch), pre)


def compare(v: str, w: str) -> int:
    """-1, 0 or +1 as semver.Compare(v, w)."""
    a, b = sort_key(v), sort_key(w)
    return (a > b) - (a < b)


def max_version(v: str, w: str) -> str:
    """semver.Max: the larger of the canonical forms (``w`` on a tie)."""
    v, w = canonical(v), canonical(w)
    return v if compare(v, w) > 0 else w


def _sort_versions_key(v: str) -> tuple:
    k = sort_key(v)
    # Ties go to strings.Compare, a byte order; code-point order is the same except for the
    # surrogate escapes of bytes that are not UTF-8, which only invalid versions can contain.
    return (k, v) if k[0] else (k, v.encode("utf-8", "surrogateescape"))


def sort_versions(versions: Iterable[str]) -> list[str]:
    """semver.Sort: by precedence, ties broken by plain string order (the order go lists)."""
    return sorted(versions, key=_sort_versions_key)


# ---------------------------------------------------------------------------------------------
# Pseudo-versions (module/pseudo.go)

# module/pseudo.go pseudoVersionRE (ASCII: Go's \d is [0-9]).
_PSEUDO_RE = re.compile(r"v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?",
                        re.ASCII)


def is_pseudo(v: str) -> bool:
    """Whether ``v`` is a pseudo-version (module.IsPseudoVersion)."""
    return v.count("-") >= 2 and is_valid(v) and _PSEUDO_RE.fullmatch(v) is not None


class PseudoVersion(NamedTuple):
    """The parts of a pseudo-version.

    ``form`` is 1, 2 or 3 as in the module docstring; ``base`` is the tag the pseudo-version was
    derived from (``""`` for form 1), ``build`` keeps ``+incompatible``. ``time`` is the UTC
    timestamp, ``None`` only for year 0000, which go accepts and Python's datetime cannot hold.
    ``version``, ``timestamp`` and ``revision`` are the strings as written.
    """

    # A NamedTuple like Version: semver is on the module graph's path, which never imports
    # dataclasses (see gomodlab.load.gomod_summary).
    version: str
    form: int
    base: str
    timestamp: str
    time: datetime | None
    revision: str
    build: str


def _pseudo_error(v: str, why: str) -> InvalidVersion:
    # module.InvalidVersionError with Pseudo set.
    return InvalidVersion(f"pseudo-version {quote(v)} invalid: {why}")


def _split_pseudo(v: str) -> tuple[str, str, str, str]:
    if not is_pseudo(v):
        raise _pseudo_error(v, "syntax error")
    bld = build(v)
    rest = v[: len(v) - len(bld)]
    j = rest.rfind("-")
    rest, rev = rest[:j], rest[j + 1:]
    i = rest.rfind("-")
    k = rest.rfind(".")
    if k > i:
        return rest[:k], rest[k + 1:], rev, bld
    return rest[:i], rest[i + 1:], rev, bld


def _dec_decimal(decimal: str) -> str:
    digits = list(decimal)
    i = len(digits) - 1
    while i >= 0 and digits[i] == "0":
        digits[i] = "9"
        i -= 1
    if i < 0:
        return ""
    if i == 0 and digits[i] == "1" and len(digits) > 1:
        digits = digits[1:]
    else:
        digits[i] = chr(ord(digits[i]) - 1)
    return "".join(digits)


def _inc_decimal(decimal: str) -> str:
    digits = list(decimal)
    i = len(digits) - 1
    while i >= 0 and digits[i] == "9":
        digits[i] = "0"
        i -= 1
    if i >= 0:
        digits[i] = chr(ord(digits[i]) + 1)
    else:
        digits = ["1"] + digits
    return "".join(digits)


def pseudo_version_base(v: str) -> str:
    """The tag a pseudo-version builds on, ``""`` for form 1 (module.PseudoVersionBase)."""
    base, _ts, _rev, bld = _split_pseudo(v)
    pre = prerelease(base)
    if pre == "":
        if bld:
            raise _pseudo_error(v, f"lacks base version, but has build metadata {quote(bld)}")
        return ""
    if pre == "-0":
        base = base[: -len(pre)]
        i = base.rfind(".")
        patch = _dec_decimal(base[i + 1:])
        if patch == "":
            raise _pseudo_error(v, f"version before {base} would have negative patch number")
        return base[: i + 1] + patch + bld
    return base[: -len(".0")] + bld


_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _timestamp(ts: str) -> tuple[int, int, int, int, int, int] | None:
    """time.Parse("20060102150405", ts) as (Y, M, D, h, m, s), or None where go fails.

    Not strptime: that refuses year 0000, which go accepts (time/format.go checks only that the
    month, the day in that month, the hour, minute and second are in range).
    """
    y, mo, d, h, mi, s = (int(ts[i:j]) for i, j in ((0, 4), (4, 6), (6, 8), (8, 10), (10, 12), (12, 14)))
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    if not 1 <= mo <= 12 or not 1 <= d <= _DAYS_IN_MONTH[mo] + (mo == 2 and leap):
        return None
    if h > 23 or mi > 59 or s > 59:
        return None
    return y, mo, d, h, mi, s


def pseudo_version_time(v: str) -> datetime | None:
    """module.PseudoVersionTime: the commit time in UTC (``None`` for year 0000, see PseudoVersion)."""
    _base, ts, _rev, _bld = _split_pseudo(v)
    parts = _timestamp(ts)
    if parts is None:
        raise _pseudo_error(v, f"malformed time {quote(ts)}")
    return datetime(*parts, tzinfo=timezone.utc) if parts[0] else None


def pseudo_version_rev(v: str) -> str:
    """module.PseudoVersionRev: the revision (commit hash prefix) of a pseudo-version."""
    return _split_pseudo(v)[2]


def parse_pseudo(v: str) -> PseudoVersion:
    """Split a pseudo-version into form, base tag, time and revision; InvalidVersion otherwise."""
    base_part, ts, rev, bld = _split_pseudo(v)
    t = pseudo_version_time(v)
    base = pseudo_version_base(v)
    if base == "":
        form = 1
    elif prerelease(base_part) == "-0":
        form = 2
    else:
        form = 3
    return PseudoVersion(v, form, base, ts, t, rev, bld)


def pseudo_version(major_: str, older: str, t: datetime, rev: str) -> str:
    """module.PseudoVersion: the pseudo-version for commit ``rev`` at ``t`` after tag ``older``."""
    major_ = major_ or "v0"
    u = t.astimezone(timezone.utc) if t.tzinfo else t
    # Not strftime: glibc prints year 1 as "1", Go as "0001".
    segment = f"{u.year:04d}{u.month:02d}{u.day:02d}{u.hour:02d}{u.minute:02d}{u.second:02d}-{rev}"
    bld = build(older)
    older = canonical(older)
    if older == "":
        return f"{major_}.0.0-{segment}"
    if prerelease(older):
        return f"{older}.0.{segment}{bld}"
    i = older.rfind(".") + 1
    return f"{older[:i]}{_inc_decimal(older[i:])}-0.{segment}{bld}"


def zero_pseudo_version(major_: str) -> str:
    """``vN.0.0-00010101000000-000000000000`` (module.ZeroPseudoVersion)."""
    return pseudo_version(major_, "", datetime(1, 1, 1, tzinfo=timezone.utc), "000000000000")


def is_zero_pseudo(v: str) -> bool:
    """Whether ``v`` is the zero pseudo-version of its major."""
    return v == zero_pseudo_version(major(v))
