"""Diagnose what the go command printed: ``explain(text)`` → diagnoses, the primary one first.

The input is whatever a user has: a terminal paste, a CI log (buildkit ``#10 7.637`` prefixes,
ISO timestamps, ``Error:`` annotations, Cloud Foundry ``[STG/0] ERR`` tags), Windows paths, lines
hard-wrapped by an 80-column terminal, the GOPATH-era ``go get`` output of go1.11 and older, or a
``go … -x`` trace. Nothing here runs go; the patterns are the go command's own error wording, taken
from its source (each template in :data:`TEMPLATES` names the file it comes from).

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

Order: by :data:`PRECEDENCE` (unknown last), then diagnoses that name a module before those that
do not, then by first line. The first diagnosis is the **primary** one: the problem to fix first.

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

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..mod import modpath

__all__ = ["CATEGORIES", "PRECEDENCE", "Evidence", "Diagnosis", "Template", "TEMPLATES", "explain"]

PRECEDENCE = (
    "private-module-auth", "permission-denied", "checksum-mismatch", "cache-modified",
    "zip-unreadable", "missing-gosum-entry", "module-not-found", "vcs-command-failed",
    "proxy-unreachable", "gomod-syntax", "toolchain", "invalid-module-path", "ambiguous-import",
)
#: Every category :func:`explain` can return.
CATEGORIES = (*PRECEDENCE, "unknown")
_RANK = {c: i for i, c in enumerate(CATEGORIES)}


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
            "location": self.location, "url": self.url,
        }


@dataclass(frozen=True, slots=True)
class Template:
    """A message template of the go command (or of a tool it runs), as a regular expression."""

    category: str
    pattern: re.Pattern[str]
    source: str


def _t(category: str, regex: str, source: str, flags: int = 0) -> Template:
    return Template(category, re.compile(regex, flags | re.M), source)


# Paths and versions as they appear inside messages. _PATH is loose on purpose (module, package and
# gopkg.in paths, ``!``-escaped cache paths); _is_modlike decides whether a token names a module.
_PATH = r"[A-Za-z0-9][\w.~+-]*(?:/[\w.~+!-]+)*"
_QUERIES = {"latest", "upgrade", "patch", "none", "master", "main", "HEAD"}

#: The message templates, derived from the go source (paths relative to src/cmd/go/internal unless
#: they start with a package name) and, for what go relays, from git, ssh and the OS.
TEMPLATES: tuple[Template, ...] = (
    # --- private-module-auth ---------------------------------------------------------------
    _t("private-module-auth", r"terminal prompts disabled", "git (go sets GIT_TERMINAL_PROMPT=0: modfetch/codehost/git.go)"),
    _t("private-module-auth", r"could not read (?:Username|Password) for", "git credential prompt; codehost/git.go adds HelpText for it"),
    _t("private-module-auth", r"Permission denied \((?:publickey|password|keyboard)", "ssh"),
    _t("private-module-auth", r"Authentication failed for|HTTP Basic: Access denied|Invalid username or (?:password|token)|"
                              r"Support for password authentication was removed|Missing or invalid credentials|SAML SSO",
       "git over HTTPS (GitHub, GitLab, credential helpers)"),
    _t("private-module-auth", r"Host key verification failed", "ssh"),
    _t("private-module-auth", r"The requested URL returned error: 40[13]\b", "git (curl)"),
    _t("private-module-auth", r"\b(?:401 Unauthorized|403 Forbidden)\b|reading \S+:\s+40[13]\b", "web/api.go HTTPError"),
    _t("private-module-auth", r"no (?:secure )?protocol found for repository", "vcs/vcs.go repoRootFromVCSPaths"),
    _t("private-module-auth", r"no go-import meta tags?", "vcs/vcs.go repoRootForImportDynamic (private host hides its meta tags)"),
    # --- permission-denied -----------------------------------------------------------------
    _t("permission-denied", r"\b[Pp]ermission denied\b(?!\s*\((?:publickey|password|keyboard))", "syscall EACCES (os.PathError), git"),
    _t("permission-denied", r"\boperation not permitted\b|\bread-only file system\b", "syscall EPERM, EROFS"),
    _t("permission-denied", r"\bAccess is denied\.|being used by another process", "Windows ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION"),
    # --- checksum-mismatch -----------------------------------------------------------------
    _t("checksum-mismatch", r"\bchecksum mismatch\b", "modfetch/fetch.go haveModSumLocked, checkSumDB"),
    _t("checksum-mismatch", r"^SECURITY ERROR$", "modfetch/fetch.go goSumMismatch, sumdbMismatch, sumdbAbsent"),
    _t("checksum-mismatch", r"checksum missing from sumdb response", "modfetch/fetch.go checkSumDB"),
    # --- cache-modified --------------------------------------------------------------------
    _t("cache-modified", r"\b(?:dir|zip) has been modified\b", "modcmd/verify.go verifyMod"),
    _t("cache-modified", r"\bmissing ziphash\b|\bunexpected ziphash\b", "modcmd/verify.go, modfetch/fetch.go checkMod"),
    # --- zip-unreadable --------------------------------------------------------------------
    _t("zip-unreadable", r"\bzip: (?:not a valid zip file|checksum error|unsupported compression algorithm|"
                         r"insecure file path|invalid comment length|size cannot be negative)", "archive/zip/reader.go"),
    _t("zip-unreadable", r"duplicate entries in zip file", "archive/zip/reader.go"),
    _t("zip-unreadable", r"\bflate: corrupt input before offset \d+", "compress/flate/inflate.go"),
    _t("zip-unreadable", r"\bzip for \S+ has unexpected file\b", "modfetch/fetch.go checkModZip"),
    _t("zip-unreadable", r"is larger than declared size|case-insensitive file name collision|multiple entries for file|"
                         r"is both a file and a directory|path does not have prefix \"|module zip file is too large|"
                         r"downloaded zip file too large|zip file contains more than one top-level directory",
       "x/mod/zip/zip.go CheckZip/Unzip, modfetch/proxy.go, modfetch/coderepo.go"),
    # --- missing-gosum-entry ---------------------------------------------------------------
    _t("missing-gosum-entry", r"\bmissing go\.sum entry\b", "modload/import.go ImportMissingSumError, sumMissingError; modload/modfile.go"),
    _t("missing-gosum-entry", r"updates to go\.sum needed, disabled by -mod=readonly", "modfetch/fetch.go ErrGoSumDirty"),
    # --- module-not-found ------------------------------------------------------------------
    _t("module-not-found", r"\bunknown revision \S+", "modfetch/codehost/codehost.go UnknownRevisionError"),
    _t("module-not-found", r"no matching versions for query\s+\"[^\"]*\"", "modload/query.go NoMatchingVersionError"),
    _t("module-not-found", r"(?:reading|Get|fetching)\s+\"?\S+?\"?:\s+(?:404|410|400)\b", "web/api.go HTTPError (404/410 mean fs.ErrNotExist)"),
    _t("module-not-found", r"unexpected status \(\S+\):\s+(?:404|410|400)\b", "modfetch/proxy.go (go1.11-go1.13 wording)"),
    _t("module-not-found", r"\bmissing \S*go\.mod(?: and \S+go\.mod)? at revision\b|repository rooted at \S+ cannot contain module",
       "modfetch/coderepo.go findDir, newCodeRepo (notExistError)"),
    _t("module-not-found", r"reading file:\S+:\s+(?:no such file or directory|The system cannot find the (?:file|path) specified)",
       "web/api.go HTTPError for file:// proxies"),
    _t("module-not-found", r"server response:\s+(?:not found|gone):", "web/api.go HTTPError detail (proxy.golang.org, sum.golang.org)"),
    _t("module-not-found", r"cannot find module providing package|no required module provides package|"
                           r"found(?: \([^)]*\))?, but does not contain package", "modload/import.go ImportMissingError, modload/query.go PackageNotInModuleError"),
    _t("module-not-found", r"module lookup disabled by \S+|disabled by GOPRIVATE/GONOPROXY", "modfetch/repo.go notExistErrorf"),
    # --- vcs-command-failed ----------------------------------------------------------------
    _t("vcs-command-failed", r"\b(?:git|hg|svn|bzr|fossil)\b[^\n]*? in \S+: (?:exit status \d+|signal: \w+)", "modfetch/codehost/codehost.go RunError"),
    _t("vcs-command-failed", r"^package \S+: exit status \d+", "GOPATH go get (cmd/go/internal/get, go1.11 and older)"),
    _t("vcs-command-failed", r"exec: \\?\"(?:git|hg|svn|bzr|fossil)\\?\": executable file not found", "os/exec ErrNotFound"),
    _t("vcs-command-failed", r"\b(?:git|hg|svn|bzr): (?:command )?not found\b", "shell"),
    _t("vcs-command-failed", r"^(?:fatal|ERROR|remote): |Repository not found|fatal: repository '\S+' not found", "git"),
    _t("vcs-command-failed", r"Failed to connect to \S+ port \d+|Could not resolve host(?:name)?|server certificate verification failed|"
                             r"SSL certificate problem|ssh: connect to host", "git (curl, gnutls, ssh)"),
    _t("vcs-command-failed", r"GOVCS disallows using \S+ for", "vcs/vcs.go CheckGOVCS"),
    # --- proxy-unreachable -----------------------------------------------------------------
    _t("proxy-unreachable", r"\bdial tcp\b[^\n]*", "net.OpError"),
    _t("proxy-unreachable", r"\blookup \S+(?: on \S+)?: (?:no such host|server misbehaving|i/o timeout)", "net.DNSError"),
    _t("proxy-unreachable", r"connect: connection refused|connection reset by peer|network is unreachable|no route to host|"
                            r"\bi/o timeout\b|\bconnectex: |\bwsarecv: |actively refused it", "net (syscall errors, Windows WSA errors)"),
    _t("proxy-unreachable", r"net/http: (?:TLS handshake timeout|request canceled[^\n]*|timeout awaiting response headers)|"
                            r"Client\.Timeout exceeded|context deadline exceeded", "net/http"),
    _t("proxy-unreachable", r"\bx509: [^\n]+|\btls: [^\n]+|server gave HTTP response to HTTPS client", "crypto/x509, crypto/tls, net/http"),
    _t("proxy-unreachable", r"\bproxyconnect tcp: |\bhttp2: [^\n]+", "net/http"),
    _t("proxy-unreachable", r"\bunexpected EOF\b|(?:Get|reading|read)\s+\"?\S+?\"?: EOF$", "io.ErrUnexpectedEOF, io.EOF mid-download"),
    _t("proxy-unreachable", r"(?:reading|Get|fetching)\s+\"?\S+?\"?:\s+(?:5\d\d|429)\b", "web/api.go HTTPError (5xx, 429)"),
    _t("proxy-unreachable", r"unexpected status \(\S+\):\s+(?:5\d\d|429)\b", "modfetch/proxy.go (go1.11-go1.13 wording)"),
    _t("proxy-unreachable", r"https fetch failed|https fetch: ", "vcs/vcs.go repoRootForImportDynamic, GOPATH go get"),
    _t("proxy-unreachable", r"invalid proxy URL|GOPROXY list is not the empty string, but contains no entries", "modfetch/proxy.go"),
    # --- gomod-syntax ----------------------------------------------------------------------
    _t("gomod-syntax", r"\berrors parsing \S*go\.(?:mod|work)", "modload/modfile.go ReadModFile, modload/init.go, modcmd/edit.go"),
    _t("gomod-syntax", r"\bparsing go\.mod:\s*(?:\S*go\.mod:\d+|missing module line)", "modload/modfile.go rawGoModSummary"),
    _t("gomod-syntax", r"\bgo\.(?:mod|work):\d+(?::\d+)?: ", "x/mod/modfile (errors start with file:line)"),
    _t("gomod-syntax", r"\bunknown directive: |\busage: (?:module|go|toolchain|godebug|require|exclude|replace|retract|tool|ignore|use)\b|"
                       r"invalid (?:go|toolchain) version '|repeated (?:go|toolchain|module) statement|unknown block type|"
                       r"unexpected (?:token after version|input character|newline in string|EOF in string)|"
                       r"syntax error \((?:unterminated|expected)|mod files must use // comments|"
                       r"directive expects exactly one argument|replacement module (?:must match|without version)",
       "x/mod/modfile/rule.go, x/mod/modfile/read.go"),
    _t("gomod-syntax", r"missing module declaration", "modload/modfile.go ReadModFile"),
    # --- toolchain -------------------------------------------------------------------------
    _t("toolchain", r"\brequires go >= \d[\w.-]*", "gover/toolchain.go TooNewError, modload/init.go"),
    _t("toolchain", r"\btoolchain not available\b", "toolchain/select.go"),
    _t("toolchain", r"\bmodule requires Go \d[\w.]*", "work/exec.go (note: module requires Go X / module requires Go X or later)"),
    _t("toolchain", r"go\.mod file indicates go \S+, but maximum (?:supported )?version (?:supported by \w+ )?is \S+|"
                    r"maximum supported Go version is \S+", "modload (go1.16-go1.20), modcmd/tidy.go"),
    _t("toolchain", r"compile: version \"go\S+\" does not match go tool version", "cmd/compile with a mixed GOROOT"),
    _t("toolchain", r"\binvalid toolchain\b", "toolchain/select.go"),
    # --- invalid-module-path ---------------------------------------------------------------
    _t("invalid-module-path", r"\bmalformed (?:module|import) path \"", "x/mod/module InvalidPathError"),
    _t("invalid-module-path", r"\bhas (?:post|non)-\S+ module path \"", "modfetch/coderepo.go findDir / go1.13 wording 'go.mod has post-v2 module path'"),
    _t("invalid-module-path", r"major version must be compatible|should be v0 or v1, not v\d+|should be v\d+, not v\d+",
       "x/mod/module CheckPathMajor, modfetch/coderepo.go (go1.13-go1.15)"),
    _t("invalid-module-path", r"so major version must match|so module path must match major version|"
                              r"\+incompatible suffix not allowed|has malformed module path \"", "modfetch/coderepo.go checkCanonical, findDir"),
    _t("invalid-module-path", r"module declares its path as:?\s+\S+\s+but was required as:?\s+\S+", "modload/modfile.go"),
    _t("invalid-module-path", r"import path does not begin with hostname|invalid module path \"", "vcs/vcs.go, modfetch/coderepo.go"),
    # --- ambiguous-import ------------------------------------------------------------------
    _t("ambiguous-import", r"ambiguous import:\s+found\s+(?:package\s+)?\S+\s+in\s+multiple\s+(?:modules|directories)",
       "modload/import.go AmbiguousImportError"),
)

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
  | [\w.-]+\s+\|\ (?=\S)                                                   # docker compose
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


def _strip_prefix(s: str) -> str:
    for _ in range(6):
        m = _PREFIX.match(s)
        if not m or not m.end():
            break
        s = s[m.end():]
    return s


def _clean(text: str) -> tuple[list[str], list[_Line]]:
    # A carriage return inside a line is a progress display overwriting itself: keep what was left.
    raw = [_ANSI.sub("", ln.rstrip("\r").rsplit("\r", 1)[-1]) for ln in text.split("\n")]
    if raw and raw[-1] == "":
        raw.pop()
    width = max((len(r) for r in raw), default=0)
    at_width = sum(len(r) == width for r in raw)
    wrapped = width in _WRAP_WIDTHS and (width == 80 or at_width >= 2)
    lines: list[_Line] = []
    i = 0
    while i < len(raw):
        nos = [i + 1]
        s = _strip_prefix(raw[i])
        # A terminal hard wrap: the line fills the width exactly and the next one carries on. A
        # next line with a log prefix of its own, or starting a go message, is a line of its own.
        while wrapped and len(raw[nos[-1] - 1]) == width and nos[-1] < len(raw) and raw[nos[-1]].strip():
            nxt = raw[nos[-1]]
            if _strip_prefix(nxt) != nxt or _TOP.match(nxt) or _POSITION.match(nxt):
                break
            s += nxt
            nos.append(nos[-1] + 1)
        i = nos[-1]
        stripped = s.lstrip()
        indent = len(s[:len(s) - len(stripped)].expandtabs(8))
        body = stripped.rstrip()
        soft = bool(body) and body != stripped
        position = ""
        m = _POSITION.match(body)
        if m:
            position, body = body[:m.end()].rstrip(": \t"), body[m.end():].lstrip()
        lines.append(_Line(nos, body, indent, soft, position))
    return raw, lines


# ---------------------------------------------------------------------------------------------
# Messages

_CONT_LEAD = re.compile(r"""(?:
    SECURITY\ (?:ERROR|WARNING) | This\ download | The\ bits\ may | have\ intercepted | For\ more\ information,\ see
  | The\ checksum\ server | not\ contain\ an\ entry | intercepted\ the\ checksum | The\ download\ cannot\ be\ verified
  | downloaded:\  | go\.(?:work\.)?sum:\  | [\w.-]+:\ +h1:
  | server\ response: | (?:not\ found|gone):\ 
  | Confirm\ the\ import\ path | If\ this\ is\ a\ private\ repository
  | note:\ (?:module\ requires\ Go|imported\ by\ a\ module) | module\ requires\ Go
  | (?:module\ declares\ its\ path\ as|but\ was\ required\ as)
)""", re.X)
_AFTER_BLANK = re.compile(r"SECURITY |This download|The bits|have intercepted|For more information|The checksum server|not contain|intercepted")
_GIT_LEAD = re.compile(r"""(?:fatal|error|remote|warning|hint|ERROR|ssh):\s|Please\ make\ sure|and\ the\ repository\ exists
  |Cloning\ into|Host\ key\ verification|[\w.-]+@[\w.-]+:\ Permission\ denied|Permission\ denied\ \(|Connection\ (?:closed|reset)\ by
  |kex_exchange|Could\ not\ resolve\ hostname|The\ authenticity\ of\ host""", re.X)
_LOOSE_LEAD = re.compile(r"(?:#\s)?cd \S+; (?:git|hg|svn|bzr|fossil)\b|Cloning into |Fetching https?://|https fetch failed|import \"")
_SUMMARY = re.compile(r"package \S+: ")
_AMBIG_ITEM = re.compile(r"\S+(?: \S+)? \(|/")
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


_AT = re.compile(r"(?<![\w/\\.!~+@-])(" + _PATH + r")@([\w.+~-]+(?:/go\.mod)?)")
_PV = re.compile(r"^(" + _PATH + r") (v\d[\w.+~-]*):", re.M)
_MOD = re.compile(r"\bmodule (" + _PATH + r")(?=:|\s|$)", re.M)
_GOGET = re.compile(r"^go (?:get|install|mod download)(?: -\S+)* (" + _PATH + r"):", re.M)
_PKG = re.compile(r"(?:^package |import \"|\bcannot load |unrecognized import path \"|\bprovides package |\bproviding package )("
                  + _PATH + r")", re.M)
_CLONE = re.compile(r"\b(?:git|hg) clone (?:-\S+\s+)*(\S+)")
_CHAIN_HEAD = re.compile(r"^(?:go(?: [\w-]+)*: |go (?:get|install|mod download)(?: -\S+)*: )")
_CACHE_FILE = re.compile(r"(?P<root>[^\s\"'()]*?)/cache/download/(?P<esc>[^@\s\"'()]+?)/@v/(?P<ev>[^/\s\"'()]+?)"
                         r"\.(?:zip|mod|info|ziphash|lock|partial)(?:\d+\.tmp)?\b")
_CACHE_DIR = re.compile(r"(?P<root>(?:[A-Za-z]:)?/?[^\s\"'()@]*?pkg/mod)/(?P<esc>(?!cache/)[^@\s\"'()]+)@(?P<ev>[^/\s\"'():]+)")
_PROXY_URL = re.compile(r"(?P<url>(?:https?|file):/+[^\s\"]+?)/(?P<esc>[^\s\"]+?)/@(?:v/(?P<ev>[^/\s\"]+?)\.(?:info|mod|zip)|v/list|latest)")
_SUMDB_URL = re.compile(r"https?://\S+?/lookup/(?P<esc>[^@\s]+)@(?P<ev>[^\s:\"]+)")
_GOGET_URL = re.compile(r"https?://(?P<path>[^\s?\"]+)\?go-get=1")
_URL = re.compile(r"(?:https?|file):/+[^\s\"'),]+")
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


def _mentions(text: str) -> list[_Mention]:
    out: list[_Mention] = []
    slashed = text.replace("\\", "/")

    def add(start: int, path: str, version: str | None, kind: str) -> None:
        if version and version.endswith("/go.mod"):
            version = version[: -len("/go.mod")]
        if version:
            version = version.rstrip(".")
        out.append(_Mention(start, path, version or None, kind))

    for m in _AT.finditer(text):
        path, version = m.group(1), m.group(2)
        if _is_modlike(path) and _good_version(path, version) and not re.match(r"\s+requires\b", text[m.end():]):
            add(m.start(), path, version, "at")
    for m in _PV.finditer(text):
        if _is_modlike(m.group(1)):
            add(m.start(), m.group(1), m.group(2), "pv")
    for rx, kind in ((_MOD, "mod"), (_GOGET, "goget"), (_PKG, "pkg")):
        for m in rx.finditer(text):
            if _is_modlike(m.group(1)):
                add(m.start(1), m.group(1), None, kind)
    for m in _CLONE.finditer(text):
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
    for rx in (_CACHE_FILE, _CACHE_DIR):
        for m in rx.finditer(slashed):
            pv = _unescape(m.group("esc"), m.group("ev"))
            if pv and _is_modlike(pv[0]):
                add(m.start(), pv[0], pv[1], "cache")
    for m in _PROXY_URL.finditer(text):
        pv = _unescape(_proxy_module(m.group("esc")), m.group("ev"))
        if pv and _is_modlike(pv[0]):
            add(m.start(), pv[0], pv[1], "url")
    for m in _SUMDB_URL.finditer(text):
        pv = _unescape(m.group("esc"), m.group("ev"))
        if pv:
            add(m.start(), pv[0], pv[1], "url")
    for m in _GOGET_URL.finditer(text):
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


def _module_root_guess(pkg: str, known: Iterable[str]) -> str:
    """The module providing package ``pkg`` when the text does not say.

    A module the text names elsewhere wins (the longest prefix of ``pkg``); otherwise the repository
    root go would find: vcs/vcs.go's static table (github.com/OWNER/REPO, bitbucket.org/…,
    an explicit ``.git`` suffix), golang.org/x/NAME, gopkg.in/[USER/]NAME.vN, and HOST/NAME for
    vanity hosts, followed by a ``/vN`` major-version element when there is one.
    """
    best = max((k for k in known if pkg == k or pkg.startswith(k + "/")), key=len, default="")
    if best:
        return best
    elems = pkg.split("/")
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
# Diagnosis of one message

@dataclass(slots=True)
class _Context:
    """What the whole text says that a single message may need."""

    progress: list[tuple[int, str, str, str]] = field(default_factory=list)   # (line, verb, path, version)
    finding: list[tuple[int, str]] = field(default_factory=list)              # (line, package)
    known: set[str] = field(default_factory=set)


_PROGRESS = re.compile(r"^go: (downloading|extracting|finding) (" + _PATH + r") (\S+)$")
_FINDING_PKG = re.compile(r"^go: finding module for package (" + _PATH + r")$")


def _context(lines: list[_Line]) -> _Context:
    ctx = _Context()
    for ln in lines:
        m = _PROGRESS.match(ln.body)
        if m:
            ctx.progress.append((ln.nos[0], m.group(1), m.group(2), m.group(3)))
            ctx.known.add(m.group(2))
        m = _FINDING_PKG.match(ln.body)
        if m:
            ctx.finding.append((ln.nos[0], m.group(1)))
    return ctx


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


def _signals(text: str) -> list[tuple[int, str, re.Match[str]]]:
    found = []
    for t in TEMPLATES:
        for m in t.pattern.finditer(text):
            found.append((m.start(), t.category, m))
    return found


def _block_text(block: list[_Line]) -> tuple[str, str]:
    """The message as one string, and a copy with progress/echo lines blanked (same offsets)."""
    full = "\n".join(ln.body for ln in block)
    masked = "\n".join(" " * len(ln.body) if _NOISE.match(ln.body) else ln.body for ln in block)
    return full, masked


def _line_of(text: str, at: int) -> str:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return text[start:] if end < 0 else text[start:end]


def _fill_version(path: str, mentions: Sequence[_Mention], ctx: _Context, before_line: int | None = None) -> str | None:
    """A version for ``path`` from elsewhere in the message, else from ``go: downloading`` lines."""
    for m in mentions:
        if m.path == path and m.version:
            return m.version
    for verbs in (("downloading", "extracting"), ("finding",)):
        hits = [v for (n, verb, p, v) in ctx.progress if p == path and verb in verbs and (before_line is None or n <= before_line)]
        if hits:
            return hits[-1]
    return None


def _diagnose(block: list[_Line], ctx: _Context) -> _Draft | None:
    if all(_NOISE.match(ln.body) for ln in block):
        return None
    full, masked = _block_text(block)
    nos = [n for ln in block for n in ln.nos]
    signals = _signals(masked)
    mentions = _mentions(full)
    if not signals:
        pick = _pick(mentions, len(full))
        module = pick.path if pick else None
        version = (pick.version or _fill_version(pick.path, mentions, ctx, nos[0])) if pick else None
        return _Draft("unknown", module, version, nos, block[-1].body, None, None, full, nos[0])
    category = min((c for _, c, _ in signals), key=_RANK.__getitem__)
    at, _, match = min((s for s in signals if s[1] == category), key=lambda s: s[0])
    pick = _pick(mentions, at)
    module = pick.path if pick else None
    version = pick.version if pick else None
    if pick is None:
        earlier = [p for (n, p) in ctx.finding if n < nos[0]]
        module = earlier[-1] if earlier else None
    cause = _cause(category, full, match)
    location = _location(category, full, block)
    url_m = _URL.search(_line_of(full, at)) or _URL.search(full)
    url = url_m.group(0).rstrip(".:\"'") if url_m else None

    if category == "missing-gosum-entry":
        module, version = _missing_sum_module(full, mentions, ctx, module, version)
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
    return _Draft(category, module, version, nos, cause, location, url, full, nos[0])


def _missing_sum_module(full: str, mentions: Sequence[_Mention], ctx: _Context,
                        module: str | None, version: str | None) -> tuple[str | None, str | None]:
    hint = re.search(r"to add(?: it)?:\s+go mod download ((?:" + _PATH + r")(?: " + _PATH + r")*)", full)
    if hint:
        path = hint.group(1).split()[0]
        return path, _fill_version(path, mentions, ctx)
    pkg = re.search(r"missing go\.sum entry (?:for module providing|needed to verify) package (" + _PATH + ")", full)
    if pkg:
        known = ctx.known | {m.path for m in mentions if m.kind in ("at", "pv", "cache")}
        path = _module_root_guess(pkg.group(1), known)
        return path, _fill_version(path, [], ctx)
    return module, version


_REQ_LINE = re.compile(r"\b(?:require|exclude|replace|retract)\s+(" + _PATH + r"):?\s+version\s+\"([^\"]+)\"\s+invalid")


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


def _location(category: str, full: str, block: list[_Line]) -> str | None:
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
    for rx in (_CACHE_FILE, _CACHE_DIR):
        m = rx.search(slashed)
        if m:
            start, end = m.span()
            return full[start:end].lstrip("(")
    return None


# ---------------------------------------------------------------------------------------------
# Fixes and summaries

_PUBLIC_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitee.com")


def _private_pattern(module: str) -> str:
    elems = module.split("/")
    if elems[0] in _PUBLIC_HOSTS and len(elems) > 1:
        return f"{elems[0]}/{elems[1]}/*"
    return f"{elems[0]}/*"


def _cache_root(location: str | None) -> str | None:
    if not location:
        return None
    loc = location.replace("\\", "/")
    m = re.search(r"^(.*?)/cache/download/", loc)
    if m:
        return location[: m.end(1)]
    m = _CACHE_DIR.search(loc)
    if m:
        return location[: m.end("root")]
    return None


def _mv(module: str | None, version: str | None) -> str:
    if module and version:
        return f"{module}@{version}"
    return module or (version or "")


def _fix(d: _Draft) -> tuple[list[str], str]:
    """(commands, summary) for one diagnosis: the smallest safe repair first."""
    c, m, v = d.category, d.module, d.version
    mv = _mv(m, v)
    target = f"{mv}: " if mv else ""
    root = _cache_root(d.location)
    gmfix = f"gomodlab fix {root + ' ' if root else ''}--module {mv} --apply --refetch"
    text = d.text
    if c == "private-module-auth":
        said = re.search(r"for '\w+://([^/']+)|unable to access '\w+://([^/']+)|git@([\w.-]+):", text)
        host = next((g for g in said.groups() if g), "") if said else (m or "").split("/")[0] or "HOST"
        pat = _private_pattern(m) if m else "HOST/*"
        fixes = [f"go env -w GOPRIVATE={pat}"]
        if re.search(r"\b40[13]\b", d.cause) and d.url and "sum.golang.org" not in d.url and "/lookup/" not in d.url:
            proxy_host = re.sub(r"^\w+://([^/:]+).*$", r"\1", d.url)
            fixes = [f"echo 'machine {proxy_host} login USER password TOKEN' >> ~/.netrc"]
        elif "publickey" in text or "Host key verification" in text:
            fixes += [f"ssh -T git@{host}", "ssh-add ~/.ssh/id_ed25519"]
        else:
            fixes += [f"git config --global url.\"git@{host}:\".insteadOf \"https://{host}/\""]
        return fixes, f"{target}credentials for {host} are missing or refused ({d.cause}); mark it private and give git a way in"
    if c == "permission-denied":
        loc = d.location or "the directory named"
        if d.location and "/pkg/mod" in d.location.replace("\\", "/"):
            croot = d.location[: d.location.replace("\\", "/").find("/pkg/mod") + len("/pkg/mod")]
            fixes = [f"sudo chown -R \"$(id -u):$(id -g)\" {croot}"]
        elif d.location and re.search(r"[/\\]bin[/\\]", d.location):
            fixes = ["go env -w GOBIN=\"$HOME/go/bin\""]
        else:
            fixes = [f"ls -ld {loc}", f"sudo chown -R \"$(id -u):$(id -g)\" {loc}"]
        return fixes, f"{target}the filesystem refused access to {loc} ({d.cause})"
    if c == "checksum-mismatch":
        against = "the checksum database" if re.search(r"checksum server|sumdb", text) else "go.sum"
        if m and v:
            # A damaged local copy, a proxy serving other bits than it first did, or a go.sum line
            # that was edited: in that order. Re-adding the line verifies it against GOSUMDB again.
            fixes = [gmfix, f"GOPROXY=https://proxy.golang.org go mod download {mv}"]
            if against == "go.sum":
                fixes.append(f"sed -i '\\|^{m} {v}[ /]|d' go.sum && go mod download {mv}")
        else:
            fixes = ["go mod verify"]
        return fixes, (f"{target}the downloaded bits differ from {against} (SECURITY ERROR); refetch a clean copy, "
                       "never turn verification off")
    if c == "cache-modified":
        fixes = [gmfix, "go mod verify"] if m and v else ["go mod verify"]
        return fixes, f"{target}the module cache copy changed after download ({d.cause}); quarantine it and refetch"
    if c == "zip-unreadable":
        if m and v and v not in _QUERIES:
            fixes = [gmfix, f"GOPROXY=https://proxy.golang.org go mod download {mv}"]
        elif m:
            fixes = [f"go mod download -json {mv or m}", f"gomodlab fix {root + ' ' if root else ''}--module {m}@VERSION --apply --refetch"]
        else:
            fixes = ["go mod verify", "gomodlab fix --module MODULE@VERSION --apply --refetch"]
        return fixes, f"{target}the module zip cannot be read ({d.cause}); refetch it (a proxy may be serving a broken copy)"
    if c == "missing-gosum-entry":
        hint = re.search(r"to add(?: it)?:\s*\n\s*((?:cd \S+\s*\n\s*)?go (?:get|mod download)[^\n]*)", text)
        if hint:
            fixes = [re.sub(r"\s*\n\s*", " && ", hint.group(1).strip())]
        elif m:
            fixes = [f"go mod download {m}"]
        else:
            fixes = ["go mod tidy"]
        if "go mod tidy" not in fixes:
            fixes.append("go mod tidy")
        return fixes, f"{target}go.sum has no checksum for the module and the command may not add one (-mod=readonly)"
    if c == "module-not-found":
        pkg = re.search(r"(?:no required module provides|cannot find module providing) package (" + _PATH + ")", text)
        if "module lookup disabled" in text:
            fixes = ["go env -w GOPROXY=https://proxy.golang.org,direct"]
        elif pkg:
            fixes = [f"go get {pkg.group(1)}"]
        elif d.url and ("/lookup/" in d.url or "sum.golang.org" in d.url) and m:
            # The checksum database could not fetch it: a private module (keep it away from the
            # public proxy and sumdb) or a tag too new for it (retry later).
            fixes = [f"go env -w GOPRIVATE={_private_pattern(m)}", f"go mod download {mv}"]
        elif m:
            fixes = [f"GOPROXY=direct go list -m -versions {m}", f"go get {m}@latest"]
        else:
            fixes = ["go mod tidy"]
        return fixes, f"{target}no such version where go looked ({d.cause})"
    if c == "vcs-command-failed":
        local = re.search(r"bad config|not a git repository|bad object|corrupt|loose object|unable to read|index file|"
                          r"does not appear to be a git repository|object file .* is empty|bad revision", text)
        if d.location and local and re.search(r"[/\\]cache[/\\]vcs[/\\]", d.location):
            # Quarantine the checkout (restorable) rather than deleting it; go clones it afresh.
            root = re.split(r"[/\\]cache[/\\]vcs[/\\]", d.location)[0]
            fixes = [f"gomodlab fix {root} --path {d.location} --apply",
                     f"go mod download {mv}" if mv else "go mod download"]
        elif re.search(r"executable file not found|command not found|: not found", text):
            fixes = ["go env -w GOPROXY=https://proxy.golang.org,direct", "apt-get install -y git"]
        elif re.search(r"certificate|SSL|x509", text):
            fixes = ["git config --global http.sslCAInfo /etc/ssl/certs/ca-certificates.crt",
                     "go env -w GOPROXY=https://proxy.golang.org,direct"]
        elif re.search(r"[Rr]epository .*not found|Could not read from remote", text) and m:
            fixes = [f"go env -w GOPRIVATE={_private_pattern(m)}",
                     f"git config --global url.\"git@{m.split('/')[0]}:\".insteadOf \"https://{m.split('/')[0]}/\""]
        else:
            fixes = ["go env -w GOPROXY=https://proxy.golang.org,direct", f"go mod download -x {mv}".rstrip()]
        where = f" in {d.location}" if d.location else ""
        return fixes, f"{target}a version-control command failed{where}: {d.cause}"
    if c == "proxy-unreachable":
        base = None
        if d.url:
            um = _PROXY_URL.match(d.url)
            base = um.group("url") if um else None
            if um and "." not in um.group("esc").split("/")[0]:
                parts = um.group("esc").split("/")
                k = next((i for i, p in enumerate(parts) if "." in p), 0)
                base = um.group("url") + "/" + "/".join(parts[:k]) if k else base
        fixes = []
        if re.search(r"unknown authority|not standards compliant", d.cause):
            fixes.append("export SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt")
        if re.search(r"proxyconnect", text):
            fixes.append("echo \"$HTTPS_PROXY\"")
        if base and "proxy.golang.org" not in base:
            fixes.append(f"go env -w GOPROXY='{base}|https://proxy.golang.org|direct'")
        else:
            fixes.append("go env -w GOPROXY='https://proxy.golang.org|direct'")
        if mv:
            fixes.append(f"go mod download -x {mv}")
        where = f" ({d.url})" if d.url else ""
        return fixes, f"{target}the go command's own request failed{where}: {d.cause}"
    if c == "gomod-syntax":
        where = d.location or "go.mod"
        major = re.search(r"should be v0 or v1, not (v\d+)", text)
        dependency = m and v and d.location is None and re.search(r"(?<!errors )parsing go\.mod:", text)
        if _REQ_LINE.search(text) and major and m and v:
            fixes = [f"go mod edit -droprequire={m}", f"go get {m}/{major.group(1)}@{v}"]
        elif dependency:
            fixes = [f"go get {m}@latest"]
        elif re.search(r"unknown directive: (?:toolchain|godebug|tool|ignore)|invalid go version '\d+\.\d+\.\d+'", text):
            fixes = ["go env -w GOTOOLCHAIN=auto", "go version"]
        else:
            fixes = [f"$EDITOR {re.sub(r'(?::[0-9]+)+$', '', where)}", "go mod tidy"]
        if dependency:
            return fixes, f"the go.mod of {mv} does not parse: {d.cause}"
        return fixes, f"{where}: {d.cause} (the go.mod does not parse)"
    if c == "toolchain":
        need = re.search(r"(?:>=|Go|go)\s*(\d+\.\d+(?:\.\d+)?)", d.cause)
        gov = need.group(1) if need else ""
        if "toolchain not available" in text:
            fixes = ["go mod edit -toolchain=none", "go env -w GOTOOLCHAIN=local"]
        elif gov and int(gov.split(".")[1]) >= 21:
            # Go 1.21+ can switch toolchains itself; names of 1.21+ releases carry a patch number.
            fixes = [f"go env -w GOTOOLCHAIN=go{gov if gov.count('.') == 2 else gov + '.0'}+auto", "go version"]
        elif gov:
            fixes = [f"go install golang.org/dl/go{gov}@latest", f"go{gov} download"]
        else:
            fixes = ["go env -w GOTOOLCHAIN=auto"]
        return fixes, f"{_mv(m, v) + ': ' if m else ''}needs a newer Go toolchain: {d.cause}"
    if c == "invalid-module-path":
        post = re.search(r"module path \"(" + _PATH + r")\"|must match major version \(\"(" + _PATH + r")\"\)", text)
        major = re.search(r"not (v\d+)", text)
        decl = re.search(r"declares its path as:?\s+(\S+)\s+but was required as:?\s+(\S+)", text)
        if decl and v:
            fixes = [f"go mod edit -replace={decl.group(2)}@{v}={decl.group(1)}@{v}"]
        elif post and v and (post.group(1) or post.group(2)) != m:
            fixes = [f"go get {post.group(1) or post.group(2)}@{v.removesuffix('+incompatible')}"]
        elif major and m and v:
            fixes = [f"go get {m}/{major.group(1)}@{v}"]
        elif m:
            fixes = [f"go mod edit -droprequire={m}"]
        else:
            fixes = ["go mod tidy"]
        return fixes, f"{target}the module path does not match the version or go.mod ({d.cause})"
    if c == "ambiguous-import":
        cands = re.findall(r"^(" + _PATH + r") (v\S+) \(", text, re.M)
        parents = [p for p, _ in cands if m and m != p and m.startswith(p + "/")]
        fixes = [f"go get {p}@latest" for p in parents[:1]] + ["go mod tidy"]
        return fixes, f"{m}: the package is provided by more than one module ({', '.join(p + ' ' + ver for p, ver in cands)})"
    return [], f"{_mv(m, v) + ': ' if m else ''}not recognised: {d.cause}"


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
    raw, lines = _clean(text)
    ctx = _context(lines)
    drafts = [d for d in (_diagnose(b, ctx) for b in _segment(lines)) if d is not None]
    merged: dict[tuple[str, str | None, str | None], _Draft] = {}
    for d in drafts:
        key = (d.category, d.module, d.version)
        if key in merged:
            merged[key].lines.extend(d.lines)
        else:
            merged[key] = d
    ordered = sorted(merged.values(), key=lambda d: (_RANK[d.category], d.module is None, d.first))
    out = []
    for d in ordered:
        fixes, summary = _fix(d)
        evidence = tuple(Evidence(n, raw[n - 1]) for n in sorted(set(d.lines)))
        out.append(Diagnosis(d.category, d.module, d.version, evidence, tuple(fixes), summary, d.cause,
                             d.location, d.url))
    return out
