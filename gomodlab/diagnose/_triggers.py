"""The lines of a long text worth reading: those that contain a word no error of go's can do without.

A CI log of 100 MB is mostly ``go: downloading``, compiler commands and test results; running the
message templates over every line would cost seconds per megabyte. Every template requires some
literal text (``zip: not a valid zip file``, ``exit status``, ``missing go.sum entry``): the
literals are taken from the templates' own parsed regular expressions (so they cannot drift from
them), joined with the words of errors that no template knows (``cannot``, ``invalid``, ``go:``),
and found in one pass with an Aho-Corasick automaton. :func:`explain` then reads the messages
around those lines only. Finding them costs about 10 ns per character (measured on a 25 MB log).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, compress
from operator import methodcaller, not_
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import ahocorasick

from .templates import TEMPLATES

__all__ = ["ERRORISH", "BEFORE", "AFTER", "errorish", "literals", "present", "required", "trigger_lines", "windows"]

#: Words that an error names even when no template knows it: an ``unknown`` diagnosis needs one.
ERRORISH = re.compile(r"^go(?: [\w-]+)*: |\b(?:cannot|can't|could not|unable|error|fatal|fail|invalid|denied|refused|"
                      r"timed? ?out|panic|unexpected|missing|unknown|no such|not found|exit status|malformed|"
                      r"insecure|verif|mismatch|forbidden|unauthori[sz]ed|not allowed|disallow|refus|wrong)", re.I | re.M)
_ERRORISH_WORDS = ("go: ", "cannot", "can't", "could not", "unable", "error", "fatal", "fail", "invalid", "denied",
                   "refused", "timeout", "timed out", "time out", "panic", "unexpected", "missing", "unknown", "no such",
                   "not found", "exit status", "malformed", "insecure", "verif", "mismatch", "forbidden", "unauthori",
                   "not allowed", "disallow", "refus", "wrong")
_SHORTEST = 3      # shorter literals ("go", "@") would match nearly every line
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT))


def _best(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The more selective of two requirements: the longer shortest literal, then fewer literals;
    on a tie the later one (an error's specific words come last: ``reading URL: 404``)."""
    if a is None:
        return b
    if b is None:
        return a
    return a if (min(map(len, a)), -len(a)) > (min(map(len, b)), -len(b)) else b


def _alternatives(op: object, av: object) -> list[str] | None:
    """The strings a group or alternation of plain literals matches (``(?:mod|work)``), else None."""
    if op is sre.SUBPATTERN:
        items = list(av[-1])  # type: ignore[index]
        if all(o is sre.LITERAL for o, _ in items):
            return ["".join(chr(c) for _, c in items)]
        if len(items) == 1:
            return _alternatives(*items[0])
        return None
    if op is sre.BRANCH:
        out = []
        for b in av[1]:  # type: ignore[index]
            if not all(o is sre.LITERAL for o, _ in b):
                return None
            out.append("".join(chr(c) for _, c in b))
        return out
    if op is sre.IN and all(o is sre.LITERAL for o, _ in av):  # type: ignore[union-attr]
        return [chr(c) for _, c in av]  # type: ignore[union-attr]
    return None


def _required(items: list[tuple[object, object]]) -> frozenset[str] | None:
    """Literals of which every match of the parsed pattern contains at least one (``None``: none known).

    Adjacent literals and groups of literals are joined into one run of alternatives
    (``go\\.(?:mod|work):`` → ``go.mod:``, ``go.work:``), as long as there are few of them.
    """
    best: frozenset[str] | None = None
    run = [""]

    def flush() -> None:
        nonlocal best, run
        if min(map(len, run)) >= _SHORTEST:
            best = _best(best, frozenset(r.lower() for r in run))
        run = [""]

    for op, av in items:
        if op is sre.LITERAL:
            run = [r + chr(av) for r in run]  # type: ignore[arg-type]
            continue
        if op is sre.AT:          # ^ $ \b: zero width, the literals on both sides stay adjacent
            continue
        alts = _alternatives(op, av)
        if alts is not None and len(run) * len(alts) <= 16:
            run = [r + a for r in run for a in alts]
            continue
        flush()
        if op is sre.SUBPATTERN:
            best = _best(best, _required(list(av[-1])))  # type: ignore[index]
        elif op is sre.BRANCH:
            branches = [_required(list(b)) for b in av[1]]  # type: ignore[index]
            if all(b is not None for b in branches):
                best = _best(best, frozenset().union(*branches))  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:  # type: ignore[index]
            best = _best(best, _required(list(av[2])))  # type: ignore[index]
    flush()
    return best


def required(pattern: re.Pattern[str]) -> frozenset[str]:
    """Lower-case literals of which every match of ``pattern`` contains one."""
    need = _required(list(sre_parse.parse(pattern.pattern, pattern.flags)))
    if need is None:
        raise ValueError(f"template {pattern.pattern!r} requires no literal of {_SHORTEST}+ characters")
    return need


