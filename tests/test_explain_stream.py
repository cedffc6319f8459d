"""``explain_file`` reads a long log a piece at a time: the same diagnoses as ``explain`` on the
whole text, in memory that does not grow with the file."""

from __future__ import annotations

import io
import random
import subprocess
import sys
from pathlib import Path

import pytest

from gomodlab.diagnose import _triggers
from gomodlab.diagnose import explain as explain_module
from gomodlab.diagnose.explain import explain, explain_file

ERRORS = Path(__file__).resolve().parent / "data" / "go-errors"
NOISE = ("go: downloading github.com/org{i}/repo{j} v1.{v}.0",
         "# get https://proxy.golang.org/github.com/org{i}/repo{j}/@v/v1.{v}.0.zip: 200 OK (0.0{v}1s)",
         "/opt/go/pkg/tool/linux_amd64/compile -o $WORK/b{j:03d}/_pkg_.a -p main ./main.go",
         "\timports github.com/org{i}/repo{j}/pkg")


def _log(size: int, errors: float, seed: int) -> str:
    """A CI log of ``size`` characters: the users' pasted failures between build noise."""
    rng = random.Random(seed)
    pastes = [p.read_text(errors="replace") for p in sorted(ERRORS.glob("*.txt"))]
    out, n = [], 0
    while n < size:
        if rng.random() < errors:
            chunk = rng.choice(pastes).replace("example.com", f"example{rng.randint(0, 99)}.com")
        else:
            chunk = rng.choice(NOISE).format(i=rng.randint(0, 9), j=rng.randint(0, 99), v=rng.randint(0, 9)) + "\n"
        out.append(chunk)
        n += len(chunk)
    return "".join(out)


@pytest.mark.parametrize("piece", [1 << 12, 1 << 15, 1 << 17])
@pytest.mark.parametrize("errors,seed", [(0.002, 1), (0.02, 2), (0.2, 3)])
def test_pieces_give_the_diagnoses_of_the_whole_text(monkeypatch, piece, errors, seed):
    text = _log(600_000, errors, seed)
    whole = explain(text)
    monkeypatch.setattr(explain_module, "PIECE", piece)
    monkeypatch.setattr(explain_module, "_MAX_WRAPPED", 0)   # stream even this small file
    assert explain_file(io.BytesIO(text.encode())) == whole


@pytest.mark.parametrize("errors,seed", [(0.02, 2), (0.2, 3)])
def test_a_window_cut_at_the_carry_limit_loses_no_problem(monkeypatch, errors, seed):
    """Errors every few lines join all windows into one; past MAX_CARRY it is cut where a go
    message starts: a message at the cut may be read as two, but every problem of the whole
    text is still found, and the primary one is the same."""
    text = _log(600_000, errors, seed)
    whole = explain(text)
    monkeypatch.setattr(explain_module, "PIECE", 1 << 12)
    monkeypatch.setattr(explain_module, "_MAX_WRAPPED", 0)
    monkeypatch.setattr(_triggers, "MAX_CARRY", 1 << 14)
    cut = explain_file(io.BytesIO(text.encode()))
    assert cut[0] == whole[0]
    assert {(d.category, d.module, d.version) for d in whole} <= {(d.category, d.module, d.version) for d in cut}


def test_a_message_longer_than_the_carry_is_cut_not_held(monkeypatch):
    """A log that is one endless message (an indented stack on every line) stays bounded: the
    carried tail is cut, and every line is still read once."""
    text = "go: example.com/a@v1.0.0: reading https://p/a/@v/v1.0.0.zip: 404 Not Found\n" + \
        "".join(f"\timports example.com/m{i}: reading https://p/@v/v{i}.zip: 404\n" for i in range(20_000))
    monkeypatch.setattr(_triggers, "MAX_CARRY", 50_000)
    parts = list(_triggers.stream_windows([text[i:j] for i, j in _line_cuts(text, 30_000)]))
    assert max(len(p) for _, p in parts) < 200_000
    lines = [n for first, p in parts for n in range(first, first + p.count("\n"))]
    assert lines == sorted(set(lines))


def _line_cuts(text: str, size: int):
    start = 0
    while start < len(text):
        end = text.find("\n", start + size) + 1 or len(text)
        yield start, end
        start = end


# VmHWM, not ru_maxrss: a child's ru_maxrss starts from the high-water mark of the test process.
_PEAK = """
import re, sys
from gomodlab.diagnose.explain import explain_file
with open(sys.argv[1], "rb") as f:
    explain_file(f)
print(int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) // 1024)
"""


@pytest.mark.slow
def test_memory_does_not_grow_with_the_file(tmp_path):
    """Peak RSS for a 60 MB log within 60 MB of that for a 15 MB one (reading either whole would
    take about 6.5 times its size)."""
    peaks = []
    for mb in (15, 60):
        f = tmp_path / f"{mb}.log"
        f.write_text(_log(mb * 1_000_000, 0.002, 4))
        out = subprocess.run([sys.executable, "-c", _PEAK, str(f)], capture_output=True, text=True, check=True)
        peaks.append(int(out.stdout))
        f.unlink()
    assert peaks[1] - peaks[0] < 60, peaks
