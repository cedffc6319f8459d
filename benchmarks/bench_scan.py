"""``gomodlab scan`` against ``go mod verify`` on module caches of the shapes users have.

Every cache is filled by the real ``go mod download`` from a ``file://`` proxy, and a main module
requires every version in it, so ``go mod verify`` checks the same zips and directories the scan
does. Both run as whole processes, as a user runs them, alternately in one loop (the machine's
load then falls on both alike); each row gives min/median/max of the runs and the ratio of the
medians to go's, with the range of the per-run ratios (run i of gomodlab against run i of go).

Shapes (``--shape``, repeatable; default all):

* ``a`` small-file heavy: 500 versions of 20–200 Go files of 1–20 KB each (log-uniform sizes, so
  most are small, as in real modules), spread over a few package directories;
* ``b`` few large binaries: 520 versions, about 130 MB, where half the versions carry testdata
  blobs or images that do not compress (the generator this benchmark started with);
* ``c`` a mix like a real cache: two std-like modules (1,500 files in 150 packages), a dozen
  vendored-heavy ones (a ``vendor/`` tree of 300–600 files), four with a 10 MB asset (10 MB
  zips) and 280 ordinary ones;
* ``d`` size: 5,000 versions of 3–20 files of 1–20 KB (fewer files per module than ``a``, to
  keep generation under a few minutes), to show how the times grow with the cache.

Rows: ``go mod verify``; ``gomodlab scan --no-index`` (target <= 1.0x go); ``gomodlab scan`` on
the unchanged cache (its index and output memo built once before the loop; target <= 0.05x go);
and ``gomodlab scan`` after an unrelated change (a file created and removed in one ``@v``
directory: the memo no longer applies, every entry is answered from the index).

Run one shape quickly with ``python -m benchmarks scan --shape a``; ``--keep DIR`` keeps the
generated caches in DIR and reuses them on the next run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks import gomodlab_command, gomodlab_env

_WORDS = ("request response handler config client server buffer stream token parse encode decode "
          "value index cache entry module version path reader writer error context deadline").split()


def _go_source(rng: random.Random, pkg: str, size: int) -> bytes:
    out = [f"// Package {pkg} is generated for the benchmark.\npackage {pkg}\n\nimport (\n\t\"errors\"\n\t\"fmt\"\n)\n"]
    n = 0
    while n < size:
        a, b, c = rng.choice(_WORDS), rng.choice(_WORDS), rng.choice(_WORDS)
        fn = (f"\n// {a.title()}{b.title()} returns the {c} for the given {a}.\n"
              f"func {a.title()}{b.title()}{n}(x int, {c} string) (int, error) {{\n"
              f"\tif x < {rng.randint(0, 999)} {{\n\t\treturn 0, errors.New(\"{a} {b}: invalid {c}\")\n\t}}\n"
              f"\tfor i := 0; i < x; i++ {{\n\t\tx += i * {rng.randint(1, 97)}\n\t}}\n"
              f"\treturn x, fmt.Errorf(\"%s: %d\", {c}, x)\n}}\n")
        out.append(fn)
        n += len(fn)
    return "".join(out).encode()


class _Corpus:
    """Go source to cut files from: generating each file afresh would make shape d take minutes."""

    def __init__(self) -> None:
        self.text = _go_source(random.Random(7), "corpus", 4 << 20)

    def file(self, rng: random.Random, pkg: str, size: int) -> bytes:
        head = f"// Code for {pkg}, {size} bytes.\npackage {pkg}\n".encode()
        off = rng.randrange(0, len(self.text) - size)
        return head + self.text[off:off + max(0, size - len(head))]


def _log_uniform(rng: random.Random, lo: int, hi: int) -> int:
    return int(math.exp(rng.uniform(math.log(lo), math.log(hi))))


def _package_tree(rng: random.Random, corpus: _Corpus, nfiles: int, packages: int, prefix: str = "",
                  lo: int = 1000, hi: int = 20_000) -> dict[str, bytes]:
    dirs = [""] + [f"{rng.choice(_WORDS)}{k}/" for k in range(packages - 1)]
    files = {}
    for j in range(nfiles):
        d = dirs[j % len(dirs)]
        pkg = d[:-1] if d else "root"
        files[f"{prefix}{d}{pkg}_{j}.go"] = corpus.file(rng, pkg, _log_uniform(rng, lo, hi))
    return files


def _common(rng: random.Random) -> dict[str, bytes]:
    return {"README.md": (" ".join(rng.choice(_WORDS) for _ in range(rng.randint(100, 800)))).encode(),
            "LICENSE": b"Permission is hereby granted, free of charge, to any person obtaining a copy.\n" * 20}


def _small_files(i: int, corpus: _Corpus) -> dict[str, bytes]:
    """Shape a: 20-200 Go files of 1-20 KB."""
    rng = random.Random(i)
    n = rng.randint(20, 200)
    return {**_package_tree(rng, corpus, n, max(1, n // 15)), **_common(rng)}


def _binaries(i: int, corpus: _Corpus, scale: float = 0.8) -> dict[str, bytes]:
    """Shape b: 4-30 Go files, and for half the versions testdata blobs or an image (random bytes)."""
    rng = random.Random(i)
    pkg = f"m{i:03d}"
    files: dict[str, bytes] = {}
    for j in range(rng.randint(4, 30)):
        sub = "" if j < 3 else f"{rng.choice(_WORDS)}/"
        files[f"{sub}{pkg}_{j}.go"] = _go_source(rng, pkg if not sub else sub[:-1], int(rng.randint(1500, 9000) * scale))
    files["README.md"] = (" ".join(rng.choice(_WORDS) for _ in range(int(rng.randint(200, 1500) * scale)))).encode()
    files["LICENSE"] = b"Permission is hereby granted, free of charge, to any person obtaining a copy.\n" * 20
    if rng.random() < 0.55:
        for k in range(rng.randint(1, 3)):
            files[f"testdata/case{k}.bin"] = rng.randbytes(int(rng.randint(8_000, 90_000) * scale))
    if rng.random() < 0.2:
        files["docs/diagram.png"] = rng.randbytes(int(rng.randint(40_000, 250_000) * scale))
    return files


def _mixed(i: int, corpus: _Corpus) -> dict[str, bytes]:
    """Shape c: std-like (i < 2), vendored-heavy (i < 14), a 10 MB asset (i < 18), else ordinary."""
    rng = random.Random(i)
    if i < 2:
        return {**_package_tree(rng, corpus, 1500, 150, lo=1000, hi=40_000), **_common(rng)}
    if i < 14:
        own = _package_tree(rng, corpus, rng.randint(10, 40), 3)
        vendored = _package_tree(rng, corpus, rng.randint(300, 600), 60, prefix="vendor/github.com/dep/")
        return {**own, **vendored, "vendor/modules.txt": b"# github.com/dep v1.0.0\n", **_common(rng)}
    if i < 18:
        return {**_package_tree(rng, corpus, 12, 2), "assets/model.bin": rng.randbytes(10 << 20), **_common(rng)}
    return {**_package_tree(rng, corpus, rng.randint(5, 60), 4), **_common(rng)}


def _few_files(i: int, corpus: _Corpus) -> dict[str, bytes]:
    """Shape d: 3-20 Go files of 1-20 KB."""
    rng = random.Random(i)
    return {**_package_tree(rng, corpus, rng.randint(3, 20), 2), **_common(rng)}


@dataclass(frozen=True)
class Shape:
    name: str
    title: str
    versions: int
    files: Callable[[int, _Corpus], dict[str, bytes]]


SHAPES = {s.name: s for s in (
    Shape("a", "small-file heavy: 500 versions, 20-200 Go files of 1-20 KB each", 500, _small_files),
    Shape("b", "few large binaries: 520 versions, incompressible testdata and images", 520, _binaries),
    Shape("c", "mixed: std-like, vendored-heavy, 10 MB zips and ordinary modules, 300 versions", 300, _mixed),
    Shape("d", "size: 5,000 versions, 3-20 Go files of 1-20 KB each", 5000, _few_files),
)}


def build(top: Path, shape: Shape) -> tuple[Path, Path, dict[str, str]]:
    """(cache root, main module dir, go env): a proxy, ``go mod download`` into the cache, a main module."""
    from gomodlab.lab import universe
    from gomodlab.load import gotool

    corpus = _Corpus()
    wanted: list[tuple[str, str]] = []

    def modules() -> Iterator[universe.ModuleSource]:
        # One version at a time: shape d's sources never sit in memory all at once.
        for i in range(shape.versions):
            path = f"bench.example.com/{shape.name}/m{i:04d}"
            version = f"v1.{i % 7}.{i % 3}"
            wanted.append((path, version))
            yield universe.ModuleSource(path, version, universe.gomod_text(path, "1.21"), shape.files(i, corpus))

    proxy = universe.write_proxy(top / "proxy", modules())
    cache = top / "gopath" / "pkg" / "mod"
    env = gotool.isolated_env(top, proxy=universe.file_proxy_url(proxy))
    env["GOMODCACHE"] = str(cache)
    out = gotool.run_go(["mod", "download", "-json", *(f"{p}@{v}" for p, v in wanted)], cwd=top, env=env,
                        timeout=3600).check().stdout
    sums = []
    for blob in out.replace("}\n{", "}\x00{").split("\x00"):
        d = json.loads(blob)
        sums.append(f"{d['Path']} {d['Version']} {d['Sum']}\n{d['Path']} {d['Version']}/go.mod {d['GoModSum']}\n")
    main = top / "main"
    main.mkdir()
    req = "".join(f"\t{p} {v}\n" for p, v in wanted)
    (main / "go.mod").write_text(f"module bench.example.com/main\n\ngo 1.21\n\nrequire (\n{req})\n")
    (main / "go.sum").write_text("".join(sums))
    shutil.rmtree(top / "proxy")  # only go mod download needed it
    (top / "env.json").write_text(json.dumps(env))
    return cache, main, env


def _prepared(keep: Path | None, shape: Shape) -> tuple[Path, Path, dict[str, str], Path, float | None]:
    """(cache, main module, go env, scratch top, seconds spent generating or None if reused)."""
    top = (keep / f"shape-{shape.name}") if keep else Path(tempfile.mkdtemp(prefix=f"gomodlab-bench-scan-{shape.name}-"))
    if keep and (top / "env.json").exists():
        return top / "gopath" / "pkg" / "mod", top / "main", json.loads((top / "env.json").read_text()), top, None
    if top.exists():
        _remove(top)
    top.mkdir(parents=True)
    t = time.perf_counter()
    cache, main, env = build(top, shape)
    return cache, main, env, top, time.perf_counter() - t


def _remove(top: Path) -> None:
    # go leaves the module cache read-only; make it writable again to delete it.
    subprocess.run(["chmod", "-R", "u+w", str(top)], check=False)
    shutil.rmtree(top, ignore_errors=True)


def _timed(fn: Callable[[], None]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run_shape(shape: Shape, runs: int, keep: Path | None) -> dict[str, list[float]]:
    """Time the four rows on one shape, alternately; print the table; return the timings."""
    from gomodlab.cache.layout import cache_size
    from gomodlab.load import gotool

    root, main_dir, env, top, gen = _prepared(keep, shape)
    try:
        disk = cache_size(root)[0]
        nfiles = sum(len(fs) for _, _, fs in os.walk(root / "bench.example.com"))
        how = f"generated in {gen:.0f}s" if gen is not None else f"reused from {top}"
        print(f"shape {shape.name}, {shape.title}: {shape.versions} versions, {nfiles:,} extracted files, "
              f"{disk / 1e6:.0f} MB on disk ({how})")
        go = gotool.find_go()
        index = top / "index"
        cli_env = gomodlab_env(GOMODLAB_INDEX_DIR=str(index))

        def go_verify() -> None:
            p = subprocess.run([go, "mod", "verify"], cwd=main_dir, env=env, capture_output=True, text=True)
            assert p.returncode == 0 and "all modules verified" in p.stdout, p.stderr

        def scan(*extra: str) -> None:
            p = subprocess.run([*gomodlab_command(), "scan", str(root), "--no-progress", *extra],
                               env=cli_env, capture_output=True, text=True)
            assert p.returncode == 0, p.stdout + p.stderr

        def scan_after_a_change() -> None:
            marker = next((root / "cache" / "download").rglob("@v")) / "bench-marker"
            marker.write_bytes(b"")
            marker.unlink()
            scan()

        shutil.rmtree(index, ignore_errors=True)
        go_verify()  # warm the page cache (and Python's bytecode cache) for both
        scan("--no-index")
        scan()  # builds the index
        time.sleep(1.1)  # the memo keeps only answers older than a second (coarse ctimes)
        scan()  # stores the output memo
        def startup() -> None:
            subprocess.run([sys.executable, "-c", "import gomodlab.cli"], env=cli_env, check=True)

        rows: dict[str, list[float]] = {"go": [], "full": [], "rescan": [], "changed": [], "startup": []}
        for _ in range(runs):
            rows["go"].append(_timed(go_verify))
            rows["startup"].append(_timed(startup))
            rows["full"].append(_timed(lambda: scan("--no-index")))
            rows["rescan"].append(_timed(scan))
            rows["changed"].append(_timed(scan_after_a_change))
            time.sleep(1.1)
            scan()  # the change cost the memo: store it again for the next round's rescan
        _print(rows)
        _print_floors(root, rows)
        return rows
    finally:
        if keep is None:
            _remove(top)


_LABELS = {"go": ("go mod verify", ""), "full": ("gomodlab scan --no-index", "target <= 1.0"),
           "rescan": ("gomodlab scan, unchanged", "target <= 0.05"),
           "changed": ("  after an unrelated change", "every entry from the index"),
           "startup": ("python start-up + CLI import", "in every gomodlab row")}


def _print(rows: dict[str, list[float]]) -> None:
    go = rows["go"]
    print(f"{'':30}{'min':>8}{'median':>8}{'max':>8}   {'vs go (median)':>14}  {'per run':>11}")
    for key, times in rows.items():
        name, note = _LABELS[key]
        ratio = statistics.median(times) / statistics.median(go)
        per_run = [t / g for t, g in zip(times, go)]
        spread = f"{min(per_run):.3f}-{max(per_run):.3f}" if key != "go" else ""
        print(f"{name:30}{min(times):8.3f}{statistics.median(times):8.3f}{max(times):8.3f}   "
              f"{ratio:14.3f}  {spread:>11}  {note}")


def _rates() -> tuple[float, float]:
    """This machine's sha256 and inflate rates on one core (bytes/s)."""
    data = random.Random(1).randbytes(32 << 20)
    t = time.perf_counter()
    hashlib.sha256(data).digest()
    sha = len(data) / (time.perf_counter() - t)
    text = _Corpus().text * 4
    comp = zlib.compress(text, 6)[2:-4]
    t = time.perf_counter()
    zlib.decompressobj(-15).decompress(comp)
    return sha, len(text) / (time.perf_counter() - t)


