"""The networkx / pandas models and the analyses over them (no go needed: graphs from a file proxy)."""

from __future__ import annotations

import doctest
import json
import os
from pathlib import Path

import pytest

from gomodlab.load import graph as gg
from gomodlab.load import gomod_summary, modload, mvs
from gomodlab.lab import universe
from gomodlab.load.mvs import MapReqs, Module
from gomodlab.mod.dirhash import hash_gomod
from gomodlab.load.sources import ModCacheSource, ProxySource
from gomodlab.lab.universe import ModuleSource, gomod_text

from .clirun import run_cli

P = "example.com/g"

# main (go 1.21) -> a v1.0.0 (go 1.21) -> b v1.0.0, c v1.1.0
#                -> d v1.0.0 (go 1.16: unpruned) -> b v1.2.0 -> e v1.0.0
#                -> c v1.0.0
# b v1.2.0 is loaded via d (unpruned); a's requirement on x is excluded; f is replaced by a directory.
MODULES = [
    ModuleSource(f"{P}/a", "v1.0.0", gomod_text(f"{P}/a", "1.21", [
        (f"{P}/b", "v1.0.0"), (f"{P}/x", "v1.0.0"), (f"{P}/c", "v1.1.0")])),
    ModuleSource(f"{P}/b", "v1.0.0", gomod_text(f"{P}/b", "1.21")),
    ModuleSource(f"{P}/b", "v1.2.0", gomod_text(f"{P}/b", "1.16", [(f"{P}/e", "v1.0.0")])),
    ModuleSource(f"{P}/c", "v1.0.0", gomod_text(f"{P}/c", "1.21")),
    ModuleSource(f"{P}/c", "v1.1.0", gomod_text(f"{P}/c", "1.21", [(f"{P}/e", "v1.1.0")])),
    ModuleSource(f"{P}/d", "v1.0.0", gomod_text(f"{P}/d", "1.16", [(f"{P}/b", "v1.2.0"), (f"{P}/f", "v1.0.0")])),
    ModuleSource(f"{P}/e", "v1.0.0", gomod_text(f"{P}/e", "1.21")),
    ModuleSource(f"{P}/e", "v1.1.0", gomod_text(f"{P}/e", "1.21")),
    ModuleSource(f"{P}/x", "v1.0.0", gomod_text(f"{P}/x", "1.21")),
    ModuleSource(f"{P}/f", "v1.0.0", gomod_text(f"{P}/f", "1.21")),
]
MAIN = (f"module {P}/m\n\ngo 1.21\n\nrequire (\n\t{P}/a v1.0.0\n\t{P}/c v1.0.0\n\t{P}/d v1.0.0 // indirect\n)\n\n"
        f"exclude {P}/x v1.0.0\n\nreplace {P}/f => ./f\n")


@pytest.fixture(scope="module")
def mg(tmp_path_factory: pytest.TempPathFactory) -> modload.ModGraph:
    root = tmp_path_factory.mktemp("graph")
    proxy = universe.write_proxy(root / "proxy", MODULES)
    d = root / "m"
    (d / "f").mkdir(parents=True)
    (d / "go.mod").write_text(MAIN)
    (d / "f" / "go.mod").write_text(gomod_text(f"{P}/f", "1.21", [(f"{P}/e", "v1.0.0")]))
    return modload.load(d, ProxySource(universe.file_proxy_url(proxy)))


def test_build_list_and_graph_text(mg) -> None:
    assert mg.list_lines() == [f"{P}/m", f"{P}/a v1.0.0", f"{P}/b v1.2.0", f"{P}/c v1.1.0", f"{P}/d v1.0.0",
                               f"{P}/e v1.1.0", f"{P}/f v1.0.0 => ./f"]
    # The root c v1.0.0 is below what a selects: go's root update raises it.
    assert mg.root_history[0] != mg.root_history[-1]
    assert Module(f"{P}/c", "v1.1.0") in mg.roots


