"""``gomodlab hash PATH [--module M@V]`` against what the go command recorded for the same files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gomodlab.mod import dirhash
from gomodlab.load import gotool
from gomodlab.lab import universe
from gomodlab.cli import main
from gomodlab.lab.universe import ModuleSource, gomod_text

from . import gojson

REPO = Path(__file__).resolve().parent.parent
MODULES = [
    ModuleSource("example.com/MixedCase/Cli", "v1.0.0-RC1", gomod_text("example.com/MixedCase/Cli", "1.21"),
                 {"cli.go": "package cli\n", "sub/ünï.go": "package sub\n"}),
    ModuleSource("example.com/NoGoMod", "v1.2.3", None, {"n.go": "package nogomod\n"}),
]


@pytest.fixture(scope="module")
def downloaded(tmp_path_factory, go_exe) -> list[dict]:
    """``go mod download -json`` records for MODULES, in an isolated cache."""
    base = tmp_path_factory.mktemp("hashcli")
    proxy = universe.write_proxy(base / "proxy", MODULES)
    env = gotool.isolated_env(base / "env", proxy=universe.file_proxy_url(proxy))
    res = gotool.run_go(["mod", "download", "-json", *(f"{m.path}@{m.version}" for m in MODULES)],
                        cwd=base, env=env).check()
    records = gojson.objects(res.stdout)  # one JSON object per module, back to back
    assert [(r["Path"], r["Version"]) for r in records] == [(m.path, m.version) for m in MODULES]
    yield records
    gotool.run_go(["clean", "-modcache"], cwd=base, env=env)


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.go
@pytest.mark.parametrize("i", range(len(MODULES)), ids=[m.path for m in MODULES])
def test_hash_of_cache_files_is_gos(capsys, downloaded, i):
    rec = downloaded[i]
    assert _run(capsys, "hash", rec["Zip"]) == (0, rec["Sum"] + "\n", "")
    # The prefix comes from the escaped cache path: example.com/!mixed!case/!cli@v1.0.0-!r!c1.
    assert "!" in rec["Dir"]
    assert _run(capsys, "hash", rec["Dir"]) == (0, rec["Sum"] + "\n", "")
    assert _run(capsys, "hash", rec["Dir"] + "/") == (0, rec["Sum"] + "\n", "")
    assert _run(capsys, "hash", rec["Dir"], "--module", f"{rec['Path']}@{rec['Version']}") == \
        (0, rec["Sum"] + "\n", "")
    assert _run(capsys, "hash", rec["GoMod"]) == (0, rec["GoModSum"] + "\n", "")
    gomod = Path(rec["Dir"]) / "go.mod"
    if gomod.exists():
        assert _run(capsys, "hash", str(gomod)) == (0, rec["GoModSum"] + "\n", "")


@pytest.mark.go
def test_directory_outside_a_cache(capsys, downloaded, tmp_path):
    d = tmp_path / "vendored-copy"
    d.mkdir()
    (d / "cli.go").write_text("package cli\n")
    code, out, err = _run(capsys, "hash", str(d))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "not inside a module cache" in err and "--module MODULE@VERSION" in err
    code, out, err = _run(capsys, "hash", str(d), "--module", "example.com/MixedCase/Cli@v1.0.0")
    assert (code, err) == (0, "")
    assert out == dirhash.hash_dir(d, "example.com/MixedCase/Cli@v1.0.0") + "\n"


@pytest.mark.go
def test_clear_errors(capsys, downloaded, tmp_path):
    rec = downloaded[0]
    bad_zip = tmp_path / "bad.zip"
    bad_zip.write_bytes(b"not a zip")
    cases = [
        (["hash", str(Path(rec["Dir"]) / "sub")], "not the top directory of an extracted module"),
        (["hash", str(Path(rec["Zip"]).parent)], "not the top directory of an extracted module"),
        (["hash", str(tmp_path / "missing")], "no such file or directory"),
        (["hash", rec["Zip"], "--module", "example.com/x@v1.0.0"], "--module applies to a directory only"),
        (["hash", str(bad_zip)], "zip: not a valid zip file"),
    ]
    for args, needle in cases:
        code, out, err = _run(capsys, *args)
        assert (code, out) == (2, ""), args
        assert err.startswith("gomodlab hash: ") and needle in err and err.count("\n") == 1, (args, err)


@pytest.mark.go
def test_real_process_exit_codes(downloaded, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    rec = downloaded[1]
    ok = subprocess.run([sys.executable, "-m", "gomodlab", "hash", rec["Dir"]], env=env, capture_output=True,
                        text=True)
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, rec["Sum"] + "\n", "")
    bad = subprocess.run([sys.executable, "-m", "gomodlab", "hash", str(tmp_path)], env=env, capture_output=True,
                         text=True)
    assert bad.returncode == 2 and bad.stdout == "" and "Traceback" not in bad.stderr
