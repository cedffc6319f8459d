"""gomodlab fix: plan, apply (+ real go refetch), restore, and crash safety under SIGKILL."""

from __future__ import annotations

import fcntl
import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from gomodlab.cache import quarantine, repair
from gomodlab.cache.scan import scan as scan_cache
from gomodlab.load import gotool
from gomodlab.errors import CacheError

from . import cachekit as ck
from .cachekit import vfile, xdir
from .test_cache_scan import (A1, BETA, BIG, EPS, GAMMA, NESTED, ZETA, _edit, _info_wrong_version, _mod_garbage,
                              _partial_marker, _truncate, _ziphash_missing)

pytestmark = pytest.mark.go


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return ck.base_cache(tmp_path_factory)


def damage(root: Path) -> None:
    """Seven versions damaged in seven ways; alpha v1.0.0, delta and nested/sub stay intact."""
    _truncate(root)                # alpha v1.1.0: zip-unreadable
    _edit_beta(root)               # Beta: dir-modified
    _partial_marker(root)          # nested: dir-partial
    _tmp_files_zeta(root)          # zeta: tmp-leftover
    _mod_garbage(root)             # gamma/v2: mod-unreadable
    _info_wrong_version(root)      # eps: info-unreadable
    _ziphash_missing(root)         # big: ziphash-missing


def _edit_beta(root: Path) -> None:
    ck.edit_file(root, *BETA, "lib/lib.go", b"package lib // edited\n")


def _tmp_files_zeta(root: Path) -> None:
    (vfile(root, *ZETA, "zip").parent / "v1.3.0.mod99.tmp").write_bytes(b"module example.com/ze")


DAMAGED = {A1, BETA, NESTED, ZETA, GAMMA, EPS, BIG}


def cli(*args: str, env: dict[str, str], check: bool = False) -> subprocess.CompletedProcess[str]:
    p = subprocess.run([sys.executable, "-m", "gomodlab", *args], capture_output=True, text=True, env=env)
    if check and p.returncode not in (0, 1):
        raise AssertionError(p.stdout + p.stderr)
    return p


