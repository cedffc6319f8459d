"""What the module graph reads from a dependency's go.mod: its summary (cmd/go/internal/modload, modfile.go).

- **Requirements of a dependency** (``goModSummary``): its go.mod's ``require`` lines in file
  order (the caller, :class:`gomodlab.load.modload.Loader`, reads the *replacement*'s go.mod when
  the main go.mod replaces the module, and drops the versions it excludes); a dependency at
  ``go >= 1.21`` also requires ``go@<its version>``, and ``go@V`` (V >= 1.21) requires
  ``toolchain@goV`` (``rawGoModSummary``).
- **Pruning** (``pruningForGoVersion``): a go.mod at ``go >= 1.17`` is pruned, one below it or
  without a go line unpruned.

:func:`parse_summary` reads go.mod bytes as go reads a dependency's (ParseLax);
:class:`SummaryCache` keeps parsed summaries of one module cache on disk between runs.
"""

from __future__ import annotations

import marshal
import os
import re
import zlib
from functools import lru_cache
from typing import NamedTuple

from ..errors import ParseError
from ..mod import gover, modpath
from ._fileio import read_bytes, write_atomic
from .locate import cache_dir
from .mvs import Module

__all__ = ["PRUNED", "UNPRUNED", "Summary", "SummaryCache", "parse_summary", "pruning_for"]

PRUNED = "pruned"
UNPRUNED = "unpruned"


def pruning_for(go: str | None) -> str:
    """modfile.go pruningForGoVersion; a go.mod without a go line is unpruned."""
    if go is None or gover.compare(go, gover.EXPLICIT_INDIRECT_VERSION) < 0:
        return UNPRUNED
    return PRUNED


class Summary(NamedTuple):
    """What the module graph needs from one go.mod (modfile.go ``modFileSummary``).

    ``module`` is the path the go.mod declares (``""`` if none), ``go`` its go line or None;
    ``require`` is in file order and already includes the trailing ``go@V`` requirement of a
    go >= 1.21 module; ``pruning`` is :data:`PRUNED` or :data:`UNPRUNED`.
    """

    # A NamedTuple rather than a frozen dataclass: one is built per go.mod of the graph, and the
    # summary cache rebuilds thousands of them per run.
    module: str
    go: str | None
    require: tuple[Module, ...]
    pruning: str


# -------------------------------------------------------------------------------------------
# Reading dependencies' go.mod files: a scanner for the plain files that make up nearly all of
# a module cache, and modfile.parse_gomod(lax=True) (go's ParseLax) for everything else. The
# scanner reads the benchmark's 1,961 go.mod files 15 times faster than the full parser, and a
# graph of plain files never imports the parser (with its records, about 15 ms of a cold
# `gomodlab buildlist`; benchmarks/bench_mvs.py keeps that run within 1.5x `go list -m all`).

#: A line that opens a block, ``require (``; group 1 is the verb.
_BLOCK_OPEN_RE = re.compile(r"\s*([a-z]+)\s*\(\s*\Z")


#: Directives ParseLax drops without looking at their arguments (modfile/rule.go ``add``).
_LAX_IGNORED = frozenset({"toolchain", "exclude", "replace", "godebug", "tool"})


@lru_cache(maxsize=65536)
def _plain_require(path: str, version: str) -> bool:
    """Whether ``require path version`` parses as is: canonical version fitting the path's major."""
    if modpath.canonical_version(version) != version:
        return False
    _, major, ok = modpath.split_path_version(path)
    if not ok:
        return False
    try:
        modpath.check_path_major(version, major)
    except ParseError:
        return False
    return True


#: What the scanner leaves to the full parser: quoting, non-Unix line ends, block comments.
_NOT_PLAIN = ('"', "`", "'", "[", "]", "{", "}", ",", "/*", "\r")


def _fast_summary(data: bytes) -> tuple[str, str | None, list[Module]] | None:
    """(module, go, requires) of a plain go.mod, or None when the full parser must decide.

    Accepted: ASCII, none of :data:`_NOT_PLAIN`, ``module``/``go``/``require`` lines and
    ``require (…)`` blocks with canonical versions, and the directives ParseLax ignores.
    """
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        return None
    for bad in _NOT_PLAIN:
        if bad in text:
            return None
    module = ""
    go: str | None = None
    requires: list[Module] = []
    block: str | None = None
    seen_module = False
    for code in text.split("\n"):
        if "//" in code:
            code = code.split("//", 1)[0]
        if "(" in code or ")" in code:
            if block is None:
                opening = _BLOCK_OPEN_RE.match(code)
                block = opening[1] if opening else None
                if block != "require" and block not in _LAX_IGNORED:
                    return None
                continue
            if code.strip() != ")":
                return None
            block = None
            continue
        toks = code.split()
        if not toks:
            continue
        if block is not None:
            if block == "require":
                if len(toks) != 2 or not _plain_require(toks[0], toks[1]):
                    return None
                requires.append(Module(toks[0], toks[1]))
            continue
        verb = toks[0]
        if verb == "require":
            if len(toks) != 3 or not _plain_require(toks[1], toks[2]):
                return None
            requires.append(Module(toks[1], toks[2]))
        elif verb == "module":
            if seen_module or len(toks) != 2:
                return None
            module, seen_module = toks[1], True
        elif verb == "go":
            if go is not None or len(toks) != 2 or not gover.go_version_ok(toks[1]):
                return None
            go = toks[1]
        elif verb not in _LAX_IGNORED:
            return None
    if block is not None:
        return None
    return module, go, requires


