"""``gomodlab scan`` against ``go mod verify`` on the same generated module cache and build list.

The cache: >= 500 module versions (one per module path, so that go's build list covers every one
of them), about 130 MB on disk, filled by the real ``go mod download`` from a local proxy. Each
version has a realistic mix: Go sources and docs (compressible), and for many of them test data
or assets that do not compress (random bytes). Both tools hash every zip and every extracted
directory; the scan also checks zip names, .mod/.info files and locks.

Measured, best of a few runs on a warm page cache, in one process run:

* ``go mod verify`` in a main module requiring every version;
* ``gomodlab scan --no-index`` (target: no slower than go);
* ``gomodlab scan`` again with its index (target: under a tenth of go), and once more after an
  unrelated change to the cache, so that the answer cannot come from the output memo and every
  entry is checked against the index;

and how close the full scan comes to the floor of 1.7 GB/s sha256 plus 0.6 GB/s inflate per core.
"""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import tempfile
import time
import zlib
from pathlib import Path

from benchmarks import best_of, gomodlab_command, gomodlab_env

VERSIONS = 520
TARGET_BYTES = 130 * 10**6
SHA256_FLOOR = 1.7e9
INFLATE_FLOOR = 0.6e9

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


def _files(i: int, scale: float) -> dict[str, bytes]:
    rng = random.Random(i)
    pkg = f"m{i:03d}"
    files: dict[str, bytes] = {}
    for j in range(rng.randint(4, 30)):
        sub = "" if j < 3 else f"{rng.choice(_WORDS)}/"
        size = int(rng.randint(1500, 9000) * scale)
        files[f"{sub}{pkg}_{j}.go"] = _go_source(rng, pkg if not sub else sub[:-1], size)
    files["README.md"] = (" ".join(rng.choice(_WORDS) for _ in range(int(rng.randint(200, 1500) * scale)))).encode()
    files["LICENSE"] = b"Permission is hereby granted, free of charge, to any person obtaining a copy.\n" * 20
    if rng.random() < 0.55:
        for k in range(rng.randint(1, 3)):
            files[f"testdata/case{k}.bin"] = rng.randbytes(int(rng.randint(8_000, 90_000) * scale))
    if rng.random() < 0.2:
        files["docs/diagram.png"] = rng.randbytes(int(rng.randint(40_000, 250_000) * scale))
    return files


def build(top: Path, versions: int = VERSIONS, target: int = TARGET_BYTES) -> tuple[Path, Path, dict[str, str]]:
    """(cache root, main module dir, go env): a proxy, ``go mod download`` into the cache, a main module."""
    from gomodlab.load import gotool
    from gomodlab.lab import universe

    mods = []
    # Scaled so that zips + extracted dirs come to about ``target`` bytes for this mix.
    probe = sum(len(v) for i in range(40) for v in _files(i, 1.0).values()) / 40
    scale = target * 0.71 / (probe * versions)
    for i in range(versions):
        path = f"bench.example.com/m{i:03d}"
        mods.append(universe.ModuleSource(path, f"v1.{i % 7}.{i % 3}", universe.gomod_text(path, "1.21"),
                                          _files(i, scale)))
    proxy = universe.write_proxy(top / "proxy", mods)
    cache = top / "gopath" / "pkg" / "mod"
    env = gotool.isolated_env(top, proxy=universe.file_proxy_url(proxy))
    env["GOMODCACHE"] = str(cache)
    out = gotool.run_go(["mod", "download", "-json", *(f"{m.path}@{m.version}" for m in mods)], cwd=top, env=env,
                        timeout=1800).check().stdout
    sums = []
    for blob in out.replace("}\n{", "}\x00{").split("\x00"):
        d = json.loads(blob)
        sums.append(f"{d['Path']} {d['Version']} {d['Sum']}\n{d['Path']} {d['Version']}/go.mod {d['GoModSum']}\n")
    main = top / "main"
    main.mkdir()
    req = "".join(f"\t{m.path} {m.version}\n" for m in mods)
    (main / "go.mod").write_text(f"module bench.example.com/main\n\ngo 1.21\n\nrequire (\n{req})\n")
    (main / "go.sum").write_text("".join(sums))
    return cache, main, env


