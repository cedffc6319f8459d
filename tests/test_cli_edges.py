"""What a newcomer meets at the edges of the command line (issue 11, part 6): each refusal exits 2
with one sentence naming the input and the next thing to try, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gomodlab.version import __version__


def _cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    res = subprocess.run([sys.executable, "-m", "gomodlab", *args], input=stdin, capture_output=True, timeout=120)
    return subprocess.CompletedProcess(res.args, res.returncode, res.stdout.decode(), res.stderr.decode())


def test_version():
    res = _cli("--version")
    assert res.returncode == 0 and res.stdout.strip() == f"gomodlab {__version__}"


@pytest.mark.parametrize("make,said", [
    (lambda p: p.mkdir(), "not a module cache"),
    (lambda p: p.write_text("x"), "not a directory"),
    (lambda p: None, "no such directory"),
    (lambda p: (p.mkdir(), (p / "notes").mkdir()), "not a module cache"),
], ids=["empty", "file", "missing", "unrelated-folder"])
def test_scan_refuses_what_is_not_a_cache(tmp_path, make, said):
    target = tmp_path / "target"
    make(target)
    res = _cli("scan", str(target))
    assert res.returncode == 2, res
    assert res.stderr.startswith(f"gomodlab scan: {target}: {said}")
    assert "go env GOMODCACHE" in res.stderr and "Traceback" not in res.stderr


def test_scan_accepts_a_cache_go_has_not_filled_yet(tmp_path):
    (tmp_path / "cache" / "download").mkdir(parents=True)
    assert _cli("scan", str(tmp_path), "--no-index").returncode == 0


def test_logs_on_a_file_with_no_go_x_lines(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("hello\nworld\n")
    res = _cli("logs", str(f))
    assert res.returncode == 2 and "found no go -x lines" in res.stderr and "go mod download -x" in res.stderr
    assert res.stdout == ""


@pytest.mark.parametrize("data,said", [
    (b"", "empty"),
    (bytes(range(256)) * 4, "binary data"),
    (b"hello world\n", "found no go output"),
], ids=["empty", "binary", "prose"])
def test_explain_on_input_that_is_not_go_output(data, said):
    res = _cli("explain", "-", stdin=data)
    assert res.returncode == 2 and said in res.stderr and "gomodlab explain -" in res.stderr
    assert res.stdout == ""


def test_explain_seed_error_json():
    import json

    seed = (b"go: golang.org/x/text@v0.3.7: reading https://goproxy.io/golang.org/x/text/@v/v0.3.7.zip: "
            b"GET https://goproxy.io/golang.org/x/text/@v/v0.3.7.zip: exit status 128\n")
    res = _cli("explain", "--format", "json", "-", stdin=seed)
    assert res.returncode == 0
    first = json.loads(res.stdout)[0]
    assert (first["category"], first["module"], first["version"]) == ("vcs-command-failed", "golang.org/x/text", "v0.3.7")
    assert first["fix"]
