"""Where things are: the main go.mod, the go.work, GOMODCACHE, gomodlab's own cache directories.

Each is found the way the go command finds it, without running go. The command line asks here
first and answers from the output memo when it can, before the module-graph code is loaded.
"""

from __future__ import annotations

import os

from ..errors import GoRefusal, SourceError

__all__ = ["find_main_gomod", "find_gowork", "WorkspaceError", "go_env_value", "go_env_file", "default_modcache", "cache_dir",
           "index_dir", "short_path", "gotoolchain", "toolchain_is_local", "ignored_gomod"]

#: go's message when no main module is found (modload.NewNoMainModulesError, no go.work).
NO_MAIN_MODULE = "go.mod file not found in current directory or any parent directory; see 'go help modules'"


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
    envfile = go_env_file()
    if envfile is None:
        return ""
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


def go_env_file() -> str | None:
    """The go env file go reads settings from: ``$GOENV``, else ``<user config dir>/go/env``;
    None for ``GOENV=off``."""
    envfile = os.environ.get("GOENV")
    if envfile == "off":
        return None
    if not envfile:
        config = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
        envfile = os.path.join(config, "go", "env")
    return envfile


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


def short_path(path: str, cwd: str | None = None) -> str:
    """cmd/go/internal/base.ShortPath: ``path`` relative to ``cwd`` (go's working directory; the
    current directory by default) when that is shorter and names the same file, else ``path``
    itself (for error messages)."""
    if not os.path.isabs(path):
        return path  # filepath.Rel fails for a relative path against the absolute cwd
    base = os.getcwd() if cwd is None else cwd
    try:
        rel = os.path.relpath(path, base)
    except ValueError:
        return path
    if len(rel) < len(path) and _same_file(os.path.join(base, rel), path):
        return rel
    return path


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return not os.path.exists(a) and not os.path.exists(b)


def gotoolchain() -> str:
    """The GOTOOLCHAIN setting go would use: the environment, go's env file, else ``auto``
    (the default GOROOT/go.env sets)."""
    return go_env_value("GOTOOLCHAIN") or "auto"


def toolchain_is_local() -> bool:
    """Whether go must run with its own toolchain (``GOTOOLCHAIN=local`` or the local release by
    name): a go line newer than go's own is then refused rather than a reason to switch.

    With ``auto``, ``path`` or a ``+auto``/``+path`` suffix go would switch to the newer toolchain;
    gomodlab then answers as that toolchain would, by the same rules.
    """
    from ..mod.gover import LOCAL_GO_VERSION

    return gotoolchain() in ("local", f"go{LOCAL_GO_VERSION}")


def ignored_gomod(gomod: str, *, need_root: bool) -> str:
    """The warning go prints before using ``gomod`` (or "" when none); GoRefusal where go stops.

    modload/init.go Init: a go.mod at the system temp root (``$TMPDIR``, else /tmp) is ignored
    — no main module, so every command that needs one fails; a go.mod at ``$GOPATH`` (its first
    entry) makes go warn, then fail where a main module is required (``go mod graph``,
    ``need_root``) and carry on with the module found otherwise (``go list -m``). A go.mod inside
    ``$GOPATH/src`` is an ordinary module in module mode.
    """
    root = os.path.dirname(gomod)
    tmp = os.environ.get("TMPDIR") or "/tmp"
    if _same_dir(root, tmp):
        warning = f"go: warning: ignoring go.mod in system temp root {tmp}\n"
        if need_root:
            raise GoRefusal(warning + f"go: {NO_MAIN_MODULE}\n")
        raise GoRefusal(warning + f'go: cannot match "all": {NO_MAIN_MODULE}\n')
    gopath = go_env_value("GOPATH")
    first = gopath.split(os.pathsep)[0] if gopath else os.path.join(os.path.expanduser("~"), "go")
    if first and os.path.isfile(os.path.join(first, "go.mod")):
        warning = f"go: warning: ignoring go.mod in $GOPATH {first}\n"
        if need_root:
            raise GoRefusal(warning + f"go: {NO_MAIN_MODULE}\n")
        return warning
    return ""


def _same_dir(a: str, b: str) -> bool:
    # search.InDir(modRoot, os.TempDir()) == ".": the same directory, symbolic links resolved.
    return os.path.realpath(a) == os.path.realpath(b)
