"""The three interactive notebooks in a real JupyterLab, driven by Playwright in Debian's Chromium.

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
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]
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
def browser():
    if CHROMIUM is None:
        pytest.skip("no chromium on PATH (apt-get install chromium; make test does it when run as root)")
    sync = pytest.importorskip("playwright.sync_api", reason="playwright is a test dependency: pip install -e .[test]")
    with sync.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


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
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(f"{url}/lab/tree/{name}.ipynb", wait_until="domcontentloaded")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.sessionContext"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                           timeout=120_000)
    if page.evaluate("window.jupyterapp.shell.leftCollapsed"):
        page.evaluate("window.jupyterapp.commands.execute('filebrowser:activate')")
    return page


def _run_all(page, timeout_s: float = 400) -> dict:
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    deadline = time.monotonic() + timeout_s
    state = None
    while time.monotonic() < deadline:
        page.wait_for_timeout(1000)
        state = page.evaluate(_STATE)
        if state and state["kernel"] == "idle" and state["pending"] == 0 and state["running"] == 0:
            page.wait_for_timeout(1000)
            state = page.evaluate(_STATE)
            if state["kernel"] == "idle" and state["pending"] == 0:
                return state
    raise AssertionError(f"the notebook did not finish running: {state}")


def _shot(page, name: str, locator=None) -> None:
    target = locator if locator is not None else page
    target.screenshot(path=str(ARTIFACTS / f"lab-{name}.png"))


@pytest.mark.parametrize("name", ["cache-doctor", "mvs-lesson", "proxy-latency"])
def test_notebook_runs_in_lab(browser, lab, name):
    page = _open(browser, lab, name)
    state = _run_all(page)
    assert not state["errors"], state["errors"]
    app = page.locator(".gml-app").first
    app.scroll_into_view_if_needed()
    _shot(page, f"{name}-app")
    fit = page.evaluate(_FIT)
    page.close()
    assert not fit["over"] and not fit["cut"], fit
