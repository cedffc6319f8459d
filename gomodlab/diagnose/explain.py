"""Diagnose what the go command printed: ``explain(text)`` → diagnoses, the primary one first.

The input is whatever a user has: a terminal paste, a CI log (buildkit ``#10 7.637`` prefixes,
ISO timestamps, ``Error:`` annotations, Cloud Foundry ``[STG/0] ERR`` tags), Windows paths, lines
hard-wrapped by an 80-column terminal, the GOPATH-era ``go get`` output of go1.11 and older, or a
``go … -x`` trace. Nothing here runs go; the patterns are the go command's own error wording, taken
from its source (each template in :data:`~gomodlab.diagnose.templates.TEMPLATES` names its go file).

How a text is read:

1. Lines are cleaned (CI prefixes, ANSI colours, ``file.go:L:C:`` positions) and hard wraps joined.
2. Lines are grouped into messages: go prints one error per unindented line and continues it on
   indented lines (import stacks, ``exit status 128:`` followed by git's stderr, checksum details),
   on lines after a trailing ``:``, and with fixed leads (``SECURITY ERROR``, ``server response:``).
   GOPATH-era ``go get`` printed git's stderr *before* its ``package P: exit status 128`` summary;
   those runs are one message too.
3. Each message is matched against :data:`TEMPLATES`. When several categories match one message
   (an auth failure inside a git failure inside a checksum-database 404), :data:`PRECEDENCE` picks
   one; it follows the labelling rules of the go-errors data set (README there).
4. The module and version are the innermost ``path@version`` (or ``path version:``, ``module
   path``, a cache path, a proxy URL) that the error chain names before the cause; see
   :func:`explain` for the per-category exceptions.
5. Messages naming the same category, module and version are merged; messages that match nothing
   and are not progress lines (``go: downloading …``) become ``unknown`` diagnoses.

Order: the problems of the last go command a paste shows (after a ``$ go …`` prompt: the command
that failed on the user) before those of earlier commands; then by :data:`PRECEDENCE` (unknown
last), diagnoses that name a module before those that do not, and by first line. The first diagnosis is the **primary** one: the problem to fix first.

Category precedence (earlier wins, within one message and for the order of the result)::

    private-module-auth  credentials missing or refused (also when wrapped in a git failure or
                         nested in a checksum-database 404 response)
    permission-denied    the local filesystem refused access (also when git reports it)
    checksum-mismatch    SECURITY ERROR: bits differ from go.sum or the checksum database
    cache-modified       go mod verify: dir/zip has been modified, missing/bad .ziphash
    zip-unreadable       a module zip that archive/zip or x/mod/zip rejects
    missing-gosum-entry  go.sum lacks a line the command needs
    module-not-found     404/410/400, unknown revision, no matching versions
    vcs-command-failed   any other failed git/hg/svn command (exit status 128, not installed, TLS)
    proxy-unreachable    the go command's own HTTP failed: DNS, refused, timeout, TLS, 5xx, EOF
    gomod-syntax         errors parsing go.mod (even when the cause is a Go too old)
    toolchain            requires go >= X, toolchain not available, note: module requires Go X
    invalid-module-path  malformed path, post-vN/major-version mismatch, declares its path as
    ambiguous-import     a package found in several modules
    unknown              none of the above
"""

from __future__ import annotations

import functools
import re
from collections import ChainMap
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from . import _triggers
from .fixes import _fix
from .messages import (_ANSI, _AT, _TOP, _CACHE_DIR, _CACHE_FILE, _CHAIN_HEAD, _NOISE, _NOISE_HEADS, _REQ_LINE, _URL, _VCS_DIR, _Context,
                       _Draft, _Line, _Mention, _clean, _is_modlike, _mentions, _mentions_any,
                       _MAX_WRAPPED, _module_root_guess, _pick, _progress, _segment, _settings, _strip_prefix, _unescape, _wrap_width)
from .templates import _PATH, _RANK, TEMPLATES

__all__ = ["Evidence", "Diagnosis", "MAX_EVIDENCE", "explain", "explain_file"]

#: Evidence lines kept per diagnosis: a log repeating one error a million times gives one diagnosis
#: with its first lines and the number of times it occurred (``occurrences``).
MAX_EVIDENCE = 100


