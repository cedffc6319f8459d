"""explain and the -x log reader on hostile text: random and adversarial input (long lines, binary,
deep nesting, a million repeats) never raises, and the time grows linearly with the size.

Linear is checked as a ratio: the same shape at 4× the size takes well under 16× the time (a
quadratic pattern gives 16×), so the test holds on a slow or busy machine.
"""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gomodlab.diagnose.explain import MAX_EVIDENCE, explain
from gomodlab.net.xlog import parse as read_xlog

_VOCAB = ["go: ", "@v", "v1.2.3", "/pkg/mod/", "cache/download/", "https://", "://", " clone ", "exit status 128",
          ":", "\t", "\n", "imports ", "module ", "package ", "zip: not a valid zip file", "SECURITY ERROR",
          "reading ", "GET ", "404", "x" * 50, "/", "\\", "(", "\"", "\r", "\x1b[31m", "#7 0.1 "]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_VOCAB) | st.text(max_size=8), max_size=300))
def test_vocabulary_soup_never_raises(parts):
    text = "".join(parts)
    for d in explain(text):
        assert d.evidence and len(d.evidence) <= MAX_EVIDENCE
    read_xlog(text)


def _long_line(n: int) -> str:
    return "go: example.com/a@v1.0.0: " + "x/" * (n // 2) + "pkg/mod\n"


def _binary(n: int) -> str:
    return random.Random(1).randbytes(n).decode("latin-1")


def _deep(n: int) -> str:
    rng, out, size = random.Random(2), [], 0
    while size < n:
        depth = rng.randint(1, 5000)
        line = "\t" * (depth % 64) + f"imports example.com/m{depth}: reading https://p/@v/{depth}.zip: 404\n"
        out.append(line)
        size += len(line)
    return "".join(out)


def _repeats(n: int) -> str:
    line = "go: example.com/a@v1.0.0: reading https://p.example/example.com/a/@v/v1.0.0.zip: 404 Not Found\n"
    return line * (n // len(line))


def _elapsed(fn, text: str) -> float:
    """CPU seconds of this process (not wall time: another test worker on the same cores must not
    count as explain's cost)."""
    start = time.process_time()
    fn(text)
    return time.process_time() - start


@pytest.mark.parametrize("shape", [_long_line, _binary, _deep, _repeats], ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("reader", [explain, read_xlog], ids=["explain", "logs"])
def test_time_is_linear_in_the_size(shape, reader):
    small, large = shape(100_000), shape(400_000)
    _elapsed(reader, small)                     # warm caches (compiled patterns, imports)
    t_small = min(_elapsed(reader, small) for _ in range(2))
    t_large = min(_elapsed(reader, large) for _ in range(2))
    assert t_large < 10 * max(t_small, 0.005), (t_small, t_large)


def test_a_million_repeats_are_one_diagnosis_with_bounded_evidence():
    [d] = explain(_repeats(10_000_000))
    assert d.category == "module-not-found" and d.occurrences > 100_000
    assert len(d.evidence) == MAX_EVIDENCE
