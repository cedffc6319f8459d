"""Reading Go source as go's module loader does: gomodlab.mod.goscan vs go's own ScanDir code.

The corpus is every package directory of the toolchain's GOROOT/src (testdata included). Each
run scans all of them under AnyTags both ways the go command can: imports.ScanDir (the byte
reader) and the module index's ScanDir (go/parser on each header). The go side is the
``tests/gosource_oracle`` program, built from the go command's own cmd/go/internal/imports and
modindex sources, answering the same directories in one request (both ways). Min / median / max
of 5 runs; the answers are compared, directory by directory.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from gomodlab.mod import goscan
from gomodlab.mod.buildconstraint import ANY_TAGS
from gomodlab.mod.goimports import GoSourceError

from tests import goracle, gosource_oracle

__all__ = ["main"]

RUNS = 5


def _ours(dirs: list[str], index: bool) -> list[tuple]:
    out = []
    for d in dirs:
        try:
            s = goscan.scan_path(d, ANY_TAGS, index=index)
            out.append((s.imports, s.test_imports, ""))
        except (goscan.NoGoError, GoSourceError) as e:
            out.append(((), (), str(e)))
    return out


def _theirs(answers: list[dict], mode: str) -> list[tuple]:
    out = []
    for a in answers:
        r = a[mode]
        if r["err"]:
            out.append(((), (), r["err"]))
        else:
            out.append((tuple(gosource_oracle.unb64(p).decode("utf-8", "surrogateescape") for p in r["imports"]),
                        tuple(gosource_oracle.unb64(p).decode("utf-8", "surrogateescape") for p in r["test"]), ""))
    return out


def _spread(times: list[float]) -> str:
    return f"{min(times):7.3f} {statistics.median(times):7.3f} {max(times):7.3f}"


def main() -> None:
    root = goracle.goroot() / "src"
    dirs = sorted(str(d) for d in root.rglob("*") if d.is_dir() and any(f.suffix == ".go" for f in d.iterdir()))
    files = sum(1 for d in dirs for f in Path(d).iterdir() if f.suffix == ".go")
    with tempfile.TemporaryDirectory(prefix="bench_gosource-") as tmp:
        exe = gosource_oracle.build(Path(tmp))
        oracle = gosource_oracle.Oracle(exe, Path(tmp) / "scratch")
        cases = [{"name": d, "tags": ["*"], "goos": ""} for d in dirs]
        go_times, plain_times, index_times = [], [], []
        for _ in range(RUNS):
            t = time.perf_counter()
            answers = oracle.ask("scan_existing", cases)
            go_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            plain = _ours(dirs, False)
            plain_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            index = _ours(dirs, True)
            index_times.append(time.perf_counter() - t)
        oracle.close()
    differ = sum(a != b for a, b in zip(plain, _theirs(answers, "plain")))
    differ += sum(a != b for a, b in zip(index, _theirs(answers, "index")))
    both = [p + i for p, i in zip(plain_times, index_times)]
    print(f"{len(dirs)} directories, {files} .go files (GOROOT/src); AnyTags; min / median / max of {RUNS} runs, s")
    print(f"{'what':<44} {'min':>7} {'median':>7} {'max':>7}")
    print(f"{'gomodlab scan_dir, imports.ScanDir way':<44} {_spread(plain_times)}")
    print(f"{'gomodlab scan_dir, module index way':<44} {_spread(index_times)}")
    print(f"{'gomodlab, both ways':<44} {_spread(both)}")
    print(f"{'go (its own code), both ways':<44} {_spread(go_times)}")
    print(f"gomodlab/go time (medians): {statistics.median(both) / statistics.median(go_times):.1f}; "
          f"answers that differ: {differ} of {2 * len(dirs)}")


if __name__ == "__main__":
    main()
