"""gomodlab.cache.scan.scan on caches filled by the real go command, then damaged in every way go can trip on.

Each scenario damages a copy of the base cache and must produce exactly the expected findings
(kind, module, version) and none on intact entries; a scan must leave the cache unchanged, byte for
byte and mode for mode; where ``go mod verify`` has an opinion, it must agree.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from gomodlab.cache import repair
from gomodlab.cache.scan import scan as scan_cache, ScanResult
from gomodlab.load import gotool
from gomodlab.errors import CacheError

from . import cachekit as ck
from .cachekit import edit_file, vfile, writable, xdir

pytestmark = pytest.mark.go

A0 = ("example.com/alpha", "v1.0.0")
A1 = ("example.com/alpha", "v1.1.0")
BETA = ("example.com/Beta", "v1.2.0-RC1")
GAMMA = ("example.com/gamma/v2", "v2.0.0")
DELTA = ("example.com/delta", "v2.1.0+incompatible")
EPS = ("example.com/eps", "v0.0.0-20240101000000-abcdefabcdef")
NESTED = ("example.com/nested", "v1.0.0")
BIG = ("example.com/big", "v1.0.0")
ZETA = ("example.com/zeta", "v1.3.0")


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return ck.base_cache(tmp_path_factory)


@pytest.fixture
def copy(base, tmp_path) -> Path:
    return ck.copy_cache(base, tmp_path / "mod")


def found(result: ScanResult) -> set[tuple[str, str, str]]:
    return {(f.kind, f.module, f.version) for f in result.findings}


def zip_of(root: Path, mv: tuple[str, str]) -> Path:
    return vfile(root, *mv, "zip")


def _truncate(root: Path) -> None:
    z = zip_of(root, A1)
    z.write_bytes(z.read_bytes()[: z.stat().st_size // 2])


def _bad_crc(root: Path) -> None:
    # Flip the stored CRC-32 of the first central-directory entry: the data inflates fine, the check fails.
    z = zip_of(root, BETA)
    data = bytearray(z.read_bytes())
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 16] ^= 0xFF
    z.write_bytes(bytes(data))


def _outside_prefix(root: Path) -> None:
    ck.rewrite_zip(zip_of(root, GAMMA), {"evil.txt": b"outside the module"})


def _dotdot(root: Path) -> None:
    ck.rewrite_zip(zip_of(root, ZETA), {"example.com/zeta@v1.3.0/../../../../escaped.txt": b"x"})


def _zip_modified(root: Path) -> None:
    ck.rewrite_zip(zip_of(root, EPS), {"example.com/eps@v0.0.0-20240101000000-abcdefabcdef/README.md": b"changed"})


def _zip_bomb(root: Path) -> None:
    # Declared sizes far beyond go's 500 MiB limit: rejected on the central directory alone.
    z = zip_of(root, NESTED)
    data = bytearray(z.read_bytes())
    cd = data.find(b"PK\x01\x02")
    while cd >= 0:
        data[cd + 24:cd + 28] = (0xF0000000).to_bytes(4, "little")
        cd = data.find(b"PK\x01\x02", cd + 4)
    z.write_bytes(bytes(data))


def _lying_size(root: Path) -> None:
    # An entry that inflates to far more than it declares (a classic bomb): stopped at the declared size.
    z = zip_of(root, DELTA)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zw:
        zw.writestr(zipfile.ZipInfo("example.com/delta@v2.1.0+incompatible/zeros", (2024, 1, 1, 0, 0, 0)),
                    b"\0" * (8 << 20))
    data = bytearray(buf.getvalue())
    cd = data.find(b"PK\x01\x02")
    data[cd + 24:cd + 28] = (1000).to_bytes(4, "little")
    z.write_bytes(bytes(data))


def _edit(root: Path) -> None:
    edit_file(root, *A1, "lib/lib.go", b"package lib\n\nfunc F() int { return 42 }\n")


def _add(root: Path) -> None:
    d = xdir(root, *BETA)
    with writable(d):
        (d / "extra.go").write_text("package beta\n")


def _remove(root: Path) -> None:
    edit_file(root, *GAMMA, "README.md", None)


def _symlink_out(root: Path) -> None:
    d = xdir(root, *ZETA)
    outside = root.parent / "outside-secret"
    outside.write_text("not the cache's\n")
    with writable(d):
        os.unlink(d / "README.md")
        os.symlink(outside, d / "README.md")


def _partial_marker(root: Path) -> None:
    vfile(root, *NESTED, "partial").write_bytes(b"")


def _not_a_dir(root: Path) -> None:
    d = xdir(root, *DELTA)
    ck.remove_tree(d)
    d.write_text("a file where the module directory should be")


def _legacy_tmp(root: Path) -> None:
    d = Path(str(xdir(root, *EPS)) + ".tmp-12345")
    d.mkdir()
    (d / "half.go").write_text("package eps\n")


def _ziphash_missing(root: Path) -> None:
    vfile(root, *BIG, "ziphash").unlink()


def _ziphash_invalid(root: Path) -> None:
    vfile(root, *A0, "ziphash").write_bytes(b"\0" * 47)


def _ziphash_garbage(root: Path) -> None:
    vfile(root, *ZETA, "ziphash").write_bytes(b"h1:tooshort=")


def _tmp_files(root: Path) -> None:
    z = zip_of(root, A1)
    (z.parent / "v1.1.0.zip770251501.tmp").write_bytes(b"PK\x03\x04half")
    (z.parent / "v1.1.0.info12.tmp").write_bytes(b"")


def _mod_garbage(root: Path) -> None:
    vfile(root, *GAMMA, "mod").write_bytes(b'module "example.com/gamma/v2\n\x00garbage')


def _mod_other_path(root: Path) -> None:
    vfile(root, *ZETA, "mod").write_bytes(b"module example.com/notzeta\n\ngo 1.21\n")


def _mod_no_module(root: Path) -> None:
    vfile(root, *NESTED, "mod").write_bytes(b"go 1.21\n")


def _info_not_json(root: Path) -> None:
    vfile(root, *BETA, "info").write_bytes(b'{"Version":"v1.2.0-RC1",')


def _info_wrong_version(root: Path) -> None:
    vfile(root, *EPS, "info").write_bytes(b'{"Version":"v0.0.1","Time":"2024-01-01T00:00:00Z"}')


def _info_bad_time(root: Path) -> None:
    vfile(root, *BIG, "info").write_bytes(b'{"Version":"v1.0.0","Time":"yesterday"}')


def _combo_same_version(root: Path) -> None:
    _truncate(root)
    _edit(root)
    _tmp_files(root)


def _combo_no_ziphash_dir_edited(root: Path) -> None:
    _ziphash_missing(root)
    edit_file(root, *BIG, "README.md", b"edited\n")


def _symlinked_zip(root: Path) -> None:
    z = zip_of(root, GAMMA)
    target = root.parent / "elsewhere.zip"
    target.write_bytes(z.read_bytes())
    z.unlink()
    z.symlink_to(target)


SCENARIOS: dict[str, tuple[Callable[[Path], None], set[tuple[str, str, str]]]] = {
    "truncated-zip": (_truncate, {("zip-unreadable", *A1)}),
    "bad-crc": (_bad_crc, {("zip-unreadable", *BETA)}),
    "entry-outside-prefix": (_outside_prefix, {("zip-unreadable", *GAMMA)}),
    "dotdot-name": (_dotdot, {("zip-unreadable", *ZETA)}),
    "zip-bomb-declared": (_zip_bomb, {("zip-unreadable", *NESTED)}),
    "zip-bomb-lying": (_lying_size, {("zip-unreadable", *DELTA)}),
    "zip-modified": (_zip_modified, {("zip-modified", *EPS)}),
    "dir-file-edited": (_edit, {("dir-modified", *A1)}),
    "dir-file-added": (_add, {("dir-modified", *BETA)}),
    "dir-file-removed": (_remove, {("dir-modified", *GAMMA)}),
    "dir-symlink-out": (_symlink_out, {("dir-modified", *ZETA)}),
    "partial-marker": (_partial_marker, {("dir-partial", *NESTED)}),
    "dir-not-a-dir": (_not_a_dir, {("dir-partial", *DELTA)}),
    "legacy-tmp-dir": (_legacy_tmp, {("dir-partial", *EPS)}),
    "ziphash-missing": (_ziphash_missing, {("ziphash-missing", *BIG)}),
    "ziphash-nul": (_ziphash_invalid, {("ziphash-invalid", *A0)}),
    "ziphash-garbage": (_ziphash_garbage, {("ziphash-invalid", *ZETA)}),
    "tmp-leftovers": (_tmp_files, {("tmp-leftover", *A1)}),
    "mod-garbage": (_mod_garbage, {("mod-unreadable", *GAMMA)}),
    "mod-other-path": (_mod_other_path, {("mod-unreadable", *ZETA)}),
    "mod-no-module-line": (_mod_no_module, {("mod-unreadable", *NESTED)}),
    "info-not-json": (_info_not_json, {("info-unreadable", *BETA)}),
    "info-wrong-version": (_info_wrong_version, {("info-unreadable", *EPS)}),
    "info-bad-time": (_info_bad_time, {("info-unreadable", *BIG)}),
    "combo-one-version": (_combo_same_version, {("zip-unreadable", *A1), ("dir-modified", *A1),
                                                ("tmp-leftover", *A1)}),
    "combo-no-ziphash-dir-edited": (_combo_no_ziphash_dir_edited, {("ziphash-missing", *BIG),
                                                                   ("dir-modified", *BIG)}),
    "symlinked-zip": (_symlinked_zip, {("zip-unreadable", *GAMMA)}),
}


def test_pristine_cache_has_no_findings(base):
    result = scan_cache(base.root, gosum=[base.gosum], index=False, jobs=1, progress=False)
    assert result.findings == ()
    assert {(e.module, e.version) for e in result.entries} == set(ck.ALL)
    assert all(e.status == "ok" for e in result.entries)
    assert not result.errors and not result.in_progress


def test_hashes_match_go(base):
    """The inventory's hashes are what go computed: .ziphash, go.sum lines, go mod download -json."""
    result = scan_cache(base.root, gosum=[base.gosum], index=False, jobs=2, progress=False)
    out = gotool.run_go(["mod", "download", "-json", *(f"{p}@{v}" for p, v in ck.ALL)], cwd=base.main.parent,
                        env=base.env).check().stdout
    sums = {}
    for blob in out.replace("}\n{", "}\x00{").split("\x00"):
        d = json.loads(blob)
        sums[(d["Path"], d["Version"])] = (d["Sum"], d["GoModSum"])
    for e in result.entries:
        zsum, msum = sums[(e.module, e.version)]
        assert e.ziphash == e.zip_hash == e.dir_hash == zsum
        assert e.gomod_hash == msum
        if (e.module, e.version) in ck.REQUIRED:
            assert e.gosum_zip == zsum and e.gosum_gomod == msum


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_damage_gives_exactly_the_expected_findings(copy, name):
    damage, expected = SCENARIOS[name]
    damage(copy)
    before = ck.snapshot(copy)
    result = scan_cache(copy, index=False, jobs=1, progress=False)
    assert found(result) == expected, [f"{f.kind} {f.module}@{f.version}: {f.detail}" for f in result.findings]
    damaged = {(m, v) for _, m, v in expected}
    for e in result.entries:
        assert e.status == ("damaged" if (e.module, e.version) in damaged else "ok"), e
    assert ck.snapshot(copy) == before, "a scan changed the cache"
    assert not (copy.parent / "escaped.txt").exists() and not Path("/escaped.txt").exists()