def test_networkx_model(mg) -> None:
    G = gg.to_networkx(mg)
    assert G.graph["main"] == f"{P}/m"
    main = G.nodes[f"{P}/m"]
    assert main["main"] and main["depth"] == 0 and main["version"] == ""
    b0 = G.nodes[f"{P}/b@v1.0.0"]
    assert not b0["selected"] and b0["pruned"] and not b0["loaded"]
    b2 = G.nodes[f"{P}/b@v1.2.0"]
    assert b2["selected"] and b2["loaded"] and b2["pruning"] == "unpruned" and b2["go"] == "1.16"
    assert G.nodes[f"{P}/f@v1.0.0"]["replaced_by"] == "./f"
    assert G.nodes[f"{P}/a@v1.0.0"]["root"]
    e = G.edges[f"{P}/a@v1.0.0", f"{P}/b@v1.0.0"]
    assert e["version"] == "v1.0.0" and e["requirer_version"] == "v1.0.0" and e["order"] == 0 and e["pruned"]
    assert not G.edges[f"{P}/d@v1.0.0", f"{P}/b@v1.2.0"]["pruned"]
    assert f"{P}/x@v1.0.0" not in G
    # The edges are exactly go mod graph's lines.
    assert sorted(f"{a} {b}" for a, b in G.edges) == sorted(mg.graph_lines())
    Gx = gg.to_networkx(mg, include_excluded=True)
    assert Gx.nodes[f"{P}/x@v1.0.0"]["excluded"]
    assert Gx.edges[f"{P}/a@v1.0.0", f"{P}/x@v1.0.0"]["excluded"]
    assert mg.excluded_edges == [(Module(f"{P}/a", "v1.0.0"), Module(f"{P}/x", "v1.0.0"))]


def test_build_list_frame(mg) -> None:
    df = gg.build_list_frame(mg)
    assert list(df.columns) == ["path", "version", "replaced_by", "indirect", "depth", "why", "root", "go"]
    row = df.set_index("path").loc[f"{P}/e"]
    assert row["version"] == "v1.1.0" and row["indirect"] and row["depth"] == 2
    assert row["why"] == f"{P}/m > {P}/c@v1.1.0 > {P}/e@v1.1.0"
    assert df.set_index("path").loc[f"{P}/a", "indirect"] == False  # noqa: E712
    assert df.set_index("path").loc[f"{P}/d", "indirect"] == True  # noqa: E712
    assert df.set_index("path").loc[f"{P}/f", "replaced_by"] == "./f"
    assert str(df["depth"].dtype) == "Int64"


def test_witnesses(mg) -> None:
    w = gg.witnesses(mg)
    e = w[w["path"] == f"{P}/e"]
    assert set(e["witness"]) == {f"{P}/c@v1.1.0"} and not e["root"].any()
    c = w[w["path"] == f"{P}/c"]
    assert set(c["witness"]) == {f"{P}/m", f"{P}/a@v1.0.0"} and c["root"].any()
    b = w[w["path"] == f"{P}/b"]
    assert list(b["witness"]) == [f"{P}/d@v1.0.0"]


def test_why_version(mg) -> None:
    older = gg.why_version(mg, f"{P}/e", "v1.0.0")
    assert older.status == "older" and older.selected == "v1.1.0"
    assert older.asked_by == (f"{P}/b@v1.2.0", f"{P}/f@v1.0.0") and older.forced_by == (f"{P}/c@v1.1.0",)
    assert "MVS takes the maximum" in older.text()
    newer = gg.why_version(mg, f"{P}/e", "v1.5.0")
    assert newer.status == "newer" and "go get" in newer.text()
    assert gg.why_version(mg, f"{P}/e", "v1.1.0").status == "selected"
    assert gg.why_version(mg, f"{P}/zzz", "v1.0.0").status == "absent"


