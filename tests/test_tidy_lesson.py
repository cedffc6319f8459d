"""The tidy lesson's what-if (gomodlab.load.tidywhatif) and app (gomodlab.lab.tidylesson.TidyLab):
each edit of the Go files, and what the app shows, against the real go mod tidy on the lesson's
world (data/tidy-lesson/shop.txtar)."""

from __future__ import annotations

import shutil

import pytest

from gomodlab.lab import tidylesson
from gomodlab.load import gotool
from gomodlab.load.tidywhatif import ADDED_FILE, Edit, TidyWhatIf, WhatIfError
from gomodlab.mod import txtar

from .test_modtidy import _stderr

SHOP = "example.com/shop"


@pytest.fixture
def world(tmp_path):
    return tidylesson.lesson_world(tmp_path / "world")


def test_txtar_parse():
    arc = txtar.parse("comment\n-- a.go --\npackage a\n-- d/b.txt --\nx\n-- empty --\n")
    assert arc.comment == "comment\n"
    assert arc.files == (("a.go", "package a\n"), ("d/b.txt", "x\n"), ("empty", ""))


def test_lesson_world_is_written(world):
    assert (world.main / "go.mod").read_text().startswith(f"module {SHOP}\n")
    assert (world.main / "store" / "legacy.go").exists() and (world.main / "go.sum").exists()
    assert (world.proxy / "example.com" / "tmpl" / "@v" / "list").read_text() == "v1.2.0\nv1.3.0\nv1.4.0-beta.1\n"
    assert "example.com/tmpl/html" in world.importable and "example.com/money/currency" in world.importable
    assert world.proxy_url.startswith("file:///")


EDITS = {
    "as-is": [],
    "legacy-file-counts": [Edit("constraint", "store/legacy.go", "")],
    "postgres-file-ignored": [Edit("constraint", "store/store_postgres.go", "ignore")],
    "postgres-file-windows": [Edit("constraint", "store/store_postgres.go", "windows && arm64")],
    "render-imports-yaml": [Edit("add-import", f"{SHOP}/render", "example.com/yaml")],
    "render-drops-tmpl": [Edit("remove-import", f"{SHOP}/render", "example.com/tmpl/html")],
    "root-imports-currency-then-not": [Edit("add-import", SHOP, "example.com/money/currency"),
                                       Edit("add-import", f"{SHOP}/cart", "example.com/tmpl/text"),
                                       Edit("remove-import", SHOP, "example.com/money/currency")],
    "import-nobody-provides": [Edit("add-import", f"{SHOP}/render", "example.com/nowhere/x")],
}


@pytest.mark.go
@pytest.mark.parametrize("name", sorted(EDITS))
def test_whatif_is_what_go_writes(tmp_path, world, name, monkeypatch):
    edits = EDITS[name]
    env = gotool.isolated_env(tmp_path / "goenv", proxy=world.proxy_url)
    for k in ("GOTOOLCHAIN", "GOFLAGS", "GOPROXY", "GOSUMDB", "GOMODCACHE", "GOPATH"):
        monkeypatch.setenv(k, env[k])
    wi = world.whatif(tmp_path / "scratch")
    out = wi.run(edits)
    go_dir = tmp_path / "go"
    shutil.copytree(wi.scratch, go_dir)
    res = gotool.run_go(["mod", "tidy"], cwd=go_dir, env=env)
    if name == "import-nobody-provides":
        assert res.returncode == 1 and out.result is None and out.gomod == out.gomod_now
        assert _stderr(out.error) == _stderr(res.stderr)
        assert "cannot find module providing package example.com/nowhere/x" in out.error
        return
    assert res.returncode == 0, res.stderr
    assert out.gomod == (go_dir / "go.mod").read_bytes()
    assert out.result.gosum == (go_dir / "go.sum").read_bytes()
    assert out.rounds[-1].gomod == out.gomod
    assert (world.main / "go.mod").read_bytes() == out.gomod_now, "the module itself is never touched"


