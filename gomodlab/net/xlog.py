"""What ``go … -x`` printed, and what GOPROXY access logs recorded, as one DataFrame.

With ``-x`` the go command traces its network and version-control work on stderr:

- ``web/http.go``: ``# get URL`` before each GET, then ``# get URL: 200 OK (0.010s)`` when the
  response headers arrive (the status line as the server sent it, wall time with ``%.3f``), or
  ``# get URL: <transport error>``. Requests run concurrently, so start and end lines of different
  URLs interleave; a request that never got an answer has only its start line.
- ``modfetch/codehost/codehost.go``: ``cd DIR; git …`` before a version-control command and
  ``0.002s # cd DIR; git …`` after it; arguments quoted by go's own rules (``'…'`` for arguments
  with blanks or shell metacharacters, ``"…"`` with backslash escapes for those containing ``'``).
  Its failure shows up later as ``git … in DIR: exit status 128:`` followed by git's stderr.
  ``WorkDir`` adds ``mkdir -p DIR # git3 URL``, ``# lock DIR.lock`` and ``# DIR for git3 URL``.
- ``cmd/go/internal/vcs``: repository-root pings, ``cd DIR`` then ``git ls-remote …``, untimed.

Everything else (``go: downloading`` lines, compiler and linker commands, CI prefixes such as
GitHub's timestamps or BuildKit's ``#12 0.345``) is skipped; a line that cannot be understood is
skipped too, never fatal. Access logs of a GOPROXY are read into the same columns: common and
combined log format (Apache, nginx, Python's ``http.server``) and JSON lines (the lab server's own
log, Caddy, or any object with a method, a path or URL and a status).

Columns of :func:`parse` (one row per request, command, lock or workdir reuse):

===============  ===================  ===========================================================
column           dtype                meaning
===============  ===================  ===========================================================
kind             str                  ``http``, ``git``, ``command`` (other VCS tools, ``mkdir``),
                                      ``lock`` or ``vcs-reuse``
source           str                  ``x`` (a -x trace) or ``access`` (an access log)
url              str                  requested URL as printed (access logs: base + path when the
                                      base is known, else the path)
proxy            str                  proxy base: the URL before ``/<module>/@v/`` or ``/@latest``
module           str                  module path, unescaped (``""`` when the URL names none)
version          str                  version, unescaped (``""`` for list, latest and others)
endpoint         str                  ``list``, ``info``, ``mod``, ``zip``, ``latest``, ``sumdb``,
                                      ``go-get`` or ``""``
method           str                  ``GET`` for go's requests; as logged for access logs
status_code      Int64                HTTP status (NA: no response)
status           str                  the status as go printed it (``404 Not Found``)
duration_s       float64              seconds, as go or the server measured it (NaN: unknown)
finished         boolean              an end line was seen (NA: go prints no end for this kind)
error            str                  transport error, or a command's exit error and git's stderr
start_line       Int64                1-based line of the start line (NA: only the end was seen)
end_line         Int64                line of the end line (access logs: the record's line)
time             datetime64[ns, UTC]  when the server logged it (access logs; NaT for -x)
directory        str                  a command's working directory
argv             object               a command's arguments, go's quoting undone (tuple of str)
exit_status      Int64                a command's exit status when go reported it
remote           str                  repository URL of a VCS work dir (commands, mkdir, locks)
file             str                  lock file, or the VCS work dir of a ``vcs-reuse`` line
bytes            Int64                response body bytes (access logs)
delay_s          float64              delay the lab server injected
fault            str                  what the lab server injected: ``error``, ``stall``, ``missing``,
                                      ``refused``, or ``""``
===============  ===================  ===========================================================

``df.attrs`` holds ``lines`` (lines read) and ``skipped`` (lines that looked like trace lines but
could not be read). Statistics over this table are in :mod:`gomodlab.net.logstats`.
"""

from __future__ import annotations

import gc
import json
import math
import os
import re
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from ..errors import SourceError
from .proxyurl import lenient_unescape_version, split_base, split_url

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "COLUMNS", "parse", "LogBatch", "split_url", "split_command",
]

