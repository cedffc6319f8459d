"""Go's notion of a printable character (go1.27, Unicode 17) against the real go command.

modfile decides whether a path must be quoted with ``unicode.IsPrint`` and quotes it with
``strconv.Quote``; the lexer's identifier characters are the same set. gomodlab carries go's table
(:mod:`gomodlab._gounicode`) because Python's ``unicodedata`` is older. One go.mod with a
require line per code point around every range boundary of the table, plus a seeded sample,
goes through ``go mod edit -fmt -print`` and ``-json``: each path comes out bare or quoted (and
escaped) exactly as go prints it, and sorted in go's byte order.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from gomodlab import _gounicode, modfile
from gomodlab._gostr import quote

from ._modfile_gorun import go_env, mismatches, run_go_edit


def _code_points() -> list[int]:
    cps = set()
    for lo, hi in _gounicode.PRINT_RANGES:
        cps.update((lo - 1, lo, hi, hi + 1))
    rng = random.Random(17)
    cps.update(rng.randrange(0x110000) for _ in range(1500))
    return sorted(cp for cp in cps if 0 < cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF)


def _gomod(cps: list[int]) -> bytes:
    lines = "".join(f'\t"p\\U{cp:08x}q" v1.0.0\n' for cp in cps)
    return f"module example.com/unicode\n\ngo 1.21\n\nrequire (\n{lines})\n".encode()


def test_table_shape() -> None:
    ranges = _gounicode.PRINT_RANGES
    assert all(lo <= hi for lo, hi in ranges)
    assert all(a[1] + 1 < b[0] for a, b in zip(ranges, ranges[1:]))  # sorted, disjoint, not adjacent
    assert _gounicode.is_print(" ") and not _gounicode.is_print("\t")
    assert _gounicode.is_print("\U0001fae8")        # Unicode 15 (SHAKING FACE)
    assert not _gounicode.is_print("\u200b") and not _gounicode.is_print("\ufeff")
    assert _gounicode.is_print("\udcff")            # a non-UTF-8 byte reads as U+FFFD


def test_quote_uses_go_table() -> None:
    assert quote("\U0001fae8") == '"\U0001fae8"'
    assert quote("\U000e0001") == '"\\U000e0001"'
    assert modfile.auto_quote("a\U0001fae8") == "a\U0001fae8"
    assert modfile.auto_quote("a\u00a0b") == '"a\\u00a0b"'


@pytest.mark.go
def test_printable_boundaries_match_go(tmp_path: Path, go_exe: str) -> None:
    cps = _code_points()
    assert len(cps) > 3000
    data = _gomod(cps)
    results = run_go_edit(go_exe, go_env(tmp_path / "env"), tmp_path / "files", [("u.mod", data, "gomod")])
    diffs = mismatches("u.mod", data, "gomod", results["u.mod"])
    assert not diffs, "\n".join(d[:3000] for d in diffs)
