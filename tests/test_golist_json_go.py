"""``gomodlab buildlist --format go-json`` against ``go list -m -json all``, byte for byte.

Generated universes (tests/mvs_universes.py: replacements by version, any version and directory,
excludes, indirect requirements, go lines, /vN majors, mixed case) in three shapes of the
module cache and go.sum:

- ``lean``: GOFLAGS=-mod=mod, no go.sum, a module cache holding only what go list fetched
  (.info and .mod: no Dir, no Sum);
- ``full``: -mod=readonly, every module extracted (``go mod download``) and a go.sum
  with every hash (Dir, Sum, GoModSum everywhere);
- ``partial``: -mod=readonly with a third of the go.sum lines gone (go leaves out what go.sum
  does not vouch for). go refuses some of these outright (a go.mod read without its hash);
  those are left to the go.sum checks.

Under -mod=readonly go also refuses every universe whose go.mod is not what go would write
("updates to go.mod needed"): gomodlab must refuse the same ones, with go's message.

Plus hand cases: -modfile (GoMod as given, its own .sum), a main module without a go line,
a .info time with nanoseconds and an offset, and Go's JSON escaping.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from gomodlab.lab import universe
from gomodlab.lab.universe import ModuleSource, gomod_text
from gomodlab.load import gotool
from gomodlab.mod import dirhash, modpath
from gomodlab.mod.gojson import format_time, marshal_indent, quote

from . import gojson, mvs_universes
from .clirun import run_cli

pytestmark = pytest.mark.go

SEED = int(os.environ.get("GOMODLAB_GOJSON_SEED", "20261204"))
COUNT = 30


@dataclass
class Shape:
    name: str
    flags: str
    modcache: Path
    env: dict[str, str]


def _gosum(proxy: Path, u: mvs_universes.Universe) -> list[str]:
    lines = []
    for m in u.modules:
        d = proxy / modpath.escape_path(m.path) / "@v"
        v = modpath.escape_version(m.version)
        lines.append(f"{m.path} {m.version} {dirhash.hash_zip(d / f'{v}.zip')}\n")
        lines.append(f"{m.path} {m.version}/go.mod {dirhash.hash_gomod((d / f'{v}.mod').read_bytes())}\n")
    return sorted(lines)


def _write(u: mvs_universes.Universe, d: Path, gosum: list[str] | None, gomod: str | None = None) -> None:
    u.write_main(d)
    if gomod is not None:
        (d / "go.mod").write_text(gomod)
    if gosum is None:
        (d / "go.sum").unlink(missing_ok=True)
    else:
        (d / "go.sum").write_text("".join(gosum))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, go_exe: str):
    root = tmp_path_factory.mktemp("gojson")
    us = [mvs_universes.generate(SEED, i) for i in range(COUNT)]
    proxy = universe.write_proxy(root / "proxy", [m for u in us for m in u.modules])
    url = universe.file_proxy_url(proxy)
    shapes = []
    for name, flags in (("lean", "-mod=mod"), ("full", "-mod=readonly"), ("partial", "-mod=readonly")):
        env = gotool.isolated_env(root / f"goenv-{name}", proxy=url, flags=flags)
        shapes.append(Shape(name, flags, Path(env["GOMODCACHE"]), env))
    runs: dict[tuple[str, str], tuple[object, list[str] | None]] = {}
    for u in us:
        full_sum = _gosum(proxy, u)
        for sh in shapes:
            d = root / sh.name / u.name
            gosum = None if sh.name == "lean" else full_sum if sh.name == "full" else full_sum[::3] + full_sum[1::3]
            gomod = None
            if sh.name != "lean":
                _write(u, d, gosum)
                mod_env = {**sh.env, "GOFLAGS": "-mod=mod"}
                if sh.name == "full":
                    gotool.run_go(["mod", "download", "all"], cwd=d, env=mod_env)
                if int(u.name.rpartition("u")[2]) % 3:
                    # Most as go itself writes them (-mod=mod), which readonly then accepts.
                    gotool.run_go(["list", "-m", "all"], cwd=d, env=mod_env)
                    gomod = (d / "go.mod").read_text()
            _write(u, d, gosum, gomod)
            res = gotool.run_go(["list", "-m", "-json", "all"], cwd=d, env=sh.env)
            _write(u, d, gosum, gomod)  # -mod=mod may have rewritten go.mod and go.sum: back to what go read
            runs[(sh.name, u.name)] = (res, gosum)
    return root, url, us, shapes, runs


@pytest.mark.parametrize("shape", ["lean", "full", "partial"])
def test_go_json_matches_go_list_json(world, shape: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root, url, us, shapes, runs = world
    sh = next(s for s in shapes if s.name == shape)
    monkeypatch.setenv("GOFLAGS", sh.flags)
    monkeypatch.setenv("GOMODLAB_CACHE", "off")
    compared = refused = 0
    features = set()
    for u in us:
        res, _ = runs[(shape, u.name)]
        d = root / shape / u.name
        rc, out, err = run_cli("buildlist", str(d), "--modcache", str(sh.modcache), "--format", "go-json")
        if res.returncode != 0:
            assert shape != "lean", f"{u.name}: {res.stderr}"
            refused += 1
            if "missing go.sum entry" in res.stderr:
                assert shape == "partial", res.stderr  # go.sum verification: not this test's subject
                continue
            # go's refusal under -mod=readonly: the go.mod is not what go would write.
            assert (rc, out) == (1, "") and err.endswith(res.stderr.splitlines(True)[-2] + "\tgo mod tidy\n"), \
                f"{u.name}\n{u.main_gomod}\n{res.stderr}\n{err}"
            continue
        assert rc == 0, err
        assert out == res.stdout, f"{shape} {u.name}\n{u.main_gomod}"
        compared += 1
        for o in gojson.objects(out):
            features.update(k for k in o if k != "Replace")
            if "Replace" in o:
                features.add("Replace" + ("Version" if "Version" in o["Replace"] else "Dir"))
    assert compared >= (COUNT if shape == "lean" else COUNT // 2 if shape == "full" else 5), (compared, refused)
    want = {"Main", "Indirect", "Time", "GoMod", "GoVersion", "ReplaceVersion", "ReplaceDir"}
    want |= {"Dir", "Sum", "GoModSum"} if shape == "full" else set()
    assert want <= features, want - features


# ---------------------------------------------------------------------------------------------
# Hand cases

HAND_MODULES = [
    ModuleSource("example.com/j/a", "v1.0.0", gomod_text("example.com/j/a", "1.18", [("example.com/j/b", "v1.0.0")]),
                 time=None),
    ModuleSource("example.com/j/b", "v1.0.0", gomod_text("example.com/j/b")),
]


@pytest.fixture(scope="module")
def hand(tmp_path_factory: pytest.TempPathFactory, go_exe: str):
    root = tmp_path_factory.mktemp("gojson-hand")
    proxy = universe.write_proxy(root / "proxy", HAND_MODULES)
    # A .info time with nanoseconds and an offset: go re-writes it as RFC3339Nano.
    info = proxy / "example.com" / "j" / "b" / "@v" / "v1.0.0.info"
    info.write_text('{"Version":"v1.0.0","Time":"2023-05-06T07:08:09.123400000+02:00"}')
    url = universe.file_proxy_url(proxy)
    return root, url, gotool.isolated_env(root / "goenv", proxy=url)


@pytest.mark.parametrize("case", ["modfile", "no go line, -mod=mod", "no go line, readonly", "time and offset"])
def test_go_json_hand_cases(hand, case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root, url, env = hand
    d = root / case.replace(" ", "_").replace(",", "")
    d.mkdir()
    go_line = None if case.startswith("no go line") else "1.21"
    gomod = gomod_text("example.com/j/m", go_line, [("example.com/j/a", "v1.0.0")],
                       "replace example.com/j/b => ./b\n" if case == "modfile" else "")
    (d / "go.mod").write_text(gomod)
    (d / "b").mkdir()
    (d / "b" / "go.mod").write_text("module example.com/j/b\n\ngo 1.20\n")
    flags = {"modfile": "-mod=mod -modfile=alt.mod", "no go line, -mod=mod": "-mod=mod"}.get(case, "-mod=mod")
    if case == "modfile":
        (d / "alt.mod").write_text(gomod.replace("go 1.21", "go 1.22"))
    gotool.run_go(["mod", "download", "all"], cwd=d, env={**env, "GOFLAGS": flags}).check()
    if case == "no go line, readonly":
        # go.sum from go's own -mod=mod run, then the go.mod as it was: readonly reads a go.mod
        # without a go line as go 1.16.
        gotool.run_go(["list", "-m", "all"], cwd=d, env={**env, "GOFLAGS": "-mod=mod"}).check()
        (d / "go.mod").write_text(gomod)
        flags = "-mod=readonly"
    saved = {p.name: p.read_bytes() for p in d.iterdir() if p.is_file()}
    res = gotool.run_go(["list", "-m", "-json", "all"], cwd=d, env={**env, "GOFLAGS": flags})
    for name, data in saved.items():
        (d / name).write_bytes(data)
    monkeypatch.setenv("GOFLAGS", flags)
    monkeypatch.setenv("GOMODLAB_CACHE", "off")
    rc, out, err = run_cli("buildlist", str(d), "--modcache", env["GOMODCACHE"], "--format", "go-json")
    if res.returncode:
        assert (rc, err) == (1, res.stderr)
        return
    assert (rc, out) == (0, res.stdout), err
    if case == "modfile":
        assert '"GoMod": "alt.mod"' in out and '"GoVersion": "1.22"' in out
    if case == "time and offset":
        assert '"Time": "2023-05-06T07:08:09.1234+02:00"' in out


def test_go_json_string_escaping_and_layout() -> None:
    assert quote('a<b>&"\\\n\t\x01\u2028é') == '"a\\u003cb\\u003e\\u0026\\"\\\\\\n\\t\\u0001\\u2028é"'
    assert quote("bad\udcff") == '"bad\\ufffd"'
    assert marshal_indent({"A": {"B": True}, "C": [], "D": {}}) == \
        '{\n\t"A": {\n\t\t"B": true\n\t},\n\t"C": [],\n\t"D": {}\n}'
    assert format_time("2024-01-01T00:00:00Z") == "2024-01-01T00:00:00Z"
    assert format_time("2024-01-01T00:00:00.500+00:00") == "2024-01-01T00:00:00.5Z"
    with pytest.raises(ValueError):
        format_time("2024-13-01T00:00:00Z")


def test_go_json_refused_in_vendor_mode_and_with_graph_text(tmp_path: Path) -> None:
    d = tmp_path / "m"
    (d / "vendor").mkdir(parents=True)
    (d / "go.mod").write_text("module example.com/m\n\ngo 1.21\n")
    (d / "vendor" / "modules.txt").write_text("")
    rc, out, err = run_cli("buildlist", str(d), "--format", "go-json")
    assert (rc, out) == (1, "") and "can't compute 'all' using the vendor directory" in err
    shutil.rmtree(d / "vendor")
    (tmp_path / "g.txt").write_text("example.com/m go@1.21\n")
    rc, out, err = run_cli("buildlist", str(d), "--graph", str(tmp_path / "g.txt"), "--format", "go-json")
    assert rc == 2 and "--graph" in err