def cli_env(base, root: Path, tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(base.env)
    env["GOMODCACHE"] = str(root)
    env["GOMODLAB_INDEX_DIR"] = str(tmp / "index")
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    return env


def state(root: Path) -> dict[str, tuple]:
    """Everything but directory mtimes (a rename out and back necessarily touches its parent)."""
    return {rel: rec if rec[0] != "d" else rec[:3] for rel, rec in ck.snapshot(root).items()}


def payload(session: Path) -> dict[str, tuple]:
    """The quarantined files: cache-relative path → (mode, sha256)."""
    return ck.contents(session, skip=("journal.jsonl", "manifest.json", "README.txt", ".manifest", "displaced"))


def test_plan_moves_only_what_is_damaged(base, tmp_path):
    root = ck.copy_cache(base, tmp_path / "mod")
    damage(root)
    plan = repair.plan_repair(scan_cache(root, index=False, jobs=1, progress=False))
    by = {(a.module, a.version): {m.src.rsplit("/", 1)[-1] for m in a.moves} for a in plan.actions}
    assert set(by) == DAMAGED
    assert by[A1] == {"v1.1.0.zip", "v1.1.0.ziphash", "alpha@v1.1.0"}
    assert by[BETA] == {"!beta@v1.2.0-!r!c1"}
    assert by[NESTED] == {"v1.0.0.partial", "nested@v1.0.0"}
    assert by[ZETA] == {"v1.3.0.mod99.tmp"}
    assert by[GAMMA] == {"v2.0.0.mod"}
    assert by[EPS] == {"v0.0.0-20240101000000-abcdefabcdef.info"}
    assert by[BIG] == {"v1.0.0.zip", "big@v1.0.0"}
    assert not any(a.refetch for a in plan.actions if (a.module, a.version) == ZETA)
    assert plan.cache_bytes > plan.bytes > 0
    df = plan.frame()
    assert list(df.columns) == ["module", "version", "reason", "kinds", "path", "type", "bytes", "refetch"]


def test_module_selector_limits_the_fix_to_one_version(base, tmp_path):
    """``--module PATH@VERSION`` (what ``gomodlab explain`` suggests) moves that version only."""
    root = ck.copy_cache(base, tmp_path / "mod")
    damage(root)
    plan = repair.plan_repair(scan_cache(root, index=False, jobs=1, progress=False))
    assert {(a.module, a.version) for a in repair.select_actions(plan, [f"{BETA[0]}@{BETA[1]}"]).actions} == {BETA}
    assert {(a.module, a.version) for a in repair.select_actions(plan, [A1[0]]).actions} == {A1}
    assert repair.select_actions(plan, []) == plan
    before = state(root)
    p = cli("fix", str(root), "--module", f"{BETA[0]}@{BETA[1]}", "--apply", "--no-progress",
            "--quarantine", str(tmp_path / "q"), env=cli_env(base, root, tmp_path))
    assert p.returncode == 0, p.stdout + p.stderr
    moved = {rel for rel in before if rel not in state(root)}
    assert moved and all(rel.startswith(ck.xdir(root, *BETA).relative_to(root).as_posix()) for rel in moved)


def test_apply_refetch_then_go_verify_and_build(base, tmp_path):
    root = ck.copy_cache(base, tmp_path / "mod")
    damage(root)
    damaged_state = state(root)
    env = cli_env(base, root, tmp_path)
    q = tmp_path / "quarantine"
    planned = cli("fix", str(root), env=env)
    assert planned.returncode == 1 and "go clean -modcache would throw away" in planned.stdout
    applied = cli("fix", str(root), "--apply", "--refetch", "--quarantine", str(q), env=env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "kept" in applied.stdout and "go clean -modcache would have thrown away" in applied.stdout
    assert scan_cache(root, index=False, jobs=1, progress=False).findings == ()
    main = tmp_path / "main"
    subprocess.run(["cp", "-a", str(base.main), str(main)], check=True)
    go_env = dict(base.env, GOMODCACHE=str(root))
    verify = gotool.run_go(["mod", "verify"], cwd=main, env=go_env)
    assert verify.returncode == 0 and "all modules verified" in verify.stdout, verify.stderr
    gotool.run_go(["build", "./..."], cwd=main, env=go_env).check()

    (session,) = q.iterdir()
    manifest = json.loads((session / "manifest.json").read_text())
    assert manifest["state"] == "applied" and manifest["cache"] == str(root)
    assert {(e["module"], e["version"]) for e in manifest["entries"]} == DAMAGED
    assert all(r["ok"] for r in manifest["refetch"]) and len(manifest["refetch"]) == len(DAMAGED) - 1
    # Quarantined trees are writable (removable with rm -r); the cache's own dirs kept go's modes.
    for d in (session / "example.com").rglob("*"):
        if d.is_dir():
            assert os.stat(d).st_mode & 0o200
    assert os.stat(xdir(root, *ck.ALL[0])).st_mode & 0o777 == 0o555

    restored = cli("fix", "--restore", str(session), env=env)
    assert restored.returncode == 0, restored.stderr
    assert state(root) == damaged_state, "restore did not bring back the exact bytes and modes"
    assert (session / "displaced").is_dir()  # the refetched copies, kept rather than deleted
    assert json.loads((session / "manifest.json").read_text())["state"] == "restored"


def test_apply_restore_roundtrip_is_exact(base, tmp_path):
    root = ck.copy_cache(base, tmp_path / "mod")
    damage(root)
    before = state(root)
    before_files = ck.contents(root)
    res = repair.apply(repair.plan_repair(scan_cache(root, index=False, jobs=1, progress=False)),
                       quarantine=tmp_path / "q")
    assert res.ok and res.bytes_moved > 0 and res.bytes_kept == res.cache_bytes - res.bytes_moved
    moved = payload(Path(res.session))
    left = ck.contents(root)
    # Every file is in exactly one place, with its bytes and mode.
    assert moved and set(moved).isdisjoint(left) and {**moved, **left} == before_files
    r = quarantine.restore(res.session)
    assert not r.skipped and state(root) == before


def test_lock_held_by_go_is_respected(base, tmp_path):
    root = ck.copy_cache(base, tmp_path / "mod")
    damage(root)
    plan = repair.plan_repair(scan_cache(root, index=False, jobs=1, progress=False))
    fd = os.open(vfile(root, *A1, "lock"), os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        res = repair.apply(plan, quarantine=tmp_path / "q", lock_timeout=0.3)
    finally:
        os.close(fd)
    states = {(r.action.module, r.action.version): r.state for r in res.actions}
    assert states[A1] == "skipped-in-progress" and vfile(root, *A1, "zip").exists()
    assert all(s == "moved" for k, s in states.items() if k != A1)


def test_already_fixed_is_not_moved(base, tmp_path):
    root = ck.copy_cache(base, tmp_path / "mod")
    _edit(root)
    plan = repair.plan_repair(scan_cache(root, index=False, jobs=1, progress=False))
    # Someone (go, or the user) repairs it between the plan and the apply: re-checked under the lock.
    ck.edit_file(root, *A1, "lib/lib.go", (base.root / "example.com" / "alpha@v1.1.0" / "lib" / "lib.go").read_bytes())
    res = repair.apply(plan, quarantine=tmp_path / "q")
    assert [r.state for r in res.actions] == ["already-fixed"] and xdir(root, *A1).is_dir()


def test_quarantine_inside_cache_is_refused(base, tmp_path):
    root = ck.copy_cache(base, tmp_path / "mod")
    _edit(root)
    plan = repair.plan_repair(scan_cache(root, index=False, jobs=1, progress=False))
    with pytest.raises(CacheError, match="outside the module cache"):
        repair.apply(plan, quarantine=root / "cache" / "q")


def clone(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["cp", "-a", str(src), str(dst)], check=True)


def _sessions(q: Path) -> list[Path]:
    return sorted(p for p in q.iterdir() if (p / "journal.jsonl").exists()) if q.exists() else []


@pytest.mark.slow
def test_sigkill_mid_apply_then_restore_or_rerun(base, tmp_path):
    """Killed at seeded points, then restored (exactly as before) or re-run (exactly the complete fix),
    with every byte accounted for in cache + quarantine."""
    pristine = ck.copy_cache(base, tmp_path / "pristine")
    damage(pristine)
    before = state(pristine)
    before_files = ck.contents(pristine)
    # The reference: an uninterrupted apply.
    ref = tmp_path / "ref" / "mod"
    clone(pristine, ref)
    done = cli("fix", str(ref), "--apply", "--quarantine", str(tmp_path / "ref" / "q"),
               env=cli_env(base, ref, tmp_path / "ref"))
    assert done.returncode == 0, done.stderr
    fixed = state(ref)
    (ref_session,) = _sessions(tmp_path / "ref" / "q")
    steps = next(r for r in quarantine.read_journal(ref_session) if r["op"] == "end")["steps"]
    assert steps > 20

    rng = random.Random(4)
    points = sorted(rng.sample(range(1, steps), 6))
    for i, n in enumerate(points):
        work = tmp_path / f"crash{n}"
        root = work / "mod"
        clone(pristine, root)
        q = work / "q"
        env = cli_env(base, root, work)
        killed = cli("fix", str(root), "--apply", "--quarantine", str(q), env=dict(env, GOMODLAB_TEST_CRASH_AT=str(n)))
        assert killed.returncode == -signal.SIGKILL, (n, killed.stdout, killed.stderr)
        (session,) = _sessions(q)
        # Nothing lost at the moment of the crash.
        assert {**ck.contents(root), **payload(session)}.keys() >= before_files.keys()
        if i % 2 == 0:
            r = cli("fix", "--restore", str(session), env=env)
            assert r.returncode == 0, r.stderr
            assert state(root) == before, f"restore after a crash at step {n} is not exact"
        else:
            r = cli("fix", str(root), "--apply", "--quarantine", str(q), env=env)
            assert r.returncode == 0, r.stdout + r.stderr
            assert state(root) == fixed, f"re-run after a crash at step {n} is not the complete fix"
            assert len(_sessions(q)) == 1, "the re-run should finish the interrupted session, not start another"
            assert {**ck.contents(root), **payload(session)} == before_files

    # A kill from outside at a random moment (wherever it lands) is repaired by --restore.
    work = tmp_path / "timed"
    root = work / "mod"
    clone(pristine, root)
    env = cli_env(base, root, work)
    proc = subprocess.Popen([sys.executable, "-m", "gomodlab", "fix", str(root), "--apply", "--quarantine",
                             str(work / "q")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.2, 1.0))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for session in _sessions(work / "q"):
        assert cli("fix", "--restore", str(session), env=env).returncode == 0
    assert state(root) == before


NOBODY = 65534


@pytest.fixture
def unprivileged(base, tmp_path):
    """A damaged copy owned by an unprivileged user, where go's read-only modes really bite."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root (to drop to an unprivileged user) and setpriv")
    top = Path(tempfile.mkdtemp(prefix="gomodlab-unpriv-"))
    os.chmod(top, 0o755)
    root = ck.copy_cache(base, top / "mod")
    damage(root)
    subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(top)], check=True)
    yield top, root
    subprocess.run(["chmod", "-R", "u+w", str(top)], check=True)
    shutil.rmtree(top)


def as_nobody(*args: str, top: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "HOME": str(top), "GOMODLAB_INDEX_DIR": str(top / "index"),
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                           sys.executable, "-m", "gomodlab", *args], capture_output=True, text=True, env=env)


def test_unprivileged_scan_fix_restore(unprivileged):
    """As a plain user: scanning go's 0555/0444 trees needs no write access, and a fix can still move
    them (making only what it moves writable) and restore them with their modes."""
    top, root = unprivileged
    before = state(root)
    scanned = as_nobody("scan", str(root), "--format", "json", top=top)
    assert scanned.returncode == 1, scanned.stderr
    assert {(d["module"], d["version"]) for d in json.loads(scanned.stdout)} == DAMAGED
    assert state(root) == before
    q = top / "q"
    applied = as_nobody("fix", str(root), "--apply", "--quarantine", str(q), top=top)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert as_nobody("scan", str(root), top=top).returncode == 0
    (session,) = _sessions(q)
    assert stat.S_IMODE(os.stat(session / "example.com" / "!beta@v1.2.0-!r!c1").st_mode) & 0o200
    assert stat.S_IMODE(os.stat(xdir(root, *ck.ALL[0])).st_mode) == 0o555
    restored = as_nobody("fix", "--restore", str(session), top=top)
    assert restored.returncode == 0, restored.stderr
    assert state(root) == before