@dataclass(frozen=True, slots=True)
class Evidence:
    """One input line a diagnosis rests on: its 1-based number and its text as given."""

    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """One problem found in the go command's output.

    ``module``/``version`` are what the error names (``None`` when it names none; for ``toolchain``
    without a module the version is the Go version required). ``cause`` is the failing command's
    own words (git's ``fatal:`` line, ``zip: not a valid zip file``, ``404 Not Found``);
    ``location`` a local file or directory the text names (the cache/vcs checkout, the cached zip,
    the go.mod with its line); ``url`` the request that failed. ``fix`` lists the smallest
    commands that repair it, in the order to run them.
    """

    category: str
    module: str | None
    version: str | None
    evidence: tuple[Evidence, ...]
    fix: tuple[str, ...]
    summary: str
    cause: str = ""
    location: str | None = None
    url: str | None = None
    occurrences: int = 1

    @property
    def lines(self) -> tuple[int, ...]:
        return tuple(e.line for e in self.evidence)

    @property
    def line_ranges(self) -> str:
        """The evidence lines as ranges: ``(3, 4, 5, 9)`` → ``3-5,9``."""
        out: list[str] = []
        start = prev = None
        for n in self.lines:
            if prev is not None and n == prev + 1:
                prev = n
                continue
            if start is not None:
                out.append(str(start) if start == prev else f"{start}-{prev}")
            start = prev = n
        if start is not None:
            out.append(str(start) if start == prev else f"{start}-{prev}")
        return ",".join(out)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (the ``gomodlab explain --format json`` objects)."""
        return {
            "category": self.category, "module": self.module, "version": self.version,
            "evidence": [{"line": e.line, "text": e.text} for e in self.evidence],
            "fix": list(self.fix), "summary": self.summary, "cause": self.cause,
            "location": self.location, "url": self.url, "occurrences": self.occurrences,
        }


# ---------------------------------------------------------------------------------------------
# Diagnosis of one message

# Which templates can match a text: those one of whose required literals it contains.
_BY_LITERAL: dict[str, list[int]] = {}
for _i, _t in enumerate(TEMPLATES):
    for _w in _triggers.required(_t.pattern):
        _BY_LITERAL.setdefault(_w, []).append(_i)


def _signals(text: str, literals: set[str]) -> list[tuple[int, str, re.Match[str]]]:
    """(offset, category, match) of each template match in ``text``, whose literals are given."""
    found = []
    candidates = {i for w in literals for i in _BY_LITERAL.get(w, ())}
    for i in sorted(candidates):
        t = TEMPLATES[i]
        for m in t.pattern.finditer(text):
            found.append((m.start(), t.category, m))
    return found


def _masked(bodies: tuple[str, ...]) -> str:
    """The message with progress/echo lines blanked (same offsets as the whole text)."""
    if len(bodies) == 1:       # most messages: no generator, no join
        return " " * len(bodies[0]) if _NOISE.match(bodies[0]) else bodies[0]
    return "\n".join(" " * len(b) if _NOISE.match(b) else b for b in bodies)


def _line_of(text: str, at: int) -> str:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return text[start:] if end < 0 else text[start:end]


def _fill_version(path: str, mentions: Sequence[_Mention], ctx: _Context, before_line: int) -> str | None:
    """A version for ``path`` from elsewhere in the message, else from ``go: downloading`` lines."""
    for m in mentions:
        if m.path == path and m.version:
            return m.version
    return ctx.version(path, before_line)


@dataclass(frozen=True, slots=True)
class _Reading:
    """What a message's text says wherever it stands in the input: the category that wins
    (``unknown`` when no template matches) and its match, the modules the text names and the one
    picked, the cause, location and URL. The rest of a diagnosis depends on the lines before."""

    full: str
    category: str
    match: re.Match[str] | None
    mentions: tuple[_Mention, ...]
    pick: _Mention | None
    cause: str
    location: str | None = None
    url: str | None = None


def _read(bodies: tuple[str, ...]) -> _Reading | None:
    """The reading of the message whose cleaned lines are ``bodies``; None if it is no error."""
    full, masked = "\n".join(bodies), _masked(bodies)
    literals = _triggers.present(masked)
    signals = _signals(masked, literals)
    if not signals and not _triggers.errorish(masked, literals):
        return None
    mentions = tuple(_mentions(full))
    if not signals:
        return _Reading(full, "unknown", None, mentions, _pick(mentions, len(full)), bodies[-1])
    category = min((c for _, c, _ in signals), key=_RANK.__getitem__)
    at, _, match = min((s for s in signals if s[1] == category), key=lambda s: s[0])
    url_m = (_URL.search(_line_of(full, at)) or _URL.search(full)) if ":/" in full else None
    return _Reading(full, category, match, mentions, _pick(mentions, at), _cause(category, full, match),
                    _location(category, full), url_m.group(0).rstrip(".:\"'") if url_m else None)


#: A log repeats its messages (every retry prints the same error; a CI log of retries is a quarter
#: error lines, 59 distinct messages): the readings of short messages are memoised, and reading
#: the messages of such a log takes a third of the work (instructions counted; explain as a whole
#: does two thirds of it). Bounded: at most this many readings of messages under :data:`_MEMO_TEXT`
#: characters.
_MEMO_SIZE = 1024
_MEMO_TEXT = 4096
_read_memo = functools.lru_cache(maxsize=_MEMO_SIZE)(_read)


def _diagnose(block: list[_Line], ctx: _Context) -> _Draft | None:
    if all(ln.noise for ln in block):
        return None
    bodies = tuple(ln.body for ln in block)
    r = _read_memo(bodies) if sum(map(len, bodies)) < _MEMO_TEXT else _read(bodies)
    if r is None:
        return None
    nos = [n for ln in block for n in ln.nos]
    full, mentions, pick, category, match = r.full, r.mentions, r.pick, r.category, r.match
    module = pick.path if pick else None
    version = pick.version if pick else None
    if category == "unknown":
        if pick and not version:
            version = _fill_version(pick.path, mentions, ctx, nos[0])
        return _Draft("unknown", module, version, nos, r.cause, None, None, full, nos[0], ctx.env)
    assert match is not None
    if pick is None:
        module = ctx.finding_before(nos[0])
    cause, location = r.cause, r.location

    unresolved = None
    if category == "missing-gosum-entry":
        module, version, unresolved = _missing_sum_module(full, mentions, module, version)
    elif category == "ambiguous-import":
        m = re.search(r"found\s+(?:package\s+)?(\S+)\s+in\s+multiple", full)
        module, version = (m.group(1) if m else module), None
    elif category == "gomod-syntax":
        module, version, cause, location = _gomod(full, block, mentions)
    elif category == "toolchain":
        module, version = _toolchain_module(full, block, match)
    elif category == "invalid-module-path":
        bad = re.search(r"malformed (?:module|import) path \"([^\"]+)\"", full)
        if bad and not (module and module.startswith(bad.group(1))):
            module = bad.group(1)
            version = next((m.version for m in _mentions_any(full) if m.path == module and m.version), None)
    elif category == "module-not-found":
        q = re.search(r"no matching versions for query\s+\"([^\"]*)\"", full)
        if q and not version:
            version = q.group(1)
    if module and not version and category not in ("ambiguous-import", "gomod-syntax", "toolchain", "missing-gosum-entry"):
        version = _fill_version(module, mentions, ctx, nos[0])
    return _Draft(category, module, version, nos, cause, location, r.url, full, nos[0], ctx.env, unresolved)


def _missing_sum_module(full: str, mentions: Sequence[_Mention], module: str | None, version: str | None
                        ) -> tuple[str | None, str | None, tuple[str, str] | tuple[str, str, frozenset[str]] | None]:
    """(module, version, or what decides them once the whole text is read: :func:`_resolve`)."""
    hint = re.search(r"to add(?: it)?:\s+go mod download ((?:" + _PATH + r")(?: " + _PATH + r")*)", full)
    if hint:
        path = hint.group(1).split()[0]
        shown = next((m.version for m in mentions if m.path == path and m.version), None)
        return (path, shown, None) if shown else (path, None, ("hint", path))
    pkg = re.search(r"missing go\.sum entry (?:for module providing|needed to verify) package (" + _PATH + ")", full)
    if pkg:
        package = pkg.group(1)
        named_modules = frozenset(m.path for m in mentions if m.kind in ("at", "pv", "cache")
                                  and (package == m.path or package.startswith(m.path + "/")))
        return None, None, ("package", package, named_modules)
    return module, version, None


def _resolve(unresolved: tuple[str, str] | tuple[str, str, frozenset[str]], ctx: _Context) -> tuple[str, str | None]:
    """Module and version of a missing go.sum entry, from what the whole text says: the module of
    go's hint, else the one providing the package (a module the message or a progress line names,
    else the repository root of the package path), at the last version progress lines name."""
    if unresolved[0] == "hint":
        path = unresolved[1]
    else:
        known = ChainMap(ctx.downloaded, ctx.found, dict.fromkeys(unresolved[2]))   # type: ignore[misc]
        path = _module_root_guess(unresolved[1], known)
    return path, ctx.version(path)


def _gomod(full: str, block: list[_Line], mentions: Sequence[_Mention]
           ) -> tuple[str | None, str | None, str, str | None]:
    """(module, version, cause, location) of a go.mod parse error.

    modload/modfile.go says ``errors parsing go.mod:`` for the main module's file (each error then
    starts with file:line) and ``M@V: parsing go.mod: go.mod:L: …`` for a dependency's, which
    lives in the module cache rather than in the user's tree.
    """
    dep = re.search(r"(?<!errors )parsing go\.mod:\s*(?:(\S*go\.mod(?::\d+){1,2}): )?", full)
    if dep:
        before = [m for m in mentions if m.start < dep.start() and m.kind in ("at", "pv") and m.version]
        if before:
            return before[-1].path, before[-1].version, full[dep.end():].split("\n", 1)[0].strip(), None
    cause, location = "", None
    for ln in block:
        if ln.position and re.search(r"go\.(?:mod|work)\b", ln.position):
            cause, location = ln.body, ln.position
            break
    if not cause:
        m = re.search(r"(\S*go\.(?:mod|work)(?::\d+){1,2}): ([^\n]+)", full)
        if m:
            cause, location = m.group(2), m.group(1)
        else:
            cause = _CHAIN_HEAD.sub("", block[-1].body)
    req = _REQ_LINE.search(full)
    if req:
        return req.group(1), req.group(2), cause, location
    return None, None, cause, location


def _toolchain_module(full: str, block: list[_Line], match: re.Match[str]) -> tuple[str | None, str | None]:
    text = match.group(0)
    line = _line_of(full, match.start())
    if "requires go >=" in text:
        go_version = text.split(">=", 1)[1].strip()
        what = _CHAIN_HEAD.sub("", line[: line.find(" requires go >=")])
        m = _AT.search(what)
        if m and _is_modlike(m.group(1)):
            return m.group(1), m.group(2)
        return None, go_version
    if "module requires Go" in text:
        # The note follows the compile errors of a package of that module: their file positions
        # name the module version in the cache.
        for ln in block:
            for src in (ln.position, ln.body):
                m = _CACHE_DIR.search(src.replace("\\", "/"))
                if m:
                    pv = _unescape(m.group("esc"), m.group("ev"))
                    if pv:
                        return pv
        return None, text.rsplit(" ", 1)[-1].rstrip(".")
    m = re.search(r"\b(go\d[\w.-]*)", line) or re.search(r"\bgo (\d[\w.]*)", line)
    return None, (m.group(1) if m else None)


def _cause(category: str, full: str, match: re.Match[str]) -> str:
    if category in ("vcs-command-failed", "private-module-auth", "permission-denied"):
        for line in full.split("\n"):
            if re.match(r"(?:fatal|ERROR|error|remote): ", line) or "Permission denied" in line:
                return line
    if category == "checksum-mismatch":
        parts = re.findall(r"^(downloaded|go\.(?:work\.)?sum|[\w.-]+):\s+(h1:\S+)$", full, re.M)
        if parts:
            return "checksum mismatch: " + ", ".join(f"{k} {v}" for k, v in parts)
    if "requires go >=" in match.group(0):
        return _CHAIN_HEAD.sub("", _line_of(full, match.start()).strip())
    if category in ("toolchain", "ambiguous-import", "missing-gosum-entry"):
        return " ".join(match.group(0).split())
    # The rest of the chain from the matched words on: "dial tcp …: i/o timeout",
    # "reading URL: 404 Not Found", "has post-v2 module path "…" at revision v2.0.0".
    rest = full[match.start():]
    end = rest.find("\n", len(match.group(0)))
    return " ".join((rest if end < 0 else rest[:end]).split())


def _location(category: str, full: str) -> str | None:
    slashed = full.replace("\\", "/")
    if category in ("vcs-command-failed", "private-module-auth"):
        m = _VCS_DIR.search(full)
        if m:
            return m.group(1) or m.group(2)
        m = re.search(r"\b(?:git|hg) clone (?:-\S+\s+)*\S+ (\S+)", full)
        if m:
            return m.group(1)
    if category == "cache-modified":
        m = re.search(r"has been modified \(([^)]+)\)", full)
        if m:
            return m.group(1)
    if category == "permission-denied":
        m = re.search(r"(?:^|\s)'?([^\s':]*[/\\.][^\s':]*)'?:\s*(?:[Pp]ermission denied|operation not permitted|read-only file system)", full, re.M)
        if m:
            return m.group(1)
    for rx, needs in ((_CACHE_FILE, "/cache/download/"), (_CACHE_DIR, "pkg/mod/")):
        m = rx.search(slashed) if needs in slashed else None
        if m:
            start, end = m.span()
            return full[start:end].lstrip("(")
    return None


# ---------------------------------------------------------------------------------------------

def explain(text: str) -> list[Diagnosis]:
    """Diagnose the output of a go command; the primary diagnosis is first.

    Per-category module and version (when the text names one):

    - ``missing-gosum-entry``: the module of go's ``to add: go mod download M`` hint, else the
      module providing the package (a module the text names, else the repository root of the
      package path); ``ambiguous-import``: the ambiguous package path, no version;
    - ``gomod-syntax``: the dependency whose go.mod failed to parse (``M@V: parsing go.mod``),
      else the ``require M: version "V" invalid`` line, else none;
    - ``toolchain``: the module version that needs a newer Go, else no module and the Go version;
    - ``module-not-found``: the query of ``no matching versions for query "Q"`` when no version
      is named; GOPATH-era messages: the repository of ``git clone URL``, else ``package P``.

    Where only a path is named, the version is taken from ``go: downloading P V`` lines.
    """
    text = _ANSI.sub("", text) if "\x1b" in text else text
    # A hard-wrapped paste may split the words the triggers look for: it is read whole.
    width = _wrap_width(text)
    return _explain([text], width)


#: How much of a file is read at once: memory stays a few times this, whatever the file's size.
PIECE = 4 << 20


def explain_file(file: BinaryIO) -> list[Diagnosis]:
    """:func:`explain` for a file of go output of any size, read once, a piece at a time, in
    memory bounded by :data:`PIECE` (a 100 MB CI log never lives in memory whole).

    ``file`` is a seekable binary file; undecodable bytes are read as U+FFFD. The diagnoses are
    those ``explain`` gives for the whole text, except where one message is longer than
    :data:`~gomodlab.diagnose._triggers.MAX_CARRY` (it is cut there).
    """
    def pieces() -> Iterator[str]:
        file.seek(0)
        rest = b""
        while block := file.read(PIECE):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            if cut == 0:             # one line longer than a piece: read on until it ends
                rest = block
                continue
            rest = block[cut:]
            yield _decoded(block[:cut])
        if rest:
            yield _decoded(rest)

    file.seek(0)
    head = file.read(_MAX_WRAPPED + 1)
    if len(head) <= _MAX_WRAPPED:
        return explain(_decoded(head))
    return _explain(pieces(), 0)


#: Progress lines kept, beyond one per module, before what earlier lines said is pruned
#: (:meth:`_Context.forget_before`). A pruning takes a step per module, so it waits for at least as
#: many new lines: its work stays linear in the text (pruning every 100,000 lines took 5% of
#: reading a 100 MB log naming 100,000 modules), the memory linear in the number of modules.
_FORGET_AFTER = 10_000


def _decoded(data: bytes) -> str:
    # Logs are mostly UTF-8, sometimes Windows code pages: never fail on a stray byte.
    text = data.decode("utf-8", errors="replace")
    return _ANSI.sub("", text) if "\x1b" in text else text


#: What merges diagnoses: (category, module, version), or (category, what decides them) while a
#: missing go.sum entry waits for the end of the text.
_Key = tuple[str, str | None, str | None] | tuple[str, tuple]


def _explain(pieces: Iterable[str], width: int) -> list[Diagnosis]:
    """The diagnoses of the text ``pieces`` yields in line-aligned parts, read once."""
    ctx = _Context()
    last = 0                   # the line of the last prompt ("$ go mod tidy")

    def read(pieces: Iterable[str]) -> Iterator[str]:
        # Each piece's settings and progress lines are known before any of its messages is read.
        # Once, not in a first pass of their own: that cost 0.12 s per 25 MB (a fifth of reading
        # a CI log), and only a missing go.sum entry needs to know how the text ends.
        nonlocal last
        line = 1
        for piece in pieces:
            _settings(piece, ctx)
            _progress(piece, ctx, line)
            prompt = _last_prompt(piece)
            if prompt >= 0:
                last = line + piece.count("\n", 0, prompt)
            line += piece.count("\n")
            yield piece

    parts = (_triggers.stream_windows(read(pieces), _is_noise, _starts_message, _NOISE_HEADS) if not width
             else [(1, text) for text in read(pieces)])
    merged: dict[_Key, _Draft] = {}
    counts: dict[_Key, int] = {}
    raw_of: dict[int, str] = {}
    for first, part in parts:
        if ctx.added > _FORGET_AFTER + len(ctx.downloaded) + len(ctx.found):
            ctx.forget_before(first)
        raw, lines = _clean(part, first, width)
        for block in _segment(lines):
            d = _diagnose(block, ctx)
            if d is None:
                continue
            key: _Key = (d.category, d.unresolved) if d.unresolved else (d.category, d.module, d.version)
            counts[key] = counts.get(key, 0) + 1
            if key not in merged:
                merged[key] = d
            elif len(merged[key].lines) < MAX_EVIDENCE:
                merged[key].lines.extend(d.lines)
            else:
                continue
            for n in d.lines:
                raw_of[n] = raw[n - first]
    # Now that the whole text is read, the missing go.sum entries' modules are known; one that
    # another message names in full is the same problem (its first message stays).
    for key in [k for k, d in merged.items() if d.unresolved]:
        d, n = merged.pop(key), counts.pop(key)
        d.module, d.version = _resolve(d.unresolved, ctx)    # type: ignore[arg-type]
        key = (d.category, d.module, d.version)
        if key in merged:
            d, other = (d, merged[key]) if d.first < merged[key].first else (merged[key], d)
            d.lines.extend(other.lines)
        merged[key] = d
        counts[key] = counts.get(key, 0) + n
    # The last go command a paste shows ("$ go mod tidy") is the one whose failure the user met:
    # its problems come first, those of the commands before it (go mod verify's findings) after.
    ordered = sorted(merged.values(), key=lambda d: (d.first < last, _RANK[d.category], d.module is None, d.first))
    out = []
    for d in ordered:
        fixes, summary = _fix(d)
        evidence = tuple(Evidence(n, raw_of[n]) for n in sorted(set(d.lines))[:MAX_EVIDENCE])
        out.append(Diagnosis(d.category, d.module, d.version, evidence, tuple(fixes), summary, d.cause,
                             d.location, d.url, counts[(d.category, d.module, d.version)]))
    return out


_PROMPT = re.compile(r"^(?:\$|>|PS [^>\n]*>|[\w.@-]+[:~][^$\n]*\$) go \w", re.M)


def _last_prompt(text: str) -> int:
    """The offset of the last line of ``text`` that shows a shell prompt running go, or -1.

    Such a line holds ``$ go `` or ``> go ``: searching back for those is two fast string
    searches, where :data:`_PROMPT` (anchored at line starts) is tried at every offset (9 ns a
    character: 0.9 s of a 100 MB log). A line that holds one but is no prompt is passed over
    whole: each line is looked at once.
    """
    end = len(text)
    while (at := max(text.rfind("$ go ", 0, end), text.rfind("> go ", 0, end))) >= 0:
        start = text.rfind("\n", 0, at) + 1
        if _PROMPT.match(text, start):
            return start
        end = start
    return -1


def _starts_message(line: str) -> bool:
    """A go message's head (``go: …``, ``go get …``): a new message whatever came before."""
    return bool(_TOP.match(_strip_prefix(line.strip())))


def _is_noise(line: str) -> bool:
    """A progress or echo line (``go: downloading M V``): never the start of a diagnosis."""
    return bool(_NOISE.match(_strip_prefix(line.strip())))
