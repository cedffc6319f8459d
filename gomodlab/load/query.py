"""Version queries, retractions and deprecations as the go command answers them.

Follows ``cmd/go/internal/modload/query.go`` (``Query``, ``queryProxy``, ``newQueryMatcher``,
``filterVersions``, ``replacementRepo``) and ``modfile.go`` (``CheckRetractions``,
``CheckDeprecation``, ``queryLatestVersionIgnoringRetractions``), over the GOPROXY protocol of a
:class:`~gomodlab.load.sources.GoModSource` (``@v/list``, ``@v/<rev>.info``, ``@v/<v>.mod``,
``@latest``; a module cache serves its ``cache/download`` directory as a ``file://`` proxy would).

A query is one of ``latest``, ``upgrade``, ``patch``, ``vX`` / ``vX.Y`` (the highest ``vX.…`` /
``vX.Y.…``), a full semantic version, ``<v``, ``<=v``, ``>v``, ``>=v``, or a revision (a branch,
tag or commit hash, which a proxy resolves through ``@v/<rev>.info``). The rules that matter:

- releases are preferred over pre-releases; ``upgrade``/``patch`` never go below ``current``, so a
  pre-release current version can move to a later pre-release;
- ``allowed`` (go's ``CheckAllowed``: the main go.mod's excludes and the authors' retractions)
  filters the candidates; a revision query fails instead when its answer is disallowed;
- ``+incompatible`` versions count only while the latest allowed compatible version has no
  go.mod file of its own (golang.org/issue/34165), or when ``current`` is ``+incompatible``;
- versions the main go.mod replaces count as available (``replacementRepo``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from ..errors import GomodlabError, ParseError, SourceError
from ..mod import gostrings, modpath, semver
from ..mod.modfile import VersionFixer, VersionFixError
from .main_module import MainModFile
from .mvs import Module
from .sources import GoModSource, NotInSource

__all__ = [
    "RevInfo", "QueryError", "NotFound", "NoMatchingVersion", "NoPatchBase", "Disallowed", "Excluded", "Retracted",
    "RetractionLoadingError", "Resolution", "version_fixer",
    "Querier", "is_revision_query", "short_message",
]


@dataclass(frozen=True, slots=True)
class RevInfo:
    """A query's answer: the version and its time (RFC 3339, as the ``.info`` file has it)."""

    version: str
    time: str = ""


class QueryError(SourceError):
    """A query could not be answered."""


class NotFound(QueryError):
    """The proxy has no such module or version (go's fs.ErrNotExist).

    ``inner`` is the fetch error, ``version`` the revision asked for ("" for the version list):
    go's module.ModuleError around it, which a go.mod error shows as
    ``require <path>: version "<version>" invalid: <inner>``.
    """

    def __init__(self, message: str, *, inner: str = "", version: str = "") -> None:
        super().__init__(message)
        self.inner, self.version = inner or message, version


class NoPatchBase(QueryError):
    """``patch`` with no current version (query.go NoPatchBaseError)."""

    def __init__(self, path: str) -> None:
        super().__init__(f'can\'t query version "patch" of module {path}: no existing version is required')


class NoMatchingVersion(QueryError):
    """No available version matches the query (query.go ``NoMatchingVersionError``)."""

    def __init__(self, query: str, current: str) -> None:
        suffix = ""
        if query in ("upgrade", "patch") and current not in ("", "none"):
            suffix = f" (current version is {current})"
        super().__init__(f"no matching versions for query {json.dumps(query)}{suffix}")


class Disallowed(QueryError):
    """The version is excluded or retracted (go's ErrDisallowed)."""


class Excluded(Disallowed):
    def __init__(self, m: Module) -> None:
        super().__init__(f"{m.path}@{m.version}: excluded by go.mod")


