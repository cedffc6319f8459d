"""Differential tests: version queries in the main go.mod (``v1.2``, ``latest``, ``>v1.1.0``, a commit
hash…) resolved by gomodlab as by the go command.

Worlds: the update universes (:mod:`tests.update_universes`) with queries put into the main
go.mod's require, exclude and replace lines (``with_queries``), ``GOMODLAB_QUERY_UNIVERSES`` of
them (default 40), plus hand cases. go runs ``go list -m all`` with GOFLAGS=-mod=mod, which
resolves the queries and rewrites go.mod; gomodlab must print the same build list, compute the same
rewritten go.mod byte for byte, and fail (with go's message) where go fails.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from gomodlab.cli import main as cli_main
from gomodlab.errors import GomodlabError
from gomodlab.lab import universe
from gomodlab.lab.universe import ModuleSource, gomod_text
from gomodlab.load import gotool
from gomodlab.load.gomod_queries import resolve_gomod_queries
from gomodlab.load.sources import ProxySource
from gomodlab.mod import modpath

from . import update_universes

SEED = int(os.environ.get("GOMODLAB_QUERY_SEED", "20261205"))
COUNT = int(os.environ.get("GOMODLAB_QUERY_UNIVERSES", "40"))

pytestmark = pytest.mark.go


def _write_revs(root: Path, modules: list[ModuleSource]) -> None:
    """A proxy answers a commit query with the pseudo-version's .info (as proxy.golang.org does)."""
    for m in modules:
        if m.version == update_universes.PSEUDO:
            d = root / modpath.escape_path(m.path) / "@v"
            (d / f"{update_universes.PSEUDO_REV}.info").write_text(
                json.dumps({"Version": m.version, "Time": "2023-01-01T00:00:00Z"}))


def _go(d: Path, env: dict[str, str]) -> tuple[int, str, str, bytes]:
    r = gotool.run_go(["list", "-m", "all"], cwd=d, env=env)
    return r.returncode, r.stdout, r.stderr, (d / "go.mod").read_bytes()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, go_exe: str):
    root = tmp_path_factory.mktemp("queries")
    us = [update_universes.with_queries(update_universes.generate(SEED, i), SEED) for i in range(COUNT)]
    mods = [m for u in us for m in u.modules]
    proxy = universe.write_proxy(root / "proxy", mods)
    _write_revs(proxy, mods)
    url = universe.file_proxy_url(proxy)
    env = gotool.isolated_env(root / "goenv", proxy=url, flags="-mod=mod")
    with ThreadPoolExecutor(max_workers=2) as pool:
        go = dict(zip([u.name for u in us], pool.map(lambda u: _go(u.write_main(root / u.name / "go"), env), us)))
    for u in us:
        u.write_main(root / u.name / "ours")
    return root, url, us, go


def test_worlds_have_queries(world) -> None:
    _, _, us, go = world
    queried = [u for u in us if any(q in u.main_gomod for q in (" latest", " v1\n", " >", " <", "+meta", " upgrade"))]
    assert len(queried) >= COUNT // 2
    assert sum(rc == 0 for rc, *_ in go.values()) >= COUNT // 2
    assert any(update_universes.PSEUDO_REV in u.main_gomod for u in us)


def test_resolution_matches_go(world) -> None:
    root, url, us, go = world
    mismatches = []
    for u in us:
        rc, listed, err, gomod_after = go[u.name]
        try:
            rw = resolve_gomod_queries(root / u.name / "ours", ProxySource(url))
            ours_list = "".join(line + "\n" for line in rw.graph.list_lines())
            ours_err = None
        except GomodlabError as e:
            ours_err = str(e)
        if rc != 0:
            # go's message without its "go: errors parsing go.mod:\n" header and with the short path
            go_msg = err.strip().splitlines()[-1]
            ok = ours_err is not None and ours_err.replace(str(root / u.name / "ours") + "/", "").endswith(go_msg)
        else:
            ok = ours_err is None and ours_list == listed and rw.gomod_after == gomod_after
        if not ok:
            mismatches.append(f"{u.name}: go.mod\n{u.main_gomod}go rc={rc} {err.strip()!r}\ngo list:\n{listed}"
                              f"go wrote:\n{gomod_after.decode()}\nours: {ours_err or ''}\n"
                              + ("" if ours_err else f"{ours_list}ours wrote:\n{rw.gomod_after.decode()}"))
    assert not mismatches, f"{len(mismatches)} of {len(us)} differ:\n" + "\n".join(mismatches[:2])


