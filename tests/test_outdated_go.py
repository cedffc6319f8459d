"""Differential tests: ``gomodlab buildlist -u [-retracted]`` against ``go list -m -u [-retracted] all``,
and ``gomodlab outdated`` on the same worlds.

Random universes from :mod:`tests.update_universes` (retractions, deprecations, pre-releases,
/v2 and /v3 modules, +incompatible majors, replacements, excludes; ``GOMODLAB_UPDATE_UNIVERSES``
sets the count, default 40) share one file:// GOPROXY. Each go command runs in its own copy of
the main module (GOFLAGS=-mod=mod rewrites go.mod); gomodlab reads the proxy in-process, through
the command line, and its text must be byte-identical — or fail (exit 1) where go fails.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from gomodlab.lab import universe
from gomodlab.lab.universe import ModuleSource, gomod_text
from gomodlab.load import gotool
from gomodlab.load.modload import load
from gomodlab.load.sources import ProxySource
from gomodlab.load.updates import list_lines, outdated

from . import update_universes
from .clirun import run_cli

SEED = int(os.environ.get("GOMODLAB_UPDATE_SEED", "20261204"))
COUNT = int(os.environ.get("GOMODLAB_UPDATE_UNIVERSES", "40"))
MODES = {"u": ["-u"], "retracted": ["-retracted"], "u-retracted": ["-u", "-retracted"]}

pytestmark = pytest.mark.go


@dataclass
class GoList:
    rc: int
    out: str
    err: str


@dataclass
class World:
    root: Path
    url: str
    universes: list
    go: dict[tuple[str, str], GoList]


def _run(u, mode: str, root: Path, env: dict[str, str]) -> tuple[tuple[str, str], GoList]:
    d = u.write_main(root / u.name / f"go-{mode}")
    r = gotool.run_go(["list", "-m", *MODES[mode], "all"], cwd=d, env=env)
    return (u.name, mode), GoList(r.returncode, r.stdout, r.stderr)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, go_exe: str) -> World:
    root = tmp_path_factory.mktemp("outdated")
    us = [update_universes.generate(SEED, i) for i in range(COUNT)]
    proxy = universe.write_proxy(root / "proxy", [m for u in us for m in u.modules])
    url = universe.file_proxy_url(proxy)
    env = gotool.isolated_env(root / "goenv", proxy=url, flags="-mod=mod")
    jobs = [(u, mode) for u in us for mode in MODES]
    with ThreadPoolExecutor(max_workers=2) as pool:
        go = dict(pool.map(lambda j: _run(j[0], j[1], root, env), jobs))
    for u in us:
        u.write_main(root / u.name / "ours")
    return World(root, url, us, go)


def test_worlds_exercise_every_annotation(world: World) -> None:
    text = "".join(g.out for (_, mode), g in world.go.items() if mode == "u")
    assert sum(g.rc == 0 for g in world.go.values()) >= len(world.go) * 3 // 4
    for mark in (" (retracted)", " [", " (deprecated)", "+incompatible]", "-pre", " => "):
        assert mark in text, mark


@pytest.mark.parametrize("mode", list(MODES))
def test_list_u_matches_go(world: World, mode: str) -> None:
    mismatches = []
    for u in world.universes:
        g = world.go[(u.name, mode)]
        args = ["buildlist", *MODES[mode], str(world.root / u.name / "ours"), "--proxy", world.url]
        rc, out, err = run_cli(*args)
        if g.rc != 0:
            ok = rc != 0
        else:
            ok = rc == 0 and out == g.out
        if not ok:
            mismatches.append(f"{u.name} go list -m {' '.join(MODES[mode])} all: go rc={g.rc} {g.err.strip()!r}\n"
                              f"go:\n{g.out}ours (rc={rc} {err.strip()!r}):\n{out}")
    assert not mismatches, f"{len(mismatches)} of {len(world.universes)} differ:\n" + "\n".join(mismatches[:3])


def test_outdated_agrees_with_list_u(world: World) -> None:
    """outdated's "latest" column is go list -m -u's bracket; its rows are the build list's."""
    checked = 0
    for u in world.universes:
        g = world.go[(u.name, "u")]
        if g.rc != 0:
            continue
        mg = load(world.root / u.name / "ours", ProxySource(world.url))
        rows = {r.path: r for r in outdated(mg, drag=False, progress=False)}
        for line in g.out.splitlines()[1:]:
            path, version = line.split()[:2]
            bracket = line.split("[", 1)[1].split("]")[0].split()[0] if " [" in line.split(" => ")[0] else ""
            assert rows[path].version == version, line
            assert rows[path].latest == bracket, line
            assert bool(rows[path].retracted) == ("(retracted)" in line.split(" => ")[0].split("[")[0]), line
            checked += 1
    assert checked >= COUNT