def test_why_paths(mg) -> None:
    r = gg.why(mg, f"{P}/e")
    assert r.found and [list(map(str, p)) for p in r.shortest] == [[f"{P}/m", f"{P}/c@v1.1.0", f"{P}/e@v1.1.0"]]
    r = gg.why(mg, f"{P}/e", all_paths=True)
    assert [" > ".join(map(str, p)) for p in r.all_paths] == [
        f"{P}/m > {P}/a@v1.0.0 > {P}/c@v1.1.0 > {P}/e@v1.1.0",
        f"{P}/m > {P}/c@v1.1.0 > {P}/e@v1.1.0",
        f"{P}/m > {P}/d@v1.0.0 > {P}/b@v1.2.0 > {P}/e@v1.0.0",
        f"{P}/m > {P}/d@v1.0.0 > {P}/f@v1.0.0 > {P}/e@v1.0.0",
    ]
    assert r.text().startswith(f"# {P}/e (selected v1.1.0)\n{P}/m\n{P}/c@v1.1.0\n{P}/e@v1.1.0\n")
    missing = gg.why(mg, f"{P}/nope")
    assert not missing.found and missing.text() == f"# {P}/nope\n(main module does not need module {P}/nope)\n"
    limited = gg.why(mg, f"{P}/e", all_paths=True, limit=2)
    assert limited.truncated and len(limited.all_paths) == 2


def test_layers(mg) -> None:
    ls = gg.layers(mg)
    assert ls[0] == [f"{P}/m"]
    assert f"{P}/a@v1.0.0" in ls[1] and f"{P}/e@v1.1.0" in ls[2]


def test_trace_blog_example() -> None:
    reqs = MapReqs.parse("A: B1 C2; B1: D3; C1: D2; C2: D4; C3: D5; C4: G1; D2: E1; D3: E2; D4: E2 F1; D5: E2; G1: C4")
    df = gg.trace_reqs(reqs, [Module("A", "")])
    assert list(df.columns) == ["step", "load", "event", "module", "requirement", "depth", "before", "after",
                                "raised", "detail"]
    assert df.iloc[0]["event"] == "start"
    visits = list(df[df["event"] == "visit"]["module"])
    assert visits == ["A", "B@1", "C@2", "D@3", "D@4", "E@2", "F@1"]
    raised = df[(df["event"] == "require") & df["raised"]]
    assert ("C@2", "D@4", "3", "4") in set(zip(raised["module"], raised["requirement"], raised["before"], raised["after"]))
    final = gg.trace_state(df, int(df["step"].iloc[-1]))
    assert final == {"B": "1", "C": "2", "D": "4", "E": "2", "F": "1"}


def test_trace_module_load(tmp_path: Path, mg) -> None:
    df = gg.trace(mg.main_file.dir, mg.loader.source)
    assert df["load"].max() == 2  # the root update reloads the graph
    skips = df[df["event"] == "skip"]
    assert f"{P}/a@v1.0.0" in set(skips["module"])
    state = gg.trace_state(df, int(df["step"].iloc[-1]))
    assert state[f"{P}/e"] == "v1.1.0" and state[f"{P}/b"] == "v1.2.0"


def test_graph_from_go_mod_graph_text(mg) -> None:
    text = "".join(line + "\n" for line in mg.graph_lines())
    g2 = modload.graph_from_text(text)
    assert g2.graph_lines() == mg.graph_lines()
    assert [str(m) for m in g2.build_list()] == [str(m) for m in mg.build_list()]
    G = gg.to_networkx(g2)
    assert G.nodes[f"{P}/b@v1.2.0"]["selected"]


