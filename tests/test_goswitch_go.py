"""go's switches against the real go: GOFLAGS (-mod, -modfile, its parsing), the --modfile
option, GO111MODULE — for ``buildlist`` (go list -m all), ``modgraph`` (go mod graph) and ``why``
(go mod why -m), each as the go command honours them, and go's exact errors for bad values.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gomodlab.lab import universe
from gomodlab.lab.universe import ModuleSource, gomod_text
from gomodlab.load import gotool
from gomodlab.load.goswitch import GoExit, split_goflags, switches
from gomodlab.mod import dirhash

from .clirun import run_cli

pytestmark = pytest.mark.go

MODULES = [
    ModuleSource("example.com/w/a", "v1.0.0", gomod_text("example.com/w/a", "1.21", [("example.com/w/b", "v1.0.0")])),
    ModuleSource("example.com/w/a", "v1.1.0", gomod_text("example.com/w/a", "1.21", [("example.com/w/b", "v1.1.0")])),
    ModuleSource("example.com/w/b", "v1.0.0", gomod_text("example.com/w/b", "1.21")),
    ModuleSource("example.com/w/b", "v1.1.0", gomod_text("example.com/w/b", "1.21")),
]

TIDY = gomod_text("example.com/w/m", "1.21", [("example.com/w/a", "v1.0.0")]) + \
    "\nrequire example.com/w/b v1.0.0 // indirect\n"
UNTIDY = gomod_text("example.com/w/m", "1.21", [("example.com/w/a", "v1.1.0"), ("example.com/w/b", "v1.0.0")])
ALT = gomod_text("example.com/w/m", "1.21", [("example.com/w/a", "v1.1.0")]) + \
    "\nrequire example.com/w/b v1.1.0 // indirect\n"

# name: (go.mod, GOFLAGS, GO111MODULE, subdirectory to run in, --modfile / go's -modfile flag)
CASES: dict[str, tuple[str, str, str, str, str | None]] = {
    "defaults": (TIDY, "", "", "", None),
    "-mod=foo": (TIDY, "-mod=foo", "", "", None),
    "-mod without a value": (TIDY, "-mod", "", "", None),
    "-modfile without a value": (TIDY, "-modfile", "", "", None),
    "-modfile not .mod": (TIDY, "-modfile=x.txt", "", "", None),
    "-modfile missing": (TIDY, "-modfile=nope.mod", "", "", None),
    "-modfile": (TIDY, "-modfile=alt.mod", "", "", None),
    "-modfile from a subdirectory": (TIDY, "-modfile=../alt.mod", "", "sub", None),
    "--modfile option": (TIDY, "", "", "", "alt.mod"),
    "--modfile overrides GOFLAGS": (TIDY, "-modfile=nope.mod", "", "", "alt.mod"),
    "non-flag": (TIDY, "mod=mod", "", "", None),
    "unterminated quote": (TIDY, "'-mod=mod", "", "", None),
    "quoted and double dash": (TIDY, "'--mod=mod' \"-tags=a b\" -ldflags=-w", "", "", None),
    "last -mod wins": (TIDY, "-mod=vendor -mod=mod", "", "", None),
    "-mod= empty": (TIDY, "-mod=", "", "", None),
    "-mod=readonly, tidy": (TIDY, "-mod=readonly", "", "", None),
    "-mod=readonly, untidy": (UNTIDY, "-mod=readonly", "", "", None),
    "-mod=mod, untidy": (UNTIDY, "-mod=mod", "", "", None),
    "-mod=vendor, no vendor directory": (TIDY, "-mod=vendor", "", "", None),
    "GO111MODULE=off": (TIDY, "", "off", "", None),
    "GO111MODULE=auto": (TIDY, "", "auto", "", None),
    "GO111MODULE=on": (TIDY, "", "on", "", None),
    "GO111MODULE=bad": (TIDY, "", "bad", "", None),
    "GO111MODULE=auto outside a module": ("", "", "auto", "", None),
}

COMMANDS = {"buildlist": ["list", "-m", "all"], "modgraph": ["mod", "graph"],
            "why": ["mod", "why", "-m", "example.com/w/b"]}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, go_exe: str) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("goswitch")
    url = universe.file_proxy_url(universe.write_proxy(root / "proxy", MODULES))
    return root, url


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_switch_matches_go(world, name: str, command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    root, url = world
    gomod, goflags, g111, sub, modfile = CASES[name]
    d = root / command / name.replace(" ", "_").replace("=", "").replace(",", "")
    (d / "sub").mkdir(parents=True)
    if gomod:
        (d / "go.mod").write_text(gomod)
        (d / "alt.mod").write_text(ALT)
    run_in = d / sub
    env = gotool.isolated_env(root / "goenv", proxy=url, flags=goflags, GO111MODULE=g111)
    if gomod:   # go.sum and alt.sum with every hash: go.sum checks are not this test's subject
        gosum = "".join(f"{m.path} {m.version} {dirhash.hash_bytes({})}\n"
                        f"{m.path} {m.version}/go.mod {dirhash.hash_gomod(m.gomod_bytes())}\n" for m in MODULES)
        (d / "go.sum").write_text(gosum)
        (d / "alt.sum").write_text(gosum)
    args = COMMANDS[command]
    go_args = [*args[:-1], f"-modfile={modfile}", args[-1]] if modfile and command != "modgraph" else \
        [*args, f"-modfile={modfile}"] if modfile else args
    ours_args = [command, *(["example.com/w/b"] if command == "why" else []), str(run_in), "--proxy", url,
                 *(["--modfile", modfile] if modfile else [])]
    for k in ("GOFLAGS", "GO111MODULE", "GOTOOLCHAIN", "GOENV"):
        monkeypatch.setenv(k, env[k])
    monkeypatch.setenv("GOMODLAB_CACHE", "off")
    rc, out, err = run_cli(*ours_args)   # before go: go list -mod=mod may rewrite go.mod
    res = gotool.run_go(go_args, cwd=run_in, env=env)
    if res.returncode == 0:
        assert rc == 0, err
        if command != "why":   # why prints gomodlab's own report of the same paths
            assert out == res.stdout
        return
    if name == "GO111MODULE=auto outside a module" and command != "buildlist":
        # No main module: gomodlab's own usage error (exit 2), naming the directory.
        assert rc == 2 and "go.mod file not found" in err and "go.mod file not found" in res.stderr
        return
    assert rc == res.returncode and out == "", (res.stderr, err)
    assert err == res.stderr


def test_split_goflags_is_quoted_split() -> None:
    assert split_goflags(" -a  '-b=c d'\t\"-e='f'\"\n-g ") == ["-a", "-b=c d", "-e='f'", "-g"]
    assert split_goflags("-a=x'y") == ["-a=x'y"]   # quotes inside a field do not count
    with pytest.raises(GoExit, match='unterminated " string'):
        split_goflags('-a "b')


def test_switches_explicit_arguments_win_over_goflags() -> None:
    env = {"GOFLAGS": "-mod=vendor -modfile=a.mod -tags=x"}
    sw = switches("list", environ=env)
    assert (sw.mod, sw.modfile) == ("vendor", "a.mod")
    assert switches("list", mod="mod", modfile="b.mod", environ=env).gosum_path("/r") == "b.sum"
    assert switches("mod graph", environ=env).mod == ""   # go mod graph takes no -mod
    assert switches("list", environ={}).gomod_path("/r") == "/r/go.mod"


def test_goflags_sets_go_mod_whys_boolean_flags() -> None:
    assert switches("mod why", environ={"GOFLAGS": "-m --vendor=t -vendor=0"}).flags == {"m"}
    assert switches("mod why", environ={"GOFLAGS": "-m=TRUE -m=f"}).flags == frozenset()
    assert switches("list", environ={"GOFLAGS": "-m -vendor"}).flags == frozenset()   # not go list's flags
    with pytest.raises(GoExit) as e:
        switches("mod why", environ={"GOFLAGS": "-vendor=yes"})
    assert e.value.code == 2 and e.value.text.startswith(
        'go: invalid boolean value "yes" for flag -vendor (from $GOFLAGS): parse error\nusage: go mod why ')
