"""Cache hygiene: sizes, ages, versions no project uses, orphans, and a trim plan through the quarantine."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gomodlab.cache import hygiene, quarantine, repair
from gomodlab.cache.scan import scan as scan_cache
from gomodlab.load import gotool

from . import cachekit as ck
from .cachekit import vfile, xdir
from .test_cache_scan import A0, A1, ZETA

pytestmark = pytest.mark.go


@pytest.fixture
def world(tmp_path, tmp_path_factory):
    base = ck.base_cache(tmp_path_factory)
    root = ck.copy_cache(base, tmp_path / "mod")
    build_list = tmp_path / "buildlist.txt"
    build_list.write_text(gotool.run_go(["list", "-m", "all"], cwd=base.main, env=base.env).check().stdout)
    return base, root, build_list


def _age(root: Path, mv: tuple[str, str], days: float) -> None:
    t = time.time() - days * 86400
    for p in (vfile(root, *mv, "info"), vfile(root, *mv, "zip"), vfile(root, *mv, "mod"), xdir(root, *mv)):
        os.utime(p, (t, t), follow_symlinks=False)


def _orphans(root: Path) -> None:
    src = xdir(root, *ZETA)
    dst = root / "example.com" / "orphan@v1.0.0"
    subprocess.run(["cp", "-a", str(src), str(dst)], check=True)
    gone = vfile(root, "example.com/gone", "v1.0.0", "ziphash")
    gone.parent.mkdir(parents=True)
    gone.write_text("h1:" + "A" * 43 + "=")
    vcs = root / "cache" / "vcs"
    vcs.mkdir(parents=True)
    (vcs / hashlib.sha256(b"git3:https://x.example.org/a").hexdigest()).mkdir()
    info = vcs / (hashlib.sha256(b"git3:https://x.example.org/b").hexdigest() + ".info")
    info.write_text("git3:https://x.example.org/b")


def test_usage_sizes_and_ages(world):
    base, root, build_list = world
    _age(root, A0, 90)
    result = scan_cache(root, index=False, verify=False, progress=False)
    for rep in (hygiene.report(result, gosum=[base.gosum]), hygiene.report(result, build_lists=[build_list])):
        use = {(r.module, r.version): r.usage for r in rep.versions.itertuples()}
        assert use[A0] == "unused" and all(use[mv] == "build" for mv in ck.REQUIRED)
        assert rep.used_known
    row = rep.versions[(rep.versions.module == A0[0]) & (rep.versions.version == A0[1])].iloc[0]
    assert 89 < row.age_days < 91 and row.bytes > row.zip_bytes > 0
    alpha = rep.modules[rep.modules.module == "example.com/alpha"].iloc[0]
    assert (alpha.versions, alpha.unused_versions, alpha.newest_version) == (2, 1, "v1.1.0")
    assert alpha.bytes == rep.versions[rep.versions.module == "example.com/alpha"].bytes.sum()
    assert rep.total_bytes >= rep.versions.bytes.sum()
    unknown = hygiene.report(result)
    assert set(unknown.versions.usage) == {"unknown"} and not unknown.used_known


def test_gomod_only_usage(world, tmp_path):
    base, root, _ = world
    gosum = tmp_path / "go.sum"
    gosum.write_text("".join(line + "\n" for line in base.gosum.read_text().splitlines()
                             if not line.startswith(f"{ZETA[0]} {ZETA[1]} ")))
    result = scan_cache(root, index=False, verify=False, progress=False)
    rep = hygiene.report(result, gosum=[gosum])
    assert rep.versions.set_index(["module", "version"]).loc[ZETA, "usage"] == "go.mod"
    plan = hygiene.plan_trim(result, rep, mod_only_zips=True)
    by = {(a.module, a.version): sorted(m.src.rsplit("/", 1)[-1] for m in a.moves) for a in plan.actions}
    assert by[ZETA] == ["v1.3.0.zip", "v1.3.0.ziphash", "zeta@v1.3.0"]
    assert ZETA not in {(a.module, a.version) for a in hygiene.plan_trim(result, rep).actions}


def test_orphans(world):
    base, root, _ = world
    _orphans(root)
    result = scan_cache(root, index=False, progress=False)
    rep = hygiene.report(result, gosum=[base.gosum])
    assert sorted(rep.orphans.what) == ["download-leftover", "extracted-dir-without-download", "vcs-info-without-dir",
                                        "vcs-without-info"]


def test_trim_plan_apply_restore(world, tmp_path):
    base, root, build_list = world
    _orphans(root)
    _age(root, A0, 90)
    before = {rel: rec[:3] + rec[4:] for rel, rec in ck.snapshot(root).items()}
    result = scan_cache(root, index=False, verify=False, progress=False)
    rep = hygiene.report(result, build_lists=[build_list])
    assert {(a.module, a.version) for a in hygiene.plan_trim(result, rep, older_than_days=365).actions
            if a.reason == "unused"} == set()
    plan = hygiene.plan_trim(result, rep, older_than_days=30)
    assert {(a.module, a.version, a.reason) for a in plan.actions if a.module} == {
        (*A0, "unused"), ("example.com/orphan", "v1.0.0", "orphan"), ("example.com/gone", "v1.0.0", "orphan")}
    res = repair.apply(plan, quarantine=tmp_path / "q")
    assert res.ok
    left = scan_cache(root, index=False, progress=False)
    assert (A0[0], A0[1]) not in {(e.module, e.version) for e in left.entries if e.has_zip or e.has_mod}
    assert vfile(root, *A0, "lock").exists() and xdir(root, *A1).is_dir()
    assert hygiene.report(left, build_lists=[build_list]).orphans.empty
    quarantine.restore(res.session)
    # Lock files made for versions that had none (as go makes them) stay; the journal names them.
    created = {r["path"] for r in quarantine.read_journal(res.session) if r["op"] == "lock-created"}
    assert created == {"cache/download/example.com/gone/@v/v1.0.0.lock",
                       "cache/download/example.com/orphan/@v/v1.0.0.lock",
                       *(f"cache/vcs/{hashlib.sha256(u).hexdigest()}.lock"
                         for u in (b"git3:https://x.example.org/a", b"git3:https://x.example.org/b"))}
    after = {rel: rec[:3] + rec[4:] for rel, rec in ck.snapshot(root).items() if rel not in created}
    assert {k: v for k, v in after.items() if k not in ("cache/download/example.com/orphan",
                                                        "cache/download/example.com/orphan/@v")} == before


def test_cli(world, tmp_path):
    base, root, build_list = world
    env = dict(os.environ, GOMODLAB_INDEX_DIR=str(tmp_path / "idx"),
               PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    def run(*a: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "gomodlab", *a], capture_output=True, text=True, env=env)

    out = run("hygiene", str(root), "--gosum", str(base.gosum))
    assert out.returncode == 0, out.stderr
    assert "example.com/big" in out.stdout and "1 unused" in out.stdout
    js = json.loads(run("hygiene", str(root), "--build-list", str(build_list), "--format", "json").stdout)
    assert {m["module"] for m in js["modules"]} >= {p for p, _ in ck.ALL}
    plan = run("trim", str(root), "--build-list", str(build_list))
    assert plan.returncode == 1 and "example.com/alpha@v1.0.0" in plan.stdout
    applied = run("trim", str(root), "--build-list", str(build_list), "--apply", "--quarantine", str(tmp_path / "q"))
    assert applied.returncode == 0, applied.stderr
    assert not vfile(root, *A0, "zip").exists()
    assert run("trim", str(root), "--build-list", str(build_list)).returncode == 0
