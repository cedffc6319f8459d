"""The four interactive notebooks in a real JupyterLab, driven by Playwright in Debian's Chromium.

One JupyterLab server for the module (loopback, no token, ``expose_app_in_browser`` so the page's
``window.jupyterapp`` runs commands), its settings, workspaces and runtime files under a temporary
directory, the kernel importing this checkout. For each notebook: open it, run all cells, check
that no cell has an error output, then move every widget of its app the way a person would
(keyboard on sliders, pick in dropdowns, click buttons, tick boxes) and check that what the page
shows changes accordingly. The window is 1280×800 with the file browser open: figures and
widget labels must fit the cell there (nothing wider than the notebook, no label cut off with
an ellipsis). Screenshots go to ``tests/artifacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gomodlab.lab import report

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"
VIEWPORT = {"width": 1280, "height": 800}

pytestmark = [pytest.mark.browser, pytest.mark.go, pytest.mark.slow]

# The open notebook: kernel status, code cells not run yet (or running), error outputs.
_STATE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = [...panel.content.widgets].filter(c => c.model.type === 'code');
  const errors = [];
  cells.forEach((c, i) => {
    for (const o of c.model.outputs.toJSON()) if (o.output_type === 'error') errors.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
  });
  return {kernel: kernel ? kernel.status : 'none', pending: cells.filter(c => c.model.executionCount === null).length,
          running: document.querySelectorAll('.jp-InputPrompt').length ?
            [...document.querySelectorAll('.jp-InputPrompt')].filter(p => p.textContent.includes('*')).length : 0,
          errors};
}"""

