"""``gomodlab report``: the post-mortem page, its command line, and the page opened in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from gomodlab.lab import demo, report
from gomodlab.cli import reportcmd

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]


def _gomodlab(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "gomodlab", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def postmortem_page(demo_scenario, tmp_path_factory) -> Path:
    """The post-mortem of the demo scenario, made with the command line's shorthand options."""
    p = demo_scenario.paths
    out = tmp_path_factory.mktemp("report") / "pm.html"
    res = _gomodlab("report", "postmortem", "--out", str(out), "--project", str(p.project), "--modcache",
                    str(p.modcache), "--log", str(p.go_error), "--xlog", str(p.go_x_log), "--access-log",
                    str(p.access_log), "--proxy", f"file://{p.proxy}", "--param", 'title="demo post-mortem"',
                    cwd=p.root)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.startswith(f"{out}: ok")
    return out


@pytest.fixture(scope="module")
def failing_page(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    d = tmp_path_factory.mktemp("failing")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A notebook that fails"),
        nbformat.v4.new_code_cell("answer = 41", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print('before the failure')"),
        nbformat.v4.new_code_cell("raise RuntimeError(f'the answer is not {answer}')"),
        nbformat.v4.new_code_cell("print('never printed')"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, d / "fails.ipynb")
    res = _gomodlab("report", "fails.ipynb", "--out", "fails.html", "--param", "answer=40", cwd=d)
    return d / "fails.html", res


def test_postmortem_page_has_every_section(postmortem_page):
    page = postmortem_page.read_text()
    assert 'data-status="ok"' in page and "<h1>demo post-mortem</h1>" in page
    assert 'id="gomodlab-banner"' not in page, "no banner above the summary when the run went well"
    sections = re.findall(r'<section[^>]*\bid="([^"]+)"', page)
    assert sections == ["summary", "impact", "timeline", "evidence", "figures", "about"]
    first = page[page.index("<section"):page.index("</section>")]
    assert 'id="summary"' in first and "example.com/web@v1.2.0" in first
    assert "gomodlab fix" in first and "--apply --refetch" in first and "go mod verify" in first
    for fact in ("vcs-command-failed", "zip-unreadable", "dir-partial", "cache-damaged", "example.com/yamlfork",
                 "data:image/svg+xml", "<details"):
        assert fact in page, fact
    # Inlined figures are base64: a "cdn" inside one is not a CDN reference.
    text = re.sub(r"data:[^\"')]+", "", page)
    assert "Traceback" not in text and "<script src=" not in text and "cdn" not in text.lower()
    assert "Evidence.from_params" not in page and "investigate(" not in page, "code cells' input is left out"
    body = text[text.index("<section"):text.rindex("</section>")]  # past JupyterLab's stylesheet
    assert "NaN" not in body and "None" not in body and "((" not in body and "\\n" not in body
    assert "dataframe" not in body, "every table is formatted, none is pandas' own"


def test_failing_notebook_still_writes_its_page(failing_page):
    page_path, res = failing_page
    assert res.returncode == 1
    assert "the notebook failed" in res.stderr and "RuntimeError: the answer is not 40" in res.stderr
    page = page_path.read_text()
    assert 'data-status="failed"' in page and "RuntimeError: the answer is not 40" in page
    assert "before the failure" in page and "never printed" not in page


def test_report_command_errors(tmp_path):
    res = _gomodlab("report", "no-such-notebook", cwd=tmp_path)
    assert res.returncode == 2 and "no notebook named 'no-such-notebook'" in res.stderr
    assert "postmortem" in res.stderr
    res = _gomodlab("report", "--param", "1x=2", cwd=tmp_path)
    assert res.returncode == 2 and "NAME=VALUE" in res.stderr
    res = _gomodlab("report", str(tmp_path / "missing.ipynb"), cwd=tmp_path)
    assert res.returncode == 2 and "no such notebook" in res.stderr


@pytest.mark.parametrize("item, want", [
    ("n=3", ("n", 3)), ("flag=true", ("flag", True)), ("x=null", ("x", None)),
    ('mods=["a","b"]', ("mods", ["a", "b"])),
    ("path=/tmp/go.log", ("path", "/tmp/go.log")), ('s="7"', ("s", "7")), ("empty=", ("empty", "")),
    ("url=http://h:1/a=b", ("url", "http://h:1/a=b")),
])
def test_parse_param(item, want):
    assert reportcmd.parse_param(item) == want


def test_parameters_are_injected_after_the_parameters_cell():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("a = 1"),
                                         nbformat.v4.new_code_cell("b = 2", metadata={"tags": ["parameters"]}),
                                         nbformat.v4.new_code_cell("print(a, b)")])
    report.inject_parameters(nb, {"b": "x", "c": [1]})
    injected = "# Parameters injected by gomodlab report\nb = 'x'\nc = [1]\n"
    assert [c.source for c in nb.cells][1:3] == ["b = 2", injected]
    report.inject_parameters(nb, {"b": 3})
    assert sum("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1


# --- the page in a real browser --------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (make test installs it with apt when run as root)")
    sync = pytest.importorskip("playwright.sync_api", reason="playwright is a test dependency: pip install -e .[test]")
    with sync.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()


def _open(browser, path: Path):
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    return page, requests


@pytest.mark.browser
def test_failed_page_in_chromium(browser, failing_page):
    page, requests = _open(browser, failing_page[0])
    try:
        assert all(u.startswith(("file:", "data:")) for u in requests), requests
        banner = page.locator("#gomodlab-banner.failed")
        assert banner.count() == 1 and banner.get_attribute("data-status") == "failed"
        assert "RuntimeError: the answer is not 40" in banner.inner_text()
        color = page.evaluate("getComputedStyle(document.querySelector('#gomodlab-banner')).borderLeftColor")
        assert color == "rgb(198, 40, 40)"
    finally:
        page.close()


def test_make_lab_allows_root_only_as_root(tmp_path):
    out = subprocess.run(["make", "-n", "lab", f"VENV={tmp_path / 'venv'}"], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    lab = [line for line in out.stdout.splitlines() if "jupyter lab" in line]
    assert lab and ("--allow-root" in lab[-1]) == (os.getuid() == 0)
    assert "--notebook-dir=notebooks" in lab[-1]


def test_make_test_installs_chromium_only_as_root(tmp_path):
    out = subprocess.run(["make", "-n", "test", f"VENV={tmp_path / 'venv'}"], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert re.search(r'command -v chromium .*\$\(id -u\)" = 0 \]; then apt-get update -qq '
                     r'&& apt-get install -y -qq chromium', out.stdout)


def test_demo_report_params_match_the_notebook():
    nb = nbformat.read(report.NOTEBOOK_DIR / "postmortem.ipynb", as_version=4)
    [cell] = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    names = set(re.findall(r"^(\w+) = ", cell.source, re.M))
    assert set(demo.postmortem_params(demo.paths("/x"))) <= names
    assert {name for name, _ in reportcmd.SHORTHANDS.values()} <= names


# --- the post-mortem's own analyses ------------------------------------------------------------------

def _diag(category, module, version, fix, lines=(1,)):
    from gomodlab.diagnose.explain import Diagnosis, Evidence

    return Diagnosis(category, module, version, tuple(Evidence(n, "x") for n in lines), tuple(fix), "s")


def test_smallest_fix_puts_one_repair_first_and_verify_last():
    from gomodlab.lab import postmortem
    from gomodlab.cache import repair

    diags = [_diag("cache-modified", "example.com/web", "v1.2.0", ["gomodlab fix --module example.com/web@v1.2.0",
                                                                   "go mod verify"]),
             _diag("vcs-command-failed", "example.com/r.git", "v1.0.0", ["gomodlab fix /c --path /c/cache/vcs/ab --apply",
                                                                         "go mod download example.com/r.git@v1.0.0"]),
             _diag("missing-gosum-entry", "example.com/x", "v1.0.0", ["go mod download example.com/x"])]
    move = repair.Move("cache/vcs/ab", "dir", 10)
    plan = repair.Plan("/c", (repair.Action("example.com/web", "v1.2.0", "damaged", ("dir-modified",), "l",
                                            (move,), True),
                              repair.Action("example.com/r.git", "", "damaged", ("vcs-broken",), "l", (move,), False)),
                       100, 3)
    ev = postmortem.Evidence(gosum=(Path("/p/go.sum"),), goproxy="file:///srv/proxy")
    assert postmortem.smallest_fix(diags, plan, ev) == [
        "GOPROXY=file:///srv/proxy gomodlab fix /c --gosum /p/go.sum --apply --refetch",
        "go mod download example.com/r.git@v1.0.0", "go mod download example.com/x", "go mod verify"]
    assert postmortem.smallest_fix(diags) == [
        "gomodlab fix --module example.com/web@v1.2.0", "go mod verify", "gomodlab fix /c --path /c/cache/vcs/ab --apply",
        "go mod download example.com/r.git@v1.0.0", "go mod download example.com/x"]
    assert [postmortem.action_label(a) for a in plan.actions] == ["example.com/web@v1.2.0", "cache/vcs/ab"]


def test_evidence_and_tables():
    from gomodlab.lab import postmortem
    from gomodlab.errors import SourceError

    ev = postmortem.Evidence.from_params(modules="a.com/x, b.com/y")
    assert ev.samples and ev.go_log == demo.sample_dir() / "go-error.txt" and ev.modules == ("a.com/x", "b.com/y")
    assert "built-in demo's samples" in ev.table()["value"].iloc[-1]
    with pytest.raises(SourceError, match="go_log: .*no such file"):
        postmortem.Evidence.from_params(go_log="/no/such/log")
    mg = postmortem.load_graph(ev)
    assert mg.main.path == "example.com/shop"
    diags = [_diag("zip-unreadable", "example.com/db", "v1.4.0", ["a", "b"], lines=(2, 3, 4, 9)),
             _diag("module-not-found", "example.com/gone", "v9.0.0", [])]
    frame = postmortem.diagnoses_frame(diags)
    assert list(frame.columns) == ["category", "module", "version", "lines", "summary", "fix"]
    assert frame["lines"].tolist() == ["2-4,9", "1"] and frame["fix"].iloc[0] == "a\nb"
    assert postmortem.named_modules(diags, mg, ["example.com/web@v1.2.0"]) == ["example.com/web", "example.com/db"]
    assert postmortem.named_modules(diags) == ["example.com/db", "example.com/gone"]
    with pytest.raises(SourceError, match="no module graph"):
        postmortem.load_graph(postmortem.Evidence())


def test_focus_graph_keeps_the_paths_of_large_graphs():
    from gomodlab.load import modload
    from gomodlab.lab import postmortem

    text = "m a@v1\nm b@v1\n" + "".join(f"a@v1 x{i}@v1\n" for i in range(100)) + "b@v1 c@v1\nc@v1 d@v1\n"
    mg = modload.graph_from_text(text)
    G, on_path = postmortem.focus_graph(mg, ["d"], limit=50)
    assert on_path == {"m", "b@v1", "c@v1", "d@v1"}
    assert set(G.nodes) == {"m", "a@v1", "b@v1", "c@v1", "d@v1"} and G.graph["total_nodes"] == 105
    whole, _ = postmortem.focus_graph(mg, ["d"], limit=500)
    assert whole.number_of_nodes() == 105


def test_fix_lines_split_joined_and_escaped_newlines():
    from gomodlab.lab import postmortem

    assert postmortem.fix_lines(["a --x\nb", "c\\nd", "a --x", "  "]) == ["a --x", "b", "c", "d"]


def test_lab_proxies_only_from_the_demos_record(tmp_path):
    import json

    from gomodlab.lab import postmortem

    (tmp_path / "go-x.log").write_text("")
    ev = postmortem.Evidence(xlog=tmp_path / "go-x.log")
    assert postmortem.lab_proxies(ev) == ()
    (tmp_path / "proxies.json").write_text(json.dumps({"primary": "http://127.0.0.1:7001",
                                                       "secondary": "http://127.0.0.1:7002"}))
    assert postmortem.lab_proxies(ev) == ("http://127.0.0.1:7001", "http://127.0.0.1:7002")


def test_sections_of_an_investigation_with_nothing_wrong():
    import pandas as pd

    from gomodlab.lab import postmortem, postmortem_page as page

    inv = postmortem.Investigation(postmortem.Evidence())
    html = page.summary(inv, "Nothing to see")
    assert html.startswith('<section id="summary" class="gml-summary clean"') and "No problem was found" in html
    assert "gml-fix" not in html and page.impact(inv) == "" and page.figures(inv) == ""
    events = postmortem.timeline(inv, now=pd.Timestamp("2026-12-03 12:00", tz="UTC"))
    assert [e.source for e in events] == ["gomodlab"]
    assert "2026-12-03 12:00:00 UTC" in page.timeline(inv, events)
    assert page._answers([(404,), (None,), (500, 404)]) == "404, no answer, 500, 404"


@pytest.mark.go
def test_investigation_of_the_demo(demo_scenario):
    from gomodlab.lab import postmortem, postmortem_page as page

    params = {k: v for k, v in demo.postmortem_params(demo_scenario.paths).items() if k != "title"}
    inv = postmortem.investigate(postmortem.Evidence.from_params(**params))
    assert inv.primary is not None and inv.commands == ["go mod verify", "go mod tidy"]
    assert inv.fix[-1] == "go mod verify" and all("\n" not in c for c in inv.fix)
    events = postmortem.timeline(inv)
    assert [e.time for e in events] == sorted(e.time for e in events) and len(events) >= 5
    assert {"module cache", "access log", "go output", "gomodlab"} <= {e.source for e in events}
    html = page.page(inv, events)
    assert html.index('id="summary"') < html.index('id="impact"') < html.index('id="timeline"') \
        < html.index('id="evidence"') < html.index('id="figures"')
    assert "lab proxy :" in html and "127.0.0.1" not in html.split('id="about"')[0].split('id="figures"')[0]
