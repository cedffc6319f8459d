"""The command table: every command is registered by the module the table names, and only it."""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from gomodlab import cli


def _registered(module: str) -> set[str]:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    importlib.import_module(f"gomodlab.cli.{module}").register(sub)
    return set(sub.choices)


def test_every_module_registers_exactly_its_commands():
    for module in set(cli.COMMANDS.values()):
        assert _registered(module) == {c for c, m in cli.COMMANDS.items() if m == module}, module


def test_full_help_lists_every_command():
    out = subprocess.run([sys.executable, "-m", "gomodlab", "--help"], capture_output=True, text=True).stdout
    for command in cli.COMMANDS:
        assert command in out


def test_unknown_command_is_a_usage_error():
    p = subprocess.run([sys.executable, "-m", "gomodlab", "no-such-command"], capture_output=True, text=True)
    assert p.returncode == 2 and "invalid choice" in p.stderr and "Traceback" not in p.stderr


# `gomodlab buildlist`/`modgraph` parse their plain command lines without argparse (start-up
# time); whatever that quick parser accepts, it must read exactly as argparse does.
TOKENS = ["buildlist", "modgraph", "why", "dir", "", "-", "--modcache", "--modcache=", "--modcache=/c", "/c",
          "--format", "--format=json", "json", "text", "xml", "--proxy", "file:///p", "--graph", "-h",
          "--mod", "--", "-x", "--format=text", "a=b", "-1"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=6))
def test_quick_args_read_as_argparse_reads(argv: list[str]) -> None:
    from gomodlab.cli.modgraph import quick_args

    quick = quick_args(argv)
    if quick is None:
        return
    parsed = cli.build_parser(argv[0]).parse_args(argv)  # SystemExit here means quick accepted junk
    assert vars(quick) == vars(parsed), argv


def test_quick_args_take_the_plain_command_lines() -> None:
    from gomodlab.cli.modgraph import quick_args

    for argv in (["buildlist"], ["buildlist", "d", "--modcache", "/c"], ["modgraph", "--format=json", "d"]):
        assert quick_args(argv) is not None, argv
    for argv in (["buildlist", "--proxy", "file:///p"], ["buildlist", "-h"], ["buildlist", "a", "b"], ["why", "m"]):
        assert quick_args(argv) is None, argv


def test_buildlist_start_up_imports_nothing_heavy(tmp_path) -> None:
    """What `gomodlab buildlist` imports on its way to an answer: none of the modules whose import
    alone would cost a good part of the time go list -m all takes (see modload's header)."""
    cache = tmp_path / "modcache" / "cache" / "download" / "example.com" / "a" / "@v"
    cache.mkdir(parents=True)
    (cache / "v1.0.0.mod").write_text("module example.com/a\n\ngo 1.21\n")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "go.mod").write_text("module example.com/m\n\ngo 1.22\n\nrequire example.com/a v1.0.0\n")
    probe = ("import sys\nfrom gomodlab.cli import main\nrc = main(sys.argv[1:])\n"
             "heavy = {'re', 'typing', 'dataclasses', 'pathlib', 'argparse', 'enum', 'inspect', 'json'}\n"
             "print(rc, sorted(heavy & set(sys.modules)))\n")
    env = {**os.environ, "GOMODLAB_CACHE": str(tmp_path / "gl"), "GOWORK": "off"}
    argv = [sys.executable, "-c", probe, "buildlist", str(tmp_path / "m"), "--modcache", str(tmp_path / "modcache")]
    for run in ("graph loaded", "output memo"):
        out = subprocess.run(argv, capture_output=True, text=True, env=env)
        assert out.stdout.splitlines() == ["example.com/m", "example.com/a v1.0.0", "0 []"], (run, out.stderr)
