"""``gomodlab explain`` on a 100 MB log of go output: throughput (target ≥ 20 MB/s on one core) and
memory, and the same on adversarial text (one huge line, binary, deep nesting) to show the time
grows linearly with the size.

The realistic log is CI output as it piles up: the labelled failures users pasted in public
issues (tests/data/go-errors), repeated with other module paths, between the lines a build prints
anyway (``go: downloading``, ``-x`` traces, compiler commands, timestamps). Each run is a fresh
``gomodlab explain`` process pinned to one CPU; its CPU time (user + system) and peak RSS come from
wait4. Throughput is MB per second of CPU time: on a machine shared with other work the wall time
says how busy the machine was, the CPU time what explain costs (both are printed).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks import gomodlab_command, gomodlab_env

ERRORS = Path(__file__).resolve().parent.parent / "tests" / "data" / "go-errors"
TARGET_MB_S = 20.0
SIZE = 100_000_000

NOISE = [
    "go: downloading github.com/org{i}/repo{j} v1.{v}.0",
    "# get https://proxy.golang.org/github.com/org{i}/repo{j}/@v/v1.{v}.0.zip",
    "# get https://proxy.golang.org/github.com/org{i}/repo{j}/@v/v1.{v}.0.zip: 200 OK (0.0{v}1s)",
    "2024-05-01T12:00:{s:02d}.1234567Z ##[group]Run go build ./...",
    "/opt/go/pkg/tool/linux_amd64/compile -o $WORK/b{j:03d}/_pkg_.a -trimpath \"$WORK/b{j:03d}=>\" -p main ./main.go",
    "ok  \tgithub.com/org{i}/repo{j}/pkg\t0.{v}12s",
]


def realistic(path: Path, size: int, errors: float = 0.002) -> None:
    """``errors``: the share of chunks that are a pasted failure (0.2%: about 3% of the lines are
    error messages, a failing CI job's log; 2%: about a quarter, a log of nothing but retries)."""
    rng = random.Random(1)
    pastes = [p.read_text(errors="replace") for p in sorted(ERRORS.glob("*.txt"))]
    with path.open("w") as out:
        written = 0
        while written < size:
            if rng.random() < errors:
                chunk = rng.choice(pastes).replace("example.com", f"example{rng.randint(0, 999)}.com")
            else:
                chunk = rng.choice(NOISE).format(i=rng.randint(0, 99), j=rng.randint(0, 999), v=rng.randint(0, 9),
                                                 s=rng.randint(0, 59)) + "\n"
            out.write(chunk)
            written += len(chunk)


def adversarial(path: Path, size: int, kind: str) -> None:
    rng = random.Random(2)
    with path.open("wb") as out:
        if kind == "one long line":
            out.write(b"go: example.com/a@v1.0.0: " + b"x/" * (size // 2) + b"pkg/mod\n")
        elif kind == "binary":
            out.write(rng.randbytes(size))
        else:  # deep nesting: go's indented import stacks, thousands deep, again and again
            lines, n = [], 0
            while n < size:
                depth = rng.randint(1, 5000)
                line = "\t" * (depth % 64) + f"imports example.com/m{depth}: reading https://p/@v/{depth}.zip: 404\n"
                lines.append(line)
                n += len(line)
            out.write("".join(lines).encode())


def _run(file: Path) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak RSS MB, exit status) of ``gomodlab explain FILE`` pinned to CPU 0."""
    argv = ["taskset", "-c", "0", *gomodlab_command(), "explain", str(file), "--format", "json"]
    shell = ["/bin/sh", "-c", 'exec "$@" >/dev/null 2>&1', "sh", *argv]
    t0 = time.perf_counter()
    pid = os.posix_spawnp(shell[0], shell, gomodlab_env())
    _, status, usage = os.wait4(pid, 0)
    return (time.perf_counter() - t0, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
            os.waitstatus_to_exitcode(status))


def _row(name: str, mb: int, file: Path, runs: int) -> None:
    results = [_run(file) for _ in range(runs)]
    wall, cpu, rss = (sorted(r[i] for r in results) for i in range(3))
    speeds = sorted(mb / c for c in cpu)
    print(f"{name:<32} {mb:6d} {statistics.median(wall):8.2f} {statistics.median(cpu):7.2f} "
          f"{speeds[0]:5.1f} / {statistics.median(speeds):5.1f} / {speeds[-1]:5.1f} {rss[-1]:12.0f}")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks explain", description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3, help="runs of each row (default 3)")
    args = p.parse_args(argv or [])
    print(f"{'input':<32} {'MB':>6} {'wall s':>8} {'CPU s':>7} {'MB/s of CPU min/med/max':>23} {'peak RSS MB':>12}")
    print(f"(medians of {args.runs} runs; peak RSS: the largest)")
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        for errors, name in ((0.002, "CI log, 3% error lines"), (0.02, "retry log, 25% error lines")):
            for mb in (25, 100):
                f = d / f"ci-{mb}.log"
                realistic(f, mb * 1_000_000, errors)
                _row(name, mb, f, args.runs)
                f.unlink()
        for kind in ("one long line", "binary", "deep nesting"):
            for mb in (5, 20):
                f = d / "adv.log"
                adversarial(f, mb * 1_000_000, kind)
                _row(kind, mb, f, args.runs)
    print(f"target: ≥ {TARGET_MB_S:g} MB/s of CPU time on realistic output; time linear in size (compare the two sizes)")
