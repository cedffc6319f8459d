"""Vendoring as the go command applies it (cmd/go/internal/modload/init.go ``setDefaultBuildMod``,
vendor.go ``readVendorList`` and ``checkVendorConsistency``).

- **Which mode** (:func:`build_mode`): an explicit ``-mod`` wins; ``go mod graph`` and ``go mod
  why`` always run as ``-mod=mod``; otherwise a ``vendor`` directory beside the main go.mod whose
  go line is >= 1.14 (and whose modules.txt is not a workspace's) means ``-mod=vendor``, and
  anything else ``-mod=readonly`` — with the reason go records for not vendoring.
- **Consistency** (:func:`check_consistency`): in vendor mode go compares vendor/modules.txt with
  the main go.mod and refuses to go on when they disagree: every ``require`` must be marked
  ``## explicit`` (before go 1.14, only a contradicting vendored version counts), every
  ``replace`` must be recorded with the same replacement, every module marked explicit must be
  required, and every module recorded as replaced must be replaced. :class:`InconsistentVendoring`
  carries go's whole report, messages in go's order.
- A ``## go`` annotation newer than the running go stops go before that (``TooNewError``).
- In vendor mode ``go list -m all`` refuses to compute ``all`` (:data:`CANT_COMPUTE_ALL`).

:func:`vendor_list_frame` turns modules.txt into the build list's DataFrame
(:func:`gomodlab.load.graph.build_list_frame`'s columns): ``path``, ``version``, ``replaced_by``,
``indirect`` (not ``## explicit``), ``depth`` and ``why`` (None: modules.txt records no paths),
``root`` (``## explicit``), ``go`` (the ``## go`` annotation); the main module first.
Workspace vendoring (a vendor directory beside go.work) is :mod:`gomodlab.load.workvendor`'s.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..mod import gover
from ..mod.vendortxt import ModulesTxt, VendorMeta, is_for_workspace, parse_modules_txt
from .goswitch import GoExit, Switches
from .locate import gotoolchain, short_path
from .main_module import MainModFile
from .mvs import Module

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["build_mode", "read_modules_txt", "check_consistency", "InconsistentVendoring",
           "check_vendor", "vendor_list_frame", "vendor_build_list", "CANT_COMPUTE_ALL"]

#: list.go: what ``go list -m all`` says in vendor mode.
CANT_COMPUTE_ALL = ("go: can't compute 'all' using the vendor directory\n"
                    "\t(Use -mod=mod or -mod=readonly to bypass.)")


_NO_META = VendorMeta()


def build_mode(sw: Switches, main_file: MainModFile, module_root: str) -> tuple[str, str]:
    """(-mod value, reason) as setDefaultBuildMod picks them for ``sw.command``.

    The reason is go's ``BuildModReason`` (``""`` when there is none to give).
    """
    if sw.mod:
        return sw.mod, ""
    if sw.command in ("mod graph", "mod why"):
        return "mod", ""
    vendor_dir = os.path.join(module_root, "vendor")
    if not os.path.isdir(vendor_dir):
        return "readonly", ""
    go = main_file.go
    if not go:
        return "readonly", "Go version in go.mod is unspecified, so vendor directory was not used."
    if gover.compare(go, "1.14") < 0:
        return "readonly", f"Go version in go.mod is {go}, so vendor directory was not used."
    try:
        with open(os.path.join(vendor_dir, "modules.txt"), "rb") as f:
            head = f.read(512)
    except FileNotFoundError:
        head = b""
    except OSError as e:
        raise GoExit(f"go: reading modules.txt for vendor directory: {_go_path_error(e, 'read')}") from None
    if is_for_workspace(head):
        return "readonly", "Outside workspace mode, but vendor directory is for a workspace."
    return "vendor", "Go version in go.mod is at least 1.14 and vendor directory exists."


def _go_path_error(e: OSError, op: str) -> str:
    # An *fs.PathError: "open NAME: no such file or directory" (syscall's lower-case wording).
    text = e.strerror or str(e)
    return f"{op} {e.filename}: {text[:1].lower()}{text[1:]}"


def read_modules_txt(vendor_dir: str) -> ModulesTxt:
    """readVendorList: vendor/modules.txt parsed, empty when the file does not exist."""
    name = os.path.join(vendor_dir, "modules.txt")
    try:
        with open(name, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return parse_modules_txt(b"")
    except IsADirectoryError as e:
        raise GoExit(f"go: {_go_path_error(e, 'read')}") from None
    except OSError as e:
        raise GoExit(f"go: {_go_path_error(e, 'open')}") from None
    return parse_modules_txt(data)


def _too_new(mt: ModulesTxt, vendor_file: str, local_go: str) -> None:
    for (path, _), go, _line in mt.go_lines:
        if gover.compare(go, local_go) > 0:
            raise GoExit("go: " + gover.too_new_message(f"{path} in {vendor_file}", go, gotoolchain(), local_go))


class InconsistentVendoring(GoExit):
    """go's "inconsistent vendoring" report: ``details`` are its lines, ``root`` the module root."""

    def __init__(self, root: str, details: list[str], subcmd: str = "mod") -> None:
        self.root, self.details = root, details
        super().__init__(f"go: inconsistent vendoring in {root}:" + "".join("\n\t" + d for d in details)
                         + "\n\n\tTo ignore the vendor directory, use -mod=readonly or -mod=mod.\n"
                           f"\tTo sync the vendor directory, run:\n\t\tgo {subcmd} vendor")