#: Column names of :func:`parse`, in order.
COLUMNS = ("kind", "source", "url", "proxy", "module", "version", "endpoint", "method", "status_code",
           "status", "duration_s", "finished", "error", "start_line", "end_line", "time", "directory",
           "argv", "exit_status", "remote", "file", "bytes", "delay_s", "fault")

# Layout of the rows other than "# get" requests while parsing: a mutable list per row (indices
# below), turned into columns once at the end.
(_KIND, _SOURCE, _URL, _METHOD, _CODE, _STATUS, _DUR, _FIN, _ERR, _START, _END, _TIME, _DIR, _ARGV,
 _EXIT, _REMOTE, _FILE, _BYTES, _DELAY, _FAULT, _BASE) = range(21)
_NROW = 21

_ECHO_RE = re.compile(r"(\d+\.\d+)s # (.+)$")
# codehost.WorkDir's work-dir types: "git3" (codehost/git.go) and "vcs1.<hg|svn|bzr|fossil>" (vcs.go).
_MKDIR_RE = re.compile(r"mkdir -p (.+) # (git3|vcs1\.\w+) (\S+)$")
_REUSE_RE = re.compile(r"# (.+) for (git3|vcs1\.\w+) (\S+)$")
_EXIT_RE = re.compile(r": (exit status (\d+)|signal: [\w ]+)")
# Prefixes CI systems put before each line: GitHub Actions and GitLab timestamps, Jenkins
# timestamper, BuildKit step/time, a UTF-8 BOM.
_PREFIX_RE = re.compile(
    r"(?:\ufeff|\d{4}-\d\d-\d\dT[\d:.,]+(?:Z|[+-]\d\d:?\d\d)?(?: \d\d[OE]\+?)? "
    r"|\[\d{4}-\d\d-\d\d[T ][^\]]*\] |\[?\d\d:\d\d:\d\d(?:\.\d+)?\]? |#\d+ \d+\.\d+ )+")
_CLF_RE = re.compile(
    r'(\S+) \S+ \S+ \[([^\]]+)\] "(\S+) (\S+)(?: [^"]*)?" (\d{3}) (\d+|-)'
    r'(?: "(?:[^"\\]|\\.)*" "(?:[^"\\]|\\.)*")?(.*)$')
_TRAIL_DUR_RE = re.compile(r"(?:^|\s)(?:rt=|request_time=|duration=)?(\d+\.\d+|\d+ms)(s)?\s*$")
# Go joins arguments with single blanks; a bare argument has no blank or quote (those are quoted).
_GOARG_RE = re.compile(r"""[ ]*(?:'([^']*)'|"((?:[^"\\]|\\.)*)"|([^ '"]+))""", re.S)
_GOARG_UNESCAPE_RE = re.compile(r"\\([\"$`\\])")
_VCS_TOOLS = frozenset(("git", "hg", "svn", "bzr", "fossil", "git.exe", "hg.exe", "svn.exe", "bzr.exe",
                        "fossil.exe"))


def _command_row(argv: list[str]) -> list[Any]:
    """A row for a command of a -x log: kind ``git`` for git (``git.exe`` on Windows), else ``command``."""
    row = _new_row("git" if os.path.basename(argv[0]).removesuffix(".exe") == "git" else "command", "x")
    row[_ARGV] = argv
    return row


def _new_row(kind: str, source: str) -> list[Any]:
    row: list[Any] = [None] * _NROW
    row[_KIND] = kind
    row[_SOURCE] = source
    row[_URL] = row[_METHOD] = row[_STATUS] = row[_ERR] = row[_DIR] = row[_REMOTE] = row[_FILE] = ""
    row[_FAULT] = row[_BASE] = ""
    row[_DUR] = row[_DELAY] = math.nan
    return row


