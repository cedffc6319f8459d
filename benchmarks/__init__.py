"""Benchmarks that time gomodlab side by side with the real go command in one run.

``make bench`` (or ``python -m benchmarks [NAME…]``) runs every ``bench_*.py`` here; each module
has a ``main()`` that builds its own inputs in a scratch directory, times both sides and prints
a small table with the figures and their ratio. These are measurements, not pass/fail tests.
"""


def gomodlab_command() -> list[str]:
    """How a user runs gomodlab: the installed ``gomodlab`` script beside this Python, so the
    timings include no ``python -m`` (runpy) overhead that a user would not pay either."""
    import os
    import sys

    script = os.path.join(os.path.dirname(sys.executable), "gomodlab")
    return [script] if os.access(script, os.X_OK) else [sys.executable, "-m", "gomodlab"]


def best_of(fn, runs: int) -> float:  # noqa: ANN001 - any callable
    """The shortest wall time of ``runs`` calls of ``fn`` (the least disturbed measurement)."""
    import time

    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def gomodlab_env(**extra: str) -> dict[str, str]:
    """The environment to time gomodlab in, as installed: this checkout first on the path, and
    compiled bytecode kept (a PYTHONDONTWRITEBYTECODE in the caller's shell would make every run
    recompile what changed, which no installed gomodlab does)."""
    import os

    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))), **extra)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env
