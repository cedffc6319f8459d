"""vcs-broken: cache/vcs/<hash> checkouts that git cannot read (go's "exit status 128"), found with real git.

No network: the checkouts are laid out as go's codehost.WorkDir and gitRepo lay them out (a bare
repository named by sha256("git3:<remote>"), a <hash>.info holding exactly that key), filled from a
local repository.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from gomodlab.cache import quarantine, repair
from gomodlab.cache.scan import scan as scan_cache

from . import cachekit as ck

pytestmark = pytest.mark.go

GOOD_URL = "https://git.example.org/good"
BAD_URL = "https://git.example.org/repo"


def git(*args: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.org", GIT_CONFIG_NOSYSTEM="1", HOME=str(cwd))
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


def vcs_checkout(root: Path, url: str, work: Path) -> Path:
    """A bare checkout of ``work`` where go would keep the one for ``url``, as go would lay it out."""
    key = "git3:" + url
    d = root / "cache" / "vcs" / hashlib.sha256(key.encode()).hexdigest()
    d.mkdir(parents=True)
    git("init", "--bare", "--object-format=sha1", "-q", cwd=d)
    git("remote", "add", "origin", "--", url, cwd=d)
    git("fetch", "-q", "--depth=1", str(work), "HEAD:refs/tags/v1.0.0", cwd=d)
    (d.parent / (d.name + ".info")).write_text(key)
    (d.parent / (d.name + ".lock")).write_text("")
    return d


@pytest.fixture
def world(tmp_path, tmp_path_factory):
    base = ck.base_cache(tmp_path_factory)
    root = ck.copy_cache(base, tmp_path / "mod")
    work = tmp_path / "upstream"
    work.mkdir()
    git("init", "-q", cwd=work)
    (work / "go.mod").write_text("module git.example.org/repo\n\ngo 1.21\n")
    (work / "a.go").write_text("package repo\n")
    git("add", ".", cwd=work)
    git("commit", "-q", "-m", "v1", cwd=work)
    rev = git("rev-parse", "HEAD", cwd=work).strip()
    good = vcs_checkout(root, GOOD_URL, work)
    bad = vcs_checkout(root, BAD_URL, work)
    # Two modules were fetched from the bad repository with GOPROXY=direct: their .info names it.
    for mod in ("git.example.org/repo", "git.example.org/repo/sub"):
        vdir = ck.vfile(root, mod, "v1.0.0", "info").parent
        vdir.mkdir(parents=True)
        info = {"Version": "v1.0.0", "Time": "2024-01-01T00:00:00Z",
                "Origin": {"VCS": "git", "URL": BAD_URL, "Ref": "refs/tags/v1.0.0", "Hash": rev}}
        (vdir / "v1.0.0.info").write_text(json.dumps(info, separators=(",", ":")))
        (vdir / "v1.0.0.mod").write_text(f"module {mod}\n")
    return root, good, bad, rev


def _objects(d: Path) -> list[Path]:
    return [p for p in (d / "objects").rglob("*") if p.is_file() and len(p.parent.name) == 2]


def _delete_head(bad: Path, rev: str) -> None:
    (bad / "HEAD").unlink()


def _corrupt_commit(bad: Path, rev: str) -> None:
    obj = bad / "objects" / rev[:2] / rev[2:]
    os.chmod(obj, 0o644)
    obj.write_bytes(b"garbage, not zlib")


def _drop_objects(bad: Path, rev: str) -> None:
    for p in _objects(bad):
        p.unlink()


def _garbage_packed_refs(bad: Path, rev: str) -> None:
    (bad / "refs" / "tags" / "v1.0.0").unlink()
    (bad / "packed-refs").write_text("this is not a packed-refs file\n")


def _garbage_config(bad: Path, rev: str) -> None:
    (bad / "config").write_text("[core\n\tbare = maybe\n")


@pytest.mark.parametrize("corrupt", [_delete_head, _corrupt_commit, _drop_objects, _garbage_packed_refs,
                                     _garbage_config])
def test_broken_checkout_is_found(world, corrupt):
    root, good, bad, rev = world
    assert scan_cache(root, index=False, jobs=1, progress=False).findings == ()
    corrupt(bad, rev)
    before = ck.snapshot(root)
    result = scan_cache(root, index=False, jobs=1, progress=False)
    assert ck.snapshot(root) == before, "git changed the cache while we looked"
    (f,) = result.findings
    assert (f.kind, f.path, f.version) == ("vcs-broken", str(bad), "")
    assert f.remote == BAD_URL and BAD_URL in f.detail
    assert f.modules == ("git.example.org/repo", "git.example.org/repo/sub")
    assert f.module == "git.example.org/repo git.example.org/repo/sub"
    assert {v.path: v.status for v in result.vcs} == {str(good): "ok", str(bad): "damaged"}


def test_info_with_wrong_key(world):
    root, good, bad, _ = world
    (bad.parent / (bad.name + ".info")).write_text("git3:https://elsewhere.example.org/x")
    (f,) = scan_cache(root, index=False, jobs=1, progress=False).findings
    assert f.kind == "vcs-broken" and "wrong content" in f.detail


def test_missing_objects_dir_is_not_broken(world):
    """go re-runs 'git init --bare' when objects/ is missing: nothing stands in its way."""
    root, good, bad, _ = world
    ck.remove_tree(bad / "objects")
    assert scan_cache(root, index=False, jobs=1, progress=False).findings == ()


def test_checkout_locked_by_go_is_in_progress(world):
    root, good, bad, rev = world
    _delete_head(bad, rev)
    fd = os.open(str(bad) + ".lock", os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        result = scan_cache(root, index=False, jobs=1, progress=False)
    finally:
        os.close(fd)
    assert [f.kind for f in result.findings] == ["unverified"] and str(bad) in result.in_progress
    assert repair.plan_repair(result).actions == ()


def test_fix_quarantines_and_restores_checkout(world, tmp_path):
    root, good, bad, rev = world
    _corrupt_commit(bad, rev)
    before = {k: v for k, v in ck.snapshot(root).items()}
    plan = repair.plan_repair(scan_cache(root, index=False, jobs=1, progress=False))
    (action,) = plan.actions
    assert [m.src for m in action.moves] == [f"cache/vcs/{bad.name}", f"cache/vcs/{bad.name}.info"]
    res = repair.apply(plan, quarantine=tmp_path / "q")
    assert res.ok and not bad.exists() and (bad.parent / (bad.name + ".lock")).exists()
    assert scan_cache(root, index=False, jobs=1, progress=False).findings == ()
    quarantine.restore(res.session)
    after = ck.snapshot(root)
    assert {k: v[:3] + v[4:] for k, v in after.items()} == {k: v[:3] + v[4:] for k, v in before.items()}