def test_tmp_leftovers_are_each_reported(copy):
    _tmp_files(copy)
    result = scan_cache(copy, index=False, jobs=1, progress=False)
    assert sorted(Path(f.path).name for f in result.findings) == ["v1.1.0.info12.tmp", "v1.1.0.zip770251501.tmp"]


def test_symlink_target_is_not_read(copy):
    """The link is reported, and its target outside the cache is never opened (we would block on a FIFO)."""
    d = xdir(copy, *ZETA)
    fifo = copy.parent / "fifo"
    os.mkfifo(fifo)
    with writable(d):
        os.symlink(fifo, d / "pipe.go")
    result = scan_cache(copy, index=False, jobs=1, progress=False)
    assert found(result) == {("dir-modified", *ZETA)}
    assert "symbolic link" in result.findings[0].detail


def test_hostile_zip_details_in_gos_words(copy):
    _dotdot(copy)
    _zip_bomb(copy)
    by_mod = {f.module: f.detail for f in scan_cache(copy, index=False, jobs=1, progress=False).findings}
    assert 'malformed file path "../../../../escaped.txt": invalid path element ".."' in by_mod["example.com/zeta"]
    assert "total uncompressed size of module contents too large" in by_mod["example.com/nested"]


def test_gosum_mismatch(copy, base, tmp_path):
    lines = base.gosum.read_text().splitlines()
    bad = []
    for line in lines:
        p, v, h = line.split()
        if (p, v) == ZETA:
            h = "h1:" + "A" * 43 + "="
        if (p, v) == (GAMMA[0], GAMMA[1] + "/go.mod"):
            h = "h1:" + "B" * 43 + "="
        bad.append(f"{p} {v} {h}")
    gosum = tmp_path / "go.sum"
    gosum.write_text("\n".join(bad) + "\n")
    result = scan_cache(copy, gosum=[gosum, base.gosum], index=False, jobs=1, progress=False)
    assert found(result) == {("gosum-mismatch", *ZETA), ("gosum-mismatch", *GAMMA)}
    zeta = next(f for f in result.findings if f.module == ZETA[0])
    assert zeta.want == "h1:" + "A" * 43 + "=" and zeta.got.startswith("h1:") and str(gosum) in zeta.detail
    gamma = next(f for f in result.findings if f.module == GAMMA[0])
    assert gamma.path.endswith(".mod")


