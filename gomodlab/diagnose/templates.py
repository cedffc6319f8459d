"""The go command's error wording, as regular expressions, and the order of the categories.

Each :class:`Template` is one message template of the go command (or of a tool it runs: git,
ssh, the OS), written from the go source and naming the file it comes from. :data:`PRECEDENCE`
decides which category wins when one message matches several (an auth failure inside a git
failure inside a checksum-database 404); it follows the labelling rules of the go-errors data
set (tests/data/go-errors/README.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["CATEGORIES", "PRECEDENCE", "Template", "TEMPLATES"]

PRECEDENCE = (
    "private-module-auth", "permission-denied", "checksum-mismatch", "cache-modified",
    "zip-unreadable", "missing-gosum-entry", "module-not-found", "vcs-command-failed",
    "proxy-unreachable", "gomod-syntax", "toolchain", "invalid-module-path", "ambiguous-import",
)
#: Every category :func:`explain` can return.
CATEGORIES = (*PRECEDENCE, "unknown")
_RANK = {c: i for i, c in enumerate(CATEGORIES)}


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
    _t("vcs-command-failed", r"(?:reading|Get|GET|fetching)\s+\"?\S+?\"?:\s+(?:(?:GET|Get)\s+\"?\S+?\"?:\s+)?exit status \d+",
       "a GOPROXY that runs git itself (goproxy.io, Athens) relays its exit status as the response: web/api.go HTTPError"),
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
