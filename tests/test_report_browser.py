"""The post-mortem page in real Chromium (Playwright driving the system browser, /usr/bin/chromium).

What a reader must get, checked where a reader looks: the summary section is the first thing in
the viewport at 1280×800; nothing overflows horizontally at 1280 px or on a 390 px phone (every
``<details>`` opened, so the evidence is measured too); every ``<img>`` has alt text; no table cell
shows pandas' NaN, None or a tuple; the page loads nothing but itself. Screenshots of both widths
go to ``tests/artifacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}

pytestmark = [pytest.mark.browser, pytest.mark.go]

# Elements wider than the viewport, as "tag.class right-edge" (details opened first).
_OVERFLOW = """() => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  const W = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && (r.right > W + 1 || r.left < -1)) out.push(`${el.tagName}.${el.className} ${Math.round(r.right)}`);
  }
  return {width: W, scroll: document.documentElement.scrollWidth, over: out.slice(0, 20)};
}"""

# The first element with visible text or an image, in document order.
_FIRST_VISIBLE = """() => {
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (!r.width || !r.height || s.visibility === 'hidden' || s.display === 'none') continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (own || el.tagName === 'IMG') return {tag: el.tagName, inSummary: !!el.closest('#summary'), top: r.top};
  }
  return null;
}"""


@pytest.fixture(scope="module")
def page_path(demo_scenario, tmp_path_factory) -> Path:
    """``gomodlab report postmortem … --out R.html`` on the demo scenario."""
    p = demo_scenario.paths
    out = tmp_path_factory.mktemp("browser") / "R.html"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    res = subprocess.run([sys.executable, "-m", "gomodlab", "report", "postmortem", "--out", str(out),
                          "--project", str(p.project), "--modcache", str(p.modcache), "--log", str(p.go_error),
                          "--xlog", str(p.go_x_log), "--access-log", str(p.access_log),
                          "--proxy", f"file://{p.proxy}"], cwd=p.root, env=env, capture_output=True, text=True,
                         timeout=600)
    assert res.returncode == 0, res.stdout + res.stderr
    return out


@pytest.fixture(params=sorted(WIDTHS))
def opened(request, browser, page_path):
    w, h = WIDTHS[request.param]
    page = browser.new_page(viewport={"width": w, "height": h})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_path.as_uri(), wait_until="load")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"postmortem-{request.param}-{w}px.png"))
    yield request.param, page, requests
    page.close()


def test_summary_is_the_first_thing_in_the_viewport(opened):
    name, page, _ = opened
    assert page.evaluate("document.querySelector('section').id") == "summary"
    first = page.evaluate(_FIRST_VISIBLE)
    assert first and first["inSummary"] and 0 <= first["top"] < 100, first
    box = page.locator("#summary").bounding_box()
    assert box and box["y"] < 60
    if name == "desktop":
        # Root cause, damaged module and the fix are all on the first 1280x800 screen.
        fix = page.locator("#summary pre.gml-fix").bounding_box()
        assert fix and fix["y"] + fix["height"] <= 800, fix
        text = page.locator("#summary").inner_text()
        assert "example.com/web@v1.2.0" in text and "gomodlab fix" in text and "go mod verify" in text
        assert page.evaluate("getComputedStyle(document.querySelector('#summary pre.gml-fix')).userSelect") == "all"


def test_nothing_overflows_horizontally(opened):
    name, page, _ = opened
    found = page.evaluate(_OVERFLOW)
    assert found["scroll"] <= found["width"] and not found["over"], (name, found)
    page.screenshot(path=str(ARTIFACTS / f"postmortem-{name}-{WIDTHS[name][0]}px-full.png"), full_page=True)


def test_images_alt_and_cells_are_formatted(opened):
    _, page, requests = opened
    assert requests and all(u.startswith(("file:", "data:")) for u in requests), requests
    alts = page.evaluate("[...document.querySelectorAll('img')].map(i => [i.alt.trim(), i.complete && i.naturalWidth])")
    assert len(alts) >= 3 and all(a and len(a) > 20 and w for a, w in alts), alts
    assert not any(a.lower().startswith("no description") for a, _ in alts)
    cells = page.evaluate("[...document.querySelectorAll('td, th')].map(c => c.textContent)")
    assert len(cells) > 50
    bad = [c for c in cells if "NaN" in c or "None" in c or "((" in c or "\\n" in c]
    assert not bad, bad[:5]
    # Figures never wider than their column.
    assert page.evaluate("[...document.querySelectorAll('img')].every(i => i.getBoundingClientRect().right "
                         "<= document.documentElement.clientWidth)")


def test_print_opens_every_details(browser, page_path):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(page_path.as_uri(), wait_until="load")
        assert page.evaluate("[...document.querySelectorAll('.gml details')].some(d => !d.open)")
        page.emulate_media(media="print")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        assert page.evaluate("[...document.querySelectorAll('.gml details')].every(d => d.open)")
        assert page.evaluate("getComputedStyle(document.querySelector('.gml')).maxWidth") == "none"
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
    finally:
        page.close()