def split_command(text: str) -> tuple[str, tuple[str, ...]]:
    """``cd DIR; git -c x=y log '--format=%H %ct'`` → (DIR, argv) with go's quoting undone.

    Quoting is codehost.Run's (modfetch/codehost/codehost.go): ``"…"`` (with ``\\"``, ``\\$``,
    ``\\```, ``\\\\`` escapes) for arguments containing ``'``; ``'…'`` for arguments containing
    blanks or shell metacharacters; the directory is printed unquoted.
    """
    directory = ""
    if text.startswith("cd "):
        directory, sep, text = text[3:].partition("; ")
        if not sep:
            return directory, ()
    args: list[str] = []
    pos, n = 0, len(text)
    while pos < n:
        m = _GOARG_RE.match(text, pos)
        if m is None or m.end() == pos:
            break
        single, double, bare = m.groups()
        if single is not None:
            args.append(single)
        elif double is not None:
            args.append(_GOARG_UNESCAPE_RE.sub(r"\1", double))
        elif bare is not None:
            args.append(bare)
        pos = m.end()
    return directory, tuple(args)


def _read_text(source: str | bytes | os.PathLike[str]) -> str:
    """Text of a log given as bytes, text, or a path. A str is a path only when such a file exists,
    so that any text parses (a Path that does not exist is an error)."""
    if isinstance(source, bytes):
        return source.decode("utf-8", "replace")
    if isinstance(source, str) and ("\n" in source or not os.path.isfile(source)):
        return source
    try:
        with open(source, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError as e:
        raise SourceError(f"{os.fspath(source)}: {e.strerror or e}") from None


class _Parser:
    """One pass over the lines; rows are lists, pending requests and commands wait in FIFOs."""

    def __init__(self, base: str) -> None:
        self.rows: list[list[Any]] = []
        # "# get" requests, as parallel columns: URL, start line, end line (0: not seen) and the
        # text after "URL: " on the end line (status and time, or a transport error).
        self.g_url: list[str] = []
        self.g_start: list[int] = []
        self.g_end: list[int] = []
        self.g_tail: list[str] = []
        # URL → index of its oldest unfinished request; later ones with the same URL wait in
        # overflow (rare: go fetches a URL once per run, but logs get concatenated).
        self.pending_get: dict[str, int] = {}
        self.overflow: dict[str, deque[int]] = {}
        self.pending_cmd: dict[str, deque[list[Any]]] = {}
        self.failures: list[tuple[int, str]] = []
        self.dir_remote: dict[str, str] = {}
        self.last_cd: tuple[int, str] = (-1, "")
        self.skipped = 0
        self.base = base.rstrip("/")
        self.lines: list[str] = []

    def run(self, text: str) -> None:
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = self.lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        g_url, g_start, g_end, g_tail = self.g_url, self.g_start, self.g_end, self.g_tail
        pending = self.pending_get
        overflow = self.overflow
        # The bulk of any -x log is "# get" lines: handled inline with string methods, stored
        # in columns; their status and time are parsed in bulk afterwards (_gets_frame).
        for lineno, line in enumerate(lines, 1):
            if line[:6] == "# get ":
                sp = line.find(" ", 6)
                if sp < 0:
                    url = line[6:]
                    i = len(g_url)
                    g_url.append(url)
                    g_start.append(lineno)
                    g_end.append(0)
                    g_tail.append("")
                    if pending.setdefault(url, i) != i:
                        self.overflow.setdefault(url, deque()).append(i)
                    continue
                if line[sp - 1] == ":":
                    url = line[6:sp - 1]
                    i = pending.pop(url, -1)
                    if i >= 0 and not overflow:
                        g_end[i] = lineno
                        g_tail[i] = line[sp + 1:]
                    else:
                        self.end_get(lineno, url, line[sp + 1:], i)
                    continue
            try:
                self.slow_line(lineno, line)
            except Exception:  # a line we misread is skipped, never fatal
                self.skipped += 1

    def end_get(self, lineno: int, url: str, tail: str, i: int) -> None:
        """Record the end of a request; ``i`` is the index popped from pending_get (-1: none)."""
        if i < 0:
            # The end of a request whose start is not in the log (or go's "insecure" line).
            i = len(self.g_url)
            self.g_url.append(url)
            self.g_start.append(0)
            self.g_end.append(0)
            self.g_tail.append("")
        elif self.overflow:
            q = self.overflow.get(url)
            if q:
                self.pending_get[url] = q.popleft()
                if not q:
                    del self.overflow[url]
        self.g_end[i] = lineno
        self.g_tail[i] = tail

    def slow_line(self, lineno: int, line: str, stripped: bool = False) -> None:
        if not line:
            return
        c = line[0]
        if c == "#":
            if line.startswith("# get "):
                self.get_line(lineno, line)
            elif line.startswith("# lock "):
                row = _new_row("lock", "x")
                row[_FILE] = line[7:]
                row[_START] = row[_END] = lineno
                self.rows.append(row)
            elif " for " in line and (m := _REUSE_RE.match(line)):
                row = _new_row("vcs-reuse", "x")
                row[_FILE] = m.group(1)
                row[_REMOTE] = m.group(3)
                row[_START] = row[_END] = lineno
                self.dir_remote[m.group(1)] = m.group(3)
                self.rows.append(row)
            elif not stripped:
                self.prefixed(lineno, line)
            return
        if c == "{":
            self.json_line(lineno, line)
            return
        if "0" <= c <= "9" and "s # " in line:
            m = _ECHO_RE.match(line)
            if m:
                self.echo_line(lineno, float(m.group(1)), m.group(2))
                return
        if line.startswith("cd "):
            if "; " in line:
                self.command_start(lineno, line)
            else:
                self.last_cd = (lineno, line[3:])
            return
        if line.startswith("mkdir -p "):
            m = _MKDIR_RE.match(line)
            if m:
                row = _new_row("command", "x")
                row[_ARGV] = ("mkdir", "-p", m.group(1))
                row[_REMOTE] = m.group(3)
                row[_FILE] = m.group(1)
                row[_START] = lineno
                self.dir_remote.setdefault(m.group(1), m.group(3))
                self.rows.append(row)
            return
        sp = line.find(" ")
        first = line[:sp] if sp >= 0 else line
        if first[first.rfind("/") + 1:] in _VCS_TOOLS:
            self.command_start(lineno, line)
            return
        if '"' in line and "[" in line:
            m = _CLF_RE.match(line)
            if m:
                self.clf_line(lineno, m)
                return
        if ": exit status " in line or ": signal: " in line:
            self.failures.append((lineno, line))
            return
        if not stripped:
            self.prefixed(lineno, line)

    def prefixed(self, lineno: int, line: str) -> None:
        m = _PREFIX_RE.match(line)
        if m and m.end() < len(line):
            self.slow_line(lineno, line[m.end():], stripped=True)

    def get_line(self, lineno: int, line: str) -> None:
        body = line[6:].strip()
        url, sep, tail = body.partition(": ")
        if sep:
            self.end_get(lineno, url, tail, self.pending_get.pop(url, -1))
            return
        i = len(self.g_url)
        self.g_url.append(body)
        self.g_start.append(lineno)
        self.g_end.append(0)
        self.g_tail.append("")
        if self.pending_get.setdefault(body, i) != i:
            self.overflow.setdefault(body, deque()).append(i)

    def command_start(self, lineno: int, text: str) -> None:
        directory, argv = split_command(text)
        if not argv:
            return
        row = _command_row(argv)
        row[_START] = lineno
        if text.startswith("cd "):
            row[_DIR] = directory
            row[_FIN] = False
            self.pending_cmd.setdefault(text, deque()).append(row)
        elif self.last_cd[0] == lineno - 1:
            # vcs.Cmd.run1: "cd DIR" and the command on two lines, no timing (vcs/vcs.go).
            row[_DIR] = self.last_cd[1]
        else:
            row[_FIN] = False
            self.pending_cmd.setdefault(text, deque()).append(row)
        self.rows.append(row)

    def echo_line(self, lineno: int, seconds: float, text: str) -> None:
        q = self.pending_cmd.get(text)
        if q:
            row = q.popleft()
        else:
            directory, argv = split_command(text)
            if not argv:
                return
            row = _command_row(argv)
            row[_DIR] = directory
            self.rows.append(row)
        row[_DUR] = seconds
        row[_END] = lineno
        row[_FIN] = True

    def clf_line(self, lineno: int, m: re.Match[str]) -> None:
        row = _new_row("http", "access")
        row[_TIME] = _parse_clf_time(m.group(2))
        row[_METHOD] = m.group(3)
        row[_URL] = m.group(4)
        row[_CODE] = int(m.group(5))
        row[_BYTES] = None if m.group(6) == "-" else int(m.group(6))
        row[_START] = row[_END] = lineno
        row[_FIN] = True
        d = _TRAIL_DUR_RE.search(m.group(7) or "")
        if d:
            v = d.group(1)
            row[_DUR] = float(v[:-2]) / 1000 if v.endswith("ms") else float(v)
        self.rows.append(row)

    def json_line(self, lineno: int, line: str) -> None:
        try:
            rec = json.loads(line)
        except ValueError:
            return
        if not isinstance(rec, dict):
            return
        req: dict[str, Any] = rec["request"] if isinstance(rec.get("request"), dict) else {}
        url = _first(rec, req, ("url", "uri", "request_uri", "path"))
        method = _first(rec, req, ("method", "request_method"))
        if isinstance(rec.get("request"), str) and not url:
            parts = rec["request"].split()
            if len(parts) >= 2:
                method, url = parts[0], parts[1]
        status = _first(rec, req, ("status", "status_code", "code"))
        if not isinstance(url, str) or not url or (status is None and "fault" not in rec):
            return
        row = _new_row("http", "access")
        row[_URL] = url
        row[_METHOD] = str(method or "GET")
        row[_CODE] = int(status) if isinstance(status, (int, float, str)) and str(status).isdigit() else None
        dur = _first(rec, req, ("duration_s", "duration", "request_time", "latency_s", "elapsed"))
        row[_DUR] = _seconds(dur)
        row[_TIME] = _json_time(_first(rec, req, ("time", "ts", "timestamp", "@timestamp")))
        nbytes = _first(rec, req, ("bytes", "size", "body_bytes_sent", "bytes_sent"))
        row[_BYTES] = int(nbytes) if isinstance(nbytes, (int, float)) and not isinstance(nbytes, bool) else None
        delay = rec.get("delay_s")
        row[_DELAY] = float(delay) if isinstance(delay, (int, float)) else math.nan
        row[_FAULT] = str(rec.get("fault") or "")
        if row[_FAULT] == "stall":
            row[_ERR] = "stalled: connection dropped without a response"
        base = rec.get("proxy")
        row[_BASE] = base if isinstance(base, str) else ""
        row[_START] = row[_END] = lineno
        row[_FIN] = True
        self.rows.append(row)

    def finish(self) -> None:
        # Exit status of failed commands: codehost's RunError reads "<args> in <dir>: exit status N:"
        # followed by git's stderr indented with a tab (modfetch/codehost/codehost.go).
        if self.failures:
            by_key: dict[str, list[list[Any]]] = {}
            for row in self.rows:
                if row[_ARGV] is not None and row[_KIND] in ("git", "command"):
                    key = " ".join(row[_ARGV]) + " in " + row[_DIR] + ": "
                    by_key.setdefault(key, []).append(row)
            for lineno, line in self.failures:
                for key, cands in by_key.items():
                    at = line.find(key)
                    if at < 0:
                        continue
                    m = _EXIT_RE.match(line, at + len(key) - 2)
                    if not m:
                        continue
                    before = [r for r in cands if (r[_START] or 0) <= lineno and r[_EXIT] is None and not r[_ERR]]
                    if not before:
                        continue
                    row = before[-1]
                    row[_EXIT] = int(m.group(2)) if m.group(2) else None
                    detail = []
                    for nxt in self.lines[lineno:lineno + 20]:
                        if not nxt.startswith("\t") and (pre := _PREFIX_RE.match(nxt)):
                            nxt = nxt[pre.end():]
                        if not nxt.startswith("\t"):
                            break
                        detail.append(nxt[1:])
                    row[_ERR] = "\n".join([m.group(1), *detail])
                    break
        for row in self.rows:
            if row[_KIND] == "lock":
                row[_REMOTE] = self.dir_remote.get(row[_FILE].removesuffix(".lock"), "")
            elif row[_KIND] in ("git", "command") and not row[_REMOTE]:
                row[_REMOTE] = self.dir_remote.get(row[_DIR], "")


def _first(rec: dict[str, Any], req: dict[str, Any], keys: Iterable[str]) -> Any:
    for k in keys:
        if k in rec and not isinstance(rec[k], dict):
            return rec[k]
        if k in req:
            return req[k]
    return None


def _seconds(v: Any) -> float:
    if isinstance(v, bool):
        return math.nan
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|us|µs|s)?\s*", v)
        if m:
            scale = {"ms": 1e-3, "us": 1e-6, "µs": 1e-6}.get(m.group(2) or "s", 1.0)
            return float(m.group(1)) * scale
    return math.nan