# -- hand cases --------------------------------------------------------------------------------

def _hand_world(root: Path) -> str:
    g = lambda p, reqs=(), extra="": gomod_text(p, "1.21", reqs, extra)  # noqa: E731
    mods = [
        ModuleSource("example.com/a", "v1.0.0", g("example.com/a")),
        ModuleSource("example.com/a", "v1.0.1", g("example.com/a")),
        ModuleSource("example.com/a", "v1.1.0", g("example.com/a", [("example.com/c", "v1.1.0")])),
        ModuleSource("example.com/a", "v1.2.0", g("example.com/a", [("example.com/c", "v1.2.0")],
                                                  "retract v1.0.1 // bad release\nretract v1.2.0 // oops\n")),
        ModuleSource("example.com/a", "v1.3.0-pre", g("example.com/a")),
        ModuleSource("example.com/a/v2", "v2.0.0", g("example.com/a/v2")),
        ModuleSource("example.com/a/v3", "v3.1.0", g("example.com/a/v3", [("example.com/d", "v1.0.0")])),
        ModuleSource("example.com/b", "v1.0.0", None),
        ModuleSource("example.com/b", "v2.1.0+incompatible", None),
        ModuleSource("example.com/c", "v1.1.0", g("example.com/c")),
        ModuleSource("example.com/c", "v1.2.0", "// Deprecated: use example.com/c/v2\n" + g("example.com/c")),
        ModuleSource("example.com/d", "v1.0.0", g("example.com/d")),
    ]
    return universe.file_proxy_url(universe.write_proxy(root / "proxy", mods))


def test_hand_case_outdated(tmp_path: Path, go_exe: str) -> None:
    url = _hand_world(tmp_path)
    main = tmp_path / "m"
    main.mkdir()
    (main / "go.mod").write_text("module example.com/m\n\ngo 1.21\n\nrequire (\n\texample.com/a v1.0.1\n"
                                 "\texample.com/b v1.0.0\n)\n")
    env = gotool.isolated_env(tmp_path / "goenv", proxy=url, flags="-mod=mod")
    go = gotool.run_go(["list", "-m", "-u", "all"], cwd=main, env=env).check().stdout
    mg = load(main, ProxySource(url))
    lines, errors = list_lines(mg)
    assert "".join(x + "\n" for x in lines) == go and not errors
    assert go.splitlines()[1] == "example.com/a v1.0.1 (retracted) [v1.1.0]"  # v1.2.0 retracts itself
    rows = {r.path: r for r in outdated(mg, progress=False)}
    a = rows["example.com/a"]
    assert (a.patch, a.latest, a.major, a.retracted) == ("", "v1.1.0", "example.com/a/v3 v3.1.0", "bad release")
    assert a.latest_adds == "+example.com/c v1.1.0"
    assert a.major_adds == "+example.com/d v1.0.0"
    assert rows["example.com/b"].latest == "v2.1.0+incompatible"
    rc, out, _ = run_cli("outdated", str(main), "--proxy", url)
    assert rc == 0 and "example.com/a/v3 v3.1.0" in out and "nan" not in out.lower() and "None" not in out


# -- upgrade -u / -u=patch against go get -u -------------------------------------------------

GET_MODES = {"u": "upgrade", "u=patch": "patch"}


