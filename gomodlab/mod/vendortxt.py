"""vendor/modules.txt, read exactly as the go command reads it (cmd/go/internal/modload/vendor.go).

``go mod vendor`` writes one block per module::

    # example.com/a v1.0.0                        a module line (path, version)
    ## explicit; go 1.17                          annotations: required in go.mod; its go line
    example.com/a                                 a package vendored from it
    example.com/a/sub
    # example.com/c v1.0.0 => example.com/fork v1.5.0    replaced (path+version or a directory)
    # example.com/d => ../d                       a wildcard replacement in the main go.mod

and, for a workspace (go >= 1.22), a first line ``## workspace``. go never rejects the file's
syntax: lines it cannot read are skipped, and so are they here (``readVendorList``):

- a ``# `` line with fewer than three fields, or whose third field is neither a semantic version
  nor ``=>``, is ignored and the following package and ``##`` lines belong to no module;
- ``=> path`` is a directory replacement, ``=> path version`` a module one (any other shape is
  ignored, the module still counts);
- ``## `` annotations are ``;``-separated and accumulate over lines: ``explicit`` and
  ``go VERSION``; every other word is reserved and skipped;
- a line that is a single valid import path is a package: its module *contributes packages*,
  and is the selected version of its path (the highest such version when several appear).

:func:`parse_modules_txt` is a pure function of the bytes; what go does with the result (the
consistency check against go.mod, a go line newer than the toolchain) is in
:mod:`gomodlab.load.vendor`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import gover, modpath, semver
from .gostrings import fields, trim_space

__all__ = ["VendorMeta", "ModulesTxt", "parse_modules_txt", "is_for_workspace"]


@dataclass(frozen=True, slots=True)
class VendorMeta:
    """What modules.txt says about one ``(path, version)`` (vendor.go ``vendorMetadata``).

    ``replacement`` is ``(path, version)`` (version ``""``: a directory) or None; ``go`` the
    version of its last ``## go`` annotation or None; ``line`` the 1-based line of the module line
    that first named it.
    """

    explicit: bool = False
    replacement: tuple[str, str] | None = None
    go: str | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class ModulesTxt:
    """A parsed vendor/modules.txt.

    =================  =========================================================================
    attribute          meaning (the vendor.go variable it mirrors)
    =================  =========================================================================
    meta               ``(path, version)`` → :class:`VendorMeta`, in order of first appearance
                       (``vendorMeta``; version ``""`` for a wildcard replacement line)
    vendor_list        modules that contribute packages, in order (``vendorList``)
    selected           path → the version whose packages are vendored (``vendorVersion``)
    replaced           every module given a replacement, in order, repeats kept (``vendorReplaced``)
    packages           package import path → its module (``vendorPkgModule``)
    go_lines           ``((path, version), go version, line)`` for each ``## go`` annotation, in order
    workspace          the first line carries ``## workspace`` (``modulesTextIsForWorkspace``)
    =================  =========================================================================
    """

    meta: dict[tuple[str, str], VendorMeta] = field(default_factory=dict)
    vendor_list: tuple[tuple[str, str], ...] = ()
    selected: dict[str, str] = field(default_factory=dict)
    replaced: tuple[tuple[str, str], ...] = ()
    packages: dict[str, tuple[str, str]] = field(default_factory=dict)
    go_lines: tuple[tuple[tuple[str, str], str, int], ...] = ()
    workspace: bool = False

    def packages_of(self, module: tuple[str, str]) -> list[str]:
        """The vendored packages of ``module``, in file order."""
        return [p for p, m in self.packages.items() if m == module]


def _is_import_path(p: str) -> bool:
    try:
        modpath.check_import_path(p)
    except ValueError:
        return False
    return True


def is_for_workspace(data: bytes) -> bool:
    """modulesTextIsForWorkspace: the first line (of the first 512 bytes) has a ``workspace`` annotation."""
    line = data[:512].decode("utf-8", "surrogateescape").partition("\n")[0]
    if not line.startswith("## "):
        return False
    return any(trim_space(e) == "workspace" for e in line[3:].split(";"))


def parse_modules_txt(data: bytes | str) -> ModulesTxt:
    """Read modules.txt as readVendorList does (never fails: go skips what it cannot read)."""
    text = data if isinstance(data, str) else data.decode("utf-8", "surrogateescape")
    raw = text.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    meta: dict[tuple[str, str], VendorMeta] = {}
    vendor_list: list[tuple[str, str]] = []
    selected: dict[str, str] = {}
    replaced: list[tuple[str, str]] = []
    packages: dict[str, tuple[str, str]] = {}
    go_lines: list[tuple[tuple[str, str], str, int]] = []
    mod: tuple[str, str] | None = None

    def get(m: tuple[str, str], line: int) -> VendorMeta:
        got = meta.get(m)
        if got is None:
            got = meta[m] = VendorMeta(line=line)
        return got

    for lineno, line in enumerate(text.split("\n"), 1):
        if line.startswith("# "):
            f = fields(line)
            if len(f) < 3:
                continue
            if semver.is_valid(f[2]):
                # A module, in the build list or only there to record a replacement.
                mod, rest = (f[1], f[2]), f[3:]
            elif f[2] == "=>":
                mod, rest = (f[1], ""), f[2:]  # a wildcard replacement of the main go.mod
            else:
                mod = None  # a module line go cannot read: it and its packages are skipped
                continue
            m = get(mod, lineno)
            if len(rest) >= 2 and rest[0] == "=>":
                if len(rest) == 2:
                    meta[mod] = VendorMeta(m.explicit, (rest[1], ""), m.go, m.line)
                    replaced.append(mod)
                elif len(rest) == 3 and semver.is_valid(rest[2]):
                    meta[mod] = VendorMeta(m.explicit, (rest[1], rest[2]), m.go, m.line)
                    replaced.append(mod)
            continue
        if mod is None or mod[0] == "":
            continue
        if line.startswith("## "):
            m = meta[mod]
            explicit, go = m.explicit, m.go
            for entry in line[3:].split(";"):
                entry = trim_space(entry)
                if entry == "explicit":
                    explicit = True
                if entry.startswith("go "):
                    go = entry[3:]
                    go_lines.append((mod, go, lineno))
            meta[mod] = VendorMeta(explicit, m.replacement, go, m.line)
            continue
        f = fields(line)
        if len(f) == 1 and _is_import_path(f[0]):
            packages[f[0]] = mod
            # A module providing a package is in the build list at its selected version.
            v = selected.get(mod[0])
            if v is None or gover.mod_compare(mod[0], v, mod[1]) < 0:
                vendor_list.append(mod)
                selected[mod[0]] = mod[1]
    return ModulesTxt(meta, tuple(vendor_list), selected, tuple(replaced), packages, tuple(go_lines),
                      is_for_workspace(raw))