def _json_time(v: Any) -> datetime | None:
    try:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return datetime.fromtimestamp(float(v), tz=timezone.utc)
        if isinstance(v, str):
            t = datetime.fromisoformat(v.replace("Z", "+00:00"))
            return t if t.tzinfo else t.replace(tzinfo=timezone.utc)
    except (ValueError, OverflowError, OSError):
        pass
    return None


def _parse_clf_time(s: str) -> datetime | None:
    for fmt in ("%d/%b/%Y:%H:%M:%S %z", "%d/%b/%Y %H:%M:%S"):
        try:
            t = datetime.strptime(s, fmt)
        except ValueError:
            continue
        return t if t.tzinfo else t.replace(tzinfo=timezone.utc)
    return None


def parse(source: str | bytes | os.PathLike[str], *, base: str = "", proxies: Sequence[str] = ()) -> "pd.DataFrame":
    """Parse a ``go … -x`` log and/or a GOPROXY access log: a Path, a str naming an existing
    file, bytes, or the text itself. Never raises on content: unreadable lines are skipped.

    ``base`` is the proxy URL an access log's paths are relative to (the lab server's JSON log
    names its own); ``proxies`` are known proxy bases that settle where a module path starts.
    Rows come in the order of their first line; columns are described in the module docstring.
    """
    batch = LogBatch(base=base, proxies=proxies)
    batch.add(source)
    df = batch.frame()
    df.attrs["lines"] = batch.lines[0]
    df.attrs["skipped"] = batch.skipped[0]
    return df