# Elements of the notebook's outputs wider than the notebook area, and labels cut off by CSS.
_FIT = """() => {
  const area = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer, .jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  const right = area.getBoundingClientRect().right, over = [], cut = [];
  for (const el of document.querySelectorAll('.jp-OutputArea-output *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > right + 1 && !el.closest('.jp-RenderedHTMLCommon table, .jp-RenderedText, pre'))
      over.push(`${el.tagName}.${el.className && el.className.baseVal !== undefined ? el.className.baseVal : el.className} right=${Math.round(r.right)} > ${Math.round(right)}`);
  }
  for (const el of document.querySelectorAll('.widget-label, .widget-label-basic, .widget-inline-hbox label, .jupyter-button, .widget-toggle-button, .widget-tab .lm-TabBar-tabLabel, .widget-tab .p-TabBar-tabLabel')) {
    if (el.offsetWidth > 0 && el.scrollWidth > el.clientWidth + 1) cut.push(el.textContent.trim());
  }
  return {over: over.slice(0, 20), cut};
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(browser, demo_scenario, tmp_path_factory):
    """A JupyterLab on a notebook folder holding copies of the notebooks, parameters injected."""
    import nbformat

    if shutil.which("jupyter-lab", path=os.path.dirname(sys.executable)) is None:
        pytest.skip("jupyterlab is not installed next to this python (pip install -e .[test])")
    root = tmp_path_factory.mktemp("lab")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    copy = root / "demo"
    subprocess.run(["cp", "-a", str(demo_scenario.paths.root), str(copy)], check=True)
    params = {"cache-doctor": {"demo_dir": str(copy)},
              "mvs-lesson": {"workdir": str(root / "mvs")},
              "tidy-lesson": {"workdir": str(root / "tidy")},
              "proxy-latency": {"n": 4000}}
    for name, p in params.items():
        nb = nbformat.read(report.NOTEBOOK_DIR / f"{name}.ipynb", as_version=4)
        report.inject_parameters(nb, p)
        nbformat.write(nb, notebooks / f"{name}.ipynb")
    settings = root / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # No "Would you like to get notified about news?" toast over the notebook.
    (settings / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false",
                                                                          "checkForUpdates": False}))
    # Every cell rendered, not only those scrolled into view (the default "full" windowing), so
    # the test can find each app and measure each output.
    tracker = root / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
           "JUPYTERLAB_SETTINGS_DIR": str(root / "settings"), "JUPYTERLAB_WORKSPACES_DIR": str(root / "workspaces"),
           "JUPYTER_RUNTIME_DIR": str(root / "runtime"), "JUPYTER_CONFIG_DIR": str(root / "config")}
    port = _free_port()
    log = open(root / "lab.log", "wb")
    proc = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "jupyter-lab"), "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0", "--allow-root", "--IdentityProvider.token=",
         "--ServerApp.password=", "--LabApp.expose_app_in_browser=True", f"--ServerApp.root_dir={notebooks}"],
        cwd=notebooks, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.close()
                pytest.fail("jupyter lab did not start:\n" + (root / "lab.log").read_text())
            time.sleep(0.5)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _open(browser, url: str, name: str):
    """The notebook in a workspace of its own (nothing restored from another test), file browser open."""
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(f"{url}/lab/workspaces/{name}/tree/{name}.ipynb?reset", wait_until="domcontentloaded")
    page.wait_for_function(
        """(path) => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
             const k = w && w.context && w.context.path === path && w.sessionContext.session
                       && w.sessionContext.session.kernel;
             return k && k.status === 'idle'; }""", arg=f"{name}.ipynb", timeout=120_000)
    if page.evaluate("window.jupyterapp.shell.leftCollapsed"):
        page.evaluate("window.jupyterapp.commands.execute('filebrowser:activate')")
    return page


def _run_all(page, timeout_s: float = 400) -> dict:
    """notebook:run-all-cells, then wait until every code cell ran and the kernel is idle."""
    deadline = time.monotonic() + timeout_s
    state = None
    for _attempt in range(2):
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        started = time.monotonic()
        while time.monotonic() < deadline:
            page.wait_for_timeout(1000)
            state = page.evaluate(_STATE)
            if state and state["kernel"] == "idle" and state["pending"] == 0 and state["running"] == 0:
                return state
            if state and state["running"] == 0 and state["kernel"] == "idle" and time.monotonic() - started > 15:
                break  # the command met a notebook not ready yet: nothing runs; ask again
    raise AssertionError(f"the notebook did not finish running: {state}")


def _shot(target, name: str) -> None:
    target.screenshot(path=str(ARTIFACTS / f"lab-{name}.png"))


def _fits(page) -> None:
    fit = page.evaluate(_FIT)
    assert not fit["over"], f"wider than the notebook at 1280 px with the file browser open: {fit['over']}"
    assert not fit["cut"], f"labels cut off: {fit['cut']}"


def _changes(page, locator, action, timeout_ms: int = 60_000) -> str:
    """Do ``action`` and wait until ``locator``'s HTML differs from before; return the new HTML."""
    before = locator.inner_html()
    action()
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        page.wait_for_timeout(200)
        after = locator.inner_html()
        if after != before:
            page.wait_for_timeout(300)
            return locator.inner_html()
    raise AssertionError(f"{locator} did not change")


def _aria(locator) -> str:
    return locator.locator("svg").first.get_attribute("aria-label") or ""


def _nodes(locator) -> int:
    return locator.locator("svg g[id^='node:']").count()


def _slide(page, slider, key: str = "ArrowRight", times: int = 1) -> None:
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    for _ in range(times):
        page.keyboard.press(key)


@pytest.fixture(scope="module")
def ran(browser, lab):
    """Each notebook opened and run once; the page stays open for the widget tests."""
    pages: dict[str, object] = {}

    def get(name: str):
        if name not in pages:
            page = _open(browser, lab, name)
            state = _run_all(page)
            _shot(page, f"{name}-ran")
            pages[name] = (page, state)
        return pages[name]

    yield get
    for page, _ in pages.values():
        page.close()


@pytest.mark.parametrize("name", ["cache-doctor", "mvs-lesson", "proxy-latency", "tidy-lesson"])
def test_runs_all_cells_without_errors(ran, name):
    page, state = ran(name)
    assert not state["errors"], state["errors"]
    assert page.locator(".gml-app").count() >= 1, "the notebook's app is on the page"
    _fits(page)