def _print_floors(root: Path, rows: dict[str, list[float]]) -> None:
    """What the full scan cannot go below (sha256 + inflate of what it hashes, over the hashing
    processes), and the same for the unchanged rescan (:func:`_rescan_floor`)."""
    from gomodlab.cache.scan import scan as scan_cache

    result = scan_cache(root, index=False, progress=False)
    assert result.findings == (), result.findings[:3]
    s = result.stats
    sha, inflate = _rates()
    floor = (s.hashed_bytes / sha + s.inflated_bytes / inflate) / s.jobs
    full = statistics.median(rows["full"])
    print(f"full scan: {s.hashed_bytes / 1e6:.0f} MB through sha256 ({s.inflated_bytes / 1e6:.0f} MB of it inflated "
          f"first), {s.jobs} processes; floor at this machine's sha256 {sha / 1e9:.2f} GB/s and inflate "
          f"{inflate / 1e9:.2f} GB/s per core: {floor:.3f}s -> full scan at {full / floor:.1f}x the floor")
    entries, lstat_s, procs = _rescan_floor(root)
    floor = statistics.median(rows["startup"]) + entries * lstat_s / procs
    print(f"rescan: {entries:,} directories and files, one lstat each ({lstat_s * 1e6:.2f} us from Python here) "
          f"over {procs} processes, + start-up: floor {floor * 1e3:.0f} ms = {floor / statistics.median(rows['go']):.3f}x "
          f"go -> rescan at {statistics.median(rows['rescan']) / floor:.1f}x its floor")


