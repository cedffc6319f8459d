"""go's output read into messages, and the modules each message names.

Lines are cleaned (CI prefixes, ANSI colours, ``file.go:L:C:`` positions) and hard wraps joined;
lines are grouped into messages (go prints one error per unindented line and continues it on
indented lines, after a trailing ``:``, and with fixed leads such as ``server response:``); each
message is searched for the modules it names (``path@version``, ``path version:``, cache paths,
proxy URLs). :class:`_Draft` is one message's diagnosis before messages are merged and fixed.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TypeVar

from ..mod import modpath
from .templates import _PATH, _QUERIES

# ---------------------------------------------------------------------------------------------
# Lines

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# CI and tool prefixes, stripped repeatedly from the start of a line. "Error:"/"Warning:" are CI
# annotations; git's own "error:" is lower case and stays. "-> " is fetch.go echoing unzip errors.
_PREFIX = re.compile(r"""
    \#\d+\ \d+(?:\.\d+)?\                                                  # docker buildkit
  | \s*\[?\d{4}-\d{2}-\d{2}[T\ ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\]?\s   # timestamps
  | \[[A-Z]+/\d+\]\ (?:OUT|ERR)\                                           # Cloud Foundry
  | \[?\d{2}:\d{2}:\d{2}(?:\.\d+)?\]?\ (?=\S)                              # time of day
  | \#\#\[(?:error|warning|notice|debug)\] | ::(?:error|warning|notice)[^:]*::   # GitHub Actions
  | (?:Error|Warning):\ 
  | ->\  | >\ ?(?=\S)
  | [\w.-]++\s++\|\ (?=\S)                                                 # docker compose
""", re.X)
_POSITION = re.compile(r"(?:[A-Za-z]:)?[^\s:\"'(]*?\.(?:go|mod|work|sum|s|c|h|cc|cpp|m|swig|syso)(?::\d+){1,2}:\s")
_TOP = re.compile(r"go(?: [\w-]+)*: |go (?:get|install|build|run|test|list|vet|mod \w+|work \w+)\b")
_WRAP_WIDTHS = (80, 100, 120, 132, 160, 200, 250)


@dataclass(slots=True)
class _Line:
    nos: list[int]          # physical line numbers (1-based) joined into this line
    body: str               # cleaned text: no prefix, position or surrounding whitespace
    indent: int
    soft: bool              # ended in whitespace: a wrap between words
    position: str = ""      # a stripped "file.go:L:C" prefix
    noise: bool = False     # a progress or echo line (_NOISE)


def _strip_prefix(s: str) -> str:
    for _ in range(6):
        m = _PREFIX.match(s)
        if not m or not m.end():
            break
        s = s[m.end():]
    return s


def _raw_lines(text: str) -> list[str]:
    # A carriage return inside a line is a progress display overwriting itself: keep what was left.
    raw = [ln.rstrip("\r").rsplit("\r", 1)[-1] for ln in text.split("\n")] if "\r" in text else text.split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    return raw


#: Terminal pastes are small; a text longer than this is never read as hard-wrapped (finding the
#: width would mean splitting all of a long log into lines).
_MAX_WRAPPED = 4_000_000


def _wrap_width(text: str) -> int:
    """The terminal width ``text`` was hard-wrapped at, or 0 when it was not wrapped."""
    if len(text) > _MAX_WRAPPED:
        return 0
    raw = _raw_lines(text)
    width = max((len(r) for r in raw), default=0)
    at_width = sum(len(r) == width for r in raw)
    return width if width in _WRAP_WIDTHS and (width == 80 or at_width >= 2) else 0


def _clean(text: str, first: int = 1, width: int = 0) -> tuple[list[str], list[_Line]]:
    """The lines of ``text`` as given (``raw``) and cleaned; ``first`` is the number of its first
    line in the whole input, ``width`` the terminal width it was hard-wrapped at (0: none)."""
    raw = _raw_lines(text)
    if not width:
        return raw, [_Line([n], *_cleaned(r)) for n, r in enumerate(raw, first)]
    lines: list[_Line] = []
    i = 0
    while i < len(raw):
        nos = [i + 1]
        s = _strip_prefix(raw[i])
        # A terminal hard wrap: the line fills the width exactly and the next one carries on. A
        # next line with a log prefix of its own, or starting a go message, is a line of its own.
        while len(raw[nos[-1] - 1]) == width and nos[-1] < len(raw) and raw[nos[-1]].strip():
            nxt = raw[nos[-1]]
            if _strip_prefix(nxt) != nxt or _TOP.match(nxt) or _POSITION.match(nxt):
                break
            s += nxt
            nos.append(nos[-1] + 1)
        i = nos[-1]
        lines.append(_Line([n + first - 1 for n in nos], *_tidied(s)))
    return raw, lines


def _tidied(s: str) -> tuple[str, int, bool, str, bool]:
    """(body, indent, soft, position, noise) of the line ``s``, its log prefixes stripped (see :class:`_Line`)."""
    stripped = s.lstrip()
    indent = len(s[:len(s) - len(stripped)].expandtabs(8))
    body = stripped.rstrip()
    soft = bool(body) and body != stripped
    position = ""
    m = _POSITION.match(body)
    if m:
        position, body = body[:m.end()].rstrip(": \t"), body[m.end():].lstrip()
    return body, indent, soft, position, bool(_NOISE.match(body))


_T = TypeVar("_T")
_MEMO_LINE = 1024


def _memoised(fn: Callable[[str], _T]) -> Callable[[str], _T]:
    """``fn`` of a line, its results for the last 4096 lines of up to :data:`_MEMO_LINE`
    characters kept: a log repeats its lines (each retry prints the same error)."""
    memo = functools.lru_cache(maxsize=4096)(fn)

    @functools.wraps(fn)
    def call(line: str) -> _T:
        return memo(line) if len(line) <= _MEMO_LINE else fn(line)
    return call


def _cleaned(raw: str) -> tuple[str, int, bool, str, bool]:
    """:func:`_tidied` of one raw line. A line that starts with a noise head has no prefix,
    indent or position (tested); other lines are memoised. Together: cleaning the windows of a
    log of retries takes half the work (instructions counted)."""
    if raw.startswith(_NOISE_HEADS):
        body = raw.rstrip()
        if body == raw:
            return body, 0, False, "", True
        return body, 0, bool(body), "", bool(_NOISE.match(body))    # "# get " less its space is no noise
    return _cleaned_line(raw)


@_memoised
def _cleaned_line(raw: str) -> tuple[str, int, bool, str, bool]:
    return _tidied(_strip_prefix(raw))


# ---------------------------------------------------------------------------------------------
# Messages

_CONT_LEAD = re.compile(r"""(?:
    SECURITY\ (?:ERROR|WARNING) | This\ download | The\ bits\ may | have\ intercepted | For\ more\ information,\ see
  | The\ checksum\ server | not\ contain\ an\ entry | intercepted\ the\ checksum | The\ download\ cannot\ be\ verified
  | downloaded:\  | go\.(?:work\.)?sum:\  | [\w.-]++:\ +h1:
  | server\ response: | (?:not\ found|gone):\ 
  | Confirm\ the\ import\ path | If\ this\ is\ a\ private\ repository
  | note:\ (?:module\ requires\ Go|imported\ by\ a\ module) | module\ requires\ Go
  | (?:module\ declares\ its\ path\ as|but\ was\ required\ as)
)""", re.X)
_AFTER_BLANK = re.compile(r"SECURITY |This download|The bits|have intercepted|For more information|The checksum server|not contain|intercepted")
_GIT_LEAD = re.compile(r"""(?:fatal|error|remote|warning|hint|ERROR|ssh):\s|Please\ make\ sure|and\ the\ repository\ exists
  |Cloning\ into|Host\ key\ verification|[\w.-]++@[\w.-]++:\ Permission\ denied|Permission\ denied\ \(|Connection\ (?:closed|reset)\ by
  |kex_exchange|Could\ not\ resolve\ hostname|The\ authenticity\ of\ host""", re.X)
_LOOSE_LEAD = re.compile(r"(?:#\s)?cd \S+; (?:git|hg|svn|bzr|fossil)\b|Cloning into |Fetching https?://|https fetch failed|import \"")
_SUMMARY = re.compile(r"package \S+: ")
# Possessive (++): a run of characters the next one cannot be part of is never given back, which
# spares trying the rest after each of its characters (_AMBIG_ITEM on a line of go's: 23,000
# instructions, now 5,000); the matches are the same.
_AMBIG_ITEM = re.compile(r"\S++(?: \S++)? \(|/")
_NOISE = re.compile(r"""(?:
    go:\ (?:downloading|extracting|finding|found|added|upgraded|downgraded|removed|switching\ to|warning:|to\ add\ module\ requirements
           |module\ \S+\ is\ deprecated|error\ loading\ module\ requirements)
  | go:\ .*\ requires\ go\ >=\ \S+;\ switching\ to\ 
  | \d+\.\d+s\ \# | \#\ (?:get|lock)\  | (?:\#\s)?cd\ \S+;\ (?:git|hg|svn|bzr|fossil)\b
  | (?:mkdir|rm|cp|mv|cat|touch|unzip|chmod)\ (?!.*:\s)                  # -x shell echo, not "unzip X: err"
  | Cloning\ into | Fetching\ https?:// | https\ fetch\ failed\.?$
  | Step\ \d+/\d+ | ---> | Removing\ intermediate\ container | \[Pipeline\] | \#\d+\ (?:\[|DONE|CACHED|ERROR|sha256|extracting|resolve|transferring)
  | make(?:\[\d+\])?:\ \*\*\* | Error:\ Process\ completed | exit\ status\ \d+$ | \$\  | go\ version\ go | \#\ [\w./-]+$
)""", re.X)

#: Line starts that make a line a progress or echo line whatever follows: alternatives of
#: :data:`_NOISE` that no :data:`_PREFIX` matches (tested), so one ``startswith`` tells such a line.
_NOISE_HEADS = ("go: downloading ", "go: extracting ", "go: finding ", "# get ", "# lock ")


def _continues(block: list[_Line], ln: _Line, blank: bool) -> bool:
    first, prev = block[0], block[-1]
    body = ln.body
    if blank:
        return ln.indent > first.indent or bool(_AFTER_BLANK.match(body))
    if ln.indent > first.indent or _CONT_LEAD.match(body):
        return True
    if (prev.body.endswith((":", " imports", " requires")) or prev.soft) and (prev.soft or not _TOP.match(body)):
        # "; to add:" announces go's hint command; a paste that dropped the hint goes on with
        # the next, independent error.
        return not prev.body.endswith("to add:") or bool(re.match(r"(?:go|cd) ", body))
    if _GIT_LEAD.match(body) and any("exit status" in b.body or _GIT_LEAD.match(b.body) for b in block[1:]):
        return True
    if _AMBIG_ITEM.match(body) and any(" in multiple " in b.body for b in block):
        return True
    return False


def _segment(lines: list[_Line]) -> list[list[_Line]]:
    blocks: list[list[_Line]] = []
    mode = ""                  # "loose" or "strict" while a GOPATH-era run waits for its summary
    blank = False
    for ln in lines:
        if not ln.body:
            blank = True
            continue
        if blocks and mode:
            if blank:
                mode = ""
            elif _SUMMARY.match(ln.body):
                blocks[-1].append(ln)
                mode = ""
                continue
            elif (mode == "loose" and not _TOP.match(ln.body)) or (mode == "strict" and _GIT_LEAD.match(ln.body)):
                blocks[-1].append(ln)
                continue
            else:
                mode = ""
        if blocks and _continues(blocks[-1], ln, blank):
            blocks[-1].append(ln)
        else:
            blocks.append([ln])
            mode = "loose" if _LOOSE_LEAD.match(ln.body) else "strict" if _GIT_LEAD.match(ln.body) else ""
        blank = False
    return blocks


# ---------------------------------------------------------------------------------------------
# Modules named in a message

@dataclass(slots=True)
class _Mention:
    """A module (or package) path the message names, and how: ``at`` path@version, ``pv``
    verify.go's "path version:", ``mod`` "module path", ``goget`` "go get path:", ``pkg`` a
    package, ``clone`` a GOPATH-era git clone URL, ``chain`` a bare "path:" in the error chain,
    ``cache`` a module-cache path, ``url`` a proxy, sumdb or ?go-get=1 URL (the weakest)."""

    start: int
    path: str
    version: str | None
    kind: str

    @property
    def strong(self) -> bool:
        return self.kind != "url"


# A pattern that starts with a lookbehind or an alternation is tried at every offset: a lookahead
# for the characters a match can start with makes each try one test (_AT and _PKG take a third of
# the time), and a leading literal lets the search skip to it (_MOD: a twentieth).
_AT = re.compile(r"(?=[A-Za-z0-9])(?<![\w/\\.!~+@-])(" + _PATH + r")@([\w.+~-]+(?:/go\.mod)?)")
_PV = re.compile(r"^(" + _PATH + r") (v\d[\w.+~-]*):", re.M)
_MOD = re.compile(r"module (?<!\wmodule )(" + _PATH + r")(?=:|\s|$)", re.M)
_GOGET = re.compile(r"^go (?:get|install|mod download)(?: -\S+)* (" + _PATH + r"):", re.M)
_PKG = re.compile(r"(?=[picu])(?:^package |import \"|\bcannot load |unrecognized import path \"|\bprovides package "
                  r"|\bproviding package )(" + _PATH + r")", re.M)
_CLONE = re.compile(r"\b(?:git|hg) clone (?:-\S+\s+)*(\S+)")
_CHAIN_HEAD = re.compile(r"^(?:go(?: [\w-]+)*: |go (?:get|install|mod download)(?: -\S+)*: )")
# Paths and URLs start where a token starts (after a space, a quote or a parenthesis): a pattern
# free to start anywhere inside a long token would rescan the token from every character.
_TOKEN_START = r"(?<![^\s\"'(])"
_CACHE_FILE = re.compile(_TOKEN_START + r"(?P<root>[^\s\"'()]*?)/cache/download/(?P<esc>[^@\s\"'()]+?)/@v/"
                         r"(?P<ev>[^/\s\"'()]+?)\.(?:zip|mod|info|ziphash|lock|partial)(?:\d+\.tmp)?\b")
_CACHE_DIR = re.compile(_TOKEN_START + r"(?P<root>(?:[A-Za-z]:)?/?[^\s\"'()@]*?pkg/mod)/(?P<esc>(?!cache/)[^@\s\"'()]+)"
                        r"@(?P<ev>[^/\s\"'():]+)")
_PROXY_URL = re.compile(_TOKEN_START + r"(?P<url>(?:https?|file):/+[^\s\"]+?)/(?P<esc>[^\s\"]+?)/@(?:v/(?P<ev>[^/\s\"]+?)"
                        r"\.(?:info|mod|zip)|v/list|latest)")
_SUMDB_URL = re.compile(_TOKEN_START + r"https?://\S+?/lookup/(?P<esc>[^@\s]+)@(?P<ev>[^\s:\"]+)")
_GOGET_URL = re.compile(_TOKEN_START + r"https?://(?P<path>[^\s?\"]+)\?go-get=1")
_URL = re.compile(_TOKEN_START + r"(?:https?|file):/+[^\s\"'),]+")
_REQUIRES_NEXT = re.compile(r"\s+requires\b")
#: No module path, version or URL in go's messages comes near this length; longer tokens are left
#: out of the search, which bounds every pattern's work per character of the text.
_MAX_TOKEN = 2048
_VCS_DIR = re.compile(r"\bin (\S+?[/\\]cache[/\\]vcs[/\\][0-9a-f]{64})\b|\bin (\S+): (?:exit status|signal)")


def _is_modlike(path: str) -> bool:
    first = path.split("/", 1)[0]
    return ("." in first and any(c.isalpha() for c in first) and ".." not in path
            and not path.endswith((".go", ".mod", ".sum", ".zip", ".info", ".ziphash", ".lock", ".txt", ".json")))


def _good_version(path: str, v: str) -> bool:
    return bool(re.match(r"v\d", v)) or v in _QUERIES or bool(re.fullmatch(r"[0-9a-f]{7,40}", v)) or "/" in path


def _unescape(esc: str, ev: str | None) -> tuple[str, str | None] | None:
    try:
        path = modpath.unescape_path(esc.replace("%21", "!"))
        version = modpath.unescape_version(ev.replace("%21", "!")) if ev else None
    except ValueError:
        return None
    return path, version


def _proxy_module(esc: str) -> str:
    """The module part of a proxy URL path: a proxy base may have path elements of its own
    (``/api/go/virtual/``), so the module starts at the first element with a dot."""
    parts = esc.split("/")
    for i, p in enumerate(parts):
        if "." in p:
            return "/".join(parts[i:])
    return esc


def _without_long_tokens(text: str) -> str:
    """``text`` with every token longer than :data:`_MAX_TOKEN` blanked out (offsets kept)."""
    if max(map(len, text.split()), default=0) <= _MAX_TOKEN:
        return text
    return re.sub(r"\S+", lambda m: m.group() if len(m.group()) <= _MAX_TOKEN else " " * len(m.group()), text)


def _mentions(text: str) -> list[_Mention]:
    out: list[_Mention] = []
    text = _without_long_tokens(text)
    slashed = text.replace("\\", "/")

    def add(start: int, path: str, version: str | None, kind: str) -> None:
        if version and version.endswith("/go.mod"):
            version = version[: -len("/go.mod")]
        if version:
            version = version.rstrip(".")
        out.append(_Mention(start, path, version or None, kind))

    # Each pattern runs only where its fixed text occurs ("@", "pkg/mod", "://"): a regular
    # expression that starts with a character class is tried at every offset (halves explain's time).
    for m in _AT.finditer(text) if "@" in text else ():
        path, version = m.group(1), m.group(2)
        if _is_modlike(path) and _good_version(path, version) and not _REQUIRES_NEXT.match(text, m.end()):
            add(m.start(), path, version, "at")
    for m in _PV.finditer(text):
        if _is_modlike(m.group(1)):
            add(m.start(), m.group(1), m.group(2), "pv")
    for rx, kind in ((_MOD, "mod"), (_GOGET, "goget"), (_PKG, "pkg")):
        for m in rx.finditer(text):
            if _is_modlike(m.group(1)):
                add(m.start(1), m.group(1), None, kind)
    for m in _CLONE.finditer(text) if " clone " in text else ():
        repo = re.sub(r"^(?:[a-z+]+://)?(?:[^@/]+@)?", "", m.group(1)).replace(":", "/").removesuffix("/").removesuffix(".git")
        if _is_modlike(repo):
            add(m.start(), repo, None, "clone")
    pos = 0
    for line in text.split("\n"):
        rest = _CHAIN_HEAD.sub("", line)
        offset = pos + len(line) - len(rest)
        for elem in rest.split(": ")[:-1]:
            if not re.fullmatch(_PATH, elem) or not _is_modlike(elem):
                break
            add(offset, elem, None, "chain")
            offset += len(elem) + 2
        pos += len(line) + 1
    for rx in (_CACHE_FILE, _CACHE_DIR) if "pkg/mod" in slashed or "/cache/download/" in slashed else ():
        for m in rx.finditer(slashed):
            pv = _unescape(m.group("esc"), m.group("ev"))
            if pv and _is_modlike(pv[0]):
                add(m.start(), pv[0], pv[1], "cache")
    for m in _PROXY_URL.finditer(text) if "://" in text and "/@" in text else ():
        pv = _unescape(_proxy_module(m.group("esc")), m.group("ev"))
        if pv and _is_modlike(pv[0]):
            add(m.start(), pv[0], pv[1], "url")
    for m in _SUMDB_URL.finditer(text) if "/lookup/" in text else ():
        pv = _unescape(m.group("esc"), m.group("ev"))
        if pv:
            add(m.start(), pv[0], pv[1], "url")
    for m in _GOGET_URL.finditer(text) if "?go-get=1" in text else ():
        if _is_modlike(m.group("path")):
            add(m.start(), m.group("path").rstrip("/"), None, "url")
    out.sort(key=lambda x: x.start)
    return out


def _mentions_any(text: str) -> list[_Mention]:
    """``path@version`` tokens whatever the path looks like (for paths go rejects as malformed)."""
    return [_Mention(m.start(), m.group(1), m.group(2), "at") for m in _AT.finditer(text)]


def _pick(mentions: Sequence[_Mention], at: int) -> _Mention | None:
    """The innermost module of the error chain at ``at``: the last one named before the cause."""
    for strong in (True, False):
        before = [m for m in mentions if m.start < at and m.strong == strong]
        if before:
            return before[-1]
    for strong in (True, False):
        after = [m for m in mentions if m.start >= at and m.strong == strong]
        if after:
            return after[0]
    return None


_MAJOR = re.compile(r"v(?:[2-9]|[1-9]\d+)")


def _module_root_guess(pkg: str, known: Container[str]) -> str:
    """The module providing package ``pkg`` when the text does not say.

    A module the text names elsewhere wins (the longest prefix of ``pkg``); otherwise the repository
    root go would find: vcs/vcs.go's static table (github.com/OWNER/REPO, bitbucket.org/…,
    an explicit ``.git`` suffix), golang.org/x/NAME, gopkg.in/[USER/]NAME.vN, and HOST/NAME for
    vanity hosts, followed by a ``/vN`` major-version element when there is one.
    """
    elems = pkg.split("/")
    for n in range(len(elems), 0, -1):
        if "/".join(elems[:n]) in known:
            return "/".join(elems[:n])
    host = elems[0]
    vcs = re.match(r"(.*?\.(?:git|hg|svn|bzr|fossil))(?:/|$)", pkg)
    if vcs:
        n = vcs.group(1).count("/") + 1
    elif host in ("github.com", "bitbucket.org", "gitlab.com", "git.openstack.org", "codeberg.org", "gitee.com"):
        n = 3
    elif host == "hub.jazz.net":
        n = 4
    elif host == "golang.org" and len(elems) > 1 and elems[1] == "x":
        n = 3
    elif host == "gopkg.in":
        n = 2 if len(elems) > 1 and re.search(r"\.v\d+$", elems[1]) else 3
    else:
        n = 2
    n = min(n, len(elems))
    if n < len(elems) and host != "gopkg.in" and _MAJOR.fullmatch(elems[n]):
        n += 1
    return "/".join(elems[:n])


# ---------------------------------------------------------------------------------------------
# What a whole text and a single message say

@dataclass(slots=True)
class _Context:
    """What the text says that a single message may need: the versions ``go: downloading`` lines
    name, the packages ``go: finding module for package`` lines look for, and the user's settings.

    A long text is read once, a piece at a time; a piece's progress lines are known before its
    messages are read (:func:`_progress`). What lies before every message still to come is
    dropped (:meth:`forget_before`) but for the last version of each module, which also tells,
    once the whole text is read, the version each module ends with. ``downloaded`` and ``found``
    hold, per module path, (line, version) of its ``downloading``/``extracting`` and of its
    ``finding`` lines, in line order.
    """

    downloaded: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    found: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    finding_lines: list[int] = field(default_factory=list)
    finding: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)      # the last value of each setting shown
    added: int = 0             # progress lines kept since the last forget_before

    def version(self, path: str, before_line: int | None = None) -> str | None:
        """The version the last ``downloading``/``extracting`` (else ``finding``) line names,
        before ``before_line`` or, when it is None, in all the text read."""
        for lines in (self.downloaded, self.found):
            seen = lines.get(path)
            if not seen:
                continue
            i = len(seen) if before_line is None else bisect.bisect_right(seen, before_line, key=itemgetter(0))
            if i:
                return seen[i - 1][1]
        return None

    def finding_before(self, line: int) -> str | None:
        i = bisect.bisect_left(self.finding_lines, line)
        return self.finding[i - 1] if i else None

    def forget_before(self, line: int) -> None:
        """Drop what no question about ``line`` or later needs: of the lines before it, only the
        last of each kind per module (and the last package looked for) can still be an answer."""
        for lines in (self.downloaded, self.found):
            for seen in lines.values():
                if len(seen) > 1 and seen[1][0] < line:
                    del seen[:bisect.bisect_left(seen, line, key=itemgetter(0)) - 1]
        i = bisect.bisect_left(self.finding_lines, line)
        if i > 1:
            del self.finding_lines[:i - 1], self.finding[:i - 1]
        self.added = 0


# Matched on the whole text at once (one pass in C), not line by line. "go: " starts a line after
# any log prefix: the lookbehind after it wants a space, "]", ">" or "|" (or nothing) before it,
# and keeps "go: " the pattern's first text, which the search skips to.
_PROGRESS = re.compile(r"go: (?<![^\s\]>|]go: )(?:(downloading|extracting|finding) (" + _PATH + r") (\S+?)"
                       r"|finding module for package (" + _PATH + r"))\r?$", re.M)


# go env output (GOPROXY='…'), shell exports and CI env blocks: the user's own settings, which a
# fix must keep rather than replace with defaults.
# "GO" comes first so that the search skips to each "GO" (a pattern that starts with a lookbehind
# is tried at every offset: 16 ns a character, now 0.3).
_SETTING = re.compile(r"(GO(?<![\w$]GO)(?:PROXY|FLAGS|PRIVATE|NOPROXY|NOSUMDB|SUMDB|INSECURE))[=:]\s?['\"]?([^'\"\s]*)")


def _settings(text: str, ctx: _Context) -> None:
    """The settings a piece of the text shows, kept in ``ctx.env`` (a later piece overrides)."""
    if "GO" in text:
        for m in _SETTING.finditer(text):
            ctx.env[m.group(1)] = m.group(2)


def _progress(text: str, ctx: _Context, first: int = 1) -> None:
    """The progress lines of a piece whose first line is number ``first``, kept in ``ctx``. A
    line repeating the version the last line of its kind named for the same module
    adds nothing, nor one repeating the last package looked for: no answer changes."""
    line, at, added = first, 0, 0
    for m in _PROGRESS.finditer(text):
        verb, path, version, package = m.groups()
        start = m.start()
        line += text.count("\n", at, start)
        at = start
        if verb:
            lines = ctx.found if verb == "finding" else ctx.downloaded
            seen = lines.get(path)
            if seen is None:
                lines[path] = [(line, version)]
            elif seen[-1][1] != version:
                seen.append((line, version))
            else:
                continue
        elif not ctx.finding or ctx.finding[-1] != package:
            ctx.finding_lines.append(line)
            ctx.finding.append(package)
        else:
            continue
        added += 1
    ctx.added += added


@dataclass(slots=True)
class _Draft:
    category: str
    module: str | None
    version: str | None
    lines: list[int]
    cause: str
    location: str | None
    url: str | None
    text: str                  # the message text (cleaned), for fixes that quote go's own hints
    first: int
    env: dict[str, str] = field(default_factory=dict)   # GOPROXY, GOFLAGS, GOPRIVATE… the input shows
    # What decides module and version once the whole text is read (a missing go.sum entry's
    # module is the version the log ends with): ("hint", module) or ("package", path, the modules
    # the message names that could provide it).
    unresolved: tuple[str, str] | tuple[str, str, frozenset[str]] | None = None


_REQ_LINE = re.compile(r"\b(?:require|exclude|replace|retract)\s+(" + _PATH + r"):?\s+version\s+\"([^\"]+)\"\s+invalid")