class Retracted(Disallowed):
    """Retracted by the module's author; ``rationale`` lists the retract comments that apply."""

    def __init__(self, m: Module, rationale: list[str]) -> None:
        self.module, self.rationale = m, rationale
        msg = "retracted by module author"
        if rationale:
            msg += ": " + short_message(rationale[0], "retracted by module author")
        super().__init__(f"{m.path}@{m.version}: {msg}")


class RetractionLoadingError(QueryError):
    """The retractions of a module could not be read; ``cause`` is why (modfile.go retractionLoadingError)."""

    def __init__(self, m: Module, cause: Exception) -> None:
        self.cause = cause
        super().__init__(f"loading module retractions for {m.path}@{m.version}: {cause}")


#: An AllowedFunc: None when the version may be used, else the reason (a Disallowed, or an error
#: that left the question open, which go treats as allowed).
Allowed = Callable[[Module], "Exception | None"]


def short_message(message: str, empty_default: str) -> str:
    """modfile.go ShortMessage: a go.mod rationale or deprecation as safe one-line terminal text."""
    message = message.split("\n", 1)[0].strip()
    if not message:
        return empty_default
    if len(message.encode()) > 500:
        return "(message omitted: too long)"
    if any(not (c.isprintable() or c.isspace()) for c in message):
        return "(message omitted: contains non-printable characters)"
    return message


def _is_prefix(v: str) -> bool:
    # gover.ModIsPrefix for module paths: vX or vX.Y, no pre-release or build suffix.
    return "-" not in v and "+" not in v and v.count(".") < 2


def is_revision_query(path: str, q: str) -> bool:
    """query.go IsRevisionQuery: names one revision (``v1.2.3``, a branch, a hash), not a choice."""
    return not (q in ("latest", "upgrade", "patch") or q.startswith(("<", ">"))
                or (semver.is_valid(q) and _is_prefix(q)))


def _cmp(a: str, b: str) -> int:
    return semver.compare(a, b)