@contextmanager
def _gc_paused() -> Iterator[None]:
    # A big log makes a million small lists that all survive: the cyclic GC would rescan them
    # again and again for nothing (they hold no cycles), so it is paused while parsing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class LogBatch:
    """Many logs parsed into one frame: the rows :func:`parse` gives for each, log after log.

    A DataFrame costs about 2 ms to build however few rows it has, while a CI log of a few dozen
    requests parses in 0.1 ms: :mod:`gomodlab.fleet` parses a batch of logs this way to pay that
    once. ``counts`` (rows), ``lines`` and ``skipped`` (see ``df.attrs``) are per log, in order.
    """

    def __init__(self, *, base: str = "", proxies: Sequence[str] = ()) -> None:
        self.base = base
        self.proxies = tuple(proxies)
        self.counts: list[int] = []
        self.lines: list[int] = []
        self.skipped: list[int] = []
        self._gets: tuple[list[str], list[int], list[int], list[str]] = ([], [], [], [])
        self._rows: list[list[Any]] = []
        self._n_gets: list[int] = []  # per log: "# get" requests, other rows
        self._n_rows: list[int] = []

    def add(self, source: str | bytes | os.PathLike[str]) -> int:
        """Parse one more log (anything :func:`parse` takes); how many rows it gave."""
        with _gc_paused():
            p = _Parser(self.base)
            p.run(_read_text(source))
            p.finish()
        for mine, its in zip(self._gets, (p.g_url, p.g_start, p.g_end, p.g_tail)):
            mine.extend(its)
        self._rows.extend(p.rows)
        self._n_gets.append(len(p.g_url))
        self._n_rows.append(len(p.rows))
        self.counts.append(len(p.g_url) + len(p.rows))
        self.lines.append(len(p.lines))
        self.skipped.append(p.skipped)
        return self.counts[-1]

    def frame(self) -> "pd.DataFrame":
        """Every log's rows, log by log (:data:`COLUMNS`; ``counts`` says how many are whose)."""
        import numpy as np
        import pandas as pd

        with _gc_paused():
            frames = [f for f in (_gets_frame(*self._gets, self.proxies),
                                  _rows_frame(self._rows, self.base.rstrip("/"), self.proxies)) if len(f)]
        if len(frames) != 2:
            return frames[0] if frames else _rows_frame([], "", ())
        df = pd.concat(frames, ignore_index=True)
        # Log by log; within a log with both kinds of rows, in the order of their first line
        # (stable: a "# get" before another row of the same line), else in the order it gave them.
        logs = np.arange(len(self.counts))
        log = np.concatenate([np.repeat(logs, self._n_gets), np.repeat(logs, self._n_rows)])
        mixed = (np.array(self._n_gets) > 0) & (np.array(self._n_rows) > 0)
        key = df["start_line"].fillna(df["end_line"]).fillna(0).to_numpy(dtype="int64")
        key = np.where(mixed[log], key, np.arange(len(df)))
        return df.take(np.lexsort((key, log))).reset_index(drop=True)


