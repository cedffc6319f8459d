"""gomodlab.mod.modzip against x/mod/zip.CheckZip and dirhash.HashZip (the oracle), on good and hostile zips."""

from __future__ import annotations

import io
import os
import warnings
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gomodlab.mod import dirhash, modzip
from gomodlab.lab import universe

pytestmark = pytest.mark.go

MOD, VER = "example.com/z", "v1.0.0"
PREFIX = f"{MOD}@{VER}/"


def _zip(entries: list[tuple[str, bytes]], *, method: int = zipfile.ZIP_DEFLATED, comment: bytes = b"",
         stream: bool = False, zip64: bool = False) -> bytes:
    buf = io.BytesIO()

    class Unseekable(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, b) -> int:  # noqa: ANN001
            return buf.write(b)

    target = Unseekable() if stream else buf
    with warnings.catch_warnings(), zipfile.ZipFile(target, "w", method) as z:
        warnings.simplefilter("ignore")  # duplicate names are one of the cases
        for name, data in entries:
            info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            info.compress_type = method
            if zip64:
                with z.open(info, "w", force_zip64=True) as f:
                    f.write(data)
            else:
                z.writestr(info, data)
        z.comment = comment
    return buf.getvalue()


GOOD = [(PREFIX + "go.mod", b"module example.com/z\n"), (PREFIX + "z.go", b"package z\n" * 50),
        (PREFIX + "sub/data.bin", bytes(range(256)) * 40)]


def _patch_sizes(data: bytes, usize: int) -> bytes:
    b = bytearray(data)
    cd = b.find(b"PK\x01\x02")
    while cd >= 0:
        b[cd + 24:cd + 28] = usize.to_bytes(4, "little")
        cd = b.find(b"PK\x01\x02", cd + 4)
    return bytes(b)


CASES: dict[str, bytes] = {
    "good": _zip(GOOD),
    "stored": _zip(GOOD, method=zipfile.ZIP_STORED),
    "data-descriptors": _zip(GOOD, stream=True),
    "zip64-entries": _zip(GOOD, zip64=True),
    "comment": _zip(GOOD, comment=b"a comment"),
    "prepended-garbage": b"#!/bin/sh\nexit 0\n" + _zip(GOOD),
    "trailing-garbage": _zip(GOOD) + b"junk",
    "empty": _zip([]),
    "not-a-zip": b"this is not a zip file at all" * 10,
    "truncated": _zip(GOOD)[:-30],
    "outside-prefix": _zip(GOOD + [("other@v1.0.0/x.go", b"x")]),
    "dotdot": _zip(GOOD + [(PREFIX + "../../../etc/passwd", b"x")]),
    "not-clean": _zip(GOOD + [(PREFIX + "a/./b.go", b"x"), (PREFIX + "a//c.go", b"x")]),
    "dir-entries": _zip([(PREFIX, b""), (PREFIX + "sub/", b"")] + GOOD),
    "go-mod-case": _zip(GOOD + [(PREFIX + "GO.MOD", b"module x\n")]),
    "go-mod-subdir": _zip(GOOD + [(PREFIX + "inner/go.mod", b"module x\n")]),
    "duplicate": _zip(GOOD + [(PREFIX + "z.go", b"package z // again\n")]),
    "case-collision": _zip(GOOD + [(PREFIX + "Z.go", b"package z\n")]),
    "file-and-dir": _zip(GOOD + [(PREFIX + "z.go/x.go", b"package x\n")]),
    "windows-name": _zip(GOOD + [(PREFIX + "con.go", b"package z\n")]),
    "newline-name": _zip(GOOD + [(PREFIX + "a\nb.go", b"package z\n")]),
    "declared-bomb": _patch_sizes(_zip(GOOD), 0xF0000000),
    "lying-size": _patch_sizes(_zip([(PREFIX + "zeros", b"\0" * 100_000)]), 10),
    "unicode-names": _zip(GOOD + [(PREFIX + "héllo/ünï.go", b"package x\n")]),
}


@pytest.fixture(scope="module")
def zips(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("zips")
    out = {}
    for name, data in CASES.items():
        p = d / f"{name}.zip"
        p.write_bytes(data)
        out[name] = p
    return out


def _compare(oracle, path: Path) -> None:
    rep = modzip.read_module_zip(path, MOD, VER)
    go_check = oracle.ask("checkzip", [str(path)], f"{MOD}@{VER}")[0]["err"]
    assert "\n".join(rep.check_errors) == go_check, (path.name, rep)
    go_hash = oracle.ask("hashzip", [str(path)])[0]
    if rep.check_errors and rep.check_errors[0].startswith("total uncompressed size"):
        return  # we refuse to inflate a declared zip bomb; go's HashZip would try
    if go_hash.startswith("error: "):
        assert rep.h1 == "" and rep.hash_error, (path.name, go_hash, rep)
    else:
        assert rep.h1 == go_hash and rep.hash_error == "", (path.name, go_hash, rep)


@pytest.mark.parametrize("name", sorted(CASES))
def test_crafted_zips_match_go(oracle, zips, name):
    _compare(oracle, zips[name])


def test_good_zip_agrees_with_dirhash(zips):
    assert modzip.read_module_zip(zips["good"], MOD, VER).h1 == dirhash.hash_zip(zips["good"])
    data = universe.module_zip(MOD, VER, {"go.mod": b"module example.com/z\n", "a.go": b"package z\n"})
    assert modzip.read_module_zip_bytes(data, MOD, VER).h1 == dirhash.hash_zip(io.BytesIO(data))


def test_bombs_are_never_inflated(zips):
    rep = modzip.read_module_zip(zips["declared-bomb"], MOD, VER)
    assert rep.inflated == 0 and rep.h1 == ""
    rep = modzip.read_module_zip(zips["lying-size"], MOD, VER)
    assert rep.hash_error.endswith("zip: not a valid zip file") and rep.inflated <= 10 + (8 << 20)


def test_symlink_and_fifo_are_refused(tmp_path, zips):
    link = tmp_path / "link.zip"
    link.symlink_to(zips["good"])
    with pytest.raises(OSError):
        modzip.read_module_zip(link, MOD, VER)
    fifo = tmp_path / "fifo.zip"
    os.mkfifo(fifo)
    assert modzip.read_module_zip(fifo, MOD, VER).check_errors == ("not a regular file",)


@pytest.mark.parametrize("p,want", [("", "."), ("a/b", "a/b"), ("a//b", "a/b"), ("a/./b", "a/b"), ("a/../b", "b"),
                                    ("../a", "../a"), ("/../a", "/a"), ("a/", "a"), ("//a", "/a"), ("a/b/../..", ".")])
def test_go_path_clean(p, want):
    assert modzip.go_path_clean(p) == want


@settings(max_examples=int(os.environ.get("ZIP_EXAMPLES", "80")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.integers(-400, 10_000), st.integers(0, 255)), max_size=3),
       cut=st.one_of(st.none(), st.integers(0, 10_000)), base=st.sampled_from(["good", "data-descriptors", "stored"]))
def test_mutated_zips_match_go(oracle, tmp_path, flips, cut, base):
    data = bytearray(CASES[base])
    for pos, val in flips:  # negative positions: the central directory and its end record
        data[pos % len(data)] = val
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    p = tmp_path / "mutant.zip"
    p.write_bytes(bytes(data))
    _compare(oracle, p)
