"""Scan and fix while real `go mod download` processes fill the same cache.

Nothing a running go has in flight (its lock held, a .partial extraction, a temp file about to be
renamed) may be reported as damage or touched by a repair, and every go process must succeed.
"""

from __future__ import annotations

import json
import random
import subprocess
import time

import pytest

from gomodlab.cache import repair
from gomodlab.cache.scan import scan as scan_cache
from gomodlab.load import gotool
from gomodlab.lab import universe

from . import cachekit as ck
from .test_cache_scan import A1, BETA, _add, _truncate

pytestmark = [pytest.mark.go, pytest.mark.slow]


def _fresh_modules(n: int) -> list[universe.ModuleSource]:
    out = []
    for i in range(n):
        files = {f"pkg{j // 40}/f{j}.go": f"package pkg{j // 40}\n\n// {'x' * (j % 97)}\nconst C{j} = {i * j}\n"
                 for j in range(160)}
        out.append(ck.module(f"example.com/conc/m{i:02d}", "v1.0.0", seed=i, extra=files))
    return out


def test_scan_and_fix_during_go_downloads(tmp_path, tmp_path_factory):
    base = ck.base_cache(tmp_path_factory)
    root = ck.copy_cache(base, tmp_path / "mod")
    _truncate(root)
    _add(root)
    damaged = {A1, BETA}
    proxy = tmp_path / "proxy"
    subprocess.run(["cp", "-a", str(base.proxy), str(proxy)], check=True)
    fresh = _fresh_modules(32)
    universe.write_proxy(proxy, fresh)
    env = ck.go_env_for(tmp_path / "goenv", proxy, root)
    targets = [f"{m.path}@{m.version}" for m in fresh]
    rng = random.Random(7)
    procs = []
    for _ in range(5):
        order = targets[:]
        rng.shuffle(order)
        procs.append(subprocess.Popen([gotool.find_go(), "mod", "download", "-json", *order], cwd=tmp_path,
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))

    scans = in_flight = 0
    fixed = None
    deadline = time.monotonic() + 240
    while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
        result = scan_cache(root, index=False, jobs=2, progress=False)
        scans += 1
        in_flight += len(result.in_progress)
        # Versions go is busy with are reported unverified, which is not damage.
        assert {f.kind for f in result.findings if (f.module, f.version) not in damaged} <= {"unverified"}
        seen = set(result.damaged())
        assert seen <= damaged, [f"{f.kind} {f.module}@{f.version}: {f.detail}" for f in result.findings
                                 if (f.module, f.version) not in damaged]
        if fixed is None and seen:
            fixed = repair.apply(repair.plan_repair(result), quarantine=tmp_path / "q")
            moved = {(r.action.module, r.action.version) for r in fixed.actions if r.state == "moved"}
            assert moved == seen
    outs = [p.communicate(timeout=240) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        for blob in out.replace("}\n{", "}\x00{").split("\x00"):
            assert "Error" not in json.loads(blob), blob
    assert scans >= 1
    final = scan_cache(root, index=False, jobs=2, progress=False)
    leftover = {(f.module, f.version) for f in final.findings}
    assert leftover <= damaged and not final.in_progress
    if fixed is None:  # the downloads finished before a scan completed: repair now
        repair.apply(repair.plan_repair(final), quarantine=tmp_path / "q")
    assert scan_cache(root, index=False, jobs=2, progress=False).findings == ()
    # Everything go downloaded is intact by go's own reckoning.
    sums = gotool.run_go(["mod", "download", "-json", *targets], cwd=tmp_path, env=env).check().stdout
    by = {(e.module, e.version): e for e in final.entries}
    for blob in sums.replace("}\n{", "}\x00{").split("\x00"):
        d = json.loads(blob)
        e = by[(d["Path"], d["Version"])]
        assert e.ziphash == e.zip_hash == e.dir_hash == d["Sum"]
    print(f"{scans} scans during the downloads saw {in_flight} in-flight entries")
