"""Where things are: the main go.mod, the go.work, GOMODCACHE, gomodlab's own cache directories.

Each is found the way the go command finds it, without running go. The command line asks here
first and answers from the output memo when it can, before the module-graph code is loaded.
"""

from __future__ import annotations

import os

from ..errors import SourceError

__all__ = ["find_main_gomod", "find_gowork", "WorkspaceError", "go_env_value", "default_modcache", "cache_dir",
           "index_dir"]


def find_main_gomod(directory: str | os.PathLike[str]) -> str:
    """The go.mod go would use for ``directory`` outside workspace mode: the nearest one in it or
    a parent (findModuleRoot), as an absolute path with symbolic links resolved.

    A go.work is not looked at here: commands that use workspaces find it with
    :func:`gomodlab.load.workspace.find_gowork`, and the others (``go mod tidy``) ignore it, as go does.
    """
    d = os.path.realpath(directory)
    if not os.path.isdir(d):
        raise SourceError(f"{os.fspath(directory)}: no such directory")
    c = d
    while True:
        if os.path.isfile(os.path.join(c, "go.mod")):
            return os.path.join(c, "go.mod")
        parent = os.path.dirname(c)
        if parent == c:
            raise SourceError(f"go.mod file not found in current directory or any parent directory ({d})")
        c = parent


class WorkspaceError(SourceError):
    """go refuses the workspace: ``str()`` is go's own message (without its ``go: `` prefix).

    The command line prints it and exits 1, as go does.
    """

    exit_code = 1


def find_gowork(directory: str | os.PathLike[str]) -> str | None:
    """The go.work file go would use for a command run in ``directory``, or None (init.go FindGoWork)."""
    gowork = go_env_value("GOWORK")
    if gowork == "off":
        return None
    if gowork not in ("", "auto"):
        if not os.path.isabs(gowork):
            raise WorkspaceError("invalid GOWORK: not an absolute path")
        return gowork
    d = os.path.realpath(directory)
    if not os.path.isdir(d):
        raise SourceError(f"{os.fspath(directory)}: no such directory")
    goroot = go_env_value("GOROOT")
    goroot = os.path.normpath(goroot) if goroot else None
    while True:
        f = os.path.join(d, "go.work")
        if os.path.isfile(f):
            return f
        parent = os.path.dirname(d)
        # findWorkspaceFile: never cross GOROOT (the standard library's own modules).
        if parent == d or parent == goroot:
            return None
        d = parent


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


def default_modcache() -> str:
    """GOMODCACHE as ``go env GOMODCACHE`` would report it: $GOMODCACHE, else $GOPATH[0]/pkg/mod."""
    cache = go_env_value("GOMODCACHE")
    if cache:
        return os.path.normpath(cache)
    gopath = go_env_value("GOPATH")
    first = gopath.split(os.pathsep)[0] if gopath else os.path.join(os.path.expanduser("~"), "go")
    return os.path.join(os.path.normpath(first), "pkg", "mod")


def cache_dir() -> str | None:
    """gomodlab's own cache directory: $GOMODLAB_CACHE, else $XDG_CACHE_HOME/gomodlab or
    ~/.cache/gomodlab; None when ``GOMODLAB_CACHE=off``."""
    base = os.environ.get("GOMODLAB_CACHE", "")
    if base == "off":
        return None
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(xdg, "gomodlab")
    return base


def index_dir() -> str:
    """Where the cache scan keeps its index and memo: $GOMODLAB_INDEX_DIR, else
    $XDG_CACHE_HOME/gomodlab or ~/.cache/gomodlab (never inside a module cache)."""
    base = os.environ.get("GOMODLAB_INDEX_DIR")
    if base:
        return base
    xdg = os.environ.get("XDG_CACHE_HOME")
    return os.path.join(xdg if xdg and os.path.isabs(xdg) else os.path.expanduser("~/.cache"), "gomodlab")
