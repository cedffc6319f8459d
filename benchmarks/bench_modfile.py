"""Reading go.mod/go.work files: gomodlab.mod.modfile vs ``go mod edit -json`` / ``-fmt -print``.

The files are the shared corpus of real go.mod and go.work files (beside the clone in
``shared/data/gomod-corpus``, else the go toolchain's own GOROOT files). Both sides read every
file and print its JSON, then its formatted text. go pays a process start per file, which is
also what a script calling go pays; gomodlab's time is in-process. Also: parse_gosum over the
corpus go.sum files (go has no command that only reads a go.sum, so no go column). Best of three.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from gomodlab.load import gotool
from gomodlab.mod import modfile

from benchmarks import best_of

__all__ = ["main"]

RUNS = 3
CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "gomod-corpus" / "files"


def _files() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.suffix not in (".json", ".fmt", ".err"))


def _ours(files: list[tuple[Path, bytes]], fmt: bool) -> None:
    for path, data in files:
        try:
            if path.name.endswith(".work"):
                modfile.format_gowork(data, path.name) if fmt else modfile.gowork_json(data, path.name)
            else:
                modfile.format_gomod(data, path.name) if fmt else modfile.gomod_json(data, path.name)
        except modfile.GoModSyntaxError:
            pass


def _go(files: list[tuple[Path, bytes]], fmt: bool, env: dict[str, str]) -> None:
    for path, _ in files:
        verb = ["work", "edit"] if path.name.endswith(".work") else ["mod", "edit"]
        gotool.run_go([*verb, *(["-fmt", "-print"] if fmt else ["-json"]), path.name], cwd=path.parent, env=env)


def main() -> None:
    paths = _files()
    readable = [(p, p.read_bytes()) for p in paths if not p.name.endswith(".sum")]
    sums = [p.read_bytes() for p in paths if p.name.endswith(".sum")]
    size = sum(len(d) for _, d in readable) / 1e6
    print(f"{len(readable)} go.mod/go.work files ({size:.2f} MB), {len(sums)} go.sum files; best of {RUNS} runs",
          file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="bench_modfile-") as tmp:
        env = gotool.isolated_env(tmp)
        rows = []
        for label, fmt in (("-json", False), ("-fmt -print", True)):
            ours = best_of(lambda: _ours(readable, fmt), RUNS)
            theirs = best_of(lambda: _go(readable, fmt, env), RUNS)
            rows.append((f"read + print {label}", ours, theirs))
    t_sum = best_of(lambda: [modfile.parse_gosum(d) for d in sums], RUNS)
    n_sum = sum(len(modfile.parse_gosum(d)) for d in sums)

    print(f"{'what':<30} {'gomodlab s':>11} {'go s':>9} {'per file (ms)':>16}  gomodlab/go")
    for label, ours, theirs in rows:
        per = f"{1e3 * ours / len(readable):.2f} / {1e3 * theirs / len(readable):.2f}"
        print(f"{label:<30} {ours:11.3f} {theirs:9.3f} {per:>16}  {ours / theirs:.2f}")
    print(f"{'parse_gosum':<30} {t_sum:11.3f} {'-':>9} {'':>16}  {n_sum / t_sum / 1e3:.0f}k lines/s")


if __name__ == "__main__":
    main()
