"""The built-in demo: what the real go command made of it, what gomodlab finds, and that the fix works."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gomodlab.cache import repair
from gomodlab.cache.scan import scan as scan_cache
from gomodlab.lab import demo, postmortem
from gomodlab.diagnose import explain
from gomodlab.load import gotool, modload, sources
from gomodlab.net import logstats, xlog

pytestmark = pytest.mark.go

REPO = Path(__file__).resolve().parent.parent
#: Samples that come out byte for byte the same on every run (the -x trace and access log carry timings).
DETERMINISTIC = ("go.mod", "go.sum", "go-error.txt", "modgraph.txt", "buildlist.txt", "scan.json", "proxies.json")


def test_the_cache_is_damaged_the_four_ways(demo_scenario):
    found = {(kind, what) for kind, what, _ in demo_scenario.findings}
    vcs = [what for kind, what in found if kind == "vcs-broken"]
    assert found - {("vcs-broken", vcs[0])} == {
        ("zip-unreadable", "example.com/db@v1.4.0"), ("dir-modified", "example.com/web@v1.2.0"),
        ("dir-partial", "example.com/log@v1.1.0")}
    assert Path(vcs[0]).parent == demo_scenario.paths.modcache / "cache" / "vcs"


def test_go_failed_and_explain_names_each_problem(demo_scenario):
    text = demo_scenario.paths.go_error.read_text()
    assert "exit status 128" in text and "zip: not a valid zip file" in text and "dir has been modified" in text
    got = [(d.category, d.module, d.version) for d in explain.explain(text)]
    # go mod tidy's exit status 128 (the last command shown) first, then go mod verify's findings.
    assert got == [("vcs-command-failed", demo.PRIVATE, "v1.1.0"), ("cache-modified", "example.com/web", "v1.2.0"),
                   ("zip-unreadable", "example.com/db", "v1.4.0")]


def test_our_module_graph_is_gos(demo_scenario):
    """The project's graph read in-process from the cache equals go's own, captured before the damage."""
    p = demo_scenario.paths
    mg = modload.load(p.project, sources.ModCacheSource(p.modcache))
    assert mg.graph_lines() == p.modgraph.read_text().splitlines()
    assert mg.list_lines() == p.buildlist.read_text().splitlines()
    # The scenario's lessons are in it: the diamond, the exclude, the replacement, pruning.
    assert mg.selected("example.com/log") == "v1.3.0" and mg.selected("example.com/json") == "v1.2.0"
    assert "example.com/yaml v1.0.0 => example.com/yamlfork v1.0.1" in mg.list_lines()
    assert mg.selected("example.com/bloat") == "none" and mg.selected("example.com/testkit") == "v1.0.0"


def test_network_run_went_through_both_lab_proxies(demo_scenario):
    p = demo_scenario.paths
    run = json.loads((p.net / "proxies.json").read_text())
    trace = xlog.parse(p.go_x_log)
    served = xlog.parse(p.access_log)
    http = trace[trace["kind"] == "http"]
    assert set(http["proxy"]) == {run["primary"], run["secondary"]}
    assert (trace["kind"] == "git").any(), "the private module is fetched with git"
    assert len(logstats.fallback_summary(trace)) > 0
    # Every request a server answered is in go's trace with the same URL and status.
    answered = served[served["status_code"].notna()]
    pairs = set(zip(http["url"], http["status_code"].astype("Int64")))
    assert all((u, c) in pairs for u, c in zip(answered["url"], answered["status_code"]))
    assert {"error", "missing", "stall"} <= set(served["fault"])


def test_the_smallest_fix_repairs_the_cache(demo_scenario, tmp_path):
    """What the demo prints as the fix, done on a copy: afterwards go mod verify and go mod tidy pass."""
    subprocess.run(["cp", "-a", str(demo_scenario.paths.root), str(tmp_path / "copy")], check=True)
    p = demo.paths(tmp_path / "copy")
    env = demo.go_env(p)
    result = scan_cache(p.modcache, gosum=[p.project / "go.sum"], index=False, progress=False)
    plan = repair.plan_repair(result)
    assert sorted(postmortem.action_label(a) for a in plan.actions if a.version) == [
        "example.com/db@v1.4.0", "example.com/log@v1.1.0", "example.com/web@v1.2.0"]
    applied = repair.apply(plan, refetch_after=True, env=env)
    assert applied.ok
    assert gotool.run_go(["mod", "download", f"{demo.PRIVATE}@v1.1.0"], cwd=p.project, env=env).returncode == 0
    assert gotool.run_go(["mod", "verify"], cwd=p.project, env=env).check().stdout.strip() == "all modules verified"
    gotool.run_go(["mod", "tidy"], cwd=p.project, env=env).check()
    assert scan_cache(p.modcache, gosum=[p.project / "go.sum"], index=False, progress=False).findings == ()
    assert demo_scenario.fix_commands[0] == f". {demo_scenario.paths.env_file}"
    assert demo_scenario.fix_commands[2].startswith(f"GOPROXY=file://{demo_scenario.paths.proxy} gomodlab fix ")


def test_the_printed_fix_works_when_pasted(tmp_path):
    """Every line the demo and its report print as the fix, pasted into bash as printed (a fresh
    scenario: the env file names its own paths); afterwards go mod verify and go build ./... pass."""
    import html
    import re

    res = demo.build(tmp_path / "scenario", report_path=tmp_path / "demo.html")
    assert res.report_status == "ok", res.report_error
    page = (tmp_path / "demo.html").read_text()
    shown = re.search(r'<pre[^>]*aria-label="the fix, one shell command per line"[^>]*><code>(.*?)</code></pre>', page, re.S)
    assert shown and html.unescape(shown.group(1)).splitlines() == list(res.fix_commands), "the report prints another fix"
    assert res.fix_commands[:2] == (f". {res.paths.env_file}", f"cd {res.paths.project}")
    script = "set -e\n" + "\n".join(res.fix_commands) + "\n"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "user-home")}
    (tmp_path / "user-home").mkdir()
    pasted = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert pasted.returncode == 0, pasted.stdout + pasted.stderr
    check = subprocess.run(["bash", "-c", f". {res.paths.env_file} && cd {res.paths.project} && go mod verify && go build ./..."],
                           env=env, capture_output=True, text=True, timeout=300)
    assert check.returncode == 0 and "all modules verified" in check.stdout, check.stdout + check.stderr


def test_article_universe_is_the_articles_build_list(tmp_path):
    main, proxy = demo.article_universe(tmp_path)
    mg = modload.load(main, sources.ProxySource(proxy))
    assert [str(m) for m in mg.build_list() if m.path != "go"] == [
        "example.com/a", "example.com/b@v1.1.0", "example.com/c@v1.2.0", "example.com/d@v1.4.0",
        "example.com/e@v1.2.0", "example.com/f@v1.1.0"]
    env = gotool.isolated_env(tmp_path / "go", proxy=proxy, flags="-mod=mod")
    assert gotool.run_go(["list", "-m", "all"], cwd=main, env=env).check().stdout.splitlines() == mg.list_lines()


@pytest.mark.slow
def test_gomodlab_demo_command(tmp_path):
    """`gomodlab demo` end to end, as `make demo` runs it: summary, report page, samples identical to data/demo."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-m", "gomodlab", "demo", "--dir", "scenario", "--samples", "samples"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr + out.stdout
    text = out.stdout
    for needle in ("what go said", "cache-modified", "vcs-command-failed", "module cache findings", "zip-unreadable",
                   "dir-partial", "vcs-broken", "the smallest fix", "gomodlab fix", "go clean -modcache would",
                   "report: reports/demo.html (ok)"):
        assert needle in text, needle
    page = (tmp_path / "reports" / "demo.html").read_text()
    assert 'data-status="ok"' in page and "Traceback" not in page
    samples = tmp_path / "samples"
    for name in demo.SAMPLE_FILES:
        body = (samples / name).read_text()
        assert str(tmp_path) not in body, f"{name} keeps a path of this run"
    for name in DETERMINISTIC:
        assert (samples / name).read_text() == (REPO / "data" / "demo" / name).read_text(), \
            f"data/demo/{name} is stale: regenerate the samples with `gomodlab demo --samples data/demo`"
    assert "http://127.0.0.1:7001" in (samples / "go-x.log").read_text()