@lru_cache(maxsize=1024)
def _go_line(go: str | None) -> tuple[bool, str]:
    """(whether a go line this high requires go@V, its pruning): the same few go lines recur."""
    return go is not None and gover.compare(go, gover.GO_STRICT_VERSION) >= 0, pruning_for(go)


def parse_summary(data: bytes, name: str = "go.mod") -> Summary:
    """The :class:`Summary` of a dependency's go.mod bytes, read as go reads them (ParseLax).

    Raises :class:`gomodlab.mod.modfile.GoModSyntaxError` for a file go could not parse either.
    """
    fast = _fast_summary(data)
    if fast is not None:
        module, go, requires = fast
    else:
        from ..mod import modfile  # only for what the scanner leaves to it: see the note above

        f = modfile.parse_gomod(data, name, lax=True)
        module = f.module.path if f.module is not None else ""
        go = f.go
        requires = [Module(r.path, r.version) for r in f.require]
    strict, pruning = _go_line(go)
    if strict:
        requires.append(Module("go", go))
    return Summary(module, go, tuple(requires), pruning)


def _toolchain_summary(m: Module) -> Summary:
    # modfile.go rawGoModSummary: go@V (V >= 1.21) requires toolchain@goV so that go and
    # toolchain move together; other pseudo-module versions require nothing. Their pruning
    # field is Go's zero value, "pruned".
    if m.path == "go" and gover.compare(m.version, gover.GO_STRICT_VERSION) >= 0:
        return Summary(m.path, None, (Module("toolchain", "go" + m.version),), PRUNED)
    return Summary(m.path, None, (), PRUNED)


class SummaryCache:
    """Parsed go.mod summaries of one module cache, kept on disk between runs.

    A module cache's ``.mod`` files never change for a given version, so ``gomodlab buildlist``
    need not re-read and re-parse thousands of them on every run. Each entry is keyed by
    ``(path, version)`` and checked against the file's :data:`~gomodlab.load.output_memo.stat_key`
    (size, mtime, ctime, inode), so a file that was rewritten or replaced (or damaged) is read
    again, even with its old size and mtime. The file lives in ``$GOMODLAB_CACHE`` (default
    ``$XDG_CACHE_HOME/gomodlab`` or ``~/.cache/gomodlab``); ``GOMODLAB_CACHE=off`` disables it.

    An entry also keeps the go.mod's ``h1:`` hash: go checks every go.mod it reads against go.sum
    (checkGoMod), and with the hash at hand a hit is checked without reading and hashing the file
    again (the same file by its stat key, so the same hash). On the 2,000-version benchmark that
    was 45 of buildlist's 120 ms (``python -m benchmarks mvs``).

    On disk (marshal): ``(format, modules, entries)`` — ``modules`` lists every required
    ``(path, version)`` once, and each entry ``(stat key, module, go or "", requirement indexes
    into modules, pruning, h1 hash)``. Sharing the requirement tuples makes the file a third
    smaller and a hit one tuple lookup per requirement instead of a new Module each.
    """

    _FORMAT = 5

    def __init__(self, file: str) -> None:
        self.file = file
        self._modules: list[Module] = []
        self._entries: dict[tuple[str, str], tuple] = {}
        self._dirty = False
        try:
            data = marshal.loads(read_bytes(file))
            if (isinstance(data, tuple) and len(data) == 3 and data[0] == self._FORMAT
                    and isinstance(data[2], dict)):
                self._modules = [Module(*t) for t in data[1]]
                self._entries = data[2]
        except (OSError, ValueError, EOFError, TypeError):
            self._modules, self._entries = [], {}

    @classmethod
    def for_modcache(cls, root: str | os.PathLike[str]) -> SummaryCache | None:
        """The cache file for the module cache at ``root``, or None when disabled."""
        base = cache_dir()
        if base is None:
            return None
        # A short stable name per cache root; entries are checked against the files anyway.
        real = os.path.realpath(os.fspath(root))
        key = f"{zlib.crc32(real.encode()):08x}{len(real):04x}"
        return cls(os.path.join(base, f"gomod-summaries-{key}.marshal"))

    def get(self, m: Module, key: tuple[int, int, int, int]) -> tuple[Summary, str] | None:
        """(the cached summary of ``m``, its go.mod's h1: hash) if the file still has this stat key."""
        e = self._entries.get(m)
        if e is None or e[0] != key:
            return None
        try:
            reqs = tuple(map(self._modules.__getitem__, e[3]))
        except (IndexError, TypeError):  # a damaged cache file: read the go.mod instead
            return None
        return Summary(e[1], e[2] or None, reqs, e[4]), e[5]

    def put(self, m: Module, key: tuple[int, int, int, int], s: Summary, h1: str) -> None:
        """Remember the summary of ``m`` and the h1: hash of its go.mod, read from a file with this stat key."""
        self._entries[(m.path, m.version)] = (key, s.module, s.go or "", s.require, s.pruning, h1)
        self._dirty = True

    def save(self) -> None:
        """Write the cache file if anything was added (atomically; errors are ignored)."""
        if not self._dirty:
            return
        index: dict[Module, int] = {}
        entries = {}
        for key, e in self._entries.items():
            # Entries loaded from the file hold indexes into the old module list, new ones Modules;
            # a loaded entry whose indexes point nowhere (a damaged file) is dropped.
            try:
                reqs = [self._modules[i] for i in e[3]] if e[3] and type(e[3][0]) is int else e[3]
            except (IndexError, TypeError):
                continue
            entries[key] = (*e[:3], tuple(index.setdefault(r, len(index)) for r in reqs), *e[4:])
        modules = tuple((m.path, m.version) for m in index)
        write_atomic(self.file, marshal.dumps((self._FORMAT, modules, entries)))
        self._modules = list(index)
        self._entries = entries
        self._dirty = False