def _ints(values: Sequence[int], missing: int = 0) -> "pd.api.extensions.ExtensionArray":
    """A nullable Int64 array from ints where ``missing`` marks NA (fast: no Python None)."""
    import numpy as np
    import pandas as pd

    a = np.fromiter(values, dtype=np.int64, count=len(values))
    return pd.arrays.IntegerArray(a, a == missing)


def _strs(values: Sequence[str]) -> "pd.api.extensions.ExtensionArray":
    import pandas as pd

    return pd.array(values if isinstance(values, list) else list(values), dtype="str")


def _split_columns(urls: list[str], kinds: list[str] | None, proxies: tuple[str, ...]) -> list[list[str]]:
    """split_url over a column. ``…/@v/<tail>`` URLs (nearly all) are split once per distinct
    head (proxy + module) and distinct tail (version + endpoint): a big log has a million URLs
    but few modules and versions."""
    parts = [u.partition("/@v/") for u in urls]
    tails: dict[str, tuple[str, str]] = {}
    for t in dict.fromkeys(t for _, sep, t in parts if sep):
        stem, dot, ext = t.rpartition(".")
        if t == "list":
            tails[t] = ("", "list")
        elif dot and ext in ("info", "mod", "zip") and "?" not in t and "/" not in t:
            tails[t] = (lenient_unescape_version(unquote(stem) if "%" in stem else stem), ext)
    fast = [bool(sep) and t in tails and (kinds is None or kinds[i] == "http")
            for i, (h, sep, t) in enumerate(parts)]
    heads = {h: split_base(h, proxies) for h in dict.fromkeys(h for (h, _, _), f in zip(parts, fast) if f)}
    cols = [
        [heads[h][0] if f else "" for (h, _, _), f in zip(parts, fast)],
        [heads[h][1] if f else "" for (h, _, _), f in zip(parts, fast)],
        [tails[t][0] if f else "" for (_, _, t), f in zip(parts, fast)],
        [tails[t][1] if f else "" for (_, _, t), f in zip(parts, fast)],
    ]
    for i, f in enumerate(fast):
        if not f and (kinds is None or kinds[i] == "http"):
            cols[0][i], cols[1][i], cols[2][i], cols[3][i] = split_url(urls[i], proxies)
    return cols


