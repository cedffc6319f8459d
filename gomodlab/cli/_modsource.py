"""Where the in-process tidy reads modules from: the ``--modcache`` / ``--proxy`` options shared by
``gomodlab tidy``, ``pkggraph`` and ``tidy-explain``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..load.sources import GoModSource


def add_source_options(p: argparse.ArgumentParser) -> None:
    """``--modcache PATH`` or ``--proxy URL`` (mutually exclusive; default: go's GOMODCACHE)."""
    src = p.add_mutually_exclusive_group()
    src.add_argument("--modcache", metavar="PATH", help="module cache to read from (default: go env GOMODCACHE)")
    src.add_argument("--proxy", metavar="URL", help="GOPROXY list to read modules from (zips read in memory)")


def source_of(args: argparse.Namespace) -> GoModSource:
    """The go.mod/zip source the options name."""
    from ..load.sources import ProxySource, source_for

    return ProxySource(args.proxy) if args.proxy else source_for(args.modcache)