@pytest.fixture(scope="module")
def get_cases(world: World):
    """For each universe and mode, 1–3 modules of the build list, and what go get -u made of them."""
    import random

    env = gotool.isolated_env(world.root / "goenv-get", proxy=world.url, flags="-mod=mod")
    jobs = []
    for u in world.universes:
        mg = load(world.root / u.name / "ours", ProxySource(world.url))
        paths = [m.path for m in mg.build_list()[1:] if m.path not in ("go", "toolchain")]
        if not paths:
            continue
        rnd = random.Random(u.name)
        for flag in GET_MODES:
            picked = sorted(rnd.sample(paths, min(len(paths), rnd.randint(1, 3))))
            jobs.append((u, flag, picked))

    def run(job):
        u, flag, picked = job
        d = u.write_main(world.root / u.name / f"get-{flag}")
        r = gotool.run_go(["get", f"-{flag}", *picked], cwd=d, env=env, timeout=60)
        after = (d / "go.mod").read_bytes()
        listed = gotool.run_go(["list", "-m", "all"], cwd=d, env=env).stdout if r.returncode == 0 else ""
        return u, flag, picked, r.returncode, r.stderr, after, listed

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(run, jobs))


def test_upgrade_u_matches_go_get_u(world: World, get_cases) -> None:
    from gomodlab.errors import GomodlabError
    from gomodlab.load.updates import plan_update

    mismatches = []
    changed = 0
    for u, flag, picked, rc, err, after, listed in get_cases:
        mg = load(world.root / u.name / "ours", ProxySource(world.url))
        try:
            up = plan_update(mg, picked, GET_MODES[flag])
            ours, ours_list, ours_err = up.gomod_after, "".join(x + "\n" for x in up.plan.after.list_lines()), None
        except GomodlabError as e:
            ours, ours_list, ours_err = b"", "", str(e)
        if rc != 0:
            ok = ours_err is not None
        else:
            ok = ours_err is None and ours == after and ours_list == listed
            changed += after != u.main_gomod.encode()
        if not ok:
            mismatches.append(f"{u.name} go get -{flag} {' '.join(picked)}: go rc={rc} {err.strip()!r}\n"
                              f"{u.main_gomod}go wrote:\n{after.decode()}\nours ({ours_err}):\n{ours.decode()}"
                              f"go list:\n{listed}ours:\n{ours_list}")
    assert not mismatches, f"{len(mismatches)} of {len(get_cases)} differ:\n" + "\n".join(mismatches[:2])
    assert changed >= len(get_cases) // 3


def test_upgrade_u_cli(tmp_path: Path, go_exe: str) -> None:
    url = _hand_world(tmp_path)
    main = tmp_path / "m"
    main.mkdir()
    (main / "go.mod").write_text("module example.com/m\n\ngo 1.21\n\nrequire example.com/a v1.0.0\n")
    rc, out, err = run_cli("upgrade", "-u=patch", "example.com/a", str(main), "--proxy", url)
    # v1.0.1 is retracted (by v1.2.0's go.mod), so there is no patch to take.
    assert rc == 0 and "stays as it is" in out and err == ""
    rc, out, err = run_cli("upgrade", "-u", "example.com/a", str(main), "--proxy", url)
    assert rc == 0 and "require example.com/a v1.1.0\n" in out
    assert err == "go: upgraded example.com/a v1.0.0 => v1.1.0\n"


def test_outdated_frame_is_formatted(tmp_path: Path, go_exe: str) -> None:
    import gomodlab as gml
    from gomodlab.load.updates import OUTDATED_COLUMNS

    url = _hand_world(tmp_path)
    main = tmp_path / "m"
    main.mkdir()
    (main / "go.mod").write_text("module example.com/m\n\ngo 1.21\n\nrequire example.com/a v1.0.1\n")
    df = gml.outdated(str(main), proxy=url, progress=False)
    assert list(df.columns) == list(OUTDATED_COLUMNS)
    assert list(df.index) == list(range(len(df))) and not df.isna().any().any()
    row = df.set_index("path").loc["example.com/a"]
    assert (row.latest, row.major, row.retracted) == ("v1.1.0", "example.com/a/v3 v3.1.0", "bad release")
    assert df["direct"].dtype == bool