def literals() -> frozenset[str]:
    """Every literal the automaton looks for: the templates' and :data:`_ERRORISH_WORDS`."""
    return frozenset(_ERRORISH_WORDS).union(*(required(t.pattern) for t in TEMPLATES))


def _automaton() -> ahocorasick.Automaton:
    a = ahocorasick.Automaton()
    for word in literals():
        a.add_word(word, word)
    a.make_automaton()
    return a


_AUTOMATON = _automaton()


def present(text: str) -> set[str]:
    """The literals ``text`` contains."""
    return {word for _, word in _AUTOMATON.iter(_ascii_lower(text))}


def errorish(text: str, found: set[str]) -> bool:
    """Whether :data:`ERRORISH` matches ``text``, whose literals (:func:`present`) are ``found``.

    ERRORISH is case-insensitive and tried at every offset: 120 ns a character, 12 µs for a
    compiler command line. In ASCII text it can only match where a line starts with ``go`` or
    where one of its words occurs (all in :data:`_ERRORISH_WORDS` but ``timedout``), which the
    automaton has told already; other text (``ſ`` and ``K`` match ``s`` and ``k``) is searched.
    """
    if text.isascii():
        low = text.lower()
        if found.isdisjoint(_ERRORISH_WORDS) and "timedout" not in low and not (
                low.startswith("go") or "\ngo" in low):
            return False
    return ERRORISH.search(text) is not None


def _ascii_lower(text: str) -> str:
    """``text`` lower-cased in ASCII only, so that offsets stay those of ``text``."""
    if text.isascii():             # a flag of the string: one copy instead of three
        return text.lower()
    return text.encode("ascii", "replace").lower().decode("ascii")


def trigger_lines(text: str, skip: Callable[[str], bool] | None = None,
                  noise: tuple[str, ...] = ()) -> list[tuple[int, int]]:
    """(0-based number, offset) of each line of ``text`` that contains a literal, in order.

    ``skip(line)`` may reject a line that holds one (a ``go: downloading`` progress line);
    ``noise`` are line starts that ``skip`` rejects whatever follows them.
    """
    lines = text.split("\n")
    # Lines starting with a noise head are dropped before the automaton runs, with one startswith
    # a line (in C): on a CI log that is half the text and 97% of the literals found (all those
    # "# get" and "go: downloading" lines); the whole of explain then does two thirds of the
    # work on a CI log, three quarters on a log of retries (instructions counted, 5 MB logs).
    if noise:
        is_noise = list(map(methodcaller("startswith", noise), lines))
        kept = list(compress(range(len(lines)), map(not_, is_noise)))
        searched = "\n".join(compress(lines, map(not_, is_noise))) if len(kept) < len(lines) else text
    else:
        kept, searched = range(len(lines)), text
    lengths = [0, *accumulate(map(len, lines))]          # line i starts at lengths[i] + i
    out: list[tuple[int, int]] = []
    k, k_end, seen = 0, searched.find("\n"), -1
    for end, _ in _AUTOMATON.iter(_ascii_lower(searched)):      # in the order of their ends
        if k_end != -1 and end > k_end:
            k += searched.count("\n", k_end, end)
            k_end = searched.find("\n", end)
        if k == seen:
            continue
        seen = k
        line = kept[k]
        if skip is None or not skip(lines[line]):
            out.append((line, lengths[line] + line))
    return out


#: Lines read before and after each trigger line: a message's head (``go: M@V: reading URL:``) and
#: its tail (git's stderr, import stacks) sit around the words that name its cause.
BEFORE = AFTER = 6
#: A message indented deeper than this many lines (an import stack) is cut: the bound keeps the
#: work per trigger constant.
_MAX_EXTEND = 2000


def _after_colon(text: str, start: int) -> bool:
    """Whether the line before the one at ``start`` ends in ``:`` (go continues it on the next)."""
    return text[max(0, start - 3):start - 1].rstrip("\r").endswith(":")


def _back(text: str, start: int, lines: int, stop: int = -1) -> tuple[int, int]:
    """(offset, how many lines back) of the line ``lines`` before the one at ``start``, moved on
    back over continuation lines (indented, or after a line ending in ``:``); or, as soon as the
    walk reaches offset ``stop``, where it is then."""
    n = 0
    while start > stop and start and (
            n < lines or (n < lines + _MAX_EXTEND and (text[start] in " \t" or _after_colon(text, start)))):
        start = text.rfind("\n", 0, start - 1) + 1
        n += 1
    return start, n


def _forward(text: str, start: int, lines: int, n: int = 0) -> tuple[int, int]:
    """(offset, how many lines on) after the line ``lines`` after the one at ``start``, moved on
    over indented lines; ``n``: lines already walked before ``start``."""
    end = len(text)
    while start < end and (n <= lines or (n <= lines + _MAX_EXTEND and text[start] in " \t")):
        nl = text.find("\n", start)
        start = end if nl == -1 else nl + 1
        n += 1
    return start, n