def test_cache_doctor_widgets(ran):
    page, _ = ran("cache-doctor")
    app = page.locator(".gml-app").first
    app.scroll_into_view_if_needed()
    _shot(app, "cache-doctor-app")
    findings, plan, applied = app.locator(".gml-findings"), app.locator(".gml-plan"), app.locator(".gml-applied")
    summary = app.locator(".gml-summary")
    assert "zip-unreadable" in findings.inner_text() and "4 findings" in summary.inner_text()
    assert "move 4 entries" in plan.inner_text()
    apply = app.get_by_role("button", name="move them into quarantine")
    assert apply.is_disabled()
    _changes(page, plan, lambda: app.locator(".widget-select-multiple select").select_option(["example.com/db@v1.4.0"]))
    assert "move 1 entry" in plan.inner_text() and "example.com/web" not in plan.inner_text()
    app.get_by_text("afterwards, download them again with go mod download").click()
    assert apply.is_disabled(), "no move without the confirmation"
    app.get_by_text("I have read the plan:").click()
    page.wait_for_function("(b) => !b.disabled", arg=apply.element_handle(), timeout=10_000)
    _shot(app, "cache-doctor-confirmed")
    _changes(page, applied, apply.click, timeout_ms=180_000)
    text = applied.inner_text()
    assert "example.com/db@v1.4.0: moved" in text and "refetch example.com/db@v1.4.0: ok" in text, text
    assert "undo with: gomodlab fix --restore" in text
    page.wait_for_function("(s) => s.textContent.includes('3 findings')", arg=summary.element_handle(), timeout=30_000)
    assert "zip-unreadable" not in findings.inner_text()
    assert apply.is_disabled() and not app.get_by_role("checkbox", name="I have read the plan:").is_checked()
    app.get_by_role("button", name="scan again").click()
    page.wait_for_timeout(1500)
    assert "3 findings" in summary.inner_text()
    _shot(app, "cache-doctor-applied")
    _fits(page)


def test_mvs_lesson_widgets(ran):
    page, _ = ran("mvs-lesson")
    article, large = page.locator(".gml-app").nth(0), page.locator(".gml-app").nth(1)
    article.scroll_into_view_if_needed()
    why, drawn = article.locator(".gml-why"), article.locator(".gml-graph")
    selects = article.locator(".widget-dropdown select")
    _changes(page, why, lambda: selects.nth(0).select_option("example.com/d"))
    assert "is selected" in why.inner_text() and "example.com/c@v1.2.0" in why.inner_text()
    _changes(page, why, lambda: selects.nth(1).select_option("v1.3.0"))
    assert "v1.4.0 is higher" in why.inner_text()
    whole = _nodes(drawn)
    _changes(page, drawn, lambda: article.get_by_role("button", name="only the paths to it").click())
    assert 0 < _nodes(drawn) < whole and "reaches example.com/d@v1.3.0" in _aria(drawn)
    _shot(article, "mvs-why")
    article.get_by_role("tab", name="What would go get change?").click()
    changes = article.locator(".gml-changes")
    article.locator(".widget-text input").fill("example.com/c@v1.3.0")
    _changes(page, changes, lambda: article.get_by_role("button", name="show what changes").click())
    assert "upgrade" in changes.inner_text() and "v1.5.0" in changes.inner_text()
    _shot(article, "mvs-go-get")
    article.locator(".widget-text input").fill("nonsense")
    _changes(page, changes, lambda: article.get_by_role("button", name="show what changes").click())
    assert "want MODULE@VERSION" in changes.inner_text()
    article.get_by_role("tab", name="MVS step by step").click()
    frame = article.locator(".gml-frame")
    assert "step 0" in _aria(frame)
    _changes(page, frame, lambda: _slide(page, article.locator(".widget-slider"), times=3))
    assert "step 3" in _aria(frame), _aria(frame)
    _shot(article, "mvs-step")
    _fits(page)
    # The 500-module graph: the paths to the chosen module, everything else counted in boxes.
    large.scroll_into_view_if_needed()
    ldrawn = large.locator(".gml-graph")
    first = _aria(ldrawn)
    assert "of 741 module versions drawn" in first and _nodes(ldrawn) <= 60, first
    _shot(large, "mvs-large-paths")
    _changes(page, ldrawn, lambda: large.locator(".widget-dropdown select").nth(0).select_option("example.com/m499"))
    assert "example.com/m499@" in _aria(ldrawn) and "more counted in boxes" in _aria(ldrawn)
    _shot(large, "mvs-large-m499")
    _changes(page, ldrawn, lambda: large.get_by_role("button", name="the whole graph").click())
    assert "60 of 741 module versions drawn" in _aria(ldrawn), _aria(ldrawn)
    _fits(page)


