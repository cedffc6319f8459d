"""Workspace vendoring (go >= 1.22: ``go work vendor``, a vendor directory beside go.work), checked
as go checks it (modload/vendor.go checkVendorConsistency in workspace mode, init.go
setDefaultBuildMod, modfile.go replacementFrom / canonicalizeReplacePath).

Only what vendoring needs of a workspace is read here — the go.work file go would use (``GOWORK``,
else the nearest go.work upward), its ``use`` modules' go.mod files and its ``replace`` lines;
the workspace's module graph is not loaded. Differences from a single module's check:

- replacements come from go.work first, then from any used module's go.mod; a directory
  replacement in a module's go.mod is compared relative to the go.work directory (``./loc``);
- a module marked explicit must be required by at least one used module ("in a go.mod"), a
  module marked replaced must be replaced somewhere ("in the workspace");
- modules.txt must start with ``## workspace``, and the advice is ``go work vendor``.
"""

from __future__ import annotations

import os

from ..errors import SourceError
from ..mod import gover
from ..mod.modfile import is_directory_path, parse_gowork
from ..mod.vendortxt import ModulesTxt, is_for_workspace
from ._fileio import read_bytes
from .goswitch import GoExit, Switches
from .main_module import MainModFile
from .mvs import Module
from .vendor import _NO_META, _describe, _too_new, InconsistentVendoring, read_modules_txt
from .locate import short_path

__all__ = ["find_gowork", "Workspace", "workspace_build_mode", "check_workspace_vendor"]


def find_gowork(directory: str) -> str | None:
    """FindGoWork: ``GOWORK`` (``off``: none; else an absolute path), else the nearest go.work upward."""
    gowork = os.environ.get("GOWORK", "")
    if gowork == "off":
        return None
    if gowork not in ("", "auto"):
        if not os.path.isabs(gowork):
            raise GoExit("go: invalid GOWORK: not an absolute path")
        return gowork
    d = os.path.abspath(directory)
    while True:
        f = os.path.join(d, "go.work")
        if os.path.isfile(f):
            return f
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


class Workspace:
    """A go.work and the go.mod files of its ``use`` modules (in ``use`` order)."""

    def __init__(self, gowork: str) -> None:
        try:
            self.work = parse_gowork(read_bytes(gowork), gowork)
        except OSError as e:
            raise SourceError(f"reading {gowork}: {e.strerror or e}") from None
        self.file, self.dir = gowork, os.path.dirname(gowork)
        self.modules: list[tuple[str, MainModFile]] = []
        for u in self.work.use:
            root = os.path.normpath(os.path.join(self.dir, u.path))
            self.modules.append((root, MainModFile.read(os.path.join(root, "go.mod"))))
        self.replace: dict[tuple[str, str], Module] = {}
        for r in self.work.replace:
            self.replace.setdefault((r.old_path, r.old_version), Module(r.new_path, r.new_version))

    def _main_paths(self) -> set[str]:
        return {mf.path for _, mf in self.modules}

    def replacement_from(self, m: tuple[str, str]) -> tuple[Module | None, str, str]:
        """replacementFrom: (replacement, module root it came from or "", the file it is in)."""
        if m[0] in self._main_paths() and m[1] == "":
            return None, "", ""
        r = self.replace.get(m) or self.replace.get((m[0], ""))
        if r is not None:
            return r, "", self.file
        found, found_root = None, ""
        for root, mf in self.modules:
            got = mf.replace.get(m) or mf.replace.get((m[0], ""))
            if got is not None:
                found, found_root = got, root
        return found, found_root, os.path.join(found_root, "go.mod")

    def canonical(self, r: Module | None, root: str) -> Module | None:
        """canonicalizeReplacePath: a module's relative directory replacement, relative to go.work."""
        if r is None or os.path.isabs(r.path) or r.version or not root:
            return r
        rel = os.path.relpath(os.path.join(root, r.path), self.dir)
        return Module(rel if is_directory_path(rel) else "./" + os.path.normpath(rel), "")


def workspace_build_mode(sw: Switches, ws: Workspace) -> tuple[str, str]:
    """setDefaultBuildMod in workspace mode: (-mod, reason)."""
    if sw.mod:
        return sw.mod, ""
    vendor_dir = os.path.join(ws.dir, "vendor")
    if not os.path.isdir(vendor_dir):
        return "readonly", ""
    go = ws.work.go
    if not go:
        return "readonly", "Go version in go.work is unspecified, so vendor directory was not used."
    if gover.compare(go, "1.14") < 0:
        return "readonly", f"Go version in go.work is {go}, so vendor directory was not used."
    try:
        head = read_bytes(os.path.join(vendor_dir, "modules.txt"))[:512]
    except FileNotFoundError:
        head = b""
    except OSError as e:
        raise GoExit(f"go: reading modules.txt for vendor directory: {e.strerror or e}") from None
    if not is_for_workspace(head):
        return "readonly", "In workspace mode, but vendor directory is not for a workspace"
    return "vendor", "Go version in go.work is at least 1.14 and vendor directory exists."


def check_workspace_vendor(ws: Workspace, *, cwd: str, local_go: str) -> ModulesTxt:
    """checkVendorConsistency in workspace mode; raises :class:`InconsistentVendoring` (``go work vendor``)."""
    vendor_dir = os.path.join(ws.dir, "vendor")
    mt = read_modules_txt(vendor_dir)
    _too_new(mt, short_path(os.path.join(vendor_dir, "modules.txt"), cwd), local_go)
    out: list[str] = []

    def err(m: tuple[str, str], detail: str) -> None:
        out.append(f"{_describe(m)}: {detail}")

    for _, mf in ws.modules:
        for r in mf.require:
            if not (mt.meta.get((r.path, r.version)) or _NO_META).explicit:
                err(r, "is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt")

    seen: set[tuple[str, str]] = set()
    for olds in [list(mf.replace) for _, mf in ws.modules] + [list(ws.replace)]:
        for old in olds:
            if old in seen:
                continue
            seen.add(old)
            new, root, source = ws.replacement_from(old)
            canon = ws.canonical(new, root)
            vr = (mt.meta.get(old) or _NO_META).replacement
            shown = short_path(source, cwd)
            if vr is None:
                if canon is not None:
                    err(old, f"is replaced in {shown}, but not marked as replaced in vendor/modules.txt")
            elif canon is None or vr != (canon.path, canon.version):
                err(old, f"is replaced by {_describe(new)} in {shown}, but marked as replaced by "
                         f"{_describe(vr)} in vendor/modules.txt")

    required = {(r.path, r.version) for _, mf in ws.modules for r in mf.require}
    for m in mt.vendor_list:
        if mt.meta[m].explicit and m not in required:
            err(m, "is marked as explicit in vendor/modules.txt, but not explicitly required in a go.mod")
    for m in mt.replaced:
        if ws.replacement_from(m)[0] is None:
            err(m, "is marked as replaced in vendor/modules.txt, but not replaced in the workspace")
    if out:
        raise InconsistentVendoring(ws.dir, out, "work")
    return mt
