"""Run the real ``go mod edit`` / ``go work edit`` on many files at once, and compare with modfile.

Used by tests/test_modfile*.py. Each file is read by go twice (``-json`` and ``-fmt -print``),
from inside one shell script per batch so that a few thousand go runs stay cheap (go starts in a
few milliseconds; Python subprocess overhead would dominate). Files are addressed by bare name
from their directory, as the shared corpus was recorded, so go's messages read ``NAME:LINE: ...``.
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gomodlab.load import gotool
from gomodlab.mod import modfile

#: Which go command reads which kind of file.
_EDIT = {"gomod": ("mod", "edit"), "gowork": ("work", "edit")}


@dataclass(frozen=True)
class GoOutput:
    """What go printed for one file: stdout, stderr and exit status of -json and of -fmt -print."""

    json: bytes
    json_err: bytes
    json_rc: int
    fmt: bytes
    fmt_err: bytes
    fmt_rc: int


def run_go_edit(go_exe: str, env: dict[str, str], workdir: Path,
                files: Iterable[tuple[str, bytes, str]], jobs: int = 2) -> dict[str, GoOutput]:
    """Write each ``(name, data, kind)`` into ``workdir`` and run go on it; results by name."""
    workdir.mkdir(parents=True, exist_ok=True)
    files = list(files)
    out_dir = workdir / "out"
    out_dir.mkdir(exist_ok=True)
    scripts: list[list[str]] = [[] for _ in range(jobs)]
    for i, (name, data, kind) in enumerate(files):
        (workdir / name).write_bytes(data)
        verb = " ".join(_EDIT[kind])
        q = shlex.quote(name)
        o = shlex.quote(str(out_dir / name))
        scripts[i % jobs].append(
            f"{shlex.quote(go_exe)} {verb} -json {q} >{o}.json 2>{o}.jerr; echo $? >{o}.jrc\n"
            f"{shlex.quote(go_exe)} {verb} -fmt -print {q} >{o}.fmt 2>{o}.ferr; echo $? >{o}.frc\n")
    procs = []
    for j, lines in enumerate(scripts):
        if lines:
            script = out_dir / f"batch{j}.sh"
            script.write_text("".join(lines))
            procs.append(subprocess.Popen(["sh", str(script)], cwd=workdir, env=env))
    for p in procs:
        if p.wait() != 0:
            raise RuntimeError("go batch script failed")
    results = {}
    for name, _, _ in files:
        base = out_dir / name

        def rd(ext: str) -> bytes:
            return Path(f"{base}.{ext}").read_bytes()

        results[name] = GoOutput(rd("json"), rd("jerr"), int(rd("jrc")), rd("fmt"), rd("ferr"), int(rd("frc")))
    return results


def ours(name: str, data: bytes, kind: str) -> GoOutput:
    """What gomodlab says go prints for the same file, in the same shape."""
    to_json = modfile.gowork_json if kind == "gowork" else modfile.gomod_json
    to_fmt = modfile.format_gowork if kind == "gowork" else modfile.format_gomod
    try:
        js = to_json(data, name).encode()
        fm = to_fmt(data, name)
    except modfile.GoModSyntaxError as e:
        err = e.go_stderr(name).encode("utf-8", "surrogateescape")
        return GoOutput(b"", err, 1, b"", err, 1)
    return GoOutput(js, b"", 0, fm, b"", 0)


def mismatches(name: str, data: bytes, kind: str, go: GoOutput) -> list[str]:
    """Human-readable differences between go's output and ours (empty when identical)."""
    got = ours(name, data, kind)
    diffs = []
    for field in ("json", "json_err", "json_rc", "fmt", "fmt_err", "fmt_rc"):
        a, b = getattr(go, field), getattr(got, field)
        if a != b:
            diffs.append(f"{name} {field}: go={a!r}\n{' ' * len(name)} {field}: us={b!r}")
    if diffs:
        diffs.insert(0, f"--- {name} input: {data!r}")
    return diffs


def go_env(root: Path) -> dict[str, str]:
    """An isolated go environment (GOPROXY=off, local toolchain, no go/env file) under ``root``."""
    return gotool.isolated_env(root, LC_ALL="C")
