"""Workspace vendoring (go >= 1.22: ``go work vendor``, a vendor directory beside go.work), checked
as go checks it (modload/vendor.go checkVendorConsistency in workspace mode, init.go
setDefaultBuildMod, modfile.go replacementFrom / canonicalizeReplacePath).

Only what vendoring needs of a workspace is read here — the go.work file go would use
(:class:`~gomodlab.load.workspace.Workspace`: its ``use`` modules' go.mod files and its ``replace``
lines, checked as go checks them); the workspace's module graph is not loaded. Differences from a single module's check:

- replacements come from go.work first, then from any used module's go.mod; a directory
  replacement in a module's go.mod is compared relative to the go.work directory (``./loc``);
- a module marked explicit must be required by at least one used module ("in a go.mod"), a
  module marked replaced must be replaced somewhere ("in the workspace");
- modules.txt must start with ``## workspace``, and the advice is ``go work vendor``.
"""

from __future__ import annotations

import os

from ..mod import gover
from ..mod.vendortxt import ModulesTxt, is_for_workspace
from ._fileio import read_bytes
from .goswitch import GoExit, Switches
from .locate import short_path
from .vendor import _NO_META, _describe, _too_new, InconsistentVendoring, read_modules_txt
from .mvs import Module
from .workspace import Workspace

__all__ = ["workspace_build_mode", "check_workspace_vendor"]


def workspace_build_mode(sw: Switches, ws: Workspace) -> tuple[str, str]:
    """setDefaultBuildMod in workspace mode: (-mod, reason)."""
    if sw.mod:
        return sw.mod, ""
    vendor_dir = os.path.join(ws.dir, "vendor")
    if not os.path.isdir(vendor_dir):
        return "readonly", ""
    go = ws.go
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

    for mf in ws.modules:
        for r in mf.require:
            if not (mt.meta.get((r.path, r.version)) or _NO_META).explicit:
                err(r, "is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt")

    seen: set[tuple[str, str]] = set()
    for olds in [list(mf.replace) for mf in ws.modules] + [list(ws.replace)]:
        for old in olds:
            if old in seen:
                continue
            seen.add(old)
            new, _, source = ws.replacement_from(old)
            canon = ws.replacement(Module(*old))
            vr = (mt.meta.get(old) or _NO_META).replacement
            shown = short_path(source, cwd)
            if vr is None:
                if canon is not None:
                    err(old, f"is replaced in {shown}, but not marked as replaced in vendor/modules.txt")
            elif canon is None or vr != (canon.path, canon.version):
                err(old, f"is replaced by {_describe(new)} in {shown}, but marked as replaced by "
                         f"{_describe(vr)} in vendor/modules.txt")

    required = {(r.path, r.version) for mf in ws.modules for r in mf.require}
    for m in mt.vendor_list:
        if mt.meta[m].explicit and m not in required:
            err(m, "is marked as explicit in vendor/modules.txt, but not explicitly required in a go.mod")
    for m in mt.replaced:
        if ws.replacement_from(m)[0] is None:
            err(m, "is marked as replaced in vendor/modules.txt, but not replaced in the workspace")
    if out:
        raise InconsistentVendoring(ws.dir, out, "work")
    return mt