def test_cli_json_and_why(mg) -> None:
    d = str(mg.main_file.dir)
    url = mg.loader.source.goproxy
    rc, out, _ = run_cli("buildlist", d, "--proxy", url, "--format", "json")
    items = json.loads(out)
    assert items[0] == {"Path": f"{P}/m", "Main": True, "GoVersion": "1.21", "Dir": d, "GoMod": f"{d}/go.mod"}
    f = next(i for i in items if i["Path"] == f"{P}/f")
    assert f["Replace"] == {"Path": "./f", "GoVersion": "1.21"} and f["Indirect"] is True
    rc, out, _ = run_cli("modgraph", d, "--proxy", url, "--format", "json")
    assert [f"{e['From']} {e['To']}" for e in json.loads(out)] == mg.graph_lines()
    rc, out, _ = run_cli("why", f"{P}/e", d, "--proxy", url)
    assert rc == 0 and out.splitlines()[1:5] == [f"{P}/m", f"{P}/c@v1.1.0", f"{P}/e@v1.1.0", ""]
    assert out.splitlines()[5].startswith(f"{P}/e@v1.1.0 is selected: it is the highest version required, by ")
    rc, out, _ = run_cli("why", f"{P}/e@v1.0.0", d, "--proxy", url, "--format", "json")
    assert json.loads(out)["provenance"]["status"] == "older"
    rc, out, _ = run_cli("why", f"{P}/e", d, "--proxy", url, "--all", "--format", "json")
    data = json.loads(out)
    assert data["shortest"] == [[f"{P}/m", f"{P}/c@v1.1.0", f"{P}/e@v1.1.0"]] and len(data["all"]) == 4
    rc, out, _ = run_cli("why", f"{P}/nothere", d, "--proxy", url)
    assert rc == 1 and "(main module does not need module" in out


def test_cli_upgrade(mg) -> None:
    d = str(mg.main_file.dir)
    url = mg.loader.source.goproxy
    rc, out, err = run_cli("upgrade", f"{P}/a@v1.0.0", d, "--proxy", url, "--dry-run")
    assert (rc, out) == (0, f"go get {P}/a@v1.0.0: no change to the build list\n"), err
    rc, out, err = run_cli("upgrade", f"{P}/e@v1.0.0", d, "--proxy", url, "--format", "json")
    data = json.loads(out)
    assert [(c["path"], c["new"], c["kind"]) for c in data["changes"]] == [
        (f"{P}/a", "none", "remove"), (f"{P}/c", "v1.0.0", "downgrade"), (f"{P}/e", "v1.0.0", "downgrade")]
    rc, out, err = run_cli("upgrade", f"{P}/x@v1.0.0", d, "--proxy", url)
    assert rc == 2 and "excluded by go.mod" in err
    rc, out, err = run_cli("upgrade", f"{P}/e", d, "--proxy", url)
    assert rc == 2 and "MODULE@VERSION" in err


def test_bad_input_is_an_error_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOMODLAB_CACHE", "off")
    rc, out, err = run_cli("buildlist", str(tmp_path), "--modcache", str(tmp_path))
    assert rc == 2 and "go.mod file not found" in err
    (tmp_path / "go.mod").write_text("module example.com/m\n\nrequire example.com/a\n")
    rc, out, err = run_cli("buildlist", str(tmp_path), "--modcache", str(tmp_path))
    assert rc == 2 and "go.mod:3" in err and "Traceback" not in err


def test_module_cache_source_versions(tmp_path: Path) -> None:
    dl = tmp_path / "cache" / "download" / "example.com" / "!a" / "@v"
    dl.mkdir(parents=True)
    for v in ("v1.0.0", "v1.2.0", "v0.0.0-20240101000000-abcdefabcdef"):
        (dl / f"{v}.mod").write_text("module example.com/A\n")
    src = ModCacheSource(tmp_path)
    assert src.versions("example.com/A") == ["v1.0.0", "v1.2.0"]
    assert src.gomod(Module("example.com/A", "v1.0.0")) == b"module example.com/A\n"
    (dl / "list").write_text("v1.2.0\nv1.1.0\n")
    assert src.versions("example.com/A") == ["v1.1.0", "v1.2.0"]


def test_doctests() -> None:
    assert doctest.testmod(mvs).failed == 0


def _modcache_and_main(tmp_path: Path, main_gomod: str = MAIN) -> tuple[Path, Path]:
    """A module cache holding MODULES' .mod files, and the main module (with ./f) beside it."""
    cache = tmp_path / "modcache"
    for m in MODULES:
        d = cache / "cache" / "download" / m.path / "@v"
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{m.version}.mod").write_bytes(m.gomod_bytes())
    main = tmp_path / "m"
    (main / "f").mkdir(parents=True)
    (main / "go.mod").write_text(main_gomod)
    (main / "f" / "go.mod").write_text(gomod_text(f"{P}/f", "1.21", [(f"{P}/e", "v1.0.0")]))
    return cache, main


