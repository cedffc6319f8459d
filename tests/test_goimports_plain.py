"""The plain-header fast path of :mod:`gomodlab.mod.goimports` gives the answers of the full readers.

``read_go_info`` and ``read_import_block`` take a regular-expression path for headers in the plain
shape (comments, ``package``, one import per line) and go's byte loops for anything else. Both
must agree on every input: here on the standard library's files and on seeded mutations of plain
headers (the characters and words where the two readers differ: ``;``, form feeds, comments,
quotes, NUL, BOM, non-ASCII, ``//line``, keywords…), comparing the fast path's answer with the
full readers' (the fast path turned off). tests/test_gosource.py holds both against go itself.
"""

from __future__ import annotations

import os
import random

import pytest

from gomodlab.load.modfiles import find_goroot
from gomodlab.mod import goimports as g


def _answers(data: bytes) -> tuple[object, object]:
    out = []
    for fn, args in ((g.read_go_info, (data, "x.go")), (g.read_import_block, (data,))):
        try:
            out.append(fn(*args))
        except g.GoSourceError as e:
            out.append(("error", str(e)))
    return out[0], out[1]


def _compare(files: list[bytes], monkeypatch: pytest.MonkeyPatch) -> int:
    """How many of ``files`` took the fast path; asserts the answers agree on all of them."""
    fast = [_answers(d) for d in files]
    plain = sum(g._plain_header(d[3:] if d.startswith(g._BOM) else d) is not None for d in files)
    with monkeypatch.context() as m:
        m.setattr(g, "_plain_header", lambda _data: None)
        for d, want in zip(files, fast):
            assert _answers(d) == want, d
    return plain


SEEDS = [
    b'//go:build linux\n\n// Package p is x.\npackage p\n\nimport (\n\t_ "example.com/a/b"\n\t"fmt"\n'
    b'\tx "os" // c\n)\n\nimport "C"\n\nvar X = 1\n',
    b'package main\nimport "fmt"\nfunc main() {}\n',
    b'/* a\n*/ package q // x\n\nimport . "a/b"\n\ntype T int\n',
    b'package p\n\nimport (\n)\n',
    b'package p\n',
]
PIECES = [b";", b"\f", b"/", b"*", b"/*", b"*/", b"//", b'"', b"`", b"\0", b"\x80", b"\xef\xbb\xbf", b"line ",
          b"//line a.go:3\n", b"i", b"import", b"(", b")", b"\n", b" ", b"\t", b"\r", b"_", b".", b"var", b"\\",
          b"x", b"9", b"\xc3\xa9", b"package", b"func", b'"a"', b'"a b"', b'"a\\x41"']


def test_mutated_headers(monkeypatch: pytest.MonkeyPatch) -> None:
    rnd = random.Random(12)
    files = []
    for _ in range(6000):
        d = bytearray(rnd.choice(SEEDS))
        for _ in range(rnd.randint(1, 3)):
            at = rnd.randrange(len(d) + 1)
            op = rnd.random()
            if op < 0.6:
                d[at:at] = rnd.choice(PIECES)
            elif op < 0.85:
                del d[at:at + rnd.randint(1, 3)]
            else:
                d[at:at + 1] = rnd.choice(PIECES)
        files.append(bytes(d))
    plain = _compare(files + SEEDS, monkeypatch)
    assert plain > 1000  # the fast path is exercised, not only the fallback


def test_standard_library_files(monkeypatch: pytest.MonkeyPatch) -> None:
    goroot = find_goroot()
    if goroot is None:
        pytest.skip("no Go toolchain installed: no GOROOT/src to read")
    files = []
    for d, _, names in os.walk(os.path.join(goroot, "src")):
        files += [open(os.path.join(d, n), "rb").read() for n in names if n.endswith(".go")]
    files = files[::4]  # a quarter of them: ~2,000 files, under a second each way
    assert _compare(files, monkeypatch) > 0.9 * len(files)
