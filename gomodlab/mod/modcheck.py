"""What go checks in a main module's go.mod beyond its grammar (cmd/go/internal/modload).

:mod:`gomodlab.mod.modfile` is x/mod's grammar, the same for every go.mod. A *main* module's
go.mod is read with more checks, each of which makes every module command fail:

- **retract** (x/mod rule.go ``fixRetract`` with modload's ``fixVersion``): a retraction needs a
  ``module`` line, and a canonical version must fit the module path's major version
  (``retract v1.0.0`` in ``example.com/m/v2``: ``should be v2, not v1``). Non-canonical versions
  (``v1.5``, a branch) are queries go resolves; they are not checked here.
- **godebug** (init.go ``loadModFile``, ``CheckGodebug``): every key must be one go knows
  (:mod:`gomodlab.mod.godebugs`); ``default=`` must name a go version no newer than go's own.
- **tool** (init.go ``makeMainModules``): every tool path must be a valid import path.

Each function returns go's messages (empty or None when go accepts the file) and never raises.
"""

from __future__ import annotations

from collections.abc import Iterable

from .godebugs import check_godebug
from .modfile import GoMod
from .modpath import InvalidPath, canonical_version, check_import_path, check_path_major, split_path_version

__all__ = ["retract_errors", "godebug_errors", "tool_error"]


def retract_errors(gm: GoMod) -> list[tuple[int, str]]:
    """(line, message) for each retract directive go refuses, in file order.

    Without a module line go reports the first retraction only, as rule.go does.
    """
    if not gm.retract:
        return []
    if gm.module is None:
        return [(gm.retract[0].line, "no module directive found, so retract cannot be used")]
    path = gm.module.path
    _, major, ok = split_path_version(path)
    if not ok:
        return []  # the module path itself is refused, later, with its own message
    out = []
    for r in gm.retract:
        # parseVersionInterval stops at the interval's first bad version.
        for v in dict.fromkeys((r.low, r.high)):
            if canonical_version(v) != v:
                continue
            try:
                check_path_major(v, major)
            except InvalidPath as e:
                out.append((r.line, f"retract {path}: {e.message}"))
                break
    return out


def godebug_errors(gm: GoMod) -> list[tuple[int, str]]:
    """(line, message) for each godebug setting go refuses, in file order."""
    out = []
    for g in gm.godebug:
        err = check_godebug("godebug", g.key, g.value)
        if err is not None:
            out.append((g.line, err))
    return out


def tool_error(paths: Iterable[str]) -> str | None:
    """go's message for the first tool path (of a go.mod's ``tool`` lines, in file order) that
    is not a valid import path, or None."""
    for path in paths:
        try:
            check_import_path(path)
        except InvalidPath as e:
            return e.message.replace("malformed import path", "malformed tool path", 1)
    return None