def test_summary_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsed go.mod summaries persist between runs and are re-read when a .mod file changes."""
    cache, main = _modcache_and_main(tmp_path)
    dl = cache / "cache" / "download"
    monkeypatch.setenv("GOMODLAB_CACHE", str(tmp_path / "gl"))
    rc, first, _ = run_cli("buildlist", str(main), "--modcache", str(cache))
    files = sorted((tmp_path / "gl").iterdir())
    assert rc == 0 and [f.name[:14] for f in files] == ["gomod-summarie", "out-buildlist-"]
    sc = gomod_summary.SummaryCache.for_modcache(cache)
    src = ModCacheSource(cache)
    _, key = src.stamp(Module(f"{P}/a", "v1.0.0"))
    hit = sc.get(Module(f"{P}/a", "v1.0.0"), key)
    assert hit == (gomod_summary.parse_summary(MODULES[0].gomod_bytes()), hash_gomod(MODULES[0].gomod_bytes()))
    assert run_cli("buildlist", str(main), "--modcache", str(cache))[1] == first
    # A rewritten .mod file is read again: c v1.1.0 stops requiring e v1.1.0.
    (dl / f"{P}/c" / "@v" / "v1.1.0.mod").write_text(gomod_text(f"{P}/c", "1.21") + "\n")
    _, third, _ = run_cli("buildlist", str(main), "--modcache", str(cache))
    assert f"{P}/e v1.0.0" in third and f"{P}/e v1.1.0" not in third
    monkeypatch.setenv("GOMODLAB_CACHE", "off")
    assert gomod_summary.SummaryCache.for_modcache(cache) is None
    (files[0]).write_bytes(b"garbage")
    monkeypatch.setenv("GOMODLAB_CACHE", str(tmp_path / "gl"))
    assert run_cli("buildlist", str(main), "--modcache", str(cache))[1] == third


def test_summary_cache_hit_is_checked_against_go_sum(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A go.mod summary from the cache is checked against go.sum with the hash kept beside it (no
    read): a go.sum that records another hash stops buildlist as go stops (checkGoMod's
    "checksum mismatch", SECURITY ERROR), warm cache or not."""
    cache, main = _modcache_and_main(tmp_path)
    monkeypatch.setenv("GOMODLAB_CACHE", str(tmp_path / "gl"))
    a = MODULES[0]
    right = f"{a.path} {a.version}/go.mod {hash_gomod(a.gomod_bytes())}\n"
    (main / "go.sum").write_text(right)
    rc, first, _ = run_cli("buildlist", str(main), "--modcache", str(cache))
    assert rc == 0
    (main / "go.mod").write_text((main / "go.mod").read_text() + "// edited: no output memo\n")
    assert run_cli("buildlist", str(main), "--modcache", str(cache))[:2] == (0, first)  # summaries from the cache
    wrong = f"{a.path} {a.version}/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
    (main / "go.sum").write_text(wrong)
    warm = run_cli("buildlist", str(main), "--modcache", str(cache))
    monkeypatch.setenv("GOMODLAB_CACHE", "off")
    cold = run_cli("buildlist", str(main), "--modcache", str(cache))
    assert warm == cold and warm[0] == 1 and "checksum mismatch" in warm[2] and "SECURITY ERROR" in warm[2]