def test_buildlist_resolves_queries_like_go(world) -> None:
    root, url, us, go = world
    for u in us:
        rc, listed, _, _ = go[u.name]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            ours_rc = cli_main(["buildlist", str(root / u.name / "ours"), "--proxy", url])
        if rc == 0:
            assert ours_rc == 0 and out.getvalue() == listed, u.name
        else:
            assert ours_rc == 2 and "go.mod:" in err.getvalue(), u.name


# -- hand cases --------------------------------------------------------------------------------

HAND_MODULES = [
    ModuleSource("example.com/a", "v1.0.0", gomod_text("example.com/a", "1.21")),
    ModuleSource("example.com/a", "v1.1.0", gomod_text("example.com/a", "1.21", [("example.com/c", "v1.1.0")])),
    ModuleSource("example.com/a", "v1.2.0", gomod_text("example.com/a", "1.21")),
    ModuleSource("example.com/a", "v1.2.1", gomod_text("example.com/a", "1.21")),
    ModuleSource("example.com/a", "v1.3.0", gomod_text("example.com/a", "1.21", [("example.com/c", "v1.2.0")],
                                                       "retract [v1.2.0, v1.2.1]\n")),
    ModuleSource("example.com/a", "v1.4.0-pre", gomod_text("example.com/a", "1.21")),
    ModuleSource("example.com/b", "v1.0.0", None),
    ModuleSource("example.com/b", "v2.0.0+incompatible", None),
    ModuleSource("example.com/c", "v1.1.0", gomod_text("example.com/c", "1.21")),
    ModuleSource("example.com/c", "v1.2.0", gomod_text("example.com/c", "1.21")),
    ModuleSource("example.com/d", "v1.0.0-pre", gomod_text("example.com/d", "1.21")),
]

HAND_CASES = {
    "minor prefix picks a retracted patch": ("require example.com/a v1.2\n", "example.com/a v1.2.1"),
    "major prefix": ("require example.com/a v1\n", "example.com/a v1.3.0"),
    "latest": ("require example.com/a latest\n", "example.com/a v1.3.0"),
    "upgrade with no current": ("require example.com/a upgrade\n", "example.com/a v1.3.0"),
    "lowest above": ("require example.com/a >v1.1.0\n", "example.com/a v1.2.0"),
    "highest below": ("require example.com/a <v1.2.0\n", "example.com/a v1.1.0"),
    "build metadata": ("require example.com/a v1.2.0+meta\n", "example.com/a v1.2.0"),
    "incompatible major": ("require example.com/b v2\n", "example.com/b v2.0.0+incompatible"),
    "exclude v1.2 excludes v1.2.1": ("require example.com/a v1.2.1\nexclude example.com/a v1.2\n", None),
    "replace v1.2 replaces v1.2.1": ("require example.com/a v1.2.1\nreplace example.com/a v1.2 => example.com/c v1.1.0\n",
                                     "example.com/a v1.2.1 => example.com/c v1.1.0"),
    "replacement version query": ("require example.com/a v1.2.1\nreplace example.com/a => example.com/c v1\n",
                                  "example.com/a v1.2.1 => example.com/c v1.2.0"),
    "comments and blocks kept": ("require example.com/a v1.2.1 // indirect\nrequire (\n\texample.com/c   v1 // c\n)\n",
                                 "example.com/c v1.2.0"),
    "patch has no current version": ("require example.com/a patch\n", "error"),
    "unknown commit": ("require example.com/a abcdef\n", "error"),
    "only pre-releases": ("require example.com/d v1\n", "error"),
    "unknown module": ("require example.com/nonexist v1\n", "error"),
}


@pytest.mark.parametrize("name", list(HAND_CASES))
def test_hand_case(name: str, tmp_path: Path, go_exe: str) -> None:
    body, expect = HAND_CASES[name]
    url = universe.file_proxy_url(universe.write_proxy(tmp_path / "proxy", HAND_MODULES))
    env = gotool.isolated_env(tmp_path / "goenv", proxy=url, flags="-mod=mod")
    gomod = f"module example.com/m\n\ngo 1.21\n\n{body}"
    for d in ("go", "ours"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "go.mod").write_text(gomod)
    rc, listed, err, written = _go(tmp_path / "go", env)
    try:
        rw = resolve_gomod_queries(tmp_path / "ours", ProxySource(url))
    except GomodlabError as e:
        assert rc != 0 and expect == "error"
        assert str(e).replace(str(tmp_path / "ours") + "/", "") == err.strip().splitlines()[-1]
        return
    assert rc == 0 and expect != "error"
    assert "".join(x + "\n" for x in rw.graph.list_lines()) == listed
    assert rw.gomod_after == written
    if expect is not None:
        assert expect in listed.splitlines()
    else:
        assert listed == "example.com/m\n"  # the only requirement is excluded, and dropped
