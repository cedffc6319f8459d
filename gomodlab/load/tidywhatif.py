"""What would ``go mod tidy`` write if…: the main module with an import added or removed, or a
file's build constraint changed, tidied in-process (round by round) in a scratch copy.

:class:`TidyWhatIf` keeps the module itself untouched: every :meth:`TidyWhatIf.run` copies it to
a scratch directory, applies the :class:`Edit` list to the Go files there, and runs
:func:`gomodlab.load.modtidy.tidy` with ``trace=True``. The answer (:class:`WhatIf`) holds the
go.mod tidy would write, its ``go mod tidy -diff`` against the module's go.mod, and the rounds.

The edits are what a person does to a Go file: a new file ``whatif_imports.go`` in the package
for added imports, the import's line taken out of each file for a removed one, the ``//go:build``
line of a file replaced (``// +build`` lines too: go would read them when there is no
``//go:build``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import GomodlabError
from ..mod import buildconstraint, godiff
from ..mod.goimports import read_go_info
from .modtidy import TidyRefused, TidyResult, tidy
from .sources import GoModSource
from .tidyrounds import TidyRound

__all__ = ["Edit", "MainPackage", "WhatIf", "WhatIfError", "TidyWhatIf", "ADDED_FILE"]

#: The file an added import goes into (in the package's directory).
ADDED_FILE = "whatif_imports.go"
_KINDS = ("add-import", "remove-import", "constraint")


class WhatIfError(GomodlabError):
    """An edit that cannot be made (no such package or file, an import line shared with other code,
    a constraint go cannot parse)."""


@dataclass(frozen=True, slots=True)
class Edit:
    """One change to the main module's Go files: ``add-import`` / ``remove-import`` (``target`` a
    package of the main module, ``value`` the import path) or ``constraint`` (``target`` a .go file
    relative to the module root, ``value`` the ``//go:build`` expression, ``""`` for none)."""

    kind: str
    target: str
    value: str

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise WhatIfError(f"unknown edit {self.kind!r} (want one of {', '.join(_KINDS)})")

    def describe(self) -> str:
        if self.kind == "add-import":
            return f"{self.target} imports {self.value}"
        if self.kind == "remove-import":
            return f"{self.target} no longer imports {self.value}"
        return f"{self.target}: //go:build {self.value}" if self.value else f"{self.target}: no build constraint"


@dataclass(frozen=True, slots=True)
class MainPackage:
    """A package directory of the main module: its import path, directory (relative, ``""`` for
    the root), .go files (relative to the module root) and what they import, tests included."""

    path: str
    dir: str
    files: tuple[str, ...]
    imports: tuple[str, ...]


@dataclass(frozen=True)
class WhatIf:
    """What tidy does after ``edits``: ``gomod`` is what it would write (the current go.mod when
    it refuses: then ``error`` is go's stderr), ``result`` the tidy (with its rounds) or None."""

    edits: tuple[Edit, ...]
    gomod_now: bytes
    gomod: bytes
    result: TidyResult | None
    error: str = ""

    @property
    def diff(self) -> str:
        """go.mod as ``go mod tidy -diff`` shows it (``""``: tidy would not change it)."""
        return godiff.diff("current/go.mod", self.gomod_now, "tidy/go.mod", self.gomod).decode("utf-8", "replace")

    @property
    def rounds(self) -> tuple[TidyRound, ...]:
        return self.result.rounds if self.result is not None else ()


class TidyWhatIf:
    """Tidy the main module in ``main_dir`` after edits, in a scratch copy under ``workdir``.

    ``source``, ``modcache`` and ``goroot`` are :func:`gomodlab.load.modtidy.tidy`'s.
    """

    def __init__(self, main_dir: str | os.PathLike[str], source: GoModSource | None = None, *,
                 modcache: str | None = None, goroot: str | None = None,
                 workdir: str | os.PathLike[str] | None = None) -> None:
        self.main_dir = Path(main_dir).resolve()
        if not (self.main_dir / "go.mod").is_file():
            raise WhatIfError(f"{self.main_dir}: no go.mod")
        self.source, self.modcache, self.goroot = source, modcache, goroot
        self.scratch = Path(workdir or tempfile.mkdtemp(prefix="gomodlab-whatif-")) / "module"
        self.module_path = _module_path(self.main_dir / "go.mod")
        self._packages = _packages(self.main_dir, self.module_path)

    def packages(self, edits: Sequence[Edit] = ()) -> tuple[MainPackage, ...]:
        """The main module's package directories, as they are after ``edits``."""
        if not edits:
            return self._packages
        self._write(edits)
        return _packages(self.scratch, self.module_path)

    def go_files(self) -> tuple[str, ...]:
        """Every .go file of the main module's packages (relative to the module root)."""
        return tuple(sorted(f for p in self._packages for f in p.files))

    def constraint(self, file: str, edits: Sequence[Edit] = ()) -> str:
        """The ``//go:build`` expression of ``file`` after ``edits`` (``""``: none)."""
        for e in reversed(edits):
            if e.kind == "constraint" and e.target == file:
                return e.value
        go_build, _ = buildconstraint.constraint_lines((self.main_dir / file).read_bytes())
        return go_build.split(None, 1)[1] if go_build and " " in go_build else ""

    def run(self, edits: Sequence[Edit] = ()) -> WhatIf:
        """Tidy after ``edits`` (raises :class:`WhatIfError` for an edit that cannot be made)."""
        edits = tuple(edits)
        self._write(edits)
        now = (self.main_dir / "go.mod").read_bytes()
        try:
            r = tidy(self.scratch, self.source, modcache=self.modcache, goroot=self.goroot, trace=True)
        except TidyRefused as e:
            return WhatIf(edits, now, now, None, e.stderr.replace(str(self.scratch), str(self.main_dir)))
        return WhatIf(edits, now, r.gomod, r)

    # -- the scratch copy ------------------------------------------------------------------

    def _write(self, edits: Sequence[Edit]) -> None:
        if self.scratch.exists():
            shutil.rmtree(self.scratch)
        shutil.copytree(self.main_dir, self.scratch, symlinks=True)
        by_path = {p.path: p for p in self._packages}
        added: dict[str, list[str]] = {}
        for e in edits:
            if e.kind == "constraint":
                _set_constraint(self.scratch, e.target, e.value)
                continue
            pkg = by_path.get(e.target)
            if pkg is None:
                raise WhatIfError(f"{e.target} is not a package of the main module {self.module_path}")
            if e.kind == "add-import":
                if e.value not in added.setdefault(pkg.path, []):
                    added[pkg.path].append(e.value)
            else:
                if e.value in added.get(pkg.path, []):
                    added[pkg.path].remove(e.value)
                for f in pkg.files:
                    if (self.scratch / f).exists():
                        _remove_import(self.scratch, f, e.value)
        for path, imports in added.items():
            if imports:
                pkg = by_path[path]
                name = _package_name(self.scratch, pkg)
                body = "".join(f'\t_ "{i}"\n' for i in imports)
                target = self.scratch / pkg.dir / ADDED_FILE if pkg.dir else self.scratch / ADDED_FILE
                target.write_text(f"package {name}\n\nimport (\n{body})\n")


def _module_path(gomod: Path) -> str:
    for line in gomod.read_text(encoding="utf-8", errors="replace").splitlines():
        f = line.split("//")[0].split()
        if len(f) == 2 and f[0] == "module":
            return f[1].strip('"')
    raise WhatIfError(f"{gomod}: no module line")


def _packages(root: Path, module: str) -> tuple[MainPackage, ...]:
    """The directories of the main module holding .go files, as go walks them (``.``/``_``
    and ``testdata`` directories and nested modules skipped)."""
    out = []
    for d, dirs, files in os.walk(root):
        rel = os.path.relpath(d, root).replace(os.sep, "/")
        rel = "" if rel == "." else rel
        dirs[:] = sorted(x for x in dirs if not x.startswith((".", "_")) and x != "testdata"
                         and not (Path(d) / x / "go.mod").exists())
        gofiles = sorted(f for f in files if f.endswith(".go") and not f.startswith((".", "_")))
        if not gofiles:
            continue
        imports: set[str] = set()
        for f in gofiles:
            try:
                info = read_go_info((Path(d) / f).read_bytes(), f)
            except (OSError, GomodlabError):
                continue
            imports.update(s.path for s in info.imports)
        out.append(MainPackage(f"{module}/{rel}" if rel else module, rel,
                               tuple(f"{rel}/{f}" if rel else f for f in gofiles), tuple(sorted(imports))))
    return tuple(sorted(out, key=lambda p: p.path))


def _package_name(root: Path, pkg: MainPackage) -> str:
    """The package clause of the package's non-test files (of its test files when it has no other)."""
    for want_test in (False, True):
        for f in pkg.files:
            if f.endswith("_test.go") != want_test or not (root / f).exists():
                continue
            try:
                name = read_go_info((root / f).read_bytes(), f).package
            except GomodlabError:
                continue
            if name:
                return name.removesuffix("_test")
    raise WhatIfError(f"{pkg.path}: no Go file to read the package name from")


def _remove_import(root: Path, file: str, path: str) -> None:
    """Take the line of each import of ``path`` out of ``file``."""
    p = root / file
    data = p.read_bytes()
    try:
        info = read_go_info(data, file)
    except GomodlabError:
        return
    lines = data.decode("utf-8", "surrogateescape").splitlines(keepends=True)
    drop = set()
    for spec in info.imports:
        if spec.path != path:
            continue
        text = lines[spec.line - 1].split("//")[0].strip()
        words = text.removeprefix("import").strip().split()
        quoted = f'"{path}"'
        if words not in ([quoted], [spec.name, quoted]) or (text.startswith("import") and "(" in text):
            raise WhatIfError(f"{file}:{spec.line}: the import of {path} shares its line with other code; "
                              "edit the file by hand")
        drop.add(spec.line - 1)
    if drop:
        p.write_bytes("".join(x for i, x in enumerate(lines) if i not in drop).encode("utf-8", "surrogateescape"))


def _set_constraint(root: Path, file: str, expr: str) -> None:
    """Replace the file's ``//go:build`` (and ``// +build``) lines by ``//go:build expr`` (none
    when ``expr`` is empty)."""
    p = root / file
    if not p.is_file():
        raise WhatIfError(f"{file}: no such file in the main module")
    if expr:
        try:
            buildconstraint.parse(f"//go:build {expr}")
        except GomodlabError as e:
            raise WhatIfError(f"//go:build {expr}: {e}") from None
    lines = p.read_text(encoding="utf-8", errors="surrogateescape").splitlines(keepends=True)
    out, header = [], True
    skip_blank = False
    for line in lines:
        s = line.strip()
        if header and (buildconstraint.is_go_build(s) or buildconstraint.is_plus_build(s)):
            skip_blank = True
            continue
        if header and s.startswith("package "):
            header = False
        if skip_blank and not s:
            skip_blank = False
            continue
        skip_blank = False
        out.append(line)
    text = "".join(out)
    if expr:
        text = f"//go:build {expr}\n\n" + text
    p.write_text(text, encoding="utf-8", errors="surrogateescape")