def test_summary_cache_file_round_trip(tmp_path: Path) -> None:
    """Entries read from the file and entries added since are written back together, their
    requirement tables merged; a file whose indexes point nowhere gives misses, not errors."""
    f = str(tmp_path / "c.marshal")
    a, b, go = Module("x.com/a", "v1.0.0"), Module("x.com/b", "v1.1.0"), Module("go", "1.21")
    sa = gomod_summary.Summary("x.com/a", "1.21", (b, go), "pruned")
    sc = gomod_summary.SummaryCache(f)
    sc.put(a, (10, 20, 30, 40), sa, "h1:a=")
    sc.save()
    sc = gomod_summary.SummaryCache(f)
    assert sc.get(a, (10, 20, 30, 40)) == (sa, "h1:a=") and sc.get(a, (10, 20, 31, 40)) is None and sc.get(b, (1, 1, 1, 1)) is None
    sb = gomod_summary.Summary("x.com/b", None, (Module("x.com/c", "v2.0.0+incompatible"), a), "unpruned")
    sc.put(b, (5, 6, 7, 8), sb, "h1:b=")
    sc.save()
    again = gomod_summary.SummaryCache(f)
    assert again.get(a, (10, 20, 30, 40)) == (sa, "h1:a=") and again.get(b, (5, 6, 7, 8)) == (sb, "h1:b=")
    assert type(again.get(b, (5, 6, 7, 8))[0].require[0]) is Module
    import marshal

    fmt, mods, entries = marshal.loads((tmp_path / "c.marshal").read_bytes())
    (tmp_path / "c.marshal").write_bytes(marshal.dumps((fmt, mods[:1], entries)))
    damaged = gomod_summary.SummaryCache(f)
    assert damaged.get(a, (10, 20, 30, 40)) is None
    damaged.put(Module("x.com/d", "v1.0.0"), (1, 2, 3, 4), sa, "h1:d=")
    damaged.save()  # a's entry is dropped, the rest kept
    assert gomod_summary.SummaryCache(f).get(Module("x.com/d", "v1.0.0"), (1, 2, 3, 4)) == (sa, "h1:d=")
    (tmp_path / "c.marshal").write_bytes(marshal.dumps((fmt, mods, [1, 2])))
    assert gomod_summary.SummaryCache(f).get(a, (10, 20, 30, 40)) is None


def test_output_memo_keeps_the_go_mod_it_was_computed_from(tmp_path: Path) -> None:
    """A go.mod edited while the graph loads is not stored beside output computed before the edit."""
    from gomodlab.load.output_memo import OutputMemo

    gomod = tmp_path / "go.mod"
    gomod.write_text("module example.com/m\n")
    memo = OutputMemo(str(tmp_path / "memo"), "buildlist", str(gomod), str(tmp_path))
    assert memo.lookup() is None
    gomod.write_text("module example.com/m\n\nrequire example.com/a v1.0.0\n")
    memo.store({}, "example.com/m\n", "")
    assert OutputMemo(str(tmp_path / "memo"), "buildlist", str(gomod), str(tmp_path)).lookup() is None
    gomod.write_text("module example.com/m\n")
    assert OutputMemo(str(tmp_path / "memo"), "buildlist", str(gomod), str(tmp_path)).lookup() == ("example.com/m\n", "")
    missing = OutputMemo(str(tmp_path / "memo2"), "buildlist", str(tmp_path / "none" / "go.mod"), str(tmp_path))
    assert missing.lookup() is None
    missing.store({}, "x\n", "")
    assert not (tmp_path / "memo2").exists()