def _end_columns(tails: list[str]) -> tuple["np.ndarray", list[str], "np.ndarray", list[str]]:
    """Status code, status, seconds and error of each end-line tail, in bulk.

    web/http.go prints ``<res.Status> (<%.3f>s)`` for a response, anything else is a transport
    error. A log has few distinct status lines, so codes come from a per-status cache and the
    seconds are converted by numpy in one go.
    """
    import numpy as np

    parts = [t.rpartition(" (") for t in tails]
    codes_of: dict[str, int] = {}
    for text in {p[0] for p in parts}:
        ok = len(text) >= 3 and text[:3].isdigit() and (len(text) == 3 or text[3] == " ")
        codes_of[text] = int(text[:3]) if ok else 0
    secs = [p[2][:-2] if codes_of[p[0]] and p[2][-2:] == "s)" else "nan" for p in parts]
    try:
        seconds = np.array(secs).astype(np.float64) if secs else np.zeros(0)
    except ValueError:
        seconds = np.array([_float_or_nan(x) for x in secs], dtype=np.float64)
    good = ~np.isnan(seconds)
    codes = np.fromiter((codes_of[p[0]] for p in parts), dtype=np.int64, count=len(parts))
    codes[~good] = 0
    status = [p[0] if g else "" for p, g in zip(parts, good.tolist())]
    errors = ["" if g else t for t, g in zip(tails, good.tolist())]
    return codes, status, seconds, errors