def _rates() -> tuple[float, float]:
    data = random.Random(1).randbytes(32 << 20)
    t = time.perf_counter()
    hashlib.sha256(data).digest()
    sha = len(data) / (time.perf_counter() - t)
    text = _go_source(random.Random(2), "p", 16 << 20)
    comp = zlib.compress(text, 6)[2:-4]
    t = time.perf_counter()
    zlib.decompressobj(-15).decompress(comp)
    return sha, len(text) / (time.perf_counter() - t)


def main(runs: int = 3) -> None:
    from gomodlab.cache.layout import cache_size
    from gomodlab.cache.scan import scan as scan_cache
    from gomodlab.load import gotool

    with tempfile.TemporaryDirectory(prefix="gomodlab-bench-scan-") as tmp:
        top = Path(tmp)
        t = time.perf_counter()
        root, main_dir, env = build(top)
        disk = cache_size(root)[0]
        print(f"generated {VERSIONS} module versions, {disk / 1e6:.0f} MB on disk, in {time.perf_counter() - t:.0f}s")
        go = gotool.find_go()
        cli_env = gomodlab_env(GOMODLAB_INDEX_DIR=str(top / "index"))

        def go_verify() -> None:
            p = subprocess.run([go, "mod", "verify"], cwd=main_dir, env=env, capture_output=True, text=True)
            assert p.returncode == 0 and "all modules verified" in p.stdout, p.stderr

        def scan(*extra: str) -> None:
            p = subprocess.run([*gomodlab_command(), "scan", str(root), "--no-progress", *extra],
                               env=cli_env, capture_output=True, text=True)
            assert p.returncode == 0, p.stdout + p.stderr

        go_verify()  # warm the page cache (and Python's bytecode cache) for both
        scan("--no-index")
        t_go = best_of(go_verify, runs)
        t_full = best_of(lambda: scan("--no-index"), runs)
        t = time.perf_counter()
        scan()  # builds the index
        t_first = time.perf_counter() - t
        t_index = best_of(scan, max(runs, 5))  # a few ms of noise matter at this size

        def scan_after_a_change() -> None:
            # A file created and removed in one @v directory: the memo no longer applies (that
            # directory's signature changed), so this is a real rescan answered from the index.
            marker = next((root / "cache" / "download").rglob("@v")) / "bench-marker"
            marker.write_bytes(b"")
            marker.unlink()
            scan()

        t_changed = best_of(scan_after_a_change, runs)
        result = scan_cache(root, index=False, progress=False)
        assert result.findings == () and len(result.entries) == VERSIONS

    s = result.stats
    # Inflate output is what we decompressed; sha256 input is that plus the extracted files.
    sha_bytes, inflate_bytes = s.hashed_bytes, s.inflated_bytes
    cores = s.jobs
    floor = (sha_bytes / SHA256_FLOOR + inflate_bytes / INFLATE_FLOOR) / cores
    sha_rate, inflate_rate = _rates()
    local_floor = (sha_bytes / sha_rate + inflate_bytes / inflate_rate) / cores
    rows = [("go mod verify", t_go, 1.0, ""),
            ("gomodlab scan --no-index", t_full, t_full / t_go, "target <= 1.0"),
            ("gomodlab scan (building index)", t_first, t_first / t_go, ""),
            ("gomodlab scan (index)", t_index, t_index / t_go, "target < 0.10"),
            ("  after an unrelated change", t_changed, t_changed / t_go, "(memo miss: every entry from the index)")]
    print(f"{'':32}{'seconds':>9}{'vs go':>8}")
    for name, sec, ratio, note in rows:
        print(f"{name:32}{sec:9.3f}{ratio:8.2f}  {note}")
    print(f"work: {sha_bytes / 1e6:.0f} MB through sha256 ({inflate_bytes / 1e6:.0f} MB of it inflated first), "
          f"{s.zip_bytes_read / 1e6:.0f} MB of zips read, {cores} hashing processes")
    print(f"floor at 1.7 GB/s sha256 + 0.6 GB/s inflate per core: {floor:.3f}s -> full scan at {t_full / floor:.1f}x "
          f"the floor, go mod verify at {t_go / floor:.1f}x")
    print(f"this machine, one core: sha256 {sha_rate / 1e9:.2f} GB/s, inflate {inflate_rate / 1e9:.2f} GB/s -> "
          f"floor {local_floor:.3f}s, full scan at {t_full / local_floor:.1f}x")


if __name__ == "__main__":
    main()
