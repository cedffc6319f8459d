"""Workspace vendoring against the real go: ``go work vendor`` on a two-module workspace (a go.work
replacement, a directory replacement in one module's go.mod), then edits that make
``go build -mod=vendor`` report inconsistent vendoring; ``gomodlab vendor-check`` must print the
same report (go work vendor's wording: "in go.work", "in a go.mod", "in the workspace").
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gomodlab.lab import universe
from gomodlab.load import gotool

from .test_vendor_go import MODULES
from .clirun import run_cli

pytestmark = pytest.mark.go

FILES = {
    "go.work": "go 1.22\n\nuse (\n\t./m1\n\t./m2\n)\n\nreplace example.com/vb => example.com/vb v1.1.0\n",
    "m1/go.mod": "module example.com/w1\n\ngo 1.22\n\nrequire example.com/va v1.0.0\n\nreplace example.com/vc => ../loc\n",
    "m1/m1.go": 'package m1\n\nimport _ "example.com/va"\n',
    "m2/go.mod": "module example.com/w2\n\ngo 1.22\n\nrequire example.com/vc v1.0.0\n",
    "m2/m2.go": 'package m2\n\nimport _ "example.com/vc/sub"\n',
    "loc/go.mod": "module example.com/vc\n\ngo 1.20\n",
    "loc/sub/sub.go": "package sub\n",
    "loc2/go.mod": "module example.com/vc\n\ngo 1.20\n",
    "loc2/sub/sub.go": "package sub\n",
}

CASES: dict[str, tuple[list[tuple[str, str, str]], str]] = {
    "consistent": ([], ""),
    "go.work replace changed": ([("go.work", "vb v1.1.0", "vb v1.0.0")], ""),
    "go.work replace removed": ([("go.work", "replace example.com/vb => example.com/vb v1.1.0\n", "")], ""),
    "module directory replace changed": ([("m1/go.mod", "../loc\n", "../loc2\n")], ""),
    "require removed": ([("m1/go.mod", "require example.com/va v1.0.0\n", "")], ""),
    "require added": ([("m2/go.mod", "example.com/vc v1.0.0\n", "example.com/vc v1.0.0\n\nrequire example.com/vz v1.0.0\n")], ""),
    "GOWORK=off: the module alone": ([], "off"),
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, go_exe: str) -> tuple[Path, str, Path]:
    root = tmp_path_factory.mktemp("workvendor")
    url = universe.file_proxy_url(universe.write_proxy(root / "proxy", MODULES))
    base = root / "base"
    for name, text in FILES.items():
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        (base / name).write_text(text)
    env = gotool.isolated_env(root / "goenv", proxy=url, GOWORK="off")
    for m in ("m1", "m2"):
        gotool.run_go(["mod", "tidy"], cwd=base / m, env=env).check()
    gotool.run_go(["work", "vendor"], cwd=base, env={**env, "GOWORK": ""}).check()
    assert (base / "vendor" / "modules.txt").read_text().startswith("## workspace\n")
    return root, url, base


@pytest.mark.parametrize("name", list(CASES))
def test_workspace_vendor_case_matches_go(workspace, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root, url, base = workspace
    edits, gowork = CASES[name]
    d = root / "cases" / name.replace(" ", "_").replace(":", "").replace("=", "")
    shutil.copytree(base, d)
    for file, old, new in edits:
        text = (d / file).read_text()
        assert old in text
        (d / file).write_text(text.replace(old, new, 1))
    run_in = d / "m1" if gowork == "off" else d
    env = gotool.isolated_env(root / "goenv", proxy=url, GOWORK=gowork)
    built = gotool.run_go(["build", "-mod=vendor", "./..."] if gowork else
                          ["build", "-mod=vendor", "./m1/...", "./m2/..."], cwd=run_in, env=env)
    for k in ("GOFLAGS", "GOTOOLCHAIN", "GOWORK", "GOENV"):
        monkeypatch.setenv(k, env.get(k, ""))
    rc, out, err = run_cli("vendor-check", str(run_in))
    assert (built.returncode == 0) == (name == "consistent"), built.stderr
    if built.returncode:
        assert "inconsistent vendoring" in built.stderr
        assert (rc, out, err) == (1, "", built.stderr)
    else:
        assert rc == 0 and "consistent with go.work" in out, err
