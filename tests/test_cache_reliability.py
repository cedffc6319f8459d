"""The cache doctor as an unlucky operator meets it: no permission, unreadable files, no home,
and restores that must leave the cache exactly as it was (directory mtimes included).

Each test reproduces a defect that was there before its fix: ``fix --apply`` without write access
died with a PermissionError traceback and left an empty quarantine session; unreadable files were
reported as damage (and would have been quarantined); ``fix --restore`` left parent directories'
mtimes changed; a scan with no writable home failed (rc 2) on its index.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from gomodlab.cache import quarantine, repair
from gomodlab.cache.scan import scan as scan_cache

from . import cachekit as ck
from .cachekit import vfile, xdir
from .test_cache_scan import A1, BETA, _truncate

pytestmark = pytest.mark.go

NOBODY = 65534
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return ck.base_cache(tmp_path_factory)


def _needs_root() -> None:
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root (to drop to an unprivileged user, for whom permissions bite) and setpriv")


def as_nobody(*args: str, home: str, extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "HOME": home, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1",
           **(extra or {})}
    return subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                           sys.executable, "-m", "gomodlab", *args], capture_output=True, text=True, env=env)


@pytest.fixture
def root_owned(base):
    """A damaged copy owned by root under a world-readable top: nobody may read, not write."""
    _needs_root()
    top = Path(tempfile.mkdtemp(prefix="gomodlab-rootowned-"))
    os.chmod(top, 0o755)
    root = ck.copy_cache(base, top / "mod")
    _truncate(root)
    yield top, root
    subprocess.run(["chmod", "-R", "u+w", str(top)], check=True)
    shutil.rmtree(top)


def test_fix_apply_without_permission_is_one_sentence_and_leaves_nothing(root_owned):
    top, root = root_owned
    q = top / "q"
    (top / "idx").mkdir()
    os.chown(top / "idx", NOBODY, NOBODY)
    before = ck.snapshot(root)
    res = as_nobody("fix", str(root), "--apply", "--quarantine", str(q), home=str(top),
                    extra={"GOMODLAB_INDEX_DIR": str(top / "idx")})
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "nothing was moved: cannot take go's lock" in res.stderr
    assert "run it as the user who owns the module cache" in res.stderr
    assert not q.exists(), "no quarantine session may be left behind"
    assert ck.snapshot(root) == before


def test_unreadable_files_are_permission_denied_not_damage(root_owned):
    top, root = root_owned
    zipf = vfile(root, *BETA, "zip")
    lib = xdir(root, *BETA) / "lib"
    os.chmod(zipf, 0o400)
    os.chmod(lib, 0o700)
    res = as_nobody("scan", str(root), "--no-index", "--format", "json", home=str(top))
    assert res.returncode == 1, res.stderr
    found = json.loads(res.stdout)
    beta = [f for f in found if (f["module"], f["version"]) == BETA]
    assert beta and {f["kind"] for f in beta} == {"permission-denied"}, beta
    assert {f["path"] for f in beta} == {str(zipf), str(lib)}
    assert all("owner root (uid 0)" in f["detail"] and "mode 0" in f["detail"] for f in beta)
    # The truncated zip of alpha is damage as before; the plan touches only that.
    assert {(f["module"], f["version"]) for f in found if f["kind"] != "permission-denied"} == {A1}
    plan = as_nobody("fix", str(root), "--no-index", "--format", "json", home=str(top))
    assert {(r["module"], r["version"]) for r in json.loads(plan.stdout)} == {A1}


def test_scan_without_a_writable_home(root_owned):
    """HOME=/nonexistent and no index directory: scan without the index, one note, same answer."""
    top, root = root_owned
    res = as_nobody("scan", str(root), "--format", "json", home="/nonexistent")
    assert res.returncode == 1, res.stderr
    assert {(f["module"], f["version"]) for f in json.loads(res.stdout)} == {A1}
    notes = [line for line in res.stderr.splitlines() if line]
    assert len(notes) == 1 and "without its index" in notes[0] and "Traceback" not in res.stderr


def test_xdg_cache_home_holds_the_index(root_owned):
    top, root = root_owned
    xdg = top / "xdg"
    xdg.mkdir()
    os.chown(xdg, NOBODY, NOBODY)
    res = as_nobody("scan", str(root), home="/nonexistent", extra={"XDG_CACHE_HOME": str(xdg)})
    assert res.returncode == 1 and res.stderr == "", res.stderr
    assert list((xdg / "gomodlab").rglob("*")), "the index lives under $XDG_CACHE_HOME/gomodlab"


def test_restore_puts_directory_mtimes_back(base, tmp_path):
    root = ck.copy_cache(base, tmp_path / "mod")
    _truncate(root)
    ck.edit_file(root, *BETA, "lib/lib.go", b"package lib // edited\n")
    before = ck.snapshot(root)
    res = repair.apply(repair.plan_repair(scan_cache(root, index=False, jobs=1, progress=False)),
                       quarantine=tmp_path / "q")
    assert res.ok and res.session
    assert ck.snapshot(root) != before
    quarantine.restore(res.session)
    after = ck.snapshot(root)
    changed = {rel for rel in before if before[rel] != after.get(rel)}
    assert changed == set() and set(after) == set(before)
    assert stat.S_IMODE(os.stat(xdir(root, *BETA)).st_mode) == 0o555
