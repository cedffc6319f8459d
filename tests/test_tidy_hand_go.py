"""go mod tidy and go mod why in-process, against the real go on hand-written cases: every message.

Each case is a txtar archive in tests/data/tidy/hand/ (its README says how to read one): the main
module's files, the module versions its proxy serves (``proxy/<path>@<version>/<file>``), and in
the archive's comment what go must do — ``rc:`` its exit status, ``stderr:`` text its stderr
contains (proving the case reaches the message it is about), ``tidy:`` flags, ``env:`` variables,
``why:`` / ``why-m:`` arguments of ``go mod why`` (run as is and with ``-vendor``), ``why-out:``
text the output contains. One case per error the loader and tidy can produce, and the quirks of
build constraints and go's import reader; every case then goes through the same comparisons as
the generated worlds (tests/tidy_harness.py), skipped until gomodlab.load.modtidy exists.

Messages with no case, and why: "no required module provides package" cannot come out of tidy or
go mod why, which load with -mod=mod whatever GOFLAGS says (case ``no-required-module-provides``
pins the text go prints instead); "missing go.sum entry" cannot either, tidy adds what go.sum lacks
(``untidy-gosum``); workspace mode is not tidy's (go mod tidy ignores go.work's other modules).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gomodlab.lab import universe
from gomodlab.lab.universe import ModuleSource
from gomodlab.mod import txtar

from . import tidy_harness as harness
from . import tidy_oracle
from .conftest import REAL_WORLD_DATA

pytestmark = pytest.mark.go

CASES_DIR = REAL_WORLD_DATA / "tidy" / "hand"


@dataclass
class Case:
    """One hand-written case, read from its archive."""

    name: str
    description: str
    main_files: dict[str, bytes]
    modules: list[ModuleSource]
    tidy_args: tuple[str, ...] = ()
    go_env: dict[str, str] = field(default_factory=dict)
    rc: int = 0
    stderr: list[str] = field(default_factory=list)
    why_packages: tuple[str, ...] = ()
    why_modules: tuple[str, ...] = ()
    why_out: list[str] = field(default_factory=list)

    def write_main(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        for rel, data in self.main_files.items():
            p = directory / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        return directory


def read_case(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    comment = text[:text.find("\n-- ") + 1] if "\n-- " in text else text
    case = Case(path.stem, "", {}, [])
    words: list[str] = []
    for line in comment.splitlines():
        key, sep, value = line.partition(": ")
        if not sep or key not in ("rc", "stderr", "tidy", "env", "why", "why-m", "why-out"):
            words.append(line)
        elif key == "rc":
            case.rc = int(value)
        elif key == "stderr":
            case.stderr.append(value)
        elif key == "tidy":
            case.tidy_args = tuple(value.split())
        elif key == "env":
            k, _, v = value.partition("=")
            case.go_env[k] = v
        elif key == "why":
            case.why_packages = tuple(shlex.split(value))
        elif key == "why-m":
            case.why_modules = tuple(shlex.split(value))
        else:
            case.why_out.append(value)
    case.description = " ".join(words)
    versions: dict[tuple[str, str], dict[str, bytes]] = {}
    for name, data in txtar.parse(text).files:
        raw = data.encode("utf-8")
        if name.startswith("proxy/"):
            mv, _, rel = name[len("proxy/"):].partition("/")
            while "@" not in mv:   # the module path itself has slashes: walk to the @version element
                more, _, rel = rel.partition("/")
                mv += "/" + more
            modpath, _, version = mv.partition("@")
            versions.setdefault((modpath, version), {})[rel] = raw
        else:
            case.main_files[name] = raw
    for (modpath, version), files in versions.items():
        gomod = files.pop("go.mod", None)
        case.modules.append(ModuleSource(modpath, version, gomod, files))
    return case


CASES = [read_case(p) for p in sorted(CASES_DIR.glob("*.txt"))]
#: Under ``--dist loadgroup`` each case's tests share one worker (one recording).
PARAMS = [pytest.param(x, id=x.name, marks=pytest.mark.xdist_group(f"tidy-{x.name}")) for x in CASES]


@pytest.fixture(scope="session")
def hand_lab(tmp_path_factory: pytest.TempPathFactory, go_exe: str) -> tidy_oracle.Lab:
    return tidy_oracle.Lab(tmp_path_factory.mktemp("tidy-hand"))


def record(lab: tidy_oracle.Lab, case: Case) -> tidy_oracle.Record:
    group = lab.group(case.name, lambda d: universe.write_proxy(d, case.modules))
    return lab.record(case, group)


def test_every_case_is_read() -> None:
    assert len(CASES) >= 60
    for c in CASES:
        assert c.description and "go.mod" in c.main_files, c.name
        assert c.rc == 0 or c.stderr, f"{c.name}: a failing case names the message it is about"


@pytest.mark.parametrize("case", PARAMS)
def test_go_does_what_the_case_says(hand_lab: tidy_oracle.Lab, case: Case) -> None:
    rec = record(hand_lab, case)
    assert rec.tidy.returncode == case.rc, rec.tidy.stderr
    for text in case.stderr:
        assert text in rec.tidy.stderr, rec.tidy.stderr
    if rec.ok:
        assert set(rec.why) == {"pkgs", "-m", "-vendor"} & {
            *(["pkgs", "-vendor"] if case.why_packages else []), *(["-m"] if case.why_modules else [])}
        out = "".join(r.stdout for r in rec.why.values())
        for text in case.why_out:
            assert text in out, out


@pytest.mark.parametrize("mode", ["proxy", "modcache"])
@pytest.mark.parametrize("case", PARAMS)
def test_tidy_api(hand_lab, case, mode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness.modtidy()
    harness.check_api(hand_lab, record(hand_lab, case), mode, tmp_path, monkeypatch)


@pytest.mark.parametrize("mode", ["proxy", "modcache"])
@pytest.mark.parametrize("case", PARAMS)
def test_tidy_cli(hand_lab, case, mode, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness.modtidy()
    harness.check_cli(hand_lab, record(hand_lab, case), mode, tmp_path, monkeypatch)


@pytest.mark.parametrize("case", PARAMS)
def test_tidy_cli_diff(hand_lab, case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness.modtidy()
    harness.check_cli_diff(hand_lab, record(hand_lab, case), tmp_path, monkeypatch)


@pytest.mark.parametrize("case", PARAMS)
def test_tidy_cli_write(hand_lab, case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness.modtidy()
    harness.check_cli_write(hand_lab, record(hand_lab, case), tmp_path, monkeypatch)


@harness.WHY_PKG_PENDING
@pytest.mark.parametrize("which", list(tidy_oracle.WHY_RUNS))
@pytest.mark.parametrize("case", [p for p in PARAMS if p.values[0].why_packages or p.values[0].why_modules])
def test_why_pkg(hand_lab, case, which, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    harness.modtidy()
    harness.check_why(hand_lab, record(hand_lab, case), which, tmp_path, monkeypatch)
