"""Go's notion of a printable character (go1.27, Unicode 17) against the real go command.

modfile decides whether a path must be quoted with ``unicode.IsPrint`` and quotes it with
``strconv.Quote``; the lexer's identifier characters are the same set. gomodlab extends Python's
older ``unicodedata`` with go's newer characters (:mod:`gomodlab.mod._gounicode`). One go.mod with a
require line per code point on both sides of every boundary of that set, plus a seeded sample,
goes through ``go mod edit -fmt -print`` and ``-json``: each path comes out bare or quoted (and
escaped) exactly as go prints it, and sorted in go's byte order.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from gomodlab.mod import modfile
from gomodlab.mod.gostrings import quote
from gomodlab.mod._modfile_syntax import Source, SyntaxFailure, parse_syntax
from gomodlab.mod.gostrings import fields, is_print_rune, trim_space

from ._modfile_gorun import go_env, mismatches, run_go_edit


def _code_points() -> list[int]:
    cps = set()
    before = False
    for cp in range(0x110000):
        now = is_print_rune(chr(cp)) and not 0xDC80 <= cp <= 0xDCFF
        if now != before:
            cps.update((cp - 1, cp))
        before = now
    rng = random.Random(17)
    cps.update(rng.randrange(0x110000) for _ in range(1500))
    return sorted(cp for cp in cps if 0 < cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF)


def _gomod(cps: list[int]) -> bytes:
    lines = "".join(f'\t"p\\U{cp:08x}q" v1.0.0\n' for cp in cps)
    return f"module example.com/unicode\n\ngo 1.21\n\nrequire (\n{lines})\n".encode()


def test_printable_runes() -> None:
    assert is_print_rune(" ") and not is_print_rune("\t")
    assert is_print_rune("\U0001fae8")        # Unicode 15 (SHAKING FACE)
    assert not is_print_rune("\u200b") and not is_print_rune("\ufeff")
    assert is_print_rune("\udcff")            # a non-UTF-8 byte reads as U+FFFD


def test_go_spaces() -> None:
    assert fields(" a\x85b \x1cc\u3000d ") == ["a", "b", "\x1cc", "d"]
    assert trim_space("\x1c x \xa0\u2028") == "\x1c x"


def test_identifiers_stop_at_non_printable() -> None:
    fs = parse_syntax(Source("go.mod", "module a\U0001fae8\udcffb c\n"))
    assert fs.stmt[0].token == ["module", "a\U0001fae8\udcffb", "c"]
    try:
        parse_syntax(Source("go.mod", "module ab\u00a0c\n"))
    except SyntaxFailure as e:
        assert (e.offset, e.message) == (9, "unexpected input character '\\u00a0'")
    else:
        raise AssertionError("U+00A0 is not an identifier character")


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
