"""gomodlab.diagnose.explain on 57 outputs users pasted in public issues (shared/data/go-errors), the CLI,
and robustness on arbitrary text."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gomodlab.diagnose.explain import Diagnosis, explain
from gomodlab.diagnose.templates import CATEGORIES

from .conftest import REAL_WORLD_DATA

LABELS = json.loads((REAL_WORLD_DATA / "go-errors" / "labels.json").read_text())


@pytest.mark.parametrize("record", LABELS, ids=[r["file"] for r in LABELS])
def test_labelled_output(real_world_data, record):
    text = (real_world_data / "go-errors" / record["file"]).read_text()
    diagnoses = explain(text)
    first = diagnoses[0]
    assert (first.category, first.module, first.version) == (record["category"], record["module"], record["version"])
    lines = text.splitlines()
    for d in diagnoses:
        assert d.category in CATEGORIES
        assert all(lines[e.line - 1] == e.text for e in d.evidence)


def test_labelled_set_is_complete(real_world_data):
    assert len(LABELS) == 57
    assert {r["category"] for r in LABELS} == set(CATEGORIES)


@pytest.mark.parametrize("record", LABELS, ids=[r["file"] for r in LABELS])
def test_labelled_output_behind_ci_prefixes(real_world_data, record):
    """The same pastes as a buildkit log with CRLF line ends: the diagnosis does not change."""
    text = (real_world_data / "go-errors" / record["file"]).read_text()
    disguised = "".join(f"#7 {i * 0.013:.3f} {ln}\r\n" for i, ln in enumerate(text.splitlines()))
    first = explain(disguised)[0]
    assert (first.category, first.module, first.version) == (record["category"], record["module"], record["version"])


def test_one_pass_over_all_pastes_is_fast(real_world_data):
    import time

    texts = [(real_world_data / "go-errors" / r["file"]).read_text() for r in LABELS]
    start = time.perf_counter()
    for t in texts:
        explain(t)
    assert time.perf_counter() - start < 2.0


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_arbitrary_text_never_raises(text):
    for d in explain(text):
        assert isinstance(d, Diagnosis) and d.category in CATEGORIES


_PIECES = ["go: ", "example.com/m@v1.0.0: ", "\t", "\n", "exit status 128:", "fatal: ", "zip: not a valid zip file",
           "checksum mismatch", "SECURITY ERROR", " imports", "missing go.sum entry for module providing package ",
           "reading https://proxy.golang.org/x/@v/v1.0.0.zip: ", "404 Not Found", "package x.org/y: ", "# cd .; git clone ",
           "/home/u/go/pkg/mod/cache/download/!a/@v/v1.zip", "ambiguous import: found ", " in multiple modules:",
           "requires go >= ", "1.99", "go.mod:3: ", "unknown directive: x", "permission denied", "#12 0.1 ", "\r"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_go_like_fragments_never_raise(pieces):
    text = "".join(pieces)
    n = len(text.split("\n"))
    for d in explain(text):
        assert all(1 <= e.line <= n for e in d.evidence)


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gomodlab", "explain", *args], input=stdin,
                          capture_output=True, text=True)


def test_cli_table(real_world_data):
    res = _cli(str(real_world_data / "go-errors" / "100-toolchain.txt"))
    assert res.returncode == 0, res.stderr
    out = res.stdout.splitlines()
    assert out[0].split() == ["#", "CATEGORY", "MODULE@VERSION", "LINES", "FIX"]
    assert out[1].split()[:4] == ["1", "toolchain", "github.com/daixiang0/gci@v0.0.0-20200727065011-66f1df783cb2", "3-4"]
    assert any("(primary)" in line for line in out)


def test_cli_json_from_stdin():
    text = ("go: downloading example.com/a v1.0.0\n"
            "go: example.com/a@v1.0.0: reading http://127.0.0.1:9/example.com/a/@v/v1.0.0.mod: 404 Not Found\n")
    res = _cli("-", "--format", "json", stdin=text)
    assert res.returncode == 0, res.stderr
    [obj] = json.loads(res.stdout)
    assert obj["category"] == "module-not-found"
    assert (obj["module"], obj["version"]) == ("example.com/a", "v1.0.0")
    assert obj["evidence"] == [{"line": 2, "text": text.splitlines()[1]}]
    assert obj["fix"] and obj["summary"]


def test_cli_exit_codes(tmp_path):
    res = _cli("-", stdin="go: something odd happened\n")
    assert res.returncode == 1 and "unknown" in res.stdout
    res = _cli("-", stdin="")
    assert res.returncode == 2 and "empty" in res.stderr
    res = _cli("-", stdin="go: downloading example.com/a v1.0.0\n")
    assert res.returncode == 1 and res.stdout == "no go command errors found\n"
    res = _cli(str(tmp_path / "missing.log"))
    assert res.returncode == 2
    assert res.stderr.startswith("gomodlab explain: ") and "Traceback" not in res.stderr
    binary = tmp_path / "latin1.log"
    binary.write_bytes("go: example.com/m@v1.0.0: zip: not a valid zip file \xe9\n".encode("latin-1"))
    res = _cli(str(binary), "--format", "json")
    assert res.returncode == 0 and json.loads(res.stdout)[0]["category"] == "zip-unreadable"
