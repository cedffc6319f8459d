"""Benchmarks that time gomodlab side by side with the real go command in one run.

``make bench`` (or ``python -m benchmarks [NAME…]``) runs every ``bench_*.py`` here; each module
has a ``main()`` that builds its own inputs in a scratch directory, times both sides and prints
a small table with the figures and their ratio. These are measurements, not pass/fail tests.
"""
