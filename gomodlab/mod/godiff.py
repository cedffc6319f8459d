"""The unified diff the go command prints (Go's ``internal/diff``), as ``go mod tidy -diff`` shows it.

An *anchored* diff: lines that occur exactly once in each file anchor the match (the longest
increasing subsequence of them, Szymanski's algorithm), and hunks carry three lines of context.
It differs from difflib's on purpose: byte-for-byte what go prints, including the
``diff old new`` header and ``\\ No newline at end of file``.
"""

from __future__ import annotations

import bisect

__all__ = ["diff"]


def diff(old_name: str, old: bytes, new_name: str, new: bytes) -> bytes:
    """diff.Diff: empty when the inputs are equal."""
    if old == new:
        return b""
    x = _lines(old.decode("utf-8", "surrogateescape"))
    y = _lines(new.decode("utf-8", "surrogateescape"))
    out = [f"diff {old_name} {new_name}\n", f"--- {old_name}\n", f"+++ {new_name}\n"]
    done_x = done_y = 0
    chunk_x = chunk_y = 0
    count_x = count_y = 0
    ctext: list[str] = []
    c = 3
    for mx, my in _tgs(x, y):
        if mx < done_x:
            continue
        sx, sy = mx, my
        while sx > done_x and sy > done_y and x[sx - 1] == y[sy - 1]:
            sx -= 1
            sy -= 1
        ex, ey = mx, my
        while ex < len(x) and ey < len(y) and x[ex] == y[ey]:
            ex += 1
            ey += 1
        for s in x[done_x:sx]:
            ctext.append("-" + s)
            count_x += 1
        for s in y[done_y:sy]:
            ctext.append("+" + s)
            count_y += 1
        if (ex < len(x) or ey < len(y)) and (ex - sx < c or (ctext and ex - sx < 2 * c)):
            for s in x[sx:ex]:
                ctext.append(" " + s)
                count_x += 1
                count_y += 1
            done_x, done_y = ex, ey
            continue
        if ctext:
            n = min(ex - sx, c)
            for s in x[sx:sx + n]:
                ctext.append(" " + s)
                count_x += 1
                count_y += 1
            done_x, done_y = sx + n, sy + n
            if count_x > 0:
                chunk_x += 1
            if count_y > 0:
                chunk_y += 1
            out.append(f"@@ -{chunk_x},{count_x} +{chunk_y},{count_y} @@\n")
            out.extend(ctext)
            count_x = count_y = 0
            ctext = []
        if ex >= len(x) and ey >= len(y):
            break
        chunk_x, chunk_y = ex - c, ey - c
        for s in x[chunk_x:ex]:
            ctext.append(" " + s)
            count_x += 1
            count_y += 1
        done_x, done_y = ex, ey
    return "".join(out).encode("utf-8", "surrogateescape")


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    out = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1] + "\n\\ No newline at end of file\n")
    return out


def _tgs(x: list[str], y: list[str]) -> list[tuple[int, int]]:
    """The pairs of matching unique lines, with sentinels (0, 0) and (len(x), len(y))."""
    m: dict[str, int] = {}
    for s in x:
        c = m.get(s, 0)
        if c > -2:
            m[s] = c - 1
    for s in y:
        c = m.get(s, 0)
        if c > -8:
            m[s] = c - 4
    xi: list[int] = []
    yi: list[int] = []
    inv: list[int] = []
    for i, s in enumerate(y):
        if m.get(s) == -5:
            m[s] = len(yi)
            yi.append(i)
    for i, s in enumerate(x):
        j = m.get(s)
        if j is not None and j >= 0:
            xi.append(i)
            inv.append(j)
    n = len(xi)
    t = [n + 1] * n
    lengths = [0] * n
    for i in range(n):
        k = bisect.bisect_left(t, inv[i])
        t[k] = inv[i]
        lengths[i] = k + 1
    k = max(lengths, default=0)
    seq = [(0, 0)] * (2 + k)
    seq[1 + k] = (len(x), len(y))
    lastj = n
    for i in range(n - 1, -1, -1):
        if lengths[i] == k and inv[i] < lastj:
            seq[k] = (xi[i], yi[inv[i]])
            k -= 1
    return seq
