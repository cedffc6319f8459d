"""The shared corpus of real go.mod/go.work/go.sum files against go's recorded reading of them.

/work/shared/data/gomod-corpus holds 121 files from public repositories with what go 1.27.3
printed for each (``.json``, ``.fmt``, and ``.err`` for the ones go rejects). Our output must be
byte-identical; go.sum files must parse and match the manifest's ``sum_stats``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gomodlab.mod import modfile

from .conftest import REAL_WORLD_DATA


def _manifest(shared: Path) -> list[dict]:
    return json.loads((shared / "gomod-corpus" / "manifest.json").read_text())


@pytest.fixture(scope="module")
def corpus(real_world_data: Path) -> tuple[Path, list[dict]]:
    return real_world_data / "gomod-corpus" / "files", _manifest(real_world_data)


def _names(*kinds: str) -> list[str]:
    return [e["file"] for e in _manifest(REAL_WORLD_DATA) if e["kind"] in kinds]


_READABLE = _names("gomod", "gowork")
_SUMS = _names("gosum")


def _readers(kind: str):
    if kind == "gowork":
        return modfile.gowork_json, modfile.format_gowork
    return modfile.gomod_json, modfile.format_gomod


def _recorded_runs(err_text: str) -> list[tuple[str, str, int]]:
    """The ``.err`` file: ``$ command`` lines, each followed by go's stderr and ``exit status N``."""
    runs = []
    for block in re.split(r"^\$ ", err_text, flags=re.M)[1:]:
        command, _, rest = block.partition("\n")
        m = re.search(r"^exit status (\d+)\n?\Z", rest, flags=re.M)
        assert m, block
        runs.append((command, rest[: m.start()], int(m.group(1))))
    return runs


def test_corpus_is_complete(corpus) -> None:
    _, manifest = corpus
    assert len(manifest) == 121
    assert len(_READABLE) == 102 and len(_SUMS) == 19


@pytest.mark.parametrize("name", _READABLE)
def test_corpus_file_matches_go(corpus, name: str) -> None:
    files, manifest = corpus
    entry = next(e for e in manifest if e["file"] == name)
    data = (files / name).read_bytes()
    to_json, to_fmt = _readers(entry["kind"])
    err_file = files / f"{name}.err"
    if not entry["go_accepts"]:
        runs = _recorded_runs(err_file.read_text(encoding="utf-8", errors="surrogateescape"))
        assert [cmd.split()[-2] for cmd, _, _ in runs] == ["-json", "-print"]
        for reader in (to_json, to_fmt):
            with pytest.raises(modfile.GoModSyntaxError) as exc:
                reader(data, name)
            for _, stderr, status in runs:
                assert exc.value.go_stderr(name) == stderr
                assert status == 1
        return
    assert not err_file.exists()
    assert to_json(data, name) == (files / f"{name}.json").read_text(encoding="utf-8")
    assert to_fmt(data, name) == (files / f"{name}.fmt").read_bytes()


@pytest.mark.parametrize("name", _SUMS)
def test_corpus_gosum_stats(corpus, name: str) -> None:
    files, manifest = corpus
    stats = next(e for e in manifest if e["file"] == name)["sum_stats"]
    lines = modfile.parse_gosum((files / name).read_bytes(), name)
    zips = {(s.path, s.version) for s in lines if not s.is_gomod}
    versions = {(s.path, s.module_version) for s in lines}
    got = {
        "lines": len(lines),
        "modules": len({s.path for s in lines}),
        "module_versions": len(versions),
        "gomod_only": len(versions - zips),
    }
    if not stats:  # an empty go.sum has empty stats
        assert lines == ()
        return
    assert got == stats
    assert all(s.hash.startswith("h1:") for s in lines)
