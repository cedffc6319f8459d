"""``gomodlab doctor``: which go command gomodlab uses and the settings that decide module fetching."""

from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("doctor", help="show the go command and its module settings (go env)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..load import gotool

    exe = gotool.find_go()
    version = gotool.go_version()
    reported = gotool.go_env()
    settings = {name: reported.get(name, "") for name in gotool.DOCTOR_VARS}
    if args.format == "json":
        print(json.dumps({"go": exe, "version": version, "env": settings}, indent=2))
        return 0
    print(f"go command   {exe}")
    print(f"go version   {version.removeprefix('go version ')}")
    width = max(map(len, settings))
    for name, value in settings.items():
        print(f"{name:<{width}}  {value if value else '(empty)'}")
    return 0