def _rescan_floor(root: Path) -> tuple[int, float, int]:
    """(entries, seconds per lstat, processes) of an unchanged rescan: the entries its memo lstats,
    what one lstat costs from Python timed as a bare loop (relative to an open root, as the memo's
    check does, nothing kept: the least Python can do per entry), and the processes sharing them."""
    from gomodlab.cache._stat_signature import _FORK_MIN, _cpus
    from gomodlab.cache.scan_memo import _unread

    paths = []
    for d, subdirs, files in os.walk(root):
        rel = os.path.relpath(d, root).replace(os.sep, "/").removeprefix(".")
        subdirs[:] = [n for n in subdirs if not _unread(rel, n)]
        paths += [rel or ".", *(f"{rel}/{f}" if rel else f for f in files if not _unread(rel, f))]
    top = os.open(root, os.O_RDONLY | os.O_DIRECTORY)

    def lstat_all() -> None:
        for p in paths:
            os.lstat(p, dir_fd=top)

    try:
        per = min(_timed(lstat_all) for _ in range(3)) / len(paths)
    finally:
        os.close(top)
    return len(paths), per, max(1, min(_cpus(), len(paths) // _FORK_MIN))


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks scan", description=__doc__.split("\n\n")[0])
    p.add_argument("--shape", action="append", choices=sorted(SHAPES), help="shape to run (repeatable; default all)")
    p.add_argument("--runs", type=int, default=5, help="runs of each row (default 5)")
    p.add_argument("--keep", type=Path, metavar="DIR", help="keep generated caches in DIR and reuse them")
    args = p.parse_args(argv or [])
    for name in args.shape or sorted(SHAPES):
        run_shape(SHAPES[name], args.runs, args.keep)
        print()


if __name__ == "__main__":
    main()