def _float_or_nan(x: str) -> float:
    try:
        return float(x)
    except ValueError:
        return math.nan


def _gets_frame(urls: list[str], starts: list[int], ends: list[int], tails: list[str],
                proxies: tuple[str, ...]) -> "pd.DataFrame":
    import numpy as np
    import pandas as pd

    n = len(urls)
    if not n:
        return _rows_frame([], "", ())
    proxy_, module, version, endpoint = _split_columns(urls, None, proxies)
    codes, statuses, seconds, errors = _end_columns(tails)
    end = _ints(ends)
    finished = pd.arrays.BooleanArray(~end.isna(), np.zeros(n, dtype=bool))
    empty = _strs([""] * n)
    na_int = pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))
    data = {
        "kind": _strs(["http"] * n), "source": _strs(["x"] * n), "url": _strs(urls), "proxy": _strs(proxy_),
        "module": _strs(module), "version": _strs(version), "endpoint": _strs(endpoint),
        "method": _strs(["GET"] * n), "status_code": pd.arrays.IntegerArray(codes, codes == 0),
        "status": _strs(statuses), "duration_s": seconds, "finished": finished, "error": _strs(errors),
        "start_line": _ints(starts), "end_line": end,
        "time": pd.array(np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")).tz_localize("UTC"),
        "directory": empty, "argv": np.full(n, None, dtype=object), "exit_status": na_int, "remote": empty,
        "file": empty, "bytes": na_int, "delay_s": np.full(n, np.nan), "fault": empty,
    }
    return pd.DataFrame(data, columns=list(COLUMNS))


def _objects(values: list[Any]) -> "np.ndarray":
    import numpy as np

    out = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        out[i] = v
    return out


def _rows_frame(rows: list[list[Any]], base: str, proxies: tuple[str, ...]) -> "pd.DataFrame":
    import numpy as np
    import pandas as pd

    n = len(rows)
    cols: list[list[Any]] = [[r[k] for r in rows] for k in range(_NROW)]
    urls = cols[_URL]
    for i in range(n):
        if cols[_SOURCE][i] == "access" and not urls[i].startswith(("http://", "https://")):
            b = cols[_BASE][i] or base
            if b:
                urls[i] = b.rstrip("/") + "/" + urls[i].lstrip("/")
    proxy_, module, version, endpoint = _split_columns(urls, cols[_KIND], proxies)
    times = pd.to_datetime(pd.Series(cols[_TIME], dtype=object), utc=True).astype("datetime64[ns, UTC]")
    data = {
        "kind": _strs(cols[_KIND]), "source": _strs(cols[_SOURCE]), "url": _strs(urls), "proxy": _strs(proxy_),
        "module": _strs(module), "version": _strs(version), "endpoint": _strs(endpoint),
        "method": _strs(cols[_METHOD]), "status_code": pd.array(cols[_CODE], dtype="Int64"),
        "status": _strs(cols[_STATUS]), "duration_s": np.array(cols[_DUR], dtype="float64"),
        "finished": pd.array(cols[_FIN], dtype="boolean"), "error": _strs(cols[_ERR]),
        "start_line": pd.array(cols[_START], dtype="Int64"), "end_line": pd.array(cols[_END], dtype="Int64"),
        "time": times.array, "directory": _strs(cols[_DIR]),
        "argv": _objects(cols[_ARGV]),
        "exit_status": pd.array(cols[_EXIT], dtype="Int64"), "remote": _strs(cols[_REMOTE]),
        "file": _strs(cols[_FILE]), "bytes": pd.array(cols[_BYTES], dtype="Int64"),
        "delay_s": np.array(cols[_DELAY], dtype="float64"), "fault": _strs(cols[_FAULT]),
    }
    return pd.DataFrame(data, columns=list(COLUMNS))
