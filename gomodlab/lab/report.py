"""Post-mortem reports: a notebook executed with parameters and exported to one self-contained HTML page.

The notebook is the single place where an investigation is written down; the report is that
notebook run on the evidence at hand (parameters injected after the cell tagged ``parameters``,
papermill-style) and exported without input cells through gomodlab's nbconvert template, which
loads nothing from the network. A notebook that fails still produces its page: the banner turns
red and names the failing cell, because a half-finished post-mortem is still evidence.

Needs the ``lab`` extra (nbclient, nbconvert, ipykernel).
"""

from __future__ import annotations

import datetime as _dt
import os
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import GomodlabError
from .checkout import CHECKOUT, NOTEBOOK_DIR

__all__ = ["ReportError", "ReportResult", "NOTEBOOK_DIR", "inject_parameters", "execute", "to_html", "render"]



class ReportError(GomodlabError):
    """A report could not be produced at all (missing notebook, missing lab extra)."""


@dataclass(frozen=True, slots=True)
class ReportResult:
    """Where a report went and how its notebook run ended (``status`` is ``ok`` or ``failed``)."""

    notebook: Path
    html: Path
    status: str
    seconds: float
    error: str | None = None


def _lab_modules():
    try:
        import nbclient
        import nbconvert
        import nbformat
    except ImportError as e:  # pragma: no cover - depends on the install
        raise ReportError(f"reports need the lab extra: pip install 'gomodlab[lab]' ({e})") from None
    return nbformat, nbclient, nbconvert


def inject_parameters(nb: Any, params: Mapping[str, Any]) -> None:
    """Insert ``name = value`` assignments after the cell tagged ``parameters`` (or first)."""
    nbformat, _, _ = _lab_modules()
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    if not params:
        return
    source = "# Parameters injected by gomodlab report\n" + "".join(f"{k} = {v!r}\n" for k, v in params.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    at = next((i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), 0)
    nb.cells.insert(at, cell)


def execute(notebook: str | Path, params: Mapping[str, Any] | None = None, *, cwd: str | Path | None = None,
            timeout: int = 900) -> tuple[Any, str | None]:
    """Run a notebook with ``params``; return the executed notebook and the error text (or None)."""
    nbformat, nbclient, _ = _lab_modules()
    from traitlets.config import Config

    path = Path(notebook)
    if not path.is_file():
        raise ReportError(f"{path}: no such notebook")
    nb = nbformat.read(path, as_version=4)
    inject_parameters(nb, dict(params or {}))
    with tempfile.TemporaryDirectory(prefix="gomodlab-kernel-") as sockets:
        # Local sockets instead of loopback TCP: no port to race for, and ipykernel has no
        # "running over TCP without encryption" warning to print into the caller's terminal.
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = os.path.join(sockets, "kernel")
        client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3", config=config,
                                         resources={"metadata": {"path": str(cwd or path.parent)}})
        try:
            client.execute(env=_kernel_env())
        except nbclient.exceptions.CellExecutionError as e:
            return nb, _first_line_of_error(e)
        except nbclient.exceptions.CellTimeoutError as e:
            return nb, f"a cell did not finish within {timeout}s: {str(e).splitlines()[0] if str(e) else ''}"
    return nb, None


def _kernel_env() -> dict[str, str]:
    """The kernel imports the same gomodlab as this process (a checkout run without installing it)."""
    env = dict(os.environ)
    root = str(CHECKOUT)
    env["PYTHONPATH"] = os.pathsep.join([root, *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]])
    return env


def _first_line_of_error(e: Exception) -> str:
    ename, evalue = getattr(e, "ename", ""), getattr(e, "evalue", "")
    if ename:
        return f"{ename}: {evalue}".strip()
    return str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__


def to_html(nb: Any) -> str:
    """Export an executed notebook to gomodlab's self-contained, input-free HTML page."""
    _, _, nbconvert = _lab_modules()
    templates = Path(__file__).resolve().parent / "templates"
    exporter = nbconvert.HTMLExporter(template_name="gomodlab", extra_template_basedirs=[str(templates)],
                                      exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    page = nb.copy()
    page.cells = [c for c in nb.cells if _shown(c)]
    body, _ = exporter.from_notebook_node(page)
    return body


def _shown(cell: Any) -> bool:
    """Whether a cell is on the page: not tagged ``remove-cell`` (a notebook's note to its
    editor), and a code cell only when it printed something (an empty cell would leave a gap
    above the first section)."""
    if "remove-cell" in cell.get("metadata", {}).get("tags", []):
        return False
    return cell.get("cell_type") != "code" or bool(cell.get("outputs"))


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gomodlab")
    except PackageNotFoundError:
        return "unknown"


def render(notebook: str | Path, out: str | Path, params: Mapping[str, Any] | None = None, *,
           title: str | None = None, cwd: str | Path | None = None, timeout: int = 900) -> ReportResult:
    """Execute ``notebook`` with ``params`` and write the HTML page to ``out`` (even when it fails)."""
    started = _dt.datetime.now(_dt.timezone.utc)
    t0 = time.perf_counter()
    nb, error = execute(notebook, params, cwd=cwd, timeout=timeout)
    seconds = round(time.perf_counter() - t0, 1)
    status = "failed" if error else "ok"
    nb.metadata["title"] = title or (params or {}).get("title") or nb.metadata.get("title") or Path(notebook).stem
    nb.metadata["gomodlab"] = {"status": status, "error": error, "started": started.strftime("%Y-%m-%d %H:%M:%S UTC"),
                               "seconds": seconds, "version": _version(),
                               "params": {k: str(v) for k, v in (params or {}).items()}}
    out_path = Path(out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(to_html(nb), encoding="utf-8")
    return ReportResult(Path(notebook), out_path, status, seconds, error)
