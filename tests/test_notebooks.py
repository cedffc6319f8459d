"""Every notebook of the kit runs top to bottom, headless (nbclient), on the demo data, offline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from gomodlab.lab import report

pytestmark = [pytest.mark.go, pytest.mark.slow]

WIDGET = "application/vnd.jupyter.widget-view+json"


def _params(name: str, scenario, tmp_path: Path) -> dict[str, object]:
    p = scenario.paths
    return {
        # No parameters at all: the post-mortem reads the committed samples in data/demo.
        "postmortem": {},
        "cache-doctor": {"demo_dir": str(p.root)},
        "mvs-lesson": {"workdir": str(tmp_path / "mvs")},
        "tidy-lesson": {"workdir": str(tmp_path / "tidy")},
        # A small fleet, workers as threads: the generation, both fleet runs and the figures in seconds.
        "fleet": {"workdir": str(tmp_path / "fleet"), "n_caches": 9, "n_logs": 120, "threads": True, "workers": 2},
        "proxy-latency": {"xlog": str(p.go_x_log), "access_log": str(p.access_log),
                          "proxies": str(p.net / "proxies.json"), "n": 5000, "report": True},
    }[name]


#: What each notebook must show (strings in its outputs).
EXPECT = {
    "postmortem": ["vcs-command-failed", "the built-in demo's samples", "example.com/yamlfork", "Critical path",
                   "go mod download example.com/private/auth.git@v1.1.0"],
    "cache-doctor": ["zip-unreadable", "cache-damaged", "Trim plan", "Move **4** entries"],
    "mvs-lesson": ["`go list -m all` and gomodlab: **identical**", "real `go get` then `go list -m all`: **identical**",
                   "indirect-import", "example.com/a &gt; example.com/b &gt; example.com/d &gt; example.com/e",
                   "+\texample.com/f v1.1.0 // indirect", "`go mod why -m` and gomodlab: **identical**"],
    "tidy-lesson": ["go.mod and go.sum of the last round and of the real `go mod tidy`: **identical**",
                    "resolve missing imports by query", "example.com/tmpl/html", "+\texample.com/tmpl v1.3.0",
                    "What brings each module in: shop/cart → money, decimal", "store/store_postgres.go"],
    "fleet": ["Upstream: yaml@v1.4.0 on", "grpcish@v0.9.1", "turned slow on 2026-11-27", "runners diverge",
              "upstream corruptions (module, version, runners): **found**", "local damage (runner, module, version): **found**",
              "recorded as failed inputs: **found**"],
    "proxy-latency": ["GOPROXY = http://127.0.0.1:", "ks_distance", "request(s) failed", "fallback_rate", "from_proxy"],
}


def _outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            for mime, value in out.get("data", {}).items():
                if mime.startswith("text/"):
                    parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts)


def test_every_notebook_is_tested():
    assert {p.stem for p in report.NOTEBOOK_DIR.glob("*.ipynb")} == set(EXPECT)


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_notebook_runs_headless(name, demo_scenario, tmp_path):
    params = _params(name, demo_scenario, tmp_path)
    nb, error = report.execute(report.NOTEBOOK_DIR / f"{name}.ipynb", params, cwd=tmp_path, timeout=300)
    assert error is None, error
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors
    # Warnings or stray stderr would land in a report as red blocks.
    stderr = [o["text"] for c in nb.cells for o in c.get("outputs", []) if o.get("name") == "stderr"]
    assert not stderr, stderr
    text = _outputs_text(nb)
    for needle in EXPECT[name]:
        assert needle in text, f"{name}: {needle!r} not in the outputs"
    widgets = [o for c in nb.cells for o in c.get("outputs", []) if WIDGET in o.get("data", {})]
    interactive = name in ("cache-doctor", "mvs-lesson", "tidy-lesson")
    assert bool(widgets) == interactive, "widgets appear in interactive runs only"
    # Figures are SVG (what the report pages embed): an SVG output, or an <img> of one with alt text.
    assert any("image/svg+xml" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])) \
        or re.search(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="[^"]{20,}"', text)
    html = report.to_html(nb)
    assert "Traceback" not in html


def test_notebooks_are_committed_without_outputs():
    for path in report.NOTEBOOK_DIR.glob("*.ipynb"):
        nb = json.loads(path.read_text())
        assert all(not c.get("outputs") and c.get("execution_count") is None
                   for c in nb["cells"] if c["cell_type"] == "code"), path.name
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: one cell tagged parameters"
