"""tidy-explain's lines against the go.mod the real ``go mod tidy`` writes.

``explain_tidy`` runs no go (the in-process tidy); here go runs beside it, on a copy, for every
world: the go.mod and go.sum the explanation is about must be go's, byte for byte, and its lines
must be exactly go's changes — every require line go adds, drops or changes (version or
``// indirect``) has one explained change whose old/new text is the line before/after, no other
require line is claimed, the go/toolchain lines are explained exactly when go changes them, every
go.sum line go adds or drops is listed — and each import chain given as evidence is the one
``go mod why -m`` prints on go's tidied module, each import position given holds that import, and
the packages named are the ones go list shows the main module importing.

Worlds: the 12 of tests/pkggraph_worlds.py (untidy as generated: missing indirect requirements,
raised versions, test-only modules) and every fifth generated tidy world (tests/tidy_worlds.py)
without flags, leaving out the features the in-process tidy does not model yet (``tool``
directives) and those built to fail; where go still refuses, tidy-explain must refuse in go's
words (stderr compared as tests/tidy_oracle.py compares it).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gomodlab.lab import universe
from gomodlab.load import gotool
from gomodlab.load.tidy import REASONS, _directive, _require_lines, explain_tidy
from gomodlab.load.modtidy import TidyRefused
from tests import gojson, pkggraph_worlds, tidy_worlds
from tests.tidy_oracle import comparable_stderr

pytestmark = pytest.mark.go

_UNMODELLED = {"tool", "toonew", "broken", "broken_e"}
WORLDS = [("pg", i) for i in range(pkggraph_worlds.COUNT)] + [
    ("tw", w.index) for w in tidy_worlds.worlds()[::5]
    if not w.tidy_args and not w.must_fail and not set(w.features) & _UNMODELLED]


def _tagged(w) -> bool:
    return getattr(w, "tagged", False) or "buildtags" in getattr(w, "features", ())




def _world(kind: str, i: int):
    return pkggraph_worlds.generate(i) if kind == "pg" else tidy_worlds.generate(i)


@pytest.mark.parametrize("kind, index", WORLDS, ids=[_world(*k).name for k in WORLDS])
def test_explained_lines_are_the_lines_go_writes(kind: str, index: int, tmp_path: Path, go_exe: str) -> None:
    w = _world(kind, index)
    url = universe.file_proxy_url(universe.write_proxy(tmp_path / "proxy", w.modules))
    main = w.write_main(tmp_path / "main")
    gomain = tmp_path / "go"
    shutil.copytree(main, gomain, symlinks=True)
    env = gotool.isolated_env(tmp_path / "goenv", proxy=url, flags="-mod=mod")
    res = gotool.run_go(["mod", "tidy"], cwd=gomain, env=env)
    cache = env["GOMODCACHE"]
    if res.returncode != 0:
        # tidy-explain refuses as go does, in go's words.
        with pytest.raises(TidyRefused) as e:
            explain_tidy(main, proxy=url, modcache=cache)
        assert comparable_stderr(e.value.stderr, work=main, modcache=cache) == \
            comparable_stderr(res.stderr, work=gomain, modcache=cache)
        return
    go_mod = (gomain / "go.mod").read_text()
    go_sum = (gomain / "go.sum").read_text() if (gomain / "go.sum").exists() else ""

    ex = explain_tidy(main, proxy=url, modcache=cache)
    assert (ex.gomod_after, ex.gosum_after) == (go_mod, go_sum)
    assert all(c.reason in REASONS for c in ex.changes)

    before, after = _require_lines(ex.gomod_before), _require_lines(go_mod)
    changed = {p for p in before.keys() | after.keys() if before.get(p, (None,) * 3)[:2] != after.get(p, (None,) * 3)[:2]}
    req_changes = [c for c in ex.changes if c.file == "go.mod" and c.module not in ("go", "toolchain")]
    assert {c.module for c in req_changes} == changed
    for c in req_changes:
        b, a = before.get(c.module), after.get(c.module)
        assert c.old == (b[2] if b else None) and c.new == (a[2] if a else None), c
        assert c.change == ("added" if b is None else "removed" if a is None else "changed"), c
    for verb in ("go", "toolchain"):
        explained = [c for c in ex.changes if c.file == "go.mod" and c.module == verb]
        b, a = _directive(ex.gomod_before, verb), _directive(go_mod, verb)
        assert len(explained) == (b != a)
        if explained:
            assert (explained[0].old, explained[0].new) == (f"{verb} {b}" if b else None, f"{verb} {a}" if a else None)
    # The import chains given as evidence are the ones go mod why -m prints on go's tidied module.
    chained = {c.module: c.evidence[0] for c in req_changes
               if c.reason in ("indirect-import", "dependency-test") and c.evidence}
    if chained:
        out = gotool.run_go(["mod", "why", "-m", *sorted(chained)], cwd=gomain, env=env).check().stdout
        why = {b.split("\n", 1)[0][2:]: " > ".join(b.split("\n")[1:]).strip(" >") for b in out.split("\n\n")}
        assert {m: why.get(m) for m in chained} == chained
    # Each direct import's evidence names a file and line holding that import, and (when go sees
    # every file tidy does: no build-tagged files) the imported packages are those go list shows
    # the main module importing (go list has no positions for test imports to compare with).
    direct = [c for c in req_changes if c.reason in ("direct-import", "became-direct")]
    if direct:
        fields = "ImportPath,Imports,TestImports,XTestImports"
        listed = gotool.run_go(["list", "-e", f"-json={fields}", "./..."], cwd=gomain, env=env).check().stdout
        imported = {i for j in gojson.objects(listed) for k in ("Imports", "TestImports", "XTestImports") for i in j.get(k) or ()}
        for c in direct:
            seen = set()
            for e in c.evidence:
                where, what = e.split(": ", 1)
                file, line = where.rsplit(":", 1)
                pkg = what.split('"')[1]
                src = (gomain / file).read_text().splitlines()[int(line) - 1]
                assert f'"{pkg}"' in src or f"`{pkg}`" in src, (e, src)
                assert what.startswith("test ") == file.endswith("_test.go"), e
                seen.add(pkg)
            if not _tagged(w):
                assert seen == {i for i in imported if i == c.module or i.startswith(c.module + "/")}, c
    # go.sum: every line go adds or drops, and only those.
    sb, sa = set(ex.gosum_before.splitlines()) - {""}, set(go_sum.splitlines()) - {""}
    assert {c.new for c in ex.changes if c.file == "go.sum" and c.change == "added"} == sa - sb
    assert {c.old for c in ex.changes if c.file == "go.sum" and c.change == "removed"} == sb - sa
