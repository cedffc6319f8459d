"""Memory on huge valid input: a 50 MB go.mod, side by side with ``go mod edit -json``.

Two generated files of 50 MB: one of bare ``require`` lines, one shaped like a real go.mod
(hosts, pseudo-versions, ``// indirect`` on half the lines). For each, peak RSS and wall time of
``modfile.read_gomod`` (what the loaders use; target: under 500 MB) and of ``go mod edit -json``
on the same file, each in a fresh process; then ``gomodlab buildlist`` on the file, which refuses
a main go.mod over 16 MiB at once, with a clear error, instead of growing a graph of a million
modules.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import gomodlab_command, gomodlab_env
from gomodlab.load import gotool

SIZE = 50_000_000
TARGET_MB = 500


def _write(path: Path, realistic: bool) -> None:
    r = random.Random(1)
    lines = ["module example.com/big", "", "go 1.21", "", "require ("]
    size, i = 0, 0
    while size < SIZE:
        if realistic:
            host = r.choice(["github.com", "golang.org/x", "go.uber.org", "k8s.io", "go.opentelemetry.io"])
            v = (f"v{r.randint(0, 1)}.{r.randint(0, 60)}.{r.randint(0, 20)}" if r.random() < 0.7 else
                 f"v0.0.0-2023{r.randint(10, 12)}{r.randint(10, 28)}{r.randint(100000, 235959)}-{r.getrandbits(48):012x}")
            line = f"\t{host}/org{i % 5000}/repo{i} {v}" + (" // indirect" if r.random() < 0.5 else "")
        else:
            line = f"\texample.com/dep{i}/some/longer/path v1.{i % 100}.{i % 7}"
        lines.append(line)
        size += len(line) + 1
        i += 1
    lines.append(")")
    path.write_text("\n".join(lines) + "\n")


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS of this child in MB, exit status), from wait4's rusage of it.

    posix_spawn, not fork: a forked child would count this process's pages in its own peak.
    posix_spawn has no working-directory action before Python 3.13, hence the ``cd`` in sh.
    """
    shell = ["/bin/sh", "-c", 'cd "$0" && exec "$@" >/dev/null 2>&1', str(cwd), *argv]
    t0 = time.perf_counter()
    pid = os.posix_spawn(shell[0], shell, dict(os.environ if env is None else env))
    _, status, usage = os.wait4(pid, 0)
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    go = gotool.find_go()
    env = gomodlab_env()
    read = [sys.executable, "-c", "import sys; from gomodlab.mod import modfile; modfile.read_gomod(sys.argv[1])"]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        rows = []
        steps = [("buildlist (refuses > 16 MiB)", lambda: [*gomodlab_command(), "buildlist"], "gomodlab"),
                 ("modfile.read_gomod", lambda: [*read, "go.mod"], "gomodlab"),
                 ("go mod edit -json", lambda: [go, "mod", "edit", "-json", "go.mod"], "go")]
        for realistic in (False, True):
            # Written by a child, so that this process stays small: a child forked from a big
            # parent would count the parent's pages in its own peak RSS until it execs.
            subprocess.run([sys.executable, "-c", "import sys; from benchmarks.bench_hugeinput import _write; "
                            "_write(__import__('pathlib').Path(sys.argv[1]), sys.argv[2] == '1')",
                            str(d / "go.mod"), "1" if realistic else "0"], check=True, env=env)
            shape = "real-shaped" if realistic else "bare requires"
            for name, argv, who in steps:
                wall, rss, rc = _run(argv(), d, env if who == "gomodlab" else None)
                rows.append((shape, name, wall, rss, rc))
    print(f"{'file (50 MB)':<15} {'command':<30} {'wall s':>8} {'peak RSS MB':>12} {'rc':>3}")
    for shape, name, wall, rss, rc in rows:
        print(f"{shape:<15} {name:<30} {wall:8.2f} {rss:12.0f} {rc:3d}")
    print(f"target: modfile.read_gomod under {TARGET_MB} MB; buildlist answers rc 2 at once")
