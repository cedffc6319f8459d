"""``gomodlab vendor-check``: is vendor/modules.txt consistent with go.mod, as go checks it in vendor mode?

Prints go's own "inconsistent vendoring" report (exit 1, as go build would fail) or a one-line
confirmation; says so when go would not use the vendor directory at all. Inside a workspace
(go.work found as go finds it, GOWORK=off to leave it) the vendor directory beside go.work is checked.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from ._goexit import go_exit


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("vendor-check", help="check vendor/modules.txt against go.mod exactly as go does",
                       description="Compare vendor/modules.txt with the main go.mod the way the go command does on "
                                   "entering vendor mode, and print go's 'inconsistent vendoring' report.")
    p.add_argument("dir", nargs="?", default=".", metavar="DIR",
                   help="directory in the main module (default: the current directory)")
    p.add_argument("--modfile", metavar="FILE", help="read FILE instead of go.mod (go's -modfile)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run_vendor_check)


@go_exit
def run_vendor_check(args: argparse.Namespace) -> int:
    from ..load.get import LOCAL_GO_VERSION
    from ..load.goswitch import locate_main, read_main, switches
    from ..load.goswitch import GoExit
    from ..load.vendor import InconsistentVendoring, build_mode, check_vendor
    from ..load.locate import find_gowork
    from ..load.workspace import Workspace
    from ..load.workvendor import check_workspace_vendor, workspace_build_mode

    sw = switches("list", modfile=args.modfile)
    cwd = os.path.abspath(args.dir)
    gowork = find_gowork(args.dir) if sw.modules_enabled else None
    if gowork is not None:
        # Workspace mode: the vendor directory beside go.work (go work vendor).
        if sw.modfile:
            raise GoExit("go: -modfile cannot be used in workspace mode")
        ws = Workspace(gowork, cwd)
        root, gomod = ws.dir, gowork
        mode, reason = workspace_build_mode(sw, ws)
    else:
        root, gomod = locate_main(sw, args.dir)
        main_file = read_main(gomod, root)
        mode, reason = build_mode(sw, main_file, root)
    try:
        if gowork is not None:
            mt = check_workspace_vendor(ws, cwd=cwd, local_go=LOCAL_GO_VERSION)
        else:
            mt = check_vendor(main_file, root, gomod=gomod, cwd=cwd, local_go=LOCAL_GO_VERSION)
        details: list[str] = []
    except InconsistentVendoring as e:
        if args.format == "json":
            json.dump({"root": root, "mode": mode, "reason": reason, "consistent": False,
                       "details": e.details}, sys.stdout, indent=2)
            sys.stdout.write("\n")
            return 1
        raise
    if args.format == "json":
        json.dump({"root": root, "mode": mode, "reason": reason, "consistent": True, "details": details,
                   "modules": len(mt.vendor_list)}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    print(f"vendor/modules.txt is consistent with {os.path.basename(gomod)}: "
          f"{len(mt.vendor_list)} module(s) provide vendored packages")
    if mode != "vendor":
        print(f"note: go runs this module with -mod={mode}" + (f": {reason}" if reason else ""))
    return 0