def test_whatif_edits(tmp_path, world):
    wi = world.whatif(tmp_path / "scratch")
    assert [p.path for p in wi.packages()] == [SHOP, f"{SHOP}/cart", f"{SHOP}/render", f"{SHOP}/store"]
    assert "store/legacy.go" in wi.go_files() and "cart/cart_test.go" in wi.go_files()
    assert wi.constraint("store/store_postgres.go") == "postgres" and wi.constraint("store/store.go") == ""
    cart = next(p for p in wi.packages() if p.path == f"{SHOP}/cart")
    assert cart.imports == ("example.com/assert", "example.com/money", "testing")
    base = wi.run()
    assert "+\texample.com/tmpl v1.3.0" in base.diff and "-\texample.com/oldlog v1.0.0" in base.diff
    kinds = {r.step for r in base.rounds}
    assert {"read", "load", "query", "drop", "indirect", "go", "layout", "gosum"} <= kinds
    # An added import goes into a file of its own, with the package's name (not main_test's).
    wi.run([Edit("add-import", SHOP, "example.com/yaml")])
    assert (wi.scratch / ADDED_FILE).read_text() == 'package main\n\nimport (\n\t_ "example.com/yaml"\n)\n'
    after = wi.packages([Edit("remove-import", f"{SHOP}/cart", "example.com/assert")])
    assert "example.com/assert" not in next(p for p in after if p.path == f"{SHOP}/cart").imports
    assert "\tassert.Equal" in (wi.scratch / "cart" / "cart_test.go").read_text(), "only the import line goes"
    wi.run([Edit("constraint", "store/store_postgres.go", "")])
    assert (wi.scratch / "store" / "store_postgres.go").read_text().startswith("package store\n")
    wi.run([Edit("constraint", "store/store.go", "linux")])
    assert (wi.scratch / "store" / "store.go").read_text().startswith("//go:build linux\n\n// Package store")
    assert wi.constraint("store/store.go", [Edit("constraint", "store/store.go", "linux")]) == "linux"


def test_whatif_refuses_what_it_cannot_do(tmp_path, world):
    wi = world.whatif(tmp_path / "scratch")
    with pytest.raises(WhatIfError, match="not a package of the main module"):
        wi.run([Edit("add-import", "example.com/elsewhere", "fmt")])
    with pytest.raises(WhatIfError, match="no such file"):
        wi.run([Edit("constraint", "nope.go", "linux")])
    with pytest.raises(WhatIfError, match=r"//go:build linux &&"):
        wi.run([Edit("constraint", "store/store.go", "linux &&")])
    with pytest.raises(WhatIfError, match="unknown edit"):
        Edit("rename", "a", "b")
    (world.main / "render" / "render.go").write_text('package render\n\nimport ("fmt"; "example.com/tmpl/html")\n')
    wi = TidyWhatIf(world.main, world.source(), modcache=str(world.modcache), workdir=tmp_path / "again")
    with pytest.raises(WhatIfError, match="render/render.go:3: the import of example.com/tmpl/html shares its line"):
        wi.run([Edit("remove-import", f"{SHOP}/render", "example.com/tmpl/html")])
    with pytest.raises(WhatIfError, match="no go.mod"):
        TidyWhatIf(tmp_path)


def test_tables_and_figure(tmp_path, world):
    out = world.whatif(tmp_path / "scratch").run()
    rounds = tidylesson.rounds_table(out.rounds)
    assert rounds.headers == ("#", "round", "changed", "what tidy did") and len(rounds) == len(out.rounds)
    assert "1 dropped" in rounds.column("changed")
    query = next(r for r in out.rounds if r.step == "query")
    assert tidylesson.found_table(query).rows == (("example.com/tmpl/html", "example.com/tmpl", "v1.3.0"),
                                                 ("example.com/assert", "example.com/assert", "v1.0.0"))
    drop = next(r for r in out.rounds if r.step == "drop")
    t = tidylesson.round_table(drop)
    assert ("example.com/oldlog", "v1.0.0", "—", "dropped") in t.rows and ("go", "1.22", "1.22", "kept") in t.rows
    gosum = tidylesson.gosum_table(out.rounds[-1])
    assert gosum.column("tidy").count("dropped") == 2 and gosum.column("tidy").count("kept") == 4
    html = rounds.html() + t.html()
    assert "NaN" not in html and "<th>" not in html.replace('<th scope="col">', "")
    finding = tidylesson.graph_finding(out.result.packages)
    assert finding == "shop/cart → money, decimal; shop/cart's test → assert; shop/render → tmpl; shop/store → pgdriver"
    fig = tidylesson.package_graph(out.result.packages, engine="multipartite")
    from gomodlab.lab import plots

    alt = plots.alt_text(fig)
    assert alt.startswith("Package graph of shop: 10 packages from 6 modules") and finding in alt


