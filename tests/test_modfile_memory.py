"""Huge valid go.mod files: memory proportional to what is kept, and a clear cap where a graph would not fit.

Before: parse_gomod peaked at ~920 bytes a requirement line (a 50 MB go.mod: about 1 GB), and
`gomodlab buildlist` on a 50 MB go.mod grew to 3.7 GB before failing. The benchmark with the
50 MB figures is benchmarks/bench_hugeinput.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

from gomodlab.mod import modfile
from gomodlab.mod.limits import MAX_GO_MOD

REPO = Path(__file__).resolve().parent.parent


def _big_gomod(path: Path, lines: int) -> None:
    body = "".join(f"\texample.com/dep{i}/some/longer/path v1.{i % 100}.{i % 7}" + (" // indirect\n" if i % 2 else "\n")
                   for i in range(lines))
    path.write_text(f"module example.com/big\n\ngo 1.21\n\nrequire (\n{body})\n")


def test_read_gomod_peak_memory_per_line(tmp_path):
    n = 60_000
    _big_gomod(tmp_path / "go.mod", n)
    tracemalloc.start()
    try:
        m = modfile.read_gomod(tmp_path / "go.mod")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(m.require) == n and m.require[1].indirect and not m.require[0].indirect
    assert peak / n < 600, f"{peak / n:.0f} bytes a line at the peak"


def test_read_gomod_is_parse_gomod(tmp_path):
    _big_gomod(tmp_path / "go.mod", 500)
    data = (tmp_path / "go.mod").read_bytes()
    assert modfile.read_gomod(tmp_path / "go.mod") == modfile.parse_gomod(data, str(tmp_path / "go.mod"))


def test_buildlist_refuses_a_main_gomod_over_go_s_limit(tmp_path):
    gomod = tmp_path / "go.mod"
    with gomod.open("w") as f:
        f.write("module example.com/big\n\ngo 1.21\n")
        f.truncate(MAX_GO_MOD + 1)  # sparse: the size is what counts
    env = dict(os.environ, PYTHONPATH=str(REPO), GOMODLAB_CACHE="off")
    res = subprocess.run([sys.executable, "-m", "gomodlab", "buildlist", str(tmp_path)], capture_output=True,
                         text=True, env=env, timeout=60)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "16.0 MiB is more than gomodlab loads as a main module's go.mod (16 MiB" in res.stderr
