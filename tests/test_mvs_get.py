"""``gomodlab upgrade`` / modget.plan_get against the real ``go get path@version``, then ``go list -m all``.

Random universes (the same generator as test_mvs_go.py, another seed series); in each, one
upgrade and one downgrade of a random module to a random existing version. go sometimes loops
forever in its requirement edit (modload/edit.go retries a rejected original version): we then
expect gomodlab to report that instead of hanging.
"""

from __future__ import annotations

import os
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from gomodlab.load import gotool
from gomodlab.lab import universe
from gomodlab.errors import GoCommandError, GomodlabError
from gomodlab.load.get import plan_get
from gomodlab.load.modload import cmp_version, load
from gomodlab.load.sources import ProxySource

from . import mvs_universes

SEED = int(os.environ.get("GOMODLAB_MVS_SEED", "20261123")) + 7
COUNT = int(os.environ.get("GOMODLAB_MVS_GET_UNIVERSES", "150"))
HANG_SECONDS = 6

pytestmark = pytest.mark.go


@dataclass
class Case:
    name: str
    kind: str
    path: str
    version: str
    ours_dir: Path
    go_rc: int | None = None  # None: go did not finish
    go_list: str = ""
    go_err: str = ""


def _pick(u: mvs_universes.Universe, mg, kind: str) -> tuple[str, str] | None:
    rnd = random.Random(f"{u.name}-{kind}")
    cands = []
    for m in u.modules:
        if m.path == u.main_path or "/fork" in m.path:
            continue
        sel = mg.selected(m.path)
        c = cmp_version(m.path, sel, m.version)
        if (kind == "up" and c < 0) or (kind == "down" and c > 0 and sel != "none"):
            cands.append((m.path, m.version))
    return rnd.choice(sorted(cands)) if cands else None


def _go_get(case: Case, u: mvs_universes.Universe, root: Path, env: dict[str, str]) -> Case:
    d = u.write_main(root / f"{u.name}-{case.kind}" / "go")
    try:
        r = gotool.run_go(["get", f"{case.path}@{case.version}"], cwd=d, env=env, timeout=HANG_SECONDS)
    except GoCommandError:
        return case
    case.go_rc, case.go_err = r.returncode, r.stderr
    if r.returncode == 0:
        case.go_list = gotool.run_go(["list", "-m", "all"], cwd=d, env=env).check().stdout
    return case


@pytest.fixture(scope="module")
def get_cases(tmp_path_factory: pytest.TempPathFactory, go_exe: str) -> tuple[str, list[Case]]:
    root = tmp_path_factory.mktemp("mvs_get")
    us = [mvs_universes.generate(SEED, i) for i in range(COUNT)]
    proxy = universe.write_proxy(root / "proxy", [m for u in us for m in u.modules])
    url = universe.file_proxy_url(proxy)
    env = gotool.isolated_env(root / "goenv", proxy=url, flags="-mod=mod")
    jobs = []
    for u in us:
        ours = u.write_main(root / u.name / "ours")
        mg = load(ours, ProxySource(url))
        for kind in ("up", "down"):
            pick = _pick(u, mg, kind)
            if pick:
                jobs.append((Case(u.name, kind, pick[0], pick[1], ours), u))
    with ThreadPoolExecutor(max_workers=4) as pool:
        cases = list(pool.map(lambda j: _go_get(j[0], j[1], root, env), jobs))
    return url, cases


def test_enough_get_cases(get_cases) -> None:
    _, cases = get_cases
    assert sum(c.kind == "up" for c in cases) >= COUNT // 2
    assert sum(c.kind == "down" for c in cases) >= COUNT // 2
    assert sum(c.go_rc == 0 for c in cases) >= COUNT // 2


def test_go_get_matches(get_cases) -> None:
    url, cases = get_cases
    mismatches = []
    for c in cases:
        mg = load(c.ours_dir, ProxySource(url))
        try:
            plan = plan_get(mg, c.path, c.version)
            ours, err = "".join(line + "\n" for line in plan.after.list_lines()), None
        except GomodlabError as e:
            ours, err = None, e
        if c.go_rc is None:
            ok = err is not None and "does not terminate" in str(err)
        elif c.go_rc != 0:
            ok = err is not None
        else:
            ok = err is None and ours == c.go_list
        if not ok:
            mismatches.append(f"{c.name} go get {c.path}@{c.version} ({c.kind}): go rc={c.go_rc} "
                              f"{c.go_err.strip()[-300:]!r}; ours: {err or ours!r}")
    assert not mismatches, "\n".join(mismatches[:5])
