"""Where things are, found without heavy imports: the main go.mod, GOMODCACHE, gomodlab's cache dir.

Kept apart (os only; pathlib is imported where a Path is built) so that the command line can
answer from a memo before it imports the module-graph machinery.
"""

from __future__ import annotations

import os

# Not typing.TYPE_CHECKING: importing typing costs more than this whole module (type checkers
# treat any name TYPE_CHECKING the same way).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

from .errors import SourceError

__all__ = ["find_main_gomod", "go_env_value", "default_modcache", "cache_dir", "index_dir"]


def find_main_gomod(directory: str | os.PathLike[str]) -> Path:
    """The go.mod go would use for ``directory``: the nearest one in it or a parent (findModuleRoot).

    go.work files are not followed (workspace mode is not modelled): with ``GOWORK`` unset or
    ``auto`` a go.work above the module is reported as an error rather than ignored.
    """
    from pathlib import Path

    d = Path(directory).resolve()
    if not d.is_dir():
        raise SourceError(f"{directory}: no such directory")
    gowork = os.environ.get("GOWORK", "")
    if gowork not in ("", "auto", "off"):
        raise SourceError(f"GOWORK={gowork}: workspace mode is not modelled by gomodlab; set GOWORK=off")
    found: Path | None = None
    for c in (d, *d.parents):
        if found is None and (c / "go.mod").is_file():
            found = c / "go.mod"
        if gowork != "off" and (c / "go.work").is_file():
            raise SourceError(f"{c / 'go.work'}: workspace mode is not modelled by gomodlab; "
                              "run with GOWORK=off to use the module alone")
        if found is not None and gowork == "off":
            break
    if found is None:
        raise SourceError(f"go.mod file not found in current directory or any parent directory ({d})")
    return found


def go_env_value(name: str) -> str:
    """A go environment setting without running go: the process environment, then go's env file.

    go reads ``$GOENV`` (default ``<user config dir>/go/env``) for values not in the environment
    (cmd/go/internal/cfg); ``GOENV=off`` disables the file.
    """
    v = os.environ.get(name)
    if v:
        return v
    envfile = os.environ.get("GOENV")
    if envfile == "off":
        return ""
    if not envfile:
        config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        envfile = os.path.join(config, "go", "env")
    try:
        with open(envfile, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return ""
    for line in text.splitlines():
        key, eq, val = line.partition("=")
        if eq and key.strip() == name:
            return val.strip()
    return ""


def default_modcache() -> Path:
    """GOMODCACHE as ``go env GOMODCACHE`` would report it: $GOMODCACHE, else $GOPATH[0]/pkg/mod."""
    from pathlib import Path

    cache = go_env_value("GOMODCACHE")
    if cache:
        return Path(cache)
    gopath = go_env_value("GOPATH")
    first = gopath.split(os.pathsep)[0] if gopath else os.path.join(os.path.expanduser("~"), "go")
    return Path(first) / "pkg" / "mod"


def cache_dir() -> Path | None:
    """gomodlab's own cache directory: $GOMODLAB_CACHE, else $XDG_CACHE_HOME/gomodlab or
    ~/.cache/gomodlab; None when ``GOMODLAB_CACHE=off``."""
    from pathlib import Path

    base = os.environ.get("GOMODLAB_CACHE", "")
    if base == "off":
        return None
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(xdg, "gomodlab")
    return Path(base)


def index_dir() -> str:
    """Where the cache scan keeps its index and memo: $GOMODLAB_INDEX_DIR, else
    $XDG_CACHE_HOME/gomodlab or ~/.cache/gomodlab (never inside a module cache)."""
    base = os.environ.get("GOMODLAB_INDEX_DIR")
    if base:
        return base
    xdg = os.environ.get("XDG_CACHE_HOME")
    return os.path.join(xdg if xdg and os.path.isabs(xdg) else os.path.expanduser("~/.cache"), "gomodlab")