def _parse_time(t: str) -> datetime | None:
    if not t:
        return None
    try:
        d = datetime.fromisoformat(t.replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


@dataclass
class _Matcher:
    """query.go queryMatcher."""

    prefix: str = ""
    filter: Callable[[str], bool] | None = None
    can_stat: bool = False
    prefer_lower: bool = False
    may_use_latest: bool = False
    prefer_incompatible: bool = False


class _RevisionQuery(Exception):
    """newQueryMatcher's errRevQuery: the query can only be answered by Stat."""


def _matcher(path: str, q: str, current: str) -> _Matcher:
    def bad(v: str) -> QueryError:
        return QueryError(f"invalid semantic version {json.dumps(v)} in range {json.dumps(q)}")

    def matches_major(v: str) -> bool:
        _, major, ok = modpath.split_path_version(path)
        if not ok:
            return False
        try:
            modpath.check_path_major(v, major)
        except GomodlabError:
            return False
        return True

    qm = _Matcher(prefer_incompatible=current.endswith("+incompatible"))
    if q == "latest":
        qm.may_use_latest = True
    elif q == "upgrade":
        if current in ("", "none"):
            qm.may_use_latest = True
        else:
            qm.may_use_latest = semver.is_pseudo(current)
            qm.filter = lambda mv: _cmp(mv, current) >= 0
    elif q == "patch":
        if current in ("", "none"):
            raise NoPatchBase(path)
        qm.may_use_latest = semver.is_pseudo(current)
        qm.prefix = semver.major_minor(current) + "."
        qm.filter = lambda mv: _cmp(mv, current) >= 0
    elif q.startswith(("<=", "<", ">=", ">")):
        op = q[:2] if q[1:2] == "=" else q[:1]
        v = q[len(op):]
        if not semver.is_valid(v):
            raise bad(v)
        if op in ("<=", ">") and _is_prefix(v):
            # Refuse to say whether <=v1.2 allows v1.2.3 (@v1.2 might mean v1.2.3).
            raise QueryError(f"ambiguous semantic version {json.dumps(v)} in range {json.dumps(q)}")
        qm.filter = {"<=": lambda mv: _cmp(mv, v) <= 0, "<": lambda mv: _cmp(mv, v) < 0,
                     ">=": lambda mv: _cmp(mv, v) >= 0, ">": lambda mv: _cmp(mv, v) > 0}[op]
        qm.prefer_lower = op.startswith(">")
        if not matches_major(v):
            qm.prefer_incompatible = True
    elif semver.is_valid(q):
        if _is_prefix(q):
            qm.prefix = q + "."
            # v1.2 does not match v1.2.0's pre-releases (golang.org/issue/31972).
            qm.filter = lambda mv: _cmp(mv, q) >= 0
        else:
            qm.can_stat = True
            qm.filter = lambda mv: _cmp(mv, q) == 0
            qm.prefix = semver.canonical(q)
        if not matches_major(q):
            qm.prefer_incompatible = True
    else:
        raise _RevisionQuery()
    return qm


class Querier:
    """Answers version queries for one main module over the loader's source, caching every request.

    ``main_file`` supplies the excludes (``check_exclusions``) and replacements (which count as
    available versions, and whose go.mod is read for retractions of a replaced latest version).
    """

    def __init__(self, main_file: MainModFile, source: GoModSource) -> None:
        self.main_file, self.source = main_file, source
        self._files: dict[tuple[str, str, str], bytes | NotInSource] = {}
        self._latest_ignoring: dict[str, Module | Exception] = {}
        self._gomods: dict[Module, tuple[str | None, tuple] | Exception] = {}
        self._highest_replaced: dict[str, str] = {}
        for (p, v) in main_file.replace:
            h = self._highest_replaced.get(p)
            if h is None or _cmp(v, h) > 0:
                self._highest_replaced[p] = v

    # -- the proxy protocol --------------------------------------------------------------

    def _file(self, path: str, endpoint: str, version: str = "") -> bytes:
        """One GOPROXY endpoint's body (cached); NotFound with go's text when it is missing."""
        key = (path, endpoint, version)
        got = self._files.get(key)
        if got is None:
            getter = getattr(self.source, "proxy_file", None)
            if getter is None:
                raise QueryError(f"{self.source.describe()} cannot answer version queries")
            try:
                got = getter(path, endpoint, version)
            except NotInSource as e:
                got = e
            self._files[key] = got
        if isinstance(got, NotInSource):
            raise NotFound(str(got))
        return got

    def _repo_versions(self, path: str, prefix: str) -> list[str]:
        try:
            data = self._file(path, "list")
        except NotFound as e:
            raise NotFound(f"module {path}: {e}", inner=str(e)) from None
        vs = []
        for line in data.decode("utf-8", "replace").split("\n"):
            f = line.split()
            if f and semver.is_valid(f[0]) and f[0].startswith(prefix) and not semver.is_pseudo(f[0]):
                vs.append(f[0])
        return semver.sort_versions(vs)

    def _repo_stat(self, path: str, rev: str) -> RevInfo:
        try:
            modpath.escape_version(rev)
        except ParseError as e:
            raise QueryError(f"{path}@{rev}: {e}") from None
        try:
            data = self._file(path, "info", rev)
        except NotFound as e:
            raise NotFound(f"{path}@{rev}: {e}", inner=str(e), version=rev) from None
        info = _rev_info(path, rev, data)
        if info.version != rev and rev == modpath.canonical_version(rev):
            try:
                modpath.check(path, rev)
            except GomodlabError:
                return info
            raise QueryError(f"{path}@{rev}: proxy returned info for version {info.version} "
                             "instead of requested version")
        return info

    def _repo_latest(self, path: str) -> RevInfo:
        try:
            return _rev_info(path, "latest", self._file(path, "latest"))
        except NotFound:
            pass
        listed = self._file(path, "list")
        best_time: datetime | None = None
        best = ""
        for line in listed.decode("utf-8", "replace").split("\n"):
            f = line.split()
            if not f or not semver.is_valid(f[0]):
                continue
            if len(f) >= 2:
                t = _parse_time(f[1])
            elif semver.is_pseudo(f[0]):
                t = semver.pseudo_version_time(f[0])
            else:
                continue
            if t is not None and (best_time is None or best_time < t):
                best_time, best = t, f[0]
        if not best:
            raise NotFound(f"module {path}: no commits")
        return self._repo_stat(path, best)

    # -- replacementRepo -----------------------------------------------------------------

    def versions(self, path: str, prefix: str = "") -> list[str]:
        """repo.Versions: tagged versions with ``prefix``, plus versions the main go.mod replaces."""
        try:
            modpath.check_path(path)
        except GomodlabError:
            return []
        if path not in self._highest_replaced:
            return self._repo_versions(path, prefix)
        try:
            vs = self._repo_versions(path, prefix)
        except NotFound:
            vs = []
        extra = [v for (p, v) in self.main_file.replace
                 if p == path and v and v.startswith(prefix) and not semver.is_pseudo(v)]
        if not extra:
            return vs
        out = sorted(set(vs) | set(extra), key=semver.sort_key)
        return out

    def stat(self, path: str, rev: str) -> RevInfo:
        """repo.Stat: the ``.info`` of a revision (a replaced version needs none)."""
        try:
            modpath.check_path(path)
        except GomodlabError as e:
            raise QueryError(str(e)) from None
        try:
            return self._repo_stat(path, rev)
        except QueryError:
            if path not in self._highest_replaced or not self.main_file.replace:
                raise
            v = modpath.canonical_version(rev)
            if v != rev:
                raise
            _, major, ok = modpath.split_path_version(path)
            if ok and major == "" and not semver.build(v) and semver.major(v) not in ("v0", "v1"):
                v += "+incompatible"
            if self.main_file.replacement(Module(path, v)) is None:
                raise
            return _replacement_stat(v)

    def latest(self, path: str) -> RevInfo:
        """repo.Latest: ``@latest``, else the newest pseudo-version listed; a replaced path's
        highest replaced version when that is higher."""
        try:
            modpath.check_path(path)
        except GomodlabError as e:
            raise QueryError(str(e)) from None
        err: QueryError | None = None
        info = None
        try:
            info = self._repo_latest(path)
        except QueryError as e:
            err = e
        if path in self._highest_replaced:
            v = self._highest_replaced[path]
            if v == "":
                # A wildcard replacement only: a pseudo-version below any real one, of the path's major.
                _, major, ok = modpath.split_path_version(path)
                v = semver.zero_pseudo_version(major[1:] if ok and major else "v0")
            if info is None or _cmp(v, info.version) > 0:
                return _replacement_stat(v)
        if info is None:
            assert err is not None
            raise err
        return info

    # -- Query ---------------------------------------------------------------------------

    def query(self, path: str, q: str, current: str = "", allowed: Allowed | None = None) -> RevInfo:
        """modload.Query: the revision ``q`` denotes for module ``path`` (see the module docstring)."""
        if current not in ("", "none") and not semver.is_valid(current):
            raise QueryError(f"invalid previous version {path}@{current}")
        allow: Allowed = allowed or (lambda m: None)
        if path == self.main_file.path and q in ("upgrade", "patch"):
            return RevInfo("")
        try:
            qm = _matcher(path, q, current)
        except _RevisionQuery:
            qm = None
        if qm is None or qm.can_stat:
            try:
                info = self.stat(path, q)
            except QueryError as e:
                canonical = modpath.canonical_version(q)
                if not canonical or canonical == q:
                    raise
                try:
                    info = self.stat(path, canonical)
                except NotFound:
                    raise e from None
            err = allow(Module(path, info.version))
            if isinstance(err, Disallowed):
                raise err
            return info

        def allows(v: str) -> bool:
            if qm.prefix and not v.startswith(qm.prefix):
                return False
            if qm.filter is not None and not qm.filter(v):
                return False
            return not isinstance(allow(Module(path, v)), Disallowed)

        releases, prereleases = self._filter(path, qm, allows, self.versions(path, qm.prefix))

        def lookup(v: str) -> RevInfo:
            rev = self.stat(path, v)
            if q in ("upgrade", "patch") and semver.is_pseudo(current):
                # Never "upgrade" from a pseudo-version to a chronologically older version.
                t, ct = _parse_time(rev.time), semver.pseudo_version_time(current)
                if t is not None and ct is not None and t.year > 1 and t < ct:
                    err = allow(Module(path, current))
                    if isinstance(err, Disallowed):
                        raise err
                    return self.stat(path, current)
            return rev

        if qm.prefer_lower:
            pick = releases[:1] or prereleases[:1]
        else:
            pick = releases[-1:] or prereleases[-1:]
        if pick:
            return lookup(pick[0])
        if qm.may_use_latest:
            try:
                latest = self.latest(path)
            except NotFound:
                latest = None
            if latest is not None and allows(latest.version):
                return lookup(latest.version)
        if q in ("upgrade", "patch") and current not in ("", "none"):
            err = allow(Module(path, current))
            if isinstance(err, Disallowed):
                raise err
            return lookup(current)
        raise NoMatchingVersion(q, current)

    def _filter(self, path: str, qm: _Matcher, allows: Callable[[str], bool],
                versions: list[str]) -> tuple[list[str], list[str]]:
        # query.go filterVersions: +incompatible versions only while the last allowed compatible
        # version has no go.mod file of its own.
        need_incompatible = qm.prefer_incompatible
        last_compatible = ""
        releases: list[str] = []
        prereleases: list[str] = []
        for v in versions:
            if not allows(v):
                continue
            if not need_incompatible:
                if not v.endswith("+incompatible"):
                    last_compatible = v
                elif last_compatible:
                    if self.has_gomod(Module(path, last_compatible)):
                        break
                    need_incompatible = True
            (prereleases if semver.prerelease(v) else releases).append(v)
        return releases, prereleases

    def has_gomod(self, m: Module) -> bool:
        """versionHasGoMod: the version's ``.mod`` is a real go.mod, not go's synthesised one."""
        from ..mod.modfile import auto_quote

        from .sources import GoModNotFound

        try:
            data = self.source.gomod(m)
        except GoModNotFound as e:
            raise NotFound(str(e)) from None
        return data != f"module {auto_quote(m.path)}\n".encode()

    # -- exclusions, retractions, deprecations --------------------------------------------

    def check_exclusions(self, m: Module) -> Exception | None:
        """CheckExclusions: Excluded if the main go.mod excludes ``m``."""
        return Excluded(m) if m in self.main_file.exclude else None

    def check_allowed(self, m: Module) -> Exception | None:
        """CheckAllowed: excluded, then retracted."""
        return self.check_exclusions(m) or self.check_retractions(m)

    def latest_ignoring_retractions(self, path: str) -> Module:
        """queryLatestVersionIgnoringRetractions: the latest version (its replacement if replaced)."""
        got = self._latest_ignoring.get(path)
        if got is None:
            try:
                repl = self.main_file.replace.get((path, ""))
                if repl is not None:
                    got = repl
                else:
                    latest = Module(path, self.query(path, "latest").version)
                    got = self.main_file.replacement(latest) or latest
            except GomodlabError as e:
                got = e
            self._latest_ignoring[path] = got
        if isinstance(got, Exception):
            raise got
        return got

    def _gomod_facts(self, m: Module) -> tuple[str | None, tuple]:
        """(deprecation message, retractions) of ``m``'s go.mod, read laxly (rawGoModSummary)."""
        got = self._gomods.get(m)
        if got is None:
            from ..mod import modfile

            try:
                if m.version == "":
                    name = os.path.normpath(os.path.join(self.main_file.dir, m.path, "go.mod"))
                    try:
                        with open(name, "rb") as f:
                            data = f.read()
                    except OSError as e:
                        raise QueryError(f"{m.path}: reading {name}: {e.strerror or e}") from None
                else:
                    data = self.source.gomod(m)
                gm = modfile.parse_gomod(data, "go.mod", lax=True)
                got = (gm.module.deprecated if gm.module else None, gm.retract)
            except ParseError as e:
                got = QueryError(f"{m.path}@{m.version}: parsing go.mod: {e}")
            except GomodlabError as e:
                got = e
            self._gomods[m] = got
        if isinstance(got, Exception):
            raise got
        return got

    def check_retractions(self, m: Module) -> Exception | None:
        """CheckRetractions: Retracted (with the rationale) if the latest go.mod retracts ``m``;
        another error if the retractions could not be loaded; None otherwise."""
        if m.version == "" or (m.path, "") in self.main_file.replace:
            return None
        try:
            latest = self.latest_ignoring_retractions(m.path)
            _, retract = self._gomod_facts(latest)
        except GomodlabError as e:
            return RetractionLoadingError(m, e)
        rationale: list[str] = []
        hit = False
        for r in retract:
            if _cmp(r.low, m.version) <= 0 and _cmp(m.version, r.high) <= 0:
                hit = True
                if r.rationale:
                    rationale.append(r.rationale)
        return Retracted(m, rationale) if hit else None

    def deprecation(self, path: str) -> str:
        """CheckDeprecation: the ``// Deprecated:`` message of the latest go.mod, or ""."""
        if (path, "") in self.main_file.replace:
            return ""
        latest = self.latest_ignoring_retractions(path)
        return self._gomod_facts(latest)[0] or ""


def _rev_info(path: str, rev: str, data: bytes) -> RevInfo:
    try:
        obj = json.loads(data)
        return RevInfo(str(obj["Version"]), str(obj.get("Time") or ""))
    except (ValueError, KeyError, TypeError) as e:
        raise QueryError(f"{path}@{rev}: invalid response from proxy: {e}") from None


def _replacement_stat(v: str) -> RevInfo:
    t = semver.pseudo_version_time(v) if semver.is_pseudo(v) else None
    return RevInfo(v, t.strftime("%Y-%m-%dT%H:%M:%SZ") if t else "")


@dataclass(frozen=True, slots=True)
class Resolution:
    """One version query of the main go.mod and the version go resolved it to."""

    path: str
    query: str
    version: str


def version_fixer(source: GoModSource, record: list[Resolution] | None = None) -> VersionFixer:
    """fixVersion over ``source``: canonical versions pass, anything else is queried; each query
    answered is appended to ``record``. Errors carry go's wording (:class:`VersionFixError`)."""
    blank = MainModFile("", "", None, None, (), frozenset(), frozenset(), {})
    q = Querier(blank, source)

    def fix(path: str, vers: str) -> str:
        _, _, ok = modpath.split_path_version(path)
        if not ok:
            raise VersionFixError(f"version {gostrings.quote(vers)} invalid: malformed module path "
                                  f"{gostrings.quote(path)}", module_error=True)
        if vers and modpath.canonical_version(vers) == vers:
            return vers  # the parser checks it against the path's major version
        try:
            info = q.query(path, vers)
        except NotFound as e:
            if e.version:
                raise VersionFixError(f"version {gostrings.quote(e.version)} invalid: {e.inner}",
                                      module_error=True) from None
            raise VersionFixError(e.inner, module_error=True) from None
        except QueryError as e:
            raise VersionFixError(str(e)) from None
        if record is not None:
            record.append(Resolution(path, vers, info.version))
        return info.version

    return fix