def _describe(m: tuple[str, str] | Module | None) -> str:
    if not m:
        return ""
    return f"{m[0]}@{m[1]}" if m[1] else m[0]


def check_consistency(main_file: MainModFile, mt: ModulesTxt, gomod_shown: str = "go.mod") -> list[str]:
    """checkVendorConsistency for one main module: go's detail lines, in go's order ([] when consistent).

    ``gomod_shown`` is how go names the file the replacements come from (``base.ShortPath`` of
    the go.mod or -modfile it read).
    """
    out: list[str] = []

    def err(m: tuple[str, str], detail: str) -> None:
        out.append(f"{_describe(m)}: {detail}")

    pre114 = gover.compare(main_file.go or "", "1.14") < 0
    for r in main_file.require:
        if not (mt.meta.get((r.path, r.version)) or _NO_META).explicit:
            if pre114:
                # Before 1.14 modules.txt did not say what go.mod required explicitly; a
                # package vendored from another version still contradicts it.
                vv = mt.selected.get(r.path)
                if vv is not None and vv != r.version:
                    err(r, f"is explicitly required in go.mod, but vendor/modules.txt indicates {r.path}@{vv}")
            else:
                err(r, "is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt")

    # Every replacement counts, used or not: a replacement's go.mod can change selected versions.
    for old in main_file.replace:
        new = _replacement(main_file, old)
        vr = (mt.meta.get(old) or _NO_META).replacement
        if vr is None:
            if new is None:
                continue  # the main module itself: not replaced
            if pre114 and (old[1] == "" or mt.selected.get(old[0]) != old[1]):
                continue  # before 1.14 modules.txt left out wildcard and unused replacements
            err(old, f"is replaced in {gomod_shown}, but not marked as replaced in vendor/modules.txt")
        elif new is None or vr != (new.path, new.version):
            err(old, f"is replaced by {_describe(new)} in {gomod_shown}, but marked as replaced by "
                     f"{_describe(vr)} in vendor/modules.txt")

    required = {(r.path, r.version) for r in main_file.require}
    for m in mt.vendor_list:
        if mt.meta[m].explicit and m not in required:
            err(m, "is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod")

    for m in mt.replaced:
        if _replacement(main_file, m) is None:
            err(m, "is marked as replaced in vendor/modules.txt, but not replaced in go.mod")
    return out




def _replacement(main_file: MainModFile, m: tuple[str, str]) -> Module | None:
    # modfile.go replacementFrom: exact version first, then the path's wildcard; never the
    # main module itself at version "".
    return main_file.replacement(Module(m[0], m[1]))


def check_vendor(main_file: MainModFile, module_root: str, *, gomod: str, cwd: str, local_go: str) -> ModulesTxt:
    """What go does on entering vendor mode: read modules.txt, stop at a ``## go`` newer than
    ``local_go``, then raise :class:`InconsistentVendoring` if it disagrees with go.mod.

    ``gomod`` is the go.mod (or -modfile) read and ``cwd`` the directory go runs in (paths in
    messages are shortened against it, as go does).
    """
    vendor_dir = os.path.join(module_root, "vendor")
    mt = read_modules_txt(vendor_dir)
    _too_new(mt, short_path(os.path.join(vendor_dir, "modules.txt"), cwd), local_go)
    details = check_consistency(main_file, mt, short_path(gomod, cwd))
    if details:
        raise InconsistentVendoring(module_root, details)
    return mt


def vendor_list_frame(mt: ModulesTxt, main_file: MainModFile | None = None) -> pd.DataFrame:
    """vendor/modules.txt as the build list's DataFrame (columns in the module docstring)."""
    import pandas as pd

    rows = []
    if main_file is not None:
        rows.append({"path": main_file.path, "version": "", "replaced_by": None, "indirect": False,
                     "depth": 0, "why": main_file.path, "root": False, "go": main_file.go})
    for (path, version), meta in mt.meta.items():
        if not version:
            continue  # a wildcard replacement line names no module version
        r = meta.replacement
        rows.append({"path": path, "version": version,
                     "replaced_by": (f"{r[0]}@{r[1]}" if r[1] else r[0]) if r else None,
                     "indirect": not meta.explicit, "depth": None, "why": None,
                     "root": meta.explicit, "go": meta.go})
    df = pd.DataFrame(rows, columns=["path", "version", "replaced_by", "indirect", "depth", "why", "root", "go"])
    return df.astype({"depth": "Int64"})


def vendor_build_list(directory: str | os.PathLike[str] = ".") -> pd.DataFrame:
    """The vendored modules of the main module containing ``directory`` (its vendor/modules.txt)
    as the build list's DataFrame (:func:`vendor_list_frame`)."""
    from .locate import find_main_gomod

    main_file = MainModFile.read(find_main_gomod(directory))
    return vendor_list_frame(read_modules_txt(os.path.join(main_file.dir, "vendor")), main_file)
