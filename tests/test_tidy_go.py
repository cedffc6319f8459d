"""go mod tidy and go mod why in-process, against the real go on 217 generated worlds.

The worlds (tests/tidy_worlds.py: real Go source, build tags, tests, replaces, excludes, nested
modules, queries, go 1.14-1.25 lines…) are seeded and built on demand; go's runs on them are
recorded once per session (tests/tidy_oracle.py) and every way of asking gomodlab is compared
with them (tests/tidy_harness.py): the ``tidy()`` API and the ``gomodlab tidy`` command line,
each reading the file:// proxy and the module cache go filled, ``--diff``, ``--write``, ``-e``,
``--go``, ``--compat``, and ``gomodlab why-pkg`` against ``go mod why [-m] [-vendor]``.

``test_go_tidies_world`` checks the recordings themselves (they run now, with or without the
implementation): go refuses the worlds built to fail, a second run agrees with the first on every
sixth world, and ``-diff`` agrees with what tidy wrote.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from gomodlab.lab import universe

from . import tidy_harness as harness
from . import tidy_oracle, tidy_worlds

pytestmark = pytest.mark.go

WORLDS = tidy_worlds.worlds()
BY_GROUP: dict[int, list[tidy_worlds.World]] = defaultdict(list)
for _w in WORLDS:
    BY_GROUP[_w.group].append(_w)
#: A second go run (determinism of go and of the normalised stderr) on every RECHECK_EVERY-th world.
RECHECK_EVERY = 6
#: go mod why -vendor on every VENDOR_EVERY-th world (go mod why PKGS and -m run on all).
VENDOR_EVERY = 3
#: The worlds as parameters; under ``--dist loadgroup`` a group's tests share one worker (one
#: recording of each world), plain ``-n`` may record a world on both workers.
PARAMS = [pytest.param(w, id=w.name, marks=pytest.mark.xdist_group(f"tidy-g{w.group:02d}")) for w in WORLDS]


@pytest.fixture(scope="session")
def tidy_lab(tmp_path_factory: pytest.TempPathFactory, go_exe: str) -> tidy_oracle.Lab:
    return tidy_oracle.Lab(tmp_path_factory.mktemp("tidy-worlds"))


def record(lab: tidy_oracle.Lab, world: tidy_worlds.World) -> tidy_oracle.Record:
    members = BY_GROUP[world.group]
    group = lab.group(f"g{world.group:02d}",
                      lambda d: universe.write_proxy(d, [m for w in members for m in w.modules]))
    return lab.record(world, group, recheck=world.index % RECHECK_EVERY == 0,
                      why_vendor=world.index % VENDOR_EVERY == 0)


# ---------------------------------------------------------------------------------------------
# The generator and go's recordings

def test_generator_is_seeded_and_covers_every_feature() -> None:
    again = tidy_worlds.worlds()
    assert [(w.main_files, [(m.path, m.version, m.gomod, dict(m.files)) for m in w.modules]) for w in again] == \
        [(w.main_files, [(m.path, m.version, m.gomod, dict(m.files)) for m in w.modules]) for w in WORLDS]
    assert len(WORLDS) >= 200
    primary = Counter(w.feature for w in WORLDS)
    assert set(primary) == set(tidy_worlds.FEATURES) and min(primary.values()) >= 7
    drawn = Counter(f for w in WORLDS for f in w.features)
    assert all(drawn[f] >= 10 for f in tidy_worlds.EXTRAS), drawn
    # Worlds of a group share a proxy and a cache: their module paths must not meet.
    for members in BY_GROUP.values():
        owners: dict[str, str] = {}
        for w in members:
            for m in w.modules:
                assert owners.setdefault(m.path, w.name) == w.name, m.path
                assert m.path.startswith(f"example.com/w{w.index:03d}"), m.path


@pytest.mark.parametrize("world", PARAMS)
def test_go_tidies_world(tidy_lab: tidy_oracle.Lab, world: tidy_worlds.World) -> None:
    rec = record(tidy_lab, world)
    tidy = rec.tidy
    assert tidy.returncode in (0, 1) or rec.crashed, tidy.stderr
    if world.must_fail:
        assert tidy.returncode == 1, f"{world.name} was built for go to refuse it"
    if rec.again is not None:
        if rec.crashed:
            assert rec.again.returncode == 2
        else:
            assert (rec.again.returncode, rec.again.files(), rec.again.stderr) == \
                (tidy.returncode, tidy.files(), tidy.stderr), "go mod tidy run twice disagrees"
    original = ((rec.pristine / "go.mod").read_bytes(),
                (rec.pristine / "go.sum").read_bytes() if (rec.pristine / "go.sum").exists() else None)
    if rec.ok:
        changed = tidy.files() != original
        assert rec.diff.returncode == int(changed) and bool(rec.diff.stdout) == changed, rec.diff.stderr
        assert set(rec.why) >= {"pkgs", "-m"}
        for run in rec.why.values():
            assert run.returncode == 0 and run.stdout.startswith("# "), run.stderr
    elif not rec.crashed:
        assert rec.diff.returncode == 1 and rec.diff.stderr == tidy.stderr
        assert tidy.files() == original, "a failing go mod tidy writes nothing"


def test_most_worlds_tidy(tidy_lab: tidy_oracle.Lab) -> None:
    """The generator builds worlds go accepts, mostly (a sample: every tenth world)."""
    sample = [w for w in WORLDS[::10] if not w.must_fail]
    accepted = sum(record(tidy_lab, w).ok for w in sample)
    assert accepted >= 0.75 * len(sample), f"{accepted} of {len(sample)}"


# ---------------------------------------------------------------------------------------------
# gomodlab against the recordings (skipped until gomodlab.load.modtidy exists)

@pytest.mark.parametrize("mode", ["proxy", "modcache"])
@pytest.mark.parametrize("world", PARAMS)
def test_tidy_api(tidy_lab, world, mode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness.modtidy()
    harness.check_api(tidy_lab, record(tidy_lab, world), mode, tmp_path, monkeypatch)


@pytest.mark.parametrize("mode", ["proxy", "modcache"])
@pytest.mark.parametrize("world", PARAMS)
def test_tidy_cli(tidy_lab, world, mode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness.modtidy()
    harness.check_cli(tidy_lab, record(tidy_lab, world), mode, tmp_path, monkeypatch)


@pytest.mark.parametrize("world", PARAMS)
def test_tidy_cli_diff(tidy_lab, world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness.modtidy()
    harness.check_cli_diff(tidy_lab, record(tidy_lab, world), tmp_path, monkeypatch)


@pytest.mark.parametrize("world", PARAMS)
def test_tidy_cli_write(tidy_lab, world, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness.modtidy()
    harness.check_cli_write(tidy_lab, record(tidy_lab, world), tmp_path, monkeypatch)


@harness.WHY_PKG_PENDING
@pytest.mark.parametrize("which", list(tidy_oracle.WHY_RUNS))
@pytest.mark.parametrize("world", PARAMS)
def test_why_pkg(tidy_lab, world, which, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness.modtidy()
    harness.check_why(tidy_lab, record(tidy_lab, world), which, tmp_path, monkeypatch)
