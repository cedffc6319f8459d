"""The go.mod scanners of the module graph agree with gomodlab.mod.modfile whenever they accept a file.

gomod_summary reads dependencies' plain go.mod files with a small scanner (speed matters for
thousands of module cache files), main_module the main go.mod, and both hand everything else to
the full parser. Whenever a scanner accepts a file, its reading must be exactly the full
parser's (lax, go's ParseLax, for dependencies; strict for the main module); whenever the full
parser rejects a file, the scanner must not accept it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gomodlab.errors import ParseError, SourceError
from gomodlab.load.gomod_summary import _fast_summary, parse_summary
from gomodlab.load.main_module import _fast_main, _parsed_main
from gomodlab.load.mvs import Module
from gomodlab.mod import modfile
from gomodlab.mod.gover import go_version_ok, toolchain_ok

from . import mvs_universes


def _full_main(data: bytes):
    try:
        return _parsed_main(data, "go.mod", None, False)
    except (ParseError, SourceError):  # rejected, or no module line
        return None


def _full_lax(data: bytes):
    try:
        f = modfile.parse_gomod(data, "go.mod", lax=True)
    except ParseError:
        return None
    return (f.module.path if f.module else "", f.go, [Module(r.path, r.version) for r in f.require])


def _check(data: bytes) -> tuple[bool, bool]:
    """Whether the main-module and the dependency scanner accept ``data`` (asserting that they
    then read what the full parser reads)."""
    fm, fl = _fast_main(data), _fast_summary(data)
    if fm is not None:
        assert _full_main(data) == fm, data
    if fl is not None:
        assert _full_lax(data) == fl, data
    return fm is not None, fl is not None


def _corpus(real_world_data: Path) -> list[Path]:
    manifest = json.loads((real_world_data / "gomod-corpus" / "manifest.json").read_text())
    entries = manifest if isinstance(manifest, list) else manifest.get("files", [])
    return [real_world_data / "gomod-corpus" / "files" / e["file"] for e in entries if e.get("kind") == "gomod"]


def test_corpus(real_world_data: Path) -> None:
    files = _corpus(real_world_data)
    assert len(files) >= 50
    accepted = [_check(p.read_bytes()) for p in files]
    for which in (0, 1):
        assert any(a[which] for a in accepted) and not all(a[which] for a in accepted)


def test_generated_universes() -> None:
    n_main = n_dep = 0
    for i in range(60):
        u = mvs_universes.generate(99, i)
        n_main += _check(u.main_gomod.encode())[0]
        n_dep += sum(_check(mod.gomod_bytes())[1] for mod in u.modules)
    assert n_main > 50 and n_dep > 500


def test_summary_appends_go_requirement() -> None:
    s = parse_summary(b"module m\n\ngo 1.21\n\nrequire a.com/x v1.0.0\n")
    assert s.require == (Module("a.com/x", "v1.0.0"), Module("go", "1.21")) and s.pruning == "pruned"
    assert parse_summary(b"module m\n").pruning == "unpruned"
    assert parse_summary(b"module m\ngo 1.16\n").require == ()


LINES = [
    "module example.com/m", "module example.com/m // comment", "module", "module a b", "go 1.21", "go 1.21.0",
    "go 1.21rc1", "go 1.2.3.4", "go v1.21", "go 1.21-x", "toolchain go1.22.3", "toolchain default",
    "toolchain 1.22", "require example.com/a v1.0.0", "require example.com/a v1.0.0 // indirect",
    "require example.com/a v1.0.0 // indirect; why", "require example.com/a v1.0.0 //indirect",
    "require example.com/a v1.2", "require example.com/a/v2 v1.0.0", "require example.com/a/v2 v2.0.0",
    "require example.com/a v2.0.0+incompatible", "require example.com/a v1.0.0-pre//indirect",
    "require example.com/a", "require (", ")", "require(", "exclude example.com/a v1.1.0",
    "exclude (", "replace example.com/a => ./a", "replace example.com/a v1.0.0 => example.com/b v1.2.0",
    "replace example.com/a => example.com/b", "replace example.com/a => ../b v1.0.0",
    "replace example.com/a v1 => ./a", "replace (", "retract v1.0.0", "godebug x=1", "tool example.com/t",
    "\texample.com/c v1.3.0", "\texample.com/c v1.3.0 // indirect", "\texample.com/c => ./c", "\t", "",
    "// comment", "unknown directive", "replace example.com/a => /abs/dir", "go 1.21 // c", "ignore ./x",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=12))
def test_random_line_mixes(lines: list[str]) -> None:
    _check(("\n".join(lines) + "\n").encode())


@pytest.mark.parametrize("v", ["1.21", "1.21.0", "1.21rc1", "1.0", "10.100.1000beta22", "1.21.3rc1"])
def test_go_versions_accepted(v: str) -> None:
    assert go_version_ok(v)


@pytest.mark.parametrize("v", ["", "1", "01.2", "1.01", "1.2.", "1.2.3.4", "1.21rc", "1.21-rc1", "1.21RC1", "v1.21"])
def test_go_versions_rejected(v: str) -> None:
    assert not go_version_ok(v)


@pytest.mark.parametrize(("name", "ok"), [("default", True), ("go1", True), ("go1.22.3", True), ("go1.2-x", True),
                                          ("go12", False), ("go1\n", False), ("default\n", False), ("1.22", False)])
def test_toolchain_names(name: str, ok: bool) -> None:
    assert toolchain_ok(name) == ok
