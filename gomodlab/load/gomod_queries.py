"""Version queries written in the main go.mod, resolved and rewritten as the go command does.

go reads its main go.mod with a version fixer (``cmd/go/internal/modload/init.go`` ``fixVersion``):
every require, exclude and replace version that is not canonical is a **query**, answered with
``modload.Query(path, query, "", nil)`` — so ``v1.5`` is the highest ``v1.5.x``, ``v1`` the highest
``v1.x.y``, ``latest`` and ``upgrade`` the latest release, ``>v1.1.0`` the lowest above it,
``v1.2.0+meta`` is ``v1.2.0``, and a commit hash or branch name is whatever the proxy's
``@v/<rev>.info`` says (a pseudo-version). Nothing is filtered: a retracted or excluded version
can be the answer (``allowed`` is nil), ``exclude M v1.2`` excludes what ``v1.2`` resolves to, and
``replace M v1.5 => …`` replaces that version. ``patch`` has no current version to patch and fails.
The main go.mod's own replacements are not yet known while it is being read, so they do not add
versions to a query.

With ``-mod=mod`` go then writes the fixed go.mod (:func:`gomodlab.mod.modedit.update_gomod`);
in the default ``-mod=readonly`` it refuses (``updates to go.mod needed``), and ``go mod graph``
uses the resolved versions without writing.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from ..errors import GomodlabError
from ..mod import gover
from ._fileio import read_bytes
from .locate import find_main_gomod
from .main_module import MainModFile
from .modload import Loader, ModGraph
from .mvs import Module
from .query import Resolution, version_fixer
from .sources import GoModSource, source_for

__all__ = ["Resolution", "QueryRewrite", "version_fixer", "resolve_gomod_queries", "written_gomod"]


@dataclass
class QueryRewrite:
    """What go makes of a main go.mod's version queries.

    ``resolutions`` lists each query and its answer in file order; ``gomod_before`` is the file,
    ``gomod_after`` what ``go list -m all`` with ``-mod=mod`` writes (the same bytes when nothing
    needs changing); ``graph`` is the module graph of the resolved go.mod.
    """

    gomod: str
    resolutions: list[Resolution]
    gomod_before: bytes
    gomod_after: bytes
    graph: ModGraph
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.gomod_after != self.gomod_before

    def text(self) -> str:
        """The queries, then the go.mod go would write."""
        out = [f"{r.path} {r.query} => {r.version}\n" for r in self.resolutions]
        if not self.resolutions:
            out.append("no version queries in go.mod\n")
        out.append(f"\ngo would write {self.gomod}:\n" if self.changed else f"\n{self.gomod} stays as it is\n")
        if self.changed:
            out.append(self.gomod_after.decode("utf-8", "replace"))
        return "".join(out)


def resolve_gomod_queries(directory: str | os.PathLike[str] = ".", source: GoModSource | None = None) -> QueryRewrite:
    """Resolve the version queries of the main go.mod containing ``directory`` (go's fixVersion),
    load the graph of the result, and work out the go.mod go writes (``-mod=mod``)."""
    from .get import LOCAL_GO_VERSION
    from .gomod_summary import PRUNED, UNPRUNED
    from .modload import _sort_key

    src = source if source is not None else source_for()
    gomod = find_main_gomod(directory)
    try:
        data = read_bytes(gomod)
    except OSError as e:
        raise GomodlabError(f"reading {gomod}: {e.strerror or e}") from None
    record: list[Resolution] = []
    fixer = version_fixer(src, record)
    main_file = MainModFile.from_bytes(data, gomod, fix=fixer)
    loader = Loader(main_file, src)
    mg = loader.load()
    roots = list(mg.roots)
    if main_file.go is None:
        # -mod=mod gives a go.mod without a go line the local go version, converting the
        # requirements to a pruned list (init.go loadModFile, as go get does).
        first = [r for r in loader.initial_roots() if r.path != "go"] + [Module("go", LOCAL_GO_VERSION)]
        converted = loader.read_graph(UNPRUNED, sorted(first, key=_sort_key)).build_list()[1:]
        mg = loader.load_roots(PRUNED, converted)
        roots = list(mg.roots)
    after = written_gomod(data, gomod, main_file, roots, main_file.direct, src, fixed=bool(record))
    return QueryRewrite(gomod, record, data, after, mg)


def written_gomod(data: bytes, gomod: str, main_file: MainModFile, roots: Sequence[Module],
                  direct: Collection[str], source: GoModSource, *, fixed: bool = False) -> bytes:
    """The go.mod go writes when the main module's requirements become ``roots`` (go and
    toolchain included), or ``data`` itself when go finds nothing to change (modFileIsDirty).

    ``fixed``: version queries were resolved while reading it (always a change).
    """
    from ..mod.modedit import update_gomod

    def indirect(p: str) -> bool:
        return p not in direct

    new_reqs = {(m.path, m.version, indirect(m.path)) for m in roots if m.path not in ("go", "toolchain")}
    old_reqs = {(m.path, m.version, indirect(m.path)) for m in main_file.require}
    go_root = next(m.version for m in roots if m.path == "go")
    tc_root = next((m.version for m in roots if m.path == "toolchain"), "go" + go_root)
    # UpdateGoModFromReqs drops a toolchain line naming the go version or one before go 1.21.
    tc_written = None if tc_root == "go" + go_root or gover.compare(gover.from_toolchain(tc_root), "1.21") < 0 \
        else tc_root
    dirty = fixed or new_reqs != old_reqs or go_root != main_file.go or tc_written != main_file.toolchain
    if not dirty:
        return data
    return update_gomod(data, [(m.path, m.version) for m in roots], direct, file=gomod, fix=version_fixer(source))