def test_proxy_latency_widgets(ran):
    page, _ = ran("proxy-latency")
    app = page.locator(".gml-app").first
    app.scroll_into_view_if_needed()
    _shot(app, "proxy-app")
    summary, figure = app.locator(".gml-summary"), app.locator(".gml-figure-out")
    assert "GOPROXY=http://primary.lab|http://secondary.lab" in summary.inner_text()
    sliders = app.locator(".widget-slider")
    assert sliders.count() == 6
    for i in range(6):
        before = summary.inner_text()
        _changes(page, summary, lambda i=i: _slide(page, sliders.nth(i), times=5))
        assert summary.inner_text() != before
    fig = figure.inner_html()
    _changes(page, summary, lambda: app.get_by_role("button", name=", (only 404 and 410 fall through)").click())
    assert "|" not in summary.inner_text().split("GOPROXY=")[1].split()[0]
    assert figure.inner_html() != fig
    _shot(app, "proxy-comma")
    _fits(page)


def test_tidy_lesson_widgets(ran):
    """Change a build constraint and an import in the app; the go.mod it shows changes as tidy's would."""
    page, _ = ran("tidy-lesson")
    app = page.locator(".gml-app").first
    app.scroll_into_view_if_needed()
    gomod, diff, edits = app.locator(".gml-gomod"), app.locator(".gml-diff"), app.locator(".gml-edits")
    assert "example.com/pgdriver v1.0.0" in gomod.inner_text() and "example.com/tmpl v1.3.0" in gomod.inner_text()
    assert "+\texample.com/tmpl v1.3.0" in diff.inner_text()
    _shot(app, "tidy-app")
    selects = app.locator(".widget-dropdown select")
    # The file, then its constraint: //go:build ignore takes pgdriver (and decimal's v1.2.0) out.
    selects.nth(2).select_option("store/store_postgres.go")
    page.wait_for_timeout(500)
    assert selects.nth(3).input_value() == "//go:build postgres", "the file's own constraint is preselected"
    selects.nth(3).select_option(label="//go:build ignore")
    _changes(page, gomod, lambda: app.get_by_role("button", name="tidy with this constraint").click())
    assert "pgdriver" not in gomod.inner_text(), gomod.inner_text()
    assert "store/store_postgres.go: //go:build ignore" in edits.inner_text()
    _shot(app, "tidy-ignore")
    # render no longer imports tmpl/html: tmpl goes, and the go line stays 1.21.
    selects.nth(0).select_option("example.com/shop/render")
    selects.nth(1).select_option(label="no longer imports")
    page.wait_for_timeout(500)
    app.locator(".gml-import input").fill("example.com/tmpl/html")
    _changes(page, gomod, lambda: app.get_by_role("button", name="tidy with this import").click())
    text = gomod.inner_text()
    assert "example.com/tmpl" not in text and "go 1.21" in text, text
    _shot(app, "tidy-no-tmpl")
    # An import nothing provides: go's error, in go's words.
    selects.nth(1).select_option(label="imports")
    page.wait_for_timeout(500)
    app.locator(".gml-import input").fill("example.com/nowhere/x")
    summary = app.locator(".gml-summary")
    _changes(page, summary, lambda: app.get_by_role("button", name="tidy with this import").click())
    assert "cannot find module providing package example.com/nowhere/x" in summary.inner_text()
    _shot(app, "tidy-error")
    _changes(page, gomod, lambda: app.get_by_role("button", name="start again").click())
    assert "example.com/tmpl v1.3.0" in gomod.inner_text() and "none yet" in edits.inner_text()
    _fits(page)
