"""The fidelity suite: every differential test against the real go command, shown by family.

A family is one test module marked ``pytest.mark.go`` (it runs real go and compares what
gomodlab answers with what go printed or wrote); its description is the first paragraph of
the module's docstring. At the end of a run that included such tests, pytest prints one row per
family — cases passed, failed, skipped — and ``--fidelity FILE`` writes the same table as
Markdown (``make fidelity`` runs only these tests and writes ``fidelity.md``). A property
test counts as one case, however many examples hypothesis tried.

The hooks are re-exported by ``tests/conftest.py``; they read only test reports, so the table
is the same with pytest-xdist workers.
"""

from __future__ import annotations

import ast
from collections import Counter, defaultdict
from pathlib import Path

import pytest

_OUTCOMES = ("passed", "failed", "skipped")
_results: dict[str, Counter] = defaultdict(Counter)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fidelity", metavar="FILE", default=None,
                     help="write the differential families (tests marked 'go') and their counts as Markdown")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "go" not in report.keywords:
        return
    family = report.nodeid.split("::", 1)[0]
    # One outcome per case: a failure in set-up or tear-down counts, a passing phase other than
    # the call does not (a skip is reported by set-up).
    if report.when == "call" or report.outcome != "passed":
        _results[family][report.outcome] += 1


def _description(path: Path) -> str:
    try:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    except (OSError, SyntaxError):
        return ""
    return " ".join(doc.strip().split("\n\n", 1)[0].split())  # the first paragraph, on one line


def fidelity_table(root: Path) -> list[tuple[str, str, int, int, int]]:
    """(test file, what it compares with go, passed, failed, skipped) per family, by file name."""
    return [(family, _description(root / family), c["passed"], c["failed"], c["skipped"])
            for family, c in sorted(_results.items())]


def markdown(rows: list[tuple[str, str, int, int, int]], go_version: str) -> str:
    total = [sum(r[i] for r in rows) for i in (2, 3, 4)]
    lines = [f"Differential tests against {go_version}: {len(rows)} families, {total[0]} cases passed, "
             f"{total[1]} failed, {total[2]} skipped.", "",
             "| family (test file) | what is compared with real go | passed | failed | skipped |",
             "|---|---|---:|---:|---:|"]
    lines += [f"| `{f}` | {d.replace('|', '/')} | {p} | {x} | {s} |" for f, d, p, x, s in rows]
    return "\n".join(lines) + "\n"


def _go_version() -> str:
    from gomodlab.load import gotool

    try:
        return "go " + gotool.go_env(["GOVERSION"], env=None)["GOVERSION"].removeprefix("go")
    except Exception:  # noqa: BLE001 - the table is still worth printing without the version
        return "the real go command"


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # noqa: ANN001
    if not _results:
        return
    rows = fidelity_table(Path(config.rootpath))
    width = max(len(r[0]) for r in rows)
    tr = terminalreporter
    tr.section("fidelity against the real go command")
    tr.write_line(f"{'family':<{width}}  passed  failed  skipped")
    for f, _, p, x, s in rows:
        tr.write_line(f"{f:<{width}}  {p:>6}  {x:>6}  {s:>7}")
    tr.write_line(f"{len(rows)} families, {sum(r[2] for r in rows)} cases passed")
    if path := config.getoption("fidelity"):
        Path(path).write_text(markdown(rows, _go_version()), encoding="utf-8")
        tr.write_line(f"fidelity table written to {path}")
