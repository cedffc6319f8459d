"""``gomodlab report [postmortem|NOTEBOOK] --out FILE.html``: a notebook run on evidence, as one HTML page.

Parameters reach the notebook's cell tagged ``parameters`` (``--param NAME=VALUE``; VALUE is read
as JSON when it parses — numbers, true/false/null, lists, quoted strings — else taken as a
string). ``--project``, ``--modcache``, ``--log``, ``--xlog``, ``--access-log`` and ``--proxy`` are
shorthands for the post-mortem's parameters, with paths made absolute. Exit status: 0 the page is
written and the notebook ran, 1 the notebook failed (the page is still written, red banner, with
the failing cell's error), 2 no page (unknown notebook, missing lab extra).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ..errors import GomodlabError

#: Shorthand option → (notebook parameter, is a path).
SHORTHANDS = {"project": ("project_dir", True), "modcache": ("modcache", True), "log": ("go_log", True),
              "xlog": ("xlog", True), "access_log": ("access_log", True), "proxy": ("goproxy", False),
              "modgraph": ("modgraph", True), "env_file": ("env_file", True)}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="run a notebook (default: the post-mortem) and write a self-contained HTML page",
                       description="Executes the notebook headless with the given parameters and exports it "
                                   "without input cells to one HTML file that loads nothing from the network. "
                                   "A failing notebook still produces its page, with a red banner.")
    p.add_argument("notebook", nargs="?", default="postmortem",
                   help="postmortem (default), another notebook of the kit by name, or a path to an .ipynb")
    p.add_argument("--out", "-o", metavar="FILE.html", help="where to write the page (default: reports/NAME.html)")
    p.add_argument("--param", "-p", action="append", default=[], metavar="NAME=VALUE",
                   help="a notebook parameter (repeatable)")
    p.add_argument("--title", help="the page's title (default: the notebook's name)")
    p.add_argument("--project", metavar="DIR", help="main module directory (go.mod, go.sum): parameter project_dir")
    p.add_argument("--modcache", metavar="DIR", help="module cache to scan: parameter modcache")
    p.add_argument("--log", metavar="FILE", help="what the go command printed: parameter go_log")
    p.add_argument("--xlog", metavar="FILE", help="a go … -x trace: parameter xlog")
    p.add_argument("--access-log", metavar="FILE", help="a GOPROXY access log: parameter access_log")
    p.add_argument("--proxy", metavar="GOPROXY", help="where to read go.mod files the cache lacks: parameter goproxy")
    p.add_argument("--modgraph", metavar="FILE", help="saved go mod graph output: parameter modgraph")
    p.add_argument("--env-file", metavar="FILE",
                   help="shell exports go ran with (the demo's demo.env); the printed fix sources it first: parameter env_file")
    p.add_argument("--timeout", type=int, default=900, help="seconds a cell may run (default 900)")
    p.set_defaults(run=run)


def parse_param(item: str) -> tuple[str, object]:
    """``NAME=VALUE`` → (name, value): JSON when VALUE parses as JSON, else the string."""
    name, eq, raw = item.partition("=")
    name = name.strip()
    if not eq or not name.isidentifier():
        raise GomodlabError(f"--param {item!r}: want NAME=VALUE with NAME a Python identifier")
    try:
        return name, json.loads(raw)
    except ValueError:
        return name, raw


def notebook_path(name: str) -> Path:
    """A kit notebook by name (``postmortem``), or a path to a notebook file."""
    from ..lab.report import NOTEBOOK_DIR, ReportError

    candidate = Path(name)
    if candidate.suffix == ".ipynb" or os.sep in name:
        if not candidate.is_file():
            raise ReportError(f"{name}: no such notebook")
        return candidate.resolve()
    path = NOTEBOOK_DIR / f"{name}.ipynb"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in NOTEBOOK_DIR.glob("*.ipynb"))) or "none"
        raise ReportError(f"no notebook named {name!r} (the kit has: {known})")
    return path


def run(args: argparse.Namespace) -> int:
    from ..lab import report

    nb = notebook_path(args.notebook)
    params: dict[str, object] = dict(parse_param(item) for item in args.param)
    for option, (name, is_path) in SHORTHANDS.items():
        value = getattr(args, option)
        if value is not None:
            params[name] = os.path.abspath(value) if is_path else value
    out = Path(args.out or os.path.join("reports", f"{nb.stem}.html"))
    # Relative paths in --param values mean the caller's directory, so the notebook runs there.
    res = report.render(nb, out, params, title=args.title, cwd=os.getcwd(), timeout=args.timeout)
    print(f"{res.html}: {res.status}" + (f" ({res.error})" if res.error else "") + f" in {res.seconds:.1f} s")
    if res.status != "ok":
        print(f"gomodlab report: the notebook failed; the page shows where: {res.error}", file=sys.stderr)
        return 1
    return 0
