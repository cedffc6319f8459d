"""The command table: every command is registered by the module the table names, and only it."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

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