def test_output_memo_sees_what_size_and_mtime_hide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A .mod file edited to the same size with its mtime set back a second later, or replaced by
    a same-size copy with its mtime: buildlist's memo and the summary cache read it again (the
    ctime and inode of output_memo.stat_key show what (size, mtime) does not)."""
    from .test_tidy_memo import _age, _edit_and_set_back, _replace_keeping_stat

    cache, main = _modcache_and_main(tmp_path)
    _age(*(Path(d) / n for d, dirs, files in os.walk(cache) for n in dirs + files))  # not racy
    monkeypatch.setenv("GOMODLAB_CACHE", str(tmp_path / "gl"))
    args = ("buildlist", str(main), "--modcache", str(cache))
    first = run_cli(*args)[1]
    assert f"{P}/e v1.1.0" in first
    c_mod = cache / "cache" / "download" / f"{P}/c" / "@v" / "v1.1.0.mod"
    _edit_and_set_back(c_mod, f"{P}/e v1.1.0", f"{P}/e v1.0.0")
    second = run_cli(*args)[1]
    assert f"{P}/e v1.0.0" in second and f"{P}/e v1.1.0" not in second
    _age(c_mod)
    assert run_cli(*args)[1] == second
    _replace_keeping_stat(c_mod, f"{P}/e v1.0.0", f"{P}/e v1.1.0")
    assert run_cli(*args)[1] == first


def test_proxy_list_fallback_rules(mg) -> None:
    """GOPROXY ',' falls through only on not-found, '|' on any error (here a loopback HTTP 500)."""
    import http.server
    import threading

    class Fail(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(500)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"simulated failure")

        def log_message(self, *a) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Fail)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        bad = f"http://127.0.0.1:{srv.server_port}/p"
        good = mg.loader.source.goproxy
        d = mg.main_file.dir
        assert modload.load(d, ProxySource(f"{bad}|{good}")).list_lines() == mg.list_lines()
        with pytest.raises(mvs.BuildListError) as e:
            modload.load(d, ProxySource(f"{bad},{good}"))
        assert "500 Internal Server Error" in str(e.value) and "simulated failure" in str(e.value)
    finally:
        srv.shutdown()


def test_cli_from_captured_graph_text(mg, tmp_path: Path) -> None:
    f = tmp_path / "graph.txt"
    f.write_text("".join(line + "\n" for line in mg.graph_lines()))
    rc, out, _ = run_cli("why", f"{P}/e", "--graph", str(f))
    assert rc == 0 and out.splitlines()[1:4] == [f"{P}/m", f"{P}/c@v1.1.0", f"{P}/e@v1.1.0"]
    rc, out, _ = run_cli("modgraph", "--graph", str(f))
    assert out == f.read_text()
    rc, out, _ = run_cli("buildlist", "--graph", str(f))
    assert out.splitlines() == [line.split(" => ")[0] for line in mg.list_lines()]
    f.write_text("a b c\n")
    rc, out, err = run_cli("buildlist", "--graph", str(f))
    assert rc == 2 and "graph.txt:1: expected two fields" in err


def test_output_memo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """buildlist/modgraph on a module cache reuse their output while no file they read changed."""
    cache, main = _modcache_and_main(
        tmp_path, MAIN.replace(f"\t{P}/d v1.0.0 // indirect\n", f"\t{P}/d v1.0.0 // indirect\n\t{P}/x v1.0.0\n"))
    monkeypatch.setenv("GOMODLAB_CACHE", str(tmp_path / "gl"))
    args = ("buildlist", str(main), "--modcache", str(cache))
    rc, first, err1 = run_cli(*args)
    assert rc == 0 and "dropping requirement on excluded version" in err1
    rc, graph1, _ = run_cli("modgraph", str(main), "--modcache", str(cache))

    def no_loading(*a, **k):
        raise AssertionError("the graph was loaded although nothing changed")

    monkeypatch.setattr(modload.Loader, "load", no_loading)
    assert run_cli(*args) == (0, first, err1)
    assert run_cli("modgraph", str(main), "--modcache", str(cache))[1] == graph1
    monkeypatch.undo()
    monkeypatch.setenv("GOMODLAB_CACHE", str(tmp_path / "gl"))
    # A changed dependency go.mod, a changed directory replacement, a changed main go.mod: recomputed.
    (cache / "cache" / "download" / f"{P}/c" / "@v" / "v1.1.0.mod").write_text(gomod_text(f"{P}/c", "1.21") + "\n")
    second = run_cli(*args)[1]
    assert second != first and f"{P}/e v1.0.0" in second
    (main / "f" / "go.mod").write_text(gomod_text(f"{P}/f", "1.21", [(f"{P}/e", "v1.1.0")]))
    assert f"{P}/e v1.1.0" in run_cli(*args)[1]
    (main / "go.mod").write_text(MAIN + f"\nrequire {P}/e v1.1.0\n")
    assert f"{P}/e v1.1.0" in run_cli(*args)[1]