def windows(text: str, skip: Callable[[str], bool] | None = None, noise: tuple[str, ...] = ()) -> list[tuple[int, int, int]]:
    """The parts of ``text`` to read, as (number of the first line (1-based), start, end offsets):
    :data:`BEFORE` and :data:`AFTER` lines around each trigger line (``skip`` and ``noise`` as for
    :func:`trigger_lines`), overlapping parts joined."""
    out: list[list[int]] = []
    end_line = 0               # the number of the line at which the last part ends
    for line, at in trigger_lines(text, skip, noise):
        # No line is walked twice: walking back stops at the last part (this one joins it), and
        # walking on goes on from the last part's end (an earlier trigger's walk passed every line
        # before it that this one would). In an indented stack every line is a trigger, which
        # walked 2,000 lines each way: 40% of reading one.
        start, back = _back(text, at, BEFORE, out[-1][2] if out else -1)
        if out and out[-1][2] > at:
            end, on = _forward(text, out[-1][2], AFTER, end_line - line)
        else:
            end, on = _forward(text, at, AFTER)
        if out and start <= out[-1][2]:
            out[-1][2] = end
        else:
            out.append([line - back + 1, start, end])
        end_line = line + on
    return [(first, start, end) for first, start, end in out]


#: Lines a window may reach before its trigger line (see :func:`_back`): a piece of a long text is
#: read together with this many lines of the one before it, so its windows start where they would
#: in the whole text.
REACH = BEFORE + _MAX_EXTEND + 1
#: A window still growing at the end of a piece is carried into the next one, up to this many
#: characters; past it (errors on every few lines join all windows into one) it is cut where a
#: message starts, so memory and the work of reading the carry again stay bounded.
MAX_CARRY = 1 << 20


def _start_of_last(text: str, lines: int) -> int:
    """The offset of the start of the last ``lines`` lines of ``text`` (which ends in a newline)."""
    at = len(text) - 1
    for _ in range(lines):
        at = text.rfind("\n", 0, at)
        if at == -1:
            return 0
    return at + 1


def _message_start(text: str, low: int, high: int, starts: Callable[[str], bool]) -> int:
    """The start of the last line in ``text[low:high]`` (``high`` starts a line) that ``starts``
    a message (not indented, not after a line ending in ``:``); ``high`` if none does within
    :data:`REACH` lines (a message that long is cut anyway)."""
    at = high
    for _ in range(REACH):
        if at <= low:
            break
        end = text.find("\n", at)
        if text[at] not in " \t" and not _after_colon(text, at) and starts(text[at:end]):
            return at
        at = text.rfind("\n", 0, at - 1) + 1
    return high


def stream_windows(pieces: Iterable[str], skip: Callable[[str], bool] | None = None,
                   starts: Callable[[str], bool] = bool, noise: tuple[str, ...] = ()) -> Iterator[tuple[int, str]]:
    """(number of the first line, text) of each part of a long text to read, as :func:`windows`
    gives them for the whole text, from its line-aligned ``pieces`` (each ends in a newline but
    perhaps the last), holding one piece and a bounded tail of the one before. ``starts(line)``
    tells a line that begins a message: where a window too long to carry is cut."""
    carry, first = "", 1
    pending = 0                # the carry's first characters belong to a window that was cut
    pieces = iter(pieces)
    piece = next(pieces, None)
    while piece is not None:
        following = next(pieces, None)
        text = carry + piece
        found = windows(text, skip, noise)
        if pending:
            if found and found[0][1] <= pending:
                found[0] = (1, 0, max(pending, found[0][2]))
            else:
                found.insert(0, (1, 0, pending))
        if following is None:
            ready, keep = found, len(text)
        else:
            # A window ending in the last REACH lines may grow, or join one that starts in the
            # next piece: it is read with that piece (or cut at the tail, past MAX_CARRY).
            tail = _start_of_last(text, REACH)
            ready = [w for w in found if w[2] <= tail]
            deferred = found[len(ready):]
            keep = min(deferred[0][1], tail) if deferred else tail
            if deferred and keep < tail and len(text) - keep > MAX_CARRY:
                w_first, start, _ = deferred[0]
                cut = _message_start(text, start, tail, starts)
                ready.append((w_first, start, cut))
                # The lines after the cut that the triggers before it reach are read with the
                # next piece (as if the line before the cut were a trigger: no trigger reaches further).
                pending = max(0, _forward(text, text.rfind("\n", 0, cut - 1) + 1, AFTER)[0] - cut)
                keep = cut
            elif keep:         # else the window read from the carry's start is carried again
                pending = 0
        for w_first, start, end in ready:
            yield first + w_first - 1, text[start:end]
        first += text.count("\n", 0, keep)
        carry = text[keep:]
        piece = following
