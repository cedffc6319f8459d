"""``gomodlab hash PATH``: the h1: hash go would record for a zip, an extracted dir or a go.mod."""

from __future__ import annotations

import argparse
import os

from ..errors import GomodlabError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("hash", help="print the h1: hash of a module zip, module directory or go.mod file",
                       description="A .zip gives its go.sum zip hash, a directory its dir hash (the prefix "
                                   "comes from --module or from the cache layout <escaped path>@<escaped "
                                   "version>), a go.mod or .mod file its /go.mod hash.")
    p.add_argument("path")
    p.add_argument("--module", metavar="MODULE@VERSION", help="prefix for a directory hash")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..mod import dirhash

    path = args.path
    if os.path.isdir(path):
        if args.module:
            prefix = args.module
        else:
            from ..cache.layout import module_of_extracted_dir
            from ..errors import CacheError

            try:
                prefix = "@".join(module_of_extracted_dir(path))
            except CacheError as e:
                raise GomodlabError(f"{e}; give the hash prefix with --module MODULE@VERSION") from e
        print(dirhash.hash_dir(path, prefix))
        return 0
    if args.module:
        raise GomodlabError(f"{path}: --module applies to a directory only (a zip names its own files)")
    if path.endswith(".zip"):
        print(dirhash.hash_zip(path))
    elif os.path.isfile(path):
        with open(path, "rb") as f:
            print(dirhash.hash_gomod(f.read()))
    else:
        raise GomodlabError(f"{path}: no such file or directory")
    return 0