def test_app_without_a_browser(tmp_path, world):
    pytest.importorskip("ipywidgets")
    app = tidylesson.TidyLab(world.whatif(tmp_path / "scratch"), world.importable)
    assert "+\texample.com/tmpl v1.3.0" in app.diff_html.value and "would change go.mod" in app.summary_html.value
    assert "example.com/yaml" in app.import_path.options
    app.file.value = "store/store_postgres.go"
    assert app.constraint.value == "postgres"
    app.constraint.value = "ignore"
    app.apply_constraint.click()
    assert b"pgdriver" not in app.outcome.gomod and "store/store_postgres.go: //go:build ignore" in app.edits_html.value
    app.package.value = f"{SHOP}/render"
    app.action.value = "remove-import"
    assert app.import_path.options == ("example.com/tmpl/html", "fmt")
    app.import_path.value = "example.com/tmpl/html"
    app.apply_import.click()
    assert b"example.com/tmpl" not in app.outcome.gomod and b"go 1.21" in app.outcome.gomod
    app.undo.click()
    assert b"example.com/tmpl v1.3.0" in app.outcome.gomod and len(app.edits) == 1
    app.action.value = "add-import"
    app.import_path.value = ""
    app.apply_import.click()
    assert app.error == "type or pick an import path first" and len(app.edits) == 1
    app.import_path.value = "example.com/nowhere/x"
    app.apply_import.click()
    assert "cannot find module providing package example.com/nowhere/x" in app.summary_html.value
    assert app.outcome.result is None and "fails as tidy does" in app.diff_html.value
    app.reset.click()
    assert app.edits == [] and app.constraint.value == "postgres"
    assert "Round by round" in app.rounds_html.value and "resolve missing imports by query" in app.rounds_html.value


@pytest.mark.go
def test_cli_rounds(tmp_path, world, capsys):
    """``gomodlab tidy --rounds``: the rounds the notebook replays, in a terminal; the changes they
    list add up to the go.mod the real go mod tidy writes."""
    import json
    import re

    from gomodlab.cli import main as cli_main

    args = ["tidy", str(world.main), "--proxy", world.proxy_url, "--rounds"]
    assert cli_main(args) == 0
    text = capsys.readouterr().out
    assert text.startswith("1. read go.mod: ") and "drop unused requirements: " in text
    assert "example.com/oldlog  v1.0.0  —      dropped" in text
    assert cli_main([*args, "--format", "json"]) == 0
    rounds = json.loads(capsys.readouterr().out)
    required: dict[str, str] = {}
    for r in rounds:
        for c in r["changes"]:
            required[c["path"]] = c["after"]
    go_dir = tmp_path / "go"
    shutil.copytree(world.main, go_dir)
    env = gotool.isolated_env(tmp_path / "goenv", proxy=world.proxy_url)
    gotool.run_go(["mod", "tidy"], cwd=go_dir, env=env).check()
    gomod = (go_dir / "go.mod").read_text()
    for path, after in required.items():
        if path == "go":
            assert f"\ngo {after}\n" in gomod
        else:
            line = re.search(rf"(?m)^(?:\t|require ){re.escape(path)} (.*)$", gomod)
            assert (line.group(1) if line else "") == after, path
    assert cli_main(["tidy", str(world.main), "--proxy", world.proxy_url, "--diff", "--format", "json"]) == 2
    assert "--format json holds go.mod, go.sum and the changes" in capsys.readouterr().err
