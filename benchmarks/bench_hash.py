"""h1: hashing throughput: gomodlab.mod.dirhash vs plain sha256 and vs ``go mod verify``.

Builds a module universe (source-like text and incompressible binary files), lets the real go
command download it into an isolated cache and write go.sum, then times:

* plain ``hashlib.sha256`` over the same file contents (the ceiling for any h1 implementation),
* ``hash_zip`` over every cached zip and ``hash_dir`` over every extracted directory,
* ``go mod verify`` (which hashes each zip and each directory) against gomodlab doing the same.

MB/s counts uncompressed file content (what both sides feed to sha256). Best of three runs.
"""

from __future__ import annotations

import hashlib
import os
import random
import sys
import tempfile
from pathlib import Path

from gomodlab.mod import dirhash
from gomodlab.load import gotool
from gomodlab.lab import universe
from gomodlab.cache.layout import download_dir, extracted_dir

from benchmarks import best_of

__all__ = ["main"]

MODULES = 24
FILES_PER_MODULE = 24
FILE_SIZE = 96 * 1024
RUNS = 3


def _modules() -> list[universe.ModuleSource]:
    rng = random.Random(0)
    source_line = b"\tif err := verify(ctx, mod); err != nil { return fmt.Errorf(\"%s: %w\", mod, err) }\n"
    mods = []
    for i in range(MODULES):
        path = f"example.com/Bench/m{i}"
        files: dict[str, bytes] = {}
        for j in range(FILES_PER_MODULE):
            if j % 3 == 0:
                files[f"data/blob{j}.bin"] = rng.randbytes(FILE_SIZE)
            else:
                files[f"pkg{j % 4}/f{j}.go"] = (source_line * (FILE_SIZE // len(source_line) + 1))[:FILE_SIZE]
        mods.append(universe.ModuleSource(path, "v1.0.0", universe.gomod_text(path, "1.21"), files))
    return mods


def _raw_sha256(dirs: list[Path]) -> None:
    for d in dirs:
        for root, _subdirs, names in os.walk(d):
            for name in names:
                with open(os.path.join(root, name), "rb") as f:
                    hashlib.sha256(f.read()).digest()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench_hash-") as tmp:
        base = Path(tmp)
        mods = _modules()
        print(f"generating {len(mods)} modules x {FILES_PER_MODULE} files x {FILE_SIZE // 1024} KiB ...",
              file=sys.stderr)
        proxy = universe.write_proxy(base / "proxy", mods)
        env = gotool.isolated_env(base / "env", proxy=universe.file_proxy_url(proxy))
        main_dir = base / "main"
        main_dir.mkdir()
        (main_dir / "go.mod").write_text("module example.com/benchmain\n\ngo 1.21\n")
        gotool.run_go(["get", *(f"{m.path}@{m.version}" for m in mods)], cwd=main_dir, env=env).check()
        gotool.run_go(["mod", "download"], cwd=main_dir, env=env).check()
        root = Path(env["GOMODCACHE"])
        zips = [download_dir(root, m.path) / f"{m.version}.zip" for m in mods]
        dirs = [extracted_dir(root, m.path, m.version) for m in mods]
        prefixes = [f"{m.path}@{m.version}" for m in mods]
        megabytes = sum(len(b) for m in mods for b in m.zip_files().values()) / 1e6

        def zips_and_dirs() -> None:
            for z, d, p in zip(zips, dirs, prefixes):
                dirhash.hash_zip(z)
                dirhash.hash_dir(d, p)

        raw = best_of(lambda: _raw_sha256(dirs), RUNS)
        t_zip = best_of(lambda: [dirhash.hash_zip(z) for z in zips], RUNS)
        t_dir = best_of(lambda: [dirhash.hash_dir(d, p) for d, p in zip(dirs, prefixes)], RUNS)
        t_both = best_of(zips_and_dirs, RUNS)
        t_go = best_of(lambda: gotool.run_go(["mod", "verify"], cwd=main_dir, env=env).check(), RUNS)
        gotool.run_go(["clean", "-modcache"], cwd=main_dir, env=env)

    print(f"{len(mods)} modules, {megabytes:.1f} MB of file content; best of {RUNS} runs")
    print(f"{'what':<36} {'seconds':>8} {'MB/s':>8}  ratio")
    print(f"{'plain sha256 of the files':<36} {raw:8.3f} {megabytes / raw:8.1f}  1.00 (ceiling)")
    print(f"{'gomodlab hash_zip (all zips)':<36} {t_zip:8.3f} {megabytes / t_zip:8.1f}  "
          f"{raw / t_zip:.2f} of sha256")
    print(f"{'gomodlab hash_dir (all dirs)':<36} {t_dir:8.3f} {megabytes / t_dir:8.1f}  "
          f"{raw / t_dir:.2f} of sha256")
    print(f"{'gomodlab zip + dir (verify work)':<36} {t_both:8.3f} {2 * megabytes / t_both:8.1f}")
    print(f"{'go mod verify (zip + dir)':<36} {t_go:8.3f} {2 * megabytes / t_go:8.1f}  "
          f"gomodlab/go time = {t_both / t_go:.2f}")


if __name__ == "__main__":
    main()
