"""The go command's own switches that change what a module command reads: GOFLAGS, -mod, -modfile,
GO111MODULE (cmd/go/internal/base/goflags.go, base/flag.go, modload/init.go ``Init``,
work/init.go ``BuildInit``).

- ``GOFLAGS`` is split as cmd/internal/quoted.Split does (spaces; ``'…'`` or ``"…"`` around a
  whole field, no escapes); every field must look like ``-name``, ``--name``, ``-name=value``.
  A flag applies only to commands that define it: ``go list`` takes ``-mod`` and ``-modfile``,
  ``go mod graph`` and ``go mod why`` only ``-modfile`` (they always run as ``-mod=mod``), and
  ``go mod why`` its boolean ``-m`` and ``-vendor`` too (``-m``, ``-m=true``, ``-m=0``…).
  Later settings win; ``-mod=`` (empty) is the same as not setting it.
- ``-mod`` must be ``mod``, ``readonly`` or ``vendor`` (``go list`` refuses anything else);
  unset, go picks one (:func:`gomodlab.load.vendor.build_mode`).
- ``-modfile=FILE`` reads FILE instead of the module root's go.mod (the root is still where a
  go.mod is found) and ``FILE`` minus ``.mod`` plus ``.sum`` instead of go.sum; it must end in ``.mod``.
- ``GO111MODULE``: ``on``/empty (modules), ``auto`` (modules when a go.mod is found), ``off``
  (GOPATH mode: no module command runs); anything else is refused.

What go would refuse is raised as :class:`GoExit`: go's own message and exit status, which the
command line prints as they are. gomodlab does not check GOFLAGS names against every flag of every
go command (go's ``unknown flag`` error): such names are ignored, as go ignores known flags a
command does not take.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import GomodlabError
from .locate import find_main_gomod, go_env_value
from .main_module import MainModFile

__all__ = ["GoExit", "Switches", "split_goflags", "switches", "check_module_mode", "locate_main", "read_main",
           "go_mod_dirty", "check_readonly", "usage_error", "COMMANDS"]


class GoExit(GomodlabError):
    """go would stop here: ``text`` is what it prints on stderr (no trailing newline), ``code`` its exit status."""

    def __init__(self, text: str, code: int = 1) -> None:
        self.text, self.code = text, code
        super().__init__(text)


#: The go command each gomodlab command stands for: its name, the flags it takes, its usage line.
COMMANDS = {
    "list": ("list", ("mod", "modfile"), "go list [-f format] [-json] [-m] [list flags] [build flags] [packages]"),
    "mod graph": ("mod graph", ("modfile",), "go mod graph [-go=version] [-x]"),
    "mod why": ("mod why", ("modfile",), "go mod why [-m] [-vendor] packages..."),
}

#: The boolean flags of a go command that GOFLAGS may set too.
BOOL_FLAGS = {"mod why": ("m", "vendor")}

#: strconv.ParseBool's spellings.
_BOOLS = {**dict.fromkeys(("1", "t", "T", "TRUE", "true", "True"), True),
          **dict.fromkeys(("0", "f", "F", "FALSE", "false", "False"), False)}


@dataclass(frozen=True, slots=True)
class Switches:
    """The settings a module command runs with.

    ``mod`` is the -mod value (``""`` when not set: go chooses), ``modfile`` the -modfile path as
    given (``""``: the module root's go.mod), ``go111module`` the GO111MODULE value, ``flags`` the
    command's boolean flags GOFLAGS turns on (:data:`BOOL_FLAGS`).
    """

    command: str = "list"
    mod: str = ""
    modfile: str = ""
    go111module: str = ""
    flags: frozenset[str] = frozenset()

    @property
    def modules_enabled(self) -> bool:
        """Whether module mode may be on (``auto`` still needs a go.mod to be found)."""
        return self.go111module != "off"

    def gomod_path(self, module_root: str) -> str:
        """modFilePath: the go.mod file go reads for the module at ``module_root``."""
        return self.modfile or os.path.join(module_root, "go.mod")

    def gosum_path(self, module_root: str) -> str:
        """The go.sum beside the go.mod go reads (``-modfile=x.mod`` → ``x.sum``)."""
        return self.gomod_path(module_root).removesuffix(".mod") + ".sum"


def split_goflags(value: str) -> list[str]:
    """cmd/internal/quoted.Split: fields separated by space, tab, CR or LF; ``'…'``/``"…"`` quote one."""
    out: list[str] = []
    s, n, i = value, len(value), 0
    while i < n:
        while i < n and s[i] in " \t\n\r":
            i += 1
        if i >= n:
            break
        if s[i] in "\"'":
            q = s[i]
            j = s.find(q, i + 1)
            if j < 0:
                raise GoExit(f"go: parsing $GOFLAGS: unterminated {q} string")
            out.append(s[i + 1:j])
            i = j + 1
            continue
        j = i
        while j < n and s[j] not in " \t\n\r":
            j += 1
        out.append(s[i:j])
        i = j
    return out


def usage_error(command: str, message: str) -> GoExit:
    """go's usage error for ``command``: ``message``, its usage line, exit status 2."""
    name, _, usage = COMMANDS[command]
    return GoExit(f"{message}\nusage: {usage}\nRun 'go help {name}' for details.", 2)


def switches(command: str = "list", *, mod: str | None = None, modfile: str | None = None,
             environ: Mapping[str, str] | None = None) -> Switches:
    """The switches ``go <command>`` would run with: GOFLAGS (environment, then go's env file), then
    the explicit ``mod`` / ``modfile`` arguments (go's command-line flags, which override GOFLAGS).

    Raises :class:`GoExit` with go's message for a GO111MODULE, GOFLAGS, -mod or -modfile value go
    refuses. ``environ`` replaces the process environment (go's env file is then not read).
    """
    def env(name: str) -> str:
        return environ.get(name, "") if environ is not None else go_env_value(name)

    _, takes, _ = COMMANDS[command]
    g111 = env("GO111MODULE")
    if g111 not in ("", "on", "auto", "off"):
        raise GoExit(f"go: unknown environment setting GO111MODULE={g111}")
    values: dict[str, str] = {}
    flags: dict[str, bool] = {}
    for f in split_goflags(env("GOFLAGS")):
        if (not f.startswith("-") or f in ("-", "--") or f.startswith(("---", "-=", "--="))):
            raise GoExit(f'go: parsing $GOFLAGS: non-flag "{f}"')
        name, eq, value = f[2:].partition("=") if f.startswith("--") else f[1:].partition("=")
        if name in BOOL_FLAGS.get(command, ()):
            if eq and value not in _BOOLS:
                raise usage_error(command, f'go: invalid boolean value "{value}" for flag -{name} (from $GOFLAGS): '
                                           "parse error")
            flags[name] = _BOOLS[value] if eq else True
            continue
        if name not in takes:
            continue
        if not eq:
            raise usage_error(command, f"go: flag needs an argument: -{name} (from $GOFLAGS)")
        values[name] = value
    if mod is not None:
        values["mod"] = mod
    if modfile is not None:
        values["modfile"] = modfile
    sw = Switches(command, values.get("mod", ""), values.get("modfile", ""), g111,
                  frozenset(name for name, on in flags.items() if on))
    if sw.mod not in ("", "mod", "readonly", "vendor"):
        raise GoExit(f"-mod={sw.mod} not supported (can be '', 'mod', 'readonly', or 'vendor')")
    return sw


def check_module_mode(sw: Switches, found_gomod: bool) -> None:
    """modload.Init for a command that needs a main module: go's refusal in GOPATH mode.

    ``go list -m`` says GO111MODULE=off when modules end up disabled (``off``, or ``auto`` with
    no go.mod); ``go mod graph``/``why`` force modules on and say so only for ``off``.
    """
    if sw.command == "list":
        if sw.go111module == "off" or (sw.go111module == "auto" and not found_gomod):
            raise GoExit("go: list -m cannot be used with GO111MODULE=off")
    elif sw.go111module == "off":
        raise GoExit("go: modules disabled by GO111MODULE=off; see 'go help modules'")
    if sw.modfile and not sw.modfile.endswith(".mod"):
        raise GoExit(f"go: -modfile={sw.modfile}: file does not have .mod extension")



def locate_main(sw: Switches, directory: str | os.PathLike[str]) -> tuple[str, str]:
    """(module root, go.mod file go reads) for a go command run in ``directory`` with ``sw``.

    The root is the nearest directory with a go.mod (findModuleRoot), even with -modfile, which
    only changes the file read (a relative -modfile is relative to ``directory``, where go runs).
    """
    if sw.go111module == "off":
        check_module_mode(sw, False)
    try:
        gomod = find_main_gomod(directory)
    except GomodlabError as e:
        if "go.mod file not found" in str(e):
            check_module_mode(sw, False)
        raise
    check_module_mode(sw, True)
    root = os.path.dirname(gomod)
    if not sw.modfile:
        return root, gomod
    name = os.path.join(os.path.abspath(directory), sw.modfile)
    try:
        open(name, "rb").close()
    except OSError as e:
        text = e.strerror or str(e)
        raise GoExit(f"go: open {sw.modfile}: {text[:1].lower()}{text[1:]}") from None
    return root, name


def read_main(gomod: str, root: str, fix=None) -> MainModFile:
    """The main go.mod (or -modfile) ``gomod`` of the module at ``root``: directory replacements
    stay relative to the root, wherever the file is. ``fix`` resolves version queries
    (:func:`gomodlab.load.gomod_queries.version_fixer`)."""
    main_file = MainModFile.read(gomod, fix=fix)
    return main_file if main_file.dir == root else main_file._replace(dir=root)


def go_mod_dirty(mg) -> bool:
    """modFileIsDirty for ``go list -m``: whether the go.mod go would write from the loaded graph
    (init.go ``UpdateGoModFromReqs``) differs in meaning from the one read, under -mod=readonly.

    Compared as go compares them: the go and toolchain lines and the set of required versions
    (``// indirect`` marks are not compared in readonly mode). go also counts duplicated
    ``replace``/``exclude`` lines and go.mod lines needing a fix (version queries); those are not
    seen here.
    """
    from ..mod import gover

    main = mg.main_file
    go = next((r.version for r in mg.roots if r.path == "go"), main.go_version)
    toolchain = next((r.version for r in mg.roots if r.path == "toolchain"), "") or "go" + go
    new_go = main.go if main.go is None and go == gover.DEFAULT_GO_MOD_VERSION else go
    if toolchain == "go" + go or gover.compare(gover.from_toolchain(toolchain), gover.GO_STRICT_VERSION) < 0:
        toolchain = ""
    if new_go != main.go or toolchain != (main.toolchain or ""):
        return True
    required = {r for r in mg.roots if not gover.is_toolchain(r.path)}
    return required != set(main.require)


def check_readonly(mg, sw: Switches, reason: str = "") -> None:
    """go's refusal (errGoModDirty) when -mod=readonly would need to update go.mod."""
    if not go_mod_dirty(mg):
        return
    explicit = bool(sw.mod)
    if explicit:
        head = f"updates to go.mod needed, disabled by -mod={sw.mod}; to update it:"
    elif reason:
        head = f"updates to go.mod needed, disabled by -mod=readonly\n\t({reason})\n\tto update it:"
    else:
        head = "updates to go.mod needed; to update it:"
    raise GoExit(f"go: {head}\n\tgo mod tidy")