def test_differential_go_mod_verify(copy, base, tmp_path):
    """Where go mod verify objects, the scan reports the same modules (and both pass when intact)."""
    _zip_modified(copy)
    _edit(copy)
    _ziphash_missing(copy)
    env = dict(base.env, GOMODCACHE=str(copy), GOFLAGS="-mod=mod")
    main = tmp_path / "main"
    subprocess.run(["cp", "-a", str(base.main), str(main)], check=True)
    res = gotool.run_go(["mod", "verify"], cwd=main, env=env)
    assert res.returncode != 0
    go_says = {line.split()[0] for line in res.stderr.splitlines() if line and not line.startswith("go:")}
    ours = {f.module for f in scan_cache(copy, index=False, jobs=1, progress=False).findings}
    assert go_says == {A1[0], EPS[0], BIG[0]} <= ours


def test_in_progress_entries_are_unverified_not_damage(copy):
    """A version whose lock a running go holds is unverified (a finding, exit 1), never damage, even
    mid-extraction (.partial, half a dir). Before: it was skipped and the scan said "clean"."""
    _partial_marker(copy)
    edit_file(copy, *NESTED, "README.md", None)
    lock = vfile(copy, *NESTED, "lock")
    fd = os.open(lock, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        result = scan_cache(copy, index=False, jobs=2, progress=False)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    assert found(result) == {("unverified", *NESTED)} and result.damaged() == {}
    assert repair.plan_repair(result).actions == ()
    assert result.in_progress == ("example.com/nested@v1.0.0",)
    assert {e.status for e in result.entries if (e.module, e.version) == NESTED} == {"in-progress"}
    assert found(scan_cache(copy, index=False, jobs=1, progress=False)) == {("dir-partial", *NESTED)}


def test_lock_timeout_waits_for_go_to_finish(copy):
    """--lock-timeout waits: a go that releases the lock within it gets the version checked."""
    _partial_marker(copy)
    lock = vfile(copy, *NESTED, "lock")
    fd = os.open(lock, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    releaser = threading.Timer(0.5, lambda: (fcntl.flock(fd, fcntl.LOCK_UN), os.close(fd)))
    releaser.start()
    t0 = time.monotonic()
    try:
        result = scan_cache(copy, index=False, jobs=1, progress=False, lock_timeout=10)
    finally:
        releaser.join()
    assert 0.4 < time.monotonic() - t0 < 10
    assert found(result) == {("dir-partial", *NESTED)} and result.in_progress == ()


def test_cli_scan_exit_1_while_go_holds_a_lock(copy):
    lock = vfile(copy, *NESTED, "lock")
    fd = os.open(lock, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        res = _cli("scan", str(copy), "--no-index", "--format", "json")
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    assert res.returncode == 1, res.stderr
    assert [f["kind"] for f in json.loads(res.stdout)] == ["unverified"]


def test_parallel_equals_serial(copy):
    for damage, _ in list(SCENARIOS.values())[:8]:
        damage(copy)
    serial = scan_cache(copy, index=False, jobs=1, progress=False)
    parallel = scan_cache(copy, index=False, jobs=2, progress=False)
    assert serial.findings == parallel.findings and serial.entries == parallel.entries


def test_index_reuses_results_and_sees_changes(copy, tmp_path):
    idx = tmp_path / "idx" / "scan.json"
    first = scan_cache(copy, index=idx, jobs=1, progress=False)
    assert first.stats.hashed_bytes > 0 and first.findings == ()
    again = scan_cache(copy, index=idx, jobs=1, progress=False)
    assert again.stats.hashed_bytes == 0 and again.stats.index_hits > 0
    assert again.entries == first.entries
    # Same size, mtime put back: the ctime (and the content) still tell.
    f = xdir(copy, *A1) / "lib" / "lib.go"
    st = f.stat()
    old = f.read_bytes()
    edit_file(copy, *A1, "lib/lib.go", old.replace(b"return", b"RETURN"))
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert found(scan_cache(copy, index=idx, jobs=1, progress=False)) == {("dir-modified", *A1)}
    _zip_modified(copy)
    assert ("zip-modified", *EPS) in found(scan_cache(copy, index=idx, jobs=1, progress=False))


def test_index_inside_the_cache_is_refused(copy):
    with pytest.raises(CacheError, match="inside the module cache"):
        scan_cache(copy, index=copy / "cache" / "idx.json", progress=False)


def test_missing_cache_is_an_error(tmp_path):
    with pytest.raises(CacheError):
        scan_cache(tmp_path / "nope", progress=False)
    (tmp_path / "notes.txt").write_text("not a cache")
    with pytest.raises(CacheError, match="not a module cache"):
        scan_cache(tmp_path, progress=False)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CacheError, match="not a module cache"):
        scan_cache(tmp_path / "empty", progress=False)
    (tmp_path / "empty" / "cache" / "download").mkdir(parents=True)
    assert scan_cache(tmp_path / "empty", index=False, progress=False).entries == ()


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    e = dict(os.environ, **(env or {}))
    return subprocess.run([sys.executable, "-m", "gomodlab", *args], capture_output=True, text=True, env=e)


def test_cli_exit_codes_and_formats(copy, base, tmp_path):
    env = {"GOMODLAB_INDEX_DIR": str(tmp_path / "idx")}
    clean = _cli("scan", str(base.root), "--no-index", env=env)
    assert clean.returncode == 0, clean.stderr
    assert "0 finding(s)" in clean.stdout
    _zip_modified(copy)
    _tmp_files(copy)
    table = _cli("scan", str(copy), env=env)
    assert table.returncode == 1
    assert "zip-modified" in table.stdout and "tmp-leftover" in table.stdout
    js = json.loads(_cli("scan", str(copy), "--format", "json", env=env).stdout)
    assert {(d["kind"], d["module"], d["version"]) for d in js} == {("zip-modified", *EPS), ("tmp-leftover", *A1)}
    assert all({"kind", "module", "version", "path", "detail"} <= d.keys() for d in js)
    rows = list(csv.DictReader(io.StringIO(_cli("scan", str(copy), "--format", "csv", env=env).stdout)))
    assert sorted(r["kind"] for r in rows) == ["tmp-leftover", "tmp-leftover", "zip-modified"]
    inv = json.loads(_cli("scan", str(copy), "--inventory", "--format", "json", env=env).stdout)
    assert len(inv) == len(ck.ALL) and {"module", "version", "status", "zip_hash"} <= inv[0].keys()
    missing = _cli("scan", str(tmp_path / "nope"), env=env)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    bad_sum = tmp_path / "go.sum"
    bad_sum.write_text("example.com/a v1.0.0\n")
    bad = _cli("scan", str(copy), "--gosum", str(bad_sum), env=env)
    assert bad.returncode == 2 and "go.sum" in bad.stderr and "Traceback" not in bad.stderr


def test_cli_memo_answers_an_unchanged_cache_and_sees_every_change(copy, base, tmp_path):
    """The scan's output memo: the same answer while nothing changed; any change, a real scan."""
    env = {"GOMODLAB_INDEX_DIR": str(tmp_path / "idx")}
    _tmp_files(copy)
    time.sleep(1.1)  # a cache changed within a second of a scan's start is not memoised (coarse ctimes)
    first = _cli("scan", str(copy), env=env)
    again = _cli("scan", str(copy), env=env)
    assert "unchanged since the last scan" in again.stdout and "unchanged" not in first.stdout
    assert (again.returncode, again.stdout.splitlines()[:-1]) == (first.returncode, first.stdout.splitlines()[:-1])
    assert again.stdout.splitlines()[-1].split(" checked in ")[0] == first.stdout.splitlines()[-1].split(" scanned in ")[0]
    # A file edited in place with its mtime put back (only the ctime tells).
    f = xdir(copy, *A1) / "lib" / "lib.go"
    st = f.stat()
    edit_file(copy, *A1, "lib/lib.go", f.read_bytes().replace(b"return", b"RETURN"))
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    edited = _cli("scan", str(copy), env=env)
    assert "unchanged" not in edited.stdout and "dir-modified" in edited.stdout
    time.sleep(1.1)
    # Another format, or a go.sum, is another question: not answered from the table's memo.
    js = _cli("scan", str(copy), "--format", "json", env=env)
    assert js.stdout.lstrip().startswith("[") and "unchanged" not in js.stdout
    gosum = tmp_path / "go.sum"
    gosum.write_text("")
    assert "unchanged" not in _cli("scan", str(copy), "--gosum", str(gosum), env=env).stdout
    assert "unchanged" in _cli("scan", str(copy), "--gosum", str(gosum), env=env).stdout
    gosum.write_text("example.com/alpha v1.1.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
    assert "unchanged" not in _cli("scan", str(copy), "--gosum", str(gosum), env=env).stdout
    # A change within a second of the scan's start: answered, but not memoised.
    marker = vfile(copy, *A1, "zip").parent / "marker"
    marker.write_text("")
    marker.unlink()
    fresh = _cli("scan", str(copy), env=env)
    assert "unchanged" not in fresh.stdout and "unchanged" not in _cli("scan", str(copy), env=env).stdout
    time.sleep(1.1)
    _cli("scan", str(copy), env=env)
    assert "unchanged" in _cli("scan", str(copy), env=env).stdout
    # A new file anywhere (a download landing) changes a directory's signature.
    (vfile(copy, *A1, "zip").parent / "v9.9.9.info").write_text("{}")
    assert "unchanged" not in _cli("scan", str(copy), env=env).stdout
    assert "unchanged" not in _cli("scan", str(copy), "--no-index", env=env).stdout


def test_memo_sees_an_in_place_edit_that_leaves_every_directory_alone(copy, tmp_path):
    """go's files are 0444 in 0555 directories; a chmod of the file alone lets its owner edit it
    where it is. No directory's signature moves (so a signature per module directory would miss
    it): the memo's lstat of that file does."""
    env = {"GOMODLAB_INDEX_DIR": str(tmp_path / "idx")}
    time.sleep(1.1)
    _cli("scan", str(copy), env=env)
    assert "unchanged" in _cli("scan", str(copy), env=env).stdout
    f = xdir(copy, *A1) / "lib" / "lib.go"
    dirs = [copy, xdir(copy, *A1), f.parent]
    before = [(d.lstat().st_mtime_ns, d.lstat().st_ctime_ns) for d in dirs]
    st = f.stat()
    f.chmod(0o644)
    with open(f, "r+b") as fh:
        fh.write(b"//")
    f.chmod(st.st_mode & 0o777)
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert [(d.lstat().st_mtime_ns, d.lstat().st_ctime_ns) for d in dirs] == before
    edited = _cli("scan", str(copy), env=env)
    assert "unchanged" not in edited.stdout and "dir-modified" in edited.stdout


def test_memo_does_not_watch_what_the_scan_never_reads(copy, tmp_path):
    """@v/list files and cache/download/sumdb are not in the memo's tree (the scan skips them);
    a new entry beside them still changes their directory's signature."""
    env = {"GOMODLAB_INDEX_DIR": str(tmp_path / "idx")}
    vdir = vfile(copy, *A1, "zip").parent
    sumdb = copy / "cache" / "download" / "sumdb" / "sum.golang.org" / "tile"
    with writable(vdir):
        (vdir / "list").write_text("v1.0.0\n")
    sumdb.mkdir(parents=True)
    (sumdb / "0").write_bytes(b"tile")
    time.sleep(1.1)
    first = _cli("scan", str(copy), env=env)
    assert "unchanged" in _cli("scan", str(copy), env=env).stdout
    (vdir / "list").chmod(0o644)
    (vdir / "list").write_text("v1.0.0\nv1.1.0\n")
    (sumdb / "1").write_bytes(b"another tile")
    (sumdb / "0").write_bytes(b"edited")
    again = _cli("scan", str(copy), env=env)
    assert "unchanged" in again.stdout and again.stdout.splitlines()[:-1] == first.stdout.splitlines()[:-1]
    with writable(vdir):
        (vdir / "v9.9.9.info").write_text("{}")
    assert "unchanged" not in _cli("scan", str(copy), env=env).stdout


def test_memo_is_not_kept_for_a_scan_with_entries_in_progress(copy, tmp_path):
    env = {"GOMODLAB_INDEX_DIR": str(tmp_path / "idx")}
    lock = vfile(copy, *NESTED, "lock")
    fd = os.open(lock, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert "held by a running go" in _cli("scan", str(copy), env=env).stdout
        assert "unchanged" not in _cli("scan", str(copy), env=env).stdout
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def test_inventory_frame(copy):
    _edit(copy)
    df = scan_cache(copy, index=False, jobs=1, progress=False).inventory()
    assert len(df) == len(ck.ALL)
    assert str(df["zip_mtime"].dtype) == "datetime64[ns, UTC]"
    assert df["bytes"].dtype == "int64" and df["has_zip"].dtype == bool
    result = scan_cache(copy, index=False, jobs=1, progress=False)
    assert not result.clean and list(result.findings_frame().kind) == ["dir-modified"]
    row = df[(df.module == A1[0]) & (df.version == A1[1])].iloc[0]
    assert row.status == "damaged" and row.kinds == "dir-modified" and row.dir_hash != row.ziphash
    assert (df[df.status == "ok"].zip_hash == df[df.status == "ok"].ziphash).all()


def test_fork_keeping_upstream_module_path_is_not_damage(tmp_path, go_exe):
    """A fork used through ``replace`` whose go.mod still says the upstream path: go accepts it."""
    from gomodlab.lab import universe

    proxy = universe.write_proxy(tmp_path / "proxy", [
        universe.ModuleSource("example.com/orig", "v1.0.0", "module example.com/orig\n", {"o.go": "package orig\n"}),
        universe.ModuleSource("example.com/fork", "v1.0.0", "module example.com/orig\n", {"o.go": "package orig\n"}),
    ])
    env = gotool.isolated_env(tmp_path / "env", proxy=universe.file_proxy_url(proxy), flags="-mod=mod")
    main = tmp_path / "main"
    main.mkdir()
    (main / "go.mod").write_text("module example.com/main\n\ngo 1.21\n\nrequire example.com/orig v1.0.0\n\n"
                                 "replace example.com/orig => example.com/fork v1.0.0\n")
    (main / "main.go").write_text('package main\n\nimport _ "example.com/orig"\n\nfunc main() {}\n')
    gotool.run_go(["mod", "download", "all"], cwd=main, env=env).check()
    gotool.run_go(["build", "./..."], cwd=main, env=env).check()
    result = scan_cache(env["GOMODCACHE"], index=False, jobs=1, progress=False)
    assert not result.findings
